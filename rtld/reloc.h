#ifndef MMLD_RELOC_H
#define MMLD_RELOC_H
#include "rtld.h"
#include "lookup.h"

/* Relocates one object: RELR, then DT_RELA, then DT_JMPREL (lazily unless bind-now), then
 * its IRELATIVE relocations. Needs the TLS layout and every object it binds to mapped. */
HIDDEN void reloc_object(struct dso *d);
/* Fills d's write span (write_lo/hi, write_contiguous), which relocation targets are
 * checked against; reloc_object does, and so does an object mapped from the relocation cache. */
HIDDEN void reloc_write_span(struct dso *d);
/* Relocates every loaded object, dependencies before the objects that need them. */
HIDDEN void reloc_all(void);
/* Resolves the symbol of a relocation or dies with glibc's message; returns false only for
 * an undefined weak reference (address 0). */
HIDDEN bool reloc_resolve(struct dso *d, size_t symidx, bool plt, bool copy, struct sym_def *def);
/* The same for the lazy-binding fix-up: no cache, nothing shared written (any thread, any
 * signal handler may be in here at once). */
HIDDEN bool reloc_resolve_lazy(struct dso *d, size_t symidx, struct sym_def *def);
/* An unloaded object must not be answered from the lookup cache. */
HIDDEN void reloc_forget(const struct dso *d);
/* arch/x86_64/reloc.c: applies one RELA entry. `deferred` collects IRELATIVE. */
HIDDEN void arch_apply_rela(struct dso *d, const Elf64_Rela *r, bool lazy);
HIDDEN void arch_setup_lazy(struct dso *d);
/* Lazy binding, for the trampolines: checks that d (from GOT[1]) and index name a PLT slot
 * (dying otherwise), and resolves it: returns the target, *where is its GOT word. */
HIDDEN void arch_lazy_check(struct dso *d, size_t index);
HIDDEN uintptr_t arch_lazy_target(struct dso *d, size_t index, uint64_t **where, struct sym_def *def);
HIDDEN uintptr_t rtld_lazy_fixup(struct dso *d, size_t index);
/* What relocation allocated for d (dynamic TLS descriptors), at dlclose. */
HIDDEN void arch_free_object(struct dso *d);
HIDDEN bool arch_reloc_target_ok(const struct dso *d, uintptr_t where);
#endif
