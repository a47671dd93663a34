#!/usr/bin/env bash
# Robustness: ld-mmld.so --verify and --list over every file of ../shared/elf-corpus
# (fuzzer crashers, broken and unusual ELF files). Each run must end with a status of its own
# (0, 1, 2 or 127), never a signal or a hang, and a 127 must come with exactly one line on
# stderr. Neither mode runs the file's code; still, as the corpus README asks, the runs are
# made as an unprivileged user (nobody) with a time limit.
# usage: run.sh BUILD_DIR    (MMLD_CORPUS=DIR overrides where the archives are)
set -u
BUILD=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPUS=${MMLD_CORPUS:-$ROOT/../shared/elf-corpus}
if ! ls "$CORPUS"/*.tar.xz >/dev/null 2>&1; then
	echo "corpus: no archives in $CORPUS (shared/ is not beside this checkout): skipped"
	echo "corpus: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
for a in "$CORPUS"/*.tar.xz; do tar -xJf "$a" -C "$WORK"; done
cp "$BUILD/ld-mmld.so" "$WORK/ld-mmld.so"
chmod -R a+rX "$WORK"
as_user=()
if [ "$(id -u)" = 0 ]; then as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups); fi

pass=0 fail=0
while IFS= read -r f; do
	for mode in --verify --list; do
		"${as_user[@]}" timeout 5 "$WORK/ld-mmld.so" $mode "$f" >/dev/null 2>"$WORK/err" </dev/null
		rc=$?
		case $rc in
		0 | 1 | 2) pass=$((pass + 1)) ;;
		127)
			if [ "$(wc -l <"$WORK/err")" = 1 ]; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "FAIL $mode ${f#$WORK/}: status 127 with $(wc -l <"$WORK/err") lines on stderr"
			fi
			;;
		124) fail=$((fail + 1)); echo "FAIL $mode ${f#$WORK/}: hung (killed after 5 s)" ;;
		*) fail=$((fail + 1)); echo "FAIL $mode ${f#$WORK/}: status $rc (signal $((rc - 128)))" ;;
		esac
	done
done < <(find "$WORK" -type f ! -name ld-mmld.so ! -name err ! -name '*.txt' | sort)
echo "corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
