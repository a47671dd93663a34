/* The order of the finalisers at exit, glibc 2.36's (elf/dl-fini.c with elf/dl-sort-maps.c's
 * default algorithm). It is not the reverse of the constructors' order: glibc sorts each
 * namespace's objects again at exit, as they stand then, so that libraries dlopen'ed and
 * never closed are finalised in load order where nothing ties them (under the reverse of the
 * constructors' order the last one opened went first).
 *
 * The sort is a depth-first walk, started from each object of the namespace, last loaded
 * first. From an object it follows its init/fini list (for the program and for each dlopen
 * root, its whole dependency closure as sorted when it was loaded; for any other object, its
 * DT_NEEDED objects), then its relocation dependencies (the objects it bound to without
 * needing them, glibc's l_reldeps), last first; the program is never walked into. Each
 * object is placed when its walk finishes, from the end of the order backwards, so each
 * comes before everything it depends on. If relocation dependencies were met, the result is
 * walked once more along the init/fini lists alone (DT_NEEDED wins over them in a cycle);
 * otherwise the first object (the program in namespace 0) is put back first. */
#include "fini_order.h"

struct walk {
	struct dso **obj;    /* the namespace's objects, in list (load) order */
	size_t n;
	bool *seen;
	struct dso ***list;  /* per object: its sorted closure if it is the program or a root */
	size_t *nlist;
	struct dso **head;   /* where the next finished object goes (filled backwards) */
	struct dso **bottom; /* the array's start: nothing is placed below it */
	bool *reldeps;       /* NULL: relocation dependencies are not followed; else set if met */
};

static size_t index_of(const struct walk *w, const struct dso *d)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->obj[i] == d)
			return i;
	return w->n;
}

static void visit(struct walk *w, size_t i);

static void visit_dep(struct walk *w, const struct dso *dep)
{
	size_t j = dep == R.main ? w->n : index_of(w, dep);
	if (j < w->n && !w->seen[j])
		visit(w, j);
}

static void visit(struct walk *w, size_t i)
{
	struct dso *d = w->obj[i];
	w->seen[i] = true;
	if (w->list[i]) {
		for (size_t k = 0; k < w->nlist[i]; k++)
			visit_dep(w, w->list[i][k]);
	} else {
		for (size_t k = 0; k < d->ndeps; k++)
			visit_dep(w, d->deps[k]);
	}
	if (w->reldeps && d->nreldeps) {
		*w->reldeps = true;
		for (size_t k = d->nreldeps; k-- > 0;)
			visit_dep(w, d->reldeps[k]);
	}
	if (w->head > w->bottom)
		*--w->head = d;
}

/* Sorts the n objects of `in` (all of the walk's namespace) into out, dependents first. */
static void sort_into(struct walk *w, struct dso **in, size_t n, struct dso **out, bool *reldeps)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = index_of(w, in[i]);
		if (j < w->n)
			w->seen[j] = false;
	}
	w->head = out + n;
	w->bottom = out;
	w->reldeps = reldeps;
	for (size_t i = n; i-- > 0 && w->head > out;) {
		size_t j = index_of(w, in[i]);
		if (j < w->n && !w->seen[j])
			visit(w, j);
	}
}

/* glibc's _dl_sort_maps: dependents first; with force_first the first object is kept first,
 * unless relocation dependencies made the second walk. */
static bool sort_maps(struct walk *w, struct dso **in, size_t n, struct dso **out, bool force_first, bool for_fini)
{
	bool met = false;
	sort_into(w, in, n, out, for_fini ? &met : NULL);
	if (w->head != out)
		return false; /* something of the closure outside the namespace: not sortable */
	if (met) {
		struct dso **rpo = rt_malloc(n * sizeof *rpo);
		if (!rpo)
			return false;
		memcpy(rpo, out, n * sizeof *rpo);
		sort_into(w, rpo, n, out, NULL);
		rt_free(rpo);
		return w->head == out;
	}
	size_t f = 0;
	while (force_first && f < n && out[f] != in[0])
		f++;
	if (f < n && f > 0) {
		memmove(out + 1, out, f * sizeof *out);
		out[0] = in[0];
	}
	return true;
}

/* The program's init/fini list: the start-up objects of namespace 0, in search order. */
static struct dso **startup_objects(size_t *n)
{
	size_t k = 0;
	for (struct dso *d = R.head; d; d = d->next)
		k += d->ns == 0 && !d->dlopened && d->kind != DSO_VDSO;
	struct dso **v = rt_malloc((k ? k : 1) * sizeof *v);
	if (!v)
		return NULL;
	k = 0;
	for (struct dso *d = R.head; d; d = d->next)
		if (d->ns == 0 && !d->dlopened && d->kind != DSO_VDSO)
			v[k++] = d;
	*n = k;
	return v;
}

/* Each root's sorted closure, in load order (a root's sort sees the lists of those before it,
 * as glibc's, made at each dlopen, did). */
static bool sort_closures(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct dso *d = w->obj[i];
		struct dso **in = d->search_list;
		size_t n = d->nsearch_list;
		bool own = d == R.main;
		if (own && !(in = startup_objects(&n)))
			return false;
		if (!in || !n)
			continue;
		w->list[i] = rt_malloc(n * sizeof *w->list[i]);
		bool ok = w->list[i] && sort_maps(w, in, n, w->list[i], true, false);
		if (own)
			rt_free(in);
		if (!ok) {
			rt_free(w->list[i]);
			w->list[i] = NULL; /* its DT_NEEDED objects instead */
			continue;
		}
		w->nlist[i] = n;
	}
	return true;
}

struct dso **fini_order(unsigned ns, size_t *count)
{
	struct walk w = {0};
	for (struct dso *d = R.head; d; d = d->next)
		w.n += d->ns == ns && !(ns != 0 && d->kind == DSO_RTLD);
	if (!w.n)
		return NULL;
	struct dso **order = rt_malloc(w.n * sizeof *order);
	w.obj = rt_malloc(w.n * sizeof *w.obj);
	w.seen = rt_calloc(w.n, sizeof *w.seen);
	w.list = rt_calloc(w.n, sizeof *w.list);
	w.nlist = rt_calloc(w.n, sizeof *w.nlist);
	bool ok = order && w.obj && w.seen && w.list && w.nlist;
	if (ok) {
		size_t k = 0;
		for (struct dso *d = R.head; d; d = d->next)
			if (d->ns == ns && !(ns != 0 && d->kind == DSO_RTLD))
				w.obj[k++] = d;
		ok = sort_closures(&w) && sort_maps(&w, w.obj, w.n, order, ns == 0, true);
	}
	for (size_t i = 0; w.list && i < w.n; i++)
		rt_free(w.list[i]);
	rt_free(w.list);
	rt_free(w.nlist);
	rt_free(w.seen);
	rt_free(w.obj);
	if (!ok) {
		rt_free(order);
		return NULL;
	}
	*count = w.n;
	return order;
}
