/* The x86-64 relocation types a dynamic linker meets (psABI 4.4.1 and the TLS ABI).
 *   S: symbol address  A: addend  B: load bias  P: the word's address
 *   RELATIVE B+A | 64 S+A | GLOB_DAT, JUMP_SLOT S | COPY copy st_size bytes of S to P
 *   IRELATIVE call(B+A) | TPOFF64 S+A-tls_offset(def) (negative: below TP) | DTPMOD64 module
 *   id | DTPOFF64 S+A within the module's block | TLSDESC a {resolver, argument} pair */
#include "../../reloc.h"
#include "../../relcache.h"
#include "../../tls.h"
#include "../../audit.h"
#include "../../lock.h"

void _dl_runtime_resolve(void) HIDDEN;
void rtld_audit_plt(void) HIDDEN;
void rtld_tlsdesc_static(void) HIDDEN;
void rtld_tlsdesc_undefweak(void) HIDDEN;
void rtld_tlsdesc_dynamic(void) HIDDEN;

/* start.S reads the first three words. */
struct tlsdesc_dynamic {
	size_t modid, offset, generation;
	struct tlsdesc_dynamic *next; /* the object's other descriptors */
};

void arch_free_object(struct dso *d)
{
	for (struct tlsdesc_dynamic *td = d->tlsdesc_blocks, *next; td; td = next) {
		next = td->next;
		rt_free(td);
	}
	d->tlsdesc_blocks = NULL;
}

/* The word must lie in a segment of the object; writable unless text relocations are on.
 * A fuzzed r_offset must not make us write anywhere else in the process. */
static bool target_in_segment(const struct dso *d, uintptr_t where)
{
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		if (p->p_type != PT_LOAD || (!(p->p_flags & PF_W) && !d->textrel))
			continue;
		uintptr_t s = d->load_bias + p->p_vaddr;
		if (where >= s && where - s <= p->p_memsz - 8 && p->p_memsz >= 8)
			return true;
	}
	return false;
}

/* The one-compare span first (nearly every object), inline where each relocation asks. */
__attribute__((always_inline)) static inline bool target_ok(const struct dso *d, uintptr_t where)
{
	if (d->write_contiguous && where >= d->write_lo && where + 8 <= d->write_hi)
		return true;
	return target_in_segment(d, where);
}

bool arch_reloc_target_ok(const struct dso *d, uintptr_t where) { return target_ok(d, where); }

void arch_setup_lazy(struct dso *d)
{
	/* GOT[1] identifies the object to the trampoline, GOT[2] is the trampoline (PLT0 pushes
	 * the first and jumps to the second). */
	if (!dso_has(d, DT_PLTGOT))
		return;
	uintptr_t *got = (uintptr_t *)(d->load_bias + dso_dyn(d, DT_PLTGOT));
	if (!target_ok(d, (uintptr_t)&got[2]))
		die_load(dso_display(d), "DT_PLTGOT outside the writable segments");
	got[1] = (uintptr_t)d;
	got[2] = R.naudit && audit_plt_trampoline(d) ? (uintptr_t)rtld_audit_plt : (uintptr_t)_dl_runtime_resolve;
}

static void bad_type(struct dso *d, uint32_t type)
{
	die_load(dso_display(d), "unsupported relocation type %u", type);
}

