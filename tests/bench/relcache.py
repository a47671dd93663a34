#!/usr/bin/env python3
"""make bench, the relocation cache (MMLD_RELOC_CACHE=1, docs/reloc-cache.md).

Start-up wall time of each program four ways, in the same run:
  system   the system loader
  mmld     ld-mmld.so, the cache off
  warm     ld-mmld.so with a cache that already holds the program's libraries
  cold     ld-mmld.so with the cache emptied before each run: nothing cached, nothing seen
           (libraries relocated as always; those up to MMLD_RELOC_CACHE_DEFER bytes of image
           published, the larger ones marked as seen)
  second   the run after a cold one (emptied, one run unmeasured, then this one): the
           larger images published (relocated in their new entries), the rest mapped
each started by the kernel (PT_INTERP; ld-mmld.so through `mmld run --tree`) and directly
(`LOADER PROGRAM`). The runs are made and timed by bench-startup's helpers (--serve: posix_spawn
to waitpid), one per way, and a round asks each for one run, in an order that rotates, so all
four see the same moments of the machine's load. warm/system and cold/mmld are the medians
over the rounds of the two runs' ratio. Targets (issue 12): warm/system at most 0.5 for
clang-14 --version, 0.9 for python3 -c pass, 1.0 for true; cold/mmld at most 1.1. second/mmld
is what publishing the large images costs (no target; before MMLD_RELOC_CACHE_DEFER it was the
cold run).

Memory: `mmld share -n 8 --reloc-cache --compare -- clang-14 --version`, the private dirty
memory per process of libLLVM-14 and libclang-cpp (target: at most 1 MiB each, after the first
process: the --reloc-cache run makes two before the 8 measured, a large image being published
at its second miss).

usage: relcache.py BUILD_DIR RUNS -- NAME CMD ARGS [-- NAME CMD ARGS ...]
A benchmark: it prints, it never fails on a slow result."""
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

SYSTEM_LOADER = "/lib64/ld-linux-x86-64.so.2"


def programs(argv):
    """`-- NAME CMD ARGS -- ...` as [(name, [cmd, args...])]."""
    out, i = [], 0
    while i < len(argv) and argv[i] == "--" and i + 2 < len(argv):
        j = i + 2
        while j < len(argv) and argv[j] != "--":
            j += 1
        out.append((argv[i + 1], argv[i + 2:j]))
        i = j
    return out


class Helper:
    """bench-startup --serve LOADER -- programs, maybe under `mmld run --tree`, with env."""

    def __init__(self, build, loader, progs_argv, env, tree):
        prefix = [os.path.join(build, "mmld"), "run", "--tree", "--"] if tree else []
        cmd = prefix + [os.path.join(build, "bench-startup"), "--serve", loader] + progs_argv
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)

    def run(self, program, direct):
        self.p.stdin.write("%d %d\n" % (program, direct))
        self.p.stdin.flush()
        return float(self.p.stdout.readline())

    def stop(self):
        self.p.stdin.close()
        self.p.wait()


def empty(cache):
    """The cache without its entries (the directory and this boot's secret stay)."""
    for f in (glob.glob(os.path.join(cache, "*", "*.rc")) + glob.glob(os.path.join(cache, "*", "*.seen")) +
              glob.glob(os.path.join(cache, "*", "hits"))):
        os.unlink(f)


