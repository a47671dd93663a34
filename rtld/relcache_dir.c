/* The relocation cache's directory, its per-boot secret, and the addresses derived from it.
 *
 *   ROOT/BOOT_ID/secret        16 random bytes, made by the first process of this boot
 *   ROOT/BOOT_ID/HASH.rc       one cached image each (relcache_format.h)
 *   ROOT/BOOT_ID/hits          the names of the images used, appended
 *   ROOT/BOOT_ID/HASH.seen     empty: HASH.rc was missed once and not published (yet)
 *
 * ROOT is $MMLD_RELOC_CACHE_DIR, else $XDG_RUNTIME_DIR/mmld-reloc (a tmpfs that goes away at
 * shutdown), else $XDG_CACHE_HOME/mmld-reloc, else $HOME/.cache/mmld-reloc. BOOT_ID is the
 * kernel's random boot id, so a new boot starts a new directory with a new secret: library
 * addresses are random per boot, never a fixed layout, and every process of the user agrees
 * on them within the boot. Only the user can read the secret, so nobody else can compute
 * them. ROOT and ROOT/BOOT_ID must be directories owned by the user and not writable by
 * anyone else, opened without following a symbolic link; everything below is reached
 * through the directory's descriptor, never by a path that could be swapped meanwhile. */
#include "relcache_int.h"
#include "stack.h"

#define SYS_pwrite64_ 18
#define SYS_mkdirat_ 258
#define SYS_unlinkat_ 263
#define SYS_linkat_ 265
#define SYS_renameat2_ 316
#define SYS_getrandom_ 318
#define O_RDWR_ 2
#define O_EXCL_ 0200
#define O_DIRECTORY_ 0200000
#define O_NOFOLLOW_ 0400000
#define O_NONBLOCK_ 04000 /* a FIFO planted under a cache name must not hang us */
#define ENOENT__ 2
#define EEXIST__ 17
#define EINVAL__ 22
#define RENAME_NOREPLACE_ 1

long rc_sys(long n, long a, long b, long c, long d, long e) { return sys_call6(n, a, b, c, d, e, 0); }

static long open_at(int dirfd, const char *name, int flags, int mode)
{
	return rc_sys(SYS_openat, dirfd, (long)name, flags | O_CLOEXEC_, mode, 0);
}

static uint32_t euid(void)
{
	static long id = -1;
	if (id < 0)
		id = sys_call3(SYS_geteuid, 0, 0, 0);
	return (uint32_t)id;
}

bool rc_file_trusted(const struct kstat *st, bool secret)
{
	uint32_t others = secret ? 077 : 022; /* the secret must not even be readable */
	return (st->st_mode & S_IFMT_) == S_IFREG_ && st->st_uid == euid() && !(st->st_mode & others);
}

/* A directory we may trust: ours, not writable by others. Returns its fd, or -1 with why. */
static int open_trusted_dir(int at, const char *name, bool create, struct kstat *st, char *why, size_t len)
{
	long fd = open_at(at, name, O_RDONLY_ | O_DIRECTORY_ | O_NOFOLLOW_ | O_NONBLOCK_, 0);
	if (fd == -ENOENT__ && create) {
		rc_sys(SYS_mkdirat_, at, (long)name, 0700, 0, 0);
		fd = open_at(at, name, O_RDONLY_ | O_DIRECTORY_ | O_NOFOLLOW_ | O_NONBLOCK_, 0);
	}
	if (fd < 0) {
		rt_snprintf(why, len, "%s: cannot open the directory (%s)", name,
			    fd == -40 || fd == -20 ? "a symbolic link, or not a directory" : fd == -13 ? "permission denied"
											  : "it cannot be made");
		return -1;
	}
	if (sys_fstat((int)fd, st) < 0 || (st->st_mode & S_IFMT_) != S_IFDIR_ || st->st_uid != euid() ||
	    (st->st_mode & 022)) {
		rt_snprintf(why, len, "%s: not a directory owned by this user and closed to others", name);
		sys_close((int)fd);
		return -1;
	}
	return (int)fd;
}

/* The root's path, by the rules above; ~/.cache is made if it is missing. */
static bool root_path(char *out, size_t len)
{
	const char *v = env_get("MMLD_RELOC_CACHE_DIR");
	if (v && *v)
		return rt_snprintf(out, len, "%s", v) < (int)len;
	if ((v = env_get("XDG_RUNTIME_DIR")) && v[0] == '/')
		return rt_snprintf(out, len, "%s/mmld-reloc", v) < (int)len;
	if ((v = env_get("XDG_CACHE_HOME")) && v[0] == '/')
		return rt_snprintf(out, len, "%s/mmld-reloc", v) < (int)len;
	if ((v = env_get("HOME")) && v[0] == '/') {
		if (rt_snprintf(out, len, "%s/.cache", v) >= (int)len)
			return false;
		rc_sys(SYS_mkdirat_, AT_FDCWD_, (long)out, 0700, 0, 0);
		return rt_snprintf(out, len, "%s/.cache/mmld-reloc", v) < (int)len;
	}
	return false;
}

