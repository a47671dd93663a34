/* A miss: the object is relocated in place in its new cache entry, which is then published.
 *
 * The entry is a new file with no name yet (O_TMPFILE, mode 0400). Its image is filled with
 * the object's writable pages as they are mapped (one copy, made by the kernel), mapped
 * MAP_SHARED over them, and reloc_object relocates through that mapping, recording the
 * fix-ups: the relocated pages are the file's own page-cache pages, never a private copy
 * written out afterwards. Right after, before anything else can write them, the same file is
 * mapped MAP_PRIVATE over them (mapped elsewhere beforehand, so that step cannot fail half
 * way): this process then holds what every later one maps, and its own writes stay its own.
 * Last the fix-ups, header, path and key are written and the file is linked under its name:
 * a reader sees a complete file or none, a file once named is never written again (no
 * writable mapping of it is left), and a process killed before the link leaves nothing
 * behind. Where the name is taken (a damaged entry, or another process's just published) the
 * file is linked under a temporary name and renamed over it. A file system without O_TMPFILE
 * gets the file under a temporary name from the start (O_EXCL), renamed when written.
 * The image's checksum is taken right after relocating, while its pages are still the file's,
 * mapped and warm in the processor's cache (it once ran on a start-up thread, from a second
 * mapping of the file: that cost more than it hid on this two-core machine under load). */
#include "relcache_int.h"
#include "reloc.h"
#include "imagesum.h"
#include "reloc_prefault.h"

#define SYS_pwritev_ 296
#define SYS_unlinkat_ 263
#define SYS_renameat_ 264
#define SYS_linkat_ 265
#define O_TMPFILE_ 020200000 /* with O_DIRECTORY, as the kernel wants it */
#define AT_FDCWD_ (-100)
#define AT_SYMLINK_FOLLOW_ 0x400
#define AT_EMPTY_PATH_ 0x1000
#define EEXIST_ 17
#define O_RDWR_ 2
#define O_EXCL_ 0200
#define O_NOFOLLOW_ 0400000
#define O_NONBLOCK_ 04000

static uint64_t page_up(uint64_t v) { return (v + R.pagesize - 1) & ~(R.pagesize - 1); }

/* Relocations must write only the file-backed pages of the writable segments, which the
 * image holds; one that wrote the bss beyond them (legal ELF, made by no linker) would be
 * missing from the image. RELR words are checked here, the table being small; the others
 * as they are applied (relcache_note: reloc_write_span keeps the fast path inside the
 * image while recording, so a word beyond it takes the path that reports). */
static bool relr_inside(const struct dso *d, const struct rc_ranges *rg)
{
	if (!dso_relr(d))
		return true;
	const uint64_t *w = (const uint64_t *)dso_relr(d), *end = w + dso_relrsz(d) / 8;
	uint64_t next = 0;
	for (; w < end; w++) {
		uint64_t lo, hi;
		if (!(*w & 1)) {
			lo = hi = *w;
			next = *w + 8;
		} else {
			uint64_t bits = *w & ~1ULL;
			if (!bits) {
				next += 63 * 8;
				continue;
			}
			lo = next + 8 * ((uint64_t)__builtin_ctzll(bits) - 1);
			hi = next + 8 * (63 - (uint64_t)__builtin_clzll(*w) - 1);
			next += 63 * 8;
		}
		if (!rc_inside(rg, lo, hi - lo + 8)) /* lowest to highest word, in one range */
			return false;
	}
	return true;
}

/* pwritev from offset off, resumed after a short write. */
static bool write_all(int fd, struct kiovec *iov, int n, uint64_t off)
{
	while (n) {
		long w = rc_sys(SYS_pwritev_, fd, (long)iov, n, (long)off, 0);
		if (w == -4)
			continue;
		if (w <= 0)
			return false;
		off += (uint64_t)w;
		for (; n && (size_t)w >= iov->len; n--, iov++)
			w -= (long)iov->len;
		if (n) {
			iov->base = (const char *)iov->base + w;
			iov->len -= (size_t)w;
		}
	}
	return true;
}

/* Gives the unnamed file j->fd the name `name` in the directory; -errno on failure.
 * Through /proc/self/fd (what any user may link); AT_EMPTY_PATH where /proc is not mounted
 * (that one needs CAP_DAC_READ_SEARCH). */
static long link_unnamed(const struct rc_job *j, const char *name)
{
	char proc[40];
	rt_snprintf(proc, sizeof proc, "/proc/self/fd/%d", j->fd);
	long r = rc_sys(SYS_linkat_, AT_FDCWD_, (long)proc, RC.dirfd, (long)name, AT_SYMLINK_FOLLOW_);
	if (r == 0 || r == -EEXIST_)
		return r;
	return rc_sys(SYS_linkat_, j->fd, (long)"", RC.dirfd, (long)name, AT_EMPTY_PATH_);
}

