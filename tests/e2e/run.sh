#!/usr/bin/env bash
# End-to-end tests: ld-mmld.so runs each test program; what it prints and its exit status
# are compared with the system loader's (oracle) or with expected/*.out (golden: what the
# oracle cannot show, such as finalisers, or programs that glibc's ld.so cannot run without
# libc.so.6). usage: run.sh BUILD_DIR   (VERBOSE=1 lists passing cases; UPDATE_GOLDEN=1
# rewrites expected/ from the current output: review the diff before committing).
set -u
BUILD=$(cd "${1:-build}" && pwd)
RTLD=$BUILD/ld-mmld.so
TP=$BUILD/testprogs
EXPECTED=$(cd "$(dirname "$0")" && pwd)/expected
. "$(dirname "$0")/lib.sh"
cd "$TP"

# --- the same program under both loaders, direct mode -----------------------------------
for p in hello hello-nopie deps initorder weak unique protected copy-nopie ifunc lazy relr \
	origin-runpath origin-rpath origin-platform undef-lazy missing-lib; do
	oracle "oracle-$p" -- ./$p first "second arg"
done
oracle oracle-auxv MMLD_TEST_VAR=visible -- ./auxv one two
oracle oracle-versions-v1-with-v2 LD_LIBRARY_PATH=ver2 -- ./versions-v1
oracle oracle-versions-v2 LD_LIBRARY_PATH=ver2 -- ./versions-v2
oracle oracle-ld-library-path LD_LIBRARY_PATH=undef-extra -- ./undef-now
# LD_LIBRARY_PATH and --library-path take ';' as a separator too (an empty entry between two is
# the current directory); DT_RUNPATH does not (redteam #41: the whole string was one directory).
oracle oracle-ld-library-path-semicolons LD_LIBRARY_PATH="/nonexistent/a;;/nonexistent/b:undef-extra;/x" -- ./undef-now
oracle oracle-library-path-option-semicolons -- --library-path "/nonexistent/a;undef-extra" ./undef-now
printf '#include <stdio.h>\nint extra(void);\nint main(void) { printf("extra=%%d\\n", extra()); return 0; }\n' >"$TMPD/semirp.c"
gcc -o "$TMPD/semirp" "$TMPD/semirp.c" -L undef-extra -lundef -Wl,-rpath,"/nonexistent/a;$TP/undef-extra" 2>/dev/null ||
	echo "(semirp: link failed)"
oracle oracle-runpath-semicolon-is-a-name -- "$TMPD/semirp"
# A search path of 200 directories before the one that has the library (glibc has no limit;
# LD_LIBRARY_PATHs of module systems are that long), for LD_LIBRARY_PATH and RUNPATH.
LONG_PATH=$(for i in $(seq 200); do printf '/nonexistent/d%d:' "$i"; done)
oracle oracle-ld-library-path-200-dirs LD_LIBRARY_PATH="${LONG_PATH}undef-extra" -- ./undef-now
printf '#include <stdio.h>\nint extra(void);\nint main(void) { printf("extra=%%d\\n", extra()); return 0; }\n' >"$TMPD/longrp.c"
gcc -o "$TMPD/longrp" "$TMPD/longrp.c" -L undef-extra -lundef -Wl,-rpath,"${LONG_PATH}$TP/undef-extra" 2>/dev/null ||
	echo "(longrp: link failed)"
