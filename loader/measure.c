/* One process, page by page: which object and segment class each resident page belongs to,
 * and what the kernel says of it (present, anonymous, frame number and its map count). The
 * process may be running: one that exits while being read is taken out again. */
#include "account.h"
#include "cache.h"
#include "procsel.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ANON_PREFIX "[anon:mmld:"
/* pagemap is read a span of neighbouring mappings at a time, at most this many pages. */
#define SPAN_PAGES 65536
#define SPAN_GAP 32

/* The ELF object a mapping is part of: its file, the object whose relocated pages a
 * relocation cache entry holds, or (MMLD_LOAD=read) the file ld-mmld.so named the anonymous
 * copy after. NULL if none. */
static const char *object_path(const struct mapping *m, char *buf, size_t len)
{
	const char *cached = m->path[0] == '/' ? cache_object_of(m->path) : NULL;
	if (cached)
		return cached;
	if (m->path[0] == '/')
		return m->path;
	if (strncmp(m->path, ANON_PREFIX, strlen(ANON_PREFIX)) == 0) {
		snprintf(buf, len, "%s", m->path + strlen(ANON_PREFIX));
		buf[strcspn(buf, "]")] = 0;
		return buf;
	}
	return NULL;
}

/* What one mapping is, once the process's mappings have all been seen. */
struct map_attr {
	bool wanted;                /* counted (--object) */
	size_t obj;                 /* its object in the accounting */
	const struct elf_info *elf; /* the object's ELF description, NULL if none */
	uintptr_t bias;             /* load bias of the object in this process */
	int cls;                    /* its class, if one for the whole mapping; -1: by ELF page */
};

/* An object of this process: where it was loaded. */
struct proc_object {
	size_t obj;
	const struct elf_info *elf;
	uintptr_t bias;
};

struct walk {
	struct acct *a;
	pid_t pid;
	size_t proc;
	struct mapping *m;
	int n;
	struct map_attr *attr;
	struct proc_object *po;
	int npo, cappo;
	const struct known_object *known;
	int nknown;
	bool swapped; /* a page was seen in swap: smaps says how much */
};

/* The ELF facts of the file mapping m maps, as this process maps it (a library deleted by
 * an upgrade, a file of another mount namespace: not whatever its path names now). A file
 * that cannot be read as mapped gets a note and its pages are classed by their protections. */
static const struct elf_info *mapped_elf(struct walk *w, const struct mapping *m, const char *path)
{
	if (!m || !m->inode || strcmp(m->path, path) != 0) /* a relocation cache entry, an anonymous copy */
		return NULL;
	bool unreadable = false;
	const struct elf_info *e = elfinfo_get_mapped(w->pid, m->start, m->end, m->dev, m->inode, path, &unreadable);
	if (unreadable && !strstr(w->a->notes, path)) /* once, however many processes map it */
		acct_note(w->a, "%s: not readable as mapped (deleted or replaced since, or in another mount namespace, "
				"and /proc/PID/map_files needs root): its pages classed by their protections", path);
	return e;
}

static struct proc_object *proc_object(struct walk *w, const char *path, const struct mapping *m)
{
	const struct elf_info *e = NULL;
	size_t obj = acct_object(w->a, path, NULL);
	for (int k = 0; k < w->npo; k++)
		if (w->po[k].obj == obj)
			return &w->po[k];
	struct acct_object *o = &w->a->obj[obj];
	if (m && m->inode && strcmp(m->path, path) == 0)
		e = mapped_elf(w, m, path);
	else {
		struct elf_info *ei = elfinfo_get(path);
		e = ei && ei->ok ? ei : NULL;
	}
	if (!o->elf)
		o->elf = e;
	if (w->npo == w->cappo) {
		w->cappo = w->cappo ? w->cappo * 2 : 64;
		w->po = realloc(w->po, (size_t)w->cappo * sizeof *w->po);
	}
	w->po[w->npo] = (struct proc_object){obj, e, UINTPTR_MAX};
	return &w->po[w->npo++];
}

/* A class from the protections alone: files that are not ELF, pages outside any segment. */
static int class_by_perms(const struct mapping *m)
{
	return m->perms[2] == 'x' ? MC_TEXT : m->perms[1] == 'w' ? MC_DATA : MC_RODATA;
}

