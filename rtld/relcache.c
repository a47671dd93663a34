/* The relocation cache: when it is on, what happens to each object (see relcache.h).
 *
 *   relcache_init      MMLD_RELOC_CACHE=1|verify, not in secure mode: the directory and
 *                      its per-boot secret, which every library's address derives from
 *   relcache_reloc     for an object at its agreed address: its key; an image with that key
 *                      is mapped and its fix-ups applied (a hit), or the object is relocated
 *                      in place in a new file that is then published (a miss); anything else
 *                      is relocated as always
 *   relcache_done      the hits log, the verify verdict, the directory closed */
#include "relcache_int.h"
#include "reloc.h"
#include "stack.h"

/* With the cache off (the default) nothing writes it: in .bss.rare, it takes no page of any
 * process that does not use the cache. relcache_init gives dirfd its closed value, -1. */
struct rc_state RC RARELY_WRITTEN;

void rc_debug(const struct dso *d, const char *fmt, ...)
{
	if (!DEBUG_ON(DBG_FILES))
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	rt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (d)
		dbg("file=%s [0];  %s", dso_display(d), msg);
	else
		dbg("%s", msg);
}

/* NAME=BYTES, else the default. MMLD_RELOC_CACHE_MIN: measured on clang-14's 17 libraries (a
 * hit: open, check, map, fix-ups, 19-30 us each; relocating: 3-37 us for the ones of 8-24
 * KiB, 84-330 us for 40-180 KiB), the cache wins from about 32 KiB of image.
 * MMLD_RELOC_CACHE_DEFER: see publish_later. */
static uint64_t bytes_var(const char *name, unsigned dflt)
{
	const char *v = env_get(name);
	unsigned long n;
	if (!v || !*v)
		return dflt;
	if (rt_parse_ulong(v, &n))
		return n;
	rt_dprintf(2, "warning: %s=%s is not a number of bytes; using %u\n", name, v, dflt);
	return dflt;
}

void relcache_init(void)
{
	const char *v = env_get("MMLD_RELOC_CACHE");
	if (!v || !*v || strcmp(v, "0") == 0)
		return;
	RC.dirfd = -1;
	if (strcmp(v, "verify") == 0)
		RC.verify = true;
	else if (strcmp(v, "1") != 0) {
		rt_dprintf(2, "warning: MMLD_RELOC_CACHE=%s unknown; use 1, verify or 0\n", v);
		return;
	}
	/* Audit modules see (and may change) every binding as it is made: none is made from the cache. */
	const char *off = R.secure ? "secure mode (AT_SECURE)"
			  : R.mode != MODE_RUN ? "not running a program"
			  : R.load_by_read ? "MMLD_LOAD=read"
			  : R.naudit_lists || R.naudit ? "rtld-audit modules (LD_AUDIT, --audit, DT_AUDIT)"
			  : NULL;
	RC.min_image = bytes_var("MMLD_RELOC_CACHE_MIN", RC_MIN_IMAGE_DEFAULT);
	RC.defer_over = bytes_var("MMLD_RELOC_CACHE_DEFER", RC_DEFER_OVER_DEFAULT);
	char why[600];
	/* With a minimum, the directory waits for the first library over it (relcache_dir.c). */
	if (!off && !RC.min_image && rc_dir_open(why, sizeof why) < 0)
		off = why;
	if (off) {
		RC.verify = false;
		rc_debug(NULL, "relocation cache off: %s", off);
		return;
	}
	RC.on = true;
	rc_key_globals();
	relcache_placed(R.main, 0);
	if (RC.have_secret)
		rc_debug(NULL, "relocation cache%s: %s", RC.verify ? " (verify)" : "", RC.dir);
}

/* Why d is relocated normally, or NULL if the cache may hold it. */
static const char *not_cacheable(const struct dso *d)
{
	if (d->kind != DSO_LIB)
		return "not a library";
	if (d->relcache && d->relcache->small)
		return "its image is smaller than the cache's minimum (MMLD_RELOC_CACHE_MIN)";
	if (!d->relcache || !d->relcache->agreed)
		return "no agreed address for it";
	if (!d->relcache->fixed)
		return "its agreed address was taken";
	if (d->textrel)
		return "text relocations";
	if (d->relcache->resolver_ran)
		return "an IFUNC resolver of it ran before it was relocated (its data may hold the resolver's state)";
	if (d->load_by_read_dso)
		return "MMLD_LOAD=read";
	return NULL;
}

static void note_hit(const struct rc_header *h)
{
	if (RC.nhits == RC.caphits) {
		size_t cap = RC.caphits ? RC.caphits * 2 : 32;
		uint64_t(*n)[2] = rt_realloc(RC.hits, cap * sizeof *n);
		if (!n)
			return;
		RC.hits = n;
		RC.caphits = cap;
	}
	RC.hits[RC.nhits][0] = h->name[0];
	RC.hits[RC.nhits][1] = h->name[1];
	RC.nhits++;
}