oracle oracle-runpath-200-dirs -- "$TMPD/longrp"
oracle oracle-library-path-option -- --library-path undef-extra ./undef-now x
oracle oracle-preload LD_PRELOAD=./libpreload.so -- ./deps
oracle oracle-preload-option -- --preload ./libpreload.so ./deps
oracle oracle-preload-weak LD_PRELOAD=libweakprov.so LD_LIBRARY_PATH=. -- ./weak
oracle oracle-preload-missing LD_PRELOAD=nosuchlib.so -- ./hello
oracle oracle-bind-now LD_BIND_NOW=1 -- ./lazy
oracle oracle-argv0 -- --argv0 renamed ./auxv
oracle oracle-undef-now -- ./undef-now
oracle oracle-undef-lazy-call -- ./undef-lazy call-extra
oracle oracle-not-elf -- /etc/os-release
oracle oracle-too-short -- /etc/hostname
oracle oracle-missing-program -- ./no-such-program
oracle oracle-list -- --list ./deps
# Programs that need no dynamic linker are executed again, as glibc's ld.so does (static,
# static-pie; argv and --argv0 kept), and a dynamic linker as the program is refused.
printf '#include <stdio.h>\nint main(int c, char **v) { for (int i = 0; i < c; i++) printf("[%%s]", v[i]); puts(""); return 3; }\n' >"$TMPD/args.c"
gcc -static -o "$TMPD/static" "$TMPD/args.c" && gcc -static-pie -o "$TMPD/static-pie" "$TMPD/args.c"
oracle oracle-static-program -- "$TMPD/static" one "two words"
oracle oracle-static-pie-program -- --argv0 renamed "$TMPD/static-pie" one
oracle oracle-loader-as-program -- /lib64/ld-linux-x86-64.so.2 /bin/true
oracle oracle-ld-mmld-as-program -- "$RTLD" /bin/true
# A program named without a slash is looked up in /etc/ld.so.cache only, never in the
# current directory (hello is here) nor LD_LIBRARY_PATH: glibc maps it before any search path.
oracle oracle-program-no-slash-not-cwd -- hello
oracle oracle-program-no-slash-not-library-path LD_LIBRARY_PATH=. -- --list hello
SILENT_OK=1 oracle oracle-program-no-slash-verify -- --verify hello
oracle oracle-program-no-slash-from-cache -- --list libz.so.1
oracle oracle-program-no-slash-inhibit-cache -- --inhibit-cache --list libz.so.1
oracle oracle-list-missing -- --list ./missing-lib
# Only a 32-bit file of the name: the library named as asked for ("wrong ELF class"), and
# ldd lists it as not found; as a preload, glibc's words without the errno text.
mkdir -p "$TMPD/c32" && { printf '\177ELF\001\001\001'; head -c 1017 /dev/zero; } >"$TMPD/c32/libgone.so"
oracle oracle-wrong-class-only LD_LIBRARY_PATH="$TMPD/c32" -- ./missing-lib
oracle oracle-wrong-class-only-ldd LD_LIBRARY_PATH="$TMPD/c32" LD_TRACE_LOADED_OBJECTS=1 -- ./missing-lib
oracle oracle-wrong-class-preload LD_PRELOAD="$TMPD/c32/libgone.so" -- ./hello
oracle oracle-long-program-name -- "/$(printf 'b%.0s' {1..5000})"
# A file of the name that is found and broken ends ldd as it ends a run (glibc: status 127,
# in its words "cannot read file data: Error 21"); only a missing one is "not found".
mkdir -p "$TMPD/cdir/libgone.so"
expect_err ldd-broken-file-ends-list 127 "^\./missing-lib: error while loading shared libraries: .*/cdir/libgone\.so: cannot read file data: Error 21$" \
	LD_LIBRARY_PATH="$TMPD/cdir" LD_TRACE_LOADED_OBJECTS=1 -- "$RTLD" ./missing-lib
oracle oracle-library-is-a-directory LD_LIBRARY_PATH="$TMPD/cdir" -- ./missing-lib
oracle oracle-ldd-missing LD_TRACE_LOADED_OBJECTS=1 -- ./missing-lib
STDOUT_ONLY=1 oracle oracle-textrel -- ./textrel   # we warn about text relocations; glibc does not
SILENT_OK=1 oracle oracle-verify -- --verify ./hello
SILENT_OK=1 oracle oracle-verify-lib -- --verify ./libdep_a.so
SILENT_OK=1 oracle oracle-verify-not-elf -- --verify /etc/hostname
SILENT_OK=1 oracle oracle-verify-no-interp -- --verify ./libdep_a.so
oracle oracle-no-program -- --inhibit-cache
oracle oracle-bad-option -- --no-such-option ./hello

