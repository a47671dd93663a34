/* mmld cache list|verify|clear: the relocation cache of this user (MMLD_RELOC_CACHE=1).
 *
 *   list     each entry of this boot: object, base, image size, fix-ups, hits
 *   verify   each entry checked as ld-mmld.so checks it before use (owner, permissions,
 *            size, header, checksum), its object unchanged since, and its image against the
 *            object's file (cache_check.c); exit status 1 if one is damaged
 *   clear    every entry, mark of an image missed once, and hits log removed, and the
 *            directories of earlier boots;
 *            --stale: only what verify calls stale (entries of another format version, or
 *            whose object changed or is gone) and the directories of earlier boots */
#include "mmld.h"
#include "cache.h"
#include "opts.h"
#include "../rtld/siphash.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* A cache directory as ld-mmld.so trusts one (rtld/relcache_dir.c): not a symbolic link, a
 * directory owned by this user and closed to others. `mmld cache` reads and removes only in
 * such a directory, so a link planted in the cache root (or a root in a shared directory such
 * as /tmp) never sends it elsewhere. Its fd; -2: it does not exist; -1: refused, one line on
 * stderr naming it. */
static int open_trusted_dir(int at, const char *name, const char *path)
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -2;
		fprintf(stderr, "mmld cache: %s: %s: not touched\n", shown(path),
			errno == ELOOP || errno == ENOTDIR ? "a symbolic link, or not a directory" : strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		fprintf(stderr, "mmld cache: %s: not a directory owned by this user and closed to others: not touched\n",
			shown(path));
		close(fd);
		return -1;
	}
	return fd;
}

/* The root and this boot's directory, each checked: the boot directory's fd (-2: none yet,
 * -1: refused); *root_fd the root's (or a negative value likewise). */
static int open_boot_dir(const char *root, const char *boot, int *root_fd)
{
	*root_fd = open_trusted_dir(AT_FDCWD, root, root);
	if (*root_fd < 0)
		return *root_fd;
	return open_trusted_dir(*root_fd, base_name(boot), boot);
}

bool cache_dirs(char *root, size_t rlen, char *boot, size_t blen)
{
	const char *v;
	if ((v = getenv("MMLD_RELOC_CACHE_DIR")) && *v)
		snprintf(root, rlen, "%s", v);
	else if ((v = getenv("XDG_RUNTIME_DIR")) && v[0] == '/')
		snprintf(root, rlen, "%s/mmld-reloc", v);
	else if ((v = getenv("XDG_CACHE_HOME")) && v[0] == '/')
		snprintf(root, rlen, "%s/mmld-reloc", v);
	else if ((v = getenv("HOME")) && v[0] == '/')
		snprintf(root, rlen, "%s/.cache/mmld-reloc", v);
	else {
		fprintf(stderr, "mmld cache: no directory (set MMLD_RELOC_CACHE_DIR, XDG_RUNTIME_DIR or HOME)\n");
		return false;
	}
	char id[40] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (!f || !fgets(id, sizeof id, f)) {
		fprintf(stderr, "mmld cache: cannot read /proc/sys/kernel/random/boot_id\n");
		if (f)
			fclose(f);
		return false;
	}
	fclose(f);
	id[strcspn(id, "\n")] = 0;
	snprintf(boot, blen, "%s/%s", root, id);
	return true;
}

static bool read_at(int fd, void *buf, size_t n, off_t off) { return pread(fd, buf, n, off) == (ssize_t)n; }

