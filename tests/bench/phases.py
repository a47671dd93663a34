#!/usr/bin/env python3
"""Where a program's start-up and exit time goes, under the system loader and under ld-mmld.so.

usage: phases.py RTLD RUNS PROGRAM [ARGS...]       (root; perf with uprobes and syscall tracepoints)

Runs bench-startup (make bench's harness, next to RTLD) for RUNS pairs of PROGRAM, under one
`perf record` of kernel tracepoints and uprobes at: each loader's ELF entry point, the
program's entry point, libc's exit(); the kernel-started runs (exec'd with the loader as
PT_INTERP; ld-mmld.so inside `mmld run --tree`) are read. Per run, from the timestamps:
  execve -> exec          the kernel's execve: the old image dropped, the program and its
                          PT_INTERP mapped (sys_enter_execve .. sched_process_exec)
  exec -> loader entry    back to user space at the loader's first instruction
  loader -> program entry the loader's whole start-up: mapping, relocation, CPUID, every
                          initialiser (libc's, the libraries', the program's), page faults
  program entry -> exit() the program's own run (main, up to its call of exit)
  exit() -> exit_group    atexit handlers, the loader's finaliser (destructors), stdio
  exit_group -> reaped    the kernel's teardown of the process, until the parent's wait4 returns
Wall time, medians over the runs; the difference ld-mmld.so - system.
Each uprobe hit costs a trap (a few us here, the same under both loaders); the segments between
two probes include one hit's cost. A benchmark: it prints, it never fails on a slow result.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

SYSTEM_LOADER = "/lib64/ld-linux-x86-64.so.2"
LIBC = "/lib/x86_64-linux-gnu/libc.so.6"
GROUP = "mmldphases"


def entry_offset(path):
    """The file offset of the ELF entry point (perf probe takes an address as a file offset)."""
    out = subprocess.run(["readelf", "-hlW", path], capture_output=True, text=True, check=True).stdout
    entry = int(re.search(r"Entry point address:\s+(0x[0-9a-f]+)", out).group(1), 16)
    for m in re.finditer(r"^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+\S+\s+(0x[0-9a-f]+)", out, re.M):
        off, vaddr, filesz = (int(x, 16) for x in m.groups())
        if vaddr <= entry < vaddr + filesz:
            return entry - vaddr + off
    sys.exit(f"phases.py: {path}: entry point {entry:#x} in no PT_LOAD")


def add_probe(name, path, where):
    r = subprocess.run(["perf", "probe", "-q", "-x", path, "-a", f"{GROUP}:{name}={where}"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"phases.py: perf probe {name} on {path}: {r.stderr.strip().splitlines()[-1:]}")


def del_probes():
    subprocess.run(["perf", "probe", "-q", "-d", f"{GROUP}:*"], capture_output=True)


def record(data, rtld, program, runs):
    bench = os.path.join(os.path.dirname(rtld), "bench-startup")
    if not os.access(bench, os.X_OK):
        sys.exit(f"phases.py: {bench} missing (make {bench})")
    events = ["syscalls:sys_enter_execve", "sched:sched_process_exec", "syscalls:sys_enter_exit_group",
              "syscalls:sys_exit_wait4"] + [f"{GROUP}:{n}" for n in ("sysentry", "mmldentry", "progentry", "exit")]
    cmd = ["perf", "record", "-q", "-o", data]  # this process tree only (inherited)
    for e in events:
        cmd += ["-e", e]
    subprocess.run(cmd + ["--", bench, rtld, str(runs), "--", "program"] + program, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def parse(data, program):
    out = subprocess.run(["perf", "script", "-i", data, "--ns", "-F", "pid,time,event,trace"],
                         capture_output=True, text=True, check=True).stdout
    procs, reaped = {}, {}
    for line in out.splitlines():
        m = re.match(r"\s*(\d+)\s+([\d.]+):\s+(\S+?):?\s+(.*)$", line + " ")
        if not m:
            continue
        pid, t, ev, rest = int(m.group(1)), float(m.group(2)) * 1e6, m.group(3).split(":")[-1], m.group(4)
        if ev == "sys_exit_wait4":
            r = re.search(r"0x([0-9a-f]+)", rest)
            if r:
                reaped[int(r.group(1), 16)] = t
            continue
        if ev == "sys_enter_execve":
            procs[pid] = {}  # only the last program a process runs counts
        procs.setdefault(pid, {}).setdefault(ev, t)
        if ev == "sched_process_exec":
            procs[pid]["file"] = (re.search(r"filename=(\S+)", rest) or re.search("()", "")).group(1)
    rows = {"system": [], "ld-mmld.so": []}
    for pid, d in procs.items():
        who = "system" if "sysentry" in d else "ld-mmld.so" if "mmldentry" in d else None
        need = ("sys_enter_execve", "sched_process_exec", "progentry", "exit", "sys_enter_exit_group")
        if not who or d.get("file") != program or pid not in reaped or any(k not in d for k in need):
            continue
        start = d["sysentry" if who == "system" else "mmldentry"]
        rows[who].append({
            "execve -> exec": d["sched_process_exec"] - d["sys_enter_execve"],
            "exec -> loader entry": start - d["sched_process_exec"],
            "loader -> program entry": d["progentry"] - start,
            "program entry -> exit()": d["exit"] - d["progentry"],
            "exit() -> exit_group": d["sys_enter_exit_group"] - d["exit"],
            "exit_group -> reaped": reaped[pid] - d["sys_enter_exit_group"],
            "execve -> reaped": reaped[pid] - d["sys_enter_execve"],
        })
    return rows


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.split("\n\n")[1])
    rtld, runs, program = os.path.abspath(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    program[0] = shutil.which(program[0]) or program[0]
    target = os.path.realpath(program[0])
    del_probes()
    try:
        add_probe("sysentry", SYSTEM_LOADER, hex(entry_offset(SYSTEM_LOADER)))
        add_probe("mmldentry", rtld, hex(entry_offset(rtld)))
        add_probe("progentry", target, hex(entry_offset(target)))
        add_probe("exit", LIBC, "exit")
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "perf.data")
            record(data, rtld, program, runs)
            rows = parse(data, program[0])
    finally:
        del_probes()
    if not rows["system"] or not rows["ld-mmld.so"]:
        sys.exit("phases.py: no complete run recorded")
    load = open("/proc/loadavg").read().split()[0]
    print(f"where {' '.join(sys.argv[3:])} spends its time, kernel-started, medians in us "
          f"({len(rows['system'])} and {len(rows['ld-mmld.so'])} runs, load average {load})")
    print(f"{'segment':26} {'system':>10} {'ld-mmld.so':>11} {'difference':>11}")
    for k in rows["system"][0]:
        a = statistics.median(r[k] for r in rows["system"])
        b = statistics.median(r[k] for r in rows["ld-mmld.so"])
        print(f"{k:26} {a:10.1f} {b:11.1f} {b - a:+11.1f}")


if __name__ == "__main__":
    main()
