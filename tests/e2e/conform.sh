#!/usr/bin/env bash
# The features glibc's own test suite found missing (issue 8, docs/conformance.md), each
# against the system loader: hardware-capability subdirectories (glibc-hwcaps/x86-64-vN,
# --glibc-hwcaps-prepend/-mask, the legacy tls/ and platform ones, ld.so.cache's hwcaps
# entries), the ISA-level marker notes, and --help's lists of them; _r_debug read by a program; the
# lookup scopes of dlopen'ed objects; filter objects; what dlopen refuses (executables,
# DF_1_NOOPEN), dlinfo's origin; text relocations with IFUNCs; _dl_exception_create_format;
# glibc.cpu.hwcaps; ldd through ld-mmld.so; LD_SHOW_AUXV.
# usage: conform.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
TPC=$BUILD/testprogs/conform
. "$(dirname "$0")/lib.sh"
cd "$TPC"

# --- which copy of libhwcapsel.so: the same one under both loaders --------------------------
oracle hwcaps-library-path -- --library-path "$TPC/lib" ./hwcaps_main
oracle hwcaps-ld-library-path LD_LIBRARY_PATH="$TPC/lib" -- ./hwcaps_main
oracle hwcaps-mask-v2 -- --glibc-hwcaps-mask x86-64-v2 --library-path "$TPC/lib" ./hwcaps_main
oracle hwcaps-mask-v3-v2 -- --glibc-hwcaps-mask x86-64-v2:x86-64-v3 --library-path "$TPC/lib" ./hwcaps_main
oracle hwcaps-mask-nothing -- --glibc-hwcaps-mask none --library-path "$TPC/lib" ./hwcaps_main
oracle hwcaps-prepend -- --glibc-hwcaps-prepend extra --library-path "$TPC/lib" ./hwcaps_main
oracle hwcaps-prepend-missing -- --glibc-hwcaps-prepend nosuch:extra --library-path "$TPC/lib" ./hwcaps_main
oracle hwcaps-legacy -- --library-path "$TPC/legacy" ./hwcaps_main
oracle hwcaps-legacy-then-lib -- --library-path "$TPC/legacy:$TPC/lib" ./hwcaps_main

# LD_DEBUG=libs: every subdirectory tried, in glibc's order, and the missing ones skipped
# once a failed open showed them missing (the second library looked up in the same place).
libs_trace() { grep -E 'search path=|trying file=' | sed -E 's/^ *[0-9]+:\t//'; }
run_cmd "$TMPD/ours" LD_DEBUG=libs -- "$RTLD" --library-path "$TPC/legacy:$TPC/lib" ./dlopen_report \
	libhwcapsel.so libnosuch.so
run_cmd "$TMPD/sys" LD_DEBUG=libs -- "$SYSLD" --library-path "$TPC/legacy:$TPC/lib" ./dlopen_report \
	libhwcapsel.so libnosuch.so
check hwcaps-debug-libs "LD_DEBUG=libs search lines differ from the system loader's (< system, > ld-mmld.so)" \
	bash -c "$(declare -f libs_trace); diff <(libs_trace <'$TMPD/sys.err') <(libs_trace <'$TMPD/ours.err')"

# --help: the glibc-hwcaps and legacy lists, as the options change them.
help_lists() { sed -n '/^Subdirectories of glibc-hwcaps/,$p'; }
for opts in "" "--glibc-hwcaps-prepend extra:more" "--glibc-hwcaps-mask x86-64-v2"; do
	# shellcheck disable=SC2086
	run_cmd "$TMPD/ours" -- "$RTLD" $opts --help
	# shellcheck disable=SC2086
	run_cmd "$TMPD/sys" -- "$SYSLD" $opts --help
	check "help-hwcaps${opts:+-${opts%% *}}" "--help $opts: the hwcaps lists differ from the system loader's" \
		bash -c "$(declare -f help_lists); diff <(help_lists <'$TMPD/sys.out') <(help_lists <'$TMPD/ours.out') &&
			grep -q 'Legacy HWCAP subdirectories under library search path directories' '$TMPD/ours.out'"