/* The checks ld-mmld.so makes before it maps an entry, in the same order. */
static const char *entry_problem(int fd, struct cache_entry *e)
{
	const struct rc_header *h = &e->h;
	if (!S_ISREG(e->st.st_mode) || e->st.st_uid != geteuid() || (e->st.st_mode & 022))
		return "not a regular file owned by this user and closed to others";
	if ((size_t)e->st.st_size < sizeof *h || !read_at(fd, &e->h, sizeof e->h, 0))
		return "truncated";
	if (memcmp(h->magic, RC_MAGIC, 8) != 0)
		return "not a relocation cache file";
	/* Magic and version are where every version puts them; the rest may not be. Such an entry
	 * is obsolete, not damaged: its name is the hash of a key this ld-mmld.so never makes. */
	if (h->version != RC_VERSION || h->header_size != sizeof *h) {
		e->other_version = h->version != RC_VERSION ? h->version : 0;
		return "another version of the format";
	}
	if (h->file_size != (uint64_t)e->st.st_size)
		return "truncated, or its size is not the one its header gives";
	if (h->path_off != sizeof *h || !h->path_len || h->path_len > 4096 || h->key_off != h->path_off + h->path_len ||
	    h->key_len < sizeof(struct rc_key_head) || h->key_len > (1u << 24) ||
	    h->image_off != ((h->key_off + h->key_len + 4095) & ~4095ULL) || h->image_len > h->file_size ||
	    h->fixup_off != h->image_off + h->image_len || h->fixup_count > (1u << 20) ||
	    h->fixup_off + h->fixup_count * sizeof(Elf64_Rela) != h->file_size || h->nranges > RC_MAX_RANGES)
		return "its header does not describe an image";
	/* The ranges must cover the image exactly: cache_check_image walks the image by them. */
	uint64_t covered = 0;
	for (uint32_t k = 0; k < h->nranges; k++) {
		if (h->ranges[k].len > h->image_len - covered)
			return "its header does not describe an image";
		covered += h->ranges[k].len;
	}
	if (covered != h->image_len)
		return "its header does not describe an image";
	e->path = calloc(1, h->path_len + 1);
	char *key = malloc(h->key_len);
	e->fixups = malloc(h->fixup_count * sizeof *e->fixups + 1);
	if (!read_at(fd, e->path, h->path_len, (off_t)h->path_off) || !read_at(fd, key, h->key_len, (off_t)h->key_off) ||
	    !read_at(fd, e->fixups, h->fixup_count * sizeof *e->fixups, (off_t)h->fixup_off)) {
		free(key);
		return "cannot be read";
	}
	const char *why = NULL;
	memcpy(&e->key, key, sizeof e->key);
	if (rc_meta_sum(h, e->path, key, e->fixups) != h->meta_sum)
		why = "damaged (its checksum does not match)";
	else if (sizeof e->key + e->key.nobjs * sizeof *e->objs != h->key_len)
		why = "its key has the wrong length";
	else {
		e->objs = malloc(e->key.nobjs * sizeof *e->objs + 1);
		memcpy(e->objs, key + sizeof e->key, e->key.nobjs * sizeof *e->objs);
	}
	free(key);
	return why;
}

void cache_entry_read(const char *file, struct cache_entry *e)
{
	memset(e, 0, sizeof *e);
	e->file = strdup(file);
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		e->problem = errno == ELOOP ? "a symbolic link" : "cannot be opened";
		return;
	}
	if (fstat(fd, &e->st) < 0)
		e->problem = "cannot be opened";
	else
		e->problem = entry_problem(fd, e);
	close(fd);
}

void cache_entry_free(struct cache_entry *e)
{
	free(e->file);
	free(e->path);
	free(e->objs);
	free(e->fixups);
}

/* The entries of one boot directory, by file name, with their hits from the log. */
static int read_entries(const char *root, const char *dir, struct cache_entry **out)
{
	*out = NULL;
	int root_fd, fd = open_boot_dir(root, dir, &root_fd);
	if (root_fd >= 0)
		close(root_fd);
	if (fd == -1 || root_fd == -1)
		return -1;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d)
		return 0;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 3, RC_SUFFIX) != 0 || de->d_name[0] == '.')
			continue;
		char file[4096];
		snprintf(file, sizeof file, "%s/%s", dir, de->d_name);
		*out = realloc(*out, (size_t)(n + 1) * sizeof **out);
		cache_entry_read(file, &(*out)[n++]);
	}
	closedir(d);
	char log[4096];
	snprintf(log, sizeof log, "%s/%s", dir, RC_HITS);
	FILE *f = fopen(log, "r");
	uint64_t name[2];
	while (f && fread(name, sizeof name, 1, f) == 1)
		for (int i = 0; i < n; i++)
			if (!(*out)[i].problem && (*out)[i].h.name[0] == name[0] && (*out)[i].h.name[1] == name[1])
				(*out)[i].hits++;
	if (f)
		fclose(f);
	return n;
}

