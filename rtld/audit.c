/* rtld-audit(7): telling audit modules what the loader does, in the order they were listed.
 *
 * The events, and when glibc 2.36 sends them (the order audit modules see is part of the
 * interface, so it is glibc's here):
 *   la_version      once per module, when it is loaded (audit_register)
 *   la_objopen      each object just mapped, the program and ld.so first, the vDSO after the
 *                   LD_PRELOAD objects; not for objects of an audit module's own namespace
 *   la_objsearch    a name before it is searched (LA_SER_ORIG), then each path tried
 *   la_activity     LA_ACT_ADD before a namespace gets new objects, LA_ACT_CONSISTENT once
 *                   they are loaded (at start-up: relocated and libc initialised), LA_ACT_DELETE
 *                   before objects go; the namespace's first object's cookie names it
 *   la_symbind64    a PLT binding between an object that asked LA_FLG_BINDFROM and one that
 *                   asked LA_FLG_BINDTO: at relocation time (bind now), at the first call
 *                   (lazy), or from dlsym (either flag suffices, LA_SYMB_DLSYM)
 *   la_pltenter/la_pltexit (x86-64 names) every call through such a PLT slot, when a module
 *                   has them: the slot then always goes through rtld_audit_plt (start.S)
 *   la_preinit      after the program's constructors, before main (libc calls
 *                   _dl_audit_preinit)
 *   la_objclose     each object after its finalisers (dlclose, exit)
 * Cookies: one per (object, module), initially the object's link_map. */
#include "audit.h"
#include "debug.h"
#include "hash.h"
#include "lookup.h"
#include "reloc.h"

struct auditor {
	void (*activity)(uintptr_t *cookie, unsigned flag);
	char *(*objsearch)(const char *name, uintptr_t *cookie, unsigned flag);
	unsigned (*objopen)(void *map, long lmid, uintptr_t *cookie);
	void (*preinit)(uintptr_t *cookie);
	uintptr_t (*symbind)(Elf64_Sym *sym, unsigned ndx, uintptr_t *refcook, uintptr_t *defcook, unsigned *flags,
			     const char *symname);
	uintptr_t (*pltenter)(Elf64_Sym *sym, unsigned ndx, uintptr_t *refcook, uintptr_t *defcook, void *regs,
			      unsigned *flags, const char *symname, long *framesize);
	unsigned (*pltexit)(Elf64_Sym *sym, unsigned ndx, uintptr_t *refcook, uintptr_t *defcook, const void *inregs,
			    void *outregs, const char *symname);
	unsigned (*objclose)(uintptr_t *cookie);
};

static struct auditor auditors[AUDIT_MAX] RARELY_WRITTEN;

/* --- per-object state ---------------------------------------------------------------------- */
static void *link_map_of(struct dso *d) { return R.link_map_of ? R.link_map_of(d) : d->personality; }

static struct audit_state *state(struct dso *d, unsigned i)
{
	if (!d->audit) {
		struct audit_state *s = rt_calloc(AUDIT_MAX, sizeof *s);
		if (!s)
			die_load(NULL, "out of memory");
		uintptr_t map = (uintptr_t)link_map_of(d);
		for (unsigned k = 0; k < AUDIT_MAX; k++)
			s[k].cookie = map;
		d->audit = s;
	}
	return &d->audit[i];
}

/* Objects of an audit module's namespace are never audited (glibc: l_auditing of its head). */
static bool unaudited(const struct dso *d) { return NS(d->ns)->auditing; }

static struct dso *ns_head(unsigned ns)
{
	for (struct dso *d = R.head; d; d = d->next)
		if (d->ns == ns)
			return d;
	return NULL;
}

/* --- registering a module ------------------------------------------------------------------ */
static void *module_sym(struct dso *module, const char *name)
{
	struct sym_query q = {.name = name, .gnu_hash = gnu_hash(name)};
	for (size_t i = 0; i < module->nsearch_list; i++) {
		const Elf64_Sym *s = lookup_in_dso(module->search_list[i], &q);
		if (s) {
			struct sym_def def = {s, module->search_list[i]};
			return (void *)sym_address(&def);
		}
	}
	return NULL;
}

