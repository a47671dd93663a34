#include "view.h"
#include <stdlib.h>
#include <string.h>

const char *const view_names[BY_N] = {"object", "process", "user", "class"};

const struct column_def columns[COL_N] = {
	[COL_NAME] = {"name", "name", false, "the object (its path as /proc/PID/maps shows it), user, class, or command line"},
	[COL_PID] = {"pid", "PID", false, "process ID"},
	[COL_USER] = {"user", "user", false, "the process's owner"},
	[COL_PROCESSES] = {"processes", "procs", false, "processes mapping the object (by user: the user's processes)"},
	[COL_RSS] = {"rss", "RSS", true, "resident: pages in memory, summed over the processes (smaps Rss)"},
	[COL_PSS] = {"pss", "PSS", true, "proportional: each resident page divided by the number of its mappings (smaps Pss)"},
	[COL_USS] = {"uss", "USS", true, "unique to one process: resident pages mapped once (smem's and procrank's USS)"},
	[COL_FRAMES] = {"frames", "frames", true,
			"distinct physical frames among the processes: what they use together, each shared page once"},
	[COL_SAVED] = {"saved", "saved", true, "RSS minus frames: what sharing saves against private copies"},
	[COL_PRIVATE_DIRTY] = {"private_dirty", "priv dirty", true,
			       "anonymous pages mapped once: written copies of file pages and anonymous memory"},
	[COL_RELOC_DIRTY] = {"reloc_dirty", "reloc dirty", true,
			     "anonymous pages on the pages the object's relocations write (copied by relocation)"},
	[COL_SWAP] = {"swap", "swap", true, "swapped out (smaps Swap)"},
	[COL_SWAP_PSS] = {"swap_pss", "swap PSS", true, "swapped out, divided among the sharers (smaps SwapPss)"},
};

/* Each view's columns, before the swap columns (added where there is any swap). */
static const int view_cols[BY_N][COL_N + 1] = {
	[BY_OBJECT] = {COL_NAME, COL_PROCESSES, COL_RSS, COL_PSS, COL_USS, COL_FRAMES, COL_SAVED, COL_PRIVATE_DIRTY,
		       COL_RELOC_DIRTY, -1},
	[BY_PROCESS] = {COL_PID, COL_USER, COL_RSS, COL_PSS, COL_USS, COL_PRIVATE_DIRTY, COL_RELOC_DIRTY, COL_NAME, -1},
	[BY_USER] = {COL_USER, COL_PROCESSES, COL_RSS, COL_PSS, COL_USS, COL_PRIVATE_DIRTY, -1},
	[BY_CLASS] = {COL_NAME, COL_RSS, COL_PSS, COL_USS, COL_FRAMES, COL_SAVED, COL_PRIVATE_DIRTY, COL_RELOC_DIRTY, -1},
};

int view_default_sort(enum view_by by)
{
	return by == BY_OBJECT ? COL_RSS : by == BY_CLASS ? -1 : COL_PSS;
}

int view_column(enum view_by by, const char *key)
{
	if (strcmp(key, "name") == 0) /* every view's first text column */
		return by == BY_USER ? COL_USER : COL_NAME;
	for (int i = 0; view_cols[by][i] >= 0; i++)
		if (strcmp(columns[view_cols[by][i]].key, key) == 0)
			return view_cols[by][i];
	if (by == BY_PROCESS && strcmp(key, "command") == 0)
		return COL_NAME;
	if (strcmp(key, "swap") == 0 && by != BY_CLASS && by != BY_OBJECT)
		return COL_SWAP;
	if (strcmp(key, "swap_pss") == 0)
		return COL_SWAP_PSS;
	return -1;
}

const char *view_column_list(enum view_by by)
{
	static char buf[BY_N][256];
	char *b = buf[by];
	b[0] = 0;
	for (int i = 0; view_cols[by][i] >= 0; i++)
		strcat(strcat(b, i ? ", " : ""), by == BY_PROCESS && view_cols[by][i] == COL_NAME ? "command"
											      : columns[view_cols[by][i]].key);
	strcat(b, by == BY_CLASS || by == BY_OBJECT ? ", swap_pss" : ", swap, swap_pss");
	return b;
}

unsigned long long view_kib(const struct view *v, const struct view_row *r, int col)
{
	const struct usage *u = &r->u;
	unsigned long long frames = v->exact ? PAGES_TO_KIB(u->frames) : PSS_TO_KIB(u->pss);
	unsigned long long rss = PAGES_TO_KIB(u->rss);
	switch (col) {
	case COL_RSS: return rss;
	case COL_PSS: return PSS_TO_KIB(u->pss);
	case COL_USS: return PAGES_TO_KIB(u->uss);
	case COL_FRAMES: return frames;
	case COL_SAVED: return rss > frames ? rss - frames : 0;
	case COL_PRIVATE_DIRTY: return PAGES_TO_KIB(u->private_dirty);
	case COL_RELOC_DIRTY: return PAGES_TO_KIB(u->reloc_dirty);
	case COL_SWAP: return u->swap;
	case COL_SWAP_PSS: return PSS_TO_KIB(u->swap_pss);
	case COL_PROCESSES: return (unsigned long long)r->processes;
	case COL_PID: return (unsigned long long)r->pid;
	default: return 0;
	}
}

