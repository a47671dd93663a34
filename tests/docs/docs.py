#!/usr/bin/env python3
"""Docs the tests keep true.

Every output shown in docs/ is in a ```console block whose lines starting with "$ " are the
commands that made it (run from the top of the checkout with bash, stdout and stderr as a
terminal shows them; a line starting with "> " continues the command above). Blocks of any
other kind must say what they are (```c, ```sh for commands to type, ```text for drawings):
a bare ``` block is an error, because it would be output without its command.

  docs.py update FILE...   run every command and write its output into the block (make docs)
  docs.py check FILE...    run every command again and compare (make check)

The comparison is of shape, not of values (the prose of the block's own ## section decides
what is pinned): the text of each line must be the same, its
numbers and addresses may change (pids, mktemp names, /proc/PID/maps ranges and long hex
words are masked first), except the values the prose of the page quotes (outside code: a
number with a unit, "184 words", "1.9 MiB", or an address, "0x1d4000"). Those are pinned:
where the recorded output has one, the new output must have the same ("about 34 MiB": within
10% or one in the last digit quoted, for figures that move a little from run to run). So a
routine change elsewhere (one more relocation in a library) passes, a changed figure the
text relies on fails, and so does a changed line, a line more or a line less.

The prose check: every number the prose gives with a unit (KiB, MiB, GiB, ms, pages, words,
relocations...) and every address (0x...) must appear in an output of the page, unless the
page lists it as a fact that is not an output: <!-- docs: facts 64 KiB, 16 pages -->.

Options for one block, on the line before it, separated by ";": vary=REGEX (lines matching
it may come and go: fault-around, locale files), sort (compare as sorted lines),
timeout=SECONDS, machine (the output depends on this kernel or processor, e.g. which memcpy
an IFUNC picks: compared only on a machine like the one in the page's "made on" line,
elsewhere the command must only succeed), root (the output is what root sees: exact frames
from pagemap, a /proc/PID/exe that can be changed; as another user the command only runs). `make docs` writes that line at the top:
<!-- docs: made on Linux 6.1.0, AMD EPYC ... -->.

The links check: in a table row whose last cell names a source file, [rtld/map.c](../rtld/map.c),
then functions, `map_file()` (or an assembly label, `_dl_runtime_resolve`), the file must exist
and define each of them (docs/glossary.md).
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
UNITS = r"(?:KiB|MiB|GiB|kB|KB|MB|GB|bytes?|bits|ms|µs|ns|pages?|words?|relocations?|frames?|processes|entries|%)"
# "184 words", "1.9 MiB", "11 private pages": a number, at most one word, a unit.
PROSE_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:[a-z]+\s+)?" + UNITS + r"(?!\w)")
TOKEN = re.compile(r"0x[0-9a-fA-F]+|\d+(?:\.\d+)?")


class Block:
    def __init__(self, start, end, lang, options):
        self.start, self.end, self.lang, self.options = start, end, lang, options
        self.steps = []  # (command, output lines)


def parse(path):
    """Returns (lines, blocks, errors)."""
    lines = open(path).read().split("\n")
    blocks, errors, i = [], [], 0
    while i < len(lines):
        m = re.match(r"^```(\S*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        options = {}
        if i > 0:
            o = re.match(r"^<!-- docs: (.*) -->$", lines[i - 1])
            if o:
                for part in o.group(1).split(";"):
                    k, _, v = part.strip().partition("=")
                    options[k] = v
        b = Block(i, j, m.group(1), options)
        if b.lang == "":
            errors.append("%s:%d: a ``` block with no command: make it ```console with its $ command, "
                          "or say what it is (```c, ```sh, ```text)" % (path, i + 1))
        if b.lang == "console":
            cmd = None
            for line in lines[i + 1:j]:
                if line.startswith("$ "):
                    cmd = [line[2:], []]
                    b.steps.append(cmd)
                elif line.startswith("> ") and cmd and not cmd[1]:
                    cmd[0] += "\n" + line[2:]
                elif cmd is None:
                    errors.append("%s:%d: output before any $ command" % (path, i + 2))
                    break
                else:
                    cmd[1].append(line)
            if not b.steps:
                errors.append("%s:%d: a console block with no $ command" % (path, i + 1))
        blocks.append(b)
        i = j + 1
    return lines, blocks, errors


def run(command, timeout):
    """The command's output as a terminal shows it, with this checkout's path written as the
    docs write it, ~/mmld, so that pages made in one checkout check in another."""
    p = subprocess.run(["bash", "-c", command], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=timeout)
    out = p.stdout.decode("utf-8", "replace").replace(ROOT, "~/mmld").rstrip("\n")
    return out.split("\n") if out else []


def machine():
    """What a `machine` block's output depends on: the kernel and the processor."""
    cpu = "?"
    for l in open("/proc/cpuinfo"):
        if l.startswith("model name"):
            cpu = l.split(":", 1)[1].strip()
            break
    return "Linux %s, %s" % (os.uname().release, cpu)


