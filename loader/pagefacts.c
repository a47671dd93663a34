/* What the file says of each page of an object, before anything runs: its segment, the
 * sections in it, the relocations that write it (by section and type, word by word), where
 * bss begins, and the GOT slots lazy binding may write. All link-time addresses, so every
 * line of the report can be checked against readelf -lW, -SW and -rW. */
#include "pages.h"
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG 4096ULL

static struct page_facts *facts_of(struct pobject *o, uint64_t v)
{
	if (v < o->lo || v >= o->hi)
		return NULL;
	return &o->facts[(v - o->lo) / PG];
}

static void add_section(void *arg, const char *name, uint64_t addr, uint64_t size, bool nobits)
{
	(void)nobits;
	struct pobject *o = arg;
	if (!size || !addr)
		return;
	if (strcmp(name, ".dynamic") == 0) {
		o->dynamic = addr;
		o->dynamic_size = size;
	}
	for (uint64_t p = addr & ~(PG - 1); p < addr + size; p += PG) {
		struct page_facts *f = facts_of(o, p);
		if (!f)
			continue;
		size_t len = strlen(f->sections);
		if (len + strlen(name) + 2 >= sizeof f->sections) {
			if (!strstr(f->sections, " ..."))
				snprintf(f->sections + len, sizeof f->sections - len, " ...");
			continue;
		}
		snprintf(f->sections + len, sizeof f->sections - len, "%s%s", len ? " " : "", name);
	}
}

static void add_reloc(void *arg, const struct reloc_word *r)
{
	struct pobject *o = arg;
	struct page_facts *f = facts_of(o, r->where & ~(PG - 1));
	if (!f)
		return;
	f->words++;
	size_t i = 0;
	while (i < f->nrelocs && (strcmp(f->relocs[i].section, r->section) || strcmp(f->relocs[i].type, r->type)))
		i++;
	if (i == f->nrelocs) {
		f->relocs = realloc(f->relocs, (f->nrelocs + 1) * sizeof *f->relocs);
		memset(&f->relocs[i], 0, sizeof f->relocs[i]);
		snprintf(f->relocs[i].section, sizeof f->relocs[i].section, "%s", r->section);
		snprintf(f->relocs[i].type, sizeof f->relocs[i].type, "%s", r->type);
		f->nrelocs++;
	}
	f->relocs[i].words++;
	if (strcmp(r->type, "JUMP_SLOT") == 0) {
		o->slots = realloc(o->slots, (o->nslots + 1) * sizeof *o->slots);
		o->slots[o->nslots++] = (struct got_slot){.where = r->where, .symbol = strdup(r->symbol), .file_word = r->file_word};
	}
}

void pagefacts_fill(struct pobject *o)
{
	o->facts = calloc(o->npages ? o->npages : 1, sizeof *o->facts);
	for (size_t i = 0; i < o->npages; i++)
		o->facts[i].page = o->lo + i * PG;
	const struct elf_info *e = o->e;
	for (size_t s = 0; s < e->nsegs; s++) {
		const struct load_seg *g = &e->segs[s];
		uint64_t file_end = g->vaddr + g->filesz, mem_end = g->vaddr + g->memsz;
		for (uint64_t p = g->vaddr & ~(PG - 1); p < mem_end; p += PG) {
			struct page_facts *f = facts_of(o, p);
			if (!f)
				continue;
			f->seg_flags = (int)g->flags;
			if (g->memsz > g->filesz && (file_end & (PG - 1)) && p == (file_end & ~(PG - 1)))
				f->bss_start = file_end;
			f->past_file = p >= ((file_end + PG - 1) & ~(PG - 1));
		}
	}
	elfinfo_each_section(o->path, add_section, o);
	elfinfo_each_reloc(o->path, add_reloc, o);
}
