/* Step 5a: where a library comes from. */
#include "search.h"
#include "deps.h"
#include "dst.h"
#include "hwcaps.h"
#include "ldcache.h"
#include "map.h"
#include "audit.h"

const char *const search_default_dirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib", NULL};

#define PATH_MAX_ 4096

static const char *cache_data;
static size_t cache_size;
static bool cache_tried;

void search_release_cache(void)
{
	/* The cache is needed while libraries are searched; afterwards its pages would only sit
	 * in every process (glibc unmaps it too). A later dlopen maps it again. */
	if (cache_data)
		sys_munmap((void *)cache_data, cache_size);
	cache_data = NULL;
	cache_size = 0;
	cache_tried = false;
}

static void cache_open(void)
{
	cache_tried = true;
	long fd = sys_open("/etc/ld.so.cache", O_READ_FILE_, 0);
	if (fd < 0)
		return;
	struct kstat st;
	if (sys_fstat((int)fd, &st) == 0 && st.st_size > 0) {
		long m = sys_mmap(NULL, (size_t)st.st_size, PROT_READ_, MAP_PRIVATE_, (int)fd, 0);
		if (!mmap_failed(m)) {
			if (ldcache_valid((void *)m, (size_t)st.st_size) == 0) {
				cache_data = (const char *)m;
				cache_size = (size_t)st.st_size;
			} else
				sys_munmap((void *)m, (size_t)st.st_size);
		}
	}
	sys_close((int)fd);
}

static const char *dirname_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return rt_strdup("."); /* allocated like every other answer: freed with the object */
	if (slash == path)
		return rt_strdup("/");
	char cwd[PATH_MAX_];
	if (path[0] != '/') {
		long n = sys_call3(79 /* getcwd */, cwd, sizeof cwd, 0);
		if (n > 0) {
			size_t clen = strlen(cwd), dlen = (size_t)(slash - path);
			char *r = rt_malloc(clen + 1 + dlen + 1);
			if (!r)
				return NULL;
			memcpy(r, cwd, clen);
			r[clen] = '/';
			memcpy(r + clen + 1, path, dlen);
			r[clen + 1 + dlen] = 0;
			return r;
		}
	}
	return rt_strndup(path, (size_t)(slash - path));
}

const char *search_origin(struct dso *d)
{
	if (d->origin)
		return d->origin;
	if (d->kind == DSO_MAIN && d->mapped_by_kernel) {
		/* The program the kernel started: its file is /proc/self/exe. */
		char buf[PATH_MAX_];
		long n = sys_readlink("/proc/self/exe", buf, sizeof buf - 1);
		if (n > 0) {
			buf[n] = 0;
			d->origin = (char *)dirname_of(buf);
			return d->origin;
		}
	}
	if (d->path && d->path[0])
		d->origin = (char *)dirname_of(d->path);
	return d->origin;
}

/* strerror for what open(2) can say about a library path. */
static const char *open_error_text(long err)
{
	switch (-err) {
	case 36: return "File name too long";
	case 40: return "Too many levels of symbolic links";
	case 21: return "Is a directory";
	case 12: return "Cannot allocate memory";
	case 23: case 24: return "Too many open files";
	case 5: return "Input/output error";
	default: return "Cannot open";
	}
}

/* What glibc refuses to load as a library once it sees the dynamic section (dl-load.c): a
 * position-independent executable, and, inside a dlopen, an object marked DF_1_NOOPEN. */
static const char *refused(const struct dso *d)
{
	uint64_t flags_1 = 0;
	/* Entries up to the end of the readable segment holding the section (found once). */
	size_t n = d->dynamic ? dso_room(d, (uintptr_t)d->dynamic) / sizeof(Elf64_Dyn) : 0;
	for (const Elf64_Dyn *e = d->dynamic; n && e->d_tag != DT_NULL; e++, n--)
		if (e->d_tag == DT_FLAGS_1)
			flags_1 = e->d_un.d_val;
	if (flags_1 & DF_1_PIE)
		return "cannot dynamically load position-independent executable";
	if ((flags_1 & DF_1_NOOPEN) && R.error_hook) /* the hook is set while a dlopen runs */
		return "shared object cannot be dlopen()ed";
	return NULL;
}

