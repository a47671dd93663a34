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

# --- #! scripts: followed as the kernel's binfmt_script follows them (the interpreter, its one
# argument, the script's path, the arguments; five scripts deep at most), the interpreter
# loaded by ld-mmld.so. The oracle is the kernel: the script run directly.
# same_script NAME SCRIPT ARGS: the same stdout and exit status, and ld-mmld.so loaded it.
same_script() {
	local name=$1; shift
	run_cmd "$TMPD/k" -- "$@"
	run_cmd "$TMPD/m" LD_DEBUG=statistics -- "$MMLD" run "${RUN_OPTS[@]}" -- "$@"
	check "$name" "mmld run ${RUN_OPTS[*]} $1: not what the kernel's run printed, or not the same exit status" \
		sh -c "[ -s '$TMPD/k.out' ] && cmp '$TMPD/k.out' '$TMPD/m.out' && cmp '$TMPD/k.rc' '$TMPD/m.rc'"
	check "$name-loaded-by-mmld" "mmld run ${RUN_OPTS[*]} $1: the interpreter was not loaded by ld-mmld.so" \
		grep -q 'statistics (mmld)' "$TMPD/m.err"
}
# kernel_refuses NAME SCRIPT ERRNO: execve(2) of SCRIPT fails with ERRNO (so mmld's refusal is the kernel's).
kernel_refuses() {
	check "$1-kernel" "execve($2) did not fail with $3 (the oracle changed)" /usr/bin/python3 -c '
import errno, os, sys
try:
    os.execv(sys.argv[1], [sys.argv[1]])
except OSError as e:
    sys.exit(errno.errorcode.get(e.errno) != sys.argv[2])
sys.exit(1)' "$2" "$3"
}
mkdir -p scripts/bin scripts/rel
printf '#!/bin/sh -e\nprintf "<%%s>" "$0" "$@"; echo; exit 3\n' >scripts/args.sh
printf '#!/usr/bin/printf \t <%%s>  [%%s]\\n \t\n' >scripts/blanks
printf '#!/usr/bin/printf [%%s]\\n' >scripts/no-newline
printf '#!/usr/bin/printf <%%s>%0300d\\n\n' 0 >scripts/long-argument
printf '#!/usr/bin/printf [%%s]\\n\n' >scripts/n0
for i in 1 2 3 4 5; do printf '#!%s/scripts/n%d L%d\n' "$TMPD" $((i - 1)) $i >scripts/n$i; done
printf '#!./tool <%%s>\\n\n' >scripts/rel/relative
ln -s /usr/bin/printf scripts/rel/tool
cp scripts/args.sh scripts/bin/args-in-path
chmod +x scripts/* scripts/bin/* scripts/rel/relative
RUN_OPTS=()
same_script script-args ./scripts/args.sh one 'two words' ''
same_script script-argument-blanks ./scripts/blanks x 'y z'
same_script script-no-newline ./scripts/no-newline x
same_script script-long-line ./scripts/long-argument x
same_script script-nested-five ./scripts/n4 x
cd scripts/rel && same_script script-relative-interpreter ./relative x; cd "$TMPD"
PATH="$TMPD/scripts/bin:$PATH" same_script script-found-in-path args-in-path x

# Refusals: one line naming the script, exit status 127, where the kernel refuses too.
printf '#!/nonexistent/sh\n' >scripts/missing
cp /bin/true scripts/noexec-interp && chmod -x scripts/noexec-interp
printf '#!%s/scripts/noexec-interp\n' "$TMPD" >scripts/noexec
printf '#!/tmp\n' >scripts/directory
printf 'echo not a program\n' >scripts/plain && chmod +x scripts/plain
printf '#!%s/scripts/plain\n' "$TMPD" >scripts/not-elf
printf '#!  \t\n' >scripts/empty
printf '#!/%0300d\n' 0 >scripts/long-name
printf '#!%s/scripts/missing -x\n' "$TMPD" >scripts/outer
chmod +x scripts/missing scripts/noexec scripts/directory scripts/not-elf scripts/empty scripts/long-name scripts/outer
expect_err script-missing-interpreter 127 '^mmld run: \./scripts/missing: bad interpreter /nonexistent/sh: No such file or directory$' -- \
	"$MMLD" run ./scripts/missing
kernel_refuses script-missing-interpreter ./scripts/missing ENOENT
expect_err script-noexec-interpreter 127 "^mmld run: \./scripts/noexec: bad interpreter $TMPD/scripts/noexec-interp: Permission denied$" -- \
	"$MMLD" run ./scripts/noexec
kernel_refuses script-noexec-interpreter ./scripts/noexec EACCES
expect_err script-directory-interpreter 127 '^mmld run: \./scripts/directory: bad interpreter /tmp: Permission denied$' -- \
	"$MMLD" run ./scripts/directory
kernel_refuses script-directory-interpreter ./scripts/directory EACCES
expect_err script-not-elf-interpreter 127 "^mmld run: \./scripts/not-elf: bad interpreter $TMPD/scripts/plain: Exec format error$" -- \
	"$MMLD" run ./scripts/not-elf
kernel_refuses script-not-elf-interpreter ./scripts/not-elf ENOEXEC
expect_err script-no-interpreter 127 '^mmld run: \./scripts/empty: its #! line names no interpreter$' -- "$MMLD" run ./scripts/empty
kernel_refuses script-no-interpreter ./scripts/empty ENOEXEC
expect_err script-name-too-long 127 '^mmld run: \./scripts/long-name: its #! line has no end in the first 256 bytes' -- \
	"$MMLD" run ./scripts/long-name
kernel_refuses script-name-too-long ./scripts/long-name ENOEXEC
expect_err script-nested-six 127 '^mmld run: \./scripts/n5: more than 5 #! scripts, each the interpreter of the one before: Too many levels of symbolic links$' -- \
	"$MMLD" run ./scripts/n5 x
kernel_refuses script-nested-six ./scripts/n5 ELOOP
expect_err script-inner-missing 127 "^mmld run: \./scripts/outer: its interpreter $TMPD/scripts/missing: bad interpreter /nonexistent/sh: No such file or directory$" -- \
	"$MMLD" run ./scripts/outer
kernel_refuses script-inner-missing ./scripts/outer ENOENT

run_cmd "$TMPD/t" -- "$MMLD" run --tree -- sh -c 'LD_DEBUG=statistics /bin/true; /lib64/ld-linux-x86-64.so.2 --version'
if grep -q 'cannot create a private mount namespace' "$TMPD/t.err"; then
	echo "skip --tree tests: $(cat "$TMPD/t.err")"
else
	check tree-children-use-mmld "a grandchild was not loaded by ld-mmld.so" grep -q 'statistics (mmld)' "$TMPD/t.err"
	check tree-loader-file-is-ours "the system loader's path does not lead to ld-mmld.so inside the tree" \
		grep -q '^ld-mmld.so (mmld)' "$TMPD/t.out"
	check tree-outside-unaffected "the system loader changed outside the tree" \
		sh -c "/lib64/ld-linux-x86-64.so.2 --version | grep -q GLIBC"
	RUN_OPTS=(--tree)
	same_script tree-script ./scripts/args.sh one 'two words'
	expect_err tree-script-missing-interpreter 127 \
		'^mmld run: \./scripts/missing: bad interpreter /nonexistent/sh: No such file or directory$' -- \
		"$MMLD" run --tree ./scripts/missing
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
			sh -c 'LD_DEBUG=statistics /bin/true; id -u; id -g'
		if grep -q 'cannot create' "$TMPD/u.err"; then
			echo "skip unprivileged --tree: no user namespaces here"
		else
			check tree-unprivileged "--tree as an unprivileged user did not load through ld-mmld.so" \
				grep -q 'statistics (mmld)' "$TMPD/u.err"
			# --tree changes which loader runs, not who runs (it made the program root inside)
			check tree-unprivileged-keeps-ids "--tree as uid/gid 65534 ran the program as another user" \
				sh -c "[ \"\$(tr '\n' ' ' <'$TMPD/u.out')\" = '65534 65534 ' ]"
		fi
	fi
fi
echo "mmld-run: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
