#!/usr/bin/env bash
# make threads-valgrind: the thread tests (testprogs/threads) and the glibc programs that use
# threads, TLS and dlopen (testprogs/glibc) under valgrind's helgrind and drd, through the
# system loader (valgrind's default suppressions) and through ld-mmld.so (the same and
# tests/valgrind/ld-mmld.supp: what the tools cannot see as synchronisation, see its
# comments). Prints the errors each tool reports; a report is a line to read, not a failure
# (helgrind also flags libgcc's unwinder under both loaders). Takes a few minutes.
# usage: threads.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
SUPP=$(cd "$(dirname "$0")" && pwd)/ld-mmld.supp
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT

errors() { grep -E 'ERROR SUMMARY' "$1" | tail -1 | sed -E 's/.*ERROR SUMMARY: ([0-9]+) errors from ([0-9]+) contexts.*/\1 (\2 contexts)/'; }

printf '%-34s %-9s %-22s %s\n' program tool "system loader" ld-mmld.so
run() {
	local dir=$1; shift
	for tool in helgrind drd; do
		(cd "$dir" && timeout 900 valgrind --tool=$tool "$@" >/dev/null 2>"$TMPD/sys")
		(cd "$dir" && timeout 900 valgrind --tool=$tool --suppressions="$SUPP" "$RTLD" "$@" >/dev/null 2>"$TMPD/ours")
		printf '%-34s %-9s %-22s %s\n' "$*" $tool "$(errors "$TMPD/sys")" "$(errors "$TMPD/ours")"
	done
}
T=$BUILD/testprogs/threads G=$BUILD/testprogs/glibc
run "$T" ./lazy_race 4 3
run "$T" ./fork_race 20
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
