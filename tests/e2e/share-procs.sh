#!/usr/bin/env bash
# mmld share on processes that are already running: --pid, --name, --user, --all, --children;
# the views, units, names, CSV, charts and the page; the fallback without root; and ground
# truth: held known-answer programs measured by --pid give the -n experiment's figures, each
# process's RSS and PSS equal the kernel's smaps_rollup, and the distinct frames equal a count
# this test makes itself from pagemap.
# usage: share-procs.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
MMLD=$BUILD/mmld
RTLD=$BUILD/ld-mmld.so
KNOWN=$BUILD/testprogs/share/known
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/share-lib.sh"
cd "$TMPD"

# wait_for COMMAND...: until it succeeds (10 s at most): for processes to be what they will be.
wait_for() {
	for _ in $(seq 200); do "$@" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}

# Every process this test starts, ended at the end by PID (disowned: no job messages).
STARTED=()
cleanup() {
	local kids=""
	for p in "${STARTED[@]}"; do kids="$kids $(cat /proc/$p/task/*/children 2>/dev/null)"; done
	# children first, so their parents reap them (init does not, in some sandboxes); then the
	# processes themselves, asked first (the zombie maker reaps its zombie on SIGTERM)
	for p in $kids; do kill -9 "$p" 2>/dev/null; done
	for p in "${STARTED[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${STARTED[@]}"; do wait_for sh -c "! kill -0 $p" || kill -9 "$p" 2>/dev/null; done
	rm -rf "$TMPD"
}
trap cleanup EXIT

# hold OUT [PREFIX...]: starts `known hold` (through ld-mmld.so, as the -n experiment does) and
# waits until it has done its work; its PID in $HELD.
hold() {
	local out=$1; shift
	"$@" "$RTLD" "$KNOWN" hold >"$out" 2>&1 </dev/null &
	HELD=$!
	STARTED+=("$HELD")
	disown "$HELD"
	for _ in $(seq 200); do grep -q ready "$out" 2>/dev/null && return 0; sleep 0.05; done
	echo "known hold did not get ready" >&2
	return 1
}

# json_get FILE EXPR: evaluates EXPR with d = the document, r = its first run.
json_get() {
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); r = d["runs"][0]
print(eval(sys.argv[2]))' "$@"
}

PIDS=()
for i in 1 2 3 4; do hold "h$i.out" && PIDS+=("$HELD"); done
PIDLIST=$(IFS=,; echo "${PIDS[*]}")

