#!/usr/bin/env python3
"""Damages one thing in an ELF shared object, in place, for the malformed-input tests.

usage: damage.py FILE relro-beyond          PT_GNU_RELRO reaching far past the object
       damage.py FILE rwx-data              the writable PT_LOAD made executable too (not damage:
                                            unusual, and valid)
       damage.py FILE drop-dyn TAG          the first dynamic entry TAG (decimal) gets an unknown tag
       damage.py FILE init-array-to-data    the relocation filling DT_INIT_ARRAY[0] points at .dynamic
       damage.py FILE sym-value NAME VALUE  the dynamic symbol NAME gets st_value VALUE (hex)
       damage.py FILE needed-newline        the last byte of the first DT_NEEDED name becomes '\\n'
       damage.py FILE plt-as-tlsdesc        the last PLT relocation becomes R_X86_64_TLSDESC
       damage.py FILE entry-outside         e_entry far outside the object

Each leaves the rest of the file as it was, so the loader meets exactly one problem."""
import struct
import sys

PT_DYNAMIC, PT_GNU_RELRO = 2, 0x6474E552
DT_NEEDED, DT_PLTRELSZ, DT_STRTAB, DT_RELA, DT_RELASZ, DT_JMPREL, DT_INIT_ARRAY = 1, 2, 5, 7, 8, 23, 25
R_X86_64_RELATIVE = 8


def phdrs(b):
    phoff, = struct.unpack_from('<Q', b, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', b, 0x36)
    for i in range(phnum):
        off = phoff + i * phentsize
        yield off, struct.unpack_from('<IIQQQQQQ', b, off)


def vaddr_to_off(b, vaddr):
    for _, (ptype, _f, off, va, _pa, filesz, _m, _a) in phdrs(b):
        if ptype == 1 and va <= vaddr < va + filesz:
            return off + vaddr - va
    sys.exit(f'damage.py: address {vaddr:#x} is not in the file')


def dynamic(b):
    for _, (ptype, _f, off, _va, _pa, filesz, _m, _a) in phdrs(b):
        if ptype == PT_DYNAMIC:
            for k in range(0, filesz, 16):
                tag, val = struct.unpack_from('<qQ', b, off + k)
                if tag == 0:
                    return
                yield off + k, tag, val


def dyn_value(b, tag):
    for _, t, v in dynamic(b):
        if t == tag:
            return v
    sys.exit(f'damage.py: no dynamic entry {tag}')


def section(b, name):
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3A)
    sh = [struct.unpack_from('<IIQQQQIIQQ', b, shoff + i * shentsize) for i in range(shnum)]
    strtab_off = sh[shstrndx][4]
    for s in sh:
        n = b[strtab_off + s[0]:b.index(b'\0', strtab_off + s[0])].decode()
        if n == name:
            return s
    sys.exit(f'damage.py: no section {name}')


def main():
    path, op, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    b = bytearray(open(path, 'rb').read())
    if op == 'relro-beyond':
        for off, p in phdrs(b):
            if p[0] == PT_GNU_RELRO:
                struct.pack_into('<Q', b, off + 40, 1 << 40)  # p_memsz
                break
        else:
            sys.exit('damage.py: no PT_GNU_RELRO')
    elif op == 'rwx-data':
        for off, p in phdrs(b):
            if p[0] == 1 and p[1] & 2:
                struct.pack_into('<I', b, off + 4, p[1] | 1)  # p_flags |= PF_X
                break
        else:
            sys.exit('damage.py: no writable PT_LOAD')
    elif op == 'drop-dyn':
        tag = int(args[0])
        for off, t, _ in dynamic(b):
            if t == tag:
                struct.pack_into('<q', b, off, 0x6000000D)  # in the OS range, meaning nothing
                break
        else:
            sys.exit(f'damage.py: no dynamic entry {tag}')
    elif op == 'init-array-to-data':
        target = dyn_value(b, DT_INIT_ARRAY)
        data = next(p[3] for _, p in phdrs(b) if p[0] == PT_DYNAMIC)
        rela = vaddr_to_off(b, dyn_value(b, DT_RELA))
        for k in range(0, dyn_value(b, DT_RELASZ), 24):
            r_offset, r_info = struct.unpack_from('<QQ', b, rela + k)
            if r_offset == target and r_info & 0xFFFFFFFF == R_X86_64_RELATIVE:
                struct.pack_into('<q', b, rela + k + 16, data)  # r_addend
                break
        else:
            sys.exit('damage.py: no RELATIVE relocation fills DT_INIT_ARRAY[0]')
    elif op == 'sym-value':
        name, value = args[0].encode(), int(args[1], 16)
        dynsym, dynstr = section(b, '.dynsym'), section(b, '.dynstr')
        for k in range(0, dynsym[5], 24):
            st_name, = struct.unpack_from('<I', b, dynsym[4] + k)
            s = dynstr[4] + st_name
            if b[s:b.index(b'\0', s)] == name:
                struct.pack_into('<Q', b, dynsym[4] + k + 8, value)
                break
        else:
            sys.exit(f'damage.py: no dynamic symbol {args[0]}')
    elif op == 'entry-outside':
        struct.pack_into('<Q', b, 0x18, 0x7C00000000001000)
    elif op == 'needed-newline':
        s = vaddr_to_off(b, dyn_value(b, DT_STRTAB)) + dyn_value(b, DT_NEEDED)
        b[b.index(b'\0', s) - 1] = ord('\n')
    elif op == 'plt-as-tlsdesc':
        last = vaddr_to_off(b, dyn_value(b, DT_JMPREL)) + dyn_value(b, DT_PLTRELSZ) - 24
        r_info, = struct.unpack_from('<Q', b, last + 8)
        struct.pack_into('<Q', b, last + 8, (r_info & ~0xFFFFFFFF) | 36)
    else:
        sys.exit(f'damage.py: unknown operation {op}')
    open(path, 'wb').write(b)


main()
