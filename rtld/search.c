/* Step 5a: where a library comes from. */
#include "search.h"
#include "deps.h"
#include "dst.h"
#include "ldcache.h"
#include "map.h"

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
	long fd = sys_open("/etc/ld.so.cache", O_RDONLY_ | O_CLOEXEC_, 0);
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
		return ".";
	if (slash == path)
		return "/";
	char cwd[PATH_MAX_];
	if (path[0] != '/') {
		long n = sys_call3(79 /* getcwd */, cwd, sizeof cwd, 0);
		if (n > 0) {
			size_t clen = strlen(cwd), dlen = (size_t)(slash - path);
			char *r = rt_malloc(clen + 1 + dlen + 1);
			if (!r)
				return ".";
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

/* Tries one file. Returns the object, or NULL to go on searching; *fatal set when the file
 * exists but cannot be used for a reason other than being of another ELF class. */
static struct dso *try_file(const char *path, const char *name, char *err, size_t errlen, bool *fatal)
{
	if (DEBUG_ON(DBG_LIBS))
		dbg("  trying file=%s", path);
	long fd = sys_open(path, O_RDONLY_ | O_CLOEXEC_, 0);
	if (fd < 0) {
		/* The file is there but cannot be opened: glibc stops searching and names the file as
		 * it was asked for, with the reason. */
		if (fd != -ENOENT_ && fd != -20 /* ENOTDIR */ && fd != -13 /* EACCES */)
			rt_snprintf(err, errlen, "%s: cannot open shared object file: %s", name, open_error_text(fd));
		return NULL;
	}
	struct kstat st;
	bool have_st = sys_fstat((int)fd, &st) == 0;
	if (have_st) {
		struct dso *same = deps_find_file(st.st_dev, st.st_ino);
		if (same) {
			sys_close((int)fd);
			return same;
		}
	}
	bool wrong_class = false;
	struct dso *d = map_file(path, (int)fd, have_st ? &st : NULL, err, errlen, &wrong_class);
	sys_close((int)fd);
	if (!d) {
		*fatal = !wrong_class;
		if (*fatal) {
			char msg[512];
			rt_snprintf(msg, sizeof msg, "%s", err);
			rt_snprintf(err, errlen, "%s: %s", path, msg);
		}
		return NULL;
	}
	d->name = rt_strdup(name);
	d->path = rt_strdup(path);
	return d;
}

/* Tries name in every directory of a colon-separated list. */
static struct dso *try_dirs(const char *list, struct dso *owner, const char *name, const char *what, char *err,
			    size_t errlen, bool *fatal)
{
	if (!list || !*list)
		return NULL;
	if (DEBUG_ON(DBG_LIBS))
		dbg(" search path=%s\t\t(%s)", list, what);
	struct dst_values v = {.lib = "lib/x86_64-linux-gnu",
			       .platform = R.aux[AT_PLATFORM] ? (const char *)R.aux[AT_PLATFORM] : NULL};
	for (const char *p = list;;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char dir[PATH_MAX_], path[PATH_MAX_];
		int n;
		if (len == 0) {
			dir[0] = '.';
			dir[1] = 0;
			n = 1;
		} else {
			bool has_dst = false;
			for (size_t k = 0; k < len; k++)
				has_dst |= p[k] == '$';
			if (has_dst) {
				/* $ORIGIN in a privileged process could point anywhere: ignored, as glibc does
				 * outside trusted directories. */
				v.origin = owner && !R.secure ? search_origin(owner) : NULL;
			}
			n = dst_expand(p, len, &v, dir, sizeof dir);
		}
		if (n > 0 && (size_t)n + 1 + strlen(name) + 1 <= sizeof path) {
			memcpy(path, dir, (size_t)n);
			path[n] = '/';
			memcpy(path + n + 1, name, strlen(name) + 1);
			struct dso *d = try_file(path, name, err, errlen, fatal);
			if (d || *fatal)
				return d;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return NULL;
}

static const char *dyn_string(struct dso *d, int tag)
{
	return d && d->has_dyn[tag] ? dso_str(d, d->dyn[tag]) : NULL;
}

struct dso *search_and_map(const char *name, struct dso *req, char *err, size_t errlen)
{
	bool fatal = false;
	struct dso *d;
	err[0] = 0;
	if (strchr(name, '/')) {
		/* $ORIGIN and friends in a path (DT_NEEDED, dlopen): expanded for the requester, which
		 * for dlopen is the caller. */
		char expanded[PATH_MAX_];
		const char *path = name;
		if (strchr(name, '$')) {
			struct dst_values v = {.lib = "lib/x86_64-linux-gnu",
					       .platform = R.aux[AT_PLATFORM] ? (const char *)R.aux[AT_PLATFORM] : NULL,
					       .origin = req && !R.secure ? search_origin(req) : NULL};
			if (dst_expand(name, strlen(name), &v, expanded, sizeof expanded) > 0)
				path = expanded;
		}
		d = try_file(path, name, err, errlen, &fatal);
		if (!d && !err[0])
			rt_snprintf(err, errlen, "%s: cannot open shared object file: No such file or directory", name);
		return d;
	}
	if (DEBUG_ON(DBG_LIBS))
		dbg("find library=%s [%u]; searching", name, R.load_ns);
	const char *runpath = dyn_string(req, DT_RUNPATH);
	if (!runpath) {
		/* DT_RPATH of the requester, then of the program (deprecated, but searched first). */
		if ((d = try_dirs(dyn_string(req, DT_RPATH), req, name, "RPATH", err, errlen, &fatal)) || fatal)
			return d;
		if (req != R.main && R.main && !dyn_string(R.main, DT_RUNPATH) &&
		    ((d = try_dirs(dyn_string(R.main, DT_RPATH), R.main, name, "RPATH", err, errlen, &fatal)) || fatal))
			return d;
	}
	if ((d = try_dirs(R.library_path, R.main, name, "LD_LIBRARY_PATH", err, errlen, &fatal)) || fatal)
		return d;
	if ((d = try_dirs(runpath, req, name, "RUNPATH", err, errlen, &fatal)) || fatal)
		return d;
	if (!R.inhibit_cache && !(req && (req->flags_1 & 0x800 /* DF_1_NODEFLIB */))) {
		if (!cache_tried)
			cache_open();
		if (DEBUG_ON(DBG_LIBS))
			dbg(" search cache=/etc/ld.so.cache");
		const char *p = cache_data ? ldcache_lookup(cache_data, cache_size, name) : NULL;
		if (p && ((d = try_file(p, name, err, errlen, &fatal)) || fatal))
			return d;
	}
	if (!(req && (req->flags_1 & 0x800))) {
		if (DEBUG_ON(DBG_LIBS))
			dbg(" search path=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib:/usr/lib\t\t(system search path)");
		for (int i = 0; search_default_dirs[i]; i++) {
			char path[PATH_MAX_];
			if (rt_snprintf(path, sizeof path, "%s/%s", search_default_dirs[i], name) >= (int)sizeof path)
				continue;
			if ((d = try_file(path, name, err, errlen, &fatal)) || fatal)
				return d;
		}
	}
	if (!err[0])
		rt_snprintf(err, errlen, "%s: cannot open shared object file: No such file or directory", name);
	return NULL;
}
