/* Step 11: initialisers, and the finaliser handed to the program. */
#include "init.h"
#include "hold.h"
#include "pages.h"
#include "audit.h"
#include "fini_order.h"
#include "lock.h"

typedef void (*init_fn)(int, char **, char **);
typedef void (*fini_fn)(void);

static struct dso **order; /* initialisation order: start-up objects, then each dlopen's */
static size_t norder, order_cap;

/* Dependencies first: the order in which a depth-first walk of the DT_NEEDED graph finishes
 * objects, the walk being started from every loaded object, last loaded first (and each
 * object's needs taken in DT_NEEDED order). This is glibc's order (elf/dl-sort-maps.c, the
 * DFS algorithm it uses by default since 2.35), so programs see their constructors in the
 * order they do under the system loader. Starting from the last object keeps the recursion
 * shallow on breadth-first lists. A cycle is cut where it is met, as every loader has to. */
static void visit(struct dso *d)
{
	if (d->init_started)
		return;
	d->init_started = true;
	for (size_t i = 0; i < d->ndeps; i++)
		visit(d->deps[i]);
	if (norder == order_cap) {
		order_cap = order_cap ? order_cap * 2 : 32;
		order = rt_realloc(order, order_cap * sizeof *order);
		if (!order)
			die_load(NULL, "out of memory");
	}
	order[norder++] = d;
}

/* An initialiser or finaliser address from the file: code of a loaded object, or the error. */
static uintptr_t checked_code(const struct dso *d, uintptr_t f, const char *what)
{
	if (!code_address(d, f, false))
		die_load(dso_display(d), "%s entry points outside the loaded code", what);
	return f;
}

static void check_array(const struct dso *d, int tag_array, int tag_size, const char *what)
{
	if (!dso_has(d, tag_array))
		return;
	const uintptr_t *a = (const uintptr_t *)(d->load_bias + dso_dyn(d, tag_array));
	size_t n = dso_dyn(d, tag_size) / sizeof(uintptr_t);
	if (!dso_contains(d, (uintptr_t)a, n * sizeof *a, PF_R))
		die_load(dso_display(d), "initialiser array outside the loaded segments");
	for (size_t k = 0; k < n; k++)
		if (a[k] != 0 && a[k] != (uintptr_t)-1)
			checked_code(d, a[k], what);
}

void init_check(const struct dso *d)
{
	if (d->kind == DSO_VDSO || d->kind == DSO_RTLD || d->missing)
		return;
	if (dso_has(d, DT_INIT))
		checked_code(d, d->load_bias + dso_dyn(d, DT_INIT), "DT_INIT");
	if (dso_has(d, DT_FINI))
		checked_code(d, d->load_bias + dso_dyn(d, DT_FINI), "DT_FINI");
	check_array(d, DT_PREINIT_ARRAY, DT_PREINIT_ARRAYSZ, "DT_PREINIT_ARRAY");
	check_array(d, DT_INIT_ARRAY, DT_INIT_ARRAYSZ, "DT_INIT_ARRAY");
	check_array(d, DT_FINI_ARRAY, DT_FINI_ARRAYSZ, "DT_FINI_ARRAY");
}

/* Calls an initialiser or finaliser array (init_check has vetted it), forwards or in
 * reverse; initialisers get argc, argv and envp as glibc passes them. */
static void call_array(const struct dso *d, int tag_array, int tag_size, bool reverse, int argc, char **argv,
		       char **envp)
{
	if (!dso_has(d, tag_array))
		return;
	const uintptr_t *a = (const uintptr_t *)(d->load_bias + dso_dyn(d, tag_array));
	size_t n = dso_dyn(d, tag_size) / sizeof(uintptr_t);
	for (size_t k = 0; k < n; k++) {
		uintptr_t f = a[reverse ? n - 1 - k : k];
		if (f == 0 || f == (uintptr_t)-1)
			continue;
		if (tag_array == DT_FINI_ARRAY)
			((fini_fn)f)();
		else
			((init_fn)f)(argc, argv, envp);
	}
}

static void run_init(struct dso *d, int argc, char **argv, char **envp)
{
	if (DEBUG_ON(DBG_IMPCALLS))
		dbg("\ncalling init: %s\n", dso_display(d));
	if (dso_has(d, DT_INIT))
		((init_fn)(d->load_bias + dso_dyn(d, DT_INIT)))(argc, argv, envp);
	call_array(d, DT_INIT_ARRAY, DT_INIT_ARRAYSZ, false, argc, argv, envp);
	d->init_done = true;
}

void init_run_new(struct dso *first, int argc, char **argv, char **envp)
{
	size_t start = norder;
	struct dso *last = first;
	while (last->next)
		last = last->next;
	for (struct dso *d = last; d && d != first->prev; d = d->prev)
		visit(d);
	for (size_t i = start; i < norder; i++)
		if (!order[i]->init_done)
			run_init(order[i], argc, argv, envp);
}

struct dso **init_order(size_t *n)
{
	/* Once for the start-up objects (audit modules' namespaces, loaded first, are in the order
	 * already, and stay first). */
	static bool startup_ordered;
	if (!startup_ordered) {
		startup_ordered = true;
		for (struct dso *d = R.tail; d; d = d->prev)
			visit(d);
	}
	*n = norder;
	return order;
}

