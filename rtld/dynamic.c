/* Decode the dynamic section: each tag's first entry into d->info[] (glibc's l_info, where
 * dso_dyn and dso_has read it), the tables into named fields. Addresses in .dynamic are
 * link-time addresses: the load bias is added here, once. */
#include "dynamic.h"

/* Inline in dynamic_decode, which asks it of every table. */
__attribute__((always_inline)) static inline bool contains(const struct dso *d, uintptr_t addr, size_t len,
							   uint32_t need)
{
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		if (p->p_type != PT_LOAD || (p->p_flags & need) != need)
			continue;
		uintptr_t s = d->load_bias + p->p_vaddr;
		if (addr >= s && addr - s <= p->p_memsz && len <= p->p_memsz - (addr - s))
			return true;
	}
	return false;
}

bool dso_contains(const struct dso *d, uintptr_t addr, size_t len, uint32_t need)
{
	return contains(d, addr, len, need);
}

/* dso_contains(d, addr, 1, PF_X), by one compare when d has a single executable segment. */
static inline bool in_code(const struct dso *d, uintptr_t addr)
{
	if (d->exec_hi)
		return addr - d->exec_lo < d->exec_hi - d->exec_lo;
	return dso_contains(d, addr, 1, PF_X);
}

bool dso_code(const struct dso *d, uintptr_t addr) { return in_code(d, addr); }

bool code_address(const struct dso *d, uintptr_t addr, bool loader_too)
{
	if (d && (loader_too || d != R.self) && in_code(d, addr))
		return true;
	for (const struct dso *o = R.head; o; o = o->next)
		if (o != d && o != R.self && !o->missing && in_code(o, addr))
			return true;
	return loader_too && R.self && in_code(R.self, addr);
}

static void find_exec_segment(struct dso *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && p->p_memsz) {
			d->exec_lo = d->load_bias + p->p_vaddr;
			d->exec_hi = d->exec_lo + p->p_memsz;
			n++;
		}
	}
	if (n != 1 || d->exec_hi < d->exec_lo)
		d->exec_lo = d->exec_hi = 0;
}

/* Bytes from addr to the end of the readable segment holding it, or to `stop` if that comes
 * first (the string table usually follows the symbol table). */
__attribute__((always_inline)) static inline size_t table_room(const struct dso *d, uintptr_t addr, uintptr_t stop)
{
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		uintptr_t s = d->load_bias + p->p_vaddr;
		if (p->p_type != PT_LOAD || !(p->p_flags & PF_R) || addr < s || addr - s >= p->p_memsz)
			continue;
		uintptr_t end = s + p->p_memsz;
		if (stop > addr && stop < end)
			end = stop;
		return end - addr;
	}
	return 0;
}

size_t dso_room(const struct dso *d, uintptr_t addr) { return table_room(d, addr, 0); }

#define BAD(...) do { rt_snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static size_t dynamic_count(const struct dso *d)
{
	for (size_t i = 0; i < d->phnum; i++)
		if (d->phdr[i].p_type == PT_DYNAMIC)
			return d->phdr[i].p_memsz / sizeof(Elf64_Dyn);
	return 0;
}

/* Number of symbols covered by the GNU hash table: past the end of the last bucket's chain.
 * The linker sorts symbols by bucket (lookups rely on it: a chain runs on until its end bit),
 * so the last non-empty bucket holds the highest chain start, and the scan from the end stops
 * there at once. A table out of that order only hides symbols past the count, since every
 * lookup stays below it; the chain up to the count is checked to lie in one readable
 * segment with the chain's start. */
static int gnu_hash_nsyms(struct dso *d, size_t *out)
{
	const uint32_t *h = d->gnu_hash;
	uint32_t nbuckets = h[0], symoffset = h[1];
	uint32_t last = 0;
	for (uint32_t i = nbuckets; i-- > 0;)
		if (d->gnu_buckets[i]) {
			last = d->gnu_buckets[i];
			break;
		}
	if (last < symoffset) {
		*out = symoffset;
		return 0;
	}
	const uint32_t *chain = d->gnu_chain_zero + symoffset;
	size_t room = dso_room(d, (uintptr_t)chain) / sizeof(uint32_t);
	for (size_t i = last - symoffset; i < room; i++)
		if (chain[i] & 1) {
			*out = symoffset + i + 1;
			return 0;
		}
	return -1;
}

