/* A miss: the object is relocated as always (reloc_object, recording its fix-ups), then its
 * relocated pages are published for the next process.
 *
 * Publishing writes a new file that has no name yet (O_TMPFILE, mode 0400): the image straight
 * from the relocated pages, then the fix-ups, then the header, path and key, and links it
 * under its name: a reader sees a complete file or none, a file once named is never written
 * again, and a process killed while writing leaves nothing behind. Where the name is taken
 * (a damaged entry, or another process's just published) the file is linked under a
 * temporary name and renamed over it. A file system without O_TMPFILE gets the file under
 * a temporary name from the start (O_EXCL), renamed when written. Writing a large image is most of what a miss costs beyond relocating, so
 * at start-up it is handed to a thread (relcache_writer.c) that writes while the next
 * objects are relocated; the pages it copies are written by nobody meanwhile (no program
 * code runs until relcache_done has waited for it). */
#include "relcache_int.h"
#include "reloc.h"
#include "imagesum.h"

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
	if (!d->relr)
		return true;
	const uint64_t *w = (const uint64_t *)d->relr, *end = w + d->relrsz / 8;
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

/* pwritev of the whole file from offset 0, resumed after a short write. */
static bool write_all(int fd, struct kiovec *iov, int n)
{
	uint64_t off = 0;
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

/* Writes one entry and names it: the metadata and the image in one pwritev (the image straight
 * from the relocated pages), then the rename. Makes no allocation and touches no state but
 * the job's: it may run on the writer thread. */
void rc_job_run(struct rc_job *j)
{
	struct rc_header *h = (struct rc_header *)j->meta;
	struct kiovec iov[1 + RC_MAX_RANGES];
	iov[0] = (struct kiovec){j->meta, h->image_off}; /* header, path, key, fix-ups, padding */
	h->image_sum = 0;
	for (uint32_t i = 0; i < j->rg.n; i++) {
		iov[1 + i] = (struct kiovec){(const void *)(j->bias + j->rg.r[i].vaddr), j->rg.r[i].len};
		h->image_sum = h->image_sum * 31 + image_sum(iov[1 + i].base, j->rg.r[i].len); /* ranges' sums, folded */
	}
	h->meta_sum = rc_meta_sum(h, j->meta + h->path_off, j->meta + h->key_off, j->meta + h->fixup_off);
	bool ok = write_all(j->fd, iov, 1 + (int)j->rg.n) && name_entry(j);
	if (!ok && !j->unnamed)
		rc_sys(SYS_unlinkat_, RC.dirfd, (long)j->tmp, 0, 0, 0);
	sys_close(j->fd);
	j->ok = ok;
	if (DEBUG_ON(DBG_FILES))
		dbg("file=%s [0];  relocation cache: %s %s/%s (%lu fix-ups)", j->path,
		    ok ? "relocated and published" : "could not write", RC.dir, j->name, (unsigned long)h->fixup_count);
}

void rc_job_free(struct rc_job *j)
{
	rt_free(j->meta);
	rt_free(j);
}

/* The job that publishes d's image: its temporary file made, its metadata laid out. */
static struct rc_job *job_for(struct dso *d, const void *key, size_t key_len, const struct rc_ranges *rg)
{
	static unsigned long counter;
	const char *path = dso_display(d);
	size_t path_len = strlen(path) + 1;
	size_t meta_len = sizeof(struct rc_header) + path_len + key_len + RC.nfix * sizeof(Elf64_Rela);
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
	h->fixup_off = h->key_off + h->key_len;
	h->fixup_count = RC.nfix;
	h->image_off = page_up(meta_len);
	h->image_len = rg->len;
	h->file_size = h->image_off + h->image_len;
	rc_name_of(key, key_len, h->name);
	h->nranges = rg->n;
	memcpy(h->ranges, rg->r, sizeof h->ranges);
	h->nrelocs = d->nrelocs;
	h->nrelative = d->nrelative;
	h->nsymbolic = d->nsymbolic;
	memcpy(meta + h->path_off, path, path_len);
	memcpy(meta + h->key_off, key, key_len);
	memcpy(meta + h->fixup_off, RC.fix, RC.nfix * sizeof(Elf64_Rela));
	rc_name_hex(h->name, j->name);
	j->meta = meta;
	j->path = path;
	j->bias = d->load_bias;
	j->rg = *rg;
	return j;
}

void rc_publish_and_reloc(struct dso *d, const void *key, size_t key_len, const struct rc_ranges *rg)
{
	rc_record_start(d, rg);
	reloc_object(d);
	rc_record_stop();
	reloc_write_span(d); /* the span without recording's limit, for lazy binding */
	if (!RC.uncacheable && !relr_inside(d, rg))
		RC.uncacheable = "a relocation writes beyond the file-backed pages";
	if (RC.uncacheable) {
		rc_debug(d, "relocation cache: not published: %s", RC.uncacheable);
		return;
	}
	struct rc_job *j = job_for(d, key, key_len, rg);
	if (!j) {
		rc_debug(d, "relocation cache: cannot write a new entry in %s", RC.dir);
		return;
	}
	rc_writer_submit(j);
}
