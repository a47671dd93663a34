#!/usr/bin/env bash
# mmld exec, the user-space exec, against the kernel's own exec (the oracle): the system's
# programs with the system's ld.so and with ld-mmld.so as the interpreter, mapped and
# copied (--copy); testprogs/exec/startstate, which prints what a process finds at its start
# (argv, envp, auxv, /proc's view of it, stack, brk, mappings), in every shape of program
# (PIE, fixed-address, static, static PIE, executable stack, ld-mmld.so as PT_INTERP, a
# loader run as the program); the same address space as the kernel's with ASLR off; the
# trace; an unprivileged user; errors; and every file of the malformed-ELF corpus up to the
# jump (--dry-run), which must end in a status, never a signal.
# usage: exec.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
MMLD=$BUILD/mmld
SS=$BUILD/testprogs/exec
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"
cd "$TMPD"

# same_exec NAME FILTER OPTIONS... -- PROGRAM ARGS: `mmld exec OPTIONS PROGRAM ARGS` prints
# what PROGRAM ARGS prints when the kernel starts it (stdout, after `sed -E FILTER`; the
# variable `_` the shell sets is removed from both environments), with the same status.
same_exec() {
	local name=$1 filter=$2; shift 2
	local opts=()
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	run_cmd "$TMPD/x" -- env -u _ "$MMLD" exec "${opts[@]}" "$@"
	run_cmd "$TMPD/k" -- env -u _ "$@"
	sed -E "$filter" "$TMPD/x.out" >"$TMPD/xo"
	sed -E "$filter" "$TMPD/k.out" >"$TMPD/ko"
	if ! cmp -s "$TMPD/xo" "$TMPD/ko"; then
		diff "$TMPD/ko" "$TMPD/xo" >"$TMPD/detail"
		cat "$TMPD/x.err" >>"$TMPD/detail"
		bad "$name" "stdout differs from the kernel's exec (< kernel, > mmld exec)"; return
	fi
	if [ "$(cat "$TMPD/x.rc")" != "$(cat "$TMPD/k.rc")" ]; then
		cp "$TMPD/x.err" "$TMPD/detail"
		bad "$name" "exit status $(cat "$TMPD/x.rc"), from the kernel's exec $(cat "$TMPD/k.rc")"; return
	fi
	[ -s "$TMPD/xo" ] || { bad "$name" "printed nothing"; return; }
	ok "$name"
}

printf 'pear\napple\nfig\n' >fruit.txt
NOFILTER='s/^$//'
# In the copy modes nothing is mapped from the files; with ld-mmld.so the interpreter has
# its own segments: those lines of startstate are checked on their own below.
NOMAPS='/^(program|interpreter) mappings:/d'
NOINTERP='/^interpreter mappings:/d'
for mode in map copy interp copy-interp; do
	case $mode in
	map) opts=(); f=$NOFILTER; sf='s/^$//' ;;
	copy) opts=(--copy); f=$NOFILTER; sf=$NOMAPS ;;
	interp) opts=(--interp mmld); f=$NOFILTER; sf=$NOINTERP ;;
	copy-interp) opts=(--copy --interp mmld); f=$NOFILTER; sf=$NOMAPS ;;
	esac
	same_exec "$mode-true" "$f" "${opts[@]}" -- /bin/sh -c '/bin/true; echo $?'
	same_exec "$mode-echo" "$f" "${opts[@]}" -- /bin/echo 'two words' and more
	same_exec "$mode-ls" "$f" "${opts[@]}" -- /bin/ls -l --time-style=+%Y /etc/hostname /usr/lib/x86_64-linux-gnu/libc.so.6
	same_exec "$mode-sort" "$f" "${opts[@]}" -- sort fruit.txt
	same_exec "$mode-env" "$f" "${opts[@]}" -- env
	same_exec "$mode-python3" "$f" "${opts[@]}" -- /usr/bin/python3 -c '
