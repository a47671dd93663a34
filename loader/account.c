#include "account.h"
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const mem_class_names[MC_N] = {"text", "rodata", "relro", "data", "bss", "heap", "stack", "anon"};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	void *np = realloc(p, c * size);
	if (!np) {
		fprintf(stderr, "mmld share: out of memory\n");
		exit(1);
	}
	*cap = c;
	return np;
}

void usage_add(struct usage *to, const struct usage *u)
{
	to->mapped += u->mapped;
	to->rss += u->rss;
	to->pss += u->pss;
	to->uss += u->uss;
	to->frames += u->frames;
	to->private_dirty += u->private_dirty;
	to->reloc_dirty += u->reloc_dirty;
	to->swap += u->swap;
	to->swap_pss += u->swap_pss;
}

static void proc_free(struct acct_proc *p);

/* Does pagemap show this caller frame numbers (CAP_SYS_ADMIN)? Asked of a page of our own
 * stack, which is resident. */
static bool pfns_visible(void)
{
	volatile char here = 1;
	struct pagemap_reader r;
	if (pagemap_open(&r, getpid()) < 0)
		return false;
	uintptr_t page = (uintptr_t)&here & ~4095UL;
	const uint64_t *w = pagemap_words(&r, page, page + 4096);
	bool visible = w && (w[0] & PM_PRESENT) && (w[0] & PM_PFN_MASK);
	pagemap_close(&r);
	return visible && here;
}

void acct_init(struct acct *a) { acct_init_with(a, "/proc/kpagecount"); }

void acct_init_with(struct acct *a, const char *kpagecount)
{
	memset(a, 0, sizeof *a);
	frame_table_init(&a->frames, kpagecount);
	a->pfns_visible = a->frames.kpagecount >= 0 && pfns_visible();
}

void acct_free(struct acct *a)
{
	for (size_t i = 0; i < a->nobj; i++)
		free(a->obj[i].name);
	for (size_t i = 0; i < a->nprocs; i++)
		proc_free(&a->procs[i]);
	if (a->object_re) {
		regfree(a->object_re);
		free(a->object_re);
	}
	free(a->obj);
	free(a->index);
	free(a->procs);
	free(a->rec);
	free(a->slot_rec);
	free(a->slot_stamp);
	free(a->counted);
	frame_table_free(&a->frames);
	memset(a, 0, sizeof *a);
	a->frames.kpagecount = -1;
}

int acct_set_object_filter(struct acct *a, const char *regex, char *why, size_t len)
{
	regex_t *re = malloc(sizeof *re);
	int err = re ? regcomp(re, regex, REG_EXTENDED | REG_NOSUB) : REG_ESPACE;
	if (err) {
		if (re)
			regerror(err, re, why, len);
		free(re);
		return -1;
	}
	a->object_re = re;
	a->object_filter = regex;
	return 0;
}

bool acct_object_wanted(const struct acct *a, const char *name)
{
	return !a->object_re || regexec(a->object_re, name, 0, NULL, 0) == 0;
}

