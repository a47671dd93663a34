#!/bin/sh
# The glibc layout compiled into ld-mmld.so (build/gen/glibc-abi.h) must be what
# rtld/glibc/gen-abi.sh reads from this machine's glibc debug information now: a libc6 update
# after the build, or a build that fell back to the checked-in copy on a machine whose glibc
# differs, fails here by name (at run time the build-id check refuses such a libc.so.6).
# Whether the checked-in rtld/glibc/abi.h is still current is reported, not failed: it is
# only the fallback for machines without gdb or libc6-dbg.
# usage: glibc-abi.sh BUILD_DIR
set -u
cd "$(dirname "$0")/.."
build=${1:-build}
if ! command -v gdb >/dev/null || ! gdb -nx -batch -ex 'print sizeof(struct rtld_global)' \
	/lib64/ld-linux-x86-64.so.2 2>/dev/null | grep -q '= [0-9]'; then
	echo "glibc-abi: no gdb or no libc6-dbg: skipped"
	echo "glibc-abi: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sh rtld/glibc/gen-abi.sh >"$tmp"
if ! cmp -s rtld/glibc/abi.h "$tmp"; then
	echo "glibc-abi: note: the checked-in rtld/glibc/abi.h is not this machine's glibc (regenerate it for machines without libc6-dbg)"
fi
if diff -u "$build/gen/glibc-abi.h" "$tmp"; then
	echo "glibc-abi: 1 passed, 0 failed"
else
	echo "glibc-abi: $build/gen/glibc-abi.h differs from this machine's glibc (diff above): rebuild"
	echo "glibc-abi: 0 passed, 1 failed"
	exit 1
fi