/* Tries one file. Returns the object, or NULL to go on searching; *fatal set when the file
 * exists but cannot be used for a reason other than being of another ELF class; *opened
 * when the file could be opened at all (its directory exists). `code` is where the path came
 * from, for audit modules (la_objsearch; 0: a path asked for as such), req who asked. */
static struct dso *try_file_opened(const char *path, const char *name, unsigned code, struct dso *req, char *err,
				   size_t errlen, bool *fatal, bool *opened)
{
	if (DEBUG_ON(DBG_LIBS))
		dbg("  trying file=%s", path);
	/* Audit modules may change the path or skip it. */
	if (R.naudit && code && !(path = audit_objsearch(path, req, code))) {
		*opened = false;
		return NULL;
	}
	long fd = sys_open(path, O_READ_FILE_, 0);
	*opened = fd >= 0;
	if (fd < 0) {
		/* The file is there but cannot be opened: glibc stops searching and names the file as
		 * it was asked for, with the reason. */
		if (fd != -ENOENT_ && fd != -20 /* ENOTDIR */ && fd != -13 /* EACCES */)
			rt_snprintf(err, errlen, "%s: cannot open shared object file: %s", name, open_error_text(fd));
		return NULL;
	}
	struct kstat st;
	bool have_st = sys_fstat((int)fd, &st) == 0;
	if (R.preload_setuid_only && code && !(have_st && (st.st_mode & 04000))) {
		sys_close((int)fd); /* as if it were not there */
		return NULL;
	}
	if (have_st) {
		struct dso *same = deps_find_file(st.st_dev, st.st_ino);
		/* The program's own file asked for as a library is not the program: glibc maps it
		 * again, and refuses it as an executable. */
		if (same && same->kind != DSO_MAIN) {
			sys_close((int)fd);
			return same;
		}
	}
	bool wrong_class = false;
	struct dso *d = map_file(path, (int)fd, have_st ? &st : NULL, err, errlen, &wrong_class, false);
	sys_close((int)fd);
	if (!d) {
		/* Another class is not an error yet: the search goes on, and if nothing else is
		 * found glibc names the library as it was asked for. Anything else ends it. */
		*fatal = !wrong_class;
		char msg[512];
		rt_snprintf(msg, sizeof msg, "%s", err);
		rt_snprintf(err, errlen, "%s: %s", wrong_class ? name : path, msg);
		return NULL;
	}
	const char *why = refused(d);
	if (why) {
		map_unmap(d);
		rt_free(d);
		*fatal = true;
		rt_snprintf(err, errlen, "%s: %s", path, why);
		return NULL;
	}
	d->name = rt_strdup(name);
	d->path = rt_strdup(path);
	return d;
}

static struct dso *try_file(const char *path, const char *name, unsigned code, struct dso *req, char *err,
			    size_t errlen, bool *fatal)
{
	bool opened;
	return try_file_opened(path, name, code, req, err, errlen, fatal, &opened);
}

/* One search path, decoded: each directory with its tokens expanded and its trailing
 * slashes dropped, each only once (glibc's fillin_rpath). As many as the path names: module
 * systems (Lmod, Spack, Conda) make LD_LIBRARY_PATHs of hundreds. */
#define DIRS_INLINE 8 /* most paths: no allocation for the arrays */
struct dir_list {
	size_t n, cap;
	char **dir;
	size_t *len;
	char *dir_inline[DIRS_INLINE];
	size_t len_inline[DIRS_INLINE];
};

