#!/usr/bin/env bash
# The glibc-linked test programs (testprogs/glibc): each runs through ld-mmld.so and normally,
# and must print the same and exit alike. Plus what only shows from outside: gdb on a
# program whose PT_INTERP is ld-mmld.so, and clock_gettime served by the vDSO.
# usage: glibc.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
TPG=$BUILD/testprogs/glibc
EXPECTED=$(cd "$(dirname "$0")" && pwd)/expected
. "$(dirname "$0")/lib.sh"
cd "$TPG"

same glibc-hello ./hello one two
same glibc-threads-tls ./threads
same glibc-cxx-throw ./throw
same glibc-cxx-throw-across-libraries ./cxx_across
same glibc-dlfcn ./dltest
# dlerror's words: long names and symbols keep their reason, RTLD_NOLOAD of a missing file is
# an error, a directory is glibc's "cannot read file data" (before: cut at 4,607 bytes and 544
# for a symbol, the reason lost; no error; "not a regular file").
same glibc-dlerror-text ./dlerror_text
same glibc-lifecycle ./lifecycle
# Finalisers at exit of libraries dlopen'ed and never closed: glibc sorts the namespace again
# (load order where nothing ties them, dependents first, relocation dependencies honoured),
# not the reverse of the constructors (before: e d b c a, glibc's b c d a e).
same glibc-fini-order-at-exit ./fini_order
# ... and LD_DEBUG=libs's "calling fini" lines for lifecycle (gconv modules and NSS libraries
# libc dlopen'ed): the same objects in the same order, the program as "" (ld.so's own line
# names each loader, so it is left out).
fini_lines() { grep 'calling fini' "$1" | grep -v -e 'ld-linux-x86-64' -e 'ld-mmld' | sed 's/^ *[0-9]*://'; }
run_cmd "$TMPD/lf-ours" LD_DEBUG=libs -- "$RTLD" ./lifecycle
run_cmd "$TMPD/lf-sys" LD_DEBUG=libs -- ./lifecycle
check glibc-fini-order-debug-lines "LD_DEBUG=libs: other 'calling fini' lines or order than the system loader's" \
	sh -c "$(declare -f fini_lines); [ \"\$(fini_lines '$TMPD/lf-ours.err')\" = \"\$(fini_lines '$TMPD/lf-sys.err')\" ] &&
	       [ \$(fini_lines '$TMPD/lf-ours.err' | wc -l) -ge 5 ]"
same glibc-deepbind ./deepbind
same glibc-rtld-next ./rtld_next
same glibc-dlclose ./dlclose
same glibc-dlclose-reldep ./dlclose_reldep
same glibc-rseq ./rseq_time
run_cmd "$TMPD/ours" GLIBC_TUNABLES=glibc.pthread.rseq=0 -- "$RTLD" ./rseq_time
run_cmd "$TMPD/sys" GLIBC_TUNABLES=glibc.pthread.rseq=0 -- ./rseq_time
check glibc-rseq-off "glibc.pthread.rseq=0 behaves differently from the system loader" sh -c \
	"cmp -s '$TMPD/ours.out' '$TMPD/sys.out' && grep -q '__rseq_size=0' '$TMPD/ours.out'"
run_cmd "$TMPD/ours" LD_BIND_NOW=1 -- "$RTLD" ./dltest
run_cmd "$TMPD/sys" LD_BIND_NOW=1 -- ./dltest
check glibc-bind-now "LD_BIND_NOW=1 dltest differs from the normal run" cmp "$TMPD/ours.out" "$TMPD/sys.out"

# Tunables: GLIBC_TUNABLES and the old aliases, with glibc's parsing rules (bases, ranges,
# precedence, malformed entries), seen through malloc's perturb byte.
i=0
for e in "GLIBC_TUNABLES=glibc.malloc.perturb=90" "MALLOC_PERTURB_=90" "GLIBC_TUNABLES=glibc.malloc.perturb=0x5a" \
	"GLIBC_TUNABLES=glibc.malloc.perturb=999" "GLIBC_TUNABLES=glibc.malloc.perturb=3 MALLOC_PERTURB_=90" \
	"GLIBC_TUNABLES=bogus:glibc.malloc.perturb=90" "GLIBC_TUNABLES=:::glibc.malloc.perturb=1:" \
	"GLIBC_TUNABLES=glibc.malloc.perturb=7:glibc.malloc.check=1"; do
	i=$((i + 1))
	run_cmd "$TMPD/tu-ours" $e -- "$RTLD" ./tunables
	run_cmd "$TMPD/tu-sys" $e -- ./tunables
	check "tunables-$i" "$e: malloc saw another value than under the system loader" \
		sh -c "cmp -s '$TMPD/tu-ours.out' '$TMPD/tu-sys.out' && grep -q 'starts with' '$TMPD/tu-ours.out'"
done

