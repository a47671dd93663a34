/* Step 5: load every needed library, breadth-first.
 *
 * Breadth-first order is the order of the global scope: the program's own DT_NEEDED entries
 * come before their dependencies, so a library the program names directly interposes on
 * one that only a library names. One record per file: a library asked for again (by the
 * same name, its soname, or another path to the same inode) is the same object. */
#include "deps.h"
#include "dynamic.h"
#include "filter.h"
#include "search.h"
#include "versions.h"
#include "map.h"
#include "stack.h"
#include "audit.h"
#include "lock.h"
#include "options.h"

/* Namespaces 1..NS_MAX-1 (NS(n)): dlmopen and audit modules only. */
static struct link_ns rtld_ns_more[NS_MAX - 1] RARELY_WRITTEN;
struct link_ns *rtld_ns[NS_MAX] = {
	&R.ns0, &rtld_ns_more[0], &rtld_ns_more[1], &rtld_ns_more[2],
	&rtld_ns_more[3], &rtld_ns_more[4], &rtld_ns_more[5], &rtld_ns_more[6],
	&rtld_ns_more[7], &rtld_ns_more[8], &rtld_ns_more[9], &rtld_ns_more[10],
	&rtld_ns_more[11], &rtld_ns_more[12], &rtld_ns_more[13], &rtld_ns_more[14],
};
_Static_assert(NS_MAX == 16, "rtld_ns lists every namespace");

/* The problem part of an "OBJECT: problem" message. */
static const char *strstr_after(const char *err)
{
	const char *p = strstr_colon(err);
	return p ? p + 2 : err;
}

void deps_append(struct dso *d)
{
	d->prev = R.tail;
	d->next = NULL;
	/* Lock-free readers walk the list (rtld/lock.c): d is complete before it is linked. */
	if (R.tail)
		__atomic_store_n(&R.tail->next, d, __ATOMIC_RELEASE);
	else
		__atomic_store_n(&R.head, d, __ATOMIC_RELEASE);
	R.tail = d;
}

void deps_move_before(struct dso *f, struct dso *d)
{
	if (f == d)
		return;
	for (struct dso *p = R.head; p && p != d; p = p->next)
		if (p == f)
			return; /* already earlier */
	if (f->prev)
		f->prev->next = f->next;
	else
		R.head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		R.tail = f->prev;
	f->prev = d->prev;
	f->next = d;
	if (d->prev)
		d->prev->next = f;
	else
		R.head = f;
	d->prev = f;
}

void deps_list_rtld(void)
{
	/* glibc puts its own link map right after the object that precedes it in the program's
	 * search list (the global scope), wherever that is in the load order. */
	const struct link_ns *ns = &R.ns0;
	size_t i = 0;
	while (i < ns->nscope && ns->scope[i] != R.self)
		i++;
	deps_append(R.self);
	if (i > 0 && i < ns->nscope && ns->scope[i - 1]->next && ns->scope[i - 1]->next != R.self)
		deps_move_before(R.self, ns->scope[i - 1]->next);
}

void deps_remove(struct dso *d)
{
	if (d->prev)
		__atomic_store_n(&d->prev->next, d->next, __ATOMIC_RELEASE);
	else if (R.head == d)
		__atomic_store_n(&R.head, d->next, __ATOMIC_RELEASE);
	if (d->next)
		d->next->prev = d->prev;
	else if (R.tail == d)
		R.tail = d->prev;
	/* d->next is kept: a lock-free reader (the lazy-binding fix-up) standing on d walks on;
	 * d is freed only once no reader can be there (deps_free after scope_wait). */
	d->prev = NULL;
	if (!d->in_global_scope)
		return;
	/* The scope without d, in a new array (readers may be searching the old one), padded
	 * to the old length with its last entry again (a duplicate at the end finds nothing
	 * new) for readers that still use the old count. */
	struct link_ns *ns = NS(d->ns);
	struct dso **s = rt_malloc(ns->scope_cap * sizeof *s);
	if (!s)
		die_load(NULL, "out of memory");
	size_t w = 0;
	for (size_t i = 0; i < ns->nscope; i++)
		if (ns->scope[i] != d)
			s[w++] = ns->scope[i];
	for (size_t i = w; i < ns->nscope && w; i++)
		s[i] = s[w - 1];
	struct dso **old = ns->scope;
	scope_publish(&ns->scope, &ns->nscope, s, w);
	rt_free(old);
	d->in_global_scope = false;
}