int audit_register(struct dso *module, const char *name, char *err, size_t errlen)
{
	unsigned (*version)(unsigned) = module_sym(module, "la_version");
	if (!version) {
		rt_snprintf(err, errlen, "undefined symbol: la_version");
		return -1;
	}
	unsigned v = version(LAV_CURRENT_);
	if (v == 0) {
		if (DEBUG_ON(DBG_FILES))
			dbg("file=%s [%u]; audit interface function la_version returned zero; ignored.", dso_display(module),
			    module->ns);
		return 1;
	}
	if (v > LAV_CURRENT_) {
		dbg("ERROR: audit interface '%s' requires version %u (maximum supported version %d); ignored.", name, v,
		    LAV_CURRENT_);
		return 1;
	}
	if (R.naudit == AUDIT_MAX) {
		rt_snprintf(err, errlen, "too many audit modules");
		return -1;
	}
	struct auditor *a = &auditors[R.naudit];
	a->activity = module_sym(module, "la_activity");
	a->objsearch = module_sym(module, "la_objsearch");
	a->objopen = module_sym(module, "la_objopen");
	a->preinit = module_sym(module, "la_preinit");
	a->symbind = module_sym(module, "la_symbind64");
	a->pltenter = module_sym(module, "la_x86_64_gnu_pltenter");
	a->pltexit = module_sym(module, "la_x86_64_gnu_pltexit");
	a->objclose = module_sym(module, "la_objclose");
	R.audit_plt_hooks |= a->pltenter || a->pltexit;
	R.audit_symbind |= a->symbind != NULL;
	R.naudit++;
	NS(module->ns)->auditing = true;
	return 0;
}

/* --- the simple events --------------------------------------------------------------------- */
const char *audit_objsearch(const char *name, struct dso *loader, unsigned code)
{
	if (!loader || unaudited(loader) || !code)
		return name;
	for (unsigned i = 0; i < R.naudit; i++)
		if (auditors[i].objsearch) {
			name = auditors[i].objsearch(name, &state(loader, i)->cookie, code);
			if (!name)
				return NULL;
		}
	return name;
}

void audit_objopen(struct dso *d)
{
	if (unaudited(d))
		return;
	void *map = link_map_of(d);
	for (unsigned i = 0; i < R.naudit; i++)
		if (auditors[i].objopen) {
			struct audit_state *s = state(d, i);
			s->bindflags = auditors[i].objopen(map, d->ns, &s->cookie);
			d->audit_any_plt |= s->bindflags != 0;
		}
}

void audit_activity(unsigned ns, unsigned action)
{
	struct dso *head = ns_head(ns);
	if (!head || NS(ns)->auditing)
		return;
	for (unsigned i = 0; i < R.naudit; i++)
		if (auditors[i].activity)
			auditors[i].activity(&state(head, i)->cookie, action);
}

void audit_objclose(struct dso *d)
{
	if (unaudited(d))
		return;
	for (unsigned i = 0; i < R.naudit; i++)
		if (auditors[i].objclose)
			auditors[i].objclose(&state(d, i)->cookie);
}

/* ld.so's stand-in on a namespace's list goes when the namespace does: glibc tells modules so
 * too (its cookie was never changed: la_objopen is not called for it). */
void audit_objclose_rtld_proxy(unsigned ns)
{
	if (NS(ns)->auditing || !NS(ns)->rtld_proxy)
		return;
	for (unsigned i = 0; i < R.naudit; i++)
		if (auditors[i].objclose) {
			uintptr_t cookie = (uintptr_t)NS(ns)->rtld_proxy;
			auditors[i].objclose(&cookie);
		}
}

void audit_preinit(struct dso *main)
{
	for (unsigned i = 0; i < R.naudit; i++)
		if (auditors[i].preinit)
			auditors[i].preinit(&state(main, i)->cookie);
}

/* --- symbol bindings ----------------------------------------------------------------------- */
#define ENTEREXIT_BITS(i) (2 * ((i) + 1)) /* auditor i's two bits; bits 0-1 are the summary */

/* A PLT binding of ref to def: la_symbind64 of every module that asked for bindings from ref and
 * to def. `slot` is NULL for a binding made at relocation time (the modules are told la_pltenter
 * and la_pltexit cannot happen: LA_SYMB_NOPLTENTER|NOPLTEXIT). A module may return another
 * address (LA_SYMB_ALTVALUE for the next ones); what each asked of la_pltenter/la_pltexit is
 * kept in the slot. */
