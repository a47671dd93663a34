#!/usr/bin/env bash
# mmld share's processes: held without writing into them, never left behind (signals, mmld's
# own errors), the terminal theirs, how each ended in the report, mmld's exit status and
# reason when nothing could be measured.
# usage: hold.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
MMLD=$BUILD/mmld
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"
cd "$TMPD"

# marked MARK: the processes whose environment holds MMLD_HOLD_TEST=MARK (mmld's children
# inherit it; not the small process that copies stderr on for a kept process), one per line.
marked() {
	grep -lsx "MMLD_HOLD_TEST=$1" --null-data /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 |
		while read -r p; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" != mmld-stderr ] && echo "$p"; done
}
# stopped PIDS...: how many are in state T or t (stopped, or stopped by a tracer).
stopped() {
	local n=0 p l
	for p in "$@"; do
		read -r l <"/proc/$p/stat" 2>/dev/null || continue
		l=${l##*) }
		case ${l%% *} in T | t) n=$((n + 1)) ;; esac
	done
	echo $n
}
# none_left MARK: true once no marked process exists (allowing 5 s for the kernel to reap).
none_left() { for _ in $(seq 50); do [ -z "$(marked "$1")" ] && return 0; sleep 0.1; done; marked "$1"; return 1; }
# For conditions run by `check`: bash -c ". $HELPERS; ..."
HELPERS=$TMPD/helpers.sh
declare -f marked stopped none_left >"$HELPERS"

# signal_test NAME SIGNAL MINSTOPPED MMLD-ARGS...: starts mmld in its own session; once its 50
# processes exist, freezes mmld (SIGSTOP) so that it is caught in the middle, waits until at
# least MINSTOPPED of them are stopped (held: by themselves, or by ptrace), sends SIGNAL and
# lets mmld go on. mmld must die of the signal, none of its processes remain, its temporary
# directory is gone. mmld starts with every signal at its default (env --default-signal):
# under nohup SIGHUP would be ignored, and mmld rightly keeps an ignored signal ignored.
signal_test() {
	local name=$1 sig=$2 minstopped=$3; shift 3
	local mark="$name-$$-$RANDOM" tmp="$TMPD/tmp-$name"
	mkdir -p "$tmp"
	MMLD_HOLD_TEST=$mark TMPDIR=$tmp setsid env --default-signal "$MMLD" share "$@" >"$name.out" 2>"$name.err" &
	local pid=$! n=0 s=0 kids
	for _ in $(seq 400); do
		kids=$(pgrep -P "$pid" | tr '\n' ' ')
		n=$(echo "$kids" | wc -w)
		[ "$n" -ge 50 ] && break
		sleep 0.02
	done
	kill -STOP "$pid"
	for _ in $(seq 400); do
		# shellcheck disable=SC2086
		s=$(stopped $kids)
		[ "$s" -ge "$minstopped" ] && break
		sleep 0.02
	done
	kill -"$sig" "$pid"
	kill -CONT "$pid"
	{ wait "$pid"; } 2>/dev/null
	local rc=$?
	local what="$n processes, $s stopped when SIG$sig was sent; mmld's status $rc"
	check "$name" "SIG$sig in the middle of a measurement left processes behind or its files ($what)" bash -c \
		". '$HELPERS'; [ $n -ge 50 ] && [ $s -ge $minstopped ] && [ $rc = $((128 + $(kill -l "$sig"))) ] && none_left '$mark' && [ -z \"\$(ls -A '$tmp')\" ]"
}
# A program whose library's constructor (run by the loader, before the entry) takes 0.5 s:
# all 50 processes exist before the first reaches its entry.
printf '#include <unistd.h>\n__attribute__((constructor)) static void slow(void) { usleep(500000); }\nint slow_lib;\n' >slowlib.c
printf 'extern int slow_lib;\nint main(void) { return slow_lib; }\n' >slow.c
gcc -shared -fPIC -o libslow.so slowlib.c && gcc -o slow slow.c -L. -lslow -Wl,-rpath,'$ORIGIN'
SLOW=$TMPD/slow