/* A hit: the image over d's writable pages, then what is per process. */
static bool map_cached(struct dso *d, struct rc_entry *e, const struct rc_ranges *rg)
{
	uint64_t off[RC_MAX_RANGES];
	rc_range_offsets(rg, e->h.image_off, off);
	if (!rc_map_over(d, rg, e->fd, e->name, off, MAP_PRIVATE_, "relocated"))
		return false;
	uint64_t t0 = DEBUG_ON(DBG_STATISTICS) ? rt_now_ns() : 0;
	if (DEBUG_ON(DBG_RELOC))
		dbg("relocation processing: %s (from the relocation cache)", dso_display(d));
	reloc_write_span(d);
	d->relocating = true; /* bindings to dlopen'ed objects become relocation dependencies */
	if (!(d->bind_now || R.bind_now) && dso_has(d, DT_JMPREL))
		arch_setup_lazy(d); /* GOT[1] and GOT[2] name this process's object and trampoline */
	rc_apply_fixups(d, e->fixups, e->h.fixup_count);
	d->relocating = false;
	d->relocated = true;
	d->nrelocs = e->h.nrelocs;
	d->nrelative = e->h.nrelative;
	d->nsymbolic = e->h.nsymbolic;
	R.nrelocs += d->nrelocs; /* LD_DEBUG=statistics counts them as done, and says how */
	R.nrelative += d->nrelative;
	R.nrelocs_cached += d->nrelocs;
	R.nobjects_cached++;
	note_hit(&e->h);
	if (t0)
		R.t_reloc += rt_now_ns() - t0;
	rc_debug(d, "relocation cache: mapped %s/%s (%lu fix-ups)", RC.dir, e->name, (unsigned long)e->h.fixup_count);
	return true;
}

/* A miss of a large image publishes it only if an earlier miss marked it seen. Relocating in
 * the new entry costs more than relocating as without the cache (the file's pages filled,
 * mapped shared, then the process's own mapping of them: clang-14 starts about 10% slower,
 * nearly all of it libLLVM's and libclang-cpp's images), which a program run once per boot
 * never earns back, and its entry would hold the memory until the boot ends. */
static bool publish_later(const struct dso *d, const struct rc_entry *e, const struct rc_ranges *rg)
{
	if (!RC.defer_over || rg->len <= RC.defer_over || rc_seen_before(e->name))
		return false;
	rc_debug(d, "relocation cache: not published yet: the first miss of an image over MMLD_RELOC_CACHE_DEFER "
		    "bytes (the next one publishes it)");
	return true;
}

void relcache_reloc(struct dso *d)
{
	relcache_recording = NULL; /* never left over from a dlopen that failed (relcache_abort) */
	if (!RC.on || d->relocated) {
		reloc_object(d);
		return;
	}
	const char *why = not_cacheable(d);
	struct rc_ranges rg;
	if (!why && !rc_ranges_of(d, &rg))
		why = "its writable segments are not the kind the cache holds";
	if (!why && rg.len < RC.min_image)
		why = "its image is smaller than the cache's minimum (MMLD_RELOC_CACHE_MIN)";
	size_t key_len = 0;
	void *key = why ? NULL : rc_key_build(d, &key_len);
	if (!why && !key)
		why = "an object of its scope cannot be identified";
	if (!why && !rc_dir_ready())
		why = "the directory is gone";
	if (why) {
		if (d->kind == DSO_LIB)
			rc_debug(d, "relocation cache: not used: %s", why);
		rt_free(key);
		reloc_object(d);
		return;
	}
	struct rc_entry e = {.fd = -1};
	int found = rc_entry_open(d, key, key_len, &rg, &e);
	if (RC.verify) {
		if (found == 0)
			rc_verify_object(d, &e, &rg);
		else {
			rc_debug(d, "relocation cache (verify): no entry to compare with");
			reloc_object(d);
		}
	} else if (found == 1 && publish_later(d, &e, &rg))
		reloc_object(d);
	else if (found != 0 || !map_cached(d, &e, &rg))
		rc_publish_and_reloc(d, key, key_len, &rg);
	rc_entry_close(&e);
	rt_free(key);
}

/* What one start-up or dlopen left: the scope's keys (an object unloaded later may leave its
 * address to another), the directory (the program may close its descriptor). */
static void end_batch(void)
{
	relcache_recording = NULL;
	rc_key_forget_scope();
	rc_dir_close();
}

void relcache_abort(void)
{
	if (!RC.on)
		return;
	RC.nhits = 0;
	rc_publish_abort();
	end_batch();
}

void relcache_done(void)
{
	if (!RC.on)
		return;
	rc_hits_flush();
	end_batch();
	if (RC.verify && RC.verify_diffs) {
		rt_dprintf(2, "%s: relocation cache verify: %zu difference%s between the cache and relocation\n",
			   R.progname ? R.progname : "ld-mmld.so", RC.verify_diffs, RC.verify_diffs == 1 ? "" : "s");
		sys_exit_group(127);
	}
}
