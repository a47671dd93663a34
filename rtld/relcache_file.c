/* Reading a cached image, with every check made before it is mapped; mapping it. */
#include "relcache_int.h"
#include "map.h"

#define SYS_mremap_ 25
#define O_NOFOLLOW_ 0400000
#define O_NONBLOCK_ 04000 /* a FIFO planted under a cache name must not hang us */
#define ELOOP_ 40
#define MREMAP_MAYMOVE_ 1
#define MREMAP_FIXED_ 2

_Static_assert(RC_FIXUP_SIZE == sizeof(Elf64_Rela), "a fix-up is an Elf64_Rela");

static uint64_t page_up(uint64_t v) { return (v + R.pagesize - 1) & ~(R.pagesize - 1); }

void rc_name_hex(const uint64_t name[2], char out[40])
{
	rt_snprintf(out, 40, "%016lx%016lx%s", (unsigned long)name[0], (unsigned long)name[1], RC_SUFFIX);
}

/* The header's layout is the one we would write for this object and key, within the file. */
static const char *layout_problem(const struct rc_header *h, size_t key_len, const struct rc_ranges *rg,
				  uint64_t size)
{
	if (memcmp(h->magic, RC_MAGIC, 8) != 0)
		return "not a relocation cache file";
	if (h->version != RC_VERSION || h->header_size != sizeof *h)
		return "another version of the format";
	if (h->file_size != size)
		return "truncated, or its size is not the one its header gives";
	if (h->path_off != sizeof *h || !h->path_len || h->path_len > 4096 || h->key_off != h->path_off + h->path_len ||
	    h->key_len != key_len || h->image_off != page_up(h->key_off + h->key_len) || h->image_len != rg->len ||
	    h->fixup_off != h->image_off + h->image_len || h->fixup_count > (1u << 20) ||
	    h->fixup_off + h->fixup_count * sizeof(Elf64_Rela) != size)
		return "its header does not describe this object's image";
	if (h->nranges != rg->n)
		return "made for other segments";
	for (uint32_t i = 0; i < rg->n; i++)
		if (h->ranges[i].vaddr != rg->r[i].vaddr || h->ranges[i].len != rg->r[i].len)
			return "made for other segments";
	return NULL;
}

/* Every fix-up is a type we re-apply, writing inside the image. */
static bool fixups_ok(const Elf64_Rela *f, size_t n, const struct rc_ranges *rg)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t t = R_TYPE(f[i].r_info);
		if (t != R_X86_64_64 && t != R_X86_64_GLOB_DAT && t != R_X86_64_JUMP_SLOT && t != R_X86_64_IRELATIVE &&
		    t != R_X86_64_DTPMOD64 && t != R_X86_64_DTPOFF64 && t != R_X86_64_TPOFF64 && t != R_X86_64_TLSDESC)
			return false;
		uint64_t len = t == R_X86_64_TLSDESC ? 16 : 8;
		bool inside = false;
		for (uint32_t k = 0; k < rg->n && !inside; k++)
			inside = f[i].r_offset >= rg->r[k].vaddr && f[i].r_offset + len <= rg->r[k].vaddr + rg->r[k].len;
		if (!inside)
			return false;
	}
	return true;
}

/* Reads the header, path and key (one read when they fit in the page at the file's start) and
 * the fix-ups after the image into e, and checks them against this object and key. */
static const char *read_entry(int fd, const struct kstat *st, const void *key, size_t key_len,
			      const struct rc_ranges *rg, const uint64_t name[2], struct rc_entry *e)
{
	char first[4096];
	uint64_t size = (uint64_t)st->st_size;
	if (size < sizeof e->h || sys_pread_exact(fd, first, size < sizeof first ? (size_t)size : sizeof first, 0) < 0)
		return "truncated";
	memcpy(&e->h, first, sizeof e->h);
	const char *why = layout_problem(&e->h, key_len, rg, size);
	if (why)
		return why;
	if (e->h.name[0] != name[0] || e->h.name[1] != name[1])
		return "its header names another entry";
	size_t fixlen = e->h.fixup_count * sizeof(Elf64_Rela), meta_len = e->h.path_len + key_len;
	char *meta = rt_malloc(meta_len + 1);
	e->fixups = rt_malloc(fixlen + 1);
	if (!meta || !e->fixups)
		why = "cannot be read";
	else if (sizeof e->h + meta_len <= sizeof first)
		memcpy(meta, first + sizeof e->h, meta_len);
	else if (sys_pread_exact(fd, meta, meta_len, sizeof e->h) < 0)
		why = "cannot be read";
	if (!why && fixlen && sys_pread_exact(fd, e->fixups, fixlen, e->h.fixup_off) < 0)
		why = "cannot be read";
	if (!why) {
		if (rc_meta_sum(&e->h, meta, meta + e->h.path_len, e->fixups) != e->h.meta_sum)
			why = "damaged (its checksum does not match)";
		else if (memcmp(meta + e->h.path_len, key, key_len) != 0)
			why = "made for other objects (its key differs)";
		else if (!fixups_ok(e->fixups, e->h.fixup_count, rg))
			why = "a fix-up of a kind or at a place no relocation has";
	}
	rt_free(meta);
	return why;
}

