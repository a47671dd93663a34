/* The loader functions libc calls through pointers in _rtld_global_ro: dlopen, dlclose,
 * dlsym's symbol lookup, _dl_find_object (C++ exceptions), and their helpers.
 *
 * Errors go through libc: libc's dlopen/dlsym run our code inside libc's _dl_catch_error,
 * and only libc's _dl_signal_error reaches that catcher (it keeps it in a libc-private TLS
 * variable). So while one of these calls runs, rt_die is redirected here (R.error_hook),
 * undoes what the call had half done, and raises the error through libc. */
#include "glibc.h"
#include "../deps.h"
#include "../filter.h"
#include "../hash.h"
#include "../hwcaps.h"
#include "../init.h"
#include "../lookup.h"
#include "../map.h"
#include "../reloc.h"
#include "../search.h"
#include "../tls.h"
#include "../versions.h"
#include "../debug.h"
#include "../lock.h"
#include "../audit.h"
#include "../relcache.h"

struct r_found_version {
	const char *name;
	uint32_t hash;
	int hidden;
	const char *filename;
};

struct r_scope_elem {
	void **r_list;
	unsigned r_nlist;
};

#define RTLD_LAZY_ 0x1
#define RTLD_NOW_ 0x2
#define RTLD_NOLOAD_ 0x4
#define RTLD_DEEPBIND_ 0x8
#define RTLD_GLOBAL_ 0x100
#define RTLD_NODELETE_ 0x1000
#define LM_ID_BASE_ 0
#define LM_ID_NEWLM_ (-1)
#define DL_LOOKUP_ADD_DEPENDENCY_ 1
#define LM_ID_CALLER_ (-2) /* glibc's __LM_ID_CALLER: dlopen, the caller's namespace */
#define EINVAL_ 22
#define ERR_MAX 4608 /* room for a PATH_MAX name and its reason */
/* dlerror's text is formatted on the stack (libc copies it before raise_error's jump
 * discards the frame; glibc's ld.so builds its paths with alloca likewise), sized for the
 * name it quotes, so a long name or symbol keeps its reason; past this, names are cut. */
#define ERR_STACK_MAX (128 * 1024)
static size_t err_room(const char *name, size_t extra)
{
	size_t n = strlen(name ? name : "") + extra;
	return n > ERR_STACK_MAX ? ERR_STACK_MAX : n;
}

static void unlock(void);

/* --- raising errors through libc ------------------------------------------------------- */
static struct dso *open_rollback_tail; /* list tail before the dlopen in progress */

/* Through the program's libc.so.6 even for a call from another namespace's copy: libc's
 * dlerror machinery calls GLRO(dl_catch_error), which is the program's libc's catcher. */
__attribute__((noreturn)) static void raise_error_code(int errcode, const char *objname, const char *msg)
{
	if (R.catcher) { /* an audit module at start-up: back to glibc_audit_start */
		struct rtld_catch *c = R.catcher;
		R.catcher = NULL;
		rt_snprintf(c->msg, sizeof c->msg, "%s", msg);
		rtld_longjmp(c);
	}
	if (glibc_libc.signal_error)
		glibc_libc.signal_error(errcode, objname ? objname : "", NULL, msg);
	rt_dprintf(2, "%s: %s\n", objname ? objname : "", msg);
	sys_exit_group(127);
}

__attribute__((noreturn)) static void raise_error(const char *objname, const char *msg)
{
	raise_error_code(0, objname, msg);
}

/* --- namespaces -------------------------------------------------------------------------- */
/* Namespaces other than 0 that lost their last object can be given out again (their r_debug
 * stays on the debugger's chain, with no objects). */
static void release_empty_namespaces(void)
{
	bool has[NS_MAX] = {false};
	for (struct dso *d = R.head; d; d = d->next)
		has[d->ns] = true;
	for (unsigned n = 1; n < R.nns; n++) {
		struct link_ns *ns = NS(n);
		if (!ns->used || has[n])
			continue;
		ns->used = false;
		ns->auditor = ns->auditing = false;
		ns->nscope = 0;
		ns->self_in_scope = false;
		ns->rtld_listed = false;
		glibc_forget_namespace(n);
	}
}

