#!/usr/bin/env python3
"""make bench, part 3: the loader's own private memory in a sleeping process.

usage: memory.py RTLD [PROGRAM]      (PROGRAM defaults to /usr/bin/python3)

PROGRAM (a python3) runs under each loader, started the two ways bench-startup times ("kernel":
exec'd with the loader as its PT_INTERP, inside `mmld run --tree` for RTLD; "direct":
`LOADER PROGRAM`), writes a line once it is up, and sleeps reading its stdin; while it sleeps
we read its /proc files. Memory counts
for the loader when the loader's own code asked for it:
  - file-backed private dirty: smaps' Private_Dirty of the mappings of the loader's file
    (its relocated data, GOT, its variables that share a page with the file);
  - bss: resident pages of the loader's own bss past its file (from its program headers);
    ld-mmld.so's allocator carves its first blocks from there (.bss.heap), so its heap is
    counted here until that first arena is used up;
  - heap, TLS: resident pages of the anonymous mappings the loader made itself, with no fixed
    address (its allocator's arenas, the main thread's static TLS and thread control block).
    `strace -k` shows the instruction that made each mmap, so a mapping counts for the loader
    when that instruction is in the loader's file; mappings later replaced (MAP_FIXED) or
    unmapped are subtracted. Objects' bss (anonymous, at a fixed address) is the objects'.
Resident means present in /proc/PID/pagemap and mapped only here (the zero page, which an
untouched read maps, does not count; smaps' Rss leaves it out too). Both loaders are measured
by the same rule. Memory glibc's loader takes from libc's malloc after start-up (dlopen's
link_maps) would not be seen; a sleeping `python3 -c` makes no such call.
A benchmark: it prints, it never fails on a large result.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

SYSTEM_LOADER = "/lib64/ld-linux-x86-64.so.2"
PAGE = 4096
SCRIPT = "import os; os.write(1, b'up\\n'); os.read(0, 1)"
MAP_FIXED = "MAP_FIXED"


def page_up(x):
    return (x + PAGE - 1) & ~(PAGE - 1)


def syscalls(trace):
    """[(name, args, result, innermost frame's file)] from `strace -k` output."""
    calls = []
    for line in trace:
        if line.startswith(" > "):
            if calls and calls[-1][3] is None:
                where = line[3:].split("(", 1)[0].strip()
                calls[-1] = calls[-1][:3] + (where,)
            continue
        m = re.match(r"(\w+)\((.*)\)\s+= (-?\w+)", line)
        if m:
            calls.append((m.group(1), [a.strip() for a in m.group(2).split(",")], m.group(3), None))
    return calls


def subtract(ranges, lo, hi):
    out = []
    for a, b in ranges:
        if b <= lo or a >= hi:
            out.append((a, b))
            continue
        if a < lo:
            out.append((a, lo))
        if b > hi:
            out.append((hi, b))
    return out


def loader_anonymous_ranges(calls, loader):
    """Address ranges of the anonymous memory the loader's code mapped and still holds."""
    ranges = []
    brk = None
    for name, args, result, where in calls:
        if result.startswith("-"):
            continue
        mine = where is not None and os.path.realpath(where) == loader
        if name == "mmap":
            start, length = int(result, 16), page_up(int(args[1]))
            flags = args[3]
            ranges = subtract(ranges, start, start + length)
            if mine and "MAP_ANONYMOUS" in flags and MAP_FIXED not in flags:
                ranges.append((start, start + length))
        elif name == "munmap":
            start = int(args[0], 16)
            ranges = subtract(ranges, start, start + page_up(int(args[1])))
        elif name == "mremap":
            start = int(args[0], 16)
            ranges = subtract(ranges, start, start + page_up(int(args[1])))
        elif name == "brk":
            new = int(result, 16)
            if mine and brk is not None and new > brk:
                ranges.append((brk, new))
            brk = new
    return ranges


def resident_pages(pid, ranges):
    """Pages in ranges present (or swapped) and mapped by this process alone."""
    n = 0
    with open("/proc/%d/pagemap" % pid, "rb") as f:
        for lo, hi in ranges:
            f.seek(lo // PAGE * 8)
            data = f.read((hi - lo) // PAGE * 8)
            for (entry,) in struct.iter_unpack("<Q", data):
                present, swapped, exclusive = entry >> 63 & 1, entry >> 62 & 1, entry >> 56 & 1
                n += swapped or (present and exclusive)
    return n


def smaps_of(pid, path):
    """[(start, offset, {field: kB})] for the mappings of file `path`."""
    out = []
    cur = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            head = re.match(r"([0-9a-f]+)-[0-9a-f]+ \S+ ([0-9a-f]+) \S+ \d+\s+(.*)$", line)
            if head:
                mapped = head.group(3).strip()
                cur = None
                if mapped and os.path.realpath(mapped) == path:
                    cur = (int(head.group(1), 16), int(head.group(2), 16), {})
                    out.append(cur)
            elif cur is not None:
                field = re.match(r"(\w+):\s+(\d+) kB", line)
                if field:
                    cur[2][field.group(1)] = int(field.group(2))
    return out


def bss_ranges(path, bias):
    """Pages of each PT_LOAD's memory past its file contents, at load bias `bias`."""
    with open(path, "rb") as f:
        ehdr = f.read(64)
        phoff, phentsize, phnum = struct.unpack_from("<Q", ehdr, 32)[0], *struct.unpack_from("<HH", ehdr, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    ranges = []
    for i in range(phnum):
        p_type, _, _, vaddr, _, filesz, memsz, _ = struct.unpack_from("<IIQQQQQQ", table, i * phentsize)
        if p_type == 1 and memsz > filesz:
            lo, hi = page_up(bias + vaddr + filesz), page_up(bias + vaddr + memsz)
            if hi > lo:
                ranges.append((lo, hi))
    return ranges


def first_load_vaddr(path):
    with open(path, "rb") as f:
        ehdr = f.read(64)
        phoff, phentsize, phnum = struct.unpack_from("<Q", ehdr, 32)[0], *struct.unpack_from("<HH", ehdr, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    loads = [struct.unpack_from("<IIQQ", table, i * phentsize) for i in range(phnum)]
    return min(v for t, _, _, v in loads if t == 1) & ~(PAGE - 1)


def measure(rtld, loader, direct, program):
    """{'file': kB, 'bss': kB, 'anon': kB, 'anon_mapped': kB} of `loader` (the system loader or
    RTLD) in a sleeping `program`."""
    # Inside `mmld run --tree`, RTLD is seen at the system loader's path.
    seen = os.path.realpath(loader if direct else SYSTEM_LOADER)
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "trace")
        argv = ["strace", "-qq", "-k", "-o", trace, "-e", "trace=mmap,munmap,mremap,brk"]
        argv += ([loader] if direct else []) + [program, "-c", SCRIPT]
        if loader == rtld and not direct:
            argv = [os.path.join(os.path.dirname(rtld), "mmld"), "run", "--tree", "--"] + argv
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=dict(os.environ, MMLD_RTLD=rtld))
        try:
            if proc.stdout.readline() != b"up\n":
                sys.exit("memory.py: %s did not start:\n%s" % (" ".join(argv), proc.stderr.read().decode()))
            pid = child_of(proc.pid)
            maps = smaps_of(pid, seen)
            bias = next(start - off for start, off, _ in maps if off == 0) - first_load_vaddr(loader)
            with open(trace) as f:
                anon = loader_anonymous_ranges(syscalls(f), seen)
            result = {
                "file": sum(fields.get("Private_Dirty", 0) for _, _, fields in maps),
                "bss": resident_pages(pid, bss_ranges(loader, bias)) * PAGE // 1024,
                "anon": resident_pages(pid, anon) * PAGE // 1024,
                "anon_mapped": sum(hi - lo for lo, hi in anon) // 1024,
            }
        finally:
            proc.stdin.close()
            proc.wait()
    return result


def child_of(pid):
    """The process strace started (its only child)."""
    for task in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, task)) as f:
            kids = f.read().split()
        if kids:
            return int(kids[0])
    sys.exit("memory.py: strace has no child")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: memory.py RTLD [PROGRAM]")
    rtld = os.path.realpath(sys.argv[1])
    program = sys.argv[2] if len(sys.argv) == 3 else "/usr/bin/python3"
    # A loader file just written (a fresh build) has dirty page-cache pages until they are
    # written back, and smaps counts a dirty file page mapped once as Private_Dirty.
    fd = os.open(rtld, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    print("the loader's private memory in a sleeping %s, KiB (smaps, pagemap, strace -k)" % os.path.basename(program))
    print("%-12s %-7s %10s %6s %14s %8s" % ("loader", "started", "file dirty", "bss", "heap+TLS", "total"))
    for direct in (False, True):
        for label, loader in (("system", SYSTEM_LOADER), ("ld-mmld.so", rtld)):
            m = measure(rtld, loader, direct, program)
            heap = "%d of %d" % (m["anon"], m["anon_mapped"])
            print("%-12s %-7s %10d %6d %14s %8d" % (label, "direct" if direct else "kernel", m["file"], m["bss"], heap,
                                                  m["file"] + m["bss"] + m["anon"]))


if __name__ == "__main__":
    main()
