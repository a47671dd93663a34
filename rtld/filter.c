/* Filter objects, glibc's way. glibc does not restrict lookups to the filtee: it loads the
 * filtee together with the filter and places it just before the filter in every search list
 * (the global scope, a dlopen root's list), so the filtee's definitions are found first and
 * the filter's own serve what the filtee lacks. A standard filter (DT_FILTER, ld -F) cannot
 * be loaded without its filtee; an auxiliary filter (DT_AUXILIARY, ld -f) is loaded alone when
 * its filtee cannot be found. Filtees are dependencies of the filter, so they are
 * initialised before it and unloaded with it. */
#include "filter.h"

static void record(struct dso *d, struct dso *f)
{
	for (size_t i = 0; i < d->nfiltees; i++)
		if (d->filtees[i] == f)
			return;
	struct dso **l = rt_realloc(d->filtees, (d->nfiltees + 1) * sizeof *l);
	if (!l)
		die_load(NULL, "out of memory");
	l[d->nfiltees++] = f;
	d->filtees = l;
}

/* Moves f just before d in list[0..n) if it comes after d (nothing if it is earlier). */
static void move_before(struct dso **list, size_t n, struct dso *f, struct dso *d)
{
	size_t fi = n, di = n;
	for (size_t i = 0; i < n; i++) {
		if (list[i] == f)
			fi = i;
		if (list[i] == d)
			di = i;
	}
	if (fi == n || di == n || fi < di)
		return;
	for (size_t i = fi; i > di; i--)
		list[i] = list[i - 1];
	list[di] = f;
}

struct dso *filter_load(struct dso *d, const Elf64_Dyn *e, deps_loader load)
{
	if (e->d_un.d_val >= d->strsz)
		die_load(dso_display(d), "filter string offset %lu outside the string table (%zu bytes)",
			 (unsigned long)e->d_un.d_val, d->strsz);
	const char *name = dso_str(d, e->d_un.d_val);
	if (DEBUG_ON(DBG_LIBS))
		dbg("load auxiliary object=%s requested by file=%s", name,
		    d->kind == DSO_MAIN ? "<main program>" : dso_display(d));
	struct dso *last = R.tail;
	struct dso *f = load(name, d, e->d_tag == DT_AUXILIARY ? DEPS_OPTIONAL : DEPS_NEEDED);
	if (!f && R.trace && R.tail != last && R.tail->missing && !d->dlopened)
		deps_move_before(R.tail, d); /* ldd lists a missing filtee where it would have been */
	if (!f || f == d || f->missing)
		return f && !f->missing ? f : NULL;
	record(d, f);
	/* In the object list too (glibc's order for ldd and r_map), except before the root of a
	 * dlopen, which must stay the first of what that dlopen adds; the list is the
	 * breadth-first queue, so a filtee moved behind the walk gets its own needs loaded now. */
	if (!d->dlopened && !f->deps_loaded) {
		deps_move_before(f, d);
		deps_load_from(f);
	}
	if (d->in_global_scope) {
		deps_scope_add_to(d->ns, f);
		struct link_ns *ns = NS(d->ns);
		move_before(ns->scope, ns->nscope, f, d);
	}
	return f;
}

void filter_order(struct dso **list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct dso *d = list[i];
		for (size_t k = 0; k < d->nfiltees; k++)
			move_before(list, n, d->filtees[k], d);
	}
}