/* The written file j->fd under its entry's name. */
static bool name_entry(const struct rc_job *j)
{
	if (!j->unnamed) /* written under j->tmp */
		return rc_sys(SYS_renameat_, RC.dirfd, (long)j->tmp, RC.dirfd, (long)j->name, 0) == 0;
	long r = link_unnamed(j, j->name);
	if (r != -EEXIST_)
		return r == 0;
	/* Taken: replaced, as rename replaces, never written in place. */
	if (link_unnamed(j, j->tmp) != 0)
		return false;
	if (rc_sys(SYS_renameat_, RC.dirfd, (long)j->tmp, RC.dirfd, (long)j->name, 0) == 0)
		return true;
	rc_sys(SYS_unlinkat_, RC.dirfd, (long)j->tmp, 0, 0, 0);
	return false;
}

/* Completes one entry and names it: the fix-ups after the image, the header, path and key at
 * the start, then the link. */
static void job_run(struct rc_job *j)
{
	struct rc_header *h = (struct rc_header *)j->meta;
	h->meta_sum = rc_meta_sum(h, j->meta + h->path_off, j->meta + h->key_off, j->fix);
	struct kiovec meta = {j->meta, h->image_off}, fix = {j->fix, h->fixup_count * sizeof(Elf64_Rela)};
	bool ok = (!fix.len || write_all(j->fd, &fix, 1, h->fixup_off)) && write_all(j->fd, &meta, 1, 0) &&
		  name_entry(j);
	if (!ok && !j->unnamed)
		rc_sys(SYS_unlinkat_, RC.dirfd, (long)j->tmp, 0, 0, 0);
	sys_close(j->fd);
	j->fd = -1;
	j->ok = ok;
	if (DEBUG_ON(DBG_FILES))
		dbg("file=%s [0];  relocation cache: %s %s/%s (%lu fix-ups)", j->path,
		    ok ? "relocated and published" : "could not write", RC.dir, j->name, (unsigned long)h->fixup_count);
}

static void job_free(struct rc_job *j)
{
	rt_free(j->meta);
	rt_free(j->fix);
	rt_free(j);
}

/* A job that did not get to run: its file closed (gone, if it had no name) and freed. */
static void job_drop(struct rc_job *j, const struct rc_ranges *rg)
{
	for (uint32_t i = 0; i < rg->n; i++)
		if (j->priv[i])
			sys_munmap((void *)j->priv[i], rg->r[i].len);
	if (!j->unnamed)
		rc_sys(SYS_unlinkat_, RC.dirfd, (long)j->tmp, 0, 0, 0);
	sys_close(j->fd);
	job_free(j);
}

/* The job that publishes d's image: its file made, header, path and key laid out. */
static struct rc_job *job_for(struct dso *d, const void *key, size_t key_len, const struct rc_ranges *rg)
{
	static unsigned long counter;
	const char *path = dso_display(d);
	size_t path_len = strlen(path) + 1;
	size_t meta_len = sizeof(struct rc_header) + path_len + key_len;
	struct rc_job *j = rt_calloc(1, sizeof *j);
	char *meta = rt_calloc(1, page_up(meta_len)); /* zero to the image's first page */
	if (!j || !meta || path_len > 4096) {
		rt_free(j), rt_free(meta);
		return NULL;
	}
	rt_snprintf(j->tmp, sizeof j->tmp, ".tmp.%ld.%lu", sys_getpid(), counter++);
	j->fd = (int)rc_sys(SYS_openat, RC.dirfd, (long)".", O_RDWR_ | O_TMPFILE_ | O_CLOEXEC_, 0400, 0);
	j->unnamed = j->fd >= 0;
	if (j->fd < 0) /* EOPNOTSUPP: a file system without it */
		j->fd = (int)rc_sys(SYS_openat, RC.dirfd, (long)j->tmp,
				    O_RDWR_ | O_CREAT_ | O_EXCL_ | O_NOFOLLOW_ | O_NONBLOCK_ | O_CLOEXEC_, 0400, 0);
	if (j->fd < 0) {
		rt_free(j), rt_free(meta);
		return NULL;
	}
	struct rc_header *h = (struct rc_header *)meta;
	memcpy(h->magic, RC_MAGIC, 8);
	h->version = RC_VERSION;
	h->header_size = sizeof *h;
	h->path_off = sizeof *h;
	h->path_len = path_len;
	h->key_off = h->path_off + h->path_len;
	h->key_len = key_len;
	h->image_off = page_up(meta_len);
	h->image_len = rg->len;
	h->fixup_off = h->image_off + h->image_len;
	rc_name_of(key, key_len, h->name);
	h->nranges = rg->n;
	memcpy(h->ranges, rg->r, sizeof h->ranges);
	memcpy(meta + h->path_off, path, path_len);
	memcpy(meta + h->key_off, key, key_len);
	rc_name_hex(h->name, j->name);
	j->meta = meta;
	j->path = path;
	j->rg = *rg;
	return j;
}

