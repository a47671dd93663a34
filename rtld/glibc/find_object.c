/* _dl_find_object (glibc 2.35+): which object holds an address, and where its unwind tables
 * are. libgcc's unwinder asks on every C++ throw, from any thread, also while another
 * thread dlopens or dlcloses, and must not wait for them.
 *
 * The answer comes from a table sorted by address that readers use without a lock and that
 * is never changed once published: dlopen and dlclose (under LOCK_STATE) build a new one and
 * publish it with one pointer store; the old one is retired, freed only once every thread
 * that might still be searching it has left its reader section (rtld/lock.c). A reader
 * copies what it found before leaving, and never touches an object's own record. The first
 * table is made by the first reader, if no dlopen made one before. */
#include "glibc.h"
#include "../lock.h"

struct fo_entry {
	uintptr_t start, end;
	void *eh_frame;
	void *map;
};

struct fo_table {
	size_t n;
	struct fo_entry e[];
};

static struct fo_table *current;

static void sort_by_start(struct fo_entry *e, size_t n)
{
	for (size_t gap = n / 2; gap > 0; gap /= 2) /* Shell's sort: no recursion, n log n-ish */
		for (size_t i = gap; i < n; i++)
			for (size_t j = i; j >= gap && e[j - gap].start > e[j].start; j -= gap) {
				struct fo_entry t = e[j];
				e[j] = e[j - gap];
				e[j - gap] = t;
			}
}

/* ld-mmld.so when it is not on the object list: before start-up lists it (an audit module's
 * la_version asks for its caller, tst-audit28), or never, in a program that does not need it.
 * glibc's table holds ld.so from the start. */
static struct dso *self_unlisted(void)
{
	struct dso *s = R.self;
	return s && !s->next && !s->prev && R.head != s && s->personality ? s : NULL;
}

static void add_entry(struct fo_table *t, const struct dso *d)
{
	struct fo_entry *e = &t->e[t->n++];
	e->start = d->map_start;
	e->end = d->map_start + d->map_len;
	e->map = d->personality;
	e->eh_frame = NULL;
	for (size_t i = 0; i < d->phnum; i++)
		if (d->phdr[i].p_type == PT_GNU_EH_FRAME)
			e->eh_frame = (void *)(d->load_bias + d->phdr[i].p_vaddr);
}

/* A table of the objects loaded now (sorted), or NULL when out of memory. */
static struct fo_table *build(void)
{
	struct dso *self = self_unlisted();
	size_t n = self != NULL;
	/* table() builds the first one as a lock-free reader: the list as deps_append and
	 * deps_remove publish it (release stores), with acquire loads. */
	for (struct dso *d = __atomic_load_n(&R.head, __ATOMIC_ACQUIRE); d; d = __atomic_load_n(&d->next, __ATOMIC_ACQUIRE))
		n += !d->missing && d->map_len;
	struct fo_table *t = rt_malloc(sizeof *t + n * sizeof t->e[0]);
	if (!t)
		return NULL;
	t->n = 0;
	if (self)
		add_entry(t, self);
	for (struct dso *d = __atomic_load_n(&R.head, __ATOMIC_ACQUIRE); d; d = __atomic_load_n(&d->next, __ATOMIC_ACQUIRE)) {
		if (d->missing || !d->map_len || t->n == n)
			continue; /* (a reader: objects appended since the count are left out) */
		add_entry(t, d);
	}
	sort_by_start(t->e, t->n);
	return t;
}

/* Under LOCK_STATE, after the objects changed. */
void glibc_find_object_publish(void)
{
	struct fo_table *t = build();
	if (!t)
		die_load(NULL, "out of memory");
	struct fo_table *old = current;
	__atomic_store_n(&current, t, __ATOMIC_RELEASE);
	retire(old);
}

/* The table in use; the first one is made by the first reader (start-up makes none: most
 * programs never throw), installed only if no writer published one meanwhile. */
static const struct fo_table *table(void)
{
	struct fo_table *t = __atomic_load_n(&current, __ATOMIC_ACQUIRE), *expected = NULL;
	if (t)
		return t;
	t = build();
	if (t && !__atomic_compare_exchange_n(&current, &expected, t, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		rt_free(t); /* never published: nobody else saw it */
		t = expected;
	}
	return t;
}

int glibc_dl_find_object(void *pc, struct dl_find_object *out)
{
	uintptr_t a = (uintptr_t)pc;
	bool reading = scope_enter();
	const struct fo_table *t = table();
	size_t lo = 0, hi = t ? t->n : 0;
	while (lo < hi) { /* the last entry starting at or below a */
		size_t mid = lo + (hi - lo) / 2;
		if (t->e[mid].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	int r = -1;
	if (lo > 0 && a < t->e[lo - 1].end) {
		const struct fo_entry *e = &t->e[lo - 1];
		out->dlfo_flags = 0;
		out->dlfo_map_start = (void *)e->start;
		out->dlfo_map_end = (void *)e->end;
		out->dlfo_link_map = e->map;
		out->dlfo_eh_frame = e->eh_frame;
		r = 0;
	}
	scope_leave(reading);
	return r;
}
