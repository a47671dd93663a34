#!/usr/bin/env bash
# /etc/ld.so.preload, against the system loader. The machine's own /etc is never written:
# each case runs in a private mount namespace (unshare -m) where an overlay over /etc, its
# upper layer on a tmpfs of that namespace, holds the test's ld.so.preload; the namespace and
# everything in it go when the case's process exits. Skipped with a message where no such
# namespace or overlay can be made (no root, a container without CAP_SYS_ADMIN).
# Each case: the same file, the same command, through ld-mmld.so and through the system
# loader: the same stdout, stderr (the ERROR line of a missing object included) and status.
# usage: preload.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
TP=$BUILD/testprogs
PRE=$TP/preload
. "$(dirname "$0")/lib.sh"
cd "$TP" || exit 1

# with_preload_file FILE VAR=VALUE... CMD ARGS: CMD with FILE as /etc/ld.so.preload (FILE a
# directory: a directory there). Only CMD runs with the file in place: what prepares it runs
# before (cp) or is the shell itself; variables are exported by the shell, not by env(1).
# Status 99: the namespace could not be made.
with_preload_file() {
	local ov
	ov=$(mktemp -d "$TMPD/ov.XXXXXX")
	unshare -m --propagation private sh -c '
		ov=$1 file=$2; shift 2
		mount -t tmpfs tmpfs "$ov" 2>/dev/null && mkdir "$ov/u" "$ov/w" &&
			mount -t overlay overlay -o "lowerdir=/etc,upperdir=$ov/u,workdir=$ov/w" /etc 2>/dev/null || exit 99
		if [ -d "$file" ]; then mkdir /etc/ld.so.preload; else cp "$file" /etc/ld.so.preload; fi || exit 99
		while [ $# -gt 0 ]; do case $1 in *=*) export "$1"; shift ;; *) break ;; esac; done
		exec "$@"' sh "$ov" "$@"
}

if ! with_preload_file /dev/null true 2>/dev/null; then
	echo "skip preload: no private mount namespace with an overlay over /etc here (unshare -m)"
	exit 0
fi
[ -e /etc/ld.so.preload ] && echo "note: this machine has an /etc/ld.so.preload; the tests replace it in their namespace only"

# run_with OUT FILE VAR=VALUE... CMD ARGS: stdout, stderr, status into OUT.{out,err,rc}.
run_with() {
	local p=$1; shift
	timeout 20 bash -c 'with_preload_file "$@"' _ "$@" >"$p.out" 2>"$p.err" </dev/null
	echo $? >"$p.rc"
}
export -f with_preload_file
export TMPD

# same_file NAME FILE [VAR=VALUE...] -- ARGS: `LOADER ARGS` for both loaders (ARGS may start
# with loader options), FILE as /etc/ld.so.preload. REQUIRE (a regex) must appear in ours.
same_file() {
	local name=$1 file=$2; shift 2
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	run_with "$TMPD/ours" "$file" NOLIBC_SKIP_FINI=1 "${envs[@]}" "$RTLD" "$@"
	run_with "$TMPD/sys" "$file" NOLIBC_SKIP_FINI=1 "${envs[@]}" "$SYSLD" "$@"
	compare_runs "$name"
}

# compare_runs NAME: ours.* against sys.*, addresses, pids and the loaders' paths masked
# (ONLY, a regex: only the lines matching it compared).
compare_runs() {
	local name=$1
	for f in out err; do
		norm <"$TMPD/ours.$f" | grep -E "${ONLY:-.}" >"$TMPD/o"
		norm <"$TMPD/sys.$f" | grep -E "${ONLY:-.}" >"$TMPD/s"
		if ! cmp -s "$TMPD/o" "$TMPD/s"; then
			diff "$TMPD/s" "$TMPD/o" >"$TMPD/detail"
			bad "$name" "std$f differs from the system loader's (< system, > ld-mmld.so)"; return
		fi
	done
	if [ "$(cat "$TMPD/ours.rc")" != "$(cat "$TMPD/sys.rc")" ]; then
		cp "$TMPD/ours.err" "$TMPD/detail"
		bad "$name" "exit status $(cat "$TMPD/ours.rc"), system loader $(cat "$TMPD/sys.rc")"; return
	fi
	if [ -n "${REQUIRE:-}" ] && ! grep -Eq "$REQUIRE" "$TMPD/ours.out" "$TMPD/ours.err"; then
		cat "$TMPD/ours.out" "$TMPD/ours.err" >"$TMPD/detail"
		bad "$name" "the output lacks /$REQUIRE/"; return
	fi
	ok "$name"
}
norm() {
	norm_addrs | sed -E "s|$RTLD|LOADER|g; s|$SYSLD|LOADER|g; s|/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2|LOADER|g" |
		sed -E "s|${SEC:-/nonexistent}/ld-(mmld\|sys)-suid.so|LOADER|g; s/LOADER => LOADER/LOADER/" |
		sed -E 's/^ *[0-9]+:/PID:/'
}

F=$TMPD/files; mkdir -p "$F"
printf '%s\n' "$PRE/libpre_one.so" "$PRE/libpre_two.so" >"$F/two-lines"
printf '%s:%s\t%s  %s\n' "$PRE/libpre_two.so" "$PRE/libpre_one.so" "$PRE/libpre_three.so" "$PRE/libpre_four.so" >"$F/separators"
printf '# the first line is a comment\n%s # and so is the end of this one %s\n#%s\n  %s\n' \
	"$PRE/libpre_one.so" "$PRE/libpre_two.so" "$PRE/libpre_three.so" "$PRE/libpre_four.so" >"$F/comments"
# glibc's comment scan restarts at the file's start over a shrinking length: with the first
# comment far into the file, the second is out of its reach and "#..." is taken as a name.
printf '%s%200s# far\n#%s\n' "$PRE/libpre_one.so" "" "$PRE/libpre_two.so" >"$F/comment-out-of-reach"
printf '%s\n%s' "$PRE/libpre_one.so" "$PRE/libpre_two.so" >"$F/no-final-newline"
printf '%s' "$PRE/libpre_three.so" >"$F/one-name-no-newline"
printf '%s\n\0%s\n' "$PRE/libpre_one.so" "$PRE/libpre_two.so" >"$F/nul-byte"
printf '%s\n%s\n' "$PRE/gone/libnone.so" "$PRE/libpre_two.so" >"$F/missing"
# NUL bytes after the last separator, or from the start: the tail name is "", which glibc
# takes for the program itself (its link map's empty name): nothing loaded, nothing said.
printf '%s\n\0' "$PRE/libpre_one.so" >"$F/nul-at-end"
printf '%s\n\0\0\0\0' "$PRE/libpre_one.so" >"$F/nul-padded"
printf '\0' >"$F/only-nul"
printf '\0\0x' >"$F/nul-then-name"
printf '\0%s' "$PRE/libpre_one.so" >"$F/nul-first"
printf '%s\n%s\n' "$TP/deps" "$PRE/libpre_one.so" >"$F/executable"
printf 'libpre_three.so libpre_four.so\n' >"$F/plain-names"
printf '%s\n%s\n' "$PRE/libpre_one.so" "$PRE/libpre_three.so" >"$F/with-env"
: >"$F/empty"
printf '# nothing but a comment\n\n' >"$F/only-comment"
mkdir "$F/directory"

REQUIRE='init: preload one' same_file two-lines "$F/two-lines" -- ./deps
REQUIRE='init: preload four' same_file separators "$F/separators" -- ./deps
REQUIRE='init: preload four' same_file comments "$F/comments" -- ./deps
REQUIRE="object '#" same_file comment-out-of-reach "$F/comment-out-of-reach" -- ./deps
REQUIRE='init: preload two' same_file no-final-newline "$F/no-final-newline" -- ./deps
REQUIRE='init: preload three' same_file one-name-no-newline "$F/one-name-no-newline" -- ./deps
same_file nul-byte "$F/nul-byte" -- ./deps
REQUIRE='init: preload one' same_file nul-at-end "$F/nul-at-end" -- ./deps
REQUIRE='init: preload one' same_file nul-padded "$F/nul-padded" -- ./deps
for f in only-nul nul-then-name nul-first; do
	REQUIRE='init: program' same_file "$f" "$F/$f" -- ./deps
done
REQUIRE='from /etc/ld.so.preload cannot be preloaded' same_file missing-object "$F/missing" -- ./deps
same_file executable-listed "$F/executable" -- ./deps
REQUIRE='init: preload four' same_file plain-names-searched "$F/plain-names" LD_LIBRARY_PATH="$PRE" -- ./deps
same_file plain-names-not-found "$F/plain-names" -- ./deps
# After LD_PRELOAD's and --preload's objects; one named twice is loaded once.
REQUIRE='who\(\) from the program: preload two' same_file after-ld-preload-and-option "$F/with-env" \
	LD_PRELOAD="$PRE/libpre_two.so" -- --preload "$PRE/libpre_four.so:$PRE/libpre_one.so" ./deps
for f in empty only-comment directory; do
	REQUIRE='init: program' same_file "$f" "$F/$f" -- ./deps
done
# What ldd sees: --list, LD_TRACE_LOADED_OBJECTS, the missing object's line in both.
REQUIRE='libpre_two.so' same_file list "$F/missing" -- --list ./deps
REQUIRE='libpre_one.so' same_file trace-loaded-objects "$F/two-lines" LD_TRACE_LOADED_OBJECTS=1 -- ./deps
# LD_DEBUG=files: the lines of the preloads' search (the rest of LD_DEBUG's output is not
# glibc's everywhere: docs/status.md).
ONLY='needed by|preloaded' REQUIRE='file=.*libpre_two.so \[0\]; +needed by' same_file ld-debug-files "$F/missing" LD_DEBUG=files -- ./deps

# glibc's name buffer (elf/rtld.c handle_preload_list): a name of PATH_MAX (4096) bytes or more
# is skipped without a word, one byte shorter is tried (and not found).
long4095=/$(printf 'r%.0s' $(seq 4094)) long4096=/$(printf 's%.0s' $(seq 4095))
REQUIRE="object '/r{4094}' from LD_PRELOAD cannot be preloaded" same_file long-names "$F/empty" \
	LD_PRELOAD="$long4095 $long4096 $PRE/libpre_one.so" -- ./deps

# PT_INTERP: the kernel starts each loader (ours names itself in deps-interp).
run_with "$TMPD/ours" "$F/missing" NOLIBC_SKIP_FINI=1 ./deps-interp
run_with "$TMPD/sys" "$F/missing" NOLIBC_SKIP_FINI=1 ./deps
REQUIRE='init: preload two' compare_runs pt-interp
run_with "$TMPD/ours" "$F/nul-at-end" NOLIBC_SKIP_FINI=1 ./deps-interp
run_with "$TMPD/sys" "$F/nul-at-end" NOLIBC_SKIP_FINI=1 ./deps
REQUIRE='init: preload one' compare_runs pt-interp-nul-at-end

# Debian's ldd script (RTLDLIST naming each loader); bash itself, run by the system loader,
# loads the file's objects too, in both runs alike.
sed "s|^RTLDLIST=.*|RTLDLIST=$RTLD|" /usr/bin/ldd >"$TMPD/ldd-mmld"
sed "s|^RTLDLIST=.*|RTLDLIST=$SYSLD|" /usr/bin/ldd >"$TMPD/ldd-sys"
run_with "$TMPD/ours" "$F/missing" bash "$TMPD/ldd-mmld" ./deps
run_with "$TMPD/sys" "$F/missing" bash "$TMPD/ldd-sys" ./deps
REQUIRE='libpre_two.so =>|libpre_two.so \(' compare_runs ldd

# Secure mode: a setuid copy of each loader run by another user still reads the file, paths
# included (glibc's rule: only root writes it).
# (A copy of the system loader at another path lists itself as "PT_INTERP's name => its path",
# ld-mmld.so by its path alone: the one difference masked.)
if [ "$(id -u)" = 0 ]; then
	SEC=$TMPD/secure; mkdir -p "$SEC"; cp -r "$TP"/. "$SEC/"
	cp "$RTLD" "$SEC/ld-mmld-suid.so"; cp "$SYSLD" "$SEC/ld-sys-suid.so"
	chmod 4755 "$SEC/ld-mmld-suid.so" "$SEC/ld-sys-suid.so"; chmod -R a+rX "$TMPD"
	printf '%s\n' "$SEC/preload/libpre_one.so" "$SEC/preload/gone.so" >"$F/secure"
	# A name without a slash: glibc takes, in secure mode, only a set-user-ID file from a
	# directory and never asks ld.so.cache, so the system's libz.so.1 is refused.
	printf 'libz.so.1\n%s\n' "$SEC/preload/libpre_one.so" >"$F/secure-plain"
	as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# (/bin/true: a secure process ignores RUNPATH's $ORIGIN, which deps needs; setpriv, run
	# by the system loader, loads the file's objects too, in both runs alike.)
	for how in "" --list; do
		# shellcheck disable=SC2086
		run_with "$TMPD/ours" "$F/secure" $as_nobody "$SEC/ld-mmld-suid.so" $how /bin/true
		# shellcheck disable=SC2086
		run_with "$TMPD/sys" "$F/secure" $as_nobody "$SEC/ld-sys-suid.so" $how /bin/true
		if [ -n "$how" ]; then
			REQUIRE='libpre_one.so \(' compare_runs secure-mode-list
		else
			REQUIRE="object '.*gone.so' from /etc/ld.so.preload" compare_runs secure-mode-paths
		fi
	done
	# shellcheck disable=SC2086
	run_with "$TMPD/ours" "$F/secure-plain" $as_nobody "$SEC/ld-mmld-suid.so" --list /bin/true
	# shellcheck disable=SC2086
	run_with "$TMPD/sys" "$F/secure-plain" $as_nobody "$SEC/ld-sys-suid.so" --list /bin/true
	REQUIRE="object 'libz.so.1' from /etc/ld.so.preload cannot be preloaded" compare_runs secure-mode-plain-name
	# LD_PRELOAD in a set-user-ID program (the system loader asserts when run directly in
	# secure mode with LD_PRELOAD set, so each loader is the PT_INTERP of a setuid program):
	# names with a slash skipped without a word, names without one taken only as set-user-ID
	# files from the default directories, so libz.so.1 and libm.so.6 are refused.
	printf 'int main(void) { return 0; }\n' >"$SEC/suid.c"
	if gcc -o "$SEC/suid-ours" "$SEC/suid.c" -Wl,--dynamic-linker="$SEC/ld-mmld-suid.so" &&
		gcc -o "$SEC/suid-sys" "$SEC/suid.c"; then
		chmod 4755 "$SEC/suid-ours" "$SEC/suid-sys"
		for who in ours sys; do
			# shellcheck disable=SC2086
			run_with "$TMPD/$who" /dev/null $as_nobody env \
				LD_PRELOAD="libz.so.1 $SEC/preload/libpre_one.so libm.so.6" "$SEC/suid-$who"
		done
		REQUIRE="object 'libz.so.1' from LD_PRELOAD cannot be preloaded" compare_runs secure-mode-ld-preload
		# glibc's limit in secure mode (elf/rtld.c dso_name_valid_for_suid): a name of NAME_MAX
		# (255) bytes or more is skipped without a word, one byte shorter is searched.
		long254=$(printf 'p%.0s' $(seq 254)) long255=$(printf 'q%.0s' $(seq 255))
		for who in ours sys; do
			# shellcheck disable=SC2086
			run_with "$TMPD/$who" /dev/null $as_nobody env LD_PRELOAD="$long254 $long255" "$SEC/suid-$who"
		done
		REQUIRE="object 'p{254}' from LD_PRELOAD cannot be preloaded" compare_runs secure-mode-long-names
	else
		echo "skip preload secure-mode-ld-preload: gcc could not build the setuid program"
	fi
else
	echo "skip preload secure-mode: needs root for a setuid copy"
fi

echo "preload: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