/* The namespace a dlopen/dlmopen puts its object in, or an error raised as glibc words it. */
static unsigned target_namespace(long nsid, const struct dso *caller, const char *file)
{
	if (nsid == LM_ID_CALLER_)
		return caller->ns;
	if (nsid == LM_ID_NEWLM_) {
		for (unsigned n = 1; n < NS_MAX; n++)
			if (!NS(n)->used) {
				NS(n)->used = true;
				if (n >= R.nns)
					R.nns = n + 1;
				return n;
			}
		unlock();
		raise_error_code(EINVAL_, file, "no more namespaces available for dlmopen()");
	}
	if (nsid != LM_ID_BASE_ && (nsid < 0 || nsid >= (long)R.nns || !NS(nsid)->used)) {
		unlock();
		raise_error_code(EINVAL_, file, "invalid target namespace in dlmopen()");
	}
	return (unsigned)nsid;
}

/* --- scopes ----------------------------------------------------------------------------- */
/* d->scope_roots is read by lazy bindings in any thread with no lock (rtld/lock.c): it is
 * grown into a new array, published before the count that covers the new entry, and never
 * compacted in place. */

/* d searches root's search list from now on, after the ones it had (glibc adds each new
 * root's l_searchlist to the l_scope of the dlopen'ed objects it took in). */
static void scope_add_root(struct dso *d, struct dso *root)
{
	for (size_t i = 0; i < d->nscope_roots; i++)
		if (d->scope_roots[i] == root)
			return;
	if (d->nscope_roots == d->scope_roots_cap) {
		size_t cap = d->scope_roots_cap ? d->scope_roots_cap * 2 : 2;
		struct dso **r = rt_malloc(cap * sizeof *r), **old = d->scope_roots;
		if (!r)
			die_load(NULL, "out of memory");
		if (d->nscope_roots)
			memcpy(r, old, d->nscope_roots * sizeof *r);
		scope_publish(&d->scope_roots, &d->nscope_roots, r, d->nscope_roots);
		rt_free(old);
		d->scope_roots_cap = cap;
	}
	d->scope_roots[d->nscope_roots] = root; /* past the count: no reader looks there yet */
	__atomic_store_n(&d->nscope_roots, d->nscope_roots + 1, __ATOMIC_RELEASE);
	glibc_set_scope(d);
}

static void set_own_search_list(struct dso *root);

/* A root that goes: a survivor stops searching its list, and searches its own dependency
 * closure in the place of the first one gone (glibc's dl-close), so what it calls from its
 * finaliser is still found. The new list is padded with its last entry to the old count for
 * readers that still use it. */
static void scope_forget_root(struct dso *d, bool (*gone)(const struct dso *))
{
	size_t n = d->nscope_roots, w = 0;
	bool replaced = false, has_own = false, any_gone = false;
	for (size_t k = 0; k < n; k++) {
		has_own |= d->scope_roots[k] == d;
		any_gone |= gone(d->scope_roots[k]);
	}
	if (!any_gone)
		return;
	struct dso **r = rt_malloc(d->scope_roots_cap * sizeof *r);
	if (!r)
		die_load(NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!gone(d->scope_roots[i])) {
			r[w++] = d->scope_roots[i];
		} else if (!replaced) {
			replaced = true;
			if (!d->search_list)
				set_own_search_list(d);
			if (!has_own)
				r[w++] = d;
		}
	}
	for (size_t i = w; i < n && w; i++)
		r[i] = r[w - 1];
	struct dso **old = d->scope_roots;
	scope_publish(&d->scope_roots, &d->nscope_roots, r, w);
	rt_free(old);
	glibc_set_scope(d);
}

/* --- unloading (dlclose, and a dlopen that failed half way) ------------------------------ */
static bool doomed(const struct dso *d) { return d->unloading; }

static void mark(struct dso *d)
{
	if (d->gc_mark)
		return;
	d->gc_mark = true;
	for (size_t i = 0; i < d->ndeps; i++)
		mark(d->deps[i]);
	for (size_t i = 0; i < d->nreldeps; i++)
		mark(d->reldeps[i]);
}

/* A survivor's relocation dependencies on objects that go (a binding made by a finaliser of
 * the dlclose in progress, after the marking): dropped, they are about to be freed. */
static void drop_doomed_reldeps(struct dso *d)
{
	size_t w = 0;
	for (size_t i = 0; i < d->nreldeps; i++)
		if (!doomed(d->reldeps[i]))
			d->reldeps[w++] = d->reldeps[i];
	d->nreldeps = w;
}

/* Takes the doomed objects off everything a reader can reach, as glibc does: the TLS module
 * table under LOCK_TLS, the object lists (libc's dl_iterate_phdr walks them holding
 * LOCK_WRITE), the scopes and _dl_find_object's table. Nothing is unmapped yet: a lock-free
 * reader (rtld/lock.c) may still be looking at them. */
