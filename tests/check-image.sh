#!/bin/sh
# Checks that the linker image is freestanding: run by `make` after every link.
# usage: check-image.sh build/ld-mmld.so build/rtld
set -eu
img=$1 objdir=$2
fail() { echo "check-image: $img: $*" >&2; exit 1; }

readelf -h "$img" | grep -q 'Type:.*DYN' || fail "not ET_DYN"
! readelf -dW "$img" | grep -q '(NEEDED)' || fail "has DT_NEEDED: $(readelf -dW "$img" | grep NEEDED)"
! readelf -dW "$img" | grep -q 'TEXTREL' || fail "has text relocations"
undef=$(readelf -W --dyn-syms "$img" | awk '$7 == "UND" && $8 != "" {print $8}')
[ -z "$undef" ] || fail "undefined symbols: $undef"
other=$(readelf -rW "$img" | awk '/R_X86_64_/ && $3 != "R_X86_64_RELATIVE" {print $3}' | sort -u)
[ -z "$other" ] || fail "relocations other than RELATIVE: $other"
# Headers: only rtld/'s own, the compiler's, and the kernel's (linux/, asm/, asm-generic/).
gccinc=$(gcc -print-file-name=include)
bad=$(cat "$objdir"/*.d "$objdir"/*/*.d "$objdir"/*/*/*.d 2>/dev/null | tr ' \\' '\n\n' | grep '\.h$' | sort -u |
	grep -v -e '^rtld/' -e '/gen/glibc-abi\.h$' -e "^$gccinc/" -e '^/usr/include/linux/' -e '^/usr/include/asm-generic/' \
		-e '^/usr/include/x86_64-linux-gnu/asm/' || true)
[ -z "$bad" ] || fail "rtld/ includes headers outside the compiler and the kernel: $bad"
echo "check-image: $img: freestanding (no NEEDED, no TEXTREL, no undefined symbols, relative relocations only)"
