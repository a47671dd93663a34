#include "elfcheck.h"
#include "lib/format.h"
#include "lib/string.h"

#define FAIL(...) do { rt_snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int elf_check_ehdr(const Elf64_Ehdr *eh, uint64_t file_size, char *err, size_t errlen)
{
	if (file_size < sizeof *eh)
		FAIL("file too short");
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		FAIL("invalid ELF header");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		FAIL("wrong ELF class: %s", eh->e_ident[EI_CLASS] == ELFCLASS32 ? "ELFCLASS32" : "unknown");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		FAIL("ELF file data encoding not little-endian");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		FAIL("ELF file version does not match current one");
	if (eh->e_ident[EI_OSABI] != ELFOSABI_NONE && eh->e_ident[EI_OSABI] != ELFOSABI_GNU)
		FAIL("ELF file OS ABI invalid (%u)", eh->e_ident[EI_OSABI]);
	if (eh->e_machine != EM_X86_64)
		FAIL("wrong machine %u (not x86-64)", eh->e_machine);
	if (eh->e_type != ET_DYN && eh->e_type != ET_EXEC)
		FAIL("only ET_DYN and ET_EXEC can be loaded (e_type %u)", eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		FAIL("ELF file's phentsize not the expected size (%u, not %u)", eh->e_phentsize,
		     (unsigned)sizeof(Elf64_Phdr));
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		FAIL("bad number of program headers (%u)", eh->e_phnum);
	if (eh->e_phoff > file_size || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > file_size - eh->e_phoff)
		FAIL("program headers beyond end of file (offset %lu, %u entries, file %lu bytes)",
		     (unsigned long)eh->e_phoff, eh->e_phnum, (unsigned long)file_size);
	return 0;
}

int elf_check_phdrs(const Elf64_Phdr *ph, size_t phnum, uint64_t file_size, uint64_t pagesize, char *err,
		    size_t errlen)
{
	size_t nload = 0, ndyn = 0, ntls = 0;
	uint64_t prev_end = 0;
	for (size_t i = 0; i < phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type == PT_DYNAMIC && ++ndyn > 1)
			FAIL("more than one PT_DYNAMIC");
		if (p->p_type == PT_TLS) {
			if (++ntls > 1)
				FAIL("more than one PT_TLS");
			if (p->p_align & (p->p_align - 1))
				FAIL("PT_TLS alignment %lu is not a power of two", (unsigned long)p->p_align);
			if (p->p_filesz > p->p_memsz)
				FAIL("PT_TLS file size %lu exceeds memory size %lu", (unsigned long)p->p_filesz,
				     (unsigned long)p->p_memsz);
			if (p->p_align > (1UL << 20) || p->p_memsz > (1UL << 30))
				FAIL("PT_TLS too large (size %lu, align %lu)", (unsigned long)p->p_memsz,
				     (unsigned long)p->p_align);
		}
		if (p->p_type != PT_LOAD)
			continue;
		nload++;
		if (p->p_filesz > p->p_memsz)
			FAIL("segment %zu: file size %#lx exceeds memory size %#lx", i, (unsigned long)p->p_filesz,
			     (unsigned long)p->p_memsz);
		if (p->p_vaddr + p->p_memsz < p->p_vaddr || p->p_vaddr + p->p_memsz > (1UL << 47))
			FAIL("segment %zu: address %#lx + size %#lx overflows", i, (unsigned long)p->p_vaddr,
			     (unsigned long)p->p_memsz);
		if (p->p_offset > file_size || p->p_filesz > file_size - p->p_offset)
			FAIL("segment %zu: file range %#lx+%#lx beyond end of file (%lu bytes)", i,
			     (unsigned long)p->p_offset, (unsigned long)p->p_filesz, (unsigned long)file_size);
		if (p->p_align & (p->p_align - 1))
			FAIL("segment %zu: alignment %#lx is not a power of two", i, (unsigned long)p->p_align);
		if ((p->p_vaddr - p->p_offset) % pagesize)
			FAIL("ELF load command address/offset not page-aligned (segment %zu: vaddr %#lx, offset %#lx)",
			     i, (unsigned long)p->p_vaddr, (unsigned long)p->p_offset);
		if (nload > 1 && p->p_vaddr < prev_end)
			FAIL("segment %zu: PT_LOAD segments overlap or are not in ascending order (vaddr %#lx)", i,
			     (unsigned long)p->p_vaddr);
		prev_end = p->p_vaddr + p->p_memsz;
	}
	if (nload == 0)
		FAIL("object has no loadable segments");
	/* PT_GNU_RELRO is made read-only after relocation: outside the object's own span that
	 * mprotect would hit whatever else is mapped there (the stack, another library). Linkers
	 * may pad it to a page boundary past the last segment's end; not further. */
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_LOAD) {
			lo = ph[i].p_vaddr < lo ? ph[i].p_vaddr : lo;
			hi = ph[i].p_vaddr + ph[i].p_memsz > hi ? ph[i].p_vaddr + ph[i].p_memsz : hi;
		}
	hi = (hi + pagesize - 1) & ~(pagesize - 1);
	for (size_t i = 0; i < phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type == PT_GNU_RELRO && p->p_memsz &&
		    (p->p_vaddr < lo || p->p_vaddr > hi || p->p_memsz > hi - p->p_vaddr))
			FAIL("PT_GNU_RELRO %#lx+%#lx outside the loadable segments", (unsigned long)p->p_vaddr,
			     (unsigned long)p->p_memsz);
	}
	return 0;
}