static void unlink_doomed(void)
{
	rtld_lock(LOCK_TLS);
	rtld_lock(LOCK_WRITE);
	for (struct dso *d = R.head, *next; d; d = next) {
		next = d->next;
		if (!doomed(d))
			continue;
		if (DEBUG_ON(DBG_LIBS | DBG_FILES))
			dbg("file=%s [%u];  destroying link map", dso_display(d), d->ns);
		deps_remove(d);
		init_forget(d);
		tls_forget(d);
		reloc_forget(d);
	}
	tls_forget_done();
	release_empty_namespaces();
	glibc_link_list();
	glibc_update_global_scope();
	glibc_update_slotinfo();
	glibc_find_object_publish();
	rtld_unlock(LOCK_WRITE);
	rtld_unlock(LOCK_TLS);
}

/* The debuggers' link_map chain is the one dl_iterate_phdr walks: relinked under LOCK_WRITE. */
static void debug_publish_locked(void)
{
	rtld_lock(LOCK_WRITE);
	debug_publish();
	rtld_unlock(LOCK_WRITE);
}

/* What an unloaded object leaves: its mapping and every record of it. */
static void destroy(struct dso *d)
{
	map_unmap(d);
	arch_free_object(d);
	glibc_free_map(d);
	deps_free(d);
}

/* Unloads every object marked `unloading`: finalisers (if they were initialised; they may
 * dlopen and dlclose again, see dl_close), then off every list, then, once no reader can
 * still hold them, unmapped and freed. Called holding LOCK_STATE, which it lets go while
 * the finalisers run. */
static void unload_doomed(void)
{
	size_t n = 0;
	unsigned ns = 0;
	for (struct dso *d = R.head; d; d = d->next)
		if (doomed(d) && !n++)
			ns = d->ns;
	if (!n)
		return;
	/* Finalisers, dependents first; each object's la_objclose after its own, then
	 * LA_ACT_DELETE, as glibc's dlclose tells them. They are the program's code: a fork must
	 * not wait for them. */
	rtld_unlock(LOCK_STATE);
	init_fini_selected(doomed, R.naudit ? audit_objclose : NULL);
	rtld_lock(LOCK_STATE);
	if (R.naudit) {
		for (struct dso *d = R.head; d; d = d->next) /* never initialised (a failed dlopen) */
			if (doomed(d) && !d->init_started)
				audit_objclose(d);
		bool emptied = ns != 0;
		for (struct dso *d = R.head; d && emptied; d = d->next)
			emptied = d->ns != ns || doomed(d);
		if (emptied && NS(ns)->rtld_listed)
			audit_objclose_rtld_proxy(ns);
		audit_activity(ns, LA_ACT_DELETE_);
	}
	debug_announce(ns, 2); /* RT_DELETE */
	n = 0;
	for (struct dso *d = R.head; d; d = d->next)
		n += doomed(d);
	struct dso **gone = rt_malloc(n * sizeof *gone);
	if (!gone)
		die_load(NULL, "out of memory");
	n = 0;
	for (struct dso *d = R.head; d; d = d->next) {
		if (doomed(d)) {
			gone[n++] = d;
			continue;
		}
		if (d->loader && doomed(d->loader)) { /* survivors forget a loader that goes */
			d->loader = NULL;
			if (d->personality)
				LM(d->personality, LM_l_loader, void *) = NULL;
		}
		scope_forget_root(d, doomed); /* ... and the roots that go */
		drop_doomed_reldeps(d);
	}
	unlink_doomed();
	if (R.naudit) /* once the lists say it, as glibc's dlclose does */
		audit_activity(ns, LA_ACT_CONSISTENT_);
	scope_wait(); /* no lazy binding or _dl_find_object is still looking at them */
	for (size_t i = 0; i < n; i++)
		destroy(gone[i]);
	rt_free(gone);
	retire_flush();
	debug_publish_locked();
}

/* The objects a failed dlopen had already added: unloaded again (their constructors never
 * ran). */
