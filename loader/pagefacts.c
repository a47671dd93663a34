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

/* [addr, addr + size) as pages of o: clamped to its span, the sum's wrap guarded. The
 * sizes are the file's (a section header can say 2^60 bytes); the loops over the result
 * walk no more pages than o has. False if nothing of it is in o. */
static bool clamp_to_object(const struct pobject *o, uint64_t addr, uint64_t size, uint64_t *from, uint64_t *to)
{
	uint64_t lo = addr & ~(PG - 1), hi = elfinfo_end(addr, size);
	*from = lo > o->lo ? lo : o->lo;
	*to = hi < o->hi ? hi : o->hi;
	return *from < *to;
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
	uint64_t from, to;
	if (!clamp_to_object(o, addr, size, &from, &to))
		return;
	for (uint64_t p = from; p < to; p += PG) {
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
		uint64_t file_end = elfinfo_end(g->vaddr, g->filesz), from, to;
		if (!clamp_to_object(o, g->vaddr, g->memsz, &from, &to))
			continue;
		for (uint64_t p = from; p < to; p += PG) {
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