# --- ground truth ------------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then
	# RSS and PSS of each process against smaps_rollup, read just before and just after mmld;
	# PSS may move while others start and exit ([vdso] is mapped by every process), so it must
	# lie between the two readings, and equal them when they agree. RSS is exact.
	rollup_matches() {
		/usr/bin/python3 - "$MMLD" "$PIDLIST" <<'PY'
import json, subprocess, sys
mmld, pids = sys.argv[1], [int(p) for p in sys.argv[2].split(",")]
def rollup(pid):
    r = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        k, *v = line.split()
        if v and v[-1] == "kB":
            r[k.rstrip(":")] = int(v[0])
    return r
for attempt in range(5):
    before = {p: rollup(p) for p in pids}
    out = subprocess.run([mmld, "share", "--pid", sys.argv[2], "--json"], capture_output=True, check=True, text=True)
    after = {p: rollup(p) for p in pids}
    rows = {r["pid"]: r for r in json.loads(out.stdout)["runs"][0]["processes"]}
    moved = False
    for p in pids:
        b, a, m = before[p], after[p], rows[p]
        assert m["rss_kib"] == b["Rss"] == a["Rss"], ("rss", p, m["rss_kib"], b["Rss"], a["Rss"])
        uss_b, uss_a = b["Private_Clean"] + b["Private_Dirty"], a["Private_Clean"] + a["Private_Dirty"]
        assert min(b["Pss"], a["Pss"]) <= m["pss_kib"] <= max(b["Pss"], a["Pss"]) or b["Pss"] != a["Pss"] and attempt < 4, \
            ("pss", p, m["pss_kib"], b["Pss"], a["Pss"])
        assert min(uss_b, uss_a) <= m["uss_kib"] <= max(uss_b, uss_a) or uss_b != uss_a and attempt < 4, \
            ("uss", p, m["uss_kib"], uss_b, uss_a)
        moved |= b["Pss"] != a["Pss"] or not (min(b["Pss"], a["Pss"]) <= m["pss_kib"] <= max(b["Pss"], a["Pss"]))
    if not moved:
        print("rss, pss and uss equal smaps_rollup for", pids)
        break
PY
	}
	check pid-rollup "per-process RSS, PSS or USS differ from smaps_rollup" rollup_matches

	"$MMLD" share --pid "$PIDLIST" --json >pid.json 2>pid.err
	check pid-json-schema "--pid JSON does not follow docs/share-schema.json" schema_valid pid.json
	# Distinct frames: the test's own count from pagemap (present pages whose frame is mapped).
	frames_match() {
		/usr/bin/python3 - pid.json "$PIDLIST" <<'PY'
import json, struct, sys
frames = set()
kpc = open("/proc/kpagecount", "rb")
for pid in map(int, sys.argv[2].split(",")):
    pm = open(f"/proc/{pid}/pagemap", "rb")
    for line in open(f"/proc/{pid}/maps"):
        lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
        if lo >= 1 << 47:
            continue
        pm.seek(lo // 4096 * 8)
        data = pm.read((hi - lo) // 4096 * 8)
        for (w,) in struct.iter_unpack("<Q", data):
            pfn = w & ((1 << 55) - 1)
            if w >> 63 and pfn:
                kpc.seek(pfn * 8)
                if struct.unpack("<Q", kpc.read(8))[0]:
                    frames.add(pfn)
total = json.load(open(sys.argv[1]))["runs"][0]["total"]["frames_kib"]
assert total == 4 * len(frames), (total, 4 * len(frames))
print("distinct frames", len(frames))
PY
	}
	check pid-distinct-frames "frames_kib differs from the test's own count of distinct frames in pagemap" frames_match

	# The same program measured by -n 4 at its exit.
	"$MMLD" share -n 4 --json -- "$KNOWN" >n4.json 2>n4.err
	same_as_experiment() {
		/usr/bin/python3 - pid.json n4.json <<'PY'
import json, sys
def get(f, suffix):
    return next(o for o in json.load(open(f))["runs"][0]["objects"] if o["path"].endswith(suffix))
near = lambda a, b: abs(a - b) <= 16 * 4   # fault-around, as in share.sh: 16 KiB a process
for suffix in ("/known", "/libknown.so"):
    p, n = get("pid.json", suffix), get("n4.json", suffix)
    c = lambda o, k, f: o["classes"][k][f]
    assert p["processes"] == n["processes"] == 4, (p["processes"], n["processes"])
    assert c(p, "data", "private_dirty_kib") == c(n, "data", "private_dirty_kib"), ("data", p, n)
    assert p["reloc_dirty_kib"] == n["reloc_dirty_kib"], ("reloc", p, n)
    for k in ("text", "rodata"):
        assert near(c(p, k, "frames_kib"), c(n, k, "frames_kib")), (k, suffix, p["classes"][k], n["classes"][k])
        assert near(c(p, k, "rss_kib"), c(n, k, "rss_kib")), (k, suffix, p["classes"][k], n["classes"][k])
print("same figures as -n 4")
PY
	}
	check pid-equals-experiment "--pid of 4 held known programs does not give the -n 4 experiment's figures" same_as_experiment
else
	echo "skip ground truth: frame numbers need root"
fi

# --- selection ---------------------------------------------------------------------------
run_cmd bp -- "$MMLD" share --pid "$PIDLIST" --by process
run_cmd bpj -- "$MMLD" share --pid "$PIDLIST" --by process --json
check by-process "--by process does not show a row for each PID with its user, and a total" sh -c "
	for p in ${PIDS[*]}; do grep -Eq \"^ *\$p +root \" bp.out || exit 1; done
	grep -Eq '  total\$' bp.out"
check by-process-json "--by process JSON lacks the command lines" /usr/bin/python3 -c "
import json
rows = json.load(open('bpj.out'))['runs'][0]['processes']
assert sorted(r['pid'] for r in rows) == sorted([${PIDS[*]/%/,}]), rows
assert all(r['argv'][1:] == ['$KNOWN', 'hold'] and r['command'].endswith('known hold') for r in rows), rows"
run_cmd by -- "$MMLD" share --pid "$PIDLIST" --by user
check by-user "--by user does not show root with 4 processes" grep -Eq '^root +4 ' by.out
run_cmd bc -- "$MMLD" share --pid "$PIDLIST" --by class --json
check by-class-json "--by class JSON: classes do not add up to the total" /usr/bin/python3 -c "
import json
r = json.load(open('bc.out'))['runs'][0]
for k in ('rss_kib', 'uss_kib', 'frames_kib', 'private_dirty_kib'):
    assert sum(c[k] for c in r['classes']) == r['total'][k], k
assert json.load(open('bc.out'))['view'] == 'class'"

# --name: the command name (a copy of sleep under a name of its own) or argv[0].
SLEEPER=$TMPD/mts$$   # a command name (15 characters at most) no other run shares
cp /bin/sleep "$SLEEPER"
"$SLEEPER" 100 & S1=$!; STARTED+=("$S1"); disown $S1
(exec -a "mta$$" sleep 100) & S2=$!; STARTED+=("$S2"); disown $S2
wait_for grep -q "mts$$" /proc/$S1/comm
wait_for grep -qa "^mta$$" /proc/$S2/cmdline
run_cmd nm -- "$MMLD" share --name "^(mts|mta)$$\$" --by process --json
check name "--name does not find a process by its command name and one by argv[0]" /usr/bin/python3 -c "
import json
pids = sorted(p['pid'] for p in json.load(open('nm.out'))['runs'][0]['processes'])
assert pids == sorted([$S1, $S2]), pids"
run_cmd nmu -- "$MMLD" share --name "mts$$" --user nobody
check name-and-user "--name and --user do not both have to match" sh -c "[ \$(cat nmu.rc) = 1 ] && grep -q 'no process' nmu.err"

# --children: a shell and its two children.
sh -c "'$SLEEPER' 100 & '$SLEEPER' 100 & wait" & SH=$!; STARTED+=("$SH"); disown $SH
wait_for sh -c "[ \$(wc -w </proc/$SH/task/$SH/children) = 2 ] && grep -q mts /proc/\$(cut -d' ' -f1 /proc/$SH/task/$SH/children)/comm"
run_cmd ch -- "$MMLD" share --pid "$SH" --children --by process --json
check children "--children does not add the shell's two children" /usr/bin/python3 -c "
import json
rows = json.load(open('ch.out'))['runs'][0]['processes']
assert len(rows) == 3 and sum(r['ppid'] == $SH for r in rows) == 2, rows"

# --children with the experiment: each copy's descendants are measured too (as they run).
# The program reaps its two children however it is ended, so none is left to init.
cat >kids.py <<'PY'
import os, signal, time
kids = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        time.sleep(3)
        os._exit(0)
    kids.append(pid)
def end(*_):
    for k in kids:
        os.kill(k, signal.SIGKILL)
        os.waitpid(k, 0)
    os._exit(0)
signal.signal(signal.SIGTERM, end)
for k in kids:
    os.waitpid(k, 0)
PY
run_cmd nch -- "$MMLD" share -n 2 --children --at 1 --by process --json -- /usr/bin/python3 "$TMPD/kids.py"
check experiment-children "-n 2 --children does not measure each copy's two children" /usr/bin/python3 -c "
import json
rows = json.load(open('nch.out'))['runs'][0]['processes']
parents = {r['pid'] for r in rows if r['argv'][-1].endswith('kids.py') and r['ppid'] not in {x['pid'] for x in rows}}
assert len(rows) == 6 and len(parents) == 2 and sum(r['ppid'] in parents for r in rows) == 4, rows"

# --all: every process, mmld itself left out.
run_cmd all -- "$MMLD" share --all --json
check all "--all misses the held processes or measures mmld itself" /usr/bin/python3 -c "
import json
rows = json.load(open('all.out'))['runs'][0]['processes']
pids = {r['pid'] for r in rows}
assert set(map(int, '$PIDLIST'.split(','))) <= pids, pids
assert not any(r['command'].startswith('$MMLD share --all') for r in rows), [r for r in rows if 'share' in r['command']]"
check all-json-schema "--all JSON does not follow the schema" schema_valid all.out

# Processes coming and going while --all reads them: each run succeeds with a well-formed
# document (one that exits while being read is a note, never an error).
(while :; do /bin/true; done) & CH1=$!; STARTED+=("$CH1"); disown $CH1
churn_ok() {
	local exited=0
	for i in 1 2 3 4; do
		"$MMLD" share --all --json >"churn$i.json" 2>"churn$i.err" || { cat "churn$i.err"; return 1; }
		schema_valid "churn$i.json" || return 1
		grep -q 'exited while being read' "churn$i.json" && exited=$((exited + 1))
	done
	echo "$exited of 4 runs saw a process exit while being read"
}
check all-churn "--all fails or writes a bad document while processes come and go" churn_ok
kill "$CH1" 2>/dev/null

# PIDs that are not there, zombies, bad arguments.
run_cmd gone -- "$MMLD" share --pid 4194303
check pid-gone "a PID that does not exist is not one line and status 1" sh -c \
	"[ \$(cat gone.rc) = 1 ] && [ \$(wc -l <gone.err) = 1 ] && grep -q '4194303: no such process' gone.err"
run_cmd gone2 -- "$MMLD" share --pid "${PIDS[0]},4194303"
check pid-gone-note "a missing PID next to a real one is not a note" sh -c \
	"[ \$(cat gone2.rc) = 0 ] && grep -q 'note: PID 4194303: no such process' gone2.out"
/usr/bin/python3 -c 'import os, signal, time
signal.signal(signal.SIGTERM, lambda *a: (os.wait(), os._exit(0)))   # reaps it before going
if os.fork() == 0: os._exit(0)
time.sleep(100)' & ZP=$!; STARTED+=("$ZP"); disown $ZP
wait_for sh -c "[ -s /proc/$ZP/task/$ZP/children ] && grep -q '^State:.*Z' /proc/\$(tr -d ' ' </proc/$ZP/task/$ZP/children)/status"
ZOMBIE=$(cat /proc/$ZP/task/$ZP/children 2>/dev/null | tr -d ' ')
run_cmd zomb -- "$MMLD" share --pid "${PIDS[0]},$ZOMBIE"
check zombie "a zombie is not named as having no memory of its own" grep -q "without memory of their own.*$ZOMBIE" zomb.out
for bad in "--pid 12x" "--pid 0" "--by nothing" "--pid 1 --object (" "--pid ${PIDS[0]} --sort frames --by process"; do
	run_cmd badarg -- "$MMLD" share $bad
	check "bad-arg-${bad// /_}" "'mmld share $bad' is not refused with status 2 and one line" sh -c \
		"[ \$(cat badarg.rc) = 2 ] && [ \$(wc -l <badarg.err) = 1 ]"
done

# --- views, units, names, CSV ------------------------------------------------------------
run_cmd top -- "$MMLD" share --pid "$PIDLIST" --by process --sort rss --reverse --top 2 --csv
check top-csv "--top 2 --csv: not 2 rows, other and total adding up" /usr/bin/python3 -c "
import csv
rows = list(csv.DictReader(open('top.out')))
assert [r['command'] for r in rows[2:]] == ['other', 'total'], rows
assert len(rows) == 4
assert int(rows[0]['rss_kib']) <= int(rows[1]['rss_kib'])   # --reverse: smallest first
for k in ('rss_kib', 'uss_kib'):
    assert sum(int(r[k]) for r in rows[:3]) == int(rows[3][k]), k
# PSS is rounded down once per row and once for the total: under a KiB a row apart
assert 0 <= int(rows[3]['pss_kib']) - sum(int(r['pss_kib']) for r in rows[:3]) < 3, rows"
run_cmd obj -- "$MMLD" share --pid "$PIDLIST" --object 'libknown' --by object --csv
check object-filter "--object does not keep only the matching object" /usr/bin/python3 -c "
import csv
rows = list(csv.DictReader(open('obj.out')))
assert [r['path'].endswith('libknown.so') for r in rows[:-1]] == [True], rows
assert rows[-1]['path'] == 'total' and rows[-1]['rss_kib'] == rows[0]['rss_kib']"
for u in K M G; do
	run_cmd "units$u" -- "$MMLD" share --pid "$PIDLIST" --units $u
done
check units "--units K/M/G do not put one unit on every size column" sh -c "
	sed -n 5p unitsK.out | grep -q 'KiB' && ! sed -n 5p unitsK.out | grep -q 'MiB' &&
	sed -n 5p unitsM.out | grep -q 'MiB' && ! sed -n 5p unitsM.out | grep -q 'KiB' &&
	sed -n 5p unitsG.out | grep -q 'GiB' && grep -Eq '^known +4 +0\\.[0-9] ' unitsG.out"

# Names: a directory with < & and a very long name, and two libraries of one file name.
ODD="$TMPD/a<b&c $(printf 'x%.0s' $(seq 60))"
mkdir -p "$ODD" "$TMPD/other"
cp "$KNOWN" "$BUILD/testprogs/share/libknown.so" "$ODD/"
cp "$KNOWN" "$BUILD/testprogs/share/libknown.so" "$TMPD/other/"
KNOWN="$ODD/known" hold odd.out && ODDP=$HELD
KNOWN="$TMPD/other/known" hold other.out && OTHERP=$HELD
run_cmd names -- "$MMLD" share --pid "${PIDS[0]},$ODDP,$OTHERP" --svg names.svg --html names.html
check names-told-apart "objects of one file name are not told apart by their directory" sh -c "
	grep -q '^other/libknown.so ' names.out && grep -q '^share/libknown.so ' names.out"
check names-ellipsis "a long name is cut without an ellipsis" grep -q '…' names.out
check names-svg "a name with < and & breaks the chart" chart_ok names.svg
check names-svg-escaped "the chart does not show the name with < and & escaped" grep -q 'a&lt;b&amp;c' names.svg
check names-html "the page is not well-formed XHTML" xmllint --noout names.html

# --- charts and the page ------------------------------------------------------------------
for by in object process user class; do
	run_cmd "chart-$by" -- "$MMLD" share --pid "$PIDLIST,$S1,$SH" --by $by --svg "chart-$by.svg"
	check "chart-$by" "the --by $by chart is not well-formed or renders blank" chart_ok "chart-$by.svg" c0392b
	check "chart-$by-axis" "the --by $by chart lacks axis, legend, totals or caption" sh -c "
		grep -q 'RSS, [KMG]iB' chart-$by.svg && grep -q 'total: RSS' chart-$by.svg &&
		grep -q 'measured as they run' chart-$by.svg && grep -q 'method:' chart-$by.svg &&
		grep -q 'loaded by:' chart-$by.svg && grep -q '<rect x=\"20' chart-$by.svg"
done
run_cmd many -- "$MMLD" share --all --top 5 --svg many.svg
check chart-other "a chart of --top 5 has no 'other' bar" grep -q 'other ([0-9]* objects)' many.svg
if command -v chromium >/dev/null; then
	page() { # page OUT.png URL: a screenshot of the page in headless Chromium
		timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$(mktemp -d -p "$TMPD")" "$@" 2>/dev/null
	}
	run_cmd html -- "$MMLD" share --pid "$PIDLIST,$S1" --html page.html
	page --screenshot="$TMPD/page.png" --window-size=1200,900 "file://$TMPD/page.html" >/dev/null
	check html-screenshot "the page renders blank in Chromium" sh -c "
		/usr/bin/python3 '$PNG_INK' page.png --colour c0392b | tee /dev/stderr | grep -q 'colour present'"
	check html-self-contained "the page fetches something (src= or href= to another file)" sh -c "! grep -Eq '(src|href)=' page.html"
	page --dump-dom "file://$TMPD/page.html#filter=libknown&sort=rss" >dom.html
	check html-filter-sort "the page's filter and sort do not work" sh -c "
		grep -q 'filter0-count\">1 of [0-9]* rows' dom.html && grep -q 'data-key=\"rss\"' dom.html &&
		grep -Eq 'class=\"num (desc|asc)\" data-key=\"rss\"' dom.html"
else
	echo "skip page tests: no chromium"
fi

# --- without root ------------------------------------------------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	AS_NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	chmod 755 "$TMPD"
	mkdir -p "$TMPD/nobody" && chown nobody "$TMPD/nobody"
	hold nb1.out "${AS_NOBODY[@]}" && NB1=$HELD
	hold nb2.out "${AS_NOBODY[@]}" && NB2=$HELD
	run_cmd nbt -- "${AS_NOBODY[@]}" "$MMLD" share --pid "$NB1,$NB2,1,${PIDS[0]}"
	check noroot-header "without root the table does not say it is an estimate" grep -q '^method: estimate' nbt.out
	check noroot-unreadable "PIDs the caller may not read are not named in a note" \
		grep -q "not readable by this user.*${PIDS[0]}" nbt.out
	"${AS_NOBODY[@]}" "$MMLD" share --pid "$NB1,$NB2" --json --svg "$TMPD/nobody/nb.svg" >nb.json 2>nb.err
	"$MMLD" share --pid "$NB1,$NB2" --json >nbroot.json 2>/dev/null
	check noroot-json "without root the JSON does not say pss-estimate or does not follow the schema" sh -c "
		grep -q '\"method\": \"pss-estimate\"' nb.json && grep -q '\"exact\": false' nb.json"
	check noroot-schema "without root the JSON does not follow the schema" schema_valid nb.json
	check noroot-chart "without root the chart does not say ESTIMATE" grep -q ESTIMATE nobody/nb.svg
	check noroot-consistent "without root: a class with more frames or PSS than RSS, or RSS unlike root's" /usr/bin/python3 -c "
import json
r = json.load(open('nb.json'))['runs'][0]
for o in r['objects']:
    for k, c in list(o['classes'].items()) + [('all', o)]:
        assert c['frames_kib'] <= c['rss_kib'] and c['pss_kib'] <= c['rss_kib'] and c['uss_kib'] <= c['rss_kib'], (o['path'], k, c)
root = {p['pid']: p for p in json.load(open('nbroot.json'))['runs'][0]['processes']}
for p in r['processes']:
    assert p['rss_kib'] == root[p['pid']]['rss_kib'], (p, root[p['pid']])"
else
	echo "skip fallback tests: need root to become nobody"
fi

# A process named with bytes a terminal acts on (ESC/CSI/OSC, BEL, a C1 CSI, a byte that is
# not UTF-8, a newline) and a backslash: the table shows each as \ooo (redteam #4), so its row
# stays one line and no such byte reaches the terminal; --json keeps the exact command line.
# (Its PID from the fork itself: another EVIL process on the machine must not be taken.)
EVIL=$(python3 -c '
import os, sys, time
pid = os.fork()
if pid == 0:
    os.dup2(os.open("/dev/null", os.O_WRONLY), 1)  # the $(...) must not wait for it
    os.execv("/bin/sleep", [b"EVIL\x1b[2J\x1b]0;p\x07\xc2\x9b\x9b\xff\n2 \\ \xe6\x97\xa5", b"60"])
print(pid)
')
STARTED+=("$EVIL")
wait_for grep -q '^EVIL' "/proc/$EVIL/cmdline"
run_cmd evil -- "$MMLD" share --by process --pid "$EVIL"
check escaped-command "a hostile command line reached the table raw, or its row is not one line with each byte as \\ooo" python3 -c '
import sys
o = open("evil.out", "rb").read()
assert not any(c in o for c in b"\x1b\x07\x9b\xff"), "raw control bytes"
rows = [l for l in o.split(b"\n") if b"EVIL" in l]
assert len(rows) == 1, rows
assert rows[0].endswith(b"  EVIL\\033[2J\\033]0;p\\007\\302\\233\\233\\377\\0122 \\134 \xe6\x97\xa5 60"), rows[0]
assert not any(l.startswith(b"2 ") for l in o.split(b"\n")), "a forged line"
'
run_cmd evil-json -- "$MMLD" share --by process --pid "$EVIL" --json
check escaped-command-json "--json does not carry the hostile command line exactly" python3 -c '
import json
d = json.load(open("evil-json.out"))
def strings(x):
    if isinstance(x, dict):
        for v in x.values(): yield from strings(v)
    elif isinstance(x, list):
        for v in x: yield from strings(v)
    elif isinstance(x, str):
        yield x
want = "EVIL\x1b[2J\x1b]0;p\x07\x9b\x9b\xff\n2 \\ \u65e5 60"
assert want in list(strings(d)), [s for s in strings(d) if "EVIL" in s]
'
# The chart and the page show that name as the table does (\ooo, then XML's escapes), not
# with '?' for each byte: the bar's full name (its <title>), its label (cut to the column, as
# in the table), and the page's cell; and the chart still renders.
run_cmd evil-chart -- "$MMLD" share --by process --pid "$EVIL" --svg evil.svg --html evil.html
check escaped-command-chart "the chart or the page does not show the hostile command line as the table does" python3 -c '
import xml.etree.ElementTree as ET
want = "EVIL\\033[2J\\033]0;p\\007\\302\\233\\233\\377\\0122 \\134 \u65e5 60"
table = open("evil.out", encoding="utf-8").read()
assert want in table, "the table itself changed"
svg = ET.parse("evil.svg").getroot()
ns = "{http://www.w3.org/2000/svg}"
titles = [t.text or "" for t in svg.iter(ns + "title")]
assert any(t.endswith(want) for t in titles), titles
labels = [t.text or "" for t in svg.iter(ns + "text") if "EVIL" in (t.text or "")]
assert labels and all(want.startswith(l.split(" ", 1)[1].rstrip("\u2026")) for l in labels), labels
page = ET.parse("evil.html").getroot()
cells = [td.text or "" for td in page.iter("{http://www.w3.org/1999/xhtml}td") if "EVIL" in (td.text or "")]
assert any(c.endswith(want) for c in cells), cells
for f, banned in (("evil.svg", b"\x1b\x07\x9b\xff?"), ("evil.html", b"\x1b\x07\x9b\xff")):
    raw = open(f, "rb").read()
    assert not any(c in raw for c in banned), f + ": a raw byte (or in the chart a question mark)"
'
check escaped-command-chart-drawn "the chart of the hostile name is not well-formed or renders blank" chart_ok evil.svg
kill "$EVIL" 2>/dev/null

# A process that execs itself over and over (its mappings change between the reads of one
# measurement): read again while it is the same process, not dropped as "exited" (redteam #24:
# 4 to 9 of 40 --pid runs failed; each failing run has a chance of about 1 in 7).
cat >reexec.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	size_t size = (size_t)(n % 7 + 1) << 20;
	char *p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 1, size);
	char next[32];
	snprintf(next, sizeof next, "%ld", n + 1);
	char *args[] = {argv[0], next, 0};
	execv("/proc/self/exe", args);
	return 1;
}
C
cc -O1 -o reexec reexec.c
./reexec & REEXEC=$!
failed=0
for i in $(seq 40); do timeout 20 "$MMLD" share --pid $REEXEC >/dev/null 2>"reexec$i.err" || failed=$((failed + 1)); done
kill $REEXEC 2>/dev/null; wait $REEXEC 2>/dev/null
check pid-that-execs "mmld share --pid of a process exec'ing itself failed $failed of 40 times" [ $failed = 0 ]

# A library replaced while a process maps it (a package upgrade: maps says "(deleted)" and the
# path names the new file): its classes come from the file mapped, read through
# /proc/PID/map_files, not from the new one (redteam #29). The fake libz.so.1 has a table of
# 1024 relocated pointers (12 KiB of RELRO, all relocation-dirty); the real one has less.
mkdir -p up && chmod 755 "$TMPD" up
cat >fakez.c <<'C'
static int f0(void) { return 0; }
#define F8 f0, f0, f0, f0, f0, f0, f0, f0
#define F64 F8, F8, F8, F8, F8, F8, F8, F8
int (*const table[])(void) = {F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64, F64};
const char *zlibVersion(void) { return table[0]() ? "x" : "fake-1.0"; }
C
printf '#include <stdio.h>\n#include <unistd.h>\nconst char *zlibVersion(void);\nint main(void) { printf("%%s\\n", zlibVersion()); fflush(stdout); sleep(20); return 0; }\n' >zm.c
cc -shared -fPIC -o up/libz.so.1 fakez.c -Wl,-soname,libz.so.1 && cc -o zm zm.c -lz && chmod -R a+rX up zm
upgraded() { cp "$(readlink -f /lib/x86_64-linux-gnu/libz.so.1)" up/libz.so.1.new && mv up/libz.so.1.new up/libz.so.1; }
relro() { /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
o = next(o for o in r["objects"] if "/up/libz.so.1" in o["path"])
c = o["classes"].get("relro", {})
print(c.get("rss_kib", 0), c.get("reloc_dirty_kib", 0))' "$1"; }
if [ "$(id -u)" = 0 ]; then
	LD_LIBRARY_PATH=$TMPD/up ./zm >zm.out & ZM=$!
	for i in $(seq 50); do [ -s zm.out ] && break; sleep 0.1; done
	upgraded
	run_cmd "$TMPD/upg" -- "$MMLD" share --pid $ZM --object libz --json
	kill $ZM 2>/dev/null
	wait $ZM 2>/dev/null
	check upgraded-library-as-mapped "a library replaced on disk is not classed from the file mapped (its RELRO's KiB and relocation-dirty KiB: want 12 12)" \
		sh -c "[ \"\$($(declare -f relro); relro '$TMPD/upg.out')\" = '12 12' ]"
fi
# Without root (map_files refused): the path names another file, so a note says the classes
# are only the protections' (nobody measures its own process).
if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	cc -shared -fPIC -o up/libz.so.1 fakez.c -Wl,-soname,libz.so.1 && chmod a+r up/libz.so.1
	rm -f zm.out; touch zm.out; chmod a+w zm.out
	runuser -u nobody -- env LD_LIBRARY_PATH="$TMPD/up" "$TMPD/zm" >zm.out & ZM=$!
	for i in $(seq 50); do [ -s zm.out ] && break; sleep 0.1; done
	upgraded
	ZP=$(pgrep -n -x zm)
	run_cmd "$TMPD/upn" -- runuser -u nobody -- "$MMLD" share --pid "$ZP" --object libz --json
	kill "$ZP" 2>/dev/null
	wait $ZM 2>/dev/null
	check upgraded-library-unreadable-noted "without root, a replaced library's classes are not said to be from its protections" \
		grep -q 'libz.so.1 (deleted): not readable as mapped' "$TMPD/upn.out"
fi

echo "share-procs: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