static void rollback(void)
{
	struct dso *keep = open_rollback_tail;
	if (!keep)
		return;
	/* A dlopen from a finaliser: the dlclose in progress has its own objects on their way
	 * out, which are not this rollback's to unload. */
	size_t nold = 0;
	for (struct dso *d = R.head; d != keep->next; d = d->next)
		nold++;
	bool *was = rt_calloc(nold ? nold : 1, sizeof *was);
	if (!was)
		die_load(NULL, "out of memory");
	size_t i = 0;
	for (struct dso *d = R.head; d != keep->next; d = d->next, i++) {
		was[i] = d->unloading;
		d->unloading = false;
	}
	for (struct dso *d = keep->next; d; d = d->next)
		d->unloading = true;
	unload_doomed();
	i = 0;
	for (struct dso *d = R.head; d && i < nold; d = d->next, i++)
		d->unloading = was[i];
	rt_free(was);
	open_rollback_tail = NULL;
}

/* dlclose: what no handle, no start-up object, nothing NODELETE needs any more goes. Under
 * LOCK_STATE (released while finalisers run). */
static void collect(void)
{
	for (struct dso *d = R.head; d; d = d->next)
		d->gc_mark = false;
	for (struct dso *d = R.head; d; d = d->next) {
		bool tls_dtors = d->personality && LM(d->personality, LM_l_tls_dtor_count, size_t) > 0;
		if (!d->dlopened || d->refcount || d->nodelete || (d->flags_1 & DF_1_NODELETE) || tls_dtors)
			mark(d);
	}
	for (struct dso *d = R.head; d; d = d->next)
		d->unloading = !d->gc_mark;
	unload_doomed();
}

/* What dlopen holds while it changes the loader's state (rtld/lock.c). */
static void lock(void)
{
	rtld_lock(LOCK_LOAD);
	rtld_lock(LOCK_STATE);
}
static void unlock(void)
{
	rtld_unlock(LOCK_STATE);
	rtld_unlock(LOCK_LOAD);
}

static void load_lock_hook(bool take)
{
	if (take)
		lock();
	else
		unlock();
}

/* For a lock-free reader (a lazy binding): it must not wait for a dlopen or dlclose that may
 * itself be waiting for it to leave (rtld/lock.c). */
static bool load_trylock_hook(void)
{
	if (!rtld_trylock(LOCK_LOAD))
		return false;
	rtld_lock(LOCK_STATE);
	return true;
}

static void dlopen_error_hook(const char *object, const char *msg)
{
	/* The name may be an object's own, which the rollback frees. */
	char obj[err_room(object, 1)];
	rt_snprintf(obj, sizeof obj, "%s", object ? object : "");
	R.error_hook = NULL;
	R.load_ns = 0;
	relcache_abort(); /* an object it was relocating is about to go */
	rollback();
	release_empty_namespaces();
	unlock(); /* raise_error does not come back */
	raise_error(obj, msg);
}

/* --- symbol lookup (dlsym, __libc_dlsym, the vDSO IFUNCs) ---------------------------------- */
static void *dl_lookup_symbol_x(const char *name, void *undef_map, const Elf64_Sym **ref, struct r_scope_elem **scope,
				const struct r_found_version *version, int type_class, int flags, void *skip_map)
{
	struct dso_version v = {0};
	struct sym_query q = {.name = name, .gnu_hash = gnu_hash(name), .plt = (type_class & 1) != 0};
	if (version && version->name) {
		v.name = version->name;
		q.version = &v;
	}
	/* With skip_map (RTLD_NEXT from it) the first scope is searched from just after it:
	 * what comes before the caller, the program included, is not "next". */
	unsigned first = 0;
	if (skip_map && scope && scope[0])
		for (unsigned j = 0; j < scope[0]->r_nlist; j++)
			if (scope[0]->r_list[j] == skip_map) {
				first = j + 1;
				break;
			}
	for (size_t i = 0; scope && scope[i]; i++)
		for (unsigned j = i == 0 ? first : 0; j < scope[i]->r_nlist; j++) {
			void *map = scope[i]->r_list[j];
			if (map == skip_map)
				continue;
			struct dso *d = glibc_dso_of(map);
			const Elf64_Sym *s = d ? lookup_in_dso(d, &q) : NULL;
			if (s) {
				*ref = s;
				struct dso *ud = glibc_dso_of(undef_map);
				if ((flags & DL_LOOKUP_ADD_DEPENDENCY_) && ud && ud != d)
					lookup_note_binding(ud, d); /* dlsym(RTLD_DEFAULT): glibc's reldep */
				if (DEBUG_ON(DBG_BINDINGS) && ud)
					debug_binding(ud, NULL, d, name, v.name);
				return map;
			}
		}
	if (*ref && SYM_BIND((*ref)->st_info) == STB_WEAK) {
		*ref = NULL;
		return NULL;
	}
	*ref = NULL;
	char msg[err_room(name, 64 + (v.name ? strlen(v.name) : 0))];
	rt_snprintf(msg, sizeof msg, "undefined symbol: %s%s%s", name, v.name ? ", version " : "", v.name ? v.name : "");
	struct dso *ud = glibc_dso_of(undef_map);
	const char *obj = ud ? (ud == R.main ? R.progname : dso_display(ud)) : "";
	if (R.debug & ~DBG_STATISTICS) /* glibc's _dl_signal_cexception, under any LD_DEBUG category */
		dbg("%s: error: symbol lookup error: %s (fatal)", obj, msg);
	raise_error(obj, msg);
}