static bool read_boot_id(char id[40])
{
	long fd = sys_open("/proc/sys/kernel/random/boot_id", O_RDONLY_ | O_CLOEXEC_, 0);
	if (fd < 0)
		return false;
	long n = sys_read((int)fd, id, 39);
	sys_close((int)fd);
	if (n < 36)
		return false;
	id[36] = 0;
	for (int i = 0; i < 36; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f') || id[i] == '-'))
			return false;
	return true;
}

/* Reads the secret; 1 if there is none yet, -1 if there is one we must not trust. */
static int read_secret(int dirfd, unsigned char out[16])
{
	long fd = open_at(dirfd, RC_SECRET, O_RDONLY_ | O_NOFOLLOW_ | O_NONBLOCK_, 0);
	if (fd == -ENOENT__)
		return 1;
	if (fd < 0)
		return -1;
	struct kstat st;
	int r = -1;
	if (sys_fstat((int)fd, &st) == 0 && rc_file_trusted(&st, true) && st.st_size == 16 &&
	    sys_pread((int)fd, out, 16, 0) == 16)
		r = 0;
	sys_close((int)fd);
	return r;
}

/* Makes the secret of this boot: written aside, then moved into place only if nobody made
 * one meanwhile; whoever lost the race reads the winner's, so every process agrees. */
static void make_secret(int dirfd)
{
	unsigned char s[16];
	if (rc_sys(SYS_getrandom_, (long)s, 16, 0, 0, 0) != 16)
		return;
	char tmp[64];
	rt_snprintf(tmp, sizeof tmp, "%s.%ld", RC_SECRET, sys_getpid());
	long fd = open_at(dirfd, tmp, O_WRONLY_ | O_CREAT_ | O_EXCL_ | O_NOFOLLOW_ | O_NONBLOCK_, 0600);
	if (fd < 0)
		return;
	long w = sys_write((int)fd, s, 16);
	sys_close((int)fd);
	if (w == 16) {
		long r = rc_sys(SYS_renameat2_, dirfd, (long)tmp, dirfd, (long)RC_SECRET, RENAME_NOREPLACE_);
		if (r == -EINVAL__) /* a file system without RENAME_NOREPLACE */
			rc_sys(SYS_linkat_, dirfd, (long)tmp, dirfd, (long)RC_SECRET, 0);
	}
	rc_sys(SYS_unlinkat_, dirfd, (long)tmp, 0, 0, 0);
}

int rc_dir_open(char *why, size_t len)
{
	char root[400], boot[40];
	struct kstat st;
	if (!root_path(root, sizeof root)) {
		rt_snprintf(why, len, "no directory for it (set MMLD_RELOC_CACHE_DIR, XDG_RUNTIME_DIR or HOME)");
		return -1;
	}
	if (!read_boot_id(boot)) {
		rt_snprintf(why, len, "cannot read /proc/sys/kernel/random/boot_id");
		return -1;
	}
	int rootfd = open_trusted_dir(AT_FDCWD_, root, true, &st, why, len);
	if (rootfd < 0)
		return -1;
	int fd = open_trusted_dir(rootfd, boot, true, &st, why, len);
	sys_close(rootfd);
	if (fd < 0)
		return -1;
	unsigned char s[16];
	int r = read_secret(fd, s);
	if (r > 0) {
		make_secret(fd);
		r = read_secret(fd, s);
	}
	if (r != 0) {
		rt_snprintf(why, len, "%s/%s/%s: missing, or not a 16-byte file only this user can read", root, boot,
			    RC_SECRET);
		sys_close(fd);
		return -1;
	}
	memcpy(&RC.secret.k0, s, 8);
	memcpy(&RC.secret.k1, s + 8, 8);
	static const char gen[] = "mmld relocation cache: boot generation";
	RC.boot[0] = siphash24(&RC.secret, gen, sizeof gen - 1);
	RC.boot[1] = siphash24(&RC.secret, gen, sizeof gen);
	RC.have_secret = true;
	RC.dirfd = fd;
	RC.dir_fresh = true;
	RC.dir_dev = st.st_dev;
	RC.dir_ino = st.st_ino;
	rt_snprintf(RC.dir, sizeof RC.dir, "%s/%s", root, boot);
	return 0;
}

bool rc_dir_ready(void)
{
	struct kstat st;
	if (RC.dirfd >= 0 && RC.dir_fresh)
		return true;
	/* After start-up the program may have closed our descriptor and reused its number. */
	if (RC.dirfd >= 0 && sys_fstat(RC.dirfd, &st) == 0 && st.st_dev == RC.dir_dev && st.st_ino == RC.dir_ino)
		return true;
	RC.dirfd = -1;
	char why[512];
	if (rc_dir_open(why, sizeof why) < 0) {
		rc_debug(NULL, "relocation cache off: %s", why);
		return false;
	}
	return true;
}

void rc_dir_close(void)
{
	if (RC.dirfd >= 0)
		sys_close(RC.dirfd);
	RC.dirfd = -1;
	RC.dir_fresh = false;
}

void rc_hits_flush(void)
{
	if (!RC.nhits || RC.dirfd < 0)
		return;
	/* O_APPEND: each process's records land whole. The log stops growing at 4 MiB (262,144
	 * uses; `mmld cache clear` starts it again): hits are a statistic, not a duty. Not
	 * checked like an entry: nothing is read from it, and only this user can put a file in
	 * the directory (O_NONBLOCK: not even a FIFO there can hold us). */
	long fd = open_at(RC.dirfd, RC_HITS, O_WRONLY_ | O_APPEND_ | O_CREAT_ | O_NOFOLLOW_ | O_NONBLOCK_, 0600);
	if (fd >= 0 && rc_sys(SYS_lseek, fd, 0, 2 /* SEEK_END */, 0, 0) < (4 << 20))
		sys_write((int)fd, RC.hits, RC.nhits * sizeof RC.hits[0]);
	if (fd >= 0)
		sys_close((int)fd);
	RC.nhits = 0;
}

/* Was the image `entry` (HASH.rc) missed before without being published? Its HASH.seen is
 * taken away if so (this process publishes it); else made, for the next miss. One system
 * call when it was seen, two when not. Only this user can put files in the directory; a
 * mark only ever decides when an image is published, never what is in it. */
bool rc_seen_before(const char *entry)
{
	char mark[48];
	size_t n = strlen(entry) - (sizeof RC_SUFFIX - 1);
	memcpy(mark, entry, n);
	memcpy(mark + n, RC_SEEN_SUFFIX, sizeof RC_SEEN_SUFFIX);
	if (rc_sys(SYS_unlinkat_, RC.dirfd, (long)mark, 0, 0, 0) == 0)
		return true;
	long fd = open_at(RC.dirfd, mark, O_WRONLY_ | O_CREAT_ | O_EXCL_ | O_NOFOLLOW_ | O_NONBLOCK_, 0400);
	if (fd >= 0)
		sys_close((int)fd);
	return false;
}

/* The bytes an image of an object with these program headers would hold (rc_ranges_of). */
static uint64_t image_bytes(const Elf64_Phdr *ph, size_t phnum)
{
	const uint64_t pg = R.pagesize;
	uint64_t n = 0;
	for (size_t i = 0; i < phnum; i++)
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_W) && ph[i].p_filesz)
			n += ((ph[i].p_vaddr + ph[i].p_filesz + pg - 1) & ~(pg - 1)) - (ph[i].p_vaddr & ~(pg - 1));
	return n;
}