/* The object list's record of an object dlclose unloaded, once no reader can reach it (the
 * caller has waited for them): everything the loader allocated for it. A search list is
 * freed by its root (list[0]); others only borrowed it. */
void deps_free(struct dso *d)
{
	if (d->search_list && d->search_list[0] == d)
		rt_free(d->search_list);
	bool phdr_mapped = (uintptr_t)d->phdr >= d->map_start && (uintptr_t)d->phdr < d->map_start + d->map_len;
	if (!phdr_mapped)
		rt_free((void *)d->phdr);
	rt_free(d->deps);
	rt_free(d->reldeps);
	rt_free(d->scope_roots);
	rt_free(d->versions);
	rt_free(d->origin);
	rt_free(d->name);
	rt_free(d->path);
	rt_free(d->debug_map);
	rt_free(d->relcache);
	rt_free(d);
}

/* Whether d is in namespace n's global scope already. ld-mmld.so is the one object that can
 * be in several (every libc.so.6 needs it), so its flag is kept per namespace. */
static bool *scope_flag(unsigned n, struct dso *d)
{
	return d == R.self && n != 0 ? &NS(n)->self_in_scope : &d->in_global_scope;
}

void deps_scope_add_to(unsigned n, struct dso *d)
{
	bool *in = scope_flag(n, d);
	if (*in)
		return;
	struct link_ns *ns = NS(n);
	if (ns->nscope == ns->scope_cap) {
		/* Grown into a new array: lazy-binding fix-ups in other threads may be searching
		 * the old one (rtld/lock.c). */
		size_t cap = ns->scope_cap ? ns->scope_cap * 2 : 16;
		struct dso **s = rt_malloc(cap * sizeof *s), **old = ns->scope;
		if (!s)
			die_load(NULL, "out of memory");
		if (ns->nscope)
			memcpy(s, old, ns->nscope * sizeof *s);
		scope_publish(&ns->scope, &ns->nscope, s, ns->nscope);
		rt_free(old);
		ns->scope_cap = cap;
	}
	/* Past the count, where a reader of the current count does not look; but after deps_remove
	 * a reader with the older count may be reading this slot's padding: atomic. */
	__atomic_store_n(&ns->scope[ns->nscope], d, __ATOMIC_RELAXED);
	__atomic_store_n(&ns->nscope, ns->nscope + 1, __ATOMIC_RELEASE);
	*in = true;
}

void deps_scope_add(struct dso *d) { deps_scope_add_to(d->ns, d); }

void deps_prepare(struct dso *d)
{
	char err[512];
	if (dynamic_decode(d, err, sizeof err) < 0 || versions_build(d, err, sizeof err) < 0)
		die_load(dso_display(d), "%s", err);
}

/* Library names mostly differ within their first four bytes ("libm" and "libc"; a path
 * starts with '/'): those are compared inline, the rest by strcmp. */
