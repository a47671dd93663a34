#!/usr/bin/env bash
# rtld-audit (testprogs/audit): the same audit modules, the same program, under ld-mmld.so and
# under the system loader (both named on the command line, or both started by the kernel):
# the program's output and the modules' event logs (every la_* call, in order, with cookies,
# flags, arguments and results, on stderr) must be identical. Then glibc's own audit module,
# sotruss, must print the same trace under both.
# usage: audit.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
TPA=$BUILD/testprogs/audit
EXPECTED=$(cd "$(dirname "$0")" && pwd)/expected
. "$(dirname "$0")/lib.sh"
cd "$TPA"

# both NAME ENV... -- ARGS: `LOADER ARGS` under both loaders: same stdout, stderr, status.
both() {
	local name=$1; shift
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	run_cmd "$TMPD/ours" "${envs[@]}" -- "$RTLD" "$@"
	run_cmd "$TMPD/sys" "${envs[@]}" -- "$SYSLD" "$@"
	compare_runs "$name"
}

compare_runs() {
	local name=$1
	for f in out err rc; do
		if ! cmp -s "$TMPD/ours.$f" "$TMPD/sys.$f"; then
			diff "$TMPD/sys.$f" "$TMPD/ours.$f" >"$TMPD/detail"
			bad "$name" "$f differs from the system loader's (< system, > ld-mmld.so)"; return
		fi
	done
	[ "$(grep -c 'la_' "$TMPD/ours.err")" -gt 20 ] || { bad "$name" "the modules logged next to nothing"; return; }
	ok "$name"
}

both audit-events LD_AUDIT=libauditlog-a.so:libauditlog-b.so -- ./auditprog
both audit-option-and-env LD_AUDIT=libauditlog-b.so -- --audit libauditlog-a.so ./auditprog
both audit-bind-now LD_BIND_NOW=1 LD_AUDIT=libauditlog-a.so:libauditlog-b.so -- ./auditprog
both audit-unusable-modules LD_AUDIT=nosuch.so:libauditnover.so:libauditdecline.so:libauditlog-a.so -- ./auditprog
# _dl_find_object from la_version: its caller, the dynamic linker, is known already.
both audit-find-object LD_AUDIT=libauditlog-a.so:libauditfind.so -- ./auditprog
# Started by the kernel: ld-mmld.so as PT_INTERP against the system loader's normal start.
run_cmd "$TMPD/ours" LD_AUDIT=libauditlog-a.so:libauditlog-b.so -- ./auditprog-interp
run_cmd "$TMPD/sys" LD_AUDIT=libauditlog-a.so:libauditlog-b.so -- ./auditprog
compare_runs audit-pt-interp

# sotruss (glibc's LD_AUDIT module): calls from the program to its libraries, with the first
# three arguments and (-e) the results; pointers differ from run to run and are masked.
if command -v sotruss >/dev/null; then
	trace() {
		local loader=$1 out=$2; shift 2
		local opts=(-e)
		while [ "$1" != "--" ] && [ "${1:0:1}" = "-" ]; do opts+=("$1" "$2"); shift 2; done
		[ "$1" = "--" ] && shift
		timeout 20 sotruss "${opts[@]}" -- "$loader" "$@" 2>"$out.err" >"$out.out" </dev/null
		echo $? >"$out.rc"
		sed -i -E 's/0x[0-9a-f]{6,}/ADDR/g' "$out.err"
	}
	# Calls into libauditlib.so only (-T); audit_long_double's third "argument" is the upper
	# half of a stack word the caller half wrote (garbage left by the previous call), masked.
	trace "$RTLD" "$TMPD/ours" -T libauditlib.so -- ./auditprog
	trace "$SYSLD" "$TMPD/sys" -T libauditlib.so -- ./auditprog
	sed -i -E '/audit_long_double\(/s/, [^,)]*\)$/, MASKED)/' "$TMPD/ours.err" "$TMPD/sys.err"
	check sotruss-auditprog "sotruss traces auditprog otherwise than under the system loader" sh -c "
		diff '$TMPD/sys.err' '$TMPD/ours.err' && cmp '$TMPD/sys.out' '$TMPD/ours.out' &&
		[ \$(grep -c 'audit_many' '$TMPD/ours.err') = 2 ]"
	trace "$RTLD" "$TMPD/ours" /bin/ls -d /
	trace "$SYSLD" "$TMPD/sys" /bin/ls -d /
	check sotruss-ls "sotruss traces ls otherwise than under the system loader" sh -c "
		diff '$TMPD/sys.err' '$TMPD/ours.err' && cmp '$TMPD/sys.out' '$TMPD/ours.out' &&
		[ \$(grep -c 'ls -> libc.so.6' '$TMPD/ours.err') -gt 20 ]"
fi

echo "audit: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