int dynamic_decode(struct dso *d, char *err, size_t errlen)
{
	find_exec_segment(d);
	size_t n = dynamic_count(d);
	uintptr_t b = d->load_bias;
	Elf64_Dyn *dyn = d->dynamic;
	if (!contains(d, (uintptr_t)dyn, sizeof *dyn, PF_R) && d->kind != DSO_VDSO)
		BAD("dynamic section outside the loaded segments");
	uint64_t gnu_hash = 0, versym = 0, verdef = 0, verneed = 0;
	size_t i;
	for (i = 0; i < n && dyn[i].d_tag != DT_NULL; i++) {
		int64_t t = dyn[i].d_tag;
		uint64_t v = dyn[i].d_un.d_val;
		/* DT_NEEDED and friends repeat: the first is kept, the list is walked again where
		 * needed. The extension tags below keep their last entry, as the switch does. */
		int x = dso_info_index(t);
		if (x >= DT_NUM_DIRECT || (x >= 0 && !d->info[x])) /* the others: the last, as glibc */
			d->info[x] = &dyn[i];
		if (t >= 0 && t < DT_NUM_DIRECT)
			continue;
		switch (t) {
		case DT_GNU_HASH: gnu_hash = v; break;
		case DT_VERSYM: versym = v; break;
		case DT_VERDEF: verdef = v; break;
		case DT_VERNEED: verneed = v; break;
		case DT_FLAGS_1: d->flags_1 = v; break;
		case 0x6ffffefc: /* DT_AUDIT */
		case 0x6ffffefb: /* DT_DEPAUDIT */
			d->names_auditors = true;
			break;
		}
	}
	if (i == n && n)
		BAD("dynamic section is not terminated by DT_NULL");
	d->flags = dso_dyn(d, DT_FLAGS);

	if (!dso_has(d, DT_STRTAB) || !dso_has(d, DT_SYMTAB))
		BAD("no string or symbol table in the dynamic section");
	d->strtab = (const char *)(b + dso_dyn(d, DT_STRTAB));
	d->strsz = dso_dyn(d, DT_STRSZ);
	if (!d->strsz || !contains(d, (uintptr_t)d->strtab, d->strsz, PF_R))
		BAD("string table (size %lu) outside the loaded segments", (unsigned long)d->strsz);
	if (d->strtab[d->strsz - 1] != 0)
		BAD("string table is not NUL-terminated");
	d->symtab = (const Elf64_Sym *)(b + dso_dyn(d, DT_SYMTAB));
	if (dso_has(d, DT_SYMENT) && dso_dyn(d, DT_SYMENT) != sizeof(Elf64_Sym))
		BAD("symbol entry size %lu, expected %zu", (unsigned long)dso_dyn(d, DT_SYMENT), sizeof(Elf64_Sym));

	if (gnu_hash) {
		const uint32_t *h = (const uint32_t *)(b + gnu_hash);
		if (!contains(d, (uintptr_t)h, 16, PF_R))
			BAD("GNU hash table outside the loaded segments");
		uint32_t nbuckets = h[0], bloom_size = h[2];
		if (nbuckets == 0 || bloom_size == 0 || (bloom_size & (bloom_size - 1)) || h[3] >= 64)
			BAD("malformed GNU hash table (%u buckets, bloom size %u, shift %u)", nbuckets, bloom_size, h[3]);
		size_t bytes = 16 + (size_t)bloom_size * 8 + (size_t)nbuckets * 4;
		if (!contains(d, (uintptr_t)h, bytes, PF_R))
			BAD("GNU hash table (%u buckets) outside the loaded segments", nbuckets);
		d->gnu_hash = h;
		d->gnu_bloom = (const uint64_t *)(h + 4);
		d->gnu_buckets = (const uint32_t *)(d->gnu_bloom + bloom_size);
		d->gnu_chain_zero = d->gnu_buckets + nbuckets - h[1];
		d->gnu_nbuckets = nbuckets;
		d->gnu_symoffset = h[1];
		d->gnu_bloom_mask = bloom_size - 1;
		d->gnu_shift = h[3];
		if (gnu_hash_nsyms(d, &d->nsyms) < 0)
			BAD("GNU hash chain runs outside the loaded segments");
	}
	if (dso_has(d, DT_HASH)) {
		const uint32_t *h = (const uint32_t *)(b + dso_dyn(d, DT_HASH));
		if (!contains(d, (uintptr_t)h, 8, PF_R) ||
		    !contains(d, (uintptr_t)h, 8 + ((size_t)h[0] + h[1]) * 4, PF_R) || h[0] == 0)
			BAD("SysV hash table outside the loaded segments");
		d->sysv_hash = h;
		if (h[1] > d->nsyms)
			d->nsyms = h[1];
	}
	if (!d->gnu_hash && !d->sysv_hash)
		BAD("no hash table in the dynamic section");
	if (!d->gnu_hash) {
		/* Lookups test the Bloom filter first: this one lets every name through. */
		static const uint64_t pass_all = ~0ULL;
		d->gnu_bloom = &pass_all;
		d->gnu_bloom_mask = 0;
		d->gnu_shift = 0;
		d->gnu_nbuckets = d->sysv_hash[0]; /* glibc's l_nbuckets; lookups read it only with a GNU table */
	}
	if (d->nsyms && !contains(d, (uintptr_t)d->symtab, d->nsyms * sizeof(Elf64_Sym), PF_R))
		BAD("symbol table (%zu symbols) outside the loaded segments", d->nsyms);

	d->nsyms_max = table_room(d, (uintptr_t)d->symtab, (uintptr_t)d->strtab) / sizeof(Elf64_Sym);
	if (d->nsyms > d->nsyms_max)
		BAD("symbol table (%zu symbols) outside the loaded segments", d->nsyms);
	if (versym) {
		d->versym = (const uint16_t *)(b + versym);
		d->nversym = table_room(d, (uintptr_t)d->versym, 0) / 2;
		if (d->nversym < d->nsyms)
			BAD("version symbol table outside the loaded segments");
	}
	if (verdef) {
		if (!contains(d, b + verdef, sizeof(Elf64_Verdef), PF_R))
			BAD("version definitions outside the loaded segments");
	}
	if (verneed) {
		if (!contains(d, b + verneed, sizeof(Elf64_Verneed), PF_R))
			BAD("version needs outside the loaded segments");
	}
	if (dso_has(d, DT_SONAME))
		d->soname = dso_str(d, dso_dyn(d, DT_SONAME));
	/* A table without its size (or a size without its table) is a damaged entry, not an
	 * empty table: relocating nothing would leave the code jumping through raw GOT slots. */
	if (dso_has(d, DT_RELA) != dso_has(d, DT_RELASZ) && (dso_has(d, DT_RELA) || dso_dyn(d, DT_RELASZ)))
		BAD("DT_RELA and DT_RELASZ do not come together");
	if (dso_has(d, DT_JMPREL) != dso_has(d, DT_PLTRELSZ) && (dso_has(d, DT_JMPREL) || dso_dyn(d, DT_PLTRELSZ)))
		BAD("DT_JMPREL and DT_PLTRELSZ do not come together");
	if (dso_has(d, DT_RELR) != dso_has(d, DT_RELRSZ) && (dso_has(d, DT_RELR) || dso_dyn(d, DT_RELRSZ)))
		BAD("DT_RELR and DT_RELRSZ do not come together");
	if (dso_has(d, DT_RELR)) {
		if (!contains(d, dso_relr(d), dso_relrsz(d), PF_R))
			BAD("RELR table outside the loaded segments");
	}
	if (dso_has(d, DT_RELA) && !contains(d, b + dso_dyn(d, DT_RELA), dso_dyn(d, DT_RELASZ), PF_R))
		BAD("relocation table outside the loaded segments");
	if (dso_has(d, DT_JMPREL) && !contains(d, b + dso_dyn(d, DT_JMPREL), dso_dyn(d, DT_PLTRELSZ), PF_R))
		BAD("PLT relocation table outside the loaded segments");
	if (dso_has(d, DT_JMPREL)) {
		d->jmprel = (const Elf64_Rela *)(b + dso_dyn(d, DT_JMPREL));
		d->pltrelsz = dso_dyn(d, DT_PLTRELSZ);
	}
	if (dso_has(d, DT_REL) && dso_dyn(d, DT_RELSZ))
		BAD("REL relocations are not used on x86-64");
	if (dso_has(d, DT_JMPREL) && dso_has(d, DT_PLTREL) && dso_dyn(d, DT_PLTREL) != DT_RELA)
		BAD("PLT relocations are not RELA");
	d->textrel = dso_has(d, DT_TEXTREL) || (d->flags & DF_TEXTREL);
	d->bind_now = dso_has(d, DT_BIND_NOW) || (d->flags & DF_BIND_NOW) || (d->flags_1 & DF_1_NOW);
	return 0;
}