static int by_path(const void *a, const void *b)
{
	const struct cache_entry *x = a, *y = b;
	int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");
	return c ? c : strcmp(x->file, y->file);
}


static void human(char *buf, size_t len, uint64_t bytes)
{
	if (bytes >= 10 << 20)
		snprintf(buf, len, "%.1f MiB", bytes / 1048576.0);
	else
		snprintf(buf, len, "%lu KiB", (unsigned long)(bytes / 1024));
}

static int cache_list(const char *root, const char *boot)
{
	struct cache_entry *e;
	int n = read_entries(root, boot, &e);
	if (n < 0)
		return 1;
	qsort(e, (size_t)n, sizeof *e, by_path);
	printf("relocation cache of this boot: %s (%d entr%s)\n", boot, n, n == 1 ? "y" : "ies");
	if (n)
		printf("%-36s %-14s %10s %8s %6s  %s\n", "object", "base", "image", "fix-ups", "hits", "entry");
	for (int i = 0; i < n; i++) {
		if (e[i].other_version) {
			printf("%-36s %-14s %10s %8s %6s  %s: entry format %u, never used by this ld-mmld.so (stale: mmld "
			       "cache clear --stale removes it)\n", "?", "-", "-", "-", "-", shown(base_name(e[i].file)),
			       e[i].other_version);
			continue;
		}
		if (e[i].problem) {
			printf("%-36s %-14s %10s %8s %6s  %s: %s\n", "?", "-", "-", "-", "-", shown(base_name(e[i].file)), e[i].problem);
			continue;
		}
		char img[32], base[32];
		human(img, sizeof img, e[i].h.image_len);
		snprintf(base, sizeof base, "%#lx", (unsigned long)e[i].key.map_start);
		/* The object's path is whatever its directory was called: escaped (mmld.h shown()). */
		printf("%-36s %-14s %10s %8lu %6lu  %s\n", shown(base_name(e[i].path)), base, img, (unsigned long)e[i].h.fixup_count,
		       e[i].hits, shown(base_name(e[i].file)));
	}
	/* Directories of earlier boots: never used again, removed by `mmld cache clear`. */
	DIR *d = opendir(root);
	struct dirent *de;
	int old = 0;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(base_name(boot), de->d_name) != 0)
			old++;
	if (d)
		closedir(d);
	if (old)
		printf("%d director%s of earlier boots in %s (mmld cache clear removes them)\n", old, old == 1 ? "y" : "ies",
		       root);
	for (int i = 0; i < n; i++)
		cache_entry_free(&e[i]);
	free(e);
	return 0;
}

/* The object the entry was made from, as it is now, against the key's identity. */
static const char *object_changed(const struct cache_entry *e)
{
	struct stat st;
	if (stat(e->path, &st) < 0)
		return "its object is gone";
	const struct rc_ident *id = &e->key.self;
	if ((uint64_t)st.st_dev != id->dev || (uint64_t)st.st_ino != id->ino || (uint64_t)st.st_size != id->size ||
	    (uint64_t)st.st_mtim.tv_sec * 1000000000ULL + (uint64_t)st.st_mtim.tv_nsec != id->mtime_ns ||
	    (uint64_t)st.st_ctim.tv_sec * 1000000000ULL + (uint64_t)st.st_ctim.tv_nsec != id->ctime_ns)
		return "its object changed since it was made (never used again)";
	return NULL;
}