static inline bool same_name(const char *a, const char *b)
{
	for (int i = 0; i < 4; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return strcmp(a + 4, b + 4) == 0;
}

struct dso *deps_find_loaded(const char *name)
{
	for (struct dso *d = R.head; d; d = d->next) {
		if (d->kind == DSO_VDSO || d->missing || d->ns != R.load_ns)
			continue;
		if ((d->name && same_name(d->name, name)) || (d->soname && same_name(d->soname, name)) ||
		    (d->path && d->path[0] && same_name(d->path, name)))
			return d;
	}
	return NULL;
}

struct dso *deps_find_file(uint64_t dev, uint64_t ino)
{
	for (struct dso *d = R.head; d; d = d->next)
		if ((d->dev || d->ino) && d->dev == dev && d->ino == ino && d->ns == R.load_ns)
			return d;
	if (R.self && (R.self->dev || R.self->ino) && R.self->dev == dev && R.self->ino == ino)
		return R.self; /* ld-mmld.so named by path: one copy, the running one */
	return NULL;
}

/* LD_DEBUG=files, in glibc's words: why an object is wanted (before the search, so the
 * libs trace that follows reads as its answer), then where it was mapped. */
void deps_trace_wanted(const char *name, const struct dso *req, const char *how)
{
	if (DEBUG_ON(DBG_FILES) && req)
		dbg("file=%s [%u];  %s by %s [%u]", name, R.load_ns, how, dso_display(req), req->ns);
}

void deps_trace_mapped(const struct dso *d)
{
	if (!DEBUG_ON(DBG_FILES))
		return;
	/* glibc's size: from the first segment's page to the end of the last one's memory,
	 * not rounded up to a page. */
	uint64_t first = ~0ull, end = 0;
	for (unsigned i = 0; i < d->phnum; i++)
		if (d->phdr[i].p_type == PT_LOAD) {
			uint64_t start = d->phdr[i].p_vaddr & ~0xfffull;
			if (start < first)
				first = start;
			if (d->phdr[i].p_vaddr + d->phdr[i].p_memsz > end)
				end = d->phdr[i].p_vaddr + d->phdr[i].p_memsz;
		}
	dbg("file=%s [%u];  generating link map\n  dynamic: 0x%016lx  base: 0x%016lx   size: 0x%016lx\n    entry: "
	    "0x%016lx  phdr: 0x%016lx  phnum:   %16u\n",
	    d->name, d->ns, (unsigned long)d->dynamic, (unsigned long)d->load_bias,
	    (unsigned long)(end > first ? end - first : d->map_len), (unsigned long)d->entry, (unsigned long)d->phdr,
	    d->phnum);
}

/* Where the preload being loaded was named, for its error line (LD_PRELOAD, --preload,
 * /etc/ld.so.preload). */
static const char *preload_source;

/* Loads one library for `req`. Returns NULL (after reporting) only in list mode. */
static struct dso *load_one(const char *name, struct dso *req, enum deps_load how)
{
	bool preload = how == DEPS_PRELOAD;
	/* libc.so.6 names the dynamic linker in DT_NEEDED by its soname: that is us, in every
	 * namespace (there is one ld.so; other namespaces list a stand-in for it). Outside the
	 * program's namespace glibc searches for it first, which audit modules see: then so do we
	 * (the file found is recognised below, never mapped for good). */
	if (R.self->soname && strcmp(name, R.self->soname) == 0 && !(R.naudit && R.load_ns)) {
		NS(R.load_ns)->rtld_listed = true;
		return R.self;
	}
	struct dso *d = deps_find_loaded(name);
	if (d)
		return d;
	deps_trace_wanted(name, req, "needed");
	char err[PRELOAD_NAME_LIMIT + 256]; /* the name as asked for, then the reason */
	bool missing;
	d = search_and_map(name, req, err, sizeof err, &missing);
	if (!d && R.self->soname && strcmp(name, R.self->soname) == 0) { /* searched for audit modules */
		NS(R.load_ns)->rtld_listed = true;
		return R.self;
	}
	if (!d) {
		if (preload) {
			/* glibc names the problem without the errno text. */
			static const char *const with_errno[] = {"cannot open shared object file", "cannot read file data"};
			char why[256];
			rt_snprintf(why, sizeof why, "%s", strstr_after(err));
			for (size_t i = 0; i < sizeof with_errno / sizeof with_errno[0]; i++) {
				size_t n = strlen(with_errno[i]);
				if (strncmp(why, with_errno[i], n) == 0 && why[n] == ':')
					why[n] = 0;
			}
			rt_dprintf(2, "ERROR: ld.so: object '%s' from %s cannot be preloaded (%s): ignored.\n", name,
				   preload_source, why);
			return NULL;
		}
		if (how == DEPS_OPTIONAL && !R.trace)
			return NULL; /* an auxiliary filtee: the filter serves alone (ldd lists it) */
		if (R.trace && missing) {
			/* ldd: list it where it would have been, as "not found" (a file found and
			 * broken ends ldd too, as in glibc). */
			struct dso *m = rt_calloc(1, sizeof *m);
			if (!m)
				die_load(NULL, "out of memory");
			m->name = rt_strdup(name);
			m->missing = true;
			deps_append(m);
			return NULL;
		}
		die_load(NULL, "%s", err);
	}
	if (d->next || d->prev || R.head == d)
		return d; /* an object we had under another name */
	deps_prepare(d);
	/* The system's own dynamic linker answers to the same soname as we do: never map it,
	 * we are it. */
	if (d->soname && R.self && R.self->soname && strcmp(d->soname, R.self->soname) == 0) {
		map_unmap(d);
		rt_free(d);
		NS(R.load_ns)->rtld_listed = true;
		return R.self;
	}
	d->ns = R.load_ns;
	d->loader = req;
	deps_append(d);
	deps_trace_mapped(d);
	if (R.naudit)
		audit_objopen(d);
	return d;
}

void deps_preload_one(const char *name, const char *source)
{
	preload_source = source;
	R.preload_setuid_only = R.secure;
	struct dso *d = load_one(name, R.main, DEPS_PRELOAD);
	R.preload_setuid_only = false;
	if (d)
		deps_scope_add(d);
}

void deps_preload(const char *list, const char *source)
{
	if (!list)
		return;
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == ':')
			p++;
		const char *e = p;
		while (*e && *e != ' ' && *e != ':')
			e++;
		if (options_list_name_usable(p, (size_t)(e - p), PRELOAD_NAME_LIMIT)) {
			char *name = rt_strndup(p, (size_t)(e - p));
			if (name)
				deps_preload_one(name, source);
		}
		p = e;
	}
}

