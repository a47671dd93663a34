#include "elfinfo.h"
#include "elfreloc.h"
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


const char *const class_names[CLASS_NCLASSES] = {"text", "rodata", "relro", "data", "bss"};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* A relocation collected: its page and its group. */
struct hit {
	uint64_t page;
	size_t group;
};

struct collector {
	struct elf_info *e;
	unsigned machine;
	struct section_map sections;
	char (*segnames)[64];   /* "segment N (class)" for files without section headers */
	struct hit *hits;
	size_t n, cap;
	size_t last;            /* the group of the previous relocation (they come in runs) */
	const char *last_section;
	unsigned last_type;
	bool last_relr;
};

static const char *segment_name(struct collector *c, uint64_t v)
{
	for (size_t i = 0; i < c->e->nsegs; i++) {
		const struct load_seg *s = &c->e->segs[i];
		if (v >= (s->vaddr & ~4095ULL) && v < s->vaddr + s->memsz) {
			int cls = elfinfo_class(c->e, v);
			snprintf(c->segnames[i], sizeof c->segnames[i], "segment %zu (%s)", i, cls >= 0 ? class_names[cls] : "?");
			return c->segnames[i];
		}
	}
	return "outside every segment";
}

static size_t find_group(struct collector *c, const char *section, unsigned type, bool relr)
{
	if (c->e->ngroups && section == c->last_section && type == c->last_type && relr == c->last_relr)
		return c->last;
	char tbuf[32], name[40];
	snprintf(name, sizeof name, "%s%s", elfreloc_type_name(c->machine, type, tbuf, sizeof tbuf), relr ? " (RELR)" : "");
	size_t g = 0;
	while (g < c->e->ngroups && (strcmp(c->e->groups[g].section, section) || strcmp(c->e->groups[g].type, name)))
		g++;
	if (g == c->e->ngroups) {
		c->e->groups = realloc(c->e->groups, (g + 1) * sizeof *c->e->groups);
		memset(&c->e->groups[g], 0, sizeof c->e->groups[g]);
		snprintf(c->e->groups[g].section, sizeof c->e->groups[g].section, "%s", section);
		snprintf(c->e->groups[g].type, sizeof c->e->groups[g].type, "%s", name);
		c->e->ngroups++;
	}
	c->last = g;
	c->last_section = section;
	c->last_type = type;
	c->last_relr = relr;
	return g;
}

static void collect(void *arg, const struct reloc *r)
{
	struct collector *c = arg;
	const char *section = c->sections.n ? section_map_find(&c->sections, r->where) : NULL;
	if (!section)
		section = c->sections.n ? "outside every section" : segment_name(c, r->where);
	size_t g = find_group(c, section, r->type, r->relr);
	c->e->groups[g].relocs++;
	c->e->nrelocs++;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->hits = realloc(c->hits, c->cap * sizeof *c->hits);
	}
	c->hits[c->n++] = (struct hit){r->where & ~4095ULL, g};
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->page < y->page ? -1 : x->page > y->page;
}

/* Distinct pages: per group (each group's own pages), and over all of them. */
static void count_pages(struct collector *c)
{
	struct elf_info *e = c->e;
	qsort(c->hits, c->n, sizeof *c->hits, cmp_hit);
	e->reloc_pages = malloc((c->n + 1) * sizeof *e->reloc_pages);
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (i == 0 || c->hits[i].group != c->hits[i - 1].group || c->hits[i].page != c->hits[i - 1].page) {
			e->groups[c->hits[i].group].pages++;
			e->reloc_pages[k++] = c->hits[i].page;
		}
	}
	qsort(e->reloc_pages, k, sizeof *e->reloc_pages, cmp_u64);
	size_t d = 0;
	for (size_t i = 0; i < k; i++)
		if (d == 0 || e->reloc_pages[d - 1] != e->reloc_pages[i])
			e->reloc_pages[d++] = e->reloc_pages[i];
	e->nreloc_pages = d;
	for (size_t i = 0; i < d; i++) {
		int cls = elfinfo_class(e, e->reloc_pages[i]);
		e->text_reloc_pages += cls == CLASS_TEXT || cls == CLASS_RODATA;
	}
}

