/* Step 8: relocation.
 *
 * Each relocation writes one word of a (copy-on-write) data page. Order within an object:
 * packed RELR and RELATIVE first (they need nothing), symbolic ones next, IRELATIVE last,
 * since an IFUNC resolver may call functions of its own object through the PLT. */
#include "reloc.h"
#include "map.h"
#include "relr.h"
#include "init.h"
#include "reloc_prefault.h"
#include "audit.h"
#include "relcache.h"
#include "debug.h"

/* A one-entry cache: consecutive relocations often name the same symbol (a GLOB_DAT and a
 * JUMP_SLOT of one function, R_X86_64_64 arrays of vtables). It belongs to whoever is
 * relocating: start-up (one thread), or dlopen under dl_load_lock. The lazy-binding fix-up
 * never touches it: it runs in any thread and in signal handlers, where a shared scratch
 * entry hands one thread's definition to another (issue 7: a call bound to the function of
 * the neighbouring slot). */
struct reloc_cache {
	const struct dso *d;
	size_t symidx;
	bool plt, copy, found;
	struct sym_def def;
};
static struct reloc_cache cache;

void reloc_forget(const struct dso *d)
{
	if (cache.d == d || cache.def.dso == d)
		memset(&cache, 0, sizeof cache);
}

/* The version d's symbol symidx asks for (its versym entry), or NULL for none. */
static const char *reloc_symbol_version(const struct dso *d, size_t symidx)
{
	if (!d->versym)
		return NULL;
	uint16_t idx = d->versym[symidx] & VERSYM_INDEX;
	return idx > 1 && idx < d->nversions ? dso_version(d, idx)->name : NULL;
}

/* The lookup and what an undefined symbol means, with no state outside the caller's frame. */
__attribute__((always_inline)) static inline bool resolve_uncached(struct dso *d, size_t symidx, bool plt, bool copy,
								   struct sym_def *def)
{
	if (symidx >= d->nsyms_max)
		die_load(dso_display(d), "relocation names symbol %zu, beyond the symbol table (%zu)", symidx,
			 d->nsyms_max);
	bool found = lookup_reloc_symbol(d, symidx, plt, copy, def);
	const Elf64_Sym *ref = &d->symtab[symidx];
	const char *name = dso_str(d, ref->st_name);
	if (!found) {
		if (SYM_BIND(ref->st_info) != STB_WEAK) {
			const char *ver = reloc_symbol_version(d, symidx);
			if (R.mode == MODE_VERIFY || R.mode == MODE_LIST) { /* ldd -d, -r: glibc's words */
				rt_dprintf(2, "undefined symbol: %s%s%s\t(%s)\n", name, ver ? ", version " : "", ver ? ver : "",
					   d == R.main ? R.progname : dso_display(d));
				def->sym = NULL;
				return false;
			}
			if (R.debug & ~DBG_STATISTICS) /* glibc's _dl_signal_cexception, under any LD_DEBUG category */
				dbg("%s: error: symbol lookup error: undefined symbol: %s%s%s (fatal)",
				    d == R.main ? R.progname : dso_display(d), name, ver ? ", version " : "", ver ? ver : "");
			rt_die("symbol lookup error", dso_display(d), "undefined symbol: %s%s%s", name,
			       ver ? ", version " : "", ver ? ver : "");
		}
		def->sym = NULL;
		def->dso = NULL;
	} else if (DEBUG_ON(DBG_BINDINGS)) {
		debug_binding(d, ref, def->dso, name, reloc_symbol_version(d, symidx));
	}
	if (DEBUG_ON(DBG_SYMBOLS))
		dbg("symbol=%s;  lookup in file=%s [0]%s", name, found ? dso_display(def->dso) : "(none)",
		    found ? "" : ": not found");
	return found;
}

__attribute__((always_inline)) static inline bool resolve_cached(struct dso *d, size_t symidx, bool plt, bool copy,
								   struct sym_def *def)
{
	if (cache.d == d && cache.symidx == symidx && cache.plt == plt && cache.copy == copy) {
		*def = cache.def;
		return cache.found;
	}
	bool found = resolve_uncached(d, symidx, plt, copy, def);
	cache.d = d;
	cache.symidx = symidx;
	cache.plt = plt;
	cache.copy = copy;
	cache.found = found;
	cache.def = *def;
	return found;
}

bool reloc_resolve(struct dso *d, size_t symidx, bool plt, bool copy, struct sym_def *def)
{
	return resolve_cached(d, symidx, plt, copy, def);
}

bool reloc_resolve_lazy(struct dso *d, size_t symidx, struct sym_def *def)
{
	return resolve_uncached(d, symidx, true, false, def);
}

/* Does relocating d run code of d itself (an IFUNC resolver: a defined STT_GNU_IFUNC symbol,
 * or an IRELATIVE relocation)? Only asked for objects with text relocations. */