static int cache_verify(const char *root, const char *boot)
{
	struct cache_entry *e;
	int n = read_entries(root, boot, &e);
	if (n < 0)
		return 1;
	qsort(e, (size_t)n, sizeof *e, by_path);
	int damaged = 0, stale = 0;
	unsigned long total_words = 0;
	for (int i = 0; i < n; i++) {
		const char *why = e[i].problem, *old = NULL;
		char msg[512] = "", version[160];
		struct cache_check c = {0};
		if (e[i].other_version) {
			snprintf(version, sizeof version, "made by another version of ld-mmld.so (entry format %u, this "
				 "one's %u): never used", e[i].other_version, RC_VERSION);
			why = NULL;
			old = version;
		} else if (!why && !(old = object_changed(&e[i]))) {
			int fd = open(e[i].file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			why = fd < 0 ? "cannot be opened" : cache_check_image(&e[i], fd, &c, msg, sizeof msg);
			if (fd >= 0)
				close(fd);
		}
		total_words += c.words;
		if (why) {
			damaged++;
			printf("DAMAGED %s: %s%s%s\n", shown(e[i].file), why, msg[0] ? ": " : "", shown(msg));
		} else if (old) {
			stale++;
			if (e[i].path)
				printf("stale   %s (%s): %s\n", shown(e[i].file), shown(e[i].path), shown(old));
			else
				printf("stale   %s: %s\n", shown(e[i].file), shown(old));
		} else if (c.written_outside)
			printf("ok      %s (%s): %lu words compared; %lu written at start-up outside relocations (IFUNC "
			       "resolvers)\n", shown(e[i].file), shown(e[i].path), c.words, c.written_outside);
		else
			printf("ok      %s (%s): %lu words compared\n", shown(e[i].file), shown(e[i].path), c.words);
	}
	printf("mmld cache verify: %d entr%s, %d damaged, %d stale; %lu words compared with the objects\n", n,
	       n == 1 ? "y" : "ies", damaged, stale, total_words);
	for (int i = 0; i < n; i++)
		cache_entry_free(&e[i]);
	free(e);
	return damaged ? 1 : 0;
}

/* Removes what ld-mmld.so put in the directory `name` of parent_fd (checked as ld-mmld.so
 * checks it; a link or a directory not this user's is left alone): entries, marks (.seen),
 * hits log, temporary files, and (all=true, an earlier boot's directory) the secret and the directory
 * itself. */
static int clear_dir(int parent_fd, const char *name, const char *path, bool all, unsigned *removed)
{
	int fd = open_trusted_dir(parent_fd, name, path);
	if (fd == -2)
		return 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct dirent *de;
	int bad = 0;
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		bool ours = (len > 3 && strcmp(n + len - 3, RC_SUFFIX) == 0) ||
			    (len > 5 && strcmp(n + len - 5, RC_SEEN_SUFFIX) == 0) || strcmp(n, RC_HITS) == 0 ||
			    strncmp(n, ".tmp.", 5) == 0 || (all && strncmp(n, RC_SECRET, strlen(RC_SECRET)) == 0);
		if (!ours)
			continue;
		if (unlinkat(dirfd(d), n, 0) == 0)
			(*removed)++;
		else
			bad = -1;
	}
	closedir(d);
	if (all && unlinkat(parent_fd, name, AT_REMOVEDIR) < 0)
		bad = -1;
	return bad;
}

/* Removes this boot's stale entries (what verify calls stale: another format version, or an
 * object changed or gone since), which no ld-mmld.so of this version maps again. */
static int clear_stale_entries(const char *root, const char *boot, unsigned *removed)
{
	struct cache_entry *e;
	int n = read_entries(root, boot, &e);
	if (n <= 0)
		return n;
	int root_fd, fd = open_boot_dir(root, boot, &root_fd), bad = 0;
	for (int i = 0; fd >= 0 && i < n; i++) {
		bool stale = e[i].other_version || (!e[i].problem && object_changed(&e[i]));
		if (!stale)
			continue;
		if (unlinkat(fd, base_name(e[i].file), 0) == 0)
			(*removed)++;
		else
			bad = -1;
	}
	if (fd >= 0)
		close(fd);
	if (root_fd >= 0)
		close(root_fd);
	for (int i = 0; i < n; i++)
		cache_entry_free(&e[i]);
	free(e);
	return fd >= 0 ? bad : -1;
}