# The issue's case: by default every process is traced until it exits; held ones wait at exit.
signal_test sigterm-traced TERM 1 -n 50 -- "$PY" -c 'import time; time.sleep(0.2)'
# Stopped by themselves (ld-mmld.so, MMLD_STOP=entry): 50 processes in state T.
signal_test sighup-stopped HUP 50 -n 50 --at entry -- "$SLOW"
# The system loader's, under ptrace; SIGINT as from the terminal.
signal_test sigint-system INT 1 -n 50 --loader system --at entry -- "$SLOW"
# --at SECONDS: running, before mmld stops them.
signal_test sigterm-seconds TERM 0 -n 50 --at 30 -- "$PY" -c 'import time; time.sleep(60)'

# mmld's own error after the measurement (--svg into a missing directory): status 1, and
# the processes held for --at SECONDS are ended all the same.
mark="svg-$$"
MMLD_HOLD_TEST=$mark run_cmd "$TMPD/svgerr" -- "$MMLD" share -n 3 --at 0.2 --svg /nonexistent/dir/x.svg -- sleep 30
check own-error-none-left "an error of mmld's own left processes behind or did not say so" bash -c \
	". '$HELPERS'; [ \$(cat svgerr.rc) = 1 ] && grep -q '^mmld share: /nonexistent/dir/x.svg: No such file or directory' svgerr.err && none_left '$mark'"

# --at SECONDS: the report comes at that time, then the processes are ended.
start=$(date +%s%N)
mark="sec-$$"
MMLD_HOLD_TEST=$mark run_cmd "$TMPD/sec" -- timeout 8 "$MMLD" share -n 2 --at 1 -- sleep 30
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
check at-seconds-at-once "--at 1 on sleep 30 did not print its report and end within 6 s (${elapsed} ms)" bash -c \
	". '$HELPERS'; [ \$(cat sec.rc) = 0 ] && [ $elapsed -lt 6000 ] && grep -q '2 measured' sec.out && grep -q 'ended by mmld' sec.out && none_left '$mark'"
# --keep: left running, mmld gone.
mark="keep-$$"
MMLD_HOLD_TEST=$mark run_cmd "$TMPD/keep" -- "$MMLD" share -n 2 --at 0.2 --keep -- sleep 5
kept=$(marked "$mark" | wc -l)
check keep "--keep did not leave the 2 processes running ($kept)" bash -c \
	". '$HELPERS'; [ \$(cat keep.rc) = 0 ] && [ $kept = 2 ] && grep -q 'left running' keep.out && [ \$(stopped $(marked "$mark" | tr '\n' ' ')) = 0 ]"
marked "$mark" | xargs -r kill
expect_err keep-at-exit 2 "^mmld share: --keep and --at exit cannot be used together" -- "$MMLD" share --keep -- /bin/true

# The terminal is the processes': stdin, stdout, stderr; --quiet: /dev/null; --json: their
# stdout to stderr, so stdout is the JSON alone.
printf 'from stdin\n' >in.txt
"$MMLD" share -n 1 -- /bin/cat <in.txt >pass.out 2>pass.err
check stdin-stdout "a process's stdin and stdout are not mmld's" grep -qx 'from stdin' pass.out
"$MMLD" share -n 2 -- /bin/sh -c 'echo to-stderr >&2' >pass.out 2>pass.err
check stderr "a process's stderr does not reach mmld's" sh -c "[ \$(grep -cx to-stderr pass.err) = 2 ]"
"$MMLD" share -n 2 --quiet -- /bin/sh -c 'cat; echo out; echo err >&2' <in.txt >quiet.out 2>quiet.err
check quiet "--quiet let a process read stdin or write stdout or stderr" sh -c \
	"! grep -q 'from stdin\|^out\|^err' quiet.out quiet.err && grep -q '2 measured' quiet.out"
"$MMLD" share -n 1 --json -- /bin/echo hello >json.out 2>json.err
check json-stdout-clean "--json: a process's stdout is not on stderr, or the JSON is not alone on stdout" sh -c \
	"python3 -c 'import json,sys; json.load(open(\"json.out\"))' && grep -qx hello json.err"