static void dirs_add(struct dir_list *l, const char *dir, size_t len)
{
	while (len > 1 && dir[len - 1] == '/')
		len--;
	for (size_t i = 0; i < l->n; i++)
		if (l->len[i] == len && memcmp(l->dir[i], dir, len) == 0)
			return;
	if (!l->cap) {
		l->dir = l->dir_inline;
		l->len = l->len_inline;
		l->cap = DIRS_INLINE;
	}
	if (l->n == l->cap) {
		size_t cap = 2 * l->cap;
		bool was_inline = l->dir == l->dir_inline;
		char **d = rt_malloc(cap * sizeof *d);
		size_t *n = d ? rt_malloc(cap * sizeof *n) : NULL;
		if (!n) {
			rt_free(d);
			return; /* out of memory: the directories so far */
		}
		memcpy(d, l->dir, l->n * sizeof *d);
		memcpy(n, l->len, l->n * sizeof *n);
		if (!was_inline) {
			rt_free(l->dir);
			rt_free(l->len);
		}
		l->dir = d;
		l->len = n;
		l->cap = cap;
	}
	char *copy = rt_strndup(dir, len);
	if (!copy)
		return;
	l->dir[l->n] = copy;
	l->len[l->n++] = len;
}

static void dirs_parse(const char *list, struct dso *owner, struct dir_list *l)
{
	l->n = l->cap = 0;
	l->dir = NULL;
	l->len = NULL;
	struct dst_values v = {.lib = "lib/x86_64-linux-gnu"};
	/* LD_LIBRARY_PATH and --library-path are split at ';' too, as glibc splits them (its
	 * fillin_rpath with ":;"); DT_RPATH and DT_RUNPATH at ':' only. */
	bool semicolons = list == R.library_path;
	for (const char *p = list; p;) {
		const char *end = p;
		while (*end && *end != ':' && !(semicolons && *end == ';'))
			end++;
		size_t len = (size_t)(end - p);
		char dir[PATH_MAX_];
		int n;
		if (len == 0) {
			dir[0] = '.';
			n = 1;
		} else {
			bool has_dst = false;
			for (size_t k = 0; k < len; k++)
				has_dst |= p[k] == '$';
			if (has_dst) {
				/* $ORIGIN in a privileged process could point anywhere: ignored, as glibc does
				 * outside trusted directories. */
				v.origin = owner && !R.secure ? search_origin(owner) : NULL;
				v.platform = hwcaps_platform();
			}
			n = dst_expand(p, len, &v, dir, sizeof dir);
		}
		if (n > 0)
			dirs_add(l, dir, (size_t)n);
		p = *end ? end + 1 : NULL;
	}
}

static void dirs_free(struct dir_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		rt_free(l->dir[i]);
	if (l->dir != l->dir_inline) {
		rt_free(l->dir);
		rt_free(l->len);
	}
	l->n = l->cap = 0;
	l->dir = NULL;
	l->len = NULL;
}

/* DIR/SUBDIR/NAME into path (SUBDIR is "" or ends in '/'); false if it does not fit. */
static bool join(char *path, size_t size, const char *dir, size_t dlen, const char *sub, const char *name)
{
	bool root = dlen == 1 && dir[0] == '/';
	return (size_t)rt_snprintf(path, size, "%.*s%s%s%s", (int)dlen, dir, root ? "" : "/", sub, name) < size;
}

/* LD_DEBUG=libs: the whole path with every subdirectory not known to be missing, as glibc
 * prints it. Out of line: its 12 KiB of buffers stay off the stack of every search. */
__attribute__((noinline)) static void print_dirs(const struct dir_list *l, const char *what, const struct dso *from)
{
	char line[8192];
	size_t o = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct hwcaps_dir *hd = hwcaps_dir(l->dir[i], l->len[i]);
		for (size_t k = 0; k < hwcaps_count(); k++) {
			if (hwcaps_dir_missing(hd, k))
				continue;
			char path[PATH_MAX_];
			if (!join(path, sizeof path, l->dir[i], l->len[i], hwcaps_subdir(k), ""))
				continue;
			size_t n = strlen(path);
			if (n > 1 && path[n - 1] == '/')
				path[--n] = 0;
			o += (size_t)rt_snprintf(line + o, sizeof line - o, "%s%s", o ? ":" : "", path);
			if (o >= sizeof line)
				o = sizeof line - 1;
		}
	}
	line[o] = 0;
	if (from)
		dbg(" search path=%s\t\t(%s from file %s)", line, what,
		    from->kind == DSO_MAIN ? "<main program>" : dso_display(from));
	else
		dbg(" search path=%s\t\t(%s)", line, what);
}

