#!/usr/bin/env bash
# mmld pages: known answers (testprogs/pages: a library with one page per fate: relocated,
# written by its constructor, written after entry, never touched; lazy binding at known
# times) under both loaders; the word counts of every relocated page of libc.so.6 and
# python3 against readelf -rW; holding the program writes no page of it (no private text),
# except with --soft-breakpoints, which says so; --at; errors.
# usage: pages.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
MMLD=$BUILD/mmld
LIB=$BUILD/testprogs/pages/libpages.so
PROG=$BUILD/testprogs/pages/pages
. "$(dirname "$0")/lib.sh"
cd "$TMPD"

# The page (link-time, 0x...) of an exported symbol of libpages.so, plus N pages.
page_of() { printf '%#x' $(((16#$(nm -D --defined-only "$LIB" | awk -v s="$1" '$3 == s {print $1}') & ~4095) + ${2:-0} * 4096)); }
# The private-page entry (two lines: the page, then why) for page $2 in report $1.
entry() { grep -A1 -E "^    $2(-0x[0-9a-f]+)? " "$1"; }
# The lines of report $1 about the object whose path ends in /$2.
block() { awk -v n="/$2" '/^\// {on = substr($1, length($1) - length(n) + 1) == n} on' "$1"; }
# Is page $2 inside a never-touched range of report $1?
untouched() {
	awk -v p=$(($2)) '/never touched/ {u = 1; next} /^\// {u = 0}
		u && $1 == "untouched" {split($2, r, "-"); if (p >= strtonum(r[1]) && p < strtonum(r[2])) f = 1} END {exit !f}' "$1"
}

RELOCATED=$(page_of relocated_page) CTOR=$(page_of ctor_page) LATE=$(page_of late_page)
NEVER=$(page_of never_page) UNREAD=$(page_of unread 32)
for loader in mmld system; do
	"$MMLD" pages --quiet --loader $loader -- "$PROG" >$loader.all
	"$MMLD" pages --quiet --loader $loader --object libpages.so -- "$PROG" >$loader.lib
	entry $loader.lib "$RELOCATED" | tr -s ' ' >relocated.entry
	check "$loader-relocated-page" "the page of 512 pointers is not 'loader: relocations wrote 512 words: .data.rel.ro RELATIVE 512'" \
		diff - relocated.entry <<<" $RELOCATED rw- 1 page loader .data.rel.ro
 relocations wrote 512 words: .data.rel.ro RELATIVE 512"
	check "$loader-ctor-page" "the constructor's page is not 'initialisers'" \
		grep -qE "^    $CTOR +rw- +1 page +initialisers +.bss$" $loader.lib
	check "$loader-late-page" "the page written after entry is not 'program'" \
		grep -qE "^    $LATE +rw- +1 page +program +.bss$" $loader.lib
	check "$loader-never-page" "the bss page nobody touches is not in a never-touched range" untouched $loader.lib "$NEVER"
	check "$loader-unread" "a page of the unread .rodata is not in a never-touched range" untouched $loader.lib "$UNREAD"
	check "$loader-lazy-lib" "libpages.so's GOT: getpid not bound by the constructor, or strlen not after entry" \
		sh -c "grep -q 'lazy binding between loaded and entry wrote 1 GOT slot (getpid)' $loader.lib &&
			grep -q 'lazy binding between entry and exiting wrote 1 GOT slot (strlen)' $loader.lib"
	block $loader.all testprogs/pages/pages >program.block
	check "$loader-lazy-program" "the program's GOT: pages_late not bound after entry, or pages_never bound" \
		sh -c "grep -q 'between entry and exiting wrote 1 GOT slot (pages_late)' program.block &&
			! grep -q 'lazy binding.*pages_never' $loader.all"
	check "$loader-no-private-text" "a text page is private: holding the program wrote it" \
		sh -c "! grep -E '^    0x[0-9a-f-]+ +r-x ' $loader.all"
	check "$loader-exit-code" "the program's exit status is not in the header" grep -q '(exit status 0)' $loader.lib
	# The same run reported at earlier points: what was not written yet is not private yet.
	"$MMLD" pages --quiet --loader $loader --at loaded --object libpages.so -- "$PROG" >$loader.loaded
	"$MMLD" pages --quiet --loader $loader --at entry --object libpages.so -- "$PROG" >$loader.entry
	check "$loader-at-loaded" "--at loaded: the constructor's page is private already, or the relocated one is not" \
		sh -c "! grep -qE '^    $CTOR ' $loader.loaded && grep -qE '^    $RELOCATED ' $loader.loaded"
	check "$loader-at-entry" "--at entry: the constructor's page is not private, or the late one is" \
		sh -c "grep -qE '^    $CTOR ' $loader.entry && ! grep -qE '^    $LATE ' $loader.entry"
done
# Both loaders make the same pages of libpages.so private, for the same reasons.
check loaders-agree "libpages.so's private pages differ between ld-mmld.so and the system loader" \
	diff <(sed -n '/^  private/,$p' system.lib) <(sed -n '/^  private/,$p' mmld.lib)

# int3 instead of debug registers: the pages written are private, and said to be breakpoints.
"$MMLD" pages --quiet --loader system --soft-breakpoints -- "$PROG" >soft.all
check soft-breakpoints "--soft-breakpoints: no text page of ld.so and of the program privately copied by int3" \
	sh -c "test \$(grep -c 'a breakpoint: mmld wrote int3 at 0x[0-9a-f]* to stop at' soft.all) -ge 2 &&
		grep -qE '^    0x[0-9a-f]+ +r-x ' soft.all"

# Every relocated page of libc.so.6 and of python3, at loaded: private, and its word count
# is readelf's (RELA entries and decoded RELR offsets in that page).
"$MMLD" pages --quiet --at loaded -- /usr/bin/python3 -c pass >py.loaded
check readelf-word-counts "mmld pages' relocated words per page differ from readelf -rW" python3 - py.loaded <<'PY'
import re, subprocess, sys
report = open(sys.argv[1]).read().splitlines()
objs, cur, page = {}, None, None
for l in report:
    if l.startswith("/"):
        cur = objs.setdefault(l.split()[0], {})
    m = re.match(r"    (0x[0-9a-f]+) ", l)
    if m and cur is not None:
        page = int(m.group(1), 16)
    m = re.match(r"      .*relocations wrote (\d+) word", l)
    if m and cur is not None:
        cur[page] = int(m.group(1))
bad = 0
for path in ("/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/python3.11"):
    counts, relr = {}, False
    for l in subprocess.run(["readelf", "-rW", path], capture_output=True, text=True).stdout.splitlines():
        if l.startswith("Relocation section"):
            relr = ".relr" in l
            continue
        m = re.match(r"^([0-9a-f]{16})(\s+[0-9a-f]{16}\s+(R_X86_64_\w+))?", l)
        if not m or (not relr and not m.group(2)) or m.group(3) == "R_X86_64_NONE":
            continue
        p = int(m.group(1), 16) & ~4095
        counts[p] = counts.get(p, 0) + 1
    mine = objs.get(path, {})
    if not counts or mine != counts:
        bad += 1
        print(path, "readelf:", sorted((hex(k), v) for k, v in counts.items() if mine.get(k) != v)[:8],
              "mmld pages:", sorted((hex(k), v) for k, v in mine.items() if counts.get(k) != v)[:8])
sys.exit(bad)
PY

# Errors: a bad argument is one line and status 2; a run that measured nothing, status 1.
printf '#!/bin/sh\necho hi\n' >script.sh && chmod +x script.sh
expect_err err-no-program 2 "^mmld pages: missing operand; usage: mmld pages " -- "$MMLD" pages --quiet
expect_err err-bad-at 2 "^mmld pages: --at 'later' is not one of: exec, relocated, loaded, entry, exiting, exit$" -- "$MMLD" pages --at later -- /bin/true
expect_err err-bad-loader 2 "^mmld pages: --loader 'glibc' is not one of: mmld, system$" -- "$MMLD" pages --loader glibc -- /bin/true
expect_err err-unknown-option 2 "^mmld pages: unknown option '--bogus'" -- "$MMLD" pages --bogus -- /bin/true
expect_err err-not-found 1 "^mmld pages: nosuchprogram-mmld: command not found$" -- "$MMLD" pages -- nosuchprogram-mmld
expect_err err-no-object 1 "^mmld pages: no object libnothing.so in /bin/true$" -- "$MMLD" pages --quiet --object libnothing.so -- /bin/true
expect_err err-never-loaded 1 "^mmld pages: $BUILD/testprogs/missing-lib: the program ended before loaded \(exit status 127\)$" -- \
	"$MMLD" pages --quiet -- "$BUILD/testprogs/missing-lib"
# The points before "loaded" under ld-mmld.so answer (they hung: ld-mmld.so, released
# untraced, stopped itself at "loaded" with no one to continue it; redteam #40).
for at in exec relocated; do
	run_cmd "$TMPD/early" -- "$MMLD" pages --quiet --at $at -- /bin/true
	check "early-point-$at" "mmld pages --at $at under ld-mmld.so did not answer" sh -c \
		"[ \$(cat '$TMPD/early.rc') = 0 ] && grep -q '^mmld pages: /bin/true through ld-mmld.so, pages as they are at $at (exit status 0)' '$TMPD/early.out'"
done
# A #! script: its interpreter is the program traced, under either loader, as the kernel runs it.
for loader in mmld system; do
	run_cmd "$TMPD/scr" -- "$MMLD" pages --loader $loader --quiet -- ./script.sh
	check "script-$loader" "mmld pages --loader $loader of a #! script does not trace its interpreter to its exit" sh -c \
		"[ \$(cat '$TMPD/scr.rc') = 0 ] && grep -q '^mmld pages: \./script\.sh .*exit status 0' '$TMPD/scr.out' &&
		 grep -q '^$(readlink -f /bin/sh)  (load bias' '$TMPD/scr.out'"
done

# Threads (redteam #33): the main thread calls pthread_exit, a worker then writes 16 pages of
# .bss and calls exit(7). The exit point is the process's end (the 16 pages written), and
# exit() called on the worker is the exiting point (breakpoints in every thread).
cat >late.c <<'C'
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static char late[64 << 10]; /* written by the worker after the main thread has ended */
static void *worker(void *a)
{
	(void)a;
	usleep(100000);
	memset(late, 1, sizeof late);
	exit(7);
}
int main(void)
{
	pthread_t t;
	pthread_create(&t, 0, worker, 0);
	pthread_exit(0);
}
C
cc -O0 -o late late.c -lpthread
for loader in mmld system; do
	run_cmd "$TMPD/late-$loader" -- "$MMLD" pages --loader $loader --at exit --object late -- "$TMPD/late"
	check "exit-after-main-pthread-exit-$loader" "--loader $loader: --at exit of a program whose main thread ends first is not its end" sh -c \
		"[ \$(cat '$TMPD/late-$loader.rc') = 0 ] && grep -q 'at exit (exit status 7)' '$TMPD/late-$loader.out' && grep -Eq '^    0x[0-9a-f]+-0x[0-9a-f]+ +rw- +16 pages  program +\.bss$' '$TMPD/late-$loader.out'"
	run_cmd "$TMPD/late-x-$loader" -- "$MMLD" pages -q --loader $loader --at exiting -- "$TMPD/late"
	check "exiting-on-a-worker-$loader" "--loader $loader: --at exiting missed exit() called on a worker thread" sh -c \
		"[ \$(cat '$TMPD/late-x-$loader.rc') = 0 ] && grep -q 'at exiting (exit status 7)' '$TMPD/late-x-$loader.out'"
done
# mmld traced itself (strace -f, redteam #19): one line and status 1, not a wait for ever.
run_cmd "$TMPD/st" -- strace -f -o /dev/null "$MMLD" pages -q -- /bin/true
check traced-mmld-says-so "mmld pages under strace -f did not end with one line and status 1" sh -c \
	"[ \$(cat '$TMPD/st.rc') = 1 ] && grep -q 'cannot trace /bin/true: Operation not permitted' '$TMPD/st.err' && [ \$(wc -l < '$TMPD/st.err') = 1 ]"
none_left() { ! pgrep -f "$1" >/dev/null; }
check threads-none-left "a traced program was left behind" none_left "$TMPD/late"

echo "pages: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