static void symbind(struct dso *ref, struct audit_plt *slot, struct dso *def, const Elf64_Sym *defsym,
		    uintptr_t *value)
{
	unsigned ndx = (unsigned)(defsym - def->symtab);
	if (slot) {
		slot->bound = def;
		slot->defsym = defsym;
	}
	if (!ref->audit_any_plt && !def->audit_any_plt) {
		if (slot)
			slot->enterexit = ~0u; /* nobody is interested */
		return;
	}
	Elf64_Sym sym = *defsym;
	sym.st_value = *value;
	const char *name = dso_str(def, defsym->st_name);
	uint32_t enterexit = LA_SYMB_NOPLTENTER_ | LA_SYMB_NOPLTEXIT_;
	unsigned flags = 0; /* one word for all modules, as glibc passes it on */
	uintptr_t alt = sym.st_value;
	for (unsigned i = 0; i < R.naudit; i++) {
		struct audit_state *rs = state(ref, i), *ds = state(def, i);
		if (!(rs->bindflags & LA_FLG_BINDFROM_) || !(ds->bindflags & LA_FLG_BINDTO_)) {
			enterexit |= (uint32_t)(LA_SYMB_NOPLTENTER_ | LA_SYMB_NOPLTEXIT_) << ENTEREXIT_BITS(i);
			continue;
		}
		if (auditors[i].symbind) {
			if (!slot)
				flags |= LA_SYMB_NOPLTENTER_ | LA_SYMB_NOPLTEXIT_;
			alt = auditors[i].symbind(&sym, ndx, &rs->cookie, &ds->cookie, &flags, name);
			if (alt != sym.st_value) {
				flags |= LA_SYMB_ALTVALUE_;
				sym.st_value = alt;
			}
		}
		enterexit &= flags & (LA_SYMB_NOPLTENTER_ | LA_SYMB_NOPLTEXIT_);
		enterexit |= (flags & (LA_SYMB_NOPLTENTER_ | LA_SYMB_NOPLTEXIT_)) << ENTEREXIT_BITS(i);
	}
	if (slot) {
		slot->enterexit = enterexit;
		slot->flags = flags;
	}
	if (flags & LA_SYMB_ALTVALUE_)
		*value = alt;
}

/* At relocation time glibc tells modules of every binding between objects they asked for,
 * those of a later audit module's namespace included. */
void audit_symbind_now(struct dso *ref, struct dso *def, const Elf64_Sym *defsym, uintptr_t *value)
{
	symbind(ref, NULL, def, defsym, value);
}

void audit_symbind_lazy(struct dso *ref, size_t index, struct dso *def, const Elf64_Sym *defsym, uintptr_t *value)
{
	struct audit_plt *slot = &ref->audit_plt[index];
	if (__atomic_load_n(&slot->init, __ATOMIC_ACQUIRE)) {
		*value = slot->addr;
		return;
	}
	symbind(ref, slot, def, defsym, value);
	slot->addr = *value;
	__atomic_store_n(&slot->init, 1, __ATOMIC_RELEASE);
}

/* dlsym's binding: either flag suffices, every call carries LA_SYMB_DLSYM. glibc 2.36 moves to
 * the next module only after one it has called (so a module whose flags do not match lets the
 * same module be asked again for the next cookie pair); that is kept, as programs see it. */
void audit_symbind_dlsym(struct dso *ref, struct dso *def, const Elf64_Sym *defsym, void **value)
{
	if (!ref->audit_any_plt && !def->audit_any_plt)
		return;
	unsigned ndx = (unsigned)(defsym - def->symtab);
	Elf64_Sym sym = *defsym;
	sym.st_value = (uintptr_t)*value;
	const char *name = dso_str(def, defsym->st_name);
	unsigned altvalue = 0;
	const struct auditor *a = auditors;
	for (unsigned i = 0; i < R.naudit; i++) {
		struct audit_state *rs = state(ref, i), *ds = state(def, i);
		if (a->symbind && ((rs->bindflags & LA_FLG_BINDFROM_) || (ds->bindflags & LA_FLG_BINDTO_))) {
			unsigned flags = altvalue | LA_SYMB_DLSYM_;
			uintptr_t v = a->symbind(&sym, ndx, &rs->cookie, &ds->cookie, &flags, name);
			if (v != sym.st_value) {
				altvalue = LA_SYMB_ALTVALUE_;
				sym.st_value = v;
			}
			a++;
		}
		*value = (void *)sym.st_value;
	}
}

/* --- the PLT when modules have la_pltenter/la_pltexit ---------------------------------------- */
bool audit_plt_trampoline(const struct dso *d) { return R.audit_plt_hooks && !NS(d->ns)->auditor; }

