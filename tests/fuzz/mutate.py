#!/usr/bin/env python3
"""Mutation fuzzing of what ld-mmld.so reads from an object: random bytes changed in the ELF
and program headers, .dynamic, the symbol, string, hash and version tables and the
relocations of a copy of libdep_a.so (or of the program), then `ld-mmld.so deps` run on it.

A run may succeed, fail with a message, or crash in the program's own code (a relocation
that is well-formed but wrong sends the library's code astray, under any loader). It must
not crash inside ld-mmld.so, nor have ld-mmld.so call or jump to an address that is not
code, nor hang. Those runs are kept as crashNNN.so in the work directory and counted.

usage: mutate.py BUILD_DIR [RUNS [SEED [FILE]]]   (make fuzz FUZZ_RUNS=.. FUZZ_SEED=..)
FILE is the one damaged: libdep_a.so (default), libdep_b.so, libdep_c.so or deps, the program.
Exit status: 0 if no run was the loader's fault, 1 otherwise."""
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else 'build')
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 500
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rtld = os.path.join(build, 'ld-mmld.so')
random.seed(seed)

work = tempfile.mkdtemp(prefix='mmld-fuzz.')
for f in ('deps', 'libdep_a.so', 'libdep_b.so', 'libdep_c.so'):
    shutil.copy(os.path.join(build, 'testprogs', f), work)
target = os.path.join(work, sys.argv[4] if len(sys.argv) > 4 else 'libdep_a.so')
orig = open(target, 'rb').read()


def regions(b):
    """File ranges the loader interprets (not code, not data it merely maps)."""
    phoff, = struct.unpack_from('<Q', b, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', b, 0x36)
    out = [(0, phoff + phentsize * phnum)]
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3A)
    sh = [struct.unpack_from('<IIQQQQIIQQ', b, shoff + i * shentsize) for i in range(shnum)]
    names = sh[shstrndx][4]
    wanted = {'.gnu.hash', '.hash', '.dynsym', '.dynstr', '.gnu.version', '.gnu.version_r',
              '.gnu.version_d', '.rela.dyn', '.rela.plt', '.relr.dyn', '.dynamic', '.init_array',
              '.fini_array'}
    for s in sh:
        name = b[names + s[0]:b.index(b'\0', names + s[0])].decode()
        if name in wanted and s[1] != 8 and s[5]:  # not NOBITS, not empty
            out.append((s[4], s[4] + s[5]))
    return out


def where_it_crashed():
    """gdb's view of the crash: is the faulting pc in ld-mmld.so, or did ld-mmld.so call a
    non-code address (pc in no object, a return address into ld-mmld.so on the stack)?"""
    g = subprocess.run(['gdb', '-nx', '-q', '-batch', '-ex', 'run', '-ex', 'info symbol $pc', '-ex', 'bt 2',
                        '-ex', 'p/x $pc', '-ex', 'p/x $rsp', '-ex', 'info proc mappings',
                        '-ex', 'echo RET:', '-ex', 'info symbol *(long *)$rsp',
                        '--args', rtld, './deps'], cwd=work, capture_output=True, encoding='utf-8', errors='replace', timeout=120,
                       stdin=subprocess.DEVNULL)
    lines = g.stdout.splitlines()
    pc = next((int(l.split('=')[1], 16) for l in lines if l.startswith('$1 = 0x')), None)
    sp = next((int(l.split('=')[1], 16) for l in lines if l.startswith('$2 = 0x')), None)
    stack = [l.split() for l in lines if l.rstrip().endswith('[stack]')]
    sp_ok = sp is not None and any(int(f[0], 16) <= sp < int(f[1], 16) for f in stack)
    # Running on the stack (made executable at the file's request): the object's code jumped
    # there; ld-mmld.so checks every address it calls.
    pc_on_stack = pc is not None and any(int(f[0], 16) <= pc < int(f[1], 16) for f in stack)
    # Executable mappings of the objects (not ld-mmld.so): a pc there is the objects' code.
    in_object_code = False
    for l in lines:
        f = l.split()
        if len(f) >= 6 and f[0].startswith('0x') and f[1].startswith('0x') and 'x' in f[4] and 'ld-mmld.so' not in f[5]:
            if pc is not None and int(f[0], 16) <= pc < int(f[1], 16):
                in_object_code = True
    sym = next((l for l in lines if ' in section ' in l or l.startswith('No symbol matches')), '')
    frames = [l for l in lines if l.startswith('#')]
    # The pc in ld-mmld.so's code. (A pc in its data, where its heap is, is no code of
    # anyone's: whether the loader went there is the return-address question below.)
    in_our_code = 'ld-mmld.so' in sym and ' in section .text of ' in sym
    if in_our_code and not sp_ok:
        # Back in ld-mmld.so with the stack pointer thrown off the stack: a constructor
        # pointed into the middle of the object's code, which wrecked the stack and returned.
        return False, sym + ' (stack pointer off the stack)'
    if in_our_code:
        return True, sym
    # A call from ld-mmld.so to a non-code address leaves a return address into ld-mmld.so
    # on top of the stack: somewhere inside a function ("f + N"), never a function's first
    # byte (that is a pointer the program's wrecked code returned through). Without one, the
    # object's own code went there (a finaliser entered mid-function jumping through a
    # register that held one of the loader's records).
    ret = next((l[len('RET:'):] for l in lines if l.startswith('RET:')), '')
    no_code = sym.startswith('No symbol matches') or 'ld-mmld.so' in sym
    if no_code and not in_object_code and not pc_on_stack and 'ld-mmld.so' in ret and ' + ' in ret:
        return True, 'ld-mmld.so called a non-code address, from ' + ret.split(' in section')[0]
    return False, sym or (frames[0] if frames else '?')


