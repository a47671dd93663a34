#include "elfinfo.h"
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SHT_RELR
#define SHT_RELR 19
#endif

const char *const class_names[CLASS_NCLASSES] = {"text", "rodata", "relro", "data", "bss"};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static const char *reloc_type_name(unsigned t)
{
	switch (t) {
	case R_X86_64_RELATIVE: return "RELATIVE";
	case R_X86_64_64: return "64";
	case R_X86_64_GLOB_DAT: return "GLOB_DAT";
	case R_X86_64_JUMP_SLOT: return "JUMP_SLOT";
	case R_X86_64_COPY: return "COPY";
	case R_X86_64_IRELATIVE: return "IRELATIVE";
	case R_X86_64_TPOFF64: return "TPOFF64";
	case R_X86_64_DTPMOD64: return "DTPMOD64";
	case R_X86_64_DTPOFF64: return "DTPOFF64";
	case 36: return "TLSDESC";
	default: return "other";
	}
}

struct collector {
	uint64_t *pages;
	size_t n, cap;
	struct reloc_group *groups;
	size_t ngroups;
	size_t nrelocs;
};

static void add_page(struct collector *c, uint64_t page)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->pages = realloc(c->pages, c->cap * sizeof *c->pages);
	}
	c->pages[c->n++] = page;
}

/* Counts one relocation at address v of type t against the section holding v. */
static void add_reloc(struct collector *c, Elf *elf, size_t shstrndx, uint64_t v, const char *type)
{
	c->nrelocs++;
	add_page(c, v & ~4095ULL);
	const char *sec = "?";
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(elf, s)))
		if (gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_ALLOC) && v >= sh.sh_addr && v < sh.sh_addr + sh.sh_size) {
			const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
			if (n)
				sec = n;
			break;
		}
	for (size_t i = 0; i < c->ngroups; i++)
		if (strcmp(c->groups[i].section, sec) == 0 && strcmp(c->groups[i].type, type) == 0) {
			c->groups[i].relocs++;
			return;
		}
	c->groups = realloc(c->groups, (c->ngroups + 1) * sizeof *c->groups);
	struct reloc_group *g = &c->groups[c->ngroups++];
	memset(g, 0, sizeof *g);
	snprintf(g->section, sizeof g->section, "%s", sec);
	snprintf(g->type, sizeof g->type, "%s", type);
	g->relocs = 1;
}

struct elf_info *elfinfo_load(const char *path)
{
	struct elf_info *e = calloc(1, sizeof *e);
	e->path = strdup(path);
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return e;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	size_t nph = 0, shstrndx = 0;
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &nph) != 0) {
		if (elf)
			elf_end(elf);
		close(fd);
		return e;
	}
	elf_getshdrstrndx(elf, &shstrndx);
	e->segs = calloc(nph ? nph : 1, sizeof *e->segs);
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD)
			e->segs[e->nsegs++] = (struct load_seg){ph.p_vaddr, ph.p_memsz, ph.p_filesz, ph.p_offset, ph.p_flags};
		else if (ph.p_type == PT_GNU_RELRO) {
			e->relro_start = ph.p_vaddr & ~4095ULL;
			e->relro_end = (ph.p_vaddr + ph.p_memsz) & ~4095ULL; /* glibc rounds the end down */
		}
	}
	struct collector c = {0};
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(elf, s))) {
		if (!gelf_getshdr(s, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		Elf_Data *d = elf_getdata(s, NULL);
		if (!d)
			continue;
		if (sh.sh_type == SHT_RELA) {
			size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
			for (size_t i = 0; i < n; i++) {
				GElf_Rela r;
				if (gelf_getrela(d, (int)i, &r) && GELF_R_TYPE(r.r_info) != R_X86_64_NONE)
					add_reloc(&c, elf, shstrndx, r.r_offset, reloc_type_name(GELF_R_TYPE(r.r_info)));
			}
		} else if (sh.sh_type == SHT_RELR) {
			const uint64_t *w = d->d_buf;
			size_t n = d->d_size / 8;
			uint64_t where = 0;
			for (size_t i = 0; i < n; i++) {
				if (!(w[i] & 1)) {
					where = w[i];
					add_reloc(&c, elf, shstrndx, where, "RELATIVE (RELR)");
					where += 8;
				} else {
					uint64_t bits = w[i];
					for (uint64_t p = where; (bits >>= 1) != 0; p += 8)
						if (bits & 1)
							add_reloc(&c, elf, shstrndx, p, "RELATIVE (RELR)");
					where += 63 * 8;
				}
			}
		}
	}
	qsort(c.pages, c.n, sizeof *c.pages, cmp_u64);
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++)
		if (k == 0 || c.pages[k - 1] != c.pages[i])
			c.pages[k++] = c.pages[i];
	e->reloc_pages = c.pages;
	e->nreloc_pages = k;
	e->groups = c.groups;
	e->ngroups = c.ngroups;
	e->nrelocs = c.nrelocs;
	/* Pages per group: distinct pages of that group's relocations, counted again. */
	for (size_t g = 0; g < e->ngroups; g++) {
		Elf_Scn *gs = NULL;
		while ((gs = elf_nextscn(elf, gs))) {
			GElf_Shdr gh;
			const char *n;
			if (gelf_getshdr(gs, &gh) && (n = elf_strptr(elf, shstrndx, gh.sh_name)) &&
			    strcmp(n, e->groups[g].section) == 0) {
				uint64_t lo = gh.sh_addr & ~4095ULL, hi = (gh.sh_addr + gh.sh_size + 4095) & ~4095ULL;
				for (size_t i = 0; i < e->nreloc_pages; i++)
					if (e->reloc_pages[i] >= lo && e->reloc_pages[i] < hi)
						e->groups[g].pages++;
				break;
			}
		}
	}
	e->ok = e->nsegs > 0;
	elf_end(elf);
	close(fd);
	return e;
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

/* Per-word walks for mmld pages (teach): the same tables elfinfo_load() counts, one
 * callback per relocation or section, so a page can be explained word by word. */
static Elf *open_elf(const char *path, int *fd)
{
	elf_version(EV_CURRENT);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return NULL;
	Elf *elf = elf_begin(*fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(*fd);
		return NULL;
	}
	return elf;
}

/* The allocated section holding link-time address v (.tbss takes no addresses: skipped). */
static const char *section_at(Elf *elf, size_t shstrndx, uint64_t v)
{
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(elf, s)))
		if (gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_ALLOC) &&
		    !((sh.sh_flags & SHF_TLS) && sh.sh_type == SHT_NOBITS) && v >= sh.sh_addr && v < sh.sh_addr + sh.sh_size) {
			const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
			return n ? n : "?";
		}
	return "?";
}