/* Pass 1: each mapping's object and class, each object's load bias (its lowest mapping). */
static void attribute(struct walk *w)
{
	char buf[4096];
	for (int i = 0; i < w->n; i++) {
		const char *path = object_path(&w->m[i], buf, sizeof buf);
		if (!path || !acct_object_wanted(w->a, path))
			continue;
		struct proc_object *p = proc_object(w, path, &w->m[i]);
		if (w->m[i].start < p->bias)
			p->bias = w->m[i].start;
		const char *base = strrchr(path, '/');
		if (base && strncmp(base, "/ld-", 4) == 0 && strstr(base, ".so"))
			w->a->procs[w->proc].loader = w->a->obj[p->obj].name;
	}
	for (int k = 0; k < w->npo; k++)
		if (w->po[k].elf)
			w->po[k].bias -= elfinfo_first_page(w->po[k].elf);

	struct proc_object *prev = NULL;
	uintptr_t prev_end = 0;
	for (int i = 0; i < w->n; i++) {
		struct mapping *mp = &w->m[i];
		struct map_attr *at = &w->attr[i];
		const char *path = object_path(mp, buf, sizeof buf);
		const char *name = NULL;
		struct proc_object *owner = NULL;
		at->cls = -1;
		if (path) {
			name = path;
			if (acct_object_wanted(w->a, path))
				owner = proc_object(w, path, mp); /* found, from the first pass */
			if (owner && !owner->elf)
				at->cls = class_by_perms(mp);
		} else if (!mp->path[0] && prev && prev->elf && mp->start == prev_end &&
			   elfinfo_class(prev->elf, mp->start - prev->bias) >= 0) {
			owner = prev; /* bss beyond the last file page */
			name = w->a->obj[prev->obj].name;
		} else if (strcmp(mp->path, "[heap]") == 0) {
			name = mp->path;
			at->cls = MC_HEAP;
		} else if (strcmp(mp->path, "[stack]") == 0) {
			name = mp->path;
			at->cls = MC_STACK;
		} else if (strcmp(mp->path, "[vdso]") == 0 || strncmp(mp->path, "[vvar", 5) == 0) {
			name = mp->path;
			at->cls = class_by_perms(mp);
		} else {
			name = mp->path[0] ? mp->path : "[anon]";
			at->cls = MC_ANON;
		}
		at->wanted = path ? owner != NULL : acct_object_wanted(w->a, name);
		if (at->wanted) {
			at->obj = owner ? owner->obj : acct_object(w->a, name, NULL);
			at->elf = owner ? owner->elf : NULL;
			at->bias = owner ? owner->bias : 0;
		}
		if (owner) {
			prev = owner;
			prev_end = mp->end;
		} else if (mp->path[0]) {
			prev = NULL;
		}
	}
}

/* The object whose span (as ld-mmld.so reported it) holds address addr. */
static struct proc_object *known_owner(struct walk *w, uintptr_t addr)
{
	for (int i = 0; i < w->nknown; i++) {
		const struct known_object *k = &w->known[i];
		if (addr < k->start || addr >= k->end || k->path[0] != '/' || !acct_object_wanted(w->a, k->path))
			continue;
		struct proc_object *p = proc_object(w, k->path, NULL);
		p->bias = k->bias;
		return p;
	}
	return NULL;
}

/* The class of the page at addr of a mapping. */
static int page_class(const struct mapping *mp, const struct map_attr *at, uintptr_t addr)
{
	if (at->cls >= 0)
		return at->cls;
	int c = at->elf ? elfinfo_class(at->elf, addr - at->bias) : -1;
	return c >= 0 ? c : class_by_perms(mp);
}

static bool reloc_page(const struct map_attr *at, uintptr_t addr)
{
	return at->elf && elfinfo_reloc_page(at->elf, (addr - at->bias) & ~4095ULL);
}

