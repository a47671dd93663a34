#!/usr/bin/env python3
"""Writes a copy of a real ELF file with one size made hostile, for mmld's "never hangs" tests.

usage: hostile_elf.py IN OUT size-wraps      the writable PT_LOAD's p_filesz and p_memsz
                                             0xcafed00dffff0000 (past the address space; what
                                             melkor's orcs_P and radare2's fuzzed files do)
       hostile_elf.py IN OUT size-huge       the writable PT_LOAD's p_filesz and p_memsz 2^46 (its
                                             end inside the user address space: 2^34 pages)
       hostile_elf.py IN OUT vaddr-high      the writable PT_LOAD moved to 0x7ffffffff000 (its end
                                             passes the user address space)
       hostile_elf.py IN OUT section-huge    .dynstr's sh_size 2^56 (what melkor's orcs_S do; loaders
                                             read no section header, so the program still runs)
       hostile_elf.py IN OUT dynamic-huge    .dynamic's sh_size 2^63 + 16 (its end wraps)
       hostile_elf.py IN OUT needed-to-eof   the file grown to a page multiple of 'A's that the
                                             writable PT_LOAD reads to the end, the first
                                             DT_NEEDED pointed there, DT_STRSZ 2^40: a string
                                             with no NUL before the end of the file

Everything else is left as it was, so a reader meets exactly one problem."""
import struct
import sys

PT_LOAD, PF_W = 1, 2


def phdrs(b):
    phoff, = struct.unpack_from('<Q', b, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', b, 0x36)
    for i in range(phnum):
        off = phoff + i * phentsize
        yield off, struct.unpack_from('<IIQQQQQQ', b, off)


def shdrs(b):
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3a)
    str_off, = struct.unpack_from('<Q', b, shoff + shstrndx * shentsize + 0x18)
    for i in range(shnum):
        off = shoff + i * shentsize
        name, = struct.unpack_from('<I', b, off)
        end = b.index(b'\0', str_off + name)
        yield off, b[str_off + name:end].decode()


def writable_load(b):
    for off, (p_type, flags, *_rest) in phdrs(b):
        if p_type == PT_LOAD and flags & PF_W:
            return off
    sys.exit('no writable PT_LOAD')


def section(b, wanted):
    for off, name in shdrs(b):
        if name == wanted:
            return off
    sys.exit('no section ' + wanted)


def dynamic_entries(b):
    for off, (p_type, _f, p_offset, _v, _p, p_filesz, _m, _a) in phdrs(b):
        if p_type == 2:  # PT_DYNAMIC
            for e in range(p_offset, p_offset + p_filesz, 16):
                tag, = struct.unpack_from('<q', b, e)
                if tag == 0:
                    return
                yield e, tag


def needed_to_eof(b):
    load = writable_load(b)
    p_offset, vaddr = struct.unpack_from('<QQ', b, load + 0x08)
    tail = len(b) + 64
    b.extend(b'A' * ((-tail) % 4096 + 64))
    end = len(b)
    struct.pack_into('<QQ', b, load + 0x20, end - p_offset, end - p_offset + 4096)
    tail_vaddr = vaddr + (end - 64 - p_offset)
    entries = dict((tag, e) for e, tag in reversed(list(dynamic_entries(b))))
    strtab, = struct.unpack_from('<Q', b, entries[5] + 8)  # DT_STRTAB
    struct.pack_into('<Q', b, entries[1] + 8, tail_vaddr - strtab)  # the first DT_NEEDED
    struct.pack_into('<Q', b, entries[10] + 8, 1 << 40)  # DT_STRSZ


def main():
    src, dst, what = sys.argv[1:4]
    b = bytearray(open(src, 'rb').read())
    if what == 'size-wraps':
        struct.pack_into('<QQ', b, writable_load(b) + 0x20, 0xcafed00dffff0000, 0xcafed00dffff0000)
    elif what == 'size-huge':
        struct.pack_into('<QQ', b, writable_load(b) + 0x20, 1 << 46, 1 << 46)
    elif what == 'vaddr-high':
        off = writable_load(b)
        p_offset, = struct.unpack_from('<Q', b, off + 0x08)
        vaddr = 0x7ffffffff000 + (p_offset & 0xfff)
        struct.pack_into('<QQ', b, off + 0x10, vaddr, vaddr)
    elif what == 'section-huge':
        struct.pack_into('<Q', b, section(b, '.dynstr') + 0x20, 1 << 56)
    elif what == 'dynamic-huge':
        struct.pack_into('<Q', b, section(b, '.dynamic') + 0x20, (1 << 63) + 16)
    elif what == 'needed-to-eof':
        needed_to_eof(b)
    else:
        sys.exit(__doc__)
    with open(dst, 'wb') as f:
        f.write(b)


main()
