/* reloc_prefault.c: the pages a large table's RELATIVE relocations will write, populated
 * ahead of them, a block of the table at a time. */
#ifndef MMLD_RELOC_PREFAULT_H
#define MMLD_RELOC_PREFAULT_H
#include "reloc.h"
#include "arch/x86_64/reloc_fast.h"

/* Entries per block (192 KiB of table): the table lines the probes read are still in the
 * cache when the relocation loop that follows reaches them. */
#define RELOC_PREFAULT_BLOCK 8192

/* Set while the relocation cache relocates an object in its new entry (relcache_publish.c):
 * those pages are the entry file's, mapped shared and writable already, so populating them
 * would only walk them (about 0.3 ms of CPU for clang-14's two large libraries). */
extern bool reloc_prefault_paused HIDDEN;
/* Is a table of this many entries worth it (and can this kernel do it)? */
HIDDEN bool reloc_prefault_wanted(size_t entries);
/* Populates the pages the RELATIVE entries at the head of [r, end) write inside s. */
HIDDEN void reloc_prefault_relative(const struct reloc_span *s, const Elf64_Rela *r, const Elf64_Rela *end);
#endif