static bool runs_own_code(const struct dso *d)
{
	for (size_t i = 0; i < d->nsyms; i++)
		if (SYM_TYPE(d->symtab[i].st_info) == STT_GNU_IFUNC && d->symtab[i].st_shndx != SHN_UNDEF)
			return true;
	static const int tables[2][2] = {{DT_RELA, DT_RELASZ}, {DT_JMPREL, DT_PLTRELSZ}};
	for (int t = 0; t < 2; t++) {
		if (!dso_has(d, tables[t][0]))
			continue;
		const Elf64_Rela *r = (const Elf64_Rela *)(d->load_bias + dso_dyn(d, tables[t][0]));
		for (size_t k = 0; k < dso_dyn(d, tables[t][1]) / sizeof *r; k++)
			if (ELF64_R_TYPE(r[k].r_info) == R_X86_64_IRELATIVE)
				return true;
	}
	return false;
}

/* Text relocations: make every non-writable segment writable while relocating, then restore.
 * Not executable at the same time, unless d's own IFUNC resolvers must run meanwhile (glibc
 * keeps the segments executable throughout). */
static void textrel_protect(struct dso *d, bool writable, bool keep_exec)
{
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		if (p->p_type != PT_LOAD || (p->p_flags & PF_W))
			continue;
		uintptr_t s = (d->load_bias + p->p_vaddr) & ~(R.pagesize - 1);
		uintptr_t e = (d->load_bias + p->p_vaddr + p->p_memsz + R.pagesize - 1) & ~(R.pagesize - 1);
		int prot = writable ? PROT_READ_ | PROT_WRITE_ | (keep_exec && (p->p_flags & PF_X) ? PROT_EXEC_ : 0)
				    : map_prot(p->p_flags);
		if (map_mprotect(d, s, e - s, prot, writable ? "text relocation" : "text relocation done") < 0)
			die_load(dso_display(d), "cannot make segment writable for relocation");
	}
}

/* The span relocations may write: the writable segments (all of them with text
 * relocations). Computed once, so the check per relocation is two compares. */
void reloc_write_span(struct dso *d)
{
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		if (p->p_type != PT_LOAD || (!(p->p_flags & PF_W) && !d->textrel))
			continue;
		if (d->load_bias + p->p_vaddr < lo)
			lo = d->load_bias + p->p_vaddr;
		if (d->load_bias + p->p_vaddr + p->p_memsz > hi)
			hi = d->load_bias + p->p_vaddr + p->p_memsz;
	}
	d->write_lo = lo;
	d->write_hi = hi;
	/* Contiguous if no read-only segment lies inside the span. */
	d->write_contiguous = true;
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		uintptr_t s = d->load_bias + p->p_vaddr;
		if (p->p_type == PT_LOAD && !(p->p_flags & PF_W) && !d->textrel && s < hi && s + p->p_memsz > lo)
			d->write_contiguous = false;
	}
	relcache_span_if(d);
}

/* The RELATIVE entries from r on, up to end, while they last: r_info == 8 is "symbol 0, type
 * RELATIVE"; one unsigned compare keeps the word inside the writable span. Returns the first
 * entry not applied (anything else is left for the general loop). */
__attribute__((always_inline)) static inline const Elf64_Rela *apply_relative_head(const Elf64_Rela *r,
										   const Elf64_Rela *end,
										   const struct reloc_span *s)
{
	const uintptr_t b = s->bias, lo = s->lo, span = s->span, first = lo - b;
	/* Four at a time while all four pass (the loop's own compare and branch then count
	 * once for four); the first entry that does not sends the rest to the loop after. */
	for (size_t groups = (size_t)(end - r) / 4; groups; groups--, r += 4) {
		if (r[0].r_info != R_X86_64_RELATIVE || r[1].r_info != R_X86_64_RELATIVE ||
		    r[2].r_info != R_X86_64_RELATIVE || r[3].r_info != R_X86_64_RELATIVE)
			break;
		uintptr_t o0 = r[0].r_offset - first, o1 = r[1].r_offset - first;
		uintptr_t o2 = r[2].r_offset - first, o3 = r[3].r_offset - first;
		if (o0 > span || o1 > span || o2 > span || o3 > span)
			break;
		*(uint64_t *)(lo + o0) = b + (uint64_t)r[0].r_addend;
		*(uint64_t *)(lo + o1) = b + (uint64_t)r[1].r_addend;
		*(uint64_t *)(lo + o2) = b + (uint64_t)r[2].r_addend;
		*(uint64_t *)(lo + o3) = b + (uint64_t)r[3].r_addend;
	}
	for (; r < end && r->r_info == R_X86_64_RELATIVE && r->r_offset - first <= span; r++)
		*(uint64_t *)(b + r->r_offset) = b + (uint64_t)r->r_addend;
	return r;
}

