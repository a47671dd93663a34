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
	run_both "$@"
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
# glibc's name buffer (elf/dl-main.h): an audit name of NAME_MAX (255) bytes or more is skipped
# without a word, one byte shorter is searched like any other (and here not found).
long254=$(printf 'y%.0s' $(seq 254)) long255=$(printf 'z%.0s' $(seq 255))
both audit-long-names LD_AUDIT="$long254:$long255:libauditlog-a.so" -- ./auditprog
# Started by the kernel: ld-mmld.so as PT_INTERP against the system loader's normal start.
run_cmd "$TMPD/ours" LD_AUDIT=libauditlog-a.so:libauditlog-b.so -- ./auditprog-interp
run_cmd "$TMPD/sys" LD_AUDIT=libauditlog-a.so:libauditlog-b.so -- ./auditprog
compare_runs audit-pt-interp

# Secure mode: a set-user-ID program, run by nobody, each loader its PT_INTERP. glibc's rule
# (elf/rtld.c audit_list_next, dl-load.c __RTLD_SECURE): names with a slash or of 255 bytes or
# more skipped without a word; the others searched without ld.so.cache and taken only as
# set-user-ID files, here from the program's DT_RPATH: libsuid.so (a setuid copy of module A)
# is loaded, libplain.so (module B, not setuid) and libz.so.1 are refused, and module A logs
# every path of the searches after its own.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	SEC=$TMPD/secure; mkdir -p "$SEC/rp"
	cp "$RTLD" "$SEC/ld-mmld-suid.so"
	cp libauditlog-a.so "$SEC/rp/libsuid.so"; cp libauditlog-b.so "$SEC/rp/libplain.so"
	printf 'int main(void) { return 0; }\n' >"$SEC/suid.c"
	if gcc -o "$SEC/suid-ours" "$SEC/suid.c" -Wl,--disable-new-dtags,-rpath,"$SEC/rp" \
		-Wl,--dynamic-linker="$SEC/ld-mmld-suid.so" &&
		gcc -o "$SEC/suid-sys" "$SEC/suid.c" -Wl,--disable-new-dtags,-rpath,"$SEC/rp"; then
		chmod 4755 "$SEC/ld-mmld-suid.so" "$SEC/rp/libsuid.so" "$SEC/suid-ours" "$SEC/suid-sys"
		chmod -R a+rX "$TMPD"
		for who in ours sys; do
			run_cmd "$TMPD/$who" -- setpriv --reuid=65534 --regid=65534 --clear-groups env \
				LD_AUDIT="libsuid.so:libplain.so:libz.so.1:$SEC/rp/libsuid.so:$long254:$long255" \
				"$SEC/suid-$who"
		done
		if grep -q "object 'libplain.so' cannot be loaded as audit interface" "$TMPD/ours.err"; then
			compare_runs secure-mode-ld-audit
		else
			cp "$TMPD/ours.err" "$TMPD/detail"; bad secure-mode-ld-audit "libplain.so was not refused"
		fi
	else
		echo "skip audit secure-mode-ld-audit: gcc could not build the setuid program"
	fi
else
	echo "skip audit secure-mode-ld-audit: needs root (setuid copies) and setpriv"
fi

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