# Static TLS for dlopen'ed initial-exec TLS (4 and 8 KiB): the surplus is sized from
# glibc.rtld.optional_static_tls and glibc.rtld.nns as glibc sizes it, so what fits and what
# fails ("cannot allocate memory in static TLS block") is the system loader's at each setting
# (before: the tunables were ignored, the 4 KiB library failed at 5000 and 100000).
i=0
for t in "" glibc.rtld.optional_static_tls=5000 glibc.rtld.optional_static_tls=100000 \
	glibc.rtld.optional_static_tls=3000:glibc.rtld.nns=16 glibc.rtld.optional_static_tls=4500:glibc.rtld.nns=1 \
	glibc.rtld.nns=99:glibc.rtld.optional_static_tls=2000; do
	i=$((i + 1))
	run_cmd "$TMPD/st-ours" GLIBC_TUNABLES="$t" -- "$RTLD" ./static_tls ./libstatic_tls4k.so ./libstatic_tls8k.so
	run_cmd "$TMPD/st-sys" GLIBC_TUNABLES="$t" -- ./static_tls ./libstatic_tls4k.so ./libstatic_tls8k.so
	check "static-tls-surplus-$i" "GLIBC_TUNABLES=$t: other libraries fit in static TLS than under the system loader" \
		sh -c "cmp -s '$TMPD/st-ours.out' '$TMPD/st-sys.out' && cmp -s '$TMPD/st-ours.rc' '$TMPD/st-sys.rc' &&
		       grep -q 'libstatic_tls8k.so' '$TMPD/st-ours.out'"
done
# With glibc.rtld.nns=16 no namespace is left for an audit module: glibc's message, status 127.
AUDITMOD=$BUILD/testprogs/audit/libauditlib.so
run_cmd "$TMPD/na-ours" GLIBC_TUNABLES=glibc.rtld.nns=16 LD_AUDIT="$AUDITMOD" -- "$RTLD" ./hello
run_cmd "$TMPD/na-sys" GLIBC_TUNABLES=glibc.rtld.nns=16 LD_AUDIT="$AUDITMOD" -- ./hello
check static-tls-nns-leaves-no-audit-namespace "glibc.rtld.nns=16 with an audit module: not the system loader's refusal" \
	sh -c "cmp -s '$TMPD/na-ours.err' '$TMPD/na-sys.err' && cmp -s '$TMPD/na-ours.rc' '$TMPD/na-sys.rc' &&
	       grep -q 'Failed loading 1 audit modules, 0 are supported' '$TMPD/na-ours.err'"

# CPU features: what libc's IFUNC resolvers choose by, and sysconf's cache geometry, as the
# system loader computes them. On AMD every rule is glibc's; elsewhere the cache geometry and
# the TSX bits (HLE, RTM: cleared per CPU model for errata) follow rules we do not copy.
run_cmd "$TMPD/cf-ours" -- "$RTLD" ./cpufeatures
run_cmd "$TMPD/cf-sys" -- ./cpufeatures
if grep -q AuthenticAMD /proc/cpuinfo; then
	check cpu-features "CPU feature words or cache geometry differ from the system loader's" \
		cmp "$TMPD/cf-ours.out" "$TMPD/cf-sys.out"
else
	mask() { grep '^leaf' "$1" | awk '$2 == 1 { $10 = sprintf("%08x", strtonum("0x" $10) - and(strtonum("0x" $10), 0x810)) } { print }'; }
	check cpu-features "CPU feature words differ from the system loader's" \
		sh -c "$(declare -f mask); [ \"\$(mask '$TMPD/cf-ours.out')\" = \"\$(mask '$TMPD/cf-sys.out')\" ]"
fi