int rc_entry_open(struct dso *d, const void *key, size_t key_len, const struct rc_ranges *rg, struct rc_entry *e)
{
	uint64_t name[2];
	rc_name_of(key, key_len, name);
	rc_name_hex(name, e->name);
	e->fixups = NULL;
	long fd = rc_sys(SYS_openat, RC.dirfd, (long)e->name, O_RDONLY_ | O_NOFOLLOW_ | O_NONBLOCK_ | O_CLOEXEC_, 0, 0);
	if (fd == -ENOENT_)
		return 1;
	const char *why = NULL;
	struct kstat st;
	if (fd < 0)
		why = fd == -ELOOP_ ? "a symbolic link" : "cannot be opened";
	else if (sys_fstat((int)fd, &st) < 0 || !rc_file_trusted(&st, false))
		why = "not a regular file owned by this user and closed to others";
	else
		why = read_entry((int)fd, &st, key, key_len, rg, name, e);
	if (why) {
		rc_debug(d, "relocation cache: ignored %s/%s: %s", RC.dir, e->name, why);
		if (fd >= 0)
			sys_close((int)fd);
		rt_free(e->fixups);
		e->fixups = NULL;
		return -1;
	}
	e->fd = (int)fd;
	return 0;
}

void rc_entry_close(struct rc_entry *e)
{
	if (e->fd >= 0)
		sys_close(e->fd);
	e->fd = -1;
	rt_free(e->fixups);
	e->fixups = NULL;
}

/* Maps each range MAP_`flags` from fd at off[i], somewhere free, into t[]: all or none. */
bool rc_map_prepare(const struct rc_ranges *rg, int fd, const uint64_t *off, int flags, long *t)
{
	for (uint32_t i = 0; i < rg->n; i++) {
		t[i] = sys_mmap(NULL, rg->r[i].len, rg->prot[i], flags, fd, (long)off[i]);
		if (mmap_failed(t[i])) {
			for (uint32_t k = 0; k < i; k++)
				sys_munmap((void *)t[k], rg->r[k].len);
			return false;
		}
	}
	return true;
}

/* Moves the mappings rc_map_prepare made over d's ranges (mremap replaces what is there). */
void rc_map_move(const struct dso *d, const struct rc_ranges *rg, const long *t, const char *file, const uint64_t *off,
		 const char *what)
{
	for (uint32_t i = 0; i < rg->n; i++) {
		uintptr_t a = d->load_bias + rg->r[i].vaddr;
		if (rc_sys(SYS_mremap_, t[i], (long)rg->r[i].len, (long)rg->r[i].len, MREMAP_MAYMOVE_ | MREMAP_FIXED_,
			   (long)a) != (long)a)
			die_load(dso_display(d), "cannot map the relocation cache's file over the object");
		rc_trace_map(d, a, rg->r[i].len, rg->prot[i], file, off[i], what);
	}
}

/* Maps each range of d in place of what is there, MAP_`flags` from fd at off[i]. Every new
 * mapping is made elsewhere first, then all are moved over with mremap: if one cannot be
 * made, nothing has changed (false). */
bool rc_map_over(const struct dso *d, const struct rc_ranges *rg, int fd, const char *file, const uint64_t *off,
		 int flags, const char *what)
{
	long t[RC_MAX_RANGES];
	if (!rc_map_prepare(rg, fd, off, flags, t))
		return false;
	rc_map_move(d, rg, t, file, off, what);
	return true;
}

void rc_range_offsets(const struct rc_ranges *rg, uint64_t image_off, uint64_t *off)
{
	for (uint32_t i = 0; i < rg->n; i++)
		off[i] = i ? off[i - 1] + rg->r[i - 1].len : image_off;
}

void rc_trace_map(const struct dso *d, uintptr_t addr, size_t len, int prot, const char *file, uint64_t off,
		  const char *what)
{
	static const char *s[8] = {"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx"};
	if (DEBUG_ON(DBG_MAPS))
		dbg("mmap %#lx-%#lx %s %s/%s+%#lx (relocation cache, %s: %s)", (unsigned long)addr,
		    (unsigned long)(addr + len), s[prot & 7], RC.dir, file, (unsigned long)off, what, dso_display(d));
}