import json, hashlib, ssl, sys
print(json.dumps([1, 2]), hashlib.sha256(b"mmld").hexdigest()[:16], ssl.OPENSSL_VERSION.split()[0], sys.executable)
sys.exit(5)'
	same_exec "$mode-perl" "$f" "${opts[@]}" -- perl -MPOSIX -e 'print POSIX::floor(7.5), "\n"'
	for p in startstate startstate-nopie startstate-execstack startstate-interp; do
		same_exec "$mode-$p" "$sf" "${opts[@]}" -- env STARTSTATE_VAR=set "$SS/$p" one 'two words'
	done
	case $mode in *interp) continue ;; esac
	# Static programs have no interpreter for --interp to replace.
	for p in startstate-static startstate-static-pie; do
		same_exec "$mode-$p" "$sf" "${opts[@]}" -- "$SS/$p" one 'two words'
	done
	# A loader run as the program: ET_DYN without PT_INTERP, which then loads the program.
	same_exec "$mode-system-ld.so-direct" "$sf" "${opts[@]}" -- "$SYSLD" "$SS/startstate" direct
	same_exec "$mode-ld-mmld.so-direct" "$sf" "${opts[@]}" -- "$RTLD" "$SS/startstate" direct
done

# #! scripts, as the kernel runs them: the interpreter with [ARG] SCRIPT ARGS, AT_EXECFN and
# the process name the script's, /proc/self/exe the ELF file; nested.
printf '#!%s  first-arg  \n' "$SS/startstate" >script1 && chmod +x script1
printf '#!%s/script1 second\n' "$TMPD" >script2 && chmod +x script2
printf '#!/bin/sh\necho "$0 $1 $(cat /proc/$$/comm) $(readlink /proc/$$/exe)"\n' >script.sh && chmod +x script.sh
for mode in map copy; do
	opts=(); [ $mode = copy ] && opts=(--copy) && sf=$NOMAPS || sf='s/^$//'
	same_exec "$mode-script" "$sf" "${opts[@]}" -- ./script1 x y
	same_exec "$mode-script-nested" "$sf" "${opts[@]}" -- ./script2 x
	same_exec "$mode-script-sh" "$sf" "${opts[@]}" -- ./script.sh one
done
# Five scripts deep, as the kernel allows (each the interpreter of the one before); a sixth
# is refused, as the kernel refuses it (ELOOP); a missing interpreter is named with the script.
printf '#!%s\n' "$SS/startstate" >nest0
for i in 1 2 3 4 5; do printf '#!%s/nest%d L%d\n' "$TMPD" $((i - 1)) $i >nest$i; done
printf '#!/nonexistent/sh\n' >lost.sh
chmod +x nest? lost.sh
same_exec map-script-five-deep 's/^$//' -- ./nest4 x
expect_err err-script-six-deep 126 "^mmld exec: \./nest5: more than 5 #! scripts, each the interpreter of the one before$" -- \
	"$MMLD" exec ./nest5 x
expect_err err-script-lost-interpreter 127 "^mmld exec: \./lost\.sh: bad interpreter /nonexistent/sh: not found$" -- "$MMLD" exec ./lost.sh

# --copy maps nothing from the files; --interp mmld puts ld-mmld.so where PT_INTERP said
# the system's loader.
run_cmd "$TMPD/c" -- "$MMLD" exec --copy "$SS/startstate"
check copy-maps-no-file "mmld exec --copy: the program or its interpreter was mapped from its file" \
	grep -qx 'program mappings:' "$TMPD/c.out"
run_cmd "$TMPD/i" -- "$MMLD" exec --interp mmld /bin/cat /proc/self/maps
check interp-is-ld-mmld.so "mmld exec --interp mmld: ld-mmld.so not mapped, or the system loader is" \
	sh -c "grep -q ' $RTLD\$' '$TMPD/i.out' && ! grep -q 'ld-linux-x86-64' '$TMPD/i.out'"

# With ASLR off the kernel's choices are deterministic: the program's mappings and the
# break must be exactly the kernel's (addresses, offsets, protections, files).
if setarch -R true 2>/dev/null; then
	setarch -R /bin/cat /proc/self/maps >k.maps
	setarch -R "$MMLD" exec /bin/cat /proc/self/maps >x.maps
	check no-aslr-program-maps "with ASLR off, mmld exec put /bin/cat elsewhere than the kernel" \
		diff <(grep -E '/usr/bin/cat|\[heap\]' k.maps) <(grep -E '/usr/bin/cat|\[heap\]' x.maps)
	setarch -R "$SS/startstate-static-pie" >/dev/null
	setarch -R /bin/cat /proc/self/maps >/dev/null
fi

# The address space the program finds: the kernel's, mapping for mapping (protections and
# files), plus the one page mmld exec leaves behind, its anonymous executable hand-off code;
# also when a script was followed (the stub's memory for its argv is gone too).
printf '#!/bin/cat\n' >catscript && chmod +x catscript
for p in /bin/cat ./catscript; do
	"$MMLD" exec $p /proc/self/maps | awk '{print $2, $6}' | sort >x.kinds
	$p /proc/self/maps | awk '{print $2, $6}' | (cat; echo 'r-xp ') | sort >k.kinds
	check "address-space-${p##*/}" "mmld exec $p: mappings differ from the kernel's plus one hand-off page (< kernel, > mmld exec)" \
		diff k.kinds x.kinds