/* The 8 bytes the file holds at link-time address v (0 if v is in no file-backed section). */
static uint64_t file_word_at(Elf *elf, uint64_t v)
{
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(elf, s)))
		if (gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_ALLOC) && sh.sh_type != SHT_NOBITS && v >= sh.sh_addr &&
		    v + 8 <= sh.sh_addr + sh.sh_size) {
			Elf_Data *d = elf_getdata(s, NULL);
			uint64_t w = 0;
			if (d && d->d_buf && v - sh.sh_addr + 8 <= d->d_size)
				memcpy(&w, (const char *)d->d_buf + (v - sh.sh_addr), 8);
			return w;
		}
	return 0;
}

int elfinfo_each_reloc(const char *path, void (*fn)(void *arg, const struct reloc_word *r), void *arg)
{
	int fd;
	Elf *elf = open_elf(path, &fd);
	if (!elf)
		return -1;
	size_t shstrndx = 0;
	elf_getshdrstrndx(elf, &shstrndx);
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(elf, s))) {
		if (!gelf_getshdr(s, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		Elf_Data *d = elf_getdata(s, NULL);
		if (!d)
			continue;
		struct reloc_word r;
		if (sh.sh_type == SHT_RELA) {
			Elf_Scn *symscn = elf_getscn(elf, sh.sh_link);
			GElf_Shdr symsh;
			Elf_Data *syms = symscn && gelf_getshdr(symscn, &symsh) ? elf_getdata(symscn, NULL) : NULL;
			size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
			for (size_t i = 0; i < n; i++) {
				GElf_Rela ra;
				GElf_Sym sym;
				if (!gelf_getrela(d, (int)i, &ra) || GELF_R_TYPE(ra.r_info) == R_X86_64_NONE)
					continue;
				const char *name = NULL;
				if (GELF_R_SYM(ra.r_info) && syms && gelf_getsym(syms, (int)GELF_R_SYM(ra.r_info), &sym))
					name = elf_strptr(elf, symsh.sh_link, sym.st_name);
				r = (struct reloc_word){ra.r_offset, section_at(elf, shstrndx, ra.r_offset),
							reloc_type_name(GELF_R_TYPE(ra.r_info)), name ? name : "",
							file_word_at(elf, ra.r_offset)};
				fn(arg, &r);
			}
		} else if (sh.sh_type == SHT_RELR) {
			const uint64_t *w = d->d_buf;
			uint64_t where = 0;
			for (size_t i = 0; i < d->d_size / 8; i++) {
				uint64_t bits = w[i];
				if (!(bits & 1)) {
					where = bits;
					r = (struct reloc_word){where, section_at(elf, shstrndx, where), "RELATIVE (RELR)", "", 0};
					fn(arg, &r);
					where += 8;
					continue;
				}
				for (uint64_t p = where; (bits >>= 1) != 0; p += 8)
					if (bits & 1) {
						r = (struct reloc_word){p, section_at(elf, shstrndx, p), "RELATIVE (RELR)", "", 0};
						fn(arg, &r);
					}
				where += 63 * 8;
			}
		}
	}
	elf_end(elf);
	close(fd);
	return 0;
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
