#!/usr/bin/env bash
# Relocation prefault (rtld/reloc_prefault.c): before a large table's RELATIVE relocations,
# ld-mmld.so populates the pages they write (madvise MADV_POPULATE_WRITE), and no other page.
# testprogs/glibc/prefault_lib.c has 4,096 RELATIVE relocations in two runs of pages with eight
# pages between them that nothing writes: its private dirty memory must be the system
# loader's (the oracle); the populating must happen, for no more than the system loader dirties.
# usage: prefault.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
PROG=$BUILD/testprogs/glibc/prefault
. "$(dirname "$0")/lib.sh"
cd "$TMPD"

# A freshly built file's page-cache pages are dirty until written back, and smaps counts them
# as the mapping's Private_Dirty.
sync "$BUILD/testprogs/glibc/libprefault_lib.so"
oracle prefault-private-dirty -- "$PROG"

# KiB populated (the sum of the calls' lengths), and the library's private dirty KiB under
# the system loader: what its relocations dirty.
strace -o strace.out -e trace=madvise "$RTLD" "$PROG" >/dev/null 2>&1
populated=$(awk -F', ' '/MADV_POPULATE_WRITE/ {s += $2} END {print s / 1024}' strace.out)
dirty=$("$SYSLD" "$PROG" | sed -n 's/.*private dirty \([0-9]*\) kB$/\1/p')
check prefault-populates "ld-mmld.so populated ${populated} KiB, not the 32 KiB or more of the two runs" \
	test "${populated%.*}" -ge 32
check prefault-only-dirty-pages "populated ${populated} KiB, more than the ${dirty:-?} KiB the system loader dirties" \
	test "${populated%.*}" -le "${dirty:-0}"
# --verify and --list relocate nothing for real: no populating.
strace -o verify.out -e trace=madvise "$RTLD" --verify "$PROG" >/dev/null 2>&1
check prefault-not-in-verify "--verify populated pages" sh -c "! grep -q MADV_POPULATE_WRITE verify.out"

echo "prefault: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
