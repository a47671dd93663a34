#!/usr/bin/env python3
"""Compare two runs of glibc's tests (run.py's RESULTS/summary.tsv): a table of every test
with its result under each loader, the totals per subdirectory, and the tests that pass
under the second loader (the reference) but not under the first.

A test passes when glibc's evaluate-test.sh says PASS, or XPASS (an expected failure that
passed: glibc marks some ISA tests XFAIL for CPUs this one is not).

Usage: report.py [--all] [--markdown FILE [--title TEXT]] RESULTS_A LABEL_A RESULTS_B LABEL_B
Without --all only the rows where the two loaders differ are printed; the totals always.
--markdown writes the totals and the differing rows as a Markdown section, headed by
--title (the date and commit, for docs/conformance.md).
"""
import argparse
import os
import sys

PASSING = ("PASS", "XPASS")


def load(results):
    rows = {}
    with open(os.path.join(results, "summary.tsv")) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] != "test" and len(cols) >= 2:
                rows[cols[0]] = cols[1]
    return rows


def totals(rows, names):
    out = {}
    for sub in ("elf", "dlfcn"):
        mine = [n for n in names if n.startswith(sub + "/")]
        out[sub] = (sum(1 for n in mine if rows.get(n) in PASSING), len(mine))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--markdown")
    ap.add_argument("--title", default="Results")
    ap.add_argument("a")
    ap.add_argument("label_a")
    ap.add_argument("b")
    ap.add_argument("label_b")
    args = ap.parse_args()
    a, b = load(args.a), load(args.b)
    names = sorted(set(a) | set(b))
    width = max(len(n) for n in names)
    print("%-*s  %-11s %-11s" % (width, "test", args.label_a, args.label_b))
    differing = []
    for n in names:
        ra, rb = a.get(n, "-"), b.get(n, "-")
        if (ra in PASSING) != (rb in PASSING):
            differing.append((n, ra, rb))
        if args.all or (ra in PASSING) != (rb in PASSING):
            print("%-*s  %-11s %-11s" % (width, n, ra, rb))
    ta, tb = totals(a, names), totals(b, names)
    print()
    for sub in ("elf", "dlfcn"):
        print("%-6s %s %d/%d passed, %s %d/%d" % (sub, args.label_a, ta[sub][0], ta[sub][1], args.label_b,
                                                 tb[sub][0], tb[sub][1]))
    worse = [n for n, ra, rb in differing if rb in PASSING]
    better = [n for n, ra, rb in differing if ra in PASSING]
    print("%d pass under %s only, %d under %s only" % (len(better), args.label_a, len(worse), args.label_b))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("## %s\n\n" % args.title)
            f.write("| tests passed | %s | %s |\n|---|---|---|\n" % (args.label_a, args.label_b))
            for sub in ("elf", "dlfcn"):
                f.write("| %s/ | %d of %d | %d of %d |\n" % (sub, ta[sub][0], ta[sub][1], tb[sub][0], tb[sub][1]))
            f.write("\nTests whose result differs (PASS and XPASS count as passing):\n\n")
            f.write("| test | %s | %s |\n|---|---|---|\n" % (args.label_a, args.label_b))
            for n, ra, rb in differing:
                f.write("| %s | %s | %s |\n" % (n, ra, rb))
            if not differing:
                f.write("| (none) | | |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