/* The lookup of a relocation starts by hashing its symbol's name, a string somewhere in the
 * object's .dynstr: in a large library each is a cache miss, the longest stall of the whole
 * relocation loop. So the name of the entry RELOC_PREFETCH ahead is prefetched, and the symbol
 * of the one twice as far (whose st_name that will read). A prefetch never faults. */
#define RELOC_PREFETCH 8
#define RELOC_PREFETCH_MIN 1024
__attribute__((always_inline)) static inline void prefetch_symbol(const struct dso *d, const Elf64_Rela *r)
{
	size_t far = R_SYM(r[2 * RELOC_PREFETCH].r_info), near = R_SYM(r[RELOC_PREFETCH].r_info);
	__builtin_prefetch(&d->symtab[far]);
	if (near < d->nsyms_max)
		__builtin_prefetch(d->strtab + d->symtab[near].st_name);
}

/* An entry that is not one of the common symbolic types: RELATIVE inline (most relocations
 * of a large library are), IRELATIVE only in the second pass; the rest one by one. Returns
 * true for an IRELATIVE entry. */
__attribute__((always_inline)) static inline bool apply_other(struct dso *d, const Elf64_Rela *r, bool lazy,
							     bool irelative_pass, bool fast, uintptr_t b, uintptr_t lo,
							     uintptr_t hi, uint64_t *nrelative)
{
	uint32_t type = R_TYPE(r->r_info);
	if (type == R_X86_64_RELATIVE && !irelative_pass) {
		uintptr_t where = b + r->r_offset;
		if (__builtin_expect(fast && where >= lo && where <= hi - 8, 1)) {
			*(uint64_t *)where = b + (uint64_t)r->r_addend;
			(*nrelative)++;
			return false;
		}
	}
	if (type == R_X86_64_IRELATIVE) {
		if (irelative_pass)
			arch_apply_rela(d, r, lazy);
		return true;
	}
	if (!irelative_pass)
		arch_apply_rela(d, r, lazy);
	return false;
}

/* Returns true if the table holds IRELATIVE entries (left for a second pass). */
static bool apply_table(struct dso *d, uintptr_t table, size_t size, bool lazy, bool irelative_pass)
{
	const Elf64_Rela *r = (const Elf64_Rela *)table, *end = r + size / sizeof *r;
	const uintptr_t b = d->load_bias, lo = d->write_lo, hi = d->write_hi;
	const bool fast = d->write_contiguous && hi > lo + 8;
	bool irelative = false;
	/* Counted in a local: a field of *d would be reloaded and stored on every iteration,
	 * since the compiler must assume the relocated word might alias it. */
	uint64_t nrelative = 0;
	/* The words the loops below may write (only used when fast). */
	const struct reloc_span s = {b, lo, hi - 8 - lo};
	if (fast && !irelative_pass) {
		/* Linkers put the RELATIVE entries first (DT_RELACOUNT says how many): the tightest
		 * loop we can make safe. A large table goes a block at a time, each block's pages
		 * populated first (reloc_prefault.c). */
		const Elf64_Rela *start = r;
		const bool prefault = reloc_prefault_wanted((size_t)(end - r));
		for (;;) {
			const Elf64_Rela *stop =
				prefault && (size_t)(end - r) > RELOC_PREFAULT_BLOCK ? r + RELOC_PREFAULT_BLOCK : end;
			if (prefault)
				reloc_prefault_relative(&s, r, stop);
			r = apply_relative_head(r, stop, &s);
			if (r != stop || stop == end)
				break;
		}
		nrelative = (uint64_t)(r - start);
	}
	/* The common symbolic types inline (arch/x86_64/reloc_fast.h); the rest one by one. */
	const bool common = fast && !irelative_pass && R.mode == MODE_RUN;
	uint64_t ncommon = 0, nsymbolic = 0;
	if (common && lazy) /* a lazily bound PLT table: runs of slots that only get the base added */
		ncommon = arch_apply_lazy_slots(&r, end, &s);
	/* Only a large table's names are worth fetching ahead: a small object's are few and near. */
	const Elf64_Rela *ahead = common && (size_t)(end - r) >= RELOC_PREFETCH_MIN ? end - 2 * RELOC_PREFETCH : r;
	for (; r < ahead; r++) {
		prefetch_symbol(d, r);
		if (arch_apply_common(d, r, lazy, &s, resolve_cached, &nsymbolic))
			ncommon++;
		else
			irelative |= apply_other(d, r, lazy, irelative_pass, fast, b, lo, hi, &nrelative);
	}
	for (; r < end; r++) {
		if (common && arch_apply_common(d, r, lazy, &s, resolve_cached, &nsymbolic))
			ncommon++;
		else
			irelative |= apply_other(d, r, lazy, irelative_pass, fast, b, lo, hi, &nrelative);
	}
	d->nrelocs += ncommon;
	d->nsymbolic += nsymbolic;
	d->nrelative += nrelative;
	d->nrelocs += nrelative;
	return irelative;
}

