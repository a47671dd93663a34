/* Step 7: thread-local storage, x86-64 variant II.
 *
 *   low addresses                                          high addresses
 *   [ surplus ][ block of module 3 ][ module 2 ][ module 1 ] TP -> [ TCB (struct pthread) ]
 *                                                           ^ %fs base
 * Module 1 is the program when it has TLS; its block ends at TP. Each block's offset is
 * counted down from TP and rounded so the block's first byte has its required alignment
 * (the first-byte term handles a PT_TLS whose address is not a multiple of its alignment).
 * Worked example: program TLS 0x14 bytes align 8, libfoo 0x100 bytes align 64:
 *   program: offset roundup(0x14, 8) = 0x18, block at TP-0x18
 *   libfoo:  offset roundup(0x18 + 0x100, 64) = 0x140, block at TP-0x140
 *
 * Modules loaded later (dlopen) get a block per thread on first access, through each
 * thread's DTV (dtv[id] = that thread's block of module id).
 *
 * The module table and its generations (glibc's slotinfo scheme). Module ids index the
 * table; an id is given back at dlclose and reused by a later dlopen. Every change to a slot
 * (a module published, or unloaded) records the generation it belongs to, and the global
 * generation counts those changes. Each DTV remembers the generation it is up to date with
 * (dtv[0].counter): a thread whose DTV is older walks the slots that changed since, frees
 * its blocks of modules that went away (their ids may now mean another module), and grows
 * its DTV if ids went past its end. A thread only ever touches its own DTV.
 *
 * Who reads what, and why that is safe:
 *  - Slots live in chunks that are never moved or freed; a chunk is linked in with a
 *    release store after it is zeroed, so a lock-free reader (__tls_get_addr in any thread,
 *    with no lock at all) walking them never reads freed memory.
 *  - A writer (dlopen/dlclose, under LOCK_LOAD and LOCK_TLS) stores a slot's generation and
 *    module first, then the global generation, with release stores; a reader loads the
 *    global generation (acquire) before the slots, so when it brings its DTV up to a
 *    generation it has seen every slot change up to it.
 *  - The reader never dereferences the record of a module other than the one it asks for
 *    (it only frees its own block for a changed slot), and the one it asks for is loaded:
 *    the caller is running code that refers to it.
 *  - New threads get their DTV from _dl_allocate_tls(_init), under LOCK_TLS, so they see the
 *    table either before or after a dlopen's or dlclose's change, never half of it. */
#include "tls.h"
#include "lock.h"

/* One module id. `owner` is the writers' view (LOCK_LOAD): who holds the id, published or
 * not yet (a dlopen reserves ids before relocating, which needs them). `dso` is what
 * readers see: the module, once its dlopen has published it. */
struct tls_slot {
	struct dso *dso;
	size_t gen;
	struct dso *owner;
};

/* 8: a process rarely has more TLS modules (python3 has one), and every slot of the first
 * chunk is a static each process has its own copy of; later chunks are walked only for ids
 * past 7, outside __tls_get_addr's fast path. */
#define SLOTS_PER_CHUNK 8
struct tls_chunk {
	struct tls_chunk *next;
	struct tls_slot slot[SLOTS_PER_CHUNK];
};
static struct tls_chunk first_chunk; /* ids 0..7; id 0 is never used */

/* The slot of id, or NULL past the last chunk (lock-free). */
static struct tls_slot *slot_of(size_t id)
{
	struct tls_chunk *c = &first_chunk;
	while (id >= SLOTS_PER_CHUNK) {
		c = __atomic_load_n(&c->next, __ATOMIC_ACQUIRE);
		if (!c)
			return NULL;
		id -= SLOTS_PER_CHUNK;
	}
	return &c->slot[id];
}

/* Writer: the chunk after c, added if there is none yet. */
static struct tls_chunk *next_chunk(struct tls_chunk *c)
{
	if (!c->next) {
		struct tls_chunk *n = rt_calloc(1, sizeof *n);
		if (!n)
			die_load(NULL, "out of memory");
		__atomic_store_n(&c->next, n, __ATOMIC_RELEASE);
	}
	return c->next;
}

/* Writer: the slot of id, chunks added as needed. */
static struct tls_slot *slot_grow(size_t id)
{
	struct tls_chunk *c = &first_chunk;
	for (; id >= SLOTS_PER_CHUNK; id -= SLOTS_PER_CHUNK)
		c = next_chunk(c);
	return &c->slot[id];
}

struct dso *tls_module(size_t id)
{
	struct tls_slot *s = slot_of(id);
	return s ? __atomic_load_n(&s->dso, __ATOMIC_ACQUIRE) : NULL;
}