# --- golden: finalisers, TLS (needs __tls_get_addr from the loader), PT_INTERP starts ----
golden initorder-full 0 -- "$RTLD" ./initorder x
golden deps-full 0 -- "$RTLD" ./deps
golden tls 0 -- "$RTLD" ./tls
golden tls-interp 0 -- ./tls-interp
golden hello-interp 7 -- ./hello-interp a b
golden hello-nopie-interp 7 -- ./hello-nopie-interp a b
golden deps-interp 0 -- ./deps-interp
golden auxv-interp 0 MMLD_TEST_VAR=pt_interp -- ./auxv-interp x
golden auxv-direct 0 MMLD_TEST_VAR=pt_interp -- "$RTLD" ./auxv x
golden versions-v2-missing-version 1 LD_LIBRARY_PATH=ver1 -- "$RTLD" ./versions-v2
golden lazy-bind-now-same 0 LD_BIND_NOW=1 -- "$RTLD" ./lazy
golden list-tls 0 -- "$RTLD" --list ./tls

# The two starts must agree with each other too (same program, kernel vs ld-mmld.so mapping),
# except AT_BASE, which is 0 in direct mode (the kernel started no interpreter), as with glibc,
# and AT_EXECFN, which names the file started (auxv-interp, auxv).
check auxv-interp-equals-direct "PT_INTERP and direct starts differ" \
	bash -c "diff <(grep -Ev 'AT_BASE|AT_EXECFN' '$EXPECTED/auxv-interp.out') <(grep -Ev 'AT_BASE|AT_EXECFN' '$EXPECTED/auxv-direct.out')"

# --- errors: one line naming the file, status 127 -----------------------------------------
# A missing symbol version: glibc's form, status 1 (not 127), and ldd still lists.
expect_err err-version 1 "^\./versions-v2: ver1/libver\.so: version \`VER_2' not found \(required by \./versions-v2\)$" \
	LD_LIBRARY_PATH=ver1 -- "$RTLD" ./versions-v2
oracle oracle-version-missing LD_LIBRARY_PATH=ver1 -- ./versions-v2
oracle oracle-version-missing-list LD_LIBRARY_PATH=ver1 -- --list ./versions-v2
oracle oracle-version-missing-ldd LD_LIBRARY_PATH=ver1 LD_TRACE_LOADED_OBJECTS=1 -- ./versions-v2
expect_err err-not-elf 127 "^/etc/os-release: error while loading shared libraries: /etc/os-release: invalid ELF header$" \
	-- "$RTLD" /etc/os-release
printf '\177ELF\002\001\001' >"$TMPD/truncated"
expect_err err-truncated 127 "truncated: error while loading shared libraries: .*truncated: file too short" \
	-- "$RTLD" "$TMPD/truncated"
head -c 300 ./libdep_b.so >"$TMPD/libtrunc.so"
expect_err err-truncated-phdrs 127 "libtrunc\.so: .*(beyond end of file|too short)" -- "$RTLD" "$TMPD/libtrunc.so"
cp ./hello "$TMPD/class32"; printf '\001' | dd of="$TMPD/class32" bs=1 seek=4 conv=notrunc 2>/dev/null
expect_err err-class32 127 "class32: wrong ELF class: ELFCLASS32$" -- "$RTLD" "$TMPD/class32"
cp ./hello "$TMPD/arm"; printf '\050\000' | dd of="$TMPD/arm" bs=1 seek=18 conv=notrunc 2>/dev/null
expect_err err-machine 127 "arm: wrong machine 40 \(not x86-64\)$" -- "$RTLD" "$TMPD/arm"
mkdir -p "$TMPD/badlib"; cat /etc/os-release >"$TMPD/badlib/libdep_c.so"
expect_err err-bad-dependency 127 "error while loading shared libraries: $TMPD/badlib/libdep_c\.so: invalid ELF header$" \
	LD_LIBRARY_PATH="$TMPD/badlib" -- "$RTLD" ./deps
cp ./hello "$TMPD/badphent"; printf '\070\001' | dd of="$TMPD/badphent" bs=1 seek=54 conv=notrunc 2>/dev/null
expect_err err-phentsize 127 "badphent: ELF file's phentsize not the expected size \(312, not 56\)$" -- "$RTLD" "$TMPD/badphent"

# --- PT_GNU_STACK -----------------------------------------------------------------------
oracle oracle-stack -- ./stack
oracle oracle-stack-exec -- ./stack-exec

