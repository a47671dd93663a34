/* The three relocation types most symbolic relocations of a large library are (JUMP_SLOT,
 * GLOB_DAT, 64), applied inline in reloc.c's loop over a table: one compare keeps the word in
 * the writable span computed once per table, the lookup goes through the caller's resolver
 * (inlined: the one-entry cache first), and an IFUNC resolver is the only call left.
 * Everything else returns false and goes to arch_apply_rela, which checks and reports it:
 * other types, an entry without a symbol, a word outside the span. Lazy JUMP_SLOT only adds
 * the load bias. Hooks that watch each relocation (the relocation cache's note, audit's
 * symbind) belong here as well as in arch_apply_rela. */
#ifndef MMLD_ARCH_RELOC_FAST_H
#define MMLD_ARCH_RELOC_FAST_H
#include "../../reloc.h"
#include "../../relcache.h"

/* The words a table may write: w is inside if w - lo <= span (one unsigned compare). */
struct reloc_span {
	uintptr_t bias, lo, span;
};

typedef bool (*reloc_resolver)(struct dso *d, size_t symidx, bool plt, bool copy, struct sym_def *def);

/* Applies r if it is one of the three in the span; *symbolic counts those that needed a
 * lookup. Only in MODE_RUN: --verify and --list report undefined symbols and write nothing. */
__attribute__((always_inline)) static inline bool arch_apply_common(struct dso *d, const Elf64_Rela *r, bool lazy,
								    const struct reloc_span *s, reloc_resolver resolve,
								    uint64_t *symbolic)
{
	uint32_t type = R_TYPE(r->r_info);
	if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT && type != R_X86_64_64)
		return false;
	uintptr_t where = s->bias + r->r_offset;
	if (where - s->lo > s->span)
		return false;
	if (type == R_X86_64_JUMP_SLOT && lazy) {
		/* Points at the PLT entry's push; the first call goes through the trampoline. */
		*(uint64_t *)where += s->bias;
		return true;
	}
	size_t symidx = R_SYM(r->r_info);
	if (!symidx)
		return false;
	struct sym_def def;
	bool found = resolve(d, symidx, type == R_X86_64_JUMP_SLOT, false, &def);
	uintptr_t v = found ? sym_value(&def) : 0;
	*(uint64_t *)where = v + (type == R_X86_64_64 ? (uint64_t)r->r_addend : 0); /* S+A, or S */
	relcache_note_if(d, r, found ? &def : NULL); /* is the value per process? */
	(*symbolic)++;
	return true;
}
/* The lazily bound JUMP_SLOT entries from *r on, while they last and stay in the span: each
 * only gets the load bias added (the PLT entry's push, until the first call binds it). Leaves
 * *r at the first entry that is not one; returns how many were applied. */
__attribute__((always_inline)) static inline uint64_t arch_apply_lazy_slots(const Elf64_Rela **r,
									      const Elf64_Rela *end,
									      const struct reloc_span *s)
{
	const Elf64_Rela *p = *r;
	const uintptr_t first = s->lo - s->bias; /* link-time address of the span's start */
	for (; p < end && R_TYPE(p->r_info) == R_X86_64_JUMP_SLOT && p->r_offset - first <= s->span; p++)
		*(uint64_t *)(s->lo + (p->r_offset - first)) += s->bias;
	uint64_t n = (uint64_t)(p - *r);
	*r = p;
	return n;
}
#endif