/* --- dlopen ---------------------------------------------------------------------------- */
/* Breadth-first closure of root's dependencies, root first (glibc's l_searchlist). */
static void set_own_search_list(struct dso *root)
{
	size_t cap = 8, n = 0;
	struct dso **list = rt_malloc(cap * sizeof *list);
	if (!list)
		die_load(NULL, "out of memory");
	list[n++] = root;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < list[i]->ndeps; k++) {
			struct dso *dep = list[i]->deps[k];
			bool seen = false;
			for (size_t j = 0; j < n && !seen; j++)
				seen = list[j] == dep;
			if (seen)
				continue;
			if (n == cap) {
				cap *= 2;
				list = rt_realloc(list, cap * sizeof *list);
				if (!list)
					die_load(NULL, "out of memory");
			}
			list[n++] = dep;
		}
	filter_order(list, n); /* a filter's filtees just before it */
	root->nsearch_list = n; /* set once, NULL to a list: readers need only the order */
	__atomic_store_n(&root->search_list, list, __ATOMIC_RELEASE);
	glibc_set_search_list(root);
}

/* A dlopen root: its own search list (dlsym on its handle), and a scope of every dlopen'ed
 * object in it. */
static void build_search_list(struct dso *root)
{
	set_own_search_list(root);
	for (size_t i = 0; i < root->nsearch_list; i++)
		if (root->search_list[i]->dlopened)
			scope_add_root(root->search_list[i], root);
}

/* RTLD_GLOBAL: the root's whole closure joins the global scope, objects that were loaded
 * RTLD_LOCAL before included (glibc's add_to_global). */
static void make_global(struct dso *root)
{
	for (size_t i = 0; i < root->nsearch_list; i++) {
		struct dso *n = root->search_list[i];
		if (DEBUG_ON(DBG_SCOPES) && !n->in_global_scope)
			dbg("\nadd %s [%u] to global scope", dso_display(n), n->ns);
		deps_scope_add(n);
	}
	glibc_update_global_scope();
}

/* LD_DEBUG=scopes after a dlopen relocated: each object of the new root's list, from the
 * scope it gained (an object an earlier dlopen loaded) or whole (glibc's update_scopes). */
static void show_scopes_after_open(struct dso *root, struct dso *first_new)
{
	for (size_t i = 0; i < root->nsearch_list; i++) {
		struct dso *n = root->search_list[i];
		bool new_here = false;
		for (struct dso *o = first_new; o && !new_here; o = o->next)
			new_here = o == n;
		unsigned from = 0;
		if (!new_here && n->dlopened && n->nscope_roots && n->scope_roots[n->nscope_roots - 1] == root)
			from = (unsigned)n->nscope_roots;
		debug_show_scope(n, from);
	}
}

static void *dl_open_locked(const char *file, int mode, struct dso *req, long nsid, struct dso **run_first);

/* glibc holds dl_load_lock (a recursive mutex libc also takes, e.g. in dlsym and dladdr) for
 * the whole of dlopen, constructors included, so a constructor may dlopen again. LOCK_STATE
 * is released before the constructors run. */
static void *dl_open(const char *file, int mode, const void *caller, long nsid, int argc, char **argv, char **env)
{
	/* glibc refuses a mode with neither binding before anything else (even RTLD_NOLOAD alone,
	 * a common way to ask "is it loaded?", whose answer there is always this error). */
	if (!(mode & (RTLD_LAZY_ | RTLD_NOW_)))
		raise_error_code(EINVAL_, file, "invalid mode for dlopen()");
	struct dso *first = NULL;
	lock();
	void *caller_map = _dl_find_dso_for_object((uintptr_t)caller);
	void *r = dl_open_locked(file, mode, caller_map ? glibc_dso_of(caller_map) : R.main, nsid, &first);
	rtld_unlock(LOCK_STATE);
	if (first) {
		/* Constructors run with libc's argc/argv/environ; an error in one is the program's. */
		init_run_new(first, argc, argv, env);
		if (mode & RTLD_NODELETE_)
			first->nodelete = true;
	}
	rtld_unlock(LOCK_LOAD);
	return r;
}