def prose_of(lines, blocks):
    inside = set()
    for b in blocks:
        inside.update(range(b.start, b.end + 1))
    text = "\n".join(l for k, l in enumerate(lines) if k not in inside and not l.startswith("    "))
    return re.sub(r"`[^`]*`", "", re.sub(r"<!--.*?-->", "", text, flags=re.S))


APPROX = 0.10  # "about 34 MiB": within 10%, or one in the last digit quoted


def tolerance(token):
    digits = len(token.split(".")[1]) if "." in token else 0
    return max(APPROX * abs(float(token)), 10.0 ** -digits)


def pins(prose):
    """The values the prose quotes: numbers with a unit (184 words, 1.9 MiB; "about 34 MiB"
    allows 10% either way, for figures that move a little from run to run), and addresses
    (0x1d4000). value -> True if only approximately."""
    p = {}
    for m in PROSE_NUMBER.finditer(prose):
        approx = re.search(r"(about|~)\s*$", prose[max(0, m.start() - 7):m.start()]) is not None
        v = float(m.group(1))
        old = p.get(v, None)
        p[v] = (tolerance(m.group(1)) if approx else 0) if old is None else (min(old, tolerance(m.group(1))) if old and approx else 0)
    for h in re.findall(r"0x[0-9a-f]+", prose):
        p[("hex", int(h, 16))] = False
    return p


def value(t):
    return ("hex", int(t, 16)) if t.startswith("0x") else float(t)


def normal(line):
    """A line with what always differs masked: pids, temporary names, mapping ranges, long
    hex words; runs of spaces are one space (columns move with the width of numbers)."""
    line = re.sub(r"^\s*\d+:\t", "PID:\t", line)
    line = re.sub(r"/tmp/tmp\.\w+", "/tmp/TMP", line)          # mktemp's names
    line = re.sub(r"\b[0-9a-f]{8,}-[0-9a-f]{8,}\b", "RANGE", line) # /proc/PID/maps
    line = re.sub(r"\b[0-9a-f]{16,}\b", "HEX", line)               # build-ids, raw words
    return " ".join(line.split())


def same_line(old, new, pinned):
    """Do two lines have the same shape? Text must be equal; a number or address may differ,
    unless the prose quotes the recorded one (exactly, or about it)."""
    a, b = TOKEN.split(old), TOKEN.split(new)
    na, nb = TOKEN.findall(old), TOKEN.findall(new)
    if len(na) != len(nb) or a != b:
        return False
    for x, y in zip(na, nb):
        vx = value(x)
        if vx in pinned:
            if not pinned[vx] and value(y) != vx:
                return False
            if pinned[vx] and (y.startswith("0x") or abs(float(y) - vx) > pinned[vx] + 1e-9):
                return False
    return True


def shape(line, pinned):
    """The line as the comparison sees it (for the report): numbers not quoted become N."""
    def mask(m):
        t = m.group(0)
        return t if value(t) in pinned else ("ADDR" if t.startswith("0x") else "N")
    return TOKEN.sub(mask, normal(line))


def compare(recorded, fresh, pinned, options):
    vary = re.compile(options["vary"]) if "vary" in options else None
    a = [normal(l) for l in recorded if not (vary and vary.search(l))]
    b = [normal(l) for l in fresh if not (vary and vary.search(l))]
    if "sort" in options:
        key = lambda l: TOKEN.sub("N", l)
        a, b = sorted(a, key=key), sorted(b, key=key)
    for k in range(max(len(a), len(b))):
        x = a[k] if k < len(a) else None
        y = b[k] if k < len(b) else None
        if x is None or y is None or not same_line(x, y, pinned):
            return "line %d:\n      docs: %s\n      now:  %s" % (
                k + 1, shape(x, pinned) if x is not None else "(no line)", shape(y, pinned) if y is not None else "(no line)")
    return None


def facts_of(lines):
    facts = set()
    for l in lines:
        m = re.match(r"^<!-- docs: facts (.*) -->$", l)
        if m:
            facts |= {" ".join(f.split()) for f in m.group(1).split(",")}
    return facts


def check_prose(path, lines, blocks):
    outputs = "\n".join("\n".join(out) for b in blocks for _, out in b.steps)
    out_values = [float(t) for t in TOKEN.findall(outputs) if not t.startswith("0x")]
    out_hex = {int(t, 16) for t in re.findall(r"0x([0-9a-fA-F]+)|\b([0-9a-f]{6,16})\b", outputs) for t in t if t}
    facts, errors = facts_of(lines), []
    prose = prose_of(lines, blocks)
    for h in re.findall(r"(?<![\w.])0x[0-9a-f]+", prose):
        if int(h, 16) not in out_hex and h not in facts:
            errors.append("%s: the prose says %s, which no output of the page shows "
                          "(a fact, not an output? list it: <!-- docs: facts %s -->)" % (path, h, h))
    quoted_values = pins(prose)
    for m in PROSE_NUMBER.finditer(prose):
        quoted, v = " ".join(m.group(0).split()), float(m.group(1))
        tol = quoted_values.get(v) or 0
        if any(abs(o - v) <= tol + 1e-9 for o in out_values) or quoted in facts:
            continue
        errors.append("%s: the prose says \"%s\", which no output of the page shows "
                      "(a fact, not an output? list it: <!-- docs: facts %s -->)" % (path, quoted, quoted))
    return errors