/* la_symbind64 for each PLT slot bound now, in table order (glibc tells modules right after
 * each such relocation; nothing between two of them can tell the difference). A pass of its
 * own, so that the relocation loop pays nothing for auditing. */
static void audit_bound_now(struct dso *d)
{
	const Elf64_Rela *r = (const Elf64_Rela *)(d->load_bias + dso_dyn(d, DT_JMPREL));
	const Elf64_Rela *end = r + dso_dyn(d, DT_PLTRELSZ) / sizeof *r;
	for (; r < end; r++) {
		struct sym_def def;
		if (R_TYPE(r->r_info) != R_X86_64_JUMP_SLOT || !R_SYM(r->r_info) ||
		    !reloc_resolve(d, R_SYM(r->r_info), true, false, &def) || !def.sym)
			continue;
		audit_symbind_now(d, def.dso, def.sym, (uintptr_t *)(d->load_bias + r->r_offset));
	}
}

void reloc_object(struct dso *d)
{
	if (d->relocated)
		return;
	uint64_t t0 = DEBUG_ON(DBG_STATISTICS) ? rt_now_ns() : 0;
	if (DEBUG_ON(DBG_RELOC))
		dbg("relocation processing: %s%s", dso_display(d), d->bind_now || R.bind_now ? "" : " (lazy)");
	d->relocating = true;
	bool textrel_exec = d->textrel && runs_own_code(d);
	if (d->textrel) {
		rt_warn(textrel_exec ? "%s: text relocations: code pages made writable (and left executable: its IFUNC "
				       "resolvers run) while relocating"
				     : "%s: text relocations: code pages made writable (and not executable) while relocating",
			dso_display(d));
		textrel_protect(d, true, textrel_exec);
	}
	if (dso_relr(d)) {
		size_t n = relr_apply(d->load_bias, (const uint64_t *)dso_relr(d), dso_relrsz(d));
		d->nrelative += n;
		d->nrelocs += n;
	}
	reloc_write_span(d);
	/* ldd -d (LD_WARN without LD_BIND_NOW) checks data relocations only, as glibc does. */
	bool lazy = !(d->bind_now || R.bind_now) && (R.mode == MODE_RUN || (R.mode == MODE_LIST && R.warn));
	/* la_pltenter/la_pltexit need every call through the PLT: lazy even when the object asks to
	 * be bound now (glibc: not with LD_BIND_NOW, nor dlopen's RTLD_NOW). */
	if (R.naudit && R.audit_plt_hooks && !lazy && !R.bind_now && !d->dlopen_now && R.mode == MODE_RUN &&
	    audit_plt_trampoline(d))
		lazy = true;
	bool irel_rela = false, irel_plt = false;
	if (dso_has(d, DT_RELA))
		irel_rela = apply_table(d, d->load_bias + dso_dyn(d, DT_RELA), dso_dyn(d, DT_RELASZ), false, false);
	if (dso_has(d, DT_JMPREL)) {
		if (lazy)
			arch_setup_lazy(d);
		irel_plt = apply_table(d, d->load_bias + dso_dyn(d, DT_JMPREL), dso_dyn(d, DT_PLTRELSZ), lazy, false);
	}
	if (irel_rela)
		apply_table(d, d->load_bias + dso_dyn(d, DT_RELA), dso_dyn(d, DT_RELASZ), false, true);
	if (irel_plt)
		apply_table(d, d->load_bias + dso_dyn(d, DT_JMPREL), dso_dyn(d, DT_PLTRELSZ), false, true);
	if (R.naudit && !lazy && dso_has(d, DT_JMPREL))
		audit_bound_now(d);
	if (d->textrel)
		textrel_protect(d, false, false);
	if (R.naudit) /* after relocation, as glibc: IFUNC resolvers' lazy calls bind plainly */
		audit_plt_alloc(d);
	d->relocating = false;
	d->relocated = true;
	R.nrelocs += d->nrelocs;
	R.nrelative += d->nrelative;
	if (t0)
		R.t_reloc += rt_now_ns() - t0;
}

void reloc_all(void)
{
	/* Dependencies first (glibc walks l_initfini backwards, the same order): a library bound
	 * now to an IFUNC in libc.so.6 calls libc's resolver, whose own GOT must be ready. The
	 * program comes last, so its COPY relocations read relocated library data. */
	size_t n;
	struct dso **order = init_order(&n);
	for (size_t i = 0; i < n; i++)
		if (order[i]->kind != DSO_VDSO && order[i]->kind != DSO_RTLD && !order[i]->missing)
			relcache_reloc(order[i]); /* reloc_object, unless the relocation cache has it */
}
