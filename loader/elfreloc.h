/* An ELF file's relocations as a dynamic linker sees them: the tables its dynamic segment
 * names (DT_RELA, DT_JMPREL, DT_RELR, DT_REL), read through the program headers, so a file
 * without section headers is read as well as one with them; where there is no dynamic
 * segment (a static program: its startup code applies its own IRELATIVE relocations), the
 * allocated relocation sections. Names of machines and relocation types; the section (or,
 * without section headers, the segment) holding an address. */
#ifndef MMLD_ELFRELOC_H
#define MMLD_ELFRELOC_H
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One relocation: where it writes (link-time address), its type, whether it came from the
 * packed DT_RELR table, and its symbol (index into the dynamic symbol table, 0: none). */
struct reloc {
	uint64_t where;
	unsigned type;
	bool relr;
	uint32_t sym;
};

/* What the tables are and where they came from. */
struct reloc_source {
	bool dynamic;    /* from the dynamic segment (else: section headers) */
	bool textrel;    /* DT_TEXTREL or DF_TEXTREL */
	size_t none;     /* R_X86_64_NONE entries (they write nothing) */
	uint64_t symtab, strtab, strsz; /* DT_SYMTAB, DT_STRTAB, DT_STRSZ (link-time addresses) */
};

/* Calls fn for every relocation of elf (NONE entries are counted in src->none, not passed).
 * Returns the number passed, or -1 if a table lies outside the file. */
long elfreloc_walk(Elf *elf, struct reloc_source *src, void (*fn)(void *arg, const struct reloc *r), void *arg);

/* "R_X86_64_GLOB_DAT" (x86-64), else "type 7"; buf is used for the latter. */
const char *elfreloc_type_name(unsigned machine, unsigned type, char *buf, size_t len);
/* "x86-64", "AArch64", ... or "machine 999"; buf is used for the latter. */
const char *elfreloc_machine_name(unsigned machine, char *buf, size_t len);

/* The file's bytes at link-time address v (len of them inside one PT_LOAD's file part), or
 * NULL. */
const void *elfreloc_at(Elf *elf, uint64_t v, size_t len);
/* The file's bytes at link-time address v and how many of them there are to the end of its
 * PT_LOAD's file part (0 and NULL if none): for a string whose size the file gives. */
size_t elfreloc_bytes_at(Elf *elf, uint64_t v, const char **p);
/* The NUL-terminated string at v of a string table of size `size` at `table`, wholly inside
 * the file and the table, or NULL. */
const char *elfreloc_string(Elf *elf, uint64_t table, uint64_t size, uint64_t off);

/* Where an address is: the allocated sections sorted by address (TLS bss excluded: it
 * occupies no addresses of the image), for a binary search. */
struct section_map {
	struct { uint64_t lo, hi; const char *name; } *s;
	size_t n;
};
void section_map_init(struct section_map *m, Elf *elf);
void section_map_free(struct section_map *m);
/* The section holding v, or NULL. */
const char *section_map_find(const struct section_map *m, uint64_t v);
#endif