/* x86-64's user address space (4-level page tables): no loader maps anything above it. */
#define USER_END (1ULL << 47)

/* What a loader refuses before mapping anything (rtld/elfcheck.c, glibc, the kernel): a
 * segment that ends past the address space (or whose end wraps), or that reads more from
 * the file than it occupies in memory. Every page count and per-page walk of mmld relies on
 * this: the sizes are the file's. */
static void check_loadable(struct elf_info *e, size_t phindex, const GElf_Phdr *ph)
{
	if (e->unloadable[0])
		return;
	if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr || ph->p_vaddr + ph->p_memsz > USER_END)
		snprintf(e->unloadable, sizeof e->unloadable,
			 "segment %zu: address %#lx + size %#lx passes the end of the user address space (%#llx)",
			 phindex, (unsigned long)ph->p_vaddr, (unsigned long)ph->p_memsz, USER_END);
	else if (ph->p_filesz > ph->p_memsz)
		snprintf(e->unloadable, sizeof e->unloadable, "segment %zu: file size %#lx exceeds memory size %#lx",
			 phindex, (unsigned long)ph->p_filesz, (unsigned long)ph->p_memsz);
}

static void read_segments(struct elf_info *e, Elf *elf)
{
	size_t nph = 0;
	if (elf_getphdrnum(elf, &nph) != 0)
		return;
	e->segs = calloc(nph ? nph : 1, sizeof *e->segs);
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD) {
			check_loadable(e, i, &ph);
			e->segs[e->nsegs++] = (struct load_seg){ph.p_vaddr, ph.p_memsz, ph.p_filesz, ph.p_offset, ph.p_flags};
		}
		else if (ph.p_type == PT_GNU_RELRO) {
			e->relro_start = ph.p_vaddr & ~4095ULL;
			e->relro_end = (ph.p_vaddr + ph.p_memsz) & ~4095ULL; /* glibc rounds the end down */
		}
		e->has_dynamic |= ph.p_type == PT_DYNAMIC;
		e->has_interp |= ph.p_type == PT_INTERP;
	}
}

static void read_relocations(struct elf_info *e, Elf *elf)
{
	struct collector c = {.e = e, .machine = e->machine};
	section_map_init(&c.sections, elf);
	e->has_sections = c.sections.n > 0;
	c.segnames = calloc(e->nsegs ? e->nsegs : 1, sizeof *c.segnames);
	struct reloc_source src;
	e->bad_tables = elfreloc_walk(elf, &src, collect, &c) < 0;
	e->relocs_from_dynamic = src.dynamic;
	e->textrel = src.textrel;
	e->none_relocs = src.none;
	count_pages(&c);
	/* Group names point into the collector's strings: copied already (snprintf). */
	free(c.hits);
	free(c.segnames);
	section_map_free(&c.sections);
}

/* Reads the ELF file open on fd (closed here), named path. */
static struct elf_info *load_fd(const char *path, int fd)
{
	struct elf_info *e = calloc(1, sizeof *e);
	e->path = strdup(path);
	elf_version(EV_CURRENT);
	if (fd < 0)
		return e;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	GElf_Ehdr eh;
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		if (elf)
			elf_end(elf);
		close(fd);
		return e;
	}
	e->machine = eh.e_machine;
	e->type = eh.e_type;
	read_segments(e, elf);
	read_relocations(e, elf);
	e->ok = e->nsegs > 0;
	elf_end(elf);
	close(fd);
	return e;
}

struct elf_info *elfinfo_load(const char *path)
{
	return load_fd(path, open(path, O_RDONLY | O_CLOEXEC));
}

/* fd (closed unless it is the file dev:ino) if it is that file; else -1. */
static int same_file(int fd, uint64_t dev, uint64_t ino)
{
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && (uint64_t)st.st_dev == dev && (uint64_t)st.st_ino == ino)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

