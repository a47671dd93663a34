/* Per-process fix-ups: the relocations whose value is not decided by the key, recorded
 * while an image is made and re-applied in every process that maps it.
 *
 * While reloc_object relocates an object for publishing, arch_apply_rela reports each
 * relocation that is not RELATIVE (relcache_note_if). It is baked into the image when its
 * value is the same in every process with this key: a definition in an object at a fixed
 * address, no IFUNC, no STB_GNU_UNIQUE. It is a fix-up otherwise:
 *   - a definition in an object placed per process (a PIE program, ld-mmld.so, the vDSO, a
 *     library whose agreed address was taken);
 *   - an IFUNC (its resolver runs in each process, as it would) and IRELATIVE;
 *   - a unique symbol (the process's first definition, which depends on history);
 *   - a definition in a dlopen'ed object the requester does not depend on (the lookup is
 *     what keeps that object loaded);
 *   - module ids, TLS offsets and TLS descriptors.
 * Lazy JUMP_SLOTs (the PLT entry's own address) are baked; GOT[1] and GOT[2] are set again by
 * arch_setup_lazy. A fix-up writes a word only where its value differs from the image's, so
 * a page whose fix-ups come out the same stays shared. */
#include "relcache_int.h"
#include "reloc.h"
#include "tls.h"

struct dso *relcache_recording;

void rtld_tlsdesc_static(void) HIDDEN;
void rtld_tlsdesc_undefweak(void) HIDDEN;
void rtld_tlsdesc_dynamic(void) HIDDEN;

void rc_record_start(struct dso *d, const struct rc_ranges *rg)
{
	RC.nfix = 0;
	RC.uncacheable = NULL;
	RC.rec_ranges = rg;
	relcache_recording = d;
}

bool rc_inside(const struct rc_ranges *rg, uint64_t vaddr, uint64_t len)
{
	for (uint32_t k = 0; k < rg->n; k++)
		if (vaddr >= rg->r[k].vaddr && vaddr + len <= rg->r[k].vaddr + rg->r[k].len)
			return true;
	return false;
}

void relcache_span(struct dso *d)
{
	/* While recording, the fast RELATIVE loop stays inside the image: a word beyond it
	 * (in the bss) goes through arch_apply_rela, which reports it to relcache_note. */
	const struct rc_ranges *rg = RC.rec_ranges;
	uintptr_t end = d->load_bias + rg->r[rg->n - 1].vaddr + rg->r[rg->n - 1].len;
	if (d->write_hi > end)
		d->write_hi = end;
	if (rg->n > 1)
		d->write_contiguous = false;
}

void rc_record_stop(void) { relcache_recording = NULL; }

static void add_fixup(const Elf64_Rela *r)
{
	if (RC.nfix == RC.capfix) {
		size_t cap = RC.capfix ? RC.capfix * 2 : 256;
		Elf64_Rela *f = rt_realloc(RC.fix, cap * sizeof *f);
		if (!f) {
			RC.uncacheable = "out of memory";
			return;
		}
		RC.fix = f;
		RC.capfix = cap;
	}
	RC.fix[RC.nfix++] = *r;
}

static bool depends_on(const struct dso *d, const struct dso *o)
{
	for (size_t i = 0; i < d->ndeps; i++)
		if (d->deps[i] == o)
			return true;
	for (size_t i = 0; i < d->nsearch_list; i++)
		if (d->search_list[i] == o)
			return true;
	return false;
}

/* A definition whose address is the same in every process that has this key. */
static bool bakeable(const struct dso *d, const struct sym_def *def)
{
	const Elf64_Sym *s = def->sym;
	const struct dso *o = def->dso;
	if (SYM_TYPE(s->st_info) == STT_GNU_IFUNC && s->st_shndx != SHN_UNDEF)
		return false;
	if (SYM_BIND(s->st_info) == STB_GNU_UNIQUE)
		return false;
	if (o->dlopened && o != d && !depends_on(d, o))
		return false;
	if (s->st_shndx == SHN_ABS)
		return true;
	return o->relcache && o->relcache->fixed;
}

void relcache_note(struct dso *d, const Elf64_Rela *r, const struct sym_def *def)
{
	uint32_t type = R_TYPE(r->r_info);
	if (!rc_inside(RC.rec_ranges, r->r_offset, type == R_X86_64_TLSDESC ? 16 : 8))
		RC.uncacheable = "a relocation writes beyond the file-backed pages";
	switch (type) {
	case R_X86_64_RELATIVE:
		break;
	case R_X86_64_IRELATIVE:
	case R_X86_64_DTPMOD64:
	case R_X86_64_TPOFF64:
	case R_X86_64_TLSDESC:
		add_fixup(r);
		break;
	case R_X86_64_DTPOFF64:
		break; /* the symbol's offset in its own block: the definer's file decides it */
	case R_X86_64_64:
	case R_X86_64_GLOB_DAT:
	case R_X86_64_JUMP_SLOT:
		if (def && def->sym && !bakeable(d, def))
			add_fixup(r);
		break;
	default:
		RC.uncacheable = "a relocation type the cache does not hold (copy, or text relocation)";
	}
}

/* The part of d's image outside its RELRO, [lo, hi) at run time per range: what a resolver
 * can write (RELRO holds const data and the GOT, which code does not write). */
static bool watched(const struct dso *d, const struct rc_range *r, uintptr_t *lo, uintptr_t *hi)
{
	*lo = d->load_bias + r->vaddr;
	*hi = *lo + r->len;
	uintptr_t rs = d->relro_start, re = rs + d->relro_len;
	if (d->relro_len && rs <= *lo && re > *lo)
		*lo = re < *hi ? re : *hi;
	if (d->relro_len && rs > *lo && rs < *hi && re >= *hi)
		*hi = rs;
	return *hi > *lo;
}

