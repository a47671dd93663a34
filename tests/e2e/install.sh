#!/usr/bin/env bash
# make install and make uninstall: into a DESTDIR with a PREFIX, the installed mmld runs
# (run, share -n 2, inspect, exec) with the installed ld-mmld.so and exec stub, found from
# its own path; the installed ld-mmld.so runs programs and lists itself by its installed
# path; both man pages are read with man -l and found by man under PREFIX/share/man;
# uninstall leaves nothing of mmld's and nothing else touched. The default PREFIX too.
# usage: install.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib.sh"
cd "$TMPD" || exit 1
unset MMLD_RTLD MMLD_EXEC_STUB

D=$TMPD/dest P=/opt/mmld-test
mkdir -p "$D$P/bin" && echo keep >"$D$P/bin/other-program" # not ours: uninstall leaves it
run_cmd "$TMPD/mi" -- make -s -C "$SRC" --no-print-directory install DESTDIR="$D" PREFIX="$P"
check install-status "make install DESTDIR PREFIX failed" sh -c "[ \$(cat '$TMPD/mi.rc') = 0 ]"
I=$D$P
for f in bin/mmld lib/mmld/ld-mmld.so lib/mmld/mmld-exec-stub; do
	check "installed-$f" "$f is not installed executable" test -x "$I/$f"
done
for f in share/man/man1/mmld.1 share/man/man8/ld-mmld.so.8 share/doc/mmld/memory.md share/doc/mmld/reloc-cache.md \
	share/doc/mmld/share-schema.json; do
	check "installed-$f" "$f is not installed" test -s "$I/$f"
done
check installed-doc-all "not every docs/ file is in share/doc/mmld" sh -c \
	"for f in '$SRC'/docs/*.md '$SRC'/docs/share-schema.json; do cmp -s \"\$f\" '$I/share/doc/mmld/'\$(basename \"\$f\") || exit 1; done"

# The installed mmld, with the installed ld-mmld.so (not the build directory's).
run_cmd "$TMPD/r" -- "$I/bin/mmld" run -- /bin/cat /proc/self/maps
check installed-run "installed mmld run did not load the program with $I/lib/mmld/ld-mmld.so" sh -c \
	"[ \$(cat r.rc) = 0 ] && grep -q ' $I/lib/mmld/ld-mmld.so\$' r.out && ! grep -q '$BUILD' r.out"
run_cmd "$TMPD/s" -- "$I/bin/mmld" share -n 2 --quiet -- /bin/true
check installed-share "installed mmld share -n 2 did not measure 2 processes under the installed ld-mmld.so" sh -c \
	"[ \$(cat s.rc) = 0 ] && grep -q '(2 measured' s.out && grep -q '^ld-mmld.so ' s.out"
run_cmd "$TMPD/i" -- "$I/bin/mmld" inspect "$I/lib/mmld/ld-mmld.so"
check installed-inspect "installed mmld inspect failed" sh -c "[ \$(cat i.rc) = 0 ] && grep -q 'x86-64' i.out"
run_cmd "$TMPD/e" -- "$I/bin/mmld" exec --interp mmld -- /bin/echo exec-ok
check installed-exec "installed mmld exec did not find its stub and ld-mmld.so" sh -c "[ \$(cat e.rc) = 0 ] && grep -qx exec-ok e.out"
run_cmd "$TMPD/v" -- "$I/bin/mmld" --version
check installed-version "installed mmld --version" grep -Eqx 'mmld [0-9][0-9.a-z-]*' v.out

# The installed ld-mmld.so: directly, --list, and as a program's PT_INTERP.
run_cmd "$TMPD/l" -- "$I/lib/mmld/ld-mmld.so" /bin/echo rtld-ok
check installed-rtld "installed ld-mmld.so /bin/echo failed" grep -qx rtld-ok l.out
run_cmd "$TMPD/l" -- "$I/lib/mmld/ld-mmld.so" --list /bin/true
check installed-rtld-list "installed ld-mmld.so --list does not name itself by its installed path" \
	grep -q "^	$I/lib/mmld/ld-mmld.so (0x[0-9a-f]*)$" l.out