/* An object the namespace has already: one handle more, and what the new mode adds. */
static void *reopen(struct dso *d, int mode)
{
	if (!d->personality)
		glibc_build_map(d);
	if (mode & RTLD_NODELETE_)
		d->nodelete = true;
	d->refcount++;
	if (!d->search_list && d->kind != DSO_MAIN) { /* dlsym on the handle searches it */
		if (DEBUG_ON(DBG_SCOPES)) /* a dependency becoming a root: glibc shows it, then its new scope */
			debug_show_scope(d, 0);
		build_search_list(d);
		if (DEBUG_ON(DBG_SCOPES))
			show_scopes_after_open(d, NULL);
	}
	if ((mode & RTLD_GLOBAL_) && d->kind != DSO_MAIN)
		make_global(d);
	return d->personality;
}

/* A file that could not be mapped: nothing was added; the error goes to dlerror(). */
__attribute__((noreturn)) static void open_failed(const char *err)
{
	R.error_hook = NULL;
	open_rollback_tail = NULL;
	R.load_ns = 0;
	release_empty_namespaces();
	const char *sep = strstr_colon(err);
	char obj[err_room(err, 1)];
	size_t olen = sep ? (size_t)(sep - err) : 0;
	if (olen >= sizeof obj)
		olen = sizeof obj - 1;
	memcpy(obj, err, olen);
	obj[olen] = 0;
	unlock();
	/* "cannot open shared object file: REASON": glibc raises the reason as an errno, which
	 * dlerror() turns back into the same words. */
	static const struct {
		int code;
		const char *text;
	} reasons[] = {{2, "No such file or directory"}, {36, "File name too long"},
		       {40, "Too many levels of symbolic links"}, {21, "Is a directory"},
		       {12, "Cannot allocate memory"}, {24, "Too many open files"}, {5, "Input/output error"}};
	const char *msg = sep ? sep + 2 : err, *prefix = "cannot open shared object file: ";
	if (strncmp(msg, prefix, strlen(prefix)) == 0)
		for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
			if (strcmp(msg + strlen(prefix), reasons[i].text) == 0)
				raise_error_code(reasons[i].code, obj, "cannot open shared object file");
	/* "cannot read file data: Error 21": glibc's start-up words for an errno it has no name
	 * for; dlerror() gives libc's ("Is a directory"). */
	const char *read_prefix = "cannot read file data: Error ";
	if (strncmp(msg, read_prefix, strlen(read_prefix)) == 0) {
		int code = 0;
		for (const char *c = msg + strlen(read_prefix); *c >= '0' && *c <= '9'; c++)
			code = code * 10 + (*c - '0');
		raise_error_code(code, obj, "cannot read file data");
	}
	raise_error(obj, msg);
}

/* Loads d's dependencies into its namespace and relocates everything new (from d on). */
static void load_and_relocate(struct dso *d, int mode)
{
	deps_load_from(d);
	for (struct dso *n = d; n; n = n->next)
		if (dso_wants_exec_stack(n) && !glibc_stack_executable() && glibc_make_stacks_executable())
			die_load(dso_display(n), "cannot enable executable stack as shared object requires");
	for (struct dso *n = d; n; n = n->next) {
		n->dlopened = true;
		versions_check(n, false);
	}
	if (R.naudit) /* loaded and versions checked: glibc says so before relocating */
		audit_activity(d->ns, LA_ACT_CONSISTENT_);
	glibc_check_namespace_libc(d);
	for (struct dso *n = d; n; n = n->next)
		if (!hwcaps_isa_ok(n))
			die_load(dso_display(n), "CPU ISA level is lower than required");
	build_search_list(d);
	if (mode & RTLD_DEEPBIND_)
		for (struct dso *n = d; n; n = n->next) {
			n->deepbind = true;
			glibc_set_scope(n);
		}
	if (DEBUG_ON(DBG_SCOPES))
		debug_show_scope(d, 0);
	tls_add_modules(d);
	bool now = (mode & RTLD_NOW_) || R.bind_now;
	for (struct dso *n = R.tail; n && n != d->prev; n = n->prev) {
		if (now)
			n->bind_now = n->dlopen_now = true;
		relcache_reloc(n); /* reloc_object, unless the relocation cache has it */
	}
	relcache_done();
	for (struct dso *n = d; n; n = n->next) {
		map_protect_relro(n);
		init_check(n);
	}
	if (DEBUG_ON(DBG_SCOPES))
		show_scopes_after_open(d, d);
	if (mode & RTLD_GLOBAL_) /* only now, as glibc: relocation used the root's list */
		make_global(d);
}

