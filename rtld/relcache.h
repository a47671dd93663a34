/* The relocation cache (MMLD_RELOC_CACHE=1): a library's relocated writable pages, mapped
 * MAP_PRIVATE from a file that every process of the same user shares within one boot, so N
 * processes hold one physical copy and skip the relocation. Off by default.
 *
 * It slots in beside the normal path at two points and nowhere else:
 *   where an object's address is chosen (map.c): the address this user and boot agree on,
 *     from a per-boot secret, if it is free; the kernel's choice otherwise;
 *   where one object is relocated (reloc_all, dlopen): relcache_reloc maps the cached image
 *     and re-applies what is per process, or relocates with reloc_object as always (and
 *     publishes the result for the next process).
 * Whenever anything needed to trust a cached image does not hold, the object is relocated
 * normally: the cache is never an error and never a different value. The files:
 * relcache_format.h; the directory, secret and addresses: relcache_dir.c; what keys an
 * image: relcache_key.c; reading and publishing files: relcache_file.c; per-process
 * fix-ups: relcache_fixup.c; MMLD_RELOC_CACHE=verify: relcache_verify.c. */
#ifndef MMLD_RELCACHE_H
#define MMLD_RELCACHE_H
#include "rtld.h"
#include "lookup.h"

/* Turns the cache on or off for this process (MMLD_RELOC_CACHE, secure mode, the directory
 * and its secret). After the options are read and the program is mapped, before any library. */
HIDDEN void relcache_init(void);
/* map.c: the agreed base for an ET_DYN library of this file, program headers and span
 * (aligned to `align`), or 0 when the cache is off or will not hold it. */
HIDDEN uintptr_t relcache_agreed_base(const struct kstat *st, const Elf64_Phdr *ph, size_t phnum, size_t span,
				      size_t align);
/* map.c: d was mapped at map_start; `agreed` is what relcache_agreed_base said. */
HIDDEN void relcache_placed(struct dso *d, uintptr_t agreed);
/* Relocates d: from the cache where it may, else with reloc_object (publishing the result). */
HIDDEN void relcache_reloc(struct dso *d);
/* After the relocations of start-up or of one dlopen: the verify verdict (exit 127 on a
 * difference), the hits log, and the directory closed. */
HIDDEN void relcache_done(void);
/* A dlopen that failed part way (rt_die through R.error_hook): what relcache_reloc was in the
 * middle of is dropped, before the rollback frees the objects. */
HIDDEN void relcache_abort(void);

/* While an object is relocated for publishing, arch_apply_rela tells us each relocation
 * whose value may be per process (def: its definition, NULL if none). */
extern struct dso *relcache_recording HIDDEN;
HIDDEN void relcache_note(struct dso *d, const Elf64_Rela *r, const struct sym_def *def);
static inline void relcache_note_if(struct dso *d, const Elf64_Rela *r, const struct sym_def *def)
{
	if (__builtin_expect(relcache_recording == d, 0))
		relcache_note(d, r, def);
}
/* An IFUNC resolver of `owner` is called (IRELATIVE, or a binding to its STT_GNU_IFUNC
 * symbol). While owner is relocated for publishing, what the resolver writes in owner's data
 * (a memoised decision, say) is noted, so that every process mapping the image runs its
 * resolvers from the data's state before the first process's resolvers ran. */
HIDDEN uintptr_t relcache_watch_resolver(struct dso *owner, uintptr_t fn);
static inline uintptr_t relcache_call_resolver(struct dso *owner, uintptr_t fn)
{
	if (__builtin_expect(relcache_recording == owner || (owner->relcache && !owner->relocated), 0))
		return relcache_watch_resolver(owner, fn);
	return ((uintptr_t(*)(void))fn)();
}
/* reloc_write_span: while recording, relocations are kept to the image's pages. */
HIDDEN void relcache_span(struct dso *d);
static inline void relcache_span_if(struct dso *d)
{
	if (__builtin_expect(relcache_recording == d, 0))
		relcache_span(d);
}
#endif