printf '#include <stdio.h>\nint main(void) { puts("interp-ok"); return 0; }\n' >hello.c
gcc -o hello hello.c -Wl,--dynamic-linker="$I/lib/mmld/ld-mmld.so"
run_cmd "$TMPD/h" -- ./hello
check installed-interp "a program with PT_INTERP the installed ld-mmld.so did not run" grep -qx interp-ok h.out

# The man pages: man -l on the installed files, and man finding them under PREFIX/share/man.
for page in share/man/man1/mmld.1 share/man/man8/ld-mmld.so.8; do
	run_cmd "$TMPD/m" MANWIDTH=100 -- man -P cat -l "$I/$page"
	check "installed-man-l-$(basename $page)" "man -l $page printed no NAME section or warned" \
		sh -c "[ \$(cat m.rc) = 0 ] && grep -q '^NAME' m.out && [ ! -s m.err ]"
done
run_cmd "$TMPD/m" MANWIDTH=100 -- man -M "$I/share/man" -P cat 8 ld-mmld.so
check installed-man-8 "man -M PREFIX/share/man 8 ld-mmld.so does not find ld-mmld.so(8)" grep -q '^LD-MMLD.SO(8)' m.out
run_cmd "$TMPD/m" MANWIDTH=100 -- man -M "$I/share/man" -P cat mmld
check installed-man-1 "man -M PREFIX/share/man mmld does not find mmld(1)" grep -q '^MMLD(1)' m.out

# make uninstall: every file install put is gone, the directories of mmld's own too; the
# file that was there before stays.
run_cmd "$TMPD/mu" -- make -s -C "$SRC" --no-print-directory uninstall DESTDIR="$D" PREFIX="$P"
check uninstall-status "make uninstall failed" sh -c "[ \$(cat '$TMPD/mu.rc') = 0 ]"
find "$D" ! -type d | grep -vx "$I/bin/other-program" >left
check uninstall-nothing-left "make uninstall left files behind" sh -c "[ ! -s left ] || { cat left; exit 1; }"
check uninstall-dirs "make uninstall left lib/mmld or share/doc/mmld" sh -c "[ ! -e '$I/lib/mmld' ] && [ ! -e '$I/share/doc/mmld' ]"
check uninstall-keeps-others "make uninstall removed a file that was not mmld's" test -s "$I/bin/other-program"

# The default PREFIX is /usr/local.
D2=$TMPD/dest2
run_cmd "$TMPD/mi" -- make -s -C "$SRC" --no-print-directory install DESTDIR="$D2"
check default-prefix "make install without PREFIX did not install under /usr/local" sh -c \
	"test -x '$D2/usr/local/bin/mmld' && test -x '$D2/usr/local/lib/mmld/ld-mmld.so' && test -s '$D2/usr/local/share/man/man1/mmld.1'"
run_cmd "$TMPD/mu" -- make -s -C "$SRC" --no-print-directory uninstall DESTDIR="$D2"
check default-prefix-uninstall "make uninstall without PREFIX left files" sh -c "[ -z \"\$(find '$D2' ! -type d)\" ]"

# A DESTDIR with a space is one path: install puts everything under it, uninstall removes it
# all and nothing at the path's first word (once a file of that name was deleted).
D3="$TMPD/my stage"
echo precious >"$TMPD/my"
run_cmd "$TMPD/mi" -- make -s -C "$SRC" --no-print-directory install DESTDIR="$D3" PREFIX="$P"
check space-install "make install into a DESTDIR with a space did not install there" sh -c \
	"[ \$(cat '$TMPD/mi.rc') = 0 ] && test -x '$D3$P/bin/mmld' && test -s '$D3$P/share/man/man8/ld-mmld.so.8'"
run_cmd "$TMPD/mu" -- make -s -C "$SRC" --no-print-directory uninstall DESTDIR="$D3" PREFIX="$P"
check space-uninstall "make uninstall with a space in DESTDIR left files or removed another" sh -c \
	"[ \$(cat '$TMPD/mu.rc') = 0 ] && [ -z \"\$(find '$D3' ! -type d)\" ] && grep -qx precious '$TMPD/my'"
check space-source-tree "make install/uninstall with a space made 'stage/' in the source tree" \
	test ! -e "$SRC/stage"

echo "install: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