/* dlopen mode bit of ours (glibc's __RTLD_AUDIT): an audit module is being loaded; its
 * namespace's LA_ACT_ADD is not sent. */
#define RTLD_AUDITOR_ 0x08000000

/* Under LOCK_LOAD and LOCK_STATE: everything dlopen does but the constructors, which are
 * left for the caller (*run_first: the object loaded, if any). */
static void *dl_open_locked(const char *file, int mode, struct dso *req, long nsid, struct dso **run_first)
{
	if (!file || !*file)
		return R.main->personality;
	unsigned ns = target_namespace(nsid, req, file);
	R.load_ns = ns;
	if (mode & RTLD_AUDITOR_)
		NS(ns)->auditor = true;
	struct dso *existing = deps_find_loaded(file);
	if (existing && existing->personality && existing->kind != DSO_MAIN) { /* the program by name: refused below */
		R.load_ns = 0;
		return reopen(existing, mode);
	}

	open_rollback_tail = R.tail;
	R.error_hook = dlopen_error_hook;
	R.error_hook_owner = thread_pointer();
	debug_announce(ns, 1); /* RT_ADD */
	/* glibc's _dl_open looks for the caller's object only when it needs it (a name without a
	 * slash, a $ token, the caller's namespace): a path dlmopen'ed into a given namespace (an
	 * audit module's) has no loader, so no la_objsearch and no "dynamically loaded by" line. */
	struct dso *loader = nsid == LM_ID_CALLER_ || !strchr(file, '/') || strchr(file, '$') ? req : NULL;
	deps_trace_wanted(file, loader, "dynamically loaded");
	char err[err_room(file, ERR_MAX)]; /* the name as asked for (or a directory and it) and the reason */
	/* An audit module in secure mode is searched as a preload is (glibc's __RTLD_SECURE):
	 * only a set-user-ID file, never through ld.so.cache; its dependencies as usual. */
	R.preload_setuid_only = R.secure && (mode & RTLD_AUDITOR_);
	bool missing;
	struct dso *d = search_and_map(file, loader, err, sizeof err, &missing);
	R.preload_setuid_only = false;
	if (!d) /* with RTLD_NOLOAD too: glibc's fails on the open before it looks for the object */
		open_failed(err);
	if (d->next || d->prev || R.head == d || d == R.self) { /* already loaded under another name */
		R.error_hook = NULL;
		open_rollback_tail = NULL;
		R.load_ns = 0;
		return reopen(d, mode);
	}
	if (mode & RTLD_NOLOAD_) {
		map_unmap(d);
		R.error_hook = NULL;
		R.load_ns = 0;
		release_empty_namespaces();
		return NULL;
	}
	deps_prepare(d);
	d->ns = ns;
	d->dlopened = true;
	d->refcount = 1;
	d->loader = req;
	deps_append(d);
	if (ns != 0 && !NS(ns)->nscope)
		deps_scope_add(d); /* a new namespace's first object and its closure are its global scope */
	deps_trace_mapped(d);
	if (R.naudit) {
		if (!(mode & RTLD_AUDITOR_))
			audit_activity(ns, LA_ACT_ADD_);
		audit_objopen(d);
	}
	load_and_relocate(d, mode);
	tls_publish(d);
	rtld_lock(LOCK_TLS);   /* the slotinfo list libc and libthread_db read */
	rtld_lock(LOCK_WRITE); /* the lists dl_iterate_phdr walks */
	glibc_add_objects(d);
	glibc_update_global_scope();
	glibc_find_object_publish();
	rtld_unlock(LOCK_WRITE);
	rtld_unlock(LOCK_TLS);
	retire_flush_some();
	debug_publish_locked();
	R.error_hook = NULL;
	open_rollback_tail = NULL;
	R.load_ns = 0;
	search_release_cache();
	glibc_init_namespace_libc(ns); /* a copy of libc.so.6 new in its namespace: early init */
	*run_first = d;
	return d->personality;
}