void arch_apply_rela(struct dso *d, const Elf64_Rela *r, bool lazy)
{
	uint32_t type = R_TYPE(r->r_info);
	size_t symidx = R_SYM(r->r_info);
	uintptr_t b = d->load_bias;
	uint64_t *where = (uint64_t *)(b + r->r_offset);
	struct sym_def def = {0};
	uintptr_t s = 0;

	if (type == R_X86_64_NONE)
		return;
	if (!target_ok(d, (uintptr_t)where))
		die_load(dso_display(d), "relocation at %#lx outside the writable segments", (unsigned long)r->r_offset);
	d->nrelocs++;
	if (type == R_X86_64_RELATIVE) {
		*where = b + r->r_addend;
		d->nrelative++;
		relcache_note_if(d, r, NULL);
		return;
	}
	if (type == R_X86_64_IRELATIVE) {
		if (R.mode != MODE_RUN)
			return; /* ldd -r: no resolver runs (glibc's __RTLD_NOIFUNC) */
		if (!code_address(d, b + r->r_addend, false))
			die_load(dso_display(d), "IRELATIVE resolver outside the loaded code");
		*where = relcache_call_resolver(d, b + r->r_addend);
		relcache_note_if(d, r, NULL);
		return;
	}
	if (type == R_X86_64_JUMP_SLOT && lazy) {
		/* Points at the PLT entry's push; the first call goes through the trampoline. */
		*where += b;
		return;
	}
	d->nsymbolic++;
	bool found = symidx ? reloc_resolve(d, symidx, type == R_X86_64_JUMP_SLOT, type == R_X86_64_COPY, &def) : false;
	if (symidx && !def.sym && (R.mode != MODE_RUN))
		return; /* --verify/--list: reported, keep going */
	if (type == R_X86_64_DTPMOD64 || type == R_X86_64_DTPOFF64 || type == R_X86_64_TPOFF64 ||
	    type == R_X86_64_TLSDESC) {
		/* Thread-local relocations name a TLS symbol of an object that has a TLS segment
		 * (or, without a symbol, the object's own); anything else would hand code a
		 * descriptor or offset that means nothing. */
		const struct dso *m = symidx ? (found ? def.dso : NULL) : d;
		if ((found && SYM_TYPE(def.sym->st_info) != STT_TLS) || (m && !m->tls_memsz && !m->tls_modid))
			die_load(dso_display(d), "TLS relocation at %#lx for something that is not thread-local",
				 (unsigned long)r->r_offset);
		if (type == R_X86_64_TLSDESC && !target_ok(d, (uintptr_t)where + 8))
			die_load(dso_display(d), "relocation at %#lx outside the writable segments",
				 (unsigned long)r->r_offset);
	}
	switch (type) {
	case R_X86_64_64:
		s = found ? sym_address(&def) : 0;
		*where = s + r->r_addend;
		break;
	case R_X86_64_GLOB_DAT:
	case R_X86_64_JUMP_SLOT:
		*where = found ? sym_address(&def) : 0;
		break;
	case R_X86_64_PC32:
	case R_X86_64_32:
	case R_X86_64_32S: {
		/* Text-relocation leftovers of non-PIC code: 32-bit fields must not overflow. */
		s = found ? sym_address(&def) : 0;
		int64_t v = (int64_t)(s + r->r_addend) - (type == R_X86_64_PC32 ? (int64_t)(uintptr_t)where : 0);
		if ((type == R_X86_64_32 && (uint64_t)v > 0xffffffffULL) ||
		    (type != R_X86_64_32 && (v < INT32_MIN || v > INT32_MAX)))
			die_load(dso_display(d), "relocation type %u overflows at %#lx", type, (unsigned long)r->r_offset);
		uint32_t v32 = (uint32_t)v;
		memcpy(where, &v32, 4);
		break;
	}
	case R_X86_64_COPY:
		if (!found)
			break;
		if (def.sym->st_size > 0 && dso_contains(def.dso, def.dso->load_bias + def.sym->st_value, def.sym->st_size, PF_R))
			memcpy(where, (void *)(def.dso->load_bias + def.sym->st_value), def.sym->st_size);
		break;
	case R_X86_64_DTPMOD64:
		/* symidx 0: the object's own module (local-dynamic model). */
		*where = symidx ? (found ? def.dso->tls_modid : 0) : d->tls_modid;
		break;
	case R_X86_64_DTPOFF64:
		*where = (found ? def.sym->st_value : 0) + r->r_addend;
		break;
	case R_X86_64_TPOFF64: {
		struct dso *m = symidx ? def.dso : d;
		if (symidx && !found) {
			*where = 0;
			break;
		}
		if (!m->tls_static && !tls_try_static(m))
			die_load(dso_display(m), "cannot allocate memory in static TLS block");
		*where = (symidx ? def.sym->st_value : 0) + r->r_addend - (uint64_t)m->tls_offset;
		break;
	}
	case R_X86_64_TLSDESC: {
		uintptr_t *desc = (uintptr_t *)where;
		struct dso *m = symidx ? def.dso : d;
		uint64_t value = (symidx ? (found ? def.sym->st_value : 0) : 0) + r->r_addend;
		if (symidx && !found) {
			desc[0] = (uintptr_t)rtld_tlsdesc_undefweak;
			desc[1] = r->r_addend;
		} else if (m->tls_static) {
			desc[0] = (uintptr_t)rtld_tlsdesc_static;
			desc[1] = value - (uint64_t)m->tls_offset;
		} else {
			struct tlsdesc_dynamic *td = rt_malloc(sizeof *td);
			if (!td)
				die_load(NULL, "out of memory");
			td->modid = m->tls_modid;
			td->offset = value;
			td->generation = tls_module_generation(m);
			td->next = d->tlsdesc_blocks;
			d->tlsdesc_blocks = td;
			desc[0] = (uintptr_t)rtld_tlsdesc_dynamic;
			desc[1] = (uintptr_t)td;
		}
		break;
	}
	default:
		bad_type(d, type);
	}
	relcache_note_if(d, r, found ? &def : NULL); /* is the value per process? */
}

/* A definition that could be unloaded while the object binding to it stays: in a dlopen'ed
 * object that is neither the requester nor among its direct dependencies or its own search
 * list, and not NODELETE (once set, for good). A superset of what lookup.c's keep_if_foreign
 * records as a relocation dependency, which needs LOCK_LOAD. Reads nothing a writer changes
 * in place. */