const struct elf_info *elfinfo_get_mapped(pid_t pid, uint64_t start, uint64_t end, uint64_t dev, uint64_t ino,
					  const char *path, bool *unreadable)
{
	static struct mapped {
		uint64_t dev, ino;
		struct elf_info *e;
		bool unreadable;
	} *cache;
	static size_t n;
	for (size_t i = 0; i < n; i++)
		if (cache[i].dev == dev && cache[i].ino == ino) {
			*unreadable = cache[i].unreadable;
			return cache[i].e->ok ? cache[i].e : NULL;
		}
	char name[96];
	snprintf(name, sizeof name, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)pid, start, end);
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) { /* map_files needs CAP_SYS_ADMIN: the path, if it still names the file mapped */
		char real[4096];
		size_t len = strlen(path), tail = strlen(" (deleted)");
		snprintf(real, sizeof real, "%.*s", (int)(len > tail && strcmp(path + len - tail, " (deleted)") == 0 ? len - tail : len), path);
		fd = same_file(open(real, O_RDONLY | O_CLOEXEC), dev, ino);
	}
	struct mapped *c = realloc(cache, (n + 1) * sizeof *c);
	if (!c) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	cache = c;
	*unreadable = fd < 0;
	cache[n] = (struct mapped){dev, ino, load_fd(path, fd), fd < 0};
	return cache[n++].e->ok ? cache[n - 1].e : NULL;
}

struct elf_info *elfinfo_get(const char *path)
{
	static struct elf_info **cache;
	static size_t n;
	for (size_t i = 0; i < n; i++)
		if (strcmp(cache[i]->path, path) == 0)
			return cache[i];
	cache = realloc(cache, (n + 1) * sizeof *cache);
	return cache[n++] = elfinfo_load(path);
}

int elfinfo_class(const struct elf_info *e, uint64_t v)
{
	for (size_t i = 0; i < e->nsegs; i++) {
		const struct load_seg *s = &e->segs[i];
		uint64_t lo = s->vaddr & ~4095ULL, hi = (s->vaddr + s->memsz + 4095) & ~4095ULL;
		if (v < lo || v >= hi)
			continue;
		if (s->flags & PF_X)
			return CLASS_TEXT;
		if (!(s->flags & PF_W))
			return CLASS_RODATA;
		if (v >= e->relro_start && v < e->relro_end)
			return CLASS_RELRO;
		/* A page wholly past the file data is bss; the page holding both is data. */
		if ((v & ~4095ULL) >= ((s->vaddr + s->filesz + 4095) & ~4095ULL))
			return CLASS_BSS;
		return CLASS_DATA;
	}
	return -1;
}

uint64_t elfinfo_first_page(const struct elf_info *e)
{
	uint64_t lo = UINT64_MAX;
	for (size_t i = 0; i < e->nsegs; i++)
		if ((e->segs[i].vaddr & ~4095ULL) < lo)
			lo = e->segs[i].vaddr & ~4095ULL;
	return lo == UINT64_MAX ? 0 : lo;
}