def startup(build, runs, progs, progs_argv, tmp):
    rtld = os.path.realpath(os.path.join(build, "ld-mmld.so"))
    base = {k: v for k, v in os.environ.items() if not k.startswith("MMLD_RELOC_CACHE")}
    base["MMLD_RTLD"] = rtld
    warm_dir, cold_dir, second_dir = os.path.join(tmp, "warm"), os.path.join(tmp, "cold"), os.path.join(tmp, "second")
    env = {
        "system": dict(base),
        "mmld": dict(base),
        "warm": dict(base, MMLD_RELOC_CACHE="1", MMLD_RELOC_CACHE_DIR=warm_dir),
        "cold": dict(base, MMLD_RELOC_CACHE="1", MMLD_RELOC_CACHE_DIR=cold_dir),
        "second": dict(base, MMLD_RELOC_CACHE="1", MMLD_RELOC_CACHE_DIR=second_dir),
    }
    ways = ["system", "mmld", "warm", "cold", "second"]
    helpers = {w: Helper(build, SYSTEM_LOADER if w == "system" else rtld, progs_argv, env[w], w != "system")
               for w in ways}
    print("start-up wall time with the relocation cache (kernel: exec'd, PT_INTERP; direct: LOADER PROGRAM)")
    print("%-22s %-7s %5s %10s %10s %10s %10s %10s %12s %10s %12s" % (
        "program", "started", "runs", "system", "mmld", "warm", "cold", "second", "warm/system", "cold/mmld",
        "second/mmld"))
    try:
        for p, (name, _) in enumerate(progs):
            for direct in (0, 1):
                for _ in range(2):  # the page cache warm for all, the cache for "warm" (the large
                    for w in ways:  # images published at their second miss)
                        helpers[w].run(p, direct)
                t = {w: [] for w in ways}
                warm_ratio, cold_ratio, second_ratio = [], [], []
                for r in range(runs):
                    order = ways[r % len(ways):] + ways[:r % len(ways)]
                    got = {}
                    for w in order:
                        if w == "cold":
                            empty(cold_dir)
                        elif w == "second":
                            empty(second_dir)
                            helpers[w].run(p, direct)
                        got[w] = helpers[w].run(p, direct)
                    if min(got.values()) < 0:
                        print("%s: a run failed (%s)" % (name, ", ".join(w for w in ways if got[w] < 0)))
                        break
                    for w in ways:
                        t[w].append(got[w])
                    warm_ratio.append(got["warm"] / got["system"])
                    cold_ratio.append(got["cold"] / got["mmld"])
                    second_ratio.append(got["second"] / got["mmld"])
                if not warm_ratio:
                    continue
                med = {w: statistics.median(t[w]) * 1e3 for w in ways}
                print("%-22s %-7s %5d %7.3f ms %7.3f ms %7.3f ms %7.3f ms %7.3f ms %12.3f %10.3f %12.3f" % (
                    name, "direct" if direct else "kernel", len(warm_ratio), med["system"], med["mmld"], med["warm"],
                    med["cold"], med["second"], statistics.median(warm_ratio), statistics.median(cold_ratio),
                    statistics.median(second_ratio)))
    finally:
        for h in helpers.values():
            h.stop()


def memory(build, tmp):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MMLD_RELOC_CACHE")}
    env["MMLD_RELOC_CACHE_DIR"] = os.path.join(tmp, "share")
    out = subprocess.run([os.path.join(build, "mmld"), "share", "-n", "8", "--reloc-cache", "--compare", "--json",
                          "--quiet", "--", "/usr/bin/clang-14", "--version"], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        print("mmld share failed: " + out.stderr.strip().split("\n")[-1])
        return
    runs = json.loads(out.stdout)["runs"]
    print("private dirty per process, 8 clang-14 --version (mmld share -n 8 --reloc-cache --compare), KiB:")
    print("%-22s %14s %14s" % ("object", runs[0]["label"], runs[1]["label"]))
    for lib in ("libLLVM-14.so.1", "libclang-cpp.so.14"):
        row = []
        for r in runs:
            o = next((o for o in r["objects"] if o["path"].endswith("/" + lib)), None)
            row.append("%14.0f" % (o["private_dirty_kib"] / r["measured"]) if o and r["measured"] else "%14s" % "-")
        print("%-22s %s %s" % (lib, row[0], row[1]))


def main():
    if len(sys.argv) < 5:
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    build, runs = sys.argv[1], int(sys.argv[2])
    progs_argv = sys.argv[3:]
    tmp = tempfile.mkdtemp(prefix="mmld-bench-relcache-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        startup(build, runs, programs(progs_argv), progs_argv, tmp)
        print()
        memory(build, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
