#!/usr/bin/env python3
"""Turn glibc's own test recipes into a command list the runner can replay.

Input: the output of `make -n --trace check subdirs="elf dlfcn" rtld-prefix=...` in the
glibc build tree, made with placeholders for the loader and its library path (build.sh).
Output (JSON): every test of elf/ and dlfcn/ in glibc's own list (the names
merge-test-results.sh is given, which is what glibc counts), each with the shell recipe
that makes its .out file, the directory make ran it in, and the other tests whose .out it
needs first (the -cmp tests compare another test's output).

Why replay instead of running glibc's make each time: make needs ~10 s per invocation just
to read elf/Makefile, and writes every result into the shared build tree, so two engineers
could not run tests at once. A replayed recipe writes its .out and .test-result wherever
the runner says.

Usage: commands.py DRYRUN OBJDIR > commands.json
"""
import json
import re
import sys

TRACE = re.compile(r"^\S+:\d+: (?:update target '([^']+)' due to: (.*)|target '([^']+)' does not exist)$")
DIRECTORY = re.compile(r"^make\[\d+\]: (Entering|Leaving) directory '([^']+)'$")
SUBDIRS = ("elf", "dlfcn")


def recipes(lines):
    """Yields (target, prerequisites, cwd, recipe text) for every target make would remake."""
    dirs, target, prereqs, cwd, body = [], None, "", None, []
    for line in lines:
        trace, directory = TRACE.match(line), DIRECTORY.match(line)
        if trace or directory:
            if target:
                yield target, prereqs, cwd, "\n".join(body)
            target, body = None, []
        if directory:
            if directory.group(1) == "Entering":
                dirs.append(directory.group(2))
            elif dirs:
                dirs.pop()
        elif trace:
            target, cwd = trace.group(1) or trace.group(3), dirs[-1] if dirs else None
            prereqs = trace.group(2) or ""
        elif target:
            body.append(line)
    if target:
        yield target, prereqs, cwd, "\n".join(body)


def test_lists(text):
    """The tests glibc counts per subdirectory: the arguments of merge-test-results.sh -s."""
    lists = {}
    for m in re.finditer(r"merge-test-results\.sh -s \S+/(\w+)/ (\w+) \\\n(.*?) \\\n", text, re.S):
        lists[m.group(2)] = m.group(3).split()
    return lists


def main():
    dryrun, objdir = sys.argv[1], sys.argv[2].rstrip("/")
    with open(dryrun, errors="replace") as f:
        text = f.read()
    out_path = re.compile(re.escape(objdir) + r"/+(%s)/+([\w.+-]+)\.out\b" % "|".join(SUBDIRS))
    by_name = {}
    for target, prereqs, cwd, body in recipes(text.splitlines()):
        m = out_path.fullmatch(target)
        if not m or not body.strip():
            continue
        name = "%s/%s" % (m.group(1), m.group(2))
        # Another test's output, named in the recipe or as a prerequisite (noload-mem reads
        # the malloc trace noload leaves, and says so only in its prerequisites).
        reads = sorted({"%s/%s" % r for r in out_path.findall(body + " " + prereqs)} - {name})
        by_name[name] = {"name": name, "cwd": cwd, "recipe": body, "reads": reads}
    tests = []
    for sub, names in sorted(test_lists(text).items()):
        if sub not in SUBDIRS:
            continue
        for t in names:
            name = "%s/%s" % (sub, t)
            tests.append(by_name.get(name, {"name": name, "cwd": None, "recipe": None, "reads": []}))
    known = {t["name"] for t in tests}
    for t in tests:  # a -cmp test reads a test outside glibc's list only rarely; keep it runnable
        for r in t["reads"]:
            if r not in known and r in by_name:
                tests.append(dict(by_name[r], helper=True))
                known.add(r)
    json.dump({"objdir": objdir, "tests": tests}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
