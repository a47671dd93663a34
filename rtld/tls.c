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
 *   libfoo:  offset roundup(0x18 + 0x100, 64) = 0x140, block at TP-0x140 */
#include "tls.h"

static struct dso **modules; /* modules[id] */
static inline dtv_t *current_dtv(void);
static size_t modules_cap;

struct dso *tls_module(size_t id) { return id < modules_cap ? modules[id] : NULL; }

static size_t align_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

/* Gives d the next module id and records it. */
static void register_module(struct dso *d)
{
	d->tls_modid = ++R.tls_max_modid;
	if (d->tls_modid >= modules_cap) {
		size_t cap = modules_cap * 2 > d->tls_modid + 1 ? modules_cap * 2 : d->tls_modid + 16;
		struct dso **m = rt_realloc(modules, cap * sizeof *m);
		if (!m)
			die_load(NULL, "out of memory");
		memset(m + modules_cap, 0, (cap - modules_cap) * sizeof *m);
		modules = m;
		modules_cap = cap;
	}
	modules[d->tls_modid] = d;
}

void tls_layout(void)
{
	size_t offset = 0, max_align = 64;
	for (struct dso *d = R.head; d; d = d->next) {
		if (!d->tls_memsz || d->kind == DSO_VDSO)
			continue;
		register_module(d);
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
	if (!R.tls_surplus)
		R.tls_surplus = TLS_STATIC_SURPLUS;
	R.tls_static_size = align_up(offset + R.tls_surplus, max_align);
	R.tls_generation = 1;
}

void tls_setup_main_thread(void)
{
	size_t below = R.tls_static_size, align = R.tls_static_align;
	size_t total = align_up(below + R.tcb_size + align, R.pagesize);
	long m = sys_mmap(NULL, total, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
	if (mmap_failed(m))
		die_load(NULL, "cannot allocate TLS block");
	uintptr_t tp = align_up((uintptr_t)m + below, align);
	size_t nslots = R.tls_max_modid + DTV_SURPLUS;
	dtv_t *dtv = rt_calloc(nslots + 2, sizeof *dtv);
	if (!dtv)
		die_load(NULL, "cannot allocate TLS data structures for initial thread");
	dtv[0].counter = nslots;
	dtv[1].counter = R.tls_generation;
	for (size_t id = 1; id <= R.tls_max_modid; id++) {
		dtv[1 + id].val = (void *)(tp - (uintptr_t)modules[id]->tls_offset);
		dtv[1 + id].to_free = NULL;
	}
	struct tcb_head *t = (struct tcb_head *)tp;
	t->tcb = t;
	t->self = t;
	t->dtv = &dtv[1];
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
}

void tls_init_images(void)
{
	uintptr_t tp = (uintptr_t)R.tp;
	dtv_t *dtv = current_dtv();
	for (size_t id = 1; id <= R.tls_max_modid; id++) {
		struct dso *d = modules[id];
		/* Only the start-up objects with static TLS: an audit module's namespace, loaded first,
		 * has its blocks in use already; other start-up TLS after audit modules is dynamic. */
		if (!d || !d->tls_static || d->dlopened)
			continue;
		char *block = (char *)(tp - (uintptr_t)d->tls_offset);
		memcpy(block, d->tls_image, d->tls_filesz);
		memset(block + d->tls_filesz, 0, d->tls_memsz - d->tls_filesz);
		if (id <= dtv[-1].counter)
			dtv[id].val = block;
	}
}

void tls_add_modules(struct dso *first)
{
	bool any = false;
	for (struct dso *d = first; d; d = d->next) {
		if (!d->tls_memsz || d->tls_modid)
			continue;
		register_module(d);
		any = true;
		/* A block per thread, allocated on first access, unless an initial-exec reference to
		 * it is relocated (tls_try_static). */
		d->tls_static = false;
	}
	if (any)
		R.tls_generation++;
}

bool tls_try_static(struct dso *d)
{
	/* Reached by initial-exec code (TPOFF relocations) the block must sit at a fixed offset
	 * from every thread's TP: room in the surplus every thread was given, if it fits and no
	 * thread has a block of it elsewhere yet. Decided when the first such relocation is
	 * applied, as glibc does (so the surplus is spent in glibc's order). */
	if (d->tls_static)
		return true;
	if (d->tls_dynamic_used || d->tls_align > R.tls_static_align)
		return false;
	size_t off = align_up(R.tls_static_used + d->tls_memsz - d->tls_firstbyte, d->tls_align) + d->tls_firstbyte;
	if (off > R.tls_static_size)
		return false;
	d->tls_offset = (ptrdiff_t)off;
	d->tls_static = true;
	R.tls_static_used = off;
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

void tls_forget(struct dso *d)
{
	if (!d->tls_modid || d->tls_modid >= modules_cap)
		return;
	modules[d->tls_modid] = NULL; /* the id is not reused; each thread's block is left behind */
	if (d->tls_static && d->dlopened)
		free_static_block((size_t)d->tls_offset - d->tls_memsz, (size_t)d->tls_offset);
	R.tls_generation++;
}

void tls_init_static_in_thread(struct dso *first, void *tp)
{
	for (struct dso *d = first; d; d = d->next) {
		if (!d->tls_static || !d->tls_memsz)
			continue;
		char *block = (char *)tp - d->tls_offset;
		memcpy(block, d->tls_image, d->tls_filesz);
		memset(block + d->tls_filesz, 0, d->tls_memsz - d->tls_filesz);
	}
}

static inline dtv_t *current_dtv(void)
{
	dtv_t *dtv;
	__asm__("mov %%fs:8, %0" : "=r"(dtv));
	return dtv;
}

static inline uintptr_t current_tp(void)
{
	uintptr_t tp;
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

/* A module's block for the calling thread, allocated on first use (modules loaded after
 * start-up; the static ones were filled in when the thread was created). */
static void *allocate_block(dtv_t *dtv, size_t id)
{
	struct dso *d = tls_module(id);
	if (!d)
		die_load(NULL, "TLS access to unknown module %zu", id);
	if (d->tls_static) {
		dtv[id].val = (void *)(current_tp() - (uintptr_t)d->tls_offset);
		return dtv[id].val;
	}
	d->tls_dynamic_used = true; /* its static TLS can no longer be given (tls_try_static) */
	size_t a = d->tls_align;
	char *mem = (R.tls_malloc ? R.tls_malloc : rt_malloc)(d->tls_memsz + a);
	if (!mem)
		die_load(NULL, "cannot allocate memory for thread-local data");
	char *block = (char *)align_up((uintptr_t)mem + d->tls_firstbyte, a) - d->tls_firstbyte;
	memcpy(block, d->tls_image, d->tls_filesz);
	memset(block + d->tls_filesz, 0, d->tls_memsz - d->tls_filesz);
	dtv[id].val = block;
	dtv[id].to_free = mem;
	return block;
}

/* Called by code compiled for the general- and local-dynamic TLS models, possibly with a
 * stack that is not 16-byte aligned (GCC PR58066), hence force_align_arg_pointer. */
__attribute__((force_align_arg_pointer)) void *__tls_get_addr(tls_index *ti)
{
	dtv_t *dtv = current_dtv();
	if (ti->ti_module > dtv[-1].counter) {
		/* A module loaded after this thread's DTV was made: grow it (the old one may be the
		 * thread library's or the initial one; it is not freed). */
		size_t n = R.tls_max_modid + DTV_SURPLUS;
		dtv_t *nd = rt_calloc(n + 2, sizeof *nd);
		if (!nd)
			die_load(NULL, "cannot allocate memory for thread-local data");
		memcpy(nd + 1, dtv, (dtv[-1].counter + 1) * sizeof *nd);
		for (size_t i = dtv[-1].counter + 1; i <= n; i++)
			nd[1 + i].val = TLS_DTV_UNALLOCATED;
		nd[0].counter = n;
		dtv = nd + 1;
		__asm__ volatile("mov %0, %%fs:8" : : "r"(dtv) : "memory");
	}
	void *p = dtv[ti->ti_module].val;
	if (p == TLS_DTV_UNALLOCATED || p == NULL)
		p = allocate_block(dtv, ti->ti_module);
	return (char *)p + ti->ti_offset;
}
