/* What mmld needs to know of an ELF object, read from its file with libelf. */
#ifndef MMLD_ELFINFO_H
#define MMLD_ELFINFO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum seg_class { CLASS_TEXT, CLASS_RODATA, CLASS_RELRO, CLASS_DATA, CLASS_BSS, CLASS_NCLASSES };
extern const char *const class_names[CLASS_NCLASSES];

struct load_seg {
	uint64_t vaddr, memsz, filesz, offset;
	uint32_t flags; /* PF_R/W/X */
};

/* Relocations that write into one section, by type: for "which pages relocations dirty". */
struct reloc_group {
	char section[32];
	char type[24];
	size_t relocs;
	size_t pages;
};

struct elf_info {
	char *path;
	bool ok;
	struct load_seg *segs;
	size_t nsegs;
	uint64_t relro_start, relro_end; /* link-time addresses, 0/0 if none */
	uint64_t *reloc_pages;           /* sorted, distinct link-time page addresses written */
	size_t nreloc_pages;
	struct reloc_group *groups;
	size_t ngroups;
	size_t nrelocs;
};

/* Reads path; on failure ok is false (a mapping of it is then counted as "other"). */
struct elf_info *elfinfo_load(const char *path);
/* Cached by path for the life of the process. */
struct elf_info *elfinfo_get(const char *path);
/* The segment class of link-time address v, or -1 if no PT_LOAD covers it. */
int elfinfo_class(const struct elf_info *e, uint64_t v);
/* Lowest page-aligned PT_LOAD address (what the object's first mapping corresponds to). */
uint64_t elfinfo_first_page(const struct elf_info *e);
/* Is link-time page `page` written by a relocation? */
bool elfinfo_reloc_page(const struct elf_info *e, uint64_t page);
#endif