MADE_ON = re.compile(r"^<!-- docs: made on (.*) -->$")


def made_on(lines):
    for l in lines:
        m = MADE_ON.match(l)
        if m:
            return m.group(1)
    return None


LINK = re.compile(r"\[[^]]*\]\((\.\./[^)]+)\)|`([A-Za-z_][A-Za-z0-9_]*)(\(\))?`")


def defines(path, name, function):
    """Does the source file define name: a C function (at the start of a line, its name and
    "("), or an assembly label?"""
    text = open(path, errors="replace").read()
    if path.endswith(".S"):
        return re.search(r"^%s:" % re.escape(name), text, re.M) is not None
    return re.search(r"^[A-Za-z_].*\b%s\s*\(" % re.escape(name), text, re.M) is not None


def check_links(path, lines):
    """Table rows that name a source file ([rtld/map.c](../rtld/map.c)) and then functions
    (`map_file()`): the file must exist and define each of them."""
    errors = []
    base = os.path.dirname(os.path.abspath(path))
    for k, line in enumerate(lines):
        if not line.startswith("|"):
            continue
        cells = line.split("|")
        current = None
        for m in LINK.finditer(cells[-2] if len(cells) > 2 else ""):
            if m.group(1):
                target = os.path.normpath(os.path.join(base, m.group(1)))
                current = target if not target.endswith(".md") else None
                if current and not os.path.exists(current):
                    errors.append("%s:%d: %s does not exist" % (path, k + 1, m.group(1)))
                    current = None
            elif current and current.endswith((".c", ".h", ".S")) and (m.group(3) or current.endswith(".S")):
                if not defines(current, m.group(2), bool(m.group(3))):
                    errors.append("%s:%d: %s does not define %s" % (path, k + 1, os.path.relpath(current, ROOT), m.group(2)))
    return errors


def update(path):
    lines, blocks, errors = parse(path)
    for b in reversed(blocks):
        if b.lang != "console":
            continue
        new = []
        for cmd, _ in b.steps:
            c = cmd.split("\n")
            new.append("$ " + c[0])
            new += ["> " + x for x in c[1:]]
            new += run(cmd, float(b.options.get("timeout", 120)))
        lines[b.start + 1:b.end] = new
    if any("machine" in b.options for b in blocks):
        stamp = "<!-- docs: made on %s -->" % machine()
        k = next((k for k, l in enumerate(lines) if MADE_ON.match(l)), None)
        if k is None:
            lines.insert(1, stamp)
        else:
            lines[k] = stamp
    open(path, "w").write("\n".join(lines))
    _, blocks, _ = parse(path)
    errors += check_prose(path, lines, blocks)
    return errors


def section_prose(lines, blocks, b):
    """The prose of the ## section a block is in: what quotes its numbers. (A value quoted
    in one section does not pin the same value in another section's output.)"""
    lo = max([k for k in range(b.start) if lines[k].startswith("## ")] or [0])
    hi = min([k for k in range(b.end, len(lines)) if lines[k].startswith("## ")] or [len(lines)])
    return prose_of(lines[lo:hi], [Block(x.start - lo, x.end - lo, x.lang, x.options) for x in blocks
                                   if lo <= x.start < hi])


def check(path):
    lines, blocks, errors = parse(path)
    same_machine = made_on(lines) == machine()
    for b in blocks:
        pinned = pins(section_prose(lines, blocks, b))
        for cmd, recorded in b.steps:
            try:
                fresh = run(cmd, float(b.options.get("timeout", 120)))
            except subprocess.TimeoutExpired:
                errors.append("%s:%d: $ %s: timed out" % (path, b.start + 1, cmd))
                continue
            if "machine" in b.options and not same_machine:
                continue  # another kernel or processor: it ran, that is all that can be asked
            if "root" in b.options and os.geteuid() != 0:
                continue  # made as root (frame numbers, /proc/PID/exe): as another user it ran
            why = compare(recorded, fresh, pinned, b.options)
            if why:
                errors.append("%s:%d: $ %s\n    its output no longer has the shape the page shows, %s\n"
                              "    (if the change is meant: make docs, read the diff, fix the prose)"
                              % (path, b.start + 1, cmd.split("\n")[0], why))
    errors += check_prose(path, lines, blocks)
    errors += check_links(path, lines)
    return errors


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("update", "check"):
        sys.exit(__doc__)
    errors, ncmd = [], 0
    for path in sys.argv[2:]:
        _, blocks, _ = parse(path)
        ncmd += sum(len(b.steps) for b in blocks)
        errors += (update if sys.argv[1] == "update" else check)(path)
    for e in errors:
        print("FAIL " + e)
    print("docs: %d commands in %d pages, %d problems" % (ncmd, len(sys.argv) - 2, len(errors)))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
