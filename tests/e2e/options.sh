#!/usr/bin/env bash
# ld-mmld.so's options and LD_* variables against the system loader (the oracle): the same
# stdout, stderr and status, addresses and the loaders' paths masked. Secure-mode cases use a
# set-user-ID copy of each loader run by nobody (root only; skipped otherwise).
# usage: options.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
TP=$BUILD/testprogs
. "$(dirname "$0")/lib.sh"
cd "$TP" || exit 1

# --- LD_TRACE_LOADED_OBJECTS (what ldd sets): present at all means list; above 1, the
# program's own line first (glibc's process_envvars reads the value with its strtoul).
for v in "" 1 0 x 2 0x2 " 3" -1; do
	oracle "trace-loaded-objects=[$v]" LD_TRACE_LOADED_OBJECTS="$v" -- /bin/true
done
oracle trace-program-line-with-list LD_TRACE_LOADED_OBJECTS=2 -- --list ./deps
# PT_INTERP (deps-interp names ld-mmld.so): the same list as the system loader's for deps.
run_cmd "$TMPD/ours" LD_TRACE_LOADED_OBJECTS=2 -- ./deps-interp
run_cmd "$TMPD/sys" LD_TRACE_LOADED_OBJECTS=2 -- ./deps
check trace-program-line-pt-interp "LD_TRACE_LOADED_OBJECTS=2 through PT_INTERP: no program line first" \
	sh -c "head -1 '$TMPD/ours.out' | grep -Eqx '	 \(0x[0-9a-f]{16}\)' &&
		[ \"\$(sed -E 's/0x[0-9a-f]+//; s|$RTLD|LOADER|; s|/lib64/ld-linux-x86-64.so.2|LOADER|' '$TMPD/ours.out')\" = \
		  \"\$(sed -E 's/0x[0-9a-f]+//; s|/lib64/ld-linux-x86-64.so.2|LOADER|' '$TMPD/sys.out')\" ]"

# --- --list-tunables (glibc's list, its values after the CPU set-up, its bounds) and
# --list-diagnostics (the same lines; only the values that name the loader itself or an
# address differ, and the two xsave sizes, which are ld-mmld.so's trampoline's: masked).
oracle list-tunables -- --list-tunables
oracle list-tunables-set GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2:glibc.malloc.check=2:glibc.malloc.perturb=999:glibc.cpu.x86_rep_movsb_threshold=0x10000:glibc.rtld.nns=0x3 -- --list-tunables
oracle list-tunables-then-list -- --list-tunables --list /bin/true
oracle list-tunables-last-of-two -- --list-diagnostics --list-tunables
oracle list-tunables-ignores-the-program -- --list-tunables /bin/true --list-diagnostics
oracle list-tunables-bad-option-after -- --list-tunables --bogus
# diagnostics NAME ENV... -- ARGS: both loaders' --list-diagnostics lines, masked as above.
diagnostics() {
	local name=$1; shift
	run_both "$@"
	# (also masked: CPUID leaf 1's EBX, whose top byte is the initial APIC id of the CPU the
	# process happens to run on)
	local mask="s/^(auxv\[0x[0-9a-f]+\]\.a_val=)0x[0-9a-f]+$/\1ADDR/; s|$RTLD|LOADER|g; s|$SYSLD|LOADER|g"
	mask="$mask; /^path\.rtld=|xsave_state|^x86\.cpu_features\.features\[0x0\]\.cpuid\[0x1\]=/d"
	if cmp -s <(sed -E "$mask" "$TMPD/ours.out") <(sed -E "$mask" "$TMPD/sys.out") &&
		[ "$(cat "$TMPD/ours.rc")" = "$(cat "$TMPD/sys.rc")" ] && [ "$(wc -l <"$TMPD/ours.out")" -gt 150 ]; then
		ok "$name"
	else
		diff <(sed -E "$mask" "$TMPD/sys.out") <(sed -E "$mask" "$TMPD/ours.out") >"$TMPD/detail"
		bad "$name" "--list-diagnostics differs from the system loader's (< system, > ld-mmld.so), or is short"
	fi
}
diagnostics list-diagnostics -- --list-diagnostics
# the environment: LC_/LD_/MALLOC_ and glibc's list shown, the rest by name; glibc's quoting
# (its octal escape repeats the first digit) of control bytes, UTF-8, quotes and backslashes
diagnostics list-diagnostics-environment SECRET=hidden LD_X=$'a\tb"c\\d' LANG=$'\xc3\xa9' \
	MALLOC_Q=1 TZ=UTC PATHX=no $'ODD\nNAME=1' -- --list-diagnostics
diagnostics list-diagnostics-with-a-program -- --list-diagnostics /bin/true

# --- LD_DEBUG=bindings and scopes: glibc's lines (pids, addresses and the loaders' paths
# masked). glibc's ld.so also binds its own malloc (calloc, free, malloc, realloc, looked up
# from the program) and its exception functions in libc right after relocating; ld-mmld.so
# has its own allocator and makes neither lookup: those lines of glibc's are dropped.
# debug_lines NAME WHAT ENV... -- ARGS: the lines matching WHAT (a regex) of both loaders.
debug_lines() {
	local name=$1 what=$2; shift 2
	run_both "$@"
	local mask="s/^ *[0-9]+:/PID:/; s/0x[0-9a-f]+/ADDR/g; s|$RTLD|LOADER|g; s|$SYSLD|LOADER|g"
	sed -E "$mask" "$TMPD/ours.err" | grep -E "$what" >"$TMPD/o"
	sed -E "$mask" "$TMPD/sys.err" | grep -E "$what" | python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
own = [i for i, l in enumerate(lines) if l.startswith("PID:\tbinding file LOADER ")]
drop = set(own)
if own:  # the four malloc lookups just before the loader own
    k = own[0]
    for i in range(k - 4, k):
        if i >= 0 and re.search(r"normal symbol `(calloc|free|malloc|realloc)\x27", lines[i]):
            drop.add(i)
print("\n".join(l for i, l in enumerate(lines) if i not in drop))' >"$TMPD/s"
	if [ -n "${UNIQ:-}" ]; then # threads racing to a first call may each bind it: a set
		sort -u -o "$TMPD/o" "$TMPD/o"; sort -u -o "$TMPD/s" "$TMPD/s"
	fi
	if cmp -s "$TMPD/o" "$TMPD/s" && [ -s "$TMPD/o" ]; then
		ok "$name"
	else
		diff "$TMPD/s" "$TMPD/o" >"$TMPD/detail"
		bad "$name" "the /$what/ lines differ from the system loader's (< system, > ld-mmld.so), or none"
	fi
}
# (Programs with libc.so.6: glibc's ld.so looks up the vDSO's functions in every process, for
# libc; ld-mmld.so does only for libc, so a program without it has no such lines.)
debug_lines debug-bindings-true 'binding file' LD_DEBUG=bindings -- /bin/true
# lazily bound: each PLT function once, at its first call (after every start-up binding)
debug_lines debug-bindings-lazy 'binding file' LD_DEBUG=bindings -- glibc/hello a b
debug_lines debug-bindings-now 'binding file' LD_DEBUG=bindings LD_BIND_NOW=1 -- glibc/hello a b
debug_lines debug-scopes-true '.' LD_DEBUG=scopes -- /bin/true
debug_lines debug-scopes-deps '.' NOLIBC_SKIP_FINI=1 LD_DEBUG=scopes -- ./deps
# dlopen: the new object's scopes, then each object of its list (an object an earlier dlopen
# loaded: only the scope it gained), "add X to global scope" for RTLD_GLOBAL, RTLD_DEEPBIND's
# order; a failed look-up's "error: symbol lookup error" line, as under any category
for p in dltest deepbind dlclose_reldep; do
	debug_lines "debug-scopes-dlopen-$p" '.' LD_DEBUG=scopes -- "glibc/$p"
done
UNIQ=1 debug_lines debug-bindings-dlopen 'binding file|error' LD_DEBUG=bindings -- glibc/dltest
# the initialiser and finaliser calls glibc says under libs, bindings, files...: its own
# (empty) ones included, the program's with its empty link-map name, libc's "initialize
# program" and "transferring control" (libc prints those, asked through _rtld_global_ro)
impcalls='^PID:\t$|calling (init|fini|preinit)|initialize program|transferring control'
debug_lines debug-impcalls-bindings "$impcalls" LD_DEBUG=bindings -- /bin/true
debug_lines debug-impcalls-libs "$impcalls" LD_DEBUG=libs -- glibc/hello a
debug_lines debug-impcalls-files "$impcalls" LD_DEBUG=files -- glibc/rtld_next
debug_lines debug-impcalls-nolibc "$impcalls" NOLIBC_SKIP_FINI=1 LD_DEBUG=versions -- ./deps

# --- --audit as often as given (glibc keeps every list; ld-mmld.so kept 8 and dropped the
# rest without a word): ten copies of an audit module, each --audit once, all loaded in order;
# ten missing ones, ten ERROR lines; with LD_AUDIT's ten, glibc's namespace limit, counted.
mkdir -p "$TMPD/aud"
for i in $(seq 10); do cp audit/libauditlog-a.so "$TMPD/aud/liba$i.so"; done
mapfile -t ten < <(for i in $(seq 10); do printf -- '--audit\nliba%d.so\n' "$i"; done)
mapfile -t ten_missing < <(for i in $(seq 10); do printf -- '--audit\nnosuch%d.so\n' "$i"; done)
oracle audit-option-ten-times LD_LIBRARY_PATH="$TMPD/aud" -- "${ten[@]}" /bin/true
oracle audit-option-ten-missing -- "${ten_missing[@]}" /bin/true
# by path: glibc loads such a module with no loader object, so the modules already loaded
# get no la_objsearch for it (by name they do, as above)
mapfile -t three_paths < <(for i in 1 2 3; do printf -- '--audit\n%s/liba%d.so\n' "$TMPD/aud" "$i"; done)
oracle audit-option-paths -- "${three_paths[@]}" /bin/true
oracle audit-option-and-env-over-the-limit LD_AUDIT=a:b:c:d:e:f:g:h:i:j -- "${ten_missing[@]}" /bin/true

# --- secure mode (a set-user-ID loader run by nobody) ---------------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	SEC=$TMPD/secure; mkdir -p "$SEC"
	cp "$RTLD" "$SEC/ld-mmld-suid.so"; cp "$SYSLD" "$SEC/ld-sys-suid.so"
	chmod 4755 "$SEC/ld-mmld-suid.so" "$SEC/ld-sys-suid.so"; chmod -R a+rX "$TMPD"
	as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# secure_same NAME ENV... -- ARGS: both setuid loaders run by nobody with ENV (set after
	# setpriv, itself dynamically linked, so only the loader sees it): the same output and status.
	# (A copy of the system loader lists itself as "PT_INTERP's name => its path", ld-mmld.so by
	# its path alone: the one difference masked.)
	secure_same() {
		local name=$1; shift
		local envs=()
		while [ "$1" != "--" ]; do envs+=("$1"); shift; done
		shift
		# shellcheck disable=SC2086
		run_cmd "$TMPD/ours" -- $as_nobody env "${envs[@]}" "$SEC/ld-mmld-suid.so" "$@"
		# shellcheck disable=SC2086
		run_cmd "$TMPD/sys" -- $as_nobody env "${envs[@]}" "$SEC/ld-sys-suid.so" "$@"
		for f in out err rc; do
			if ! cmp -s <(norm_addrs <"$TMPD/ours.$f" | sed "s|$SEC/ld-mmld-suid.so|LOADER|g") \
				<(norm_addrs <"$TMPD/sys.$f" | sed "s|$SEC/ld-sys-suid.so|LOADER|g; s|$SYSLD => LOADER|LOADER|"); then
				diff "$TMPD/sys.$f" "$TMPD/ours.$f" >"$TMPD/detail"
				bad "$name" "$f differs from the system loader's (< system, > ld-mmld.so)"; return
			fi
		done
		ok "$name"
	}
	# glibc refuses trace mode in a privileged process: status 5, nothing printed.
	secure_same secure-trace-loaded-objects LD_TRACE_LOADED_OBJECTS=1 -- /bin/true
	secure_same secure-trace-loaded-objects-empty LD_TRACE_LOADED_OBJECTS= -- /bin/true
	secure_same secure-trace-with-list LD_TRACE_LOADED_OBJECTS=1 -- --list /bin/true
	secure_same secure-list -- --list /bin/true
	# The environment a privileged program and its children see (glibc's process_envvars and
	# __tunables_init): its unsecure variables removed, the aliases of "erase" tunables
	# (MALLOC_CHECK_) removed, GLIBC_TUNABLES rewritten without the erase ones and the unknown
	# ones; the rest (LD_USE_LOAD_BIAS, gone from glibc 2.36, an "ignore" tunable's alias) kept.
	# Each loader is the PT_INTERP of a set-user-ID program that prints its environment.
	printf '#include <stdio.h>\nextern char **environ;\nint main(void) { for (char **e = environ; *e; e++) puts(*e); return 0; }\n' >"$SEC/penv.c"
	if gcc -o "$SEC/penv-ours" "$SEC/penv.c" -Wl,--dynamic-linker="$SEC/ld-mmld-suid.so" &&
		gcc -o "$SEC/penv-sys" "$SEC/penv.c"; then
		chmod 4755 "$SEC/penv-ours" "$SEC/penv-sys"
		secure_env() {
			local name=$1; shift
			for who in ours sys; do
				# shellcheck disable=SC2086
				run_cmd "$TMPD/$who" -- $as_nobody env -i "$@" "$SEC/penv-$who"
			done
			if cmp -s "$TMPD/ours.out" "$TMPD/sys.out" && [ "$(cat "$TMPD/ours.rc")" = "$(cat "$TMPD/sys.rc")" ]; then
				ok "$name"
			else
				diff "$TMPD/sys.out" "$TMPD/ours.out" >"$TMPD/detail"
				bad "$name" "the program's environment differs from the system loader's (< system, > ld-mmld.so)"
			fi
		}
		secure_env secure-env-scrubbed MALLOC_CHECK_=1 KEEP=1 LD_USE_LOAD_BIAS=x LD_LIBRARY_PATH=/tmp \
			MALLOC_ARENA_MAX=2 MALLOC_TRACE=/tmp/t TMPDIR=/tmp LD_BIND_NOW=1
		secure_env secure-glibc-tunables \
			GLIBC_TUNABLES=glibc.malloc.check=1:glibc.malloc.mxfast=0:nonesuch=1:glibc.rtld.nns=2:novalue:glibc.malloc.perturb=9
		secure_env secure-glibc-tunables-all-erased GLIBC_TUNABLES=glibc.malloc.check=1:glibc.rtld.nns=3 A=1
		secure_env secure-glibc-tunables-twice GLIBC_TUNABLES=glibc.malloc.mxfast=1 GLIBC_TUNABLES=glibc.malloc.check=2:glibc.malloc.top_pad=1
		secure_env secure-glibc-tunables-no-value GLIBC_TUNABLES=glibc.malloc.mxfast=1:glibc.malloc.perturb
	else
		echo "skip options secure-env: gcc could not build the setuid program"
	fi
else
	echo "skip options secure-mode: needs root (a setuid copy) and setpriv"
fi

echo "options: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