# How each process ended, for exit, _exit, exit_group and a signal, under both loaders:
# all are measured at exit, none dirties a page of text.
for loader in mmld system; do
	for how in "exit:import sys; sys.exit(3):2 exited with status 3" \
		   "_exit:import os; os._exit(4):2 exited with status 4" \
		   "signal:import os, signal; os.kill(os.getpid(), signal.SIGSEGV):2 killed by SIGSEGV" \
		   "exit_group:import ctypes; ctypes.CDLL(None).syscall(231, 5):2 exited with status 5"; do
		IFS=: read -r what code want <<<"$how"
		run_cmd "$TMPD/end" -- "$MMLD" share -n 2 --loader "$loader" -- "$PY" -c "$code"
		check "ends-$what-$loader" "$what under the $loader loader: not measured at exit, or not '$want'" sh -c \
			"[ \$(cat end.rc) = 0 ] && grep -q '(2 measured' end.out && grep -q '$want' end.out"
	done
	run_cmd "$TMPD/dash" -- "$MMLD" share -n 2 --loader "$loader" -- dash -c true
	check "dash-$loader" "dash -c true (it ends with _exit) not measured under the $loader loader" grep -q '(2 measured' dash.out
done

# Nothing measured: status 1 and one line of mmld's, the processes' own reason in it.
printf 'not a program\n' >plain.txt
chmod +x plain.txt
mkdir -p adir
expect_err fail-directory 1 "^mmld share: .*adir: Is a directory$" -- "$MMLD" share -n 2 --quiet -- "$TMPD/adir"
printf '#!/nonexistent/sh\n' >lost.sh && chmod +x lost.sh
expect_err fail-script 1 "^mmld share: .*lost\.sh: bad interpreter /nonexistent/sh: No such file or directory$" -- "$MMLD" share -n 2 --quiet -- "$TMPD/lost.sh"
expect_err fail-plain 1 "^mmld share: nothing measured: .*plain\.txt: file too short$" -- "$MMLD" share -n 2 --quiet -- "$TMPD/plain.txt"
expect_err fail-system-directory 1 "^mmld share: .*adir: Is a directory$" -- \
	"$MMLD" share -n 2 --loader system -- "$TMPD/adir"
expect_err fail-system-plain 1 "^mmld share: nothing measured: .*plain\.txt: cannot execute: Exec format error$" -- \
	"$MMLD" share -n 2 --loader system -- "$TMPD/plain.txt"
expect_err fail-missing-library 1 "^mmld share: nothing measured: .*error while loading shared libraries: libgone\.so" -- \
	"$MMLD" share -n 2 --quiet -- "$BUILD/testprogs/missing-lib" 
expect_err fail-not-found 1 "^mmld share: no-such-program-here: command not found$" -- "$MMLD" share -- no-such-program-here

# A static program: no dynamic linker, its loaded point is its entry (it used to hang).
STATIC=$BUILD/testprogs/exec/startstate-static
run_cmd "$TMPD/st" -- "$MMLD" share -n 2 --loader system --at loaded --quiet -- "$STATIC"
check static-loaded "a static program under --loader system --at loaded was not measured at its entry" sh -c \
	"[ \$(cat st.rc) = 0 ] && grep -q '(2 measured' st.out && grep -q 'loaded by the kernel alone' st.out"
expect_err static-mmld 1 "^mmld share: nothing measured: .*startstate-static: object has no dynamic section$" -- \
	"$MMLD" share -n 2 --quiet -- "$STATIC"

# Holding never writes into a process: no text page is private, under either loader at any
# point (a software breakpoint would leave one per process). Needs frame numbers (root).
if [ "$(id -u)" = 0 ]; then
	for loader in mmld system; do
		for at in loaded entry exit; do
			run_cmd "$TMPD/tx" -- "$MMLD" share -n 4 --json --loader $loader --at $at -- "$PY" -c pass
			check "text-clean-$loader-$at" "text private dirty is not 0 under the $loader loader at $at" python3 -c "
import json
d = json.load(open('tx.out'))
objs = d['runs'][0]['objects']
assert any(o['path'].endswith(('ld-mmld.so', 'ld-linux-x86-64.so.2')) for o in objs), 'no loader measured'
dirty = {o['path']: o['classes']['text']['private_dirty_kib'] for o in objs if o['classes']['text']['private_dirty_kib']}
assert not dirty, dirty"
		done
	done
else
	echo "skip text-clean: private pages need frame numbers (root)"
fi

echo "hold: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
