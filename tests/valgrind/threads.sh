#!/usr/bin/env bash
# make threads-valgrind: the thread tests (testprogs/threads) and the glibc programs that use
# threads, TLS and dlopen (testprogs/glibc) under valgrind's helgrind and drd, through the
# system loader and through ld-mmld.so. Both runs have valgrind's default suppressions and
# tests/valgrind/system.supp (libc's and libgcc's own synchronisation the tools miss);
# ld-mmld.so's also tests/valgrind/ld-mmld.supp (the loader's lock-free publications and
# atomics, one function each, with the reason). Every count must be 0: a count is the largest
# any process of the run reported (a forked child reports its own), and the script exits 1
# if any is not 0, naming the program. Takes a few minutes.
# usage: threads.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
HERE=$(cd "$(dirname "$0")" && pwd)
SYS_SUPP=$HERE/system.supp OUR_SUPP=$HERE/ld-mmld.supp
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
BAD=""
# The logs of every run that reported errors are kept here.
LOGS=$BUILD/valgrind-logs
rm -rf "$LOGS"; mkdir -p "$LOGS"

# errors LOG: "N (C contexts)" of the process of LOG that reported the most errors.
errors() {
	grep -E 'ERROR SUMMARY' "$1" | sed -E 's/.*ERROR SUMMARY: ([0-9]+) errors from ([0-9]+) contexts.*/\1 \2/' |
		sort -n | tail -1 | awk '{ printf "%s (%s contexts)", $1, $2 }'
}

printf '%-34s %-9s %-22s %s\n' program tool "system loader" ld-mmld.so
run() {
	local dir=$1; shift
	for tool in helgrind drd; do
		(cd "$dir" && timeout 900 valgrind --tool=$tool --gen-suppressions=all --suppressions="$SYS_SUPP" "$@" >/dev/null 2>"$TMPD/sys")
		(cd "$dir" && timeout 900 valgrind --tool=$tool --gen-suppressions=all --suppressions="$SYS_SUPP" --suppressions="$OUR_SUPP" \
			"$RTLD" "$@" >/dev/null 2>"$TMPD/ours")
		local sys ours
		sys=$(errors "$TMPD/sys") ours=$(errors "$TMPD/ours")
		printf '%-34s %-9s %-22s %s\n' "$*" $tool "$sys" "$ours"
		case "$sys $ours" in
		"0 (0 contexts) 0 (0 contexts)") ;;
		*)
			BAD="$BAD [$* $tool]"
			local keep
			keep=$LOGS/$(printf '%s' "$*" | tr -c 'A-Za-z0-9_.-' _)-$tool
			cp "$TMPD/sys" "$keep-system.log"; cp "$TMPD/ours" "$keep-ld-mmld.log"
			;;
		esac
	done
}
T=$BUILD/testprogs/threads G=$BUILD/testprogs/glibc
run "$T" ./lazy_race 4 3
run "$T" ./fork_race 20
run "$T" ./fork_signal 1
run "$T" ./tls_grow 50
run "$T" ./phdr_race 100
run "$T" ./throw_race 100
run "$T" ./churn 300 plain 8
run "$T" ./churn 300 tls 8
run "$T" ./dlclose_nested
run "$T" ./execstack_dlopen
run "$T" ./execstack_start
run "$T" ./atfork_loader
run "$T" ./fork_variants
run "$G" ./threads
run "$G" ./dltest
run "$G" ./lifecycle
run "$G" ./dlclose
if [ -n "$BAD" ]; then
	echo "threads-valgrind: errors reported for$BAD (their logs: $LOGS)"
	exit 1
fi
echo "threads-valgrind: 0 errors for every program under both tools and both loaders"