void init_run_all(void)
{
	size_t n;
	init_order(&n);

	if (dso_has(R.main, DT_PREINIT_ARRAY)) {
		if (DEBUG_ON(DBG_IMPCALLS)) /* glibc: the program's link-map name is empty */
			dbg("\ncalling preinit: <main program>\n");
		call_array(R.main, DT_PREINIT_ARRAY, DT_PREINIT_ARRAYSZ, false, R.argc, R.argv, R.envp);
	}
	for (size_t i = 0; i < norder; i++) {
		struct dso *d = order[i];
		if (d->init_done) /* an audit module's namespace: initialised when it was loaded */
			continue;
		if (d->kind == DSO_VDSO || d->kind == DSO_RTLD) {
			if (d->kind == DSO_RTLD && DEBUG_ON(DBG_IMPCALLS)) /* glibc calls its own (empty) init */
				dbg("\ncalling init: %s\n", dso_display(d));
			d->init_done = true;
			continue;
		}
		if (d == R.main) {
			d->init_done = true; /* its start code runs these */
			continue;
		}
		run_init(d, R.argc, R.argv, R.envp);
	}
}

/* Runs the finalisers of the objects `select` picks (all when NULL), in the reverse of the
 * initialisation order; each object's once. `after` (la_objclose) follows each object picked,
 * initialised or not, ld.so included. */
static void fini_one(struct dso *d, void (*after)(struct dso *))
{
	if (d->fini_done || d->kind == DSO_VDSO || (!after && !d->init_done))
		return;
	d->fini_done = true;
	if (d->init_done && DEBUG_ON(DBG_IMPCALLS)) /* the program's link-map name is empty in glibc */
		dbg("\ncalling fini: %s [%u]\n", d->kind == DSO_MAIN ? "" : dso_display(d), d->ns);
	if (d->init_done && d->kind != DSO_RTLD) {
		call_array(d, DT_FINI_ARRAY, DT_FINI_ARRAYSZ, true, 0, NULL, NULL);
		if (dso_has(d, DT_FINI))
			((fini_fn)(d->load_bias + dso_dyn(d, DT_FINI)))();
	}
	if (after)
		after(d);
}

static void fini_selected(bool (*select)(const struct dso *), void (*after)(struct dso *))
{
	for (size_t i = norder; i-- > 0;)
		if (!select || select(order[i]))
			fini_one(order[i], after);
}

void init_fini_selected(bool (*select)(const struct dso *), void (*after)(struct dso *))
{
	fini_selected(select, after);
}

/* At exit, glibc's order (elf/dl-fini.c): namespace by namespace, the last first and the
 * program's last, audit modules' own namespaces after all; in each, the objects sorted again
 * as they stand (fini_order.c: dependents first, dlopen'ed ones in load order where nothing
 * ties them, the program first). With audit modules, each namespace's finalisers are told
 * between LA_ACT_DELETE and LA_ACT_CONSISTENT, with la_objclose after each object's (not in
 * the modules' own namespaces). */
static unsigned fini_ns;
static bool in_fini_ns(const struct dso *d) { return d->ns == fini_ns && d != R.main; }
/* Whether anything in namespace n was dlopen'ed. If nothing was, glibc's sort at exit walks
 * the same objects in the same order as the initialisation order's (and meets no relocation
 * dependencies, which only lead to dlopen'ed objects): its result is that order reversed,
 * with the program first, so the sort and its allocations are skipped (every process that
 * never dlopens pays nothing at exit: about 2,000 instructions for true). */
static bool any_dlopened(unsigned n)
{
	for (struct dso *d = R.head; d; d = d->next)
		if (d->ns == n && d->dlopened)
			return true;
	return false;
}

static void fini_namespace(unsigned n, void (*after)(struct dso *))
{
	size_t count = 0;
	struct dso **order_now = NULL;
	if (any_dlopened(n)) {
		/* As glibc: the objects are sorted under the load lock (another thread may still
		 * dlopen or dlclose), the finalisers run without it (they may dlopen again). */
		rtld_lock(LOCK_LOAD);
		order_now = fini_order(n, &count);
		rtld_unlock(LOCK_LOAD);
	}
	if (!order_now) { /* the reverse of the initialisation order (also when out of memory) */
		if (n == 0 && R.main->init_started)
			fini_one(R.main, after);
		fini_ns = n;
		fini_selected(in_fini_ns, after);
		return;
	}
	for (size_t i = 0; i < count; i++)
		if (order_now[i]->init_started || order_now[i]->kind == DSO_RTLD)
			fini_one(order_now[i], after);
	rt_free(order_now);
}

static void fini_at_exit(void)
{
	R.exiting = true;
	for (int auditors = 0; auditors < 2; auditors++)
		for (unsigned n = R.nns; n-- > 0;) {
			if (!NS(n)->used || NS(n)->auditing != (auditors == 1))
				continue;
			bool tell = R.naudit && !auditors;
			if (tell)
				audit_activity(n, LA_ACT_DELETE_);
			fini_namespace(n, tell ? audit_objclose : NULL);
			if (tell)
				audit_activity(n, LA_ACT_CONSISTENT_);
		}
}

void init_forget(const struct dso *d)
{
	size_t w = 0;
	for (size_t i = 0; i < norder; i++)
		if (order[i] != d)
			order[w++] = order[i];
	norder = w;
}

void rtld_fini(void)
{
	hold_at(STOP_EXIT);
	if (DEBUG_ON(DBG_PAGES))
		pages_report();
	fini_at_exit();
	if (DEBUG_ON(DBG_STATISTICS))
		dbg("finalisers done");
}