void deps_load_all(void) { deps_load_from(R.head); }

void deps_load_from(struct dso *first)
{
	/* The list itself is the breadth-first queue: objects appended while we walk it are
	 * visited after everything loaded before them. */
	for (struct dso *d = first; d; d = d->next) {
		if (d->kind == DSO_VDSO || d->kind == DSO_RTLD || d->missing || !d->dynamic || d->deps_loaded)
			continue;
		d->deps_loaded = true;
		size_t n = 0;
		for (Elf64_Dyn *e = d->dynamic; e->d_tag != DT_NULL; e++)
			if (e->d_tag == DT_NEEDED || e->d_tag == DT_FILTER || e->d_tag == DT_AUXILIARY)
				n++;
		d->deps = rt_calloc(n ? n : 1, sizeof *d->deps);
		if (!d->deps)
			die_load(NULL, "out of memory");
		for (Elf64_Dyn *e = d->dynamic; e->d_tag != DT_NULL; e++) {
			if (e->d_tag == DT_FILTER || e->d_tag == DT_AUXILIARY) {
				struct dso *f = filter_load(d, e, load_one);
				if (f)
					d->deps[d->ndeps++] = f;
				continue;
			}
			if (e->d_tag != DT_NEEDED)
				continue;
			if (e->d_un.d_val >= d->strsz)
				die_load(dso_display(d), "DT_NEEDED string offset %lu outside the string table (%zu bytes)",
					 (unsigned long)e->d_un.d_val, d->strsz);
			struct dso *dep = load_one(dso_str(d, e->d_un.d_val), d, DEPS_NEEDED);
			if (!dep)
				continue;
			d->deps[d->ndeps++] = dep;
			if (d->in_global_scope)
				deps_scope_add_to(d->ns, dep);
		}
	}
}
