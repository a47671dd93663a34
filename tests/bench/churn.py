#!/usr/bin/env python3
"""make bench: dlopen/dlclose churn (issue 7), ld-mmld.so against the system loader.

For each case (a small library, or one with TLS touched each cycle; 1 or 8 threads cycling)
testprogs/threads/churn runs CYCLES dlopen/dlsym/dlclose cycles per thread and reports the
resident set after the first 100 and at the end, and how many loads were real (the library's
constructor ran: with 8 threads, most dlopens find it loaded). Printed: the median over RUNS
runs of the growth (KiB) and of the growth per real load (KiB), and of the time 1000 threads
then take to start and end. Measures; never fails.
usage: churn.py BUILD [CYCLES [RUNS]]"""
import re
import statistics
import subprocess
import sys

build = sys.argv[1]
cycles = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
prog = f"{build}/testprogs/threads/churn"
loaders = [("system", []), ("ld-mmld.so", [f"{build}/ld-mmld.so"])]
pat = re.compile(r"after 100 cycles (\d+) KiB, at the end (\d+) KiB, real loads (\d+), growth per real load "
                 r"([\d.]+) KiB, 1000 threads after ([\d.]+) ms")

print(f"dlopen/dlclose churn, {cycles} cycles a thread (medians of {runs}; KiB of resident set)")
print(f"{'case':<16} {'loader':<11} {'growth':>8} {'per load':>9} {'loads':>7} {'1000 threads':>13}")
for mode in ("plain", "tls"):
    for threads in (1, 8):
        for name, pre in loaders:
            rows = []
            for _ in range(runs):
                out = subprocess.run(pre + [prog, str(cycles), mode, str(threads), "numbers"],
                                     capture_output=True, text=True, timeout=600).stdout
                m = pat.search(out)
                if m:
                    r0, r1, loads, per, ms = m.groups()
                    rows.append((int(r1) - int(r0), float(per), int(loads), float(ms)))
            if not rows:
                print(f"{mode + ' x' + str(threads):<16} {name:<11} (no result)")
                continue
            med = [statistics.median(col) for col in zip(*rows)]
            print(f"{mode + ' x' + str(threads):<16} {name:<11} {med[0]:>8.0f} {med[1]:>9.3f} {med[2]:>7.0f} "
                  f"{med[3]:>10.1f} ms")
