#!/bin/sh
# The checked-in rtld/glibc/abi.h must be what rtld/glibc/gen-abi.sh reads from this
# machine's glibc debug information: a glibc update that moves a field fails here, by name,
# before anything runs on wrong offsets. Needs gdb and libc6-dbg (make deps installs them).
set -u
cd "$(dirname "$0")/.."
if ! command -v gdb >/dev/null || ! gdb -nx -batch -ex 'print sizeof(struct rtld_global)' \
	/lib64/ld-linux-x86-64.so.2 2>/dev/null | grep -q '= [0-9]'; then
	echo "glibc-abi: no gdb or no libc6-dbg: skipped"
	echo "glibc-abi: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sh rtld/glibc/gen-abi.sh >"$tmp"
if diff -u rtld/glibc/abi.h "$tmp"; then
	echo "glibc-abi: 1 passed, 0 failed"
else
	echo "glibc-abi: rtld/glibc/abi.h differs from this glibc (diff above): regenerate it"
	echo "glibc-abi: 0 passed, 1 failed"
	exit 1
fi
