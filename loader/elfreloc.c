/* See elfreloc.h. */
#include "elfreloc.h"
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SHT_RELR
#define SHT_RELR 19
#endif
#ifndef DT_RELR
#define DT_RELRSZ 35
#define DT_RELR 36
#endif

#define T(n) [R_X86_64_##n] = "R_X86_64_" #n
static const char *const x86_64_types[] = {
	T(NONE), T(64), T(PC32), T(GOT32), T(PLT32), T(COPY), T(GLOB_DAT), T(JUMP_SLOT), T(RELATIVE), T(GOTPCREL),
	T(32), T(32S), T(16), T(PC16), T(8), T(PC8), T(DTPMOD64), T(DTPOFF64), T(TPOFF64), T(TLSGD), T(TLSLD),
	T(DTPOFF32), T(GOTTPOFF), T(TPOFF32), T(PC64), T(GOTOFF64), T(GOTPC32), T(GOT64), T(GOTPCREL64),
	T(GOTPC64), T(GOTPLT64), T(PLTOFF64), T(SIZE32), T(SIZE64), T(GOTPC32_TLSDESC), T(TLSDESC_CALL),
	T(TLSDESC), T(IRELATIVE), T(RELATIVE64), T(GOTPCRELX), T(REX_GOTPCRELX),
};
#undef T

const char *elfreloc_type_name(unsigned machine, unsigned type, char *buf, size_t len)
{
	if (machine == EM_X86_64 && type < sizeof x86_64_types / sizeof x86_64_types[0] && x86_64_types[type])
		return x86_64_types[type];
	snprintf(buf, len, "type %u", type);
	return buf;
}

const char *elfreloc_machine_name(unsigned machine, char *buf, size_t len)
{
	static const struct { unsigned em; const char *name; } names[] = {
		{EM_X86_64, "x86-64"}, {EM_386, "Intel 80386"}, {EM_AARCH64, "AArch64"}, {EM_ARM, "ARM"},
		{EM_RISCV, "RISC-V"}, {EM_PPC64, "PowerPC64"}, {EM_PPC, "PowerPC"}, {EM_S390, "IBM S/390"},
		{EM_MIPS, "MIPS"}, {EM_SPARCV9, "SPARC V9"}, {EM_SPARC, "SPARC"}, {EM_IA_64, "IA-64"},
		{EM_ALPHA, "Alpha"}, {EM_SH, "SuperH"}, {EM_PARISC, "PA-RISC"}, {EM_68K, "Motorola 68000"},
		{EM_BPF, "eBPF"}, {258 /* EM_LOONGARCH */, "LoongArch"}, {EM_NONE, "no machine"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].em == machine)
			return names[i].name;
	snprintf(buf, len, "machine %u", machine);
	return buf;
}

const void *elfreloc_at(Elf *elf, uint64_t v, size_t len)
{
	size_t nph = 0, size = 0;
	const char *raw = elf_rawfile(elf, &size);
	if (!raw || elf_getphdrnum(elf, &nph) != 0)
		return NULL;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD && v >= ph.p_vaddr &&
		    v - ph.p_vaddr <= ph.p_filesz && len <= ph.p_filesz - (v - ph.p_vaddr) &&
		    ph.p_offset + (v - ph.p_vaddr) + len <= size)
			return raw + ph.p_offset + (v - ph.p_vaddr);
	}
	return NULL;
}

size_t elfreloc_bytes_at(Elf *elf, uint64_t v, const char **p)
{
	size_t nph = 0, size = 0;
	const char *raw = elf_rawfile(elf, &size);
	*p = NULL;
	if (!raw || elf_getphdrnum(elf, &nph) != 0)
		return 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || v < ph.p_vaddr || v - ph.p_vaddr >= ph.p_filesz ||
		    ph.p_offset >= size || v - ph.p_vaddr >= size - ph.p_offset)
			continue;
		uint64_t in_seg = ph.p_filesz - (v - ph.p_vaddr), in_file = size - ph.p_offset - (v - ph.p_vaddr);
		*p = raw + ph.p_offset + (v - ph.p_vaddr);
		return in_seg < in_file ? in_seg : in_file;
	}
	return 0;
}