done

# --env: a variable for PROGRAM only (LD_DEBUG set for mmld would trace mmld's own start).
run_cmd "$TMPD/e" -- "$MMLD" exec --env LD_DEBUG=files --env STARTSTATE_VAR=given "$SS/startstate"
check env-for-program "--env: the variable did not reach the program, or reached mmld" sh -c "
	grep -q 'STARTSTATE_VAR=given' '$TMPD/e.out' && grep -q 'needed by $SS/startstate' '$TMPD/e.err' &&
	! grep -q 'needed by $MMLD' '$TMPD/e.err'"
expect_err err-env-not-assignment 2 "^mmld exec: --env 'X' is not NAME=VALUE$" -- "$MMLD" exec --env X /bin/true

# The trace: every step, in order; MMLD_EXEC_DEBUG is the same switch; silence without it.
run_cmd "$TMPD/t" -- "$MMLD" exec --trace /bin/true
check trace-steps "mmld exec --trace: a step missing or out of order" python3 -c '
import re, sys
lines = open(sys.argv[1]).read().splitlines()
steps = ["address space of the stub", "randomisation", "program /bin/true: ET_DYN", "PT_INTERP /lib64/ld-linux-x86-64.so.2",
         "load bias 0x[0-9a-f]+: ET_DYN_BASE", r"mmap 0x[0-9a-f]+-0x[0-9a-f]+ r-- /bin/true\+0 \(segment", "munmap",
         "mmap .* r-x /bin/true", "program /bin/true: load bias", "load bias chosen by mmap",
         "interpreter /lib64/ld-linux-x86-64.so.2: load bias", "brk 0x", "auxiliary vector at", "AT_PHDR", "AT_BASE",
         "AT_ENTRY", "AT_EXECFN .*\"/bin/true\"", "stack 0x", r"prctl\(PR_SET_MM_MAP\)", "/proc/self/exe", "hand-off code",
         "jumping to"]
i = 0
for l in lines:
    if not re.match(r" *[0-9]+:\texec: ", l):
        sys.exit("not a trace line: " + l)
    if i < len(steps) and re.search(steps[i], l):
        i += 1
if i < len(steps):
    sys.exit("missing or out of order: " + steps[i])' "$TMPD/t.err"
run_cmd "$TMPD/d" MMLD_EXEC_DEBUG=1 -- "$MMLD" exec /bin/true
check trace-env "MMLD_EXEC_DEBUG=1 does not trace as --trace does" \
	test "$(sed -E 's/^ *[0-9]+://; s/0x[0-9a-f]+/ADDR/g' "$TMPD/d.err" | cut -c1-30)" = \
	"$(sed -E 's/^ *[0-9]+://; s/0x[0-9a-f]+/ADDR/g' "$TMPD/t.err" | cut -c1-30)"
run_cmd "$TMPD/q" -- "$MMLD" exec /bin/true
check trace-off "mmld exec printed on stderr without --trace" test ! -s "$TMPD/q.err"

# An unprivileged user: everything the same except /proc/self/exe, which only
# CAP_CHECKPOINT_RESTORE (or CAP_SYS_ADMIN) may change; the trace says so.
if [ "$(id -u)" = 0 ]; then
	mkdir -p u && cp "$MMLD" "$BUILD/mmld-exec-stub" "$RTLD" "$SS/startstate" u/ && chmod -R a+rX . && chmod 755 "$TMPD"
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	"${nobody[@]}" u/startstate >u.k 2>&1
	"${nobody[@]}" u/mmld exec --trace u/startstate >u.x 2>u.err
	check nobody-exe-stays "as nobody: the trace does not say /proc/self/exe stays the stub" \
		grep -q '/proc/self/exe stays the stub' u.err
	check nobody-startstate "as nobody: more differs than /proc/self/exe" \
		diff <(grep -v '^/proc/self/exe is AT_EXECFN' u.k) <(grep -v '^/proc/self/exe is AT_EXECFN' u.x)
	check nobody-exe-is-stub "as nobody: /proc/self/exe is not the stub" grep -qx '/proc/self/exe is AT_EXECFN: 0' u.x
fi

