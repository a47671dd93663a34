#!/usr/bin/env bash
# mmld inspect and mmld pages on ELF files with hostile sizes (tests/e2e/hostile_elf.py patches
# a copy of testprogs/hello): a segment that passes the user address space is refused as "not
# loadable" in one line naming the file; a huge but loadable segment, a huge section and a
# .dynamic section whose end wraps are read without walking them page by page. Every command
# runs under a timeout: the code before the fix looped for ever (2^34 to 2^52 pages) on each.
# And a file name made of terminal control sequences is quoted escaped, \ooo.
# usage: hostile-elf.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
MMLD=$BUILD/mmld
HELLO=$BUILD/testprogs/hello              # runs alone (mmld pages)
RELOCATED=$BUILD/testprogs/pages/pages    # relocations write its data segment (mmld inspect)
GEN=$(cd "$(dirname "$0")" && pwd)/hostile_elf.py
. "$(dirname "$0")/lib.sh"
cd "$TMPD"

python3 "$GEN" "$RELOCATED" h-needed-to-eof needed-to-eof
for kind in size-wraps size-huge vaddr-high section-huge dynamic-huge; do
	python3 "$GEN" "$RELOCATED" "h-$kind" "$kind"
	python3 "$GEN" "$HELLO" "run-$kind" "$kind" && chmod +x "run-$kind"
done

# Refused: what no loader maps (the segment's end passes 2^47 or wraps).
expect_err inspect-size-wraps 1 \
	"^mmld inspect: h-size-wraps: not loadable: segment [0-9]+: address 0x[0-9a-f]+ \+ size 0xcafed00dffff0000 passes the end of the user address space \(0x800000000000\)$" \
	-- timeout 10 "$MMLD" inspect h-size-wraps
expect_err inspect-vaddr-high 1 \
	"^mmld inspect: h-vaddr-high: not loadable: segment [0-9]+: address 0x7ffffffff[0-9a-f]+ \+ size 0x[0-9a-f]+ passes the end of the user address space" \
	-- timeout 10 "$MMLD" inspect h-vaddr-high

# Shown: 2^34 pages in one segment, counted without a walk; its relocated pages are the
# original's (the same relocations, found by binary search over the written pages).
run_cmd orig -- "$MMLD" inspect "$RELOCATED"
run_cmd huge -- timeout 10 "$MMLD" inspect h-size-huge
written() { awk '$6 ~ /w/ {sub(/.* bss; /, ""); print}' "$1"; }
check inspect-size-huge "inspect of a 2^46-byte writable segment did not finish with its 2^34 + 1 pages and the original's written pages" \
	test "$(cat huge.rc) $(wc -c <huge.err) $(awk '$6 ~ /w/ {print $7}' huge.out) $(written huge.out)" = \
	"0 0 17179869185 $(written orig.out)"
check inspect-written-nonzero "the original's data segment has no relocated page: the test above proves nothing" \
	sh -c "written() { awk '\$6 ~ /w/ {sub(/.* bss; /, \"\"); print}' orig.out; }; ! written | grep -q '; 0 written\|^0 written'"
# Section headers are no loader's business: the plan is the original's.
for kind in section-huge dynamic-huge; do
	run_cmd "$kind" -- timeout 10 "$MMLD" inspect "h-$kind"
	check "inspect-$kind" "inspect of $kind did not finish with the original's load plan" sh -c \
		bash -c "[ \$(cat $kind.rc) = 0 ] && [ ! -s $kind.err ] && diff <(sed 1d orig.out) <(sed 1d $kind.out)"
done

# mmld pages runs them (loaders ignore section headers): the report comes, within the timeout.
for kind in section-huge dynamic-huge; do
	run_cmd "p-$kind" -- timeout 20 "$MMLD" pages --quiet -- "./run-$kind"
	check "pages-$kind" "mmld pages on $kind did not finish with a report of the program's pages" sh -c \
		"[ \$(cat p-$kind.rc) = 0 ] && grep -qE '^/.*/run-$kind  \(load bias ' p-$kind.out &&
		 grep -A1 -E '^/.*/run-$kind  ' p-$kind.out | grep -qE '^  [0-9]+ pages mapped: '"
done
# .dynstr's pages (and every page after it, up to the object's end) name it; never past the end.
check pages-section-clamped "a huge .dynstr is not listed up to the object's last page only" sh -c \
	"awk '/^\\// {on = index(\$1, \"run-section-huge\")} on' p-section-huge.out | grep -q '\\.dynstr'"

# A DT_NEEDED name that runs to the end of the file (DT_STRSZ 2^40): "?", nothing read past
# the file (the old code printed the bytes after it).
run_cmd eof -- timeout 10 "$MMLD" inspect h-needed-to-eof
check inspect-needed-to-eof "a name without its NUL inside the file is not shown as '?'" \
	test "$(cat eof.rc) $(grep -a '^needs:' eof.out)" = "0 needs: ? libc.so.6"

# A file name with bytes a terminal acts on: every line that quotes it shows them as \ooo
# (redteam #4), errors stay one line.
EVIL=$'e\e[2J\e]0;t\a\x9b\nx'
cp h-size-wraps "$EVIL"
expect_err inspect-name-escaped 1 '^mmld inspect: e\\033\[2J\\033\]0;t\\007\\233\\012x: not loadable: ' -- "$MMLD" inspect "$EVIL"
cp "$RELOCATED" "$EVIL"
run_cmd evil -- "$MMLD" inspect "$EVIL"
check inspect-name-escaped-plan "inspect's plan quotes a hostile file name raw" sh -c \
	"[ \$(cat evil.rc) = 0 ] && head -1 evil.out | grep -q '^e\\\\033\[2J\\\\033\]0;t\\\\007\\\\233\\\\012x: ELF 64-bit' && ! grep -q \$(printf '[\\033\\007]') evil.out"
# (No newline for mmld pages: /proc/PID/maps writes it as \012, so the object's file is not found.)
EVIL_RUN=$'r\e[2J\e]0;t\a\x9b'
cp "$HELLO" "$EVIL_RUN" && chmod +x "$EVIL_RUN"
run_cmd p-evil -- timeout 20 "$MMLD" pages --quiet -- "./$EVIL_RUN"
check pages-name-escaped "mmld pages quotes a hostile program name raw" sh -c \
	"[ \$(cat p-evil.rc) = 0 ] && head -1 p-evil.out | grep -q '^mmld pages: \./r\\\\033\[2J\\\\033\]0;t\\\\007\\\\233 through' &&
	 ! grep -q \$(printf '[\\033\\007]') p-evil.out && [ \$(grep -c '^/.*/r\\\\033\[2J\\\\033\]0;t\\\\007\\\\233  (load bias' p-evil.out) = 1 ]"

echo "hostile-elf: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