done

# --- ISA-level markers: a library asking for more than any CPU has is refused -------------
oracle isa-level-startup -- ./isa_main
oracle isa-level-dlopen -- ./dlopen_report ./libisahigh.so "$TPC/lib/glibc-hwcaps/x86-64-v2/libhwcapsel.so"

# --- filters: DT_FILTER (libflt.so) and DT_AUXILIARY (libaux.so) naming libfiltee.so --------
oracle filter-with-filtee -- --library-path "$TPC/filtee" ./filter_main ./libflt.so ./libaux.so
oracle filter-without-filtee -- ./filter_main
oracle aux-with-filtee -- --library-path "$TPC/filtee" ./aux_main ./libflt.so ./libaux.so
oracle aux-without-filtee -- ./aux_main ./libflt.so ./libaux.so
oracle filter-list -- --list --library-path "$TPC/filtee" ./filter_main
run_cmd "$TMPD/ours" LD_DEBUG=libs -- "$RTLD" --library-path "$TPC/filtee" ./aux_main
run_cmd "$TMPD/sys" LD_DEBUG=libs -- "$SYSLD" --library-path "$TPC/filtee" ./aux_main
check filter-debug-libs "LD_DEBUG=libs: the auxiliary object lines differ from the system loader's" \
	bash -c "diff <(grep -o 'load auxiliary object=.*' '$TMPD/sys.err') <(grep -o 'load auxiliary object=.*' '$TMPD/ours.err') &&
		grep -q 'load auxiliary object=libfiltee.so' '$TMPD/ours.err'"

# --- what may not be loaded as a library; dlinfo's origin -----------------------------------
oracle dlopen-executables -- ./dlopen_report ./hwcaps_main ./dlopen_report-nopie ./dlopen_report ./libnoopen.so \
	lib/libhwcapsel.so
oracle dlopen-self-nopie -- ./dlopen_report-nopie ./dlopen_report-nopie
same dlopen-self-kernel-started ./dlopen_report ./dlopen_report "$TPC/dlopen_report"
oracle noopen-as-needed -- ./noopen_main
STDOUT_ONLY=1 oracle textrel-ifunc -- ./textrel_ifunc
oracle exception-format -- ./exc_format

# --- glibc.cpu.hwcaps: CPU features switched off, as libc's IFUNC resolvers see them ----------
# (TSX bits of leaf 7 masked on Intel, where glibc clears them per CPU model: glibc.sh says why)
cpu_words() { grep '^leaf' "$1" | awk '$2 == 1 { $10 = sprintf("%08x", strtonum("0x" $10) - and(strtonum("0x" $10), 0x810)) } { print }'; }
for t in "glibc.cpu.hwcaps=-AVX2,-AVX512F,-SSE4_2,-BMI2" "glibc.cpu.hwcaps=-XSAVEC,-XSAVE" "glibc.cpu.hwcaps=-OSXSAVE,Fast_Rep_String"; do
	run_cmd "$TMPD/ours" GLIBC_TUNABLES="$t" -- "$RTLD" "$BUILD/testprogs/glibc/cpufeatures"
	run_cmd "$TMPD/sys" GLIBC_TUNABLES="$t" -- "$BUILD/testprogs/glibc/cpufeatures"
	check "cpu-tunable-${t#*=}" "GLIBC_TUNABLES=$t: active CPU feature words differ from the system loader's" \
		bash -c "$(declare -f cpu_words); diff <(cpu_words '$TMPD/sys.out') <(cpu_words '$TMPD/ours.out') &&
			! diff -q <(cpu_words '$TMPD/ours.out') <('$RTLD' '$BUILD/testprogs/glibc/cpufeatures' | grep '^leaf') >/dev/null"
done