# --- an unknown relocation type: the first entry of libdep_b.so's .rela.dyn made type 99 ---
cp ./libdep_b.so ./libdep_a.so ./libdep_c.so ./deps "$TMPD/"
rela=$(readelf -SW "$TMPD/libdep_b.so" | awk '{for (i = 1; i < NF; i++) if ($i == ".rela.dyn") print $(i + 3)}')
printf 'c' | dd of="$TMPD/libdep_b.so" bs=1 seek=$((0x$rela + 8)) conv=notrunc 2>/dev/null
expect_err err-unknown-reloc 127 "libdep_b\.so: unsupported relocation type 99$" -- "$RTLD" "$TMPD/deps"

# --- one damage each to libdep_a.so (tests/e2e/damage.py): found before anything is called
# through it, reported in one line, status 127 (found by mutating the library at random).
damaged() { # damaged NAME REGEX [FILE] DAMAGE...   (FILE: libdep_a.so unless given)
	local name=$1 re=$2 file=libdep_a.so; shift 2
	case $1 in deps|*.so) file=$1; shift;; esac
	rm -rf "$TMPD/dmg"; mkdir -p "$TMPD/dmg"
	cp ./deps ./libdep_a.so ./libdep_b.so ./libdep_c.so "$TMPD/dmg/"
	python3 "$(dirname "$EXPECTED")/damage.py" "$TMPD/dmg/$file" "$@"
	expect_err "$name" 127 "$re" -- "$RTLD" "$TMPD/dmg/deps"
}
# Not damage: a writable and executable data segment is honoured, as the system loader does.
rm -rf "$TMPD/rwx"; mkdir -p "$TMPD/rwx"; cp ./deps ./libdep_a.so ./libdep_b.so ./libdep_c.so "$TMPD/rwx/"
python3 "$(dirname "$EXPECTED")/damage.py" "$TMPD/rwx/libdep_a.so" rwx-data
oracle oracle-rwx-segment -- "$TMPD/rwx/deps"
damaged err-relro-beyond-object "libdep_a\.so: PT_GNU_RELRO 0x[0-9a-f]+\+0x10000000000 outside the loadable segments$" \
	relro-beyond
damaged err-jmprel-without-size "libdep_a\.so: DT_JMPREL and DT_PLTRELSZ do not come together$" drop-dyn 2
damaged err-init-array-into-data "libdep_a\.so: DT_INIT_ARRAY entry points outside the loaded code$" init-array-to-data
damaged err-name-with-newline "error while loading shared libraries: libdep_c\.s\?: cannot open shared object file" \
	needed-newline
damaged err-tls-reloc-not-tls "libdep_a\.so: TLS relocation at 0x[0-9a-f]+ for something that is not thread-local$" \
	plt-as-tlsdesc
damaged err-entry-outside-code "dmg/deps: entry point 0x7c00000000001000 outside the loaded code$" deps entry-outside
damaged err-symbol-outside-object "symbol lookup error: .*deps: undefined symbol: a_calls_who$" \
	sym-value a_calls_who 7f0000000000

# --- secure mode: a setuid loader run by another user ignores LD_LIBRARY_PATH and LD_PRELOAD
# and removes them from the environment (glibc's rules). Needs root to make the setuid copy.
if [ "$(id -u)" = 0 ]; then
	SEC=$TMPD/secure; mkdir -p "$SEC"; cp -r "$TP"/. "$SEC/"; cp "$RTLD" "$SEC/ld-suid.so"; cp "$RTLD" "$SEC/ld-plain.so"
	chmod 4755 "$SEC/ld-suid.so"; chmod -R a+rX "$TMPD"
	as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# The variables go after setpriv (itself a dynamically linked program), so they reach
	# only the setuid loader.
	golden secure-env 0 -- $as_nobody env LD_LIBRARY_PATH=/tmp MMLD_TEST_VAR=kept "$SEC/ld-suid.so" "$SEC/auxv"
	# hello needs no library; in normal mode the preload prints "init: preload".
	golden secure-no-preload 7 -- $as_nobody env LD_PRELOAD="$SEC/libpreload.so" "$SEC/ld-suid.so" "$SEC/hello"
	golden normal-preload 7 -- $as_nobody env LD_PRELOAD="$SEC/libpreload.so" "$SEC/ld-plain.so" "$SEC/hello"
	expect_err secure-no-library-path 127 "libgone\.so: cannot open shared object file" \
		-- $as_nobody env LD_LIBRARY_PATH="$SEC/gone" "$SEC/ld-suid.so" "$SEC/missing-lib"
	oracle normal-library-path LD_LIBRARY_PATH="$SEC/gone" -- "$SEC/missing-lib"
