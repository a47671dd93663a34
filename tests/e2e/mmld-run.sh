#!/usr/bin/env bash
# mmld run: a command through ld-mmld.so; with --tree, every program it starts as well.
# Which loader ran a process shows in LD_DEBUG=statistics: ours says "(mmld)".
# usage: mmld-run.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
MMLD=$BUILD/mmld
EXPECTED=$(cd "$(dirname "$0")" && pwd)/expected
. "$(dirname "$0")/lib.sh"
cd "$TMPD"

run_cmd "$TMPD/r" -- "$MMLD" run -- /bin/echo through mmld
check run-output "mmld run echo did not print" grep -qx 'through mmld' "$TMPD/r.out"
run_cmd "$TMPD/r" -- "$MMLD" run -- sh -c 'echo "$0"; exit 5'
check run-argv0-and-status "argv[0] or exit status not passed through" \
	sh -c "grep -qx sh '$TMPD/r.out' && [ \$(cat '$TMPD/r.rc') = 5 ]"
run_cmd "$TMPD/r" LD_DEBUG=statistics -- "$MMLD" run -- /bin/true
check run-uses-mmld "the program was not loaded by ld-mmld.so" grep -q 'statistics (mmld)' "$TMPD/r.err"
run_cmd "$TMPD/r" -- "$MMLD" run -- sh -c 'LD_DEBUG=statistics /bin/true'
check run-children-use-system-loader "without --tree a child used ld-mmld.so" \
	sh -c "grep -q 'runtime linker statistics' '$TMPD/r.err' && ! grep -q '(mmld)' '$TMPD/r.err'"
run_cmd "$TMPD/r" -- "$MMLD" run nosuchcommand-mmld
check run-missing-command "a missing command is not reported with status 127" \
	sh -c "[ \$(cat '$TMPD/r.rc') = 127 ] && grep -q 'nosuchcommand-mmld: command not found' '$TMPD/r.err'"

run_cmd "$TMPD/t" -- "$MMLD" run --tree -- sh -c 'LD_DEBUG=statistics /bin/true; /lib64/ld-linux-x86-64.so.2 --version'
if grep -q 'cannot create a private mount namespace' "$TMPD/t.err"; then
	echo "skip --tree tests: $(cat "$TMPD/t.err")"
else
	check tree-children-use-mmld "a grandchild was not loaded by ld-mmld.so" grep -q 'statistics (mmld)' "$TMPD/t.err"
	check tree-loader-file-is-ours "the system loader's path does not lead to ld-mmld.so inside the tree" \
		grep -q '^ld-mmld.so (mmld)' "$TMPD/t.out"
	check tree-outside-unaffected "the system loader changed outside the tree" \
		sh -c "/lib64/ld-linux-x86-64.so.2 --version | grep -q GLIBC"
	# valgrind loads the program's PT_INTERP, here ld-mmld.so, under emulation, and calls libc's
	# __libc_freeres at exit, which walks the loader's TLS bookkeeping.
	if command -v valgrind >/dev/null; then
		run_cmd "$TMPD/vg" -- "$MMLD" run --tree -- valgrind -q --error-exitcode=9 --leak-check=full \
			/usr/bin/python3 -c 'import json; print("under valgrind")'
		check tree-valgrind-clean "valgrind reported errors in a program loaded by ld-mmld.so" sh -c \
			"[ \$(cat '$TMPD/vg.rc') = 0 ] && grep -qx 'under valgrind' '$TMPD/vg.out' && ! grep -q '==' '$TMPD/vg.err'"
	fi
	printf 'int main(void) { return 42; }\n' >small.c
	RUN_TIMEOUT=60 run_cmd "$TMPD/c" -- "$MMLD" run --tree -- clang-14 -O2 small.c -o small
	check tree-clang-compiles-and-links "clang-14 could not compile and link with every process through ld-mmld.so" \
		sh -c "./small; [ \$? = 42 ]"
	# The build of ld-mmld.so itself (make, sh, gcc, cc1, as, collect2, ld, readelf, nm) with
	# every process loaded by ld-mmld.so: the same bytes as the normal build. The generated
	# glibc header is kept: inside the tree the system loader's path is ld-mmld.so, so gdb
	# would find no glibc debug information there.
	ROOT=$(cd "$EXPECTED/../../.." && pwd)
	mkdir -p "$TMPD/self"
	tar -C "$ROOT" -cf - Makefile rtld linker-scripts loader testprogs tests | tar -C "$TMPD/self" -xf -
	make -s -C "$TMPD/self" rtld >"$TMPD/self1.log" 2>&1
	cp "$TMPD/self/build/ld-mmld.so" "$TMPD/self-normal.so"
	rm -rf "$TMPD/self/build/rtld" "$TMPD/self/build/ld-mmld.so" "$TMPD/self/build/.image-checked"
	# (16 s at load average 11: 20 s, the default, was once too short)
	RUN_TIMEOUT=120 run_cmd "$TMPD/sb" -- "$MMLD" run --tree -- make -s -C "$TMPD/self" rtld
	check tree-builds-itself "ld-mmld.so built with every process loaded by ld-mmld.so differs from the normal build" \
		sh -c "[ \$(cat '$TMPD/sb.rc') = 0 ] && grep -q 'check-image: .*freestanding' '$TMPD/sb.out' &&
		       cmp '$TMPD/self/build/ld-mmld.so' '$TMPD/self-normal.so'"
	if [ "$(id -u)" = 0 ]; then
		cp "$MMLD" "$BUILD/ld-mmld.so" "$TMPD/"; chmod 755 "$TMPD" "$TMPD/mmld"
		run_cmd "$TMPD/u" -- setpriv --reuid=65534 --regid=65534 --clear-groups "$TMPD/mmld" run --tree -- \
			sh -c 'LD_DEBUG=statistics /bin/true'
		if grep -q 'cannot create' "$TMPD/u.err"; then
			echo "skip unprivileged --tree: no user namespaces here"
		else
			check tree-unprivileged "--tree as an unprivileged user did not load through ld-mmld.so" \
				grep -q 'statistics (mmld)' "$TMPD/u.err"
		fi
	fi
fi
echo "mmld-run: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
