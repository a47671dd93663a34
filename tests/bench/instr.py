#!/usr/bin/env python3
"""make bench, part 2: instructions executed inside each loader's own object.

usage: instr.py RTLD -- NAME CMD ARGS [-- NAME CMD ARGS ...]

Each command runs once under `valgrind --tool=callgrind` for each loader, started the two ways
bench-startup times: "kernel" (CMD exec'd as usual, its PT_INTERP the loader; for RTLD that
is inside `mmld run --tree`, where RTLD is bind-mounted over the system loader's file, so
valgrind maps it as the interpreter) and "direct" (`LOADER CMD ARGS`). Callgrind attributes
every executed instruction to the function, and so to the object, it belongs to. We read its
output file and sum the *self* cost of every function whose object is the loader's file: code
the loader runs, from its first instruction to the process's exit (start-up, lazy binding,
__tls_get_addr, dlopen...), and nothing it calls in other objects (IFUNC resolvers and
initialisers in libc count for libc). Both loaders are counted by the same rule, in the same
kind of run; valgrind preloads its own vgpreload_core library into both alike. valgrind.bin is
run directly where Debian wraps it in a script that changes LD_LIBRARY_PATH.

A benchmark: it prints, it never fails on a slow result (only on a run that does not work).
"""
import os
import subprocess
import sys
import tempfile

SYSTEM_LOADER = "/lib64/ld-linux-x86-64.so.2"
# Debian's /usr/bin/valgrind is a script that adds /usr/lib/debug to LD_LIBRARY_PATH (both
# loaders would then try a dozen directories for every library) before running valgrind.bin.
VALGRIND = "/usr/bin/valgrind.bin" if os.path.exists("/usr/bin/valgrind.bin") else "valgrind"


def self_cost_by_object(path):
    """{object name: self instructions} from a callgrind output file (format version 1).

    Cost lines belong to the current (ob, fn); the line after `calls=` is the inclusive cost
    of that call, which belongs to the callee, so it is skipped. Names may be compressed as
    `(id) name` on first use and `(id)` afterwards. The sum over all objects must equal
    callgrind's own `summary:` total, which checks this reading of the format."""
    names = {}
    totals = {}
    summary = None
    ob = None
    skip_next = False
    with open(path) as f:
        for line in f:
            if skip_next:
                skip_next = False
                continue
            if not line or line[0] in "#\n":
                continue
            if line.startswith("summary:") or line.startswith("totals:"):
                summary = int(line.split()[1])
            elif line.startswith("ob="):
                ob = resolve(names, line[3:].strip())
            elif line.startswith("cob="):
                resolve(names, line[4:].strip())  # defines an id; cost stays with ob
            elif line.startswith("calls="):
                skip_next = True
            elif line[0].isdigit() or line[0] in "+-*":
                fields = line.split()
                if len(fields) >= 2 and ob is not None:
                    totals[ob] = totals.get(ob, 0) + int(fields[1])
    if summary is None or sum(totals.values()) != summary:
        sys.exit("instr.py: %s: self costs add up to %d, callgrind's total is %s" % (path, sum(totals.values()), summary))
    return totals


def resolve(names, text):
    if text.startswith("("):
        end = text.index(")")
        key = text[1:end]
        if text[end + 1:].strip():
            names[key] = text[end + 1:].strip()
        return names.get(key)
    return text


def loader_instructions(rtld, loader, direct, cmd):
    """Instructions executed in the loader's object: `loader` is the system loader or RTLD."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        argv = [VALGRIND, "--tool=callgrind", "--callgrind-out-file=" + out] + ([loader] if direct else []) + cmd
        if loader == rtld and not direct:
            argv = [os.path.join(os.path.dirname(rtld), "mmld"), "run", "--tree", "--"] + argv
        run = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, MMLD_RTLD=rtld))
        if run.returncode != 0:
            sys.exit("instr.py: %s failed:\n%s" % (" ".join(argv), run.stderr))
        totals = self_cost_by_object(out)
    # Inside `mmld run --tree`, RTLD is seen at the system loader's path.
    seen = os.path.realpath(loader if direct else SYSTEM_LOADER)
    return sum(n for ob, n in totals.items() if ob and os.path.realpath(ob) == seen)


def commands(args):
    """[(name, cmd)] from `-- NAME CMD ARGS -- NAME ...`."""
    out = []
    i = 0
    while i < len(args) and args[i] == "--" and i + 2 < len(args):
        j = i + 2
        while j < len(args) and args[j] != "--":
            j += 1
        out.append((args[i + 1], args[i + 2:j]))
        i = j
    return out


def main():
    if len(sys.argv) < 5 or sys.argv[2] != "--":
        sys.exit("usage: instr.py RTLD -- NAME CMD ARGS [-- NAME CMD ARGS ...]")
    rtld = os.path.realpath(sys.argv[1])
    print("instructions executed inside the loader's own object (callgrind, whole run)")
    print("%-24s %-7s %14s %14s %7s" % ("program", "started", "system", "ld-mmld.so", "ratio"))
    for name, cmd in commands(sys.argv[2:]):
        for direct in (False, True):
            system = loader_instructions(rtld, SYSTEM_LOADER, direct, cmd)
            mmld = loader_instructions(rtld, rtld, direct, cmd)
            print("%-24s %-7s %14s %14s %7.3f" % (name, "direct" if direct else "kernel", format(system, ","),
                                                 format(mmld, ","), mmld / system))


if __name__ == "__main__":
    main()
