#!/usr/bin/env python3
"""Run glibc's elf/ and dlfcn/ tests through one dynamic linker.

Each test's recipe (commands.json, made by commands.py from glibc's own Makefiles) is
replayed with the loader and its library path filled in and its .out/.test-result files
sent to RESULTS/elf/, RESULTS/dlfcn/, so several people can run tests from the one build
at once (a test is locked while it runs: some write scratch files beside their binary).
The result of each test is what glibc's scripts/evaluate-test.sh wrote (PASS, FAIL,
UNSUPPORTED, XFAIL, XPASS), or FAIL when the recipe died without writing one (a timeout
says TIMEOUT in RESULTS/summary.tsv's note column).

Usage: run.py --cache DIR --loader LD.SO --results DIR [-j N] [-v|-q] [TEST...]
TEST is elf/NAME, dlfcn/NAME, a bare NAME, or a shell pattern ('elf/tst-tls*'); none: all.
"""
import argparse
import fcntl
import fnmatch
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

SCRUB = ("LD_", "GLIBC_TUNABLES", "MMLD_", "MALLOC_")


def select(tests, patterns):
    """The tests named (all if none), plus every test whose output a chosen one reads."""
    by_name = {t["name"]: t for t in tests}
    if not patterns:
        chosen = [t["name"] for t in tests if not t.get("helper")]
    else:
        chosen = []
        for p in patterns:
            hits = [n for n in by_name if fnmatch.fnmatchcase(n, p) or fnmatch.fnmatchcase(n.split("/", 1)[1], p)]
            if not hits:
                sys.exit("run.py: no test matches %r (names look like elf/tst-tls6 or dlfcn/bug-atexit1)" % p)
            chosen += [h for h in hits if h not in chosen]
    need, order = set(), []

    def visit(n):
        if n in need:
            return
        need.add(n)
        for r in by_name[n]["reads"]:
            if r in by_name:
                visit(r)
        order.append(n)

    for n in chosen:
        visit(n)
    return [by_name[n] for n in order], set(chosen)


def command(test, objdir, loader, libpath, results):
    """The recipe with the loader filled in and its outputs moved under `results`."""
    text = test["recipe"].replace("__RTLD__", shlex.quote(loader)).replace("__LIBPATH__", shlex.quote(libpath))
    outputs = re.compile(re.escape(objdir) + r"/+(elf|dlfcn)/+([\w.+-]+\.(?:out|test-result))\b")
    return outputs.sub(lambda m: "%s/%s/%s" % (results, m.group(1), m.group(2)), text)


def run_one(test, args, objdir, env):
    sub, base = test["name"].split("/", 1)
    result_file = os.path.join(args.results, sub, base + ".test-result")
    out_file = os.path.join(args.results, sub, base + ".out")
    for f in (result_file, out_file):
        if os.path.exists(f):
            os.unlink(f)
    cmd = command(test, objdir, args.loader, args.library_path or objdir + "/elf:" + objdir + "/dlfcn", args.results)
    lock_path = os.path.join(args.cache, "locks", test["name"].replace("/", "_") + ".lock")
    note, start = "", time.monotonic()
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen(["/bin/bash", "-c", cmd], cwd=test["cwd"], env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, err = proc.communicate()
            note = "TIMEOUT after %d s" % args.timeout
    seconds = time.monotonic() - start
    result = "FAIL"
    try:
        with open(result_file) as f:
            first = f.readline().split(":", 1)[0].strip()
            result = first or "FAIL"
    except FileNotFoundError:
        note = note or "no result written"
    if err:
        with open(out_file, "ab") as f:  # the recipe's own stderr (glibc's make shows it too)
            f.write(b"\n--- stderr of the recipe ---\n" + err)
    return test["name"], result, seconds, note


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--loader", required=True, help="the dynamic linker to run every test with")
    ap.add_argument("--library-path", help="given to the loader (default: OBJDIR/elf:OBJDIR/dlfcn, where the tests' modules are; "
                    "libc.so.6 is the system's)")
    ap.add_argument("--results", required=True)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=300, help="seconds before a test is killed")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the .out of every test that did not pass")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only the totals")
    ap.add_argument("tests", nargs="*")
    args = ap.parse_args()
    args.loader = os.path.abspath(args.loader)
    args.results = os.path.abspath(args.results)
    if not os.access(args.loader, os.X_OK):
        sys.exit("run.py: %s: not an executable loader" % args.loader)
    with open(os.path.join(args.cache, "commands.json")) as f:
        db = json.load(f)
    objdir = db["objdir"]
    tests, chosen = select(db["tests"], args.tests)
    for d in ("elf", "dlfcn"):
        os.makedirs(os.path.join(args.results, d), exist_ok=True)
    os.makedirs(os.path.join(args.cache, "locks"), exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUB)}
    env.setdefault("TIMEOUTFACTOR", "5")  # glibc's build says 25: a hung test would cost 8 minutes

    # A test that reads another's output waits for it; the rest run in parallel.
    done, rows = {}, []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        pending = list(tests)
        running = {}
        selected = {t["name"] for t in tests}
        while pending or running:
            for t in list(pending):
                if all(r in done for r in t["reads"] if r in selected) and len(running) < args.jobs:
                    pending.remove(t)
                    running[t["name"]] = pool.submit(run_one, t, args, objdir, env)
            finished = [n for n, fut in running.items() if fut.done()]
            if not finished:
                time.sleep(0.05)
                continue
            for n in finished:
                name, result, seconds, note = running.pop(n).result()
                done[name] = result
                if name in chosen:
                    rows.append((name, result, seconds, note))
                    if not args.quiet:
                        print("%-11s %s (%.1f s)%s" % (result, name, seconds, "  " + note if note else ""), flush=True)
                    if args.verbose and result not in ("PASS", "XFAIL"):
                        sub, base = name.split("/", 1)
                        path = os.path.join(args.results, sub, base + ".out")
                        if os.path.exists(path):
                            with open(path, errors="replace") as f:
                                sys.stdout.write("".join("    | " + line for line in f.readlines()[:60]))
    summary = os.path.join(args.results, "summary.tsv")
    old = {}
    if os.path.exists(summary):  # a partial run updates the rows it ran
        with open(summary) as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) >= 2 and cols[0] != "test":
                    old[cols[0]] = cols
    for name, result, seconds, note in rows:
        old[name] = [name, result, "%.1f" % seconds, note]
    with open(summary, "w") as f:
        f.write("test\tresult\tseconds\tnote\n")
        for name in sorted(old):
            f.write("\t".join(old[name]) + "\n")
    counts = {}
    for _, result, _, _ in rows:
        counts[result] = counts.get(result, 0) + 1
    print("%d tests: %s  (loader %s; results in %s)" % (len(rows), ", ".join(
        "%s %d" % kv for kv in sorted(counts.items())), args.loader, args.results))


if __name__ == "__main__":
    main()