/* Counts the pages [from, to) of mapping i, their pagemap entries in words. */
static void count_pages(struct walk *w, int i, uintptr_t from, uintptr_t to, const uint64_t *words)
{
	struct mapping *mp = &w->m[i];
	const struct map_attr *at = &w->attr[i];
	bool readable = mp->perms[0] == 'r' || mp->perms[2] == 'x';
	bool exact = w->a->pfns_visible;
	struct usage *u = NULL;
	int ucls = -1;
	for (uintptr_t addr = from; addr < to; addr += 4096) {
		uint64_t word = *words++;
		if (word & PM_SWAP)
			w->swapped = true;
		struct map_attr ka;
		const struct map_attr *pa = at;
		struct usage *pu;
		struct proc_object *kown;
		if (!mp->path[0] && w->nknown && (word & PM_PRESENT) && (kown = known_owner(w, addr))) {
			/* A copy ld-mmld.so made with read() (MMLD_LOAD=read): its object's page. */
			ka = (struct map_attr){true, kown->obj, kown->elf, kown->bias, -1};
			pa = &ka;
			pu = acct_use(w->a, w->proc, kown->obj, page_class(mp, pa, addr));
			pu->mapped++;
		} else if (!at->wanted) {
			continue;
		} else {
			int cls = page_class(mp, at, addr);
			if (cls != ucls) {
				u = acct_use(w->a, w->proc, at->obj, cls);
				ucls = cls;
			}
			pu = u;
			if (readable)
				pu->mapped++;
		}
		if (!(word & PM_PRESENT))
			continue;
		if (exact)
			acct_page(w->a, pu, word, frame_table_get(&w->a->frames, word & PM_PFN_MASK), reloc_page(pa, addr));
		else if (!(word & PM_FILE) && reloc_page(pa, addr))
			pu->reloc_dirty++; /* the rest comes from smaps */
	}
}

/* Reads pagemap for [start, end) and counts the pages of mappings i..j-1 in it. */
static int read_span(struct walk *w, struct pagemap_reader *pr, int i, int j, uintptr_t start, uintptr_t end)
{
	const uint64_t *words = pagemap_words(pr, start, end);
	if (!words)
		return -1;
	if (w->a->pfns_visible)
		frame_table_fill(&w->a->frames, words, (end - start) / 4096);
	for (int k = i; k < j; k++) {
		uintptr_t from = w->m[k].start > start ? w->m[k].start : start;
		uintptr_t to = w->m[k].end < end ? w->m[k].end : end;
		if (from < to)
			count_pages(w, k, from, to, words + (from - start) / 4096);
	}
	return 0;
}

/* Pass 2: pagemap, one read for a span of neighbouring mappings (a large mapping alone, in
 * pieces). 0, or -1 if the process is gone. */
static int walk_pages(struct walk *w, struct pagemap_reader *pr)
{
	for (int i = 0; i < w->n;) {
		/* [vsyscall] is above the process's address space: pagemap has nothing there. */
		if (strcmp(w->m[i].path, "[vsyscall]") == 0) {
			i++;
			continue;
		}
		int j = i + 1;
		while (j < w->n && w->m[j].start - w->m[j - 1].end <= SPAN_GAP * 4096UL &&
		       (w->m[j].end - w->m[i].start) / 4096 <= SPAN_PAGES && strcmp(w->m[j].path, "[vsyscall]") != 0)
			j++;
		for (uintptr_t s = w->m[i].start, end = w->m[j - 1].end; s < end;) {
			uintptr_t e = end - s > SPAN_PAGES * 4096UL ? s + SPAN_PAGES * 4096UL : end;
			if (read_span(w, pr, i, j, s, e) < 0)
				return -1;
			s = e;
		}
		i = j;
	}
	return 0;
}