size_t tls_generation(void) { return __atomic_load_n(&R.tls_generation, __ATOMIC_ACQUIRE); }
size_t tls_next_generation(void) { return R.tls_generation + 1; }

size_t tls_module_generation(const struct dso *d)
{
	struct tls_slot *s = slot_of(d->tls_modid);
	return s && s->dso == d ? s->gen : tls_next_generation();
}

static size_t align_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

static inline dtv_t *current_dtv(void)
{
	dtv_t *dtv;
	__asm__("mov %%fs:8, %0" : "=r"(dtv));
	return dtv;
}


/* Gives d the lowest free id (writer, under LOCK_LOAD), in one walk over the chunks (a
 * slot_grow from the first chunk for each id tried was quadratic in the number of modules:
 * 500 dlopen'ed ones, redteam #47). */
static void reserve_id(struct dso *d)
{
	struct tls_chunk *c = &first_chunk;
	size_t id = 1, i = 1; /* id 0 is never used */
	while (c->slot[i].owner) {
		id++;
		if (++i == SLOTS_PER_CHUNK) {
			c = next_chunk(c);
			i = 0;
		}
	}
	c->slot[i].owner = d;
	d->tls_modid = id;
	if (id > R.tls_max_modid)
		__atomic_store_n(&R.tls_max_modid, id, __ATOMIC_RELEASE);
}

/* Makes d visible to readers as of generation gen (writer, under LOCK_TLS). */
static void publish(struct dso *d, size_t gen)
{
	struct tls_slot *s = slot_grow(d->tls_modid);
	__atomic_store_n(&s->gen, gen, __ATOMIC_RELEASE);
	__atomic_store_n(&s->dso, d, __ATOMIC_RELEASE);
}

static void set_generation(size_t gen)
{
	if (gen == 0)
		rt_die("fatal error", NULL, "TLS generation counter wrapped");
	__atomic_store_n(&R.tls_generation, gen, __ATOMIC_RELEASE);
}

void tls_layout(void)
{
	size_t offset = 0, max_align = 64;
	for (struct dso *d = R.head; d; d = d->next) {
		if (!d->tls_memsz || d->kind == DSO_VDSO)
			continue;
		reserve_id(d);
		publish(d, 1);
		size_t a = d->tls_align;
		offset = align_up(offset + d->tls_memsz - d->tls_firstbyte, a) + d->tls_firstbyte;
		d->tls_offset = (ptrdiff_t)offset;
		d->tls_static = true;
		if (a > max_align)
			max_align = a;
		if (DEBUG_ON(DBG_FILES))
			dbg("tls module %zu %s: size %#zx align %#zx at TP-%#zx", d->tls_modid, dso_display(d), d->tls_memsz,
			    a, offset);
	}
	R.tls_static_align = max_align;
	R.tls_static_used = offset;
	R.tls_static_nelem = R.tls_max_modid;
	if (!R.tls_surplus)
		R.tls_surplus = TLS_STATIC_SURPLUS;
	R.tls_static_size = align_up(offset + R.tls_surplus, max_align);
	R.tls_generation = 1;
}

/* A DTV for ids up to `slots`, everything unallocated, up to date with generation gen. */
static dtv_t *new_dtv(size_t slots, size_t gen)
{
	dtv_t *dtv = rt_calloc(slots + 2, sizeof *dtv);
	if (!dtv)
		return NULL;
	dtv[0].counter = slots;
	dtv[1].counter = gen;
	for (size_t id = 1; id <= slots; id++)
		dtv[1 + id].val = TLS_DTV_UNALLOCATED;
	return dtv + 1;
}

void tls_setup_main_thread(void)
{
	size_t below = R.tls_static_size, align = R.tls_static_align;
	/* Zeroed, never freed: the main thread's TLS and control block share the loader's arena
	 * (and its pages) rather than a mapping of their own. */
	char *m = rt_calloc(1, below + R.tcb_size + align);
	if (!m)
		die_load(NULL, "cannot allocate TLS block");
	uintptr_t tp = align_up((uintptr_t)m + below, align);
	dtv_t *dtv = new_dtv(R.tls_max_modid + DTV_SURPLUS, R.tls_generation);
	if (!dtv)
		die_load(NULL, "cannot allocate TLS data structures for initial thread");
	for (size_t id = 1; id <= R.tls_max_modid; id++)
		dtv[id].val = (void *)(tp - (uintptr_t)tls_module(id)->tls_offset);
	struct tcb_head *t = (struct tcb_head *)tp;
	t->tcb = t;
	t->self = t;
	t->dtv = dtv;
	/* AT_RANDOM: 16 random bytes from the kernel. The stack guard's low byte is zero so a
	 * string overflow cannot reproduce it (glibc does the same). */
	const unsigned char *rnd = (const unsigned char *)R.aux[AT_RANDOM];
	if (rnd) {
		uintptr_t g, p;
		memcpy(&g, rnd, 8);
		memcpy(&p, rnd + 8, 8);
		t->stack_guard = g & ~(uintptr_t)0xff;
		t->pointer_guard = p;
	}
	if (sys_arch_prctl(ARCH_SET_FS_, tp) < 0)
		die_load(NULL, "cannot set up thread pointer");
	R.tp = (void *)tp;
	R.initial_dtv = dtv;
}

