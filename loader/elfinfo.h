/* What mmld needs to know of an ELF object, read from its file with libelf. */
#ifndef MMLD_ELFINFO_H
#define MMLD_ELFINFO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum seg_class { CLASS_TEXT, CLASS_RODATA, CLASS_RELRO, CLASS_DATA, CLASS_BSS, CLASS_NCLASSES };
extern const char *const class_names[CLASS_NCLASSES];

struct load_seg {
	uint64_t vaddr, memsz, filesz, offset;
	uint32_t flags; /* PF_R/W/X */
};

/* Relocations that write into one section, by type: for "which pages relocations dirty". */
struct reloc_group {
	char section[64];    /* the section holding the words; without section headers, "segment N (class)" */
	char type[40];       /* "R_X86_64_GLOB_DAT", "R_X86_64_RELATIVE (RELR)" for the packed table */
	size_t relocs;
	size_t pages;        /* distinct pages these relocations write */
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
	unsigned machine;                /* e_machine */
	unsigned type;                   /* e_type */
	bool has_sections;               /* section headers (else sections are unknown) */
	bool has_dynamic, has_interp;    /* PT_DYNAMIC, PT_INTERP */
	bool relocs_from_dynamic;        /* the tables were read as the loader reads them */
	bool textrel;                    /* DT_TEXTREL / DF_TEXTREL */
	size_t none_relocs;              /* R_X86_64_NONE entries (write nothing) */
	size_t text_reloc_pages;         /* written pages in segments that are not writable */
	bool bad_tables;                 /* a relocation table lies outside the file */
	char unloadable[160];            /* why no loader maps it ("" if one would): a PT_LOAD whose
					  * end wraps or passes the user address space, or whose
					  * file part is larger than its memory size */
};

/* Reads path; on failure ok is false (a mapping of it is then counted as "other"). The
 * relocations are those a loader applies: the dynamic segment's tables (elfreloc.h). */
struct elf_info *elfinfo_load(const char *path);
/* Cached by path for the life of the process. */
struct elf_info *elfinfo_get(const char *path);
/* The file process pid maps at [start, end), device dev, inode ino, named path in its maps:
 * read through /proc/PID/map_files/START-END (the very file mapped, deleted or in another
 * mount namespace; root), else through path if that is still the same file (st_dev, st_ino).
 * Cached by device and inode. NULL: not ELF, or (*unreadable) neither is readable as the
 * mapped file. */
const struct elf_info *elfinfo_get_mapped(pid_t pid, uint64_t start, uint64_t end, uint64_t dev, uint64_t ino,
					  const char *path, bool *unreadable);
/* The segment class of link-time address v, or -1 if no PT_LOAD covers it. */
int elfinfo_class(const struct elf_info *e, uint64_t v);
/* Lowest page-aligned PT_LOAD address (what the object's first mapping corresponds to). */
uint64_t elfinfo_first_page(const struct elf_info *e);
/* Is link-time page `page` written by a relocation? */
bool elfinfo_reloc_page(const struct elf_info *e, uint64_t page);
/* How many pages of [lo, hi) (link-time) relocations write: two binary searches, so the
 * cost never depends on sizes the file gives. */
size_t elfinfo_reloc_pages_in(const struct elf_info *e, uint64_t lo, uint64_t hi);
/* The end of [addr, addr + size), UINT64_MAX where the sum wraps (sizes come from files). */
uint64_t elfinfo_end(uint64_t addr, uint64_t size);

/* One relocation, for per-word detail (mmld pages): the link-time address it writes, the
 * allocated section holding that address, its type (as reloc_groups name it), the symbol it
 * names ("" for none) and the word the file has there (what a lazy GOT slot starts from). */
struct reloc_word {
	uint64_t where;
	const char *section, *type, *symbol;
	uint64_t file_word;
};
/* Calls fn for every relocation of the file at path (RELA and RELR tables). -1 if unreadable. */
int elfinfo_each_reloc(const char *path, void (*fn)(void *arg, const struct reloc_word *r), void *arg);
/* The value of dynamic symbol `name` defined in the file at path, or 0. */
uint64_t elfinfo_dynsym(const char *path, const char *name);
/* Calls fn for every allocated section: name, link-time address, size, SHT_NOBITS or not. */
int elfinfo_each_section(const char *path, void (*fn)(void *arg, const char *name, uint64_t addr, uint64_t size,
						   bool nobits), void *arg);
#endif