const char *elfreloc_string(Elf *elf, uint64_t table, uint64_t size, uint64_t off)
{
	const char *s;
	if (off >= size || table + off < table)
		return NULL;
	size_t n = elfreloc_bytes_at(elf, table + off, &s);
	if (n > size - off)
		n = size - off; /* DT_STRSZ is the file's word: never read past what is there */
	return s && memchr(s, 0, n) ? s : NULL;
}

/* A table named by the dynamic segment: address, size, entry size. */
struct table {
	uint64_t addr, size, ent;
};

struct tables {
	struct table rela, rel, jmprel, relr;
	int pltrel; /* DT_RELA or DT_REL */
};

/* The dynamic segment's entries; false if the file has none. */
static bool read_dynamic(Elf *elf, struct tables *t, struct reloc_source *src)
{
	size_t nph = 0;
	GElf_Phdr ph;
	bool found = false;
	if (elf_getphdrnum(elf, &nph) != 0)
		return false;
	for (size_t i = 0; i < nph && !found; i++)
		found = gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_DYNAMIC;
	if (!found)
		return false;
	Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_DYN);
	GElf_Dyn dyn;
	for (int i = 0; d && gelf_getdyn(d, i, &dyn) && dyn.d_tag != DT_NULL; i++) {
		uint64_t v = dyn.d_un.d_val;
		switch (dyn.d_tag) {
		case DT_RELA: t->rela.addr = v; break;
		case DT_RELASZ: t->rela.size = v; break;
		case DT_RELAENT: t->rela.ent = v; break;
		case DT_REL: t->rel.addr = v; break;
		case DT_RELSZ: t->rel.size = v; break;
		case DT_RELENT: t->rel.ent = v; break;
		case DT_JMPREL: t->jmprel.addr = v; break;
		case DT_PLTRELSZ: t->jmprel.size = v; break;
		case DT_PLTREL: t->pltrel = (int)v; break;
		case DT_RELR: t->relr.addr = v; break;
		case DT_RELRSZ: t->relr.size = v; break;
		case DT_TEXTREL: src->textrel = true; break;
		case DT_FLAGS: src->textrel |= (v & DF_TEXTREL) != 0; break;
		case DT_SYMTAB: src->symtab = v; break;
		case DT_STRTAB: src->strtab = v; break;
		case DT_STRSZ: src->strsz = v; break;
		}
	}
	return true;
}

struct walker {
	Elf *elf;
	struct reloc_source *src;
	void (*fn)(void *arg, const struct reloc *r);
	void *arg;
	long count;
	struct table skip; /* DT_JMPREL inside DT_RELASZ (some linkers count it in): walked once */
};

static void emit(struct walker *w, uint64_t where, unsigned type, uint32_t sym, bool relr)
{
	if (!relr && type == R_X86_64_NONE) {
		w->src->none++;
		return;
	}
	struct reloc r = {where, type, relr, sym};
	w->fn(w->arg, &r);
	w->count++;
}

static int walk_rela(struct walker *w, Elf_Data *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		GElf_Rela r;
		if (!gelf_getrela(d, (int)i, &r))
			return -1;
		emit(w, r.r_offset, (unsigned)GELF_R_TYPE(r.r_info), (uint32_t)GELF_R_SYM(r.r_info), false);
	}
	return 0;
}

static int walk_rel(struct walker *w, Elf_Data *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		GElf_Rel r;
		if (!gelf_getrel(d, (int)i, &r))
			return -1;
		emit(w, r.r_offset, (unsigned)GELF_R_TYPE(r.r_info), (uint32_t)GELF_R_SYM(r.r_info), false);
	}
	return 0;
}

/* DT_RELR: an address word, then bitmaps of the 63 words after it. */
static void walk_relr(struct walker *w, const uint64_t *words, size_t n)
{
	uint64_t where = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t bits = words[i];
		if (!(bits & 1)) {
			emit(w, bits, R_X86_64_RELATIVE, 0, true);
			where = bits + 8;
			continue;
		}
		for (uint64_t p = where; (bits >>= 1) != 0; p += 8)
			if (bits & 1)
				emit(w, p, R_X86_64_RELATIVE, 0, true);
		where += 63 * 8;
	}
}