/* Tries name in each directory of l and in its hardware-capability subdirectories. */
static struct dso *try_dir_list(const struct dir_list *l, const char *name, const char *what, const struct dso *from,
				unsigned code, struct dso *req, char *err, size_t errlen, bool *fatal)
{
	if (!l->n)
		return NULL;
	if (DEBUG_ON(DBG_LIBS))
		print_dirs(l, what, from);
	for (size_t i = 0; i < l->n; i++) {
		struct hwcaps_dir *hd = hwcaps_dir(l->dir[i], l->len[i]);
		for (size_t k = 0; k < hwcaps_count(); k++) {
			if (hwcaps_dir_missing(hd, k))
				continue;
			/* Just the bytes this path needs (a 4 KiB buffer here was most of the search's
			 * stack); one longer than PATH_MAX cannot be opened anyway. */
			size_t need = l->len[i] + 1 + strlen(hwcaps_subdir(k)) + strlen(name) + 1;
			if (need > PATH_MAX_)
				continue;
			char path[need];
			if (!join(path, sizeof path, l->dir[i], l->len[i], hwcaps_subdir(k), name))
				continue;
			bool opened;
			struct dso *d = try_file_opened(path, name, code, req, err, errlen, fatal, &opened);
			if (d || *fatal)
				return d;
			path[strlen(path) - strlen(name)] = 0;
			hwcaps_dir_learn(hd, k, path, opened);
		}
	}
	return NULL;
}

/* Tries name in every directory of a colon-separated list. */
static struct dso *try_dirs(const char *list, struct dso *owner, const char *name, const char *what, bool per_file,
			    unsigned code, struct dso *req, char *err, size_t errlen, bool *fatal)
{
	if (!list || !*list)
		return NULL;
	struct dir_list l;
	dirs_parse(list, owner, &l);
	struct dso *d = try_dir_list(&l, name, what, per_file ? owner : NULL, code, req, err, errlen, fatal);
	dirs_free(&l);
	return d;
}

static const char *dyn_string(struct dso *d, int tag)
{
	return d && dso_has(d, tag) ? dso_str(d, dso_dyn(d, tag)) : NULL;
}

/* A name with a slash is a path. $ORIGIN and friends in it (DT_NEEDED, dlopen) are expanded
 * for the requester, which for dlopen is the caller. Out of line: the expansion's 4 KiB
 * buffer is on the stack only for such a name. */
__attribute__((noinline)) static struct dso *try_path(const char *name, struct dso *req, char *err, size_t errlen,
						      bool *missing)
{
	bool fatal = false;
	char expanded[PATH_MAX_];
	const char *path = name;
	if (strchr(name, '$')) {
		struct dst_values v = {.lib = "lib/x86_64-linux-gnu",
				       .platform = hwcaps_platform(),
				       .origin = req && !R.secure ? search_origin(req) : NULL};
		if (dst_expand(name, strlen(name), &v, expanded, sizeof expanded) > 0)
			path = expanded;
	}
	struct dso *d = try_file(path, name, 0, req, err, errlen, &fatal);
	*missing = !d && !fatal;
	if (!d && !err[0])
		rt_snprintf(err, errlen, "%s: cannot open shared object file: No such file or directory", name);
	return d;
}

/* A program named without a slash when ld-mmld.so is run directly: glibc maps it before any
 * search path exists, so only /etc/ld.so.cache can supply it (never the current directory,
 * never LD_LIBRARY_PATH). The path found, allocated, or NULL. */
const char *search_program_in_cache(const char *name)
{
	if (R.inhibit_cache)
		return NULL;
	if (!cache_tried)
		cache_open();
	const char *p = cache_data ? ldcache_lookup(cache_data, cache_size, name, hwcaps_cache_caps) : NULL;
	return p ? rt_strdup(p) : NULL;
}