static int find_mapping(const struct walk *w, uintptr_t start)
{
	int lo = 0, hi = w->n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (w->m[mid].start == start)
			return mid;
		if (w->m[mid].start < start)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* What smaps adds: without frame numbers, each mapping's Rss, Pss, USS and private dirty
 * (the class of its first page takes them all, so no class has more PSS than RSS); swap in
 * either mode. 0, or -1 if the process is gone. */
static int add_smaps(struct walk *w, bool fallback)
{
	struct smaps_entry *e;
	int ne = proc_smaps(w->pid, &e);
	if (ne < 0)
		return -1;
	for (int k = 0; k < ne; k++) {
		int i = find_mapping(w, e[k].start);
		if (i < 0 || !w->attr[i].wanted)
			continue;
		if (!fallback && !e[k].swap && !e[k].swap_pss)
			continue;
		struct usage *u = acct_use(w->a, w->proc, w->attr[i].obj, page_class(&w->m[i], &w->attr[i], e[k].start));
		if (fallback) {
			u->rss += e[k].rss / 4;
			u->pss += (uint64_t)e[k].pss << (PSS_SHIFT + 10);
			u->uss += (e[k].private_clean + e[k].private_dirty) / 4;
			u->private_dirty += e[k].private_dirty / 4;
		}
		u->swap += e[k].swap;
		u->swap_pss += (uint64_t)e[k].swap_pss << (PSS_SHIFT + 10);
		if (e[k].swap)
			w->a->any_swap = true;
	}
	free(e);
	return 0;
}

static int measure_mappings(struct walk *w)
{
	struct pagemap_reader pr;
	if (pagemap_open(&pr, w->pid) < 0)
		return -1;
	attribute(w);
	int rc = walk_pages(w, &pr);
	pagemap_close(&pr);
	bool fallback = !w->a->pfns_visible;
	if (rc == 0 && (fallback || w->swapped))
		rc = add_smaps(w, fallback);
	return rc;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int measure_process(struct acct *a, pid_t pid, pid_t via, const struct known_object *known, int nknown);

int acct_process(struct acct *a, pid_t pid, const struct known_object *known, int nknown)
{
	return acct_process_via(a, pid, pid, known, nknown);
}

int acct_process_via(struct acct *a, pid_t pid, pid_t via, const struct known_object *known, int nknown)
{
	uint64_t t0 = now_ns();
	int rc = measure_process(a, pid, via, known, nknown);
	int e = errno;
	a->measure_ns += now_ns() - t0;
	errno = e;
	return rc;
}

static int measure_process(struct acct *a, pid_t pid, pid_t via, const struct known_object *known, int nknown)
{
	struct acct_proc info;
	if (proc_info(via, &info) < 0)
		return -1;
	info.pid = pid;
	struct walk w = {.a = a, .pid = via, .known = known, .nknown = nknown};
	w.n = proc_maps(via, &w.m);
	if (w.n <= 0) {
		int e = w.n < 0 ? errno : 0;
		free(info.user);
		free(info.command);
		for (char **v = info.argv; v && *v; v++)
			free(*v);
		free(info.argv);
		if (w.n == 0)
			free(w.m);
		errno = e;
		return w.n < 0 ? -1 : 1; /* 1: no memory of its own (a kernel thread, a zombie) */
	}
	info.exact = a->pfns_visible;
	w.proc = acct_add_proc(a, &info);
	w.attr = calloc((size_t)w.n, sizeof *w.attr);
	int rc = w.attr ? measure_mappings(&w) : -1;
	if (rc < 0) {
		acct_drop_last_proc(a);
		errno = ESRCH;
	} else {
		a->processes++;
		if (a->pfns_visible)
			a->exact = true;
		else
			a->estimated = true;
	}
	free(w.attr);
	free(w.po);
	proc_maps_free(w.m, w.n);
	return rc;
}

int known_objects_read(const char *dir, pid_t pid, struct known_object **out)
{
	char name[4096];
	snprintf(name, sizeof name, "%s/%d", dir, (int)pid);
	FILE *f = fopen(name, "r");
	*out = NULL;
	if (!f)
		return 0;
	int n = 0;
	struct known_object *k = NULL;
	unsigned long bias, start, len;
	char path[4096];
	while (fscanf(f, "%lx %lx %lx %4095[^\n]\n", &bias, &start, &len, path) == 4) {
		/* /proc names files by their canonical path (/usr/lib/..., not /lib/...). */
		char real[4096];
		k = realloc(k, (size_t)(n + 1) * sizeof *k);
		k[n] = (struct known_object){bias, start, start + len, strdup(realpath(path, real) ? real : path)};
		n++;
	}
	fclose(f);
	*out = k;
	return n;
}