# IFUNC choices: the variant of each string and memory function libc's resolvers picked (its
# offset in libc.so.6, through the program's relocations and through dlsym) and the whole
# cpu_features record they picked by. On AMD all of it is glibc's; elsewhere only the choices are
# compared, and only where the CPU words agreed above (the TSX bits may not: see there).
run_cmd "$TMPD/ic-ours" -- "$RTLD" ./ifunc_choice
run_cmd "$TMPD/ic-sys" -- ./ifunc_choice
ifunc_lines() { grep -v '^cpu_features' "$1"; }
if grep -q AuthenticAMD /proc/cpuinfo; then
	check ifunc-choices "libc's IFUNCs chose other variants, or its cpu_features record differs, than under the system loader" \
		sh -c "cmp -s '$TMPD/ic-ours.out' '$TMPD/ic-sys.out' && [ \$(grep -c ' relocated +0x' '$TMPD/ic-ours.out') -ge 30 ] &&
		       [ \$(grep -c '^cpu_features+' '$TMPD/ic-ours.out') -eq 116 ] && [ \"\$(cat '$TMPD/ic-ours.rc')\" = 0 ]"
elif [ "$(grep '^leaf' "$TMPD/cf-ours.out")" = "$(grep '^leaf' "$TMPD/cf-sys.out")" ]; then
	check ifunc-choices "libc's IFUNCs chose other variants than under the system loader" \
		sh -c "$(declare -f ifunc_lines); [ \"\$(ifunc_lines '$TMPD/ic-ours.out')\" = \"\$(ifunc_lines '$TMPD/ic-sys.out')\" ] &&
		       [ \$(grep -c ' relocated +0x' '$TMPD/ic-ours.out') -ge 30 ] && [ \"\$(cat '$TMPD/ic-ours.rc')\" = 0 ]"
else
	ok "ifunc-choices (not compared: this CPU's TSX words differ by design)"
fi

# LD_DEBUG=files: why each object was wanted (needed by, dynamically loaded by), that it was
# mapped, and that a failed dlopen was undone, line for line as the system loader says it
# when run the same way (both named on the command line; its own line for the program aside).
files_trace() { grep -E '^ *[0-9]+:.file=' "$1" | sed 's/^ *[0-9]*:[[:space:]]*//' | grep -v '^file=\./dltest '; }
run_cmd "$TMPD/ft-ours" LD_DEBUG=files -- "$RTLD" ./dltest
run_cmd "$TMPD/ft-sys" LD_DEBUG=files -- /lib64/ld-linux-x86-64.so.2 ./dltest
check ld-debug-files "LD_DEBUG=files lines differ from the system loader's" sh -c \
	"$(declare -f files_trace); [ \"\$(files_trace '$TMPD/ft-ours.err' | wc -l)\" -gt 10 ] &&
	 [ \"\$(files_trace '$TMPD/ft-ours.err')\" = \"\$(files_trace '$TMPD/ft-sys.err')\" ]"

# dlopen of damaged libraries (tests/e2e/damage.py): dlerror() says what is wrong, the program
# goes on. The bad constructor is found after mapping and relocation, so that object is
# unloaded again (one "destroying link map"); the bad RELRO before anything is mapped.
# (The system loader crashes on both.)
mkdir -p "$TMPD/dl"
for dmg in init-array-to-data relro-beyond; do
	cp ./libdl_a.so "$TMPD/dl/$dmg.so"
	python3 "$(dirname "$EXPECTED")/damage.py" "$TMPD/dl/$dmg.so" "$dmg"
done
run_cmd "$TMPD/dd" LD_DEBUG=files -- "$RTLD" ./dlopen_damaged "$TMPD/dl/init-array-to-data.so" "$TMPD/dl/relro-beyond.so"
check dlopen-damaged-libraries "dlopen of a damaged library did not fail cleanly through dlerror" sh -c "
	[ \$(cat '$TMPD/dd.rc') = 0 ] &&
	[ \"\$(cat '$TMPD/dd.out')\" = 'init-array-to-data.so: DT_INIT_ARRAY entry points outside the loaded code
relro-beyond.so: PT_GNU_RELRO 0x3d9c+0x10000000000 outside the loadable segments
still running' ] && [ \$(grep -c 'destroying link map' '$TMPD/dd.err') = 1 ]"

# Started by the kernel with ld-mmld.so as PT_INTERP: same output as the normal program.
run_cmd "$TMPD/interp" -- ./dltest-interp
run_cmd "$TMPD/normal" -- ./dltest
check glibc-pt-interp "dltest-interp (PT_INTERP ld-mmld.so) differs from dltest" cmp "$TMPD/interp.out" "$TMPD/normal.out"

# gdb: a pending breakpoint in a dlopen'ed library is hit, and the libraries are listed.
if command -v gdb >/dev/null; then
	timeout 120 gdb -nx -batch -ex 'set breakpoint pending on' -ex 'break a_get' -ex run \
		-ex 'info sharedlibrary' -ex 'bt 1' -ex kill ./dltest-interp >"$TMPD/gdb.out" 2>&1 </dev/null
	check gdb-breakpoint-in-dlopened-library "gdb did not stop in a_get" grep -q '^Breakpoint 1, a_get ()' "$TMPD/gdb.out"
	check gdb-info-sharedlibrary "gdb does not list ld-mmld.so, libc.so.6 and libdl_a.so" sh -c \
		"grep -q 'ld-mmld.so' '$TMPD/gdb.out' && grep -q 'libc.so.6' '$TMPD/gdb.out' && grep -q 'libdl_a.so' '$TMPD/gdb.out'"
fi

# The vDSO serves clock_gettime: no system call for it.
if command -v strace >/dev/null; then
	strace -f -e trace=clock_gettime -o "$TMPD/strace.out" "$RTLD" ./lifecycle >/dev/null 2>&1
	check vdso-clock-gettime "clock_gettime made system calls: $(grep -c clock_gettime "$TMPD/strace.out" 2>/dev/null)" \
		sh -c "! grep -q 'clock_gettime(' '$TMPD/strace.out'"
	strace -f -e trace=time,gettimeofday -o "$TMPD/strace2.out" "$RTLD" ./rseq_time >/dev/null 2>&1
	check vdso-time-gettimeofday "time() or gettimeofday() made system calls" \
		sh -c "! grep -Eq '^[0-9 ]*(time|gettimeofday)\(' '$TMPD/strace2.out'"
fi

echo "glibc: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