/* One table at file offset off: kind is SHT_RELA, SHT_REL or SHT_RELR. */
static int walk_table(struct walker *w, int kind, uint64_t off, uint64_t size)
{
	Elf_Type t = kind == SHT_RELA ? ELF_T_RELA : kind == SHT_REL ? ELF_T_REL : ELF_T_XWORD;
	size_t ent = gelf_fsize(w->elf, t, 1, EV_CURRENT);
	if (!size)
		return 0;
	Elf_Data *d = elf_getdata_rawchunk(w->elf, (int64_t)off, size, t);
	if (!d || !ent)
		return -1;
	if (kind == SHT_RELA)
		return walk_rela(w, d, size / ent);
	if (kind == SHT_REL)
		return walk_rel(w, d, size / ent);
	walk_relr(w, d->d_buf, d->d_size / 8);
	return 0;
}

/* A table named by an address: its file offset through the PT_LOAD holding it. */
static int walk_at(struct walker *w, int kind, const struct table *t)
{
	if (!t->addr || !t->size)
		return 0;
	size_t size = 0;
	const char *raw = elf_rawfile(w->elf, &size);
	const char *p = elfreloc_at(w->elf, t->addr, t->size);
	if (!raw || !p)
		return -1;
	return walk_table(w, kind, (uint64_t)(p - raw), t->size);
}

static int walk_dynamic(struct walker *w, const struct tables *t)
{
	struct table rela = t->rela;
	int pltkind = t->pltrel == DT_REL ? SHT_REL : SHT_RELA;
	/* DT_JMPREL at the end of DT_RELA's range and counted in DT_RELASZ: once, as PLT. */
	if (pltkind == SHT_RELA && t->jmprel.size && t->jmprel.addr > rela.addr &&
	    t->jmprel.addr + t->jmprel.size == rela.addr + rela.size)
		rela.size -= t->jmprel.size;
	if (walk_at(w, SHT_RELA, &rela) < 0 || walk_at(w, SHT_REL, &t->rel) < 0 || walk_at(w, pltkind, &t->jmprel) < 0 ||
	    walk_at(w, SHT_RELR, &t->relr) < 0)
		return -1;
	return 0;
}

/* No dynamic segment: the allocated relocation sections (a static program's IRELATIVE). */
static int walk_sections(struct walker *w)
{
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(w->elf, s)))
		if (gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_ALLOC) && sh.sh_type != SHT_NOBITS &&
		    (sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL || sh.sh_type == SHT_RELR) &&
		    walk_table(w, (int)sh.sh_type, sh.sh_offset, sh.sh_size) < 0)
			return -1;
	return 0;
}

long elfreloc_walk(Elf *elf, struct reloc_source *src, void (*fn)(void *arg, const struct reloc *r), void *arg)
{
	memset(src, 0, sizeof *src);
	struct tables t = {0};
	struct walker w = {elf, src, fn, arg, 0, {0}};
	src->dynamic = read_dynamic(elf, &t, src);
	int ok = src->dynamic ? walk_dynamic(&w, &t) : walk_sections(&w);
	return ok < 0 ? -1 : w.count;
}

static int cmp_lo(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void section_map_init(struct section_map *m, Elf *elf)
{
	memset(m, 0, sizeof *m);
	size_t nsec = 0, shstrndx = 0;
	if (elf_getshdrnum(elf, &nsec) != 0 || elf_getshdrstrndx(elf, &shstrndx) != 0 || !nsec)
		return;
	m->s = calloc(nsec, sizeof *m->s);
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while (m->s && (s = elf_nextscn(elf, s))) {
		if (!gelf_getshdr(s, &sh) || !(sh.sh_flags & SHF_ALLOC) || !sh.sh_size ||
		    ((sh.sh_flags & SHF_TLS) && sh.sh_type == SHT_NOBITS))
			continue;
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		m->s[m->n].lo = sh.sh_addr;
		m->s[m->n].hi = sh.sh_addr + sh.sh_size;
		m->s[m->n].name = name ? name : "?";
		m->n++;
	}
	qsort(m->s, m->n, sizeof *m->s, cmp_lo);
}

void section_map_free(struct section_map *m)
{
	free(m->s);
	memset(m, 0, sizeof *m);
}

const char *section_map_find(const struct section_map *m, uint64_t v)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) { /* the first section starting after v */
		size_t mid = (lo + hi) / 2;
		if (m->s[mid].lo <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && v < m->s[lo - 1].hi ? m->s[lo - 1].name : NULL;
}