static bool binds_foreign(const struct dso *req, const struct dso *def)
{
	if (!def->dlopened || def == req || __atomic_load_n(&def->nodelete, __ATOMIC_RELAXED))
		return false;
	for (size_t i = 0; i < req->ndeps; i++)
		if (req->deps[i] == def)
			return false;
	for (size_t i = 0; i < req->nsearch_list; i++)
		if (req->search_list[i] == def)
			return false;
	return true;
}

/* A PLT slot a trampoline was entered for: d comes from the object's GOT[1], which its own
 * relocations could have overwritten, so it must be one of ours before anything is read
 * through it, and the index must be its. The caller is a lock-free reader (rtld/lock.c). */
static inline __attribute__((always_inline)) void lazy_check(struct dso *d, size_t index)
{
	bool known = false;
	/* The list as deps_append and deps_remove publish it (release stores): acquire loads. */
	for (struct dso *o = __atomic_load_n(&R.head, __ATOMIC_ACQUIRE); o && !known;
	     o = __atomic_load_n(&o->next, __ATOMIC_ACQUIRE))
		known = o == d;
	if (!known)
		rt_die("symbol lookup error", NULL, "lazy binding through a damaged GOT (GOT[1] is not an object)");
	if ((index + 1) * sizeof(Elf64_Rela) > d->pltrelsz)
		rt_die("symbol lookup error", dso_display(d), "PLT index %zu out of range", index);
}

void arch_lazy_check(struct dso *d, size_t index)
{
	bool reading = scope_enter();
	lazy_check(d, index);
	scope_leave(reading);
}

/* What PLT slot `index` of d binds to: the address (code of a loaded object, checked), the
 * definition, and in *where the GOT word. Any thread may be here, several at once, and
 * signal handlers inside one another: nothing shared is written (the caller writes the slot;
 * every thread writes the same value there). The lookup runs as a lock-free reader of the
 * objects and scopes (rtld/lock.c), so a dlclose in another thread cannot unmap what it is
 * reading. Calling an IFUNC resolver, and binding to an object this one does not depend on
 * (which must then be kept loaded, a decision dlclose makes under LOCK_LOAD), happen outside
 * that section, the latter under LOCK_LOAD, as glibc's add_dependency does. */
static inline __attribute__((always_inline)) uintptr_t lazy_target(struct dso *d, size_t index, uint64_t **where,
								   struct sym_def *def)
{
	bool reading = scope_enter();
	lazy_check(d, index);
	const Elf64_Rela *r = d->jmprel + index;
	*where = (uint64_t *)(d->load_bias + r->r_offset);
	if (!target_ok(d, (uintptr_t)*where))
		rt_die("symbol lookup error", dso_display(d), "PLT relocation at %#lx outside the writable segments",
		       (unsigned long)r->r_offset);
	if (!reloc_resolve_lazy(d, R_SYM(r->r_info), def))
		rt_die("symbol lookup error", dso_display(d), "undefined weak function called");
	bool locked = binds_foreign(d, def->dso);
	scope_leave(reading);
	if (locked) {
		rtld_lock(LOCK_LOAD); /* no dlclose in progress: what is found now is recorded and stays */
		if (!reloc_resolve_lazy(d, R_SYM(r->r_info), def))
			rt_die("symbol lookup error", dso_display(d), "undefined weak function called");
	}
	uintptr_t a = sym_value(def);
	const char *name = dso_str(def->dso, def->sym->st_name); /* the definition's own string table */
	/* The trampoline jumps there next: it must be code (an absolute or damaged symbol
	 * value could be anything). */
	bool code = dso_code(def->dso, a);
	if (!code) { /* somewhere else (an IFUNC's answer): the list of objects is walked */
		reading = scope_enter();
		code = code_address(def->dso, a, true);
		scope_leave(reading);
	}
	if (!code)
		rt_die("symbol lookup error", dso_display(d), "%s resolves outside the loaded code", name);
	/* (LD_DEBUG=bindings: said by the lookup, once, as glibc says it at the first call) */
	if (locked)
		rtld_unlock(LOCK_LOAD);
	return a;
}

uintptr_t arch_lazy_target(struct dso *d, size_t index, uint64_t **where, struct sym_def *def)
{
	return lazy_target(d, index, where, def);
}

/* The lazy trampoline's C half: binds one PLT slot and returns where to jump. */
HIDDEN uintptr_t rtld_lazy_fixup(struct dso *d, size_t index)
{
	uint64_t *where;
	struct sym_def def;
	uintptr_t a = lazy_target(d, index, &where, &def);
	if (R.naudit && d->audit_plt) /* la_symbind64, once per slot */
		audit_symbind_lazy(d, index, def.dso, def.sym, &a);
	*where = a;
	return a;
}