void audit_plt_alloc(struct dso *d)
{
	if (NS(d->ns)->auditor || (!R.audit_plt_hooks && !R.audit_symbind) || !dso_has(d, DT_JMPREL) || d->audit_plt)
		return;
	size_t n = dso_dyn(d, DT_PLTRELSZ) / sizeof(Elf64_Rela);
	d->audit_plt = (R.app_calloc ? R.app_calloc : rt_calloc)(n ? n : 1, sizeof *d->audit_plt);
	if (!d->audit_plt)
		die_load(dso_display(d), "out of memory to store relocation results");
}

/* la_pltenter of every module interested in the slot: each may change the target and say
 * whether it wants la_pltexit (a frame size of the caller's stack arguments to copy); the
 * largest frame size asked for wins. */
static void pltenter(struct dso *ref, struct audit_plt *slot, uintptr_t *value, void *regs, long *framesize)
{
	if (slot->enterexit & LA_SYMB_NOPLTENTER_)
		return;
	Elf64_Sym sym = *slot->defsym;
	sym.st_value = *value;
	const char *name = dso_str(slot->bound, sym.st_name);
	unsigned flags = slot->flags;
	for (unsigned i = 0; i < R.naudit; i++) {
		if (!auditors[i].pltenter || (slot->enterexit & ((uint32_t)LA_SYMB_NOPLTENTER_ << ENTEREXIT_BITS(i))))
			continue;
		long fs = -1;
		uintptr_t v = auditors[i].pltenter(&sym, (unsigned)(slot->defsym - slot->bound->symtab),
						   &state(ref, i)->cookie, &state(slot->bound, i)->cookie, regs,
						   &flags, name, &fs);
		if (v != sym.st_value) {
			flags |= LA_SYMB_ALTVALUE_;
			sym.st_value = v;
		}
		slot->enterexit |= (flags & (LA_SYMB_NOPLTENTER_ | LA_SYMB_NOPLTEXIT_)) << ENTEREXIT_BITS(i);
		if (!(slot->enterexit & ((uint32_t)LA_SYMB_NOPLTEXIT_ << ENTEREXIT_BITS(i))) && fs != -1 &&
		    *framesize != -2)
			*framesize = *framesize == -1 || fs > *framesize ? fs : *framesize;
	}
	*value = sym.st_value;
}

/* The trampoline's first half: resolves the slot the first time (la_symbind64), never writes the
 * GOT (every call comes back here), then la_pltenter. Returns where to jump; *framesize >= 0
 * asks for la_pltexit. */
uintptr_t rtld_audit_plt_enter(struct dso *d, size_t index, void *regs, long *framesize)
{
	*framesize = -1;
	arch_lazy_check(d, index);
	if (!d->audit_plt) {
		/* Called while d itself is relocated (an IFUNC resolver's lazy call): no slots yet,
		 * bound plainly, as glibc does. */
		return rtld_lazy_fixup(d, index);
	}
	struct audit_plt *slot = &d->audit_plt[index];
	uintptr_t value;
	if (__atomic_load_n(&slot->init, __ATOMIC_ACQUIRE))
		value = slot->addr;
	else {
		uint64_t *where;
		struct sym_def def;
		value = arch_lazy_target(d, index, &where, &def);
		audit_symbind_lazy(d, index, def.dso, def.sym, &value);
	}
	pltenter(d, slot, &value, regs, framesize);
	return value;
}

/* The second half, after the function returned: la_pltexit. glibc 2.36 tests the first
 * module's wish with the summary bit and calls every later one (its shift goes the wrong way);
 * kept, as audit modules see it. */
void rtld_audit_plt_exit(struct dso *d, size_t index, const void *inregs, void *outregs)
{
	struct audit_plt *slot = &d->audit_plt[index];
	Elf64_Sym sym = *slot->defsym;
	sym.st_value = slot->addr;
	const char *name = dso_str(slot->bound, sym.st_name);
	unsigned ndx = (unsigned)(slot->defsym - slot->bound->symtab);
	for (unsigned i = 0; i < R.naudit; i++)
		if (auditors[i].pltexit && !(slot->enterexit & ((uint32_t)LA_SYMB_NOPLTEXIT_ >> (2 * i))))
			auditors[i].pltexit(&sym, ndx, &state(d, i)->cookie, &state(slot->bound, i)->cookie, inregs,
					    outregs, name);
}