static void copy_image(const struct dso *d, char *block)
{
	memcpy(block, d->tls_image, d->tls_filesz);
	memset(block + d->tls_filesz, 0, d->tls_memsz - d->tls_filesz);
}

void tls_init_images(void)
{
	uintptr_t tp = (uintptr_t)R.tp;
	dtv_t *dtv = current_dtv();
	for (size_t id = 1; id <= R.tls_max_modid; id++) {
		struct dso *d = tls_module(id);
		/* Only the start-up objects with static TLS: an audit module's namespace, loaded first,
		 * has its blocks in use already; other start-up TLS after audit modules is dynamic. */
		if (!d || !d->tls_static || d->dlopened)
			continue;
		char *block = (char *)(tp - (uintptr_t)d->tls_offset);
		copy_image(d, block);
		if (id <= dtv[-1].counter)
			dtv[id].val = block;
	}
}

void tls_add_modules(struct dso *first)
{
	for (struct dso *d = first; d; d = d->next) {
		if (!d->tls_memsz || d->tls_modid)
			continue;
		reserve_id(d);
		/* A block per thread, allocated on first access, unless an initial-exec reference to
		 * it is relocated (tls_try_static). */
		d->tls_static = false;
	}
}

static void init_static_block(void *tp, void *d) { copy_image(d, (char *)tp - ((struct dso *)d)->tls_offset); }

/* d's initial-exec block, from its image, in every thread (threads created from now on get
 * it from tls_init_thread, which waits for LOCK_TLS). */
static void init_static_everywhere(struct dso *d)
{
	rtld_lock(LOCK_TLS);
	if (lock_ops.for_each_thread)
		lock_ops.for_each_thread(init_static_block, d);
	else if (R.tp)
		init_static_block(R.tp, d); /* before libc's threads exist: the main thread */
	rtld_unlock(LOCK_TLS);
}

bool tls_try_static(struct dso *d)
{
	/* Reached by initial-exec code (TPOFF relocations) the block must sit at a fixed offset
	 * from every thread's TP: room in the surplus every thread was given, if it fits and no
	 * thread has a block of it elsewhere yet. Decided when the first such relocation is
	 * applied, as glibc does (so the surplus is spent in glibc's order). */
	if (d->tls_static)
		return true;
	if (__atomic_load_n(&d->tls_dynamic_used, __ATOMIC_RELAXED) || d->tls_align > R.tls_static_align)
		return false;
	size_t off = align_up(R.tls_static_used + d->tls_memsz - d->tls_firstbyte, d->tls_align) + d->tls_firstbyte;
	if (off > R.tls_static_size)
		return false;
	d->tls_offset = (ptrdiff_t)off;
	d->tls_static = true;
	R.tls_static_used = off;
	if (tls_module(d->tls_modid) == d) /* loaded before: into every thread now (glibc's _dl_init_static_tls) */
		init_static_everywhere(d);
	return true;
}

/* Static TLS given back by dlclose, by glibc's rule (so the same dlmopen that fails under it
 * fails here: each namespace's libc.so.6 takes a block of the 1664-byte surplus). Surplus is
 * handed out upwards from R.tls_static_used, so space comes back only from the top: one dlclose
 * gathers the blocks it frees into one contiguous chunk (a block that touches neither end of
 * it is dropped, unless it is on top itself), and the chunk is given back if it is on top. */
static size_t chunk_start, chunk_end; /* chunk_end 0: none yet */

static void free_static_block(size_t start, size_t end)
{
	if (!chunk_end || end == chunk_start) {
		chunk_start = start;
		if (!chunk_end)
			chunk_end = end;
	} else if (start == chunk_end) {
		chunk_end = end;
	} else if (chunk_end == R.tls_static_used) {
		R.tls_static_used = chunk_start;
		chunk_start = start, chunk_end = end;
	} else if (end == R.tls_static_used) {
		R.tls_static_used = start;
	} else if (chunk_end < end) {
		chunk_start = start, chunk_end = end; /* the later one may still come back */
	}
}