static int cache_clear(const char *root, const char *boot, bool stale_only)
{
	unsigned removed = 0;
	int root_fd = open_trusted_dir(AT_FDCWD, root, root);
	if (root_fd == -1)
		return 1;
	int bad = 0;
	if (root_fd >= 0) {
		bad = stale_only ? clear_stale_entries(root, boot, &removed)
				 : clear_dir(root_fd, base_name(boot), boot, false, &removed);
		DIR *d = fdopendir(dup(root_fd));
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.' || strcmp(de->d_name, base_name(boot)) == 0 || strlen(de->d_name) != 36)
				continue;
			char dir[4096];
			snprintf(dir, sizeof dir, "%s/%s", root, de->d_name);
			if (clear_dir(root_fd, de->d_name, dir, true, &removed) < 0)
				bad = -1;
		}
		if (d)
			closedir(d);
		close(root_fd);
	}
	printf("mmld cache clear%s: %u file%s removed from %s\n", stale_only ? " --stale" : "", removed,
	       removed == 1 ? "" : "s", shown(root));
	if (bad)
		fprintf(stderr, "mmld cache clear: some files in %s could not be removed\n", shown(root));
	return bad ? 1 : 0;
}

static const char cache_details[] =
	"Commands:\n"
	"  list     the entries of this boot: the object, its base (the address this user and boot\n"
	"           agree on), the size of its relocated image, its per-process fix-ups, how often\n"
	"           it was used (hits), and the entry's file\n"
	"  verify   every entry checked as ld-mmld.so checks it before use (owner, permissions,\n"
	"           size, header and checksums), its object unchanged since (else it is stale: never\n"
	"           used again), and its image against the object's file: every word the file and\n"
	"           base decide compared\n"
	"  clear    every entry and hits log removed, and the directories of earlier boots;\n"
	"           with --stale only the entries verify calls stale (made by another version of\n"
	"           ld-mmld.so, or whose object changed or is gone) and the directories of earlier\n"
	"           boots: what no ld-mmld.so of this version uses again\n"
	"The directory: $MMLD_RELOC_CACHE_DIR, else $XDG_RUNTIME_DIR/mmld-reloc, else\n"
	"$XDG_CACHE_HOME/mmld-reloc, else ~/.cache/mmld-reloc; one subdirectory per boot.\n"
	"Exit status: 0 done (verify: no entry damaged), 1 an entry is damaged or the directory cannot\n"
	"be read, 2 a bad argument.\n";

int cmd_cache(int argc, char **argv)
{
	bool stale_only = false;
	struct opt opts[] = {
		{.name = "stale", .kind = OPT_FLAG, .dest = &stale_only,
		 .help = "clear: only the stale entries and earlier boots' directories"},
		{0},
	};
	const struct command cmd = {
		.name = "cache",
		.usage = "[--stale] list|verify|clear",
		.summary = "The relocation cache of this user (MMLD_RELOC_CACHE=1): its entries, each checked, or\n"
			   "all removed.",
		.details = cache_details,
		.opts = opts,
		.min_operands = 1,
		.max_operands = 1,
	};
	int first, status;
	if (!opts_parse(&cmd, argc, argv, &first, &status))
		return status;
	const char *what = argv[first];
	if (strcmp(what, "list") && strcmp(what, "verify") && strcmp(what, "clear"))
		return opts_error(&cmd, "unknown command '%s' (list, verify or clear)", what);
	if (stale_only && strcmp(what, "clear") != 0)
		return opts_error(&cmd, "--stale goes with clear only");
	char root[4000], boot[4096];
	if (!cache_dirs(root, sizeof root, boot, sizeof boot))
		return 1;
	if (strcmp(what, "list") == 0)
		return cache_list(root, boot);
	if (strcmp(what, "verify") == 0)
		return cache_verify(root, boot);
	return cache_clear(root, boot, stale_only);
}