const char *view_name(const struct view *v, const struct view_row *r)
{
	(void)v;
	return r->name ? r->name : "";
}

static const struct view *sorting;

static int cmp_rows(const void *pa, const void *pb)
{
	const struct view_row *a = pa, *b = pb;
	const struct view *v = sorting;
	int c = v->sort_col, r;
	if (c == COL_NAME || c == COL_USER) {
		r = strcmp(c == COL_USER ? a->user ? a->user : a->name : a->name, c == COL_USER ? b->user ? b->user : b->name : b->name);
		return r; /* names ascending */
	}
	if (c == COL_PID)
		return (a->pid > b->pid) - (a->pid < b->pid);
	unsigned long long x = c == COL_PSS ? a->u.pss : view_kib(v, a, c), y = c == COL_PSS ? b->u.pss : view_kib(v, b, c);
	if (x != y)
		return x < y ? 1 : -1; /* sizes descending */
	return strcmp(a->name, b->name);
}

static void add_row(struct view *v, size_t *cap, const struct view_row *r)
{
	if (v->nrows == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		v->rows = realloc(v->rows, *cap * sizeof *v->rows);
	}
	v->rows[v->nrows++] = *r;
}

static void rows_by_object(struct view *v, const struct acct *a, size_t *cap)
{
	for (size_t i = 0; i < a->nobj; i++) {
		const struct acct_object *o = &a->obj[i];
		if (!o->total.rss && !o->total.swap)
			continue;
		add_row(v, cap, &(struct view_row){.name = o->name, .processes = o->processes, .u = o->total, .obj = o});
	}
}

static void rows_by_process(struct view *v, const struct acct *a, size_t *cap)
{
	for (size_t i = 0; i < a->nprocs; i++) {
		const struct acct_proc *p = &a->procs[i];
		add_row(v, cap,
			&(struct view_row){.name = p->command, .pid = p->pid, .user = p->user, .processes = 1, .u = p->total, .proc = p});
	}
}

static void rows_by_user(struct view *v, const struct acct *a, size_t *cap)
{
	for (size_t i = 0; i < a->nprocs; i++) {
		const struct acct_proc *p = &a->procs[i];
		size_t k = 0;
		while (k < v->nrows && strcmp(v->rows[k].name, p->user) != 0)
			k++;
		if (k == v->nrows)
			add_row(v, cap, &(struct view_row){.name = p->user, .user = p->user});
		v->rows[k].processes++;
		usage_add(&v->rows[k].u, &p->total);
	}
}

static void rows_by_class(struct view *v, const struct acct *a, size_t *cap)
{
	struct usage total, cls[MC_N];
	acct_totals(a, &total, cls);
	for (int k = 0; k < MC_N; k++)
		add_row(v, cap, &(struct view_row){.name = mem_class_names[k], .u = cls[k], .cls = k});
}

void view_build(struct view *v, const struct acct *a, const struct view_opts *o)
{
	memset(v, 0, sizeof *v);
	v->by = o->by;
	v->exact = a->exact && !a->estimated;
	for (int i = 0; view_cols[o->by][i] >= 0; i++)
		v->cols[v->ncols++] = view_cols[o->by][i];
	if (a->any_swap) {
		/* swap before the process view's command line, after everything else */
		int last = o->by == BY_PROCESS ? v->cols[--v->ncols] : -1;
		if (o->by != BY_OBJECT && o->by != BY_CLASS)
			v->cols[v->ncols++] = COL_SWAP;
		v->cols[v->ncols++] = COL_SWAP_PSS;
		if (last >= 0)
			v->cols[v->ncols++] = last;
	}
	size_t cap = 0;
	switch (o->by) {
	case BY_OBJECT: rows_by_object(v, a, &cap); break;
	case BY_PROCESS: rows_by_process(v, a, &cap); break;
	case BY_USER: rows_by_user(v, a, &cap); break;
	default: rows_by_class(v, a, &cap); break;
	}
	v->total.name = "total";
	v->total.processes = a->processes;
	for (size_t i = 0; i < v->nrows; i++)
		usage_add(&v->total.u, &v->rows[i].u);
	if (o->by == BY_OBJECT)
		acct_totals(a, &v->total.u, NULL); /* also objects with nothing resident */
	v->sort_col = o->sort ? view_column(o->by, o->sort) : view_default_sort(o->by);
	if (v->sort_col >= 0) {
		sorting = v;
		qsort(v->rows, v->nrows, sizeof *v->rows, cmp_rows);
	}
	if (o->reverse)
		for (size_t i = 0; i < v->nrows / 2; i++) {
			struct view_row t = v->rows[i];
			v->rows[i] = v->rows[v->nrows - 1 - i];
			v->rows[v->nrows - 1 - i] = t;
		}
	if (o->top > 0 && (size_t)o->top < v->nrows) {
		v->has_other = true;
		v->other.name = "other";
		v->other.grouped = v->nrows - (size_t)o->top;
		for (size_t i = (size_t)o->top; i < v->nrows; i++) {
			usage_add(&v->other.u, &v->rows[i].u);
			if (o->by == BY_USER)
				v->other.processes += v->rows[i].processes;
		}
		v->nrows = (size_t)o->top;
	}
}

void view_free(struct view *v)
{
	free(v->rows);
	memset(v, 0, sizeof *v);
}
