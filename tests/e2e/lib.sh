# Helpers for the end-to-end tests: run a command, compare what it printed and its exit
# status with the system loader's (the oracle) or with a golden file. Sourced by run.sh.
# Output never contains raw addresses: norm_addrs replaces them before any comparison.

PASS=0 FAIL=0 FAILED_NAMES=""
SYSLD=/lib64/ld-linux-x86-64.so.2
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT

norm_addrs() { sed -E 's/0x[0-9a-f]{6,16}/ADDR/g'; }

ok() { PASS=$((PASS + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   $1"; return 0; }
bad() {
	FAIL=$((FAIL + 1)); FAILED_NAMES="$FAILED_NAMES $1"
	echo "FAIL $1: $2"
	[ -f "$TMPD/detail" ] && sed 's/^/     | /' "$TMPD/detail" | head -40
	rm -f "$TMPD/detail"
	return 0
}

# run_cmd OUTPREFIX ENV... -- CMD ARGS: stdout, stderr and status into OUTPREFIX.{out,err,rc}
run_cmd() {
	local p=$1; shift
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	# The variables must reach only CMD: timeout is itself a dynamically linked program that
	# LD_PRELOAD, LD_DEBUG or LD_TRACE_LOADED_OBJECTS would act on.
	# RUN_TIMEOUT: seconds, for the few long commands (a whole build); a hang still ends.
	timeout "${RUN_TIMEOUT:-20}" env "${envs[@]}" "$@" >"$p.out" 2>"$p.err" </dev/null
	echo $? >"$p.rc"
}

# oracle NAME ENV... -- PROGRAM ARGS: ld-mmld.so PROGRAM and the system ld.so PROGRAM must
# print the same stdout and stderr and exit alike (STDOUT_ONLY=1: stderr may differ, for our
# own warnings; SILENT_OK=1: printing nothing is the expected behaviour). Finalisers are skipped in both
# (NOLIBC_SKIP_FINI, see testprogs/nolibc/start.c); golden files cover them.
# run_both ENV... -- ARGS: `LOADER ARGS` with ENV under ld-mmld.so and under the system loader,
# into $TMPD/ours.* and $TMPD/sys.* (run_cmd's files).
run_both() {
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	run_cmd "$TMPD/ours" "${envs[@]}" -- "$RTLD" "$@"
	run_cmd "$TMPD/sys" "${envs[@]}" -- "$SYSLD" "$@"
}

oracle() {
	local name=$1; shift
	run_both NOLIBC_SKIP_FINI=1 "$@"
	for f in out err; do
		# Messages name the loader only through argv[0] of the program: identical.
		[ "$f" = err ] && [ -n "${STDOUT_ONLY:-}" ] && continue
		# Usage messages name the loader itself: the one difference allowed.
		norm_addrs <"$TMPD/ours.$f" | sed "s|$RTLD|LOADER|g" >"$TMPD/o"
		norm_addrs <"$TMPD/sys.$f" | sed "s|$SYSLD|LOADER|g" >"$TMPD/s"
		if ! cmp -s "$TMPD/o" "$TMPD/s"; then
			diff "$TMPD/s" "$TMPD/o" >"$TMPD/detail"
			bad "$name" "std$f differs from the system loader's (< system, > ld-mmld.so)"; return
		fi
	done
	if [ "$(cat "$TMPD/ours.rc")" != "$(cat "$TMPD/sys.rc")" ]; then
		bad "$name" "exit status $(cat "$TMPD/ours.rc"), system loader $(cat "$TMPD/sys.rc")"; return
	fi
	# A case must show something, except --verify, which answers with its status only.
	[ -s "$TMPD/ours.out" ] || [ -s "$TMPD/ours.err" ] || [ -n "${SILENT_OK:-}" ] ||
		{ bad "$name" "printed nothing"; return; }
	ok "$name"
}

# golden NAME RC ENV... -- CMD ARGS: stdout must equal expected/NAME.out, status RC
# (addresses and the build directory's path normalised).
golden() {
	local name=$1 rc=$2; shift 2
	run_cmd "$TMPD/g" "$@"
	norm_addrs <"$TMPD/g.out" | sed "s|$BUILD|BUILD|g" >"$TMPD/o"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then cp "$TMPD/o" "$EXPECTED/$name.out"; fi
	if ! cmp -s "$TMPD/o" "$EXPECTED/$name.out"; then
		diff "$EXPECTED/$name.out" "$TMPD/o" >"$TMPD/detail" 2>&1
		bad "$name" "stdout differs from expected/$name.out (< expected, > got)"; return
	fi
	if [ "$(cat "$TMPD/g.rc")" != "$rc" ]; then
		cp "$TMPD/g.err" "$TMPD/detail"
		bad "$name" "exit status $(cat "$TMPD/g.rc"), expected $rc"; return
	fi
	ok "$name"
}

# expect_err NAME RC REGEX ENV... -- CMD ARGS: status RC and exactly one stderr line matching REGEX.
expect_err() {
	local name=$1 rc=$2 re=$3; shift 3
	run_cmd "$TMPD/e" "$@"
	if [ "$(cat "$TMPD/e.rc")" != "$rc" ]; then
		cp "$TMPD/e.err" "$TMPD/detail"
		bad "$name" "exit status $(cat "$TMPD/e.rc"), expected $rc"; return
	fi
	if [ "$(wc -l <"$TMPD/e.err")" != 1 ] || ! grep -Eq "$re" "$TMPD/e.err"; then
		cp "$TMPD/e.err" "$TMPD/detail"
		bad "$name" "stderr is not one line matching /$re/"; return
	fi
	ok "$name"
}

# same NAME CMD ARGS: `ld-mmld.so CMD ARGS` against CMD ARGS run normally (kernel and
# system loader): the same stdout and exit status.
same() {
	local name=$1; shift
	run_cmd "$TMPD/ours" -- "$RTLD" "$@"
	run_cmd "$TMPD/sys" -- "$@"
	if ! cmp -s "$TMPD/ours.out" "$TMPD/sys.out"; then
		diff "$TMPD/sys.out" "$TMPD/ours.out" >"$TMPD/detail"
		cat "$TMPD/ours.err" >>"$TMPD/detail"
		bad "$name" "stdout differs from the normal run (< normal, > ld-mmld.so)"; return
	fi
	if [ "$(cat "$TMPD/ours.rc")" != "$(cat "$TMPD/sys.rc")" ]; then
		cp "$TMPD/ours.err" "$TMPD/detail"
		bad "$name" "exit status $(cat "$TMPD/ours.rc"), normally $(cat "$TMPD/sys.rc")"; return
	fi
	[ -s "$TMPD/ours.out" ] || { bad "$name" "printed nothing"; return; }
	ok "$name"
}

# check NAME DESCRIPTION COMMAND...: a shell condition that must hold.
check() {
	local name=$1 what=$2; shift 2
	if "$@" >"$TMPD/detail" 2>&1; then rm -f "$TMPD/detail"; ok "$name"; else bad "$name" "$what"; fi
}