else
	echo "skip secure-mode tests (need root for a setuid copy)"
fi

# --- LD_DEBUG -------------------------------------------------------------------------
run_cmd "$TMPD/dbg" LD_DEBUG=statistics -- "$RTLD" ./relr
check debug-statistics "LD_DEBUG=statistics lacks relocation counts" \
	grep -Eq 'number of relative relocations: [1-9]' "$TMPD/dbg.err"
check debug-statistics-per-object "LD_DEBUG=statistics lacks librelr.so's count" \
	grep -Eq 'librelr\.so +[0-9]+ relocations' "$TMPD/dbg.err"
run_cmd "$TMPD/dbg" LD_DEBUG=maps -- "$RTLD" ./deps
check debug-maps-text "LD_DEBUG=maps shows no r-x file mapping of libdep_a.so" \
	grep -Eq 'mmap 0x[0-9a-f]+-0x[0-9a-f]+ r-x .*libdep_a\.so\+0x' "$TMPD/dbg.err"
check debug-maps-relro "LD_DEBUG=maps shows no RELRO mprotect" grep -q 'r-- .*(RELRO)' "$TMPD/dbg.err"
# (glibc's lines: a lazy binding is said once, at the first call, after the initialisers ran)
run_cmd "$TMPD/dbg" LD_DEBUG=bindings -- "$RTLD" ./lazy
check debug-bindings-lazy "the first call of mix8 was not bound lazily, once" \
	sh -c "sed -n '/calling init: .*liblazy/,\$p' '$TMPD/dbg.err' | grep -c \"normal symbol \\\`mix8'\" | grep -qx 1 &&
		grep -c \"normal symbol \\\`mix8'\" '$TMPD/dbg.err' | grep -qx 1"
run_cmd "$TMPD/dbg" LD_DEBUG=bindings LD_BIND_NOW=1 -- "$RTLD" ./lazy
check debug-bindings-now "LD_BIND_NOW still bound lazily" \
	sh -c "grep -q 'calling init: .*liblazy' '$TMPD/dbg.err' &&
		{ sed -n '/calling init: .*liblazy/,\$p' '$TMPD/dbg.err' | grep -q 'binding file'; [ \$? = 1 ]; }"
run_cmd "$TMPD/dbg" LD_DEBUG=libs -- "$RTLD" ./origin-runpath
check debug-libs "LD_DEBUG=libs does not show the RUNPATH search" \
	grep -q 'trying file=.*/sub/liborigin\.so' "$TMPD/dbg.err"
run_cmd "$TMPD/dbg" LD_DEBUG=statistics LD_DEBUG_OUTPUT="$TMPD/dbgout" -- "$RTLD" ./hello
check debug-output-file "LD_DEBUG_OUTPUT did not write FILE.PID" \
	sh -c "grep -q 'number of relocations' '$TMPD'/dbgout.* && [ ! -s '$TMPD/dbg.err' ]"
run_cmd "$TMPD/dbg" LD_DEBUG=help -- "$RTLD" ./hello
check debug-help "LD_DEBUG=help does not list maps" grep -q '^  maps' "$TMPD/dbg.out"
check debug-help-lists-help "LD_DEBUG=help does not list help, as glibc's does" \
	grep -qx '  help        display this help message and exit' "$TMPD/dbg.out"
# Every line of the debugging output carries the pid, as glibc's (grep one process's lines),
# and "generating link map" has glibc's layout (addresses in 16 digits, the unrounded size).
run_cmd "$TMPD/dbg" LD_DEBUG=files,libs,bindings,versions -- "$RTLD" ./deps
check debug-every-line-has-pid "an LD_DEBUG line without the pid prefix" sh -c \
	"[ -s '$TMPD/dbg.err' ] && ! grep -qvP '^ {0,9}[0-9]+:\t' '$TMPD/dbg.err'"
check debug-files-glibc-layout "LD_DEBUG=files lines not in glibc's layout" grep -qP \
	'^ +[0-9]+:\t    entry: 0x[0-9a-f]{16}  phdr: 0x[0-9a-f]{16}  phnum: {3}[ 0-9]{16}$' "$TMPD/dbg.err"