# Errors: one line naming the file and the problem; 127 not found, 126 cannot be executed,
# 2 a bad argument of mmld's.
printf 'just text, longer than an ELF header is: sixty-four bytes and more\n' >text && chmod +x text
printf '#!/bin/sh\necho hi\n' >script && chmod +x script
head -c 200 /bin/true >truncated && chmod +x truncated
cp /bin/true noexec && chmod -x noexec
mkdir -p adir
printf 'int main(void) { return 0; }\n' >lost.c
gcc -o lost-interp lost.c -Wl,--dynamic-linker=/nonexistent/ld.so 2>/dev/null
expect_err err-not-found 127 "^mmld exec: nosuchprogram-mmld: command not found$" -- "$MMLD" exec nosuchprogram-mmld
expect_err err-text 126 "^mmld exec: \./text: program: invalid ELF header$" -- "$MMLD" exec ./text
expect_err err-truncated 126 "^mmld exec: \./truncated: program: program headers beyond end of file" -- "$MMLD" exec ./truncated
expect_err err-noexec 126 "^mmld exec: \./noexec: program is not executable" -- "$MMLD" exec ./noexec
expect_err err-directory 126 "^mmld exec: \./adir: program is not a regular file$" -- "$MMLD" exec ./adir
expect_err err-lost-interp 127 "^mmld exec: /nonexistent/ld.so: interpreter not found$" -- "$MMLD" exec ./lost-interp
expect_err err-interp-missing 127 "^mmld exec: /nonexistent/x: interpreter not found$" -- "$MMLD" exec --interp /nonexistent/x /bin/true
expect_err err-interp-static 126 "no PT_INTERP \(a static program\): --interp does not apply$" -- \
	"$MMLD" exec --interp mmld "$SS/startstate-static"
expect_err err-interp-not-elf 126 "^mmld exec: \./text: interpreter: invalid ELF header$" -- "$MMLD" exec --interp ./text /bin/true
expect_err err-unknown-option 2 "^mmld exec: unknown option '--bogus'" -- "$MMLD" exec --bogus /bin/true
expect_err err-missing-argument 2 "^mmld exec: option '--interp' needs a value \(PATH\)$" -- "$MMLD" exec --interp
expect_err err-no-program 2 "^mmld exec: missing operand; usage: mmld exec " -- "$MMLD" exec --copy

# The malformed-ELF corpus, each file as the program and as the interpreter, up to the jump
# (the stub's -n, what --dry-run passes: the stub's own work, never the file's code), run as
# nobody: a status, never a signal or a hang, and an error is one line. The stub is called
# directly: mmld adds nothing but its start-up time to each of the 1800 runs.
CORPUS=$ROOT/../shared/elf-corpus
if ls "$CORPUS"/*.tar.xz >/dev/null 2>&1; then
	mkdir -p corpus && for a in "$CORPUS"/*.tar.xz; do tar -xJf "$a" -C corpus; done
	find corpus -type f -exec chmod 755 {} +
	cp "$BUILD/mmld-exec-stub" corpus-stub && chmod -R a+rX "$TMPD" && chmod 755 "$TMPD"
	mkdir -p scratch && chmod 1777 scratch
	as_user=()
	[ "$(id -u)" = 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	find corpus -type f | sort >corpus.list
	"${as_user[@]}" timeout 300 bash -c '
		n=0
		while IFS= read -r f; do
			for how in program interpreter; do
				if [ $how = program ]; then ./corpus-stub -n -e "$f" -- "$f" >/dev/null 2>scratch/cerr </dev/null
				else ./corpus-stub -n -i "$f" -e /bin/true -- true >/dev/null 2>scratch/cerr </dev/null; fi
				rc=$? n=$((n + 1))
				case $rc in
				0) ;;
				126 | 127) [ "$(wc -l <scratch/cerr)" = 1 ] || echo "$how $f: status $rc with $(wc -l <scratch/cerr) lines on stderr" ;;
				*) echo "$how $f: status $rc" ;;
				esac
			done
		done <corpus.list
		echo "runs $n"' >corpus.out 2>&1
	echo "timeout or loop status $?" >>corpus.out
	runs=$(sed -n 's/^runs //p' corpus.out)
	check corpus-dry-run "corpus: a run ended in a signal, a hang or more than one error line" \
		sh -c "cat corpus.out; test \"\$(wc -l <corpus.out)\" = 2 -a '${runs:-0}' = $(($(wc -l <corpus.list) * 2))"
fi

echo "exec: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