static void dl_close(void *map);

/* An audit module (glibc_audit_start): dlmopen'ed into a namespace of its own, asked for by ld.so
 * itself (its la_objsearch cookie, glibc's loader), lazily bound. Errors are raised as for
 * dlopen; the caller catches them (R.catcher). */
struct dso *glibc_dlmopen_auditor(const char *name)
{
	R.loading_auditor = true;
	struct dso *first = NULL;
	void *map = dl_open_locked(name, RTLD_LAZY_ | RTLD_AUDITOR_, R.self, LM_ID_NEWLM_, &first);
	if (first)
		init_run_new(first, R.argc, R.argv, R.envp);
	R.loading_auditor = false;
	return glibc_dso_of(map);
}

/* An audit module that declined or is unusable: closed again, its namespace with it. Not
 * under the load lock: its libc.so.6 may be the one whose mutex functions serve it, and goes. */
void glibc_close_auditor(struct dso *module)
{
	module->refcount = 0;
	rtld_lock(LOCK_STATE);
	collect();
	rtld_unlock(LOCK_STATE);
}

/* dlclose: one handle less; objects nothing needs any more are unloaded, as glibc does
 * (except what NODELETE, a unique symbol, a foreign binding or pending thread_local
 * destructors keep). Under dl_load_lock: finalisers may dlopen or dlclose again. */
static void dl_close(void *map)
{
	static bool closing, again;
	struct dso *d = glibc_dso_of(map);
	if (!d)
		return;
	/* Under the lock: other threads' dlopen and dlclose of the same object change its count
	 * (drd saw the read race with them when it was made before the lock). */
	rtld_lock(LOCK_LOAD);
	if (!d->dlopened || !d->refcount) {
		rtld_unlock(LOCK_LOAD);
		return;
	}
	d->refcount--;
	if (closing || R.exiting) {
		/* A finaliser of the dlclose in progress closes a handle (its library opened one):
		 * unloading now would unmap the caller under its feet. The outer dlclose collects
		 * again once its finalisers are done, as glibc does. */
		again = closing;
		rtld_unlock(LOCK_LOAD);
		return;
	}
	closing = true;
	do {
		again = false;
		rtld_lock(LOCK_STATE);
		collect();
		rtld_unlock(LOCK_STATE);
	} while (again);
	closing = false;
	rtld_unlock(LOCK_LOAD);
}

/* --- the rest -------------------------------------------------------------------------- */
static void dl_error_free(void *p) { rt_free(p); }

static void *dl_tls_get_addr_soft(void *map)
{
	struct dso *d = glibc_dso_of(map);
	return d && d->tls_modid ? tls_block_if_allocated(d->tls_modid) : NULL;
}

/* libc's debug lines (GLRO(dl_debug_printf): "initialize program", "transferring control")
 * as glibc's _dl_debug_printf writes them: each line after the pid, to LD_DEBUG_OUTPUT. */
static void dl_debug_printf(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = rt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
	if (len && msg[len - 1] == '\n') /* dbg ends the last line itself */
		msg[len - 1] = 0;
	dbg("%s", msg);
}
static void dl_libc_freeres(void) {}
static void dl_mcount(uintptr_t from, uintptr_t to) { (void)from, (void)to; }

void glibc_fill_dlfcn_hooks(char *glro)
{
	R.load_lock = load_lock_hook;
	R.load_trylock = load_trylock_hook;
	LM(glro, GLRO__dl_debug_printf, void *) = (void *)dl_debug_printf;
	LM(glro, GLRO__dl_mcount, void *) = (void *)dl_mcount;
	LM(glro, GLRO__dl_lookup_symbol_x, void *) = (void *)dl_lookup_symbol_x;
	LM(glro, GLRO__dl_open, void *) = (void *)dl_open;
	LM(glro, GLRO__dl_close, void *) = (void *)dl_close;
	LM(glro, GLRO__dl_error_free, void *) = (void *)dl_error_free;
	LM(glro, GLRO__dl_tls_get_addr_soft, void *) = (void *)dl_tls_get_addr_soft;
	LM(glro, GLRO__dl_libc_freeres, void *) = (void *)dl_libc_freeres;
	LM(glro, GLRO__dl_find_object, void *) = (void *)glibc_dl_find_object;
	LM(glro, GLRO__dl_dlfcn_hook, void *) = NULL;
	LM(glro, GLRO__dl_naudit, unsigned) = 0;
}