void tls_forget_done(void)
{
	if (chunk_end && chunk_end == R.tls_static_used)
		R.tls_static_used = chunk_start;
	chunk_start = chunk_end = 0;
}



void tls_publish(struct dso *first)
{
	size_t gen = tls_next_generation();
	bool any = false;
	rtld_lock(LOCK_TLS);
	for (struct dso *d = first; d; d = d->next) {
		if (!d->tls_modid || tls_module(d->tls_modid) == d)
			continue;
		/* Initial-exec TLS of a new module: into every thread that exists. */
		if (d->tls_static)
			init_static_everywhere(d);
		publish(d, gen);
		any = true;
	}
	if (any)
		set_generation(gen);
	rtld_unlock(LOCK_TLS);
}

/* Under LOCK_TLS (the caller's). */
void tls_forget(struct dso *d)
{
	struct tls_slot *s = d->tls_modid ? slot_of(d->tls_modid) : NULL;
	if (!s || s->owner != d)
		return;
	size_t gen = tls_next_generation();
	__atomic_store_n(&s->gen, gen, __ATOMIC_RELEASE);
	__atomic_store_n(&s->dso, NULL, __ATOMIC_RELEASE);
	s->owner = NULL;
	set_generation(gen);
	if (d->tls_static && d->dlopened)
		free_static_block((size_t)d->tls_offset - d->tls_memsz, (size_t)d->tls_offset);
	size_t max = R.tls_max_modid;
	while (max > 0 && !slot_of(max)->owner)
		max--;
	__atomic_store_n(&R.tls_max_modid, max, __ATOMIC_RELEASE);
	d->tls_modid = 0;
}

void tls_free_block(void *mem)
{
	if (mem)
		(R.tls_free ? R.tls_free : rt_free)(mem);
}

void tls_free_dtv(dtv_t *dtv)
{
	if (dtv && dtv != R.initial_dtv)
		rt_free(dtv - 1);
}

/* A copy of dtv (which is freed) with room for ids up to `slots`. */
static dtv_t *grow_dtv(dtv_t *dtv, size_t slots)
{
	dtv_t *nd = new_dtv(slots, dtv[0].counter);
	if (!nd)
		return NULL;
	memcpy(nd + 1, dtv + 1, dtv[-1].counter * sizeof *nd);
	tls_free_dtv(dtv);
	return nd;
}

dtv_t *tls_init_thread(void *tp, dtv_t *dtv, bool init_static)
{
	rtld_lock(LOCK_TLS);
	size_t max = R.tls_max_modid;
	if (dtv[-1].counter < max && !(dtv = grow_dtv(dtv, max + DTV_SURPLUS))) {
		rtld_unlock(LOCK_TLS);
		return NULL;
	}
	for (size_t id = 1; id <= dtv[-1].counter; id++) {
		struct dso *d = id <= max ? tls_module(id) : NULL;
		dtv[id].to_free = NULL;
		dtv[id].val = TLS_DTV_UNALLOCATED;
		if (!d || !d->tls_static)
			continue;
		char *block = (char *)tp - d->tls_offset;
		dtv[id].val = block;
		if (init_static)
			copy_image(d, block);
	}
	dtv[0].counter = R.tls_generation;
	rtld_unlock(LOCK_TLS);
	return dtv;
}

/* No lock: if a dlopen adds ids meanwhile, tls_init_thread grows it under LOCK_TLS. */
dtv_t *tls_new_dtv(void) { return new_dtv(__atomic_load_n(&R.tls_max_modid, __ATOMIC_RELAXED) + DTV_SURPLUS, 0); }


static inline void set_current_dtv(dtv_t *dtv) { __asm__ volatile("mov %0, %%fs:8" : : "r"(dtv) : "memory"); }

/* Threads inside update_dtv's calls of free: an interposed free (or malloc) may use TLS
 * itself, and so come back into __tls_get_addr in the middle of an update (glibc's
 * _dl_tls_threads_in_update). */
static unsigned updates_freeing;

/* Brings the calling thread's DTV up to the current generation: blocks of modules unloaded
 * (or of ids now owned by another module) freed, room for every id in use. An entry is
 * cleared before its block is freed, and the DTV read again after: a nested update (from
 * inside free) then finds nothing to free twice, and its DTV if it grew one. */