struct dso *search_and_map(const char *name, struct dso *req, char *err, size_t errlen, bool *missing)
{
	bool fatal = false;
	struct dso *d;
	err[0] = 0;
	*missing = false;
	/* Audit modules see the name first and may change it or refuse it (LA_SER_ORIG). */
	if (R.naudit && !(name = audit_objsearch(name, req, LA_SER_ORIG_))) {
		rt_snprintf(err, errlen, ": cannot open shared object file"); /* glibc has no name left */
		return NULL;
	}
	if (strchr(name, '/'))
		return try_path(name, req, err, errlen, missing);
	if (DEBUG_ON(DBG_LIBS))
		dbg("find library=%s [%u]; searching", name, R.load_ns);
	const char *runpath = dyn_string(req, DT_RUNPATH);
	if (!runpath) {
		/* DT_RPATH of the requester, then of the program (deprecated, but searched first). */
		if ((d = try_dirs(dyn_string(req, DT_RPATH), req, name, "RPATH", true, LA_SER_RUNPATH_, req, err, errlen,
				  &fatal)) ||
		    fatal)
			return d;
		if (req != R.main && R.main && !dyn_string(R.main, DT_RUNPATH) &&
		    ((d = try_dirs(dyn_string(R.main, DT_RPATH), R.main, name, "RPATH", true, LA_SER_RUNPATH_, req, err,
				   errlen, &fatal)) ||
		     fatal))
			return d;
		/* An audit module and what it needs are also looked for in the program's DT_RUNPATH. */
		if (R.loading_auditor && req != R.main && R.main &&
		    ((d = try_dirs(dyn_string(R.main, DT_RUNPATH), R.main, name, "RUNPATH", true, LA_SER_RUNPATH_, req, err,
				   errlen, &fatal)) ||
		     fatal))
			return d;
	}
	if ((d = try_dirs(R.library_path, R.main, name, R.library_path_source ? R.library_path_source : "LD_LIBRARY_PATH",
			  false, LA_SER_LIBPATH_, req, err, errlen, &fatal)) ||
	    fatal)
		return d;
	if ((d = try_dirs(runpath, req, name, "RUNPATH", true, LA_SER_RUNPATH_, req, err, errlen, &fatal)) || fatal)
		return d;
	if (!R.inhibit_cache && !R.preload_setuid_only && !(req && (req->flags_1 & 0x800 /* DF_1_NODEFLIB */))) {
		if (!cache_tried)
			cache_open();
		if (DEBUG_ON(DBG_LIBS))
			dbg(" search cache=/etc/ld.so.cache");
		const char *p = cache_data ? ldcache_lookup(cache_data, cache_size, name, hwcaps_cache_caps) : NULL;
		if (p && ((d = try_file(p, name, LA_SER_CONFIG_, req, err, errlen, &fatal)) || fatal))
			return d;
	}
	if (!(req && (req->flags_1 & 0x800))) {
		static struct dir_list system_dirs RARELY_WRITTEN;
		if (!system_dirs.n)
			for (int i = 0; search_default_dirs[i]; i++)
				dirs_add(&system_dirs, search_default_dirs[i], strlen(search_default_dirs[i]));
		if ((d = try_dir_list(&system_dirs, name, "system search path", NULL, LA_SER_DEFAULT_, req, err, errlen,
				      &fatal)) ||
		    fatal)
			return d;
	}
	*missing = true; /* not there, or only of another ELF class (err says so) */
	if (!err[0])
		rt_snprintf(err, errlen, "%s: cannot open shared object file: No such file or directory", name);
	return NULL;
}

void search_print_help(void)
{
	rt_dprintf(1, "\nShared library search path:\n");
	struct dir_list l;
	dirs_parse(R.library_path ? R.library_path : "", R.main, &l);
	if (R.library_path)
		for (size_t i = 0; i < l.n; i++)
			rt_dprintf(1, "  %.*s (%s)\n", (int)l.len[i], l.dir[i],
				   R.library_path_source ? R.library_path_source : "LD_LIBRARY_PATH");
	dirs_free(&l);
	rt_dprintf(1, "  (libraries located via /etc/ld.so.cache)\n");
	for (int i = 0; search_default_dirs[i]; i++)
		rt_dprintf(1, "  %s (system search path)\n", search_default_dirs[i]);
}