static size_t hash_name(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void index_insert(size_t *index, size_t cap, const char *name, size_t i)
{
	for (size_t j = hash_name(name) & (cap - 1);; j = (j + 1) & (cap - 1))
		if (!index[j]) {
			index[j] = i + 1;
			return;
		}
}

size_t acct_object(struct acct *a, const char *name, const struct elf_info *elf)
{
	if (a->capindex) {
		for (size_t j = hash_name(name) & (a->capindex - 1); a->index[j]; j = (j + 1) & (a->capindex - 1))
			if (strcmp(a->obj[a->index[j] - 1].name, name) == 0)
				return a->index[j] - 1;
	}
	a->obj = grow(a->obj, &a->capobj, a->nobj + 1, sizeof *a->obj);
	struct acct_object *o = &a->obj[a->nobj];
	memset(o, 0, sizeof *o);
	o->name = strdup(name);
	o->elf = elf;
	o->last_proc = -1;
	if ((a->nobj + 1) * 2 > a->capindex) {
		size_t cap = a->capindex ? a->capindex * 2 : 256;
		size_t *index = calloc(cap, sizeof *index);
		if (!index) {
			fprintf(stderr, "mmld share: out of memory\n");
			exit(1);
		}
		for (size_t i = 0; i < a->nobj; i++)
			index_insert(index, cap, a->obj[i].name, i);
		free(a->index);
		a->index = index;
		a->capindex = cap;
	}
	index_insert(a->index, a->capindex, name, a->nobj);
	return a->nobj++;
}

size_t acct_add_proc(struct acct *a, const struct acct_proc *p)
{
	a->procs = grow(a->procs, &a->capprocs, a->nprocs + 1, sizeof *a->procs);
	a->procs[a->nprocs] = *p;
	a->proc_first_rec = a->nrec;
	a->ncounted = 0;
	return a->nprocs++;
}

static void proc_free(struct acct_proc *p)
{
	free(p->user);
	free(p->command);
	for (char **v = p->argv; v && *v; v++)
		free(*v);
	free(p->argv);
}

void acct_drop_last_proc(struct acct *a)
{
	for (size_t i = 0; i < a->ncounted; i++)
		frame_table_get(&a->frames, a->counted[i])->counted = false;
	a->ncounted = 0;
	a->nrec = a->proc_first_rec;
	proc_free(&a->procs[--a->nprocs]);
	/* The slots of the dropped process's records must not be found by the next process. */
	for (size_t i = 0; i < a->capslot; i++)
		if (a->slot_stamp[i] == a->nprocs + 1)
			a->slot_stamp[i] = 0;
}

struct usage *acct_use(struct acct *a, size_t proc, size_t obj, int cls)
{
	size_t need = a->nobj * MC_N;
	if (need > a->capslot) {
		size_t cap = a->capslot ? a->capslot : 1024;
		while (cap < need)
			cap *= 2;
		size_t *rec = realloc(a->slot_rec, cap * sizeof *rec);
		uint32_t *stamp = realloc(a->slot_stamp, cap * sizeof *stamp);
		if (!rec || !stamp) {
			fprintf(stderr, "mmld share: out of memory\n");
			exit(1);
		}
		memset(stamp + a->capslot, 0, (cap - a->capslot) * sizeof *stamp);
		a->slot_rec = rec;
		a->slot_stamp = stamp;
		a->capslot = cap;
	}
	size_t s = obj * MC_N + (size_t)cls;
	if (a->slot_stamp[s] == proc + 1)
		return &a->rec[a->slot_rec[s]].u;
	a->rec = grow(a->rec, &a->caprec, a->nrec + 1, sizeof *a->rec);
	struct acct_record *r = &a->rec[a->nrec];
	memset(r, 0, sizeof *r);
	r->proc = (uint32_t)proc;
	r->obj = (uint32_t)obj;
	r->cls = (uint8_t)cls;
	a->slot_stamp[s] = (uint32_t)proc + 1;
	a->slot_rec[s] = a->nrec++;
	return &r->u;
}

void acct_page(struct acct *a, struct usage *u, uint64_t word, struct frame *f, bool reloc)
{
	if (!(word & PM_PRESENT) || !f || !f->mapcount)
		return;
	u->rss++;
	u->pss += f->mapcount > 1 ? PSS_PAGE / f->mapcount : PSS_PAGE;
	if (f->mapcount == 1)
		u->uss++;
	if (!f->counted) {
		f->counted = true;
		u->frames++;
		a->counted = grow(a->counted, &a->capcounted, a->ncounted + 1, sizeof *a->counted);
		a->counted[a->ncounted++] = f->pfn;
	}
	/* Not a file page: a written copy of one (copy on write), or anonymous from birth. */
	bool anon = !(word & PM_FILE);
	if (anon && f->mapcount == 1)
		u->private_dirty++;
	if (anon && reloc)
		u->reloc_dirty++;
}

void acct_finish(struct acct *a)
{
	for (size_t i = 0; i < a->nobj; i++) {
		struct acct_object *o = &a->obj[i];
		memset(&o->total, 0, sizeof o->total);
		memset(o->cls, 0, sizeof o->cls);
		o->processes = 0;
		o->last_proc = -1;
	}
	for (size_t i = 0; i < a->nprocs; i++)
		memset(&a->procs[i].total, 0, sizeof a->procs[i].total);
	for (size_t i = 0; i < a->nrec; i++) {
		const struct acct_record *r = &a->rec[i];
		struct acct_object *o = &a->obj[r->obj];
		usage_add(&o->total, &r->u);
		usage_add(&o->cls[r->cls], &r->u);
		usage_add(&a->procs[r->proc].total, &r->u);
		if (o->last_proc != (int)r->proc && (r->u.mapped || r->u.rss)) {
			o->last_proc = (int)r->proc;
			o->processes++;
		}
	}
}

void acct_totals(const struct acct *a, struct usage *total, struct usage cls[MC_N])
{
	memset(total, 0, sizeof *total);
	if (cls)
		memset(cls, 0, MC_N * sizeof *cls);
	for (size_t i = 0; i < a->nobj; i++) {
		usage_add(total, &a->obj[i].total);
		for (int k = 0; cls && k < MC_N; k++)
			usage_add(&cls[k], &a->obj[i].cls[k]);
	}
}

void acct_note(struct acct *a, const char *fmt, ...)
{
	size_t len = strlen(a->notes);
	if (len + 8 >= sizeof a->notes)
		return;
	if (len)
		len += (size_t)snprintf(a->notes + len, sizeof a->notes - len, "; ");
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(a->notes + len, sizeof a->notes - len, fmt, ap);
	va_end(ap);
	if (n < 0 || len + (size_t)n >= sizeof a->notes)
		snprintf(a->notes + sizeof a->notes - 5, 5, "...");
}