static dtv_t *update_dtv(dtv_t *dtv)
{
	size_t gen = tls_generation(); /* before the slots: see the top of this file */
	size_t max = __atomic_load_n(&R.tls_max_modid, __ATOMIC_ACQUIRE);
	for (size_t id = 1; id <= dtv[-1].counter; id++) {
		struct tls_slot *s = slot_of(id);
		if (!s)
			break;
		if (__atomic_load_n(&s->gen, __ATOMIC_ACQUIRE) <= dtv[0].counter)
			continue;
		void *mem = dtv[id].to_free;
		dtv[id].to_free = NULL;
		dtv[id].val = TLS_DTV_UNALLOCATED;
		if (mem) {
			__atomic_fetch_add(&updates_freeing, 1, __ATOMIC_RELAXED);
			tls_free_block(mem);
			__atomic_fetch_sub(&updates_freeing, 1, __ATOMIC_RELAXED);
			dtv = current_dtv();
		}
	}
	if (max > dtv[-1].counter) {
		dtv = grow_dtv(dtv, max + DTV_SURPLUS);
		if (!dtv)
			die_load(NULL, "cannot allocate memory for thread-local data");
		set_current_dtv(dtv);
	}
	dtv[0].counter = gen;
	return dtv;
}

/* A module's block for the calling thread, allocated on first use (modules loaded after
 * start-up; the static ones were filled in when the thread was created). */
static void *allocate_block(dtv_t *dtv, size_t id)
{
	struct dso *d = tls_module(id);
	if (!d)
		die_load(NULL, "TLS access to unknown module %zu", id);
	if (d->tls_static) {
		dtv[id].val = (char *)thread_pointer() - d->tls_offset;
		return dtv[id].val;
	}
	/* Its static TLS can no longer be given (tls_try_static): monotonic, any thread. */
	__atomic_store_n(&d->tls_dynamic_used, true, __ATOMIC_RELAXED);
	size_t a = d->tls_align;
	char *mem = (R.tls_malloc ? R.tls_malloc : rt_malloc)(d->tls_memsz + a);
	if (!mem)
		die_load(NULL, "cannot allocate memory for thread-local data");
	char *block = (char *)align_up((uintptr_t)mem + d->tls_firstbyte, a) - d->tls_firstbyte;
	copy_image(d, block);
	dtv[id].val = block;
	dtv[id].to_free = mem;
	return block;
}

/* __tls_get_addr's slow path: the DTV is older than the module table, or the block is not
 * allocated yet. */
__attribute__((noinline)) static void *tls_get_addr_slow(tls_index *ti, dtv_t *dtv)
{
	/* A module loaded at start-up keeps its slot and its (static) block for good: inside an
	 * update (an interposed free using TLS) it is served as it is. */
	if (dtv[0].counter != __atomic_load_n(&R.tls_generation, __ATOMIC_RELAXED) &&
	    !(ti->ti_module <= R.tls_static_nelem && __atomic_load_n(&updates_freeing, __ATOMIC_RELAXED)))
		dtv = update_dtv(dtv);
	if (ti->ti_module > dtv[-1].counter)
		die_load(NULL, "TLS access to unknown module %zu", ti->ti_module);
	void *p = dtv[ti->ti_module].val;
	if (p == TLS_DTV_UNALLOCATED || p == NULL)
		p = allocate_block(dtv, ti->ti_module);
	return (char *)p + ti->ti_offset;
}

/* Called by code compiled for the general- and local-dynamic TLS models, possibly with a
 * stack that is not 16-byte aligned (GCC PR58066), hence force_align_arg_pointer. */
__attribute__((force_align_arg_pointer)) void *__tls_get_addr(tls_index *ti)
{
	dtv_t *dtv = current_dtv();
	if (__builtin_expect(dtv[0].counter != __atomic_load_n(&R.tls_generation, __ATOMIC_RELAXED) ||
				     ti->ti_module > dtv[-1].counter,
			     0))
		return tls_get_addr_slow(ti, dtv);
	void *p = dtv[ti->ti_module].val;
	if (__builtin_expect(p == TLS_DTV_UNALLOCATED, 0))
		return tls_get_addr_slow(ti, dtv);
	return (char *)p + ti->ti_offset;
}

void *tls_block_if_allocated(size_t id)
{
	dtv_t *dtv = current_dtv();
	struct tls_slot *s = slot_of(id);
	if (!id || id > dtv[-1].counter || !s || __atomic_load_n(&s->gen, __ATOMIC_ACQUIRE) > dtv[0].counter)
		return NULL; /* this thread has not caught up with the module yet */
	void *p = dtv[id].val;
	return p == TLS_DTV_UNALLOCATED ? NULL : p;
}