/* Resolver state: each word of d's image (outside RELRO) that the resolver changed gets a
 * fix-up restoring the value it had before (R_X86_64_64 with no symbol: the addend). They
 * come before the fix-up of this resolver's own relocation, so a process mapping the image
 * resets the state, then runs the resolver, as the first process did. */
#define WATCH_MAX (1u << 20)
#define RC_RESTORE_INFO ((uint64_t)R_X86_64_64) /* symbol 0 */
uintptr_t relcache_watch_resolver(struct dso *d, uintptr_t fn)
{
	if (relcache_recording != d) { /* before d is relocated: its pages take the state */
		d->relcache->resolver_ran = true;
		return ((uintptr_t(*)(void))fn)();
	}
	const struct rc_ranges *rg = RC.rec_ranges;
	size_t len = 0;
	uintptr_t lo, hi;
	for (uint32_t k = 0; k < rg->n; k++)
		if (watched(d, &rg->r[k], &lo, &hi))
			len += hi - lo;
	uint64_t *before = len && len <= WATCH_MAX ? rt_malloc(len) : NULL;
	if (len && !before)
		RC.uncacheable = "an IFUNC resolver of its own ran, and its data is too large to watch";
	for (size_t k = 0, o = 0; before && k < rg->n; k++)
		if (watched(d, &rg->r[k], &lo, &hi)) {
			memcpy((char *)before + o, (const void *)lo, hi - lo);
			o += hi - lo;
		}
	uintptr_t result = ((uintptr_t(*)(void))fn)();
	for (size_t k = 0, o = 0; before && k < rg->n; k++) {
		if (!watched(d, &rg->r[k], &lo, &hi))
			continue;
		const uint64_t *now = (const uint64_t *)lo, *was = before + o / 8;
		for (size_t i = 0; i < (hi - lo) / 8; i++)
			if (now[i] != was[i]) {
				Elf64_Rela restore = {lo + 8 * i - d->load_bias, RC_RESTORE_INFO, (int64_t)was[i]};
				add_fixup(&restore);
			}
		o += hi - lo;
	}
	rt_free(before);
	return result;
}

bool rc_fixup_restores(const Elf64_Rela *f) { return f->r_info == RC_RESTORE_INFO; }

/* The same arithmetic as arch_apply_rela, with the same lookup, for the types above.
 * MMLD_RELOC_CACHE=verify compares both on every object. */
int rc_fixup_value(struct dso *d, const Elf64_Rela *r, uint64_t out[2])
{
	uint32_t type = R_TYPE(r->r_info);
	size_t symidx = R_SYM(r->r_info);
	if (type == R_X86_64_IRELATIVE) {
		uintptr_t f = d->load_bias + r->r_addend;
		if (!code_address(d, f, false))
			die_load(dso_display(d), "IRELATIVE resolver outside the loaded code");
		out[0] = ((uintptr_t(*)(void))f)();
		return 1;
	}
	struct sym_def def = {0};
	bool found = symidx && reloc_resolve(d, symidx, type == R_X86_64_JUMP_SLOT, false, &def);
	struct dso *m = symidx ? def.dso : d; /* the TLS module */
	uint64_t value = (found ? def.sym->st_value : 0) + r->r_addend;
	switch (type) {
	case R_X86_64_64:
		out[0] = (found ? sym_address(&def) : 0) + r->r_addend;
		return 1;
	case R_X86_64_GLOB_DAT:
	case R_X86_64_JUMP_SLOT:
		out[0] = found ? sym_address(&def) : 0;
		return 1;
	case R_X86_64_DTPMOD64:
		out[0] = symidx ? (found ? def.dso->tls_modid : 0) : d->tls_modid;
		return 1;
	case R_X86_64_DTPOFF64:
		out[0] = value;
		return 1;
	case R_X86_64_TPOFF64:
		if (symidx && !found) {
			out[0] = 0;
			return 1;
		}
		if (!m->tls_static && !tls_try_static(m)) /* a dlopen'ed module reached by initial-exec */
			die_load(dso_display(m), "cannot allocate memory in static TLS block");
		out[0] = value - (uint64_t)m->tls_offset;
		return 1;
	case R_X86_64_TLSDESC:
		if (symidx && !found) {
			out[0] = (uintptr_t)rtld_tlsdesc_undefweak;
			out[1] = r->r_addend;
		} else if (m->tls_static) {
			out[0] = (uintptr_t)rtld_tlsdesc_static;
			out[1] = value - (uint64_t)m->tls_offset;
		} else {
			/* The descriptor's argument lives in our heap: a new one per process. */
			size_t *td = rt_malloc(3 * sizeof *td);
			if (!td)
				die_load(NULL, "out of memory");
			td[0] = m->tls_modid;
			td[1] = value;
			td[2] = R.tls_generation;
			out[0] = (uintptr_t)rtld_tlsdesc_dynamic;
			out[1] = (uintptr_t)td;
		}
		return 2;
	}
	return 0;
}

void rc_apply_fixups(struct dso *d, const Elf64_Rela *fix, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v[2];
		int k = rc_fixup_value(d, &fix[i], v);
		uint64_t *w = (uint64_t *)(d->load_bias + fix[i].r_offset);
		for (int j = 0; j < k; j++)
			if (w[j] != v[j]) /* an unchanged page stays the shared one */
				w[j] = v[j];
	}
}