bool elfinfo_reloc_page(const struct elf_info *e, uint64_t page)
{
	size_t lo = 0, hi = e->nreloc_pages;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (e->reloc_pages[mid] == page)
			return true;
		if (e->reloc_pages[mid] < page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The index of the first written page >= page. */
static size_t first_reloc_page_from(const struct elf_info *e, uint64_t page)
{
	size_t lo = 0, hi = e->nreloc_pages;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->reloc_pages[mid] < page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t elfinfo_reloc_pages_in(const struct elf_info *e, uint64_t lo, uint64_t hi)
{
	if (hi <= lo)
		return 0;
	return first_reloc_page_from(e, hi) - first_reloc_page_from(e, lo & ~4095ULL);
}

uint64_t elfinfo_end(uint64_t addr, uint64_t size)
{
	return addr + size < addr ? UINT64_MAX : addr + size;
}

/* Per-word walks for mmld pages (teach): the same tables elfinfo_load() counts, one
 * callback per relocation or section, so a page can be explained word by word. */
static Elf *open_elf(const char *path, int *fd)
{
	elf_version(EV_CURRENT);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return NULL;
	Elf *elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(*fd);
		return NULL;
	}
	return elf;
}

struct word_walk {
	Elf *elf;
	struct reloc_source *src;
	struct section_map sections;
	unsigned machine;
	void (*fn)(void *arg, const struct reloc_word *r);
	void *arg;
};

/* The name of dynamic symbol `sym` (DT_SYMTAB, DT_STRTAB), or "". */
static const char *symbol_name(const struct word_walk *w, uint32_t sym)
{
	if (!sym || !w->src->symtab || !w->src->strtab)
		return "";
	const uint32_t *st_name = elfreloc_at(w->elf, w->src->symtab + (uint64_t)sym * sizeof(Elf64_Sym), 4);
	if (!st_name || *st_name >= w->src->strsz)
		return "";
	const char *name = elfreloc_string(w->elf, w->src->strtab, w->src->strsz, *st_name);
	return name ? name : "";
}

static void each_word(void *arg, const struct reloc *r)
{
	struct word_walk *w = arg;
	char tbuf[32];
	const char *type = r->relr ? "RELATIVE (RELR)" : elfreloc_type_name(w->machine, r->type, tbuf, sizeof tbuf);
	if (!r->relr && strncmp(type, "R_X86_64_", 9) == 0)
		type += 9; /* mmld pages names types without the prefix */
	const char *section = section_map_find(&w->sections, r->where);
	const uint64_t *word = elfreloc_at(w->elf, r->where, 8);
	struct reloc_word rw = {r->where, section ? section : "?", type, symbol_name(w, r->sym), word ? *word : 0};
	w->fn(w->arg, &rw);
}

int elfinfo_each_reloc(const char *path, void (*fn)(void *arg, const struct reloc_word *r), void *arg)
{
	int fd;
	Elf *elf = open_elf(path, &fd);
	if (!elf)
		return -1;
	GElf_Ehdr eh;
	struct reloc_source src;
	struct word_walk w = {elf, &src, {0}, gelf_getehdr(elf, &eh) ? eh.e_machine : 0, fn, arg};
	section_map_init(&w.sections, elf);
	long n = elfreloc_walk(elf, &src, each_word, &w);
	section_map_free(&w.sections);
	elf_end(elf);
	close(fd);
	return n < 0 ? -1 : 0;
}

int elfinfo_each_section(const char *path, void (*fn)(void *arg, const char *name, uint64_t addr, uint64_t size,
						   bool nobits), void *arg)
{
	int fd;
	Elf *elf = open_elf(path, &fd);
	if (!elf)
		return -1;
	size_t shstrndx = 0;
	elf_getshdrstrndx(elf, &shstrndx);
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(elf, s)))
		if (gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_ALLOC) && !(sh.sh_flags & SHF_TLS && sh.sh_type == SHT_NOBITS)) {
			const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
			fn(arg, n ? n : "?", sh.sh_addr, sh.sh_size, sh.sh_type == SHT_NOBITS);
		}
	elf_end(elf);
	close(fd);
	return 0;
}

uint64_t elfinfo_dynsym(const char *path, const char *name)
{
	int fd;
	Elf *elf = open_elf(path, &fd);
	if (!elf)
		return 0;
	uint64_t v = 0;
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while (!v && (s = elf_nextscn(elf, s)))
		if (gelf_getshdr(s, &sh) && sh.sh_type == SHT_DYNSYM) {
			Elf_Data *d = elf_getdata(s, NULL);
			GElf_Sym sym;
			for (int i = 0; d && gelf_getsym(d, i, &sym); i++) {
				const char *n = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (n && strcmp(n, name) == 0 && sym.st_shndx != SHN_UNDEF) {
					v = sym.st_value;
					break;
				}
			}
		}
	elf_end(elf);
	close(fd);
	return v;
}