# --- ldd through ld-mmld.so: Debian's ldd script with RTLDLIST naming it --------------------
# (the list, -d and -r's undefined symbols, -v's versions, -u's unused dependencies)
sed "s|^RTLDLIST=.*|RTLDLIST=$RTLD|" /usr/bin/ldd >"$TMPD/ldd-mmld"
ldd_norm() { sed -E 's/0x[0-9a-f]+/ADDR/' | sed "s|$RTLD|LOADER|; s|$SYSLD|LOADER|"; }
for f in ./ldd_main ./libldd_undef.so ./aux_main ./filter_main; do
	for o in "" -d -r -v -u; do
		# shellcheck disable=SC2086
		(bash "$TMPD/ldd-mmld" $o "$f"; echo "status $?") >"$TMPD/ours.out" 2>&1
		# shellcheck disable=SC2086
		(ldd $o "$f"; echo "status $?") >"$TMPD/sys.out" 2>&1
		check "ldd${o:+$o}-${f#./}" "ldd $o $f through ld-mmld.so differs from ldd with the system loader" \
			bash -c "$(declare -f ldd_norm); RTLD='$RTLD' SYSLD='$SYSLD';
				diff <(ldd_norm <'$TMPD/sys.out') <(ldd_norm <'$TMPD/ours.out')"
	done
done

# --- LD_SHOW_AUXV, in a program started by the kernel with ld-mmld.so as its interpreter ----
auxv_norm() { grep '^AT_' | sed -E 's/0x[0-9a-f]+/ADDR/; s|(AT_EXECFN: +).*|\1PROGRAM|'; }
run_cmd "$TMPD/ours" LD_SHOW_AUXV=1 -- "$BUILD/testprogs/glibc/dltest-interp"
run_cmd "$TMPD/sys" LD_SHOW_AUXV=1 -- "$BUILD/testprogs/glibc/dltest"
check show-auxv "LD_SHOW_AUXV lines differ from the system loader's" \
	bash -c "$(declare -f auxv_norm); diff <(auxv_norm <'$TMPD/sys.out') <(auxv_norm <'$TMPD/ours.out') &&
		grep -q '^AT_PHNUM:' '$TMPD/ours.out'"

# --- exit handlers a library registers run at its dlclose (glibc's bug-atexit1..3) ----------
oracle atexit-dlclose -- ./atexit_main ./libatexit1.so ./libatexit2.so
same atexit-dlclose-kernel-started ./atexit_main ./libatexit1.so ./libatexit2.so

# --- a program that reads _r_debug itself (a COPY relocation of it) --------------------------
oracle rdebug-copy-relocated -- ./rdebug_main "$TPC/lib/libhwcapsel.so"

# --- lookup scopes of dlopen'ed objects (glibc's l_scope, RTLD_GLOBAL, reldeps) -------------
oracle dlopen-scopes -- ./scope_main

# --- ld.so.cache entries for glibc-hwcaps subdirectories ------------------------------------
# ldconfig lists lib/glibc-hwcaps/*/libhwcapsel.so in a cache of our own, which a private
# mount namespace puts in place of /etc/ld.so.cache.
if unshare -m true 2>/dev/null; then
	printf '%s\n' "$TPC/lib" >"$TMPD/ld.so.conf"
	ldconfig -X -C "$TMPD/ld.so.cache" -f "$TMPD/ld.so.conf" 2>/dev/null
	in_cache() { unshare -m sh -c 'mount --bind "$0" /etc/ld.so.cache && exec "$@"' "$TMPD/ld.so.cache" "$@"; }
	for opts in "" "--glibc-hwcaps-mask x86-64-v2" "--glibc-hwcaps-mask none"; do
		# shellcheck disable=SC2086
		in_cache "$RTLD" $opts ./hwcaps_main >"$TMPD/ours.out" 2>&1
		# shellcheck disable=SC2086
		in_cache "$SYSLD" $opts ./hwcaps_main >"$TMPD/sys.out" 2>&1
		check "hwcaps-ld.so.cache${opts:+-${opts##* }}" "ld.so.cache with hwcaps entries ($opts): not the system loader's choice" \
			sh -c "diff '$TMPD/sys.out' '$TMPD/ours.out' && grep -q 'libhwcapsel.so from lib' '$TMPD/ours.out'"
	done
else
	echo "skip hwcaps-ld.so.cache: no private mount namespace here (unshare -m)"
fi

echo "conform: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