run_cmd "$TMPD/dbg" LD_DEBUG=statistics,libs -- "$RTLD" ./textrel
check textrel-warned "text relocations were not warned about" grep -q 'text relocations' "$TMPD/dbg.err"

# --- a FIFO where a file is looked for: refused at once, never waited on ----------------
# (glibc's ld.so blocks in open() until a writer comes: no oracle.) A timeout is a failure.
mkdir -p "$TMPD/fifo" && mkfifo "$TMPD/fifo/libdep_a.so" "$TMPD/fifo/prog"
run_cmd "$TMPD/ff" LD_LIBRARY_PATH="$TMPD/fifo:." -- "$RTLD" ./deps
check fifo-in-search-path "a FIFO named like a library was waited on or not refused" sh -c \
	"[ \$(cat '$TMPD/ff.rc') = 127 ] && grep -q 'fifo/libdep_a.so: not a regular file' '$TMPD/ff.err'"
run_cmd "$TMPD/ff" -- "$RTLD" "$TMPD/fifo/prog"
check fifo-program "a FIFO as the program was waited on or not refused" sh -c \
	"[ \$(cat '$TMPD/ff.rc') = 127 ] && grep -q 'prog: not a regular file' '$TMPD/ff.err'"
run_cmd "$TMPD/ff" -- "$RTLD" --verify "$TMPD/fifo/prog"
check fifo-verify "--verify of a FIFO did not answer 1" sh -c "[ \$(cat '$TMPD/ff.rc') = 1 ]"
run_cmd "$TMPD/ff" LD_PRELOAD="$TMPD/fifo/prog" -- "$RTLD" /bin/true
check fifo-preload "a FIFO in LD_PRELOAD was waited on, or the program did not run" sh -c \
	"[ \$(cat '$TMPD/ff.rc') = 0 ] && grep -q 'cannot be preloaded (not a regular file): ignored' '$TMPD/ff.err'"

# --- mappings: text shared with the page cache, never writable and executable ----------
check maps-no-wx "a mapping is writable and executable" sh -c \
	"NOLIBC_SKIP_FINI=1 '$RTLD' ./textrel >/dev/null && ! LD_DEBUG=maps '$RTLD' ./textrel 2>&1 | grep -q ' rwx '"

# --- MMLD_STOP holds only the process mmld started --------------------------------------
# Not a child it forks (it would stop at its exit), not a program it execs or a child that
# runs ld-mmld.so (each would stop at the same point, nobody would continue it, mmld would
# wait for ever); the variables do not reach the program's environment.
printf '#include <unistd.h>\n#include <stdlib.h>\n#include <sys/wait.h>\nint main(void) { pid_t p = fork(); if (!p) exit(0); int st; waitpid(p, &st, 0); return WEXITSTATUS(st); }\n' >"$TMPD/forks.c"
printf 'int main(void) { return 0; }\n' >"$TMPD/interp.c"
gcc -o "$TMPD/forks" "$TMPD/forks.c" && gcc -o "$TMPD/interp" "$TMPD/interp.c" -Wl,--dynamic-linker="$RTLD"
run_cmd "$TMPD/h" -- "$BUILD/mmld" share -q -n 1 -- "$TMPD/forks"
check hold-not-forked-child "a forked child stopped at its exit too (mmld share waited for ever)" \
	grep -q '1 exited with status 0' "$TMPD/h.out"
run_cmd "$TMPD/h" -- "$BUILD/mmld" share -q -n 1 --at loaded -- /bin/sh -c "exec '$TMPD/interp'"
check hold-not-after-exec "a program the held one execs stopped again" grep -q '1 exited with status 0' "$TMPD/h.out"
run_cmd "$TMPD/h" -- "$BUILD/mmld" share -q -n 1 --at loaded -- /bin/sh -c "'$TMPD/interp'"
check hold-not-child-loader "a child run by ld-mmld.so stopped too" grep -q '1 exited with status 0' "$TMPD/h.out"
run_cmd "$TMPD/h" MMLD_OBJECTS="$TMPD" -- "$RTLD" /usr/bin/env
check hold-env-private "MMLD_OBJECTS reached the program's environment" sh -c \
	"[ \$(cat '$TMPD/h.rc') = 0 ] && ! grep -q '^MMLD_' '$TMPD/h.out' && grep -q '^PATH=' '$TMPD/h.out'"

echo "e2e: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