/* The new file's image filled with d's writable pages as they are and mapped MAP_SHARED over
 * them, its MAP_PRIVATE mapping made (elsewhere) for afterwards. False: d as it was. */
static bool share_pages(struct dso *d, struct rc_job *j, const struct rc_ranges *rg)
{
	const struct rc_header *h = (const struct rc_header *)j->meta;
	struct kiovec iov[RC_MAX_RANGES];
	for (uint32_t i = 0; i < rg->n; i++)
		iov[i] = (struct kiovec){(const void *)(d->load_bias + rg->r[i].vaddr), rg->r[i].len};
	uint64_t off[RC_MAX_RANGES];
	rc_range_offsets(rg, h->image_off, off);
	long priv[RC_MAX_RANGES];
	if (!write_all(j->fd, iov, (int)rg->n, h->image_off) || !rc_map_prepare(rg, j->fd, off, MAP_PRIVATE_, priv))
		return false;
	if (!rc_map_over(d, rg, j->fd, j->name, off, MAP_SHARED_, "relocating in place")) {
		for (uint32_t i = 0; i < rg->n; i++)
			sys_munmap((void *)priv[i], rg->r[i].len);
		return false;
	}
	memcpy(j->priv, priv, sizeof priv);
	/* Read first: the kernel maps the file's pages around each read fault (a shared
	 * mapping's pages writable at once), where each relocation's first write to a page
	 * would fault it in alone, at three times the cost. */
	for (uint32_t i = 0; i < rg->n; i++)
		for (uint64_t o = 0; o < rg->r[i].len; o += R.pagesize)
			(void)*(volatile const char *)(d->load_bias + rg->r[i].vaddr + o);
	return true;
}

/* The image's checksum, of d's pages while they are still the file's (ranges' sums, folded). */
static void sum_image(const struct dso *d, struct rc_job *j, const struct rc_ranges *rg)
{
	struct rc_header *h = (struct rc_header *)j->meta;
	h->image_sum = 0;
	for (uint32_t i = 0; i < rg->n; i++)
		h->image_sum = h->image_sum * 31 + image_sum((const void *)(d->load_bias + rg->r[i].vaddr), rg->r[i].len);
}

/* The relocated pages made this process's own again: the MAP_PRIVATE mappings of the file
 * moved over the shared ones, which were the last writable mappings of it. */
static void unshare_pages(struct dso *d, struct rc_job *j, const struct rc_ranges *rg)
{
	uint64_t off[RC_MAX_RANGES];
	rc_range_offsets(rg, ((const struct rc_header *)j->meta)->image_off, off);
	rc_map_move(d, rg, j->priv, j->name, off, "relocated");
	for (uint32_t i = 0; i < rg->n; i++)
		j->priv[i] = 0;
}

/* The job of an in-flight miss, for relcache_abort (a dlopen failing while relocating). */
static struct rc_job *pending;
static const struct rc_ranges *pending_rg;

void rc_publish_abort(void)
{
	if (pending)
		job_drop(pending, pending_rg);
	pending = NULL;
}

void rc_publish_and_reloc(struct dso *d, const void *key, size_t key_len, const struct rc_ranges *rg)
{
	struct rc_job *j = job_for(d, key, key_len, rg);
	if (j && !share_pages(d, j, rg)) {
		job_drop(j, rg);
		j = NULL;
	}
	pending = j, pending_rg = rg;
	rc_record_start(d, rg);
	reloc_prefault_paused = j != NULL;
	reloc_object(d);
	reloc_prefault_paused = false;
	rc_record_stop();
	pending = NULL;
	reloc_write_span(d); /* the span without recording's limit, for lazy binding */
	if (j) {
		sum_image(d, j, rg);
		unshare_pages(d, j, rg);
	}
	if (!RC.uncacheable && !relr_inside(d, rg))
		RC.uncacheable = "a relocation writes beyond the file-backed pages";
	if (!j) {
		rc_debug(d, "relocation cache: cannot write a new entry in %s", RC.dir);
		return;
	}
	const char *why = RC.uncacheable;
	struct rc_header *h = (struct rc_header *)j->meta;
	if (!why) {
		h->fixup_count = RC.nfix;
		h->file_size = h->fixup_off + RC.nfix * sizeof(Elf64_Rela);
		h->nrelocs = d->nrelocs;
		h->nrelative = d->nrelative;
		h->nsymbolic = d->nsymbolic;
		j->fix = rt_malloc(RC.nfix * sizeof(Elf64_Rela) + 1);
		if (!j->fix)
			why = "out of memory";
		else
			memcpy(j->fix, RC.fix, RC.nfix * sizeof(Elf64_Rela));
	}
	if (why) {
		rc_debug(d, "relocation cache: not published: %s", why);
		job_drop(j, rg);
		return;
	}
	job_run(j);
	job_free(j);
}