/* The directory and its secret, opened at the first library the cache would hold: a process
 * whose libraries are all small never pays for them (true: libc.so.6 only), and its
 * libraries keep the kernel's per-exec addresses. */
static bool secret_ready(const Elf64_Phdr *ph, size_t phnum)
{
	if (RC.have_secret)
		return true;
	if (image_bytes(ph, phnum) < RC.min_image)
		return false;
	char why[600];
	if (rc_dir_open(why, sizeof why) < 0) {
		rc_debug(NULL, "relocation cache off: %s", why);
		RC.on = RC.verify = false;
		return false;
	}
	rc_debug(NULL, "relocation cache%s: %s", RC.verify ? " (verify)" : "", RC.dir);
	return true;
}

uintptr_t relcache_agreed_base(const struct kstat *st, const Elf64_Phdr *ph, size_t phnum, size_t span,
			       size_t align)
{
	/* Not for the program itself (direct mode maps it before R.main exists): a PIE program
	 * keeps the kernel's per-exec randomisation, as under PT_INTERP. */
	if (!RC.on || !R.main || !secret_ready(ph, phnum))
		return 0;
	if (align < R.pagesize)
		align = R.pagesize;
	const uint64_t window = RC_WINDOW_HI - RC_WINDOW_LO;
	if (span >= window / 2 || align > (1UL << 30))
		return 0;
	uint64_t id[5] = {st->st_dev, st->st_ino, (uint64_t)st->st_size,
			  st->st_mtime_ * 1000000000ULL + st->st_mtime_ns, st->st_ctime_ * 1000000000ULL + st->st_ctime_ns};
	uint64_t slots = (window - span) / align;
	return RC_WINDOW_LO + (siphash24(&RC.secret, id, sizeof id) % slots) * align;
}

void relcache_placed(struct dso *d, uintptr_t agreed)
{
	if (!RC.on)
		return;
	if (!d->relcache && !(d->relcache = rt_calloc(1, sizeof *d->relcache)))
		return;
	d->relcache->agreed = agreed;
	d->relcache->fixed = agreed && d->map_start == agreed;
	d->relcache->small = !agreed && !RC.have_secret;
}