def where_it_hangs():
    """A run that does not end: where is it? Spinning in the program's own code (a
    constructor pointer moved into the middle of a function) is not the loader's doing."""
    p = subprocess.Popen([rtld, './deps'], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)
    try:
        p.wait(timeout=3)
        return False, 'ended on a second run'
    except subprocess.TimeoutExpired:
        pass
    g = subprocess.run(['gdb', '-nx', '-q', '-batch', '-p', str(p.pid), '-ex', 'info symbol $pc'],
                       capture_output=True, encoding='utf-8', errors='replace', timeout=120, stdin=subprocess.DEVNULL)
    p.kill()
    p.wait()
    sym = next((l for l in g.stdout.splitlines() if ' in section ' in l or l.startswith('No symbol')), '?')
    return 'ld-mmld.so' in sym, 'hang at ' + sym


zones = regions(orig)
loader_faults = program_crashes = errors = clean = 0
for i in range(runs):
    b = bytearray(orig)
    for _ in range(random.randint(1, 4)):
        lo, hi = random.choice(zones)
        off = random.randrange(lo, hi)
        if random.random() < 0.7:
            b[off] = random.randrange(256)
        else:
            b[off] ^= 1 << random.randrange(8)
    open(target, 'wb').write(b)
    try:
        p = subprocess.run([rtld, './deps'], cwd=work, capture_output=True, timeout=5, stdin=subprocess.DEVNULL)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        rc = None
    if rc is not None and rc >= 0:
        if rc == 127:
            errors += 1
            # One error line (names may hold any byte); warnings (text relocations) may precede it.
            errs = [l for l in p.stderr.split(b'\n')[:-1] if b': warning: ' not in l]
            if len(errs) != 1 or not p.stderr.endswith(b'\n'):
                loader_faults += 1
                shutil.copy(target, os.path.join(work, 'crash%03d.so' % loader_faults))
                print('crash%03d.so: status 127 without exactly one line on stderr' % loader_faults)
        else:
            clean += 1
        continue
    fault, why = where_it_hangs() if rc is None else where_it_crashed()
    if fault:
        loader_faults += 1
        shutil.copy(target, os.path.join(work, 'crash%03d.so' % loader_faults))
        print('crash%03d.so: %s' % (loader_faults, why))
    else:
        program_crashes += 1

open(target, 'wb').write(orig)
print(f'fuzz: {runs} runs (seed {seed}): {clean} ran, {errors} refused with a message, '
      f'{program_crashes} crashed in the program\'s own code, {loader_faults} the loader\'s fault')
if loader_faults:
    print(f'fuzz: the damaged files are in {work}')
    sys.exit(1)
shutil.rmtree(work)
