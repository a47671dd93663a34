/* One stop of mmld pages: every ELF object mapped in the process, its load bias, and what
 * /proc/PID/pagemap says of each of its pages; the GOT slots lazy binding writes; the
 * DT_DEBUG word the loader fills. */
#include "pages.h"
#include "proc.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PG 4096ULL
/* The most pages of one object followed (4 GiB of span; libLLVM, among the largest
 * libraries, spans 25,000): each costs its facts and a state per stop, ~170 bytes. A span
 * beyond is a hostile file's huge hole (a segment at 2^39 that a loader did map, reserving
 * the space between as PROT_NONE); its first 4 GiB are shown. */
#define MAX_SPAN_PAGES (1ULL << 20)

struct pobject *pagesnap_find(struct pages_run *r, const char *path)
{
	for (size_t i = 0; i < r->nobj; i++)
		if (strcmp(r->obj[i].path, path) == 0)
			return &r->obj[i];
	return NULL;
}

/* How many bytes, from the first mapping of path on, the process has mapped for it: up to
 * the end of its last mapping, and the anonymous mappings right after that (bss, the heap
 * it may merge with). An object's span beyond that is not its own: its headers say more
 * than any loader mapped (a fuzzed file mapped as data; the first segments of one the
 * loader refused), and its page arrays must not follow the file's word. */
static uint64_t mapped_extent(const struct mapping *m, int n, const char *path)
{
	int first = -1, last = -1;
	for (int i = 0; i < n; i++)
		if (strcmp(m[i].path, path) == 0) {
			if (first < 0)
				first = i;
			last = i;
		}
	if (first < 0)
		return 0;
	uintptr_t end = m[last].end;
	for (int i = last + 1; i < n && m[i].start == end && m[i].path[0] != '/'; i++)
		end = m[i].end;
	return end - m[first].start;
}

/* The object for an ELF file first seen at this stop: its span (at most what is mapped of
 * it) and what its file says. */
static struct pobject *add_object(struct pages_run *r, const char *path, const struct elf_info *e, int stop,
				  uint64_t extent)
{
	r->obj = realloc(r->obj, (r->nobj + 1) * sizeof *r->obj);
	struct pobject *o = &r->obj[r->nobj++];
	memset(o, 0, sizeof *o);
	o->path = strdup(path);
	o->e = e;
	o->first_stop = stop;
	o->bias = UINTPTR_MAX;
	o->lo = elfinfo_first_page(e);
	uint64_t hi = 0;
	for (size_t s = 0; s < e->nsegs; s++)
		if (e->segs[s].vaddr + e->segs[s].memsz > hi)
			hi = e->segs[s].vaddr + e->segs[s].memsz;
	o->hi = (hi + PG - 1) & ~(PG - 1);
	uint64_t limit = extent < MAX_SPAN_PAGES * PG ? extent & ~(PG - 1) : MAX_SPAN_PAGES * PG;
	if (o->hi - o->lo > limit) {
		if (!r->span_note[0])
			snprintf(r->span_note, sizeof r->span_note, "%s: its segments span %lu pages, more than %s: only the first %lu "
				 "are shown", path, (unsigned long)((o->hi - o->lo) / PG),
				 limit == MAX_SPAN_PAGES * PG ? "mmld pages follows of one object" : "is mapped of it",
				 (unsigned long)(limit / PG));
		o->hi = o->lo + limit;
	}
	o->npages = (o->hi - o->lo) / PG;
	o->is_loader = r->loader_path && strcmp(path, r->loader_path) == 0;
	for (int k = 0; k < NSTOPS; k++)
		o->state[k] = calloc(o->npages ? o->npages : 1, 1);
	pagefacts_fill(o);
	return o;
}

#define KPF_ZERO_PAGE 24

/* One pagemap entry as a state. Not a page-cache page: this process's own if only it maps
 * it; otherwise, if /proc/kpageflags says so, the shared zero page a read of bss maps (not
 * root: no frame number, so every such page is counted as the zero page). */
static enum pstate page_state(uint64_t w, int kpageflags, bool *exact)
{
	if (!(w & PM_PRESENT))
		return PS_ABSENT;
	if (w & PM_FILE)
		return PS_FILE;
	if (w & PM_EXCLUSIVE)
		return PS_PRIVATE;
	uint64_t pfn = w & PM_PFN_MASK, flags = 0;
	if (!pfn || kpageflags < 0 || pread(kpageflags, &flags, 8, (off_t)(pfn * 8)) != 8)
		return PS_ZERO;
	*exact = true;
	return (flags >> KPF_ZERO_PAGE) & 1 ? PS_ZERO : PS_PRIVATE;
}

static void read_slots(struct pobject *o, int mem, int stop)
{
	for (size_t i = 0; i < o->nslots; i++) {
		uint64_t v;
		if (pread(mem, &v, 8, (off_t)(o->bias + o->slots[i].where)) == 8) {
			o->slots[i].value[stop] = v;
			o->slots[i].seen[stop] = true;
		}
	}
}

/* DT_DEBUG: a word of .dynamic the loader fills with r_debug's address, for debuggers. */
static void find_dt_debug(struct pobject *o, int mem)
{
	/* The section header's size, clamped to the object's span (pagefacts.c). */
	uint64_t end = elfinfo_end(o->dynamic, o->dynamic_size);
	if (end > o->hi)
		end = o->hi;
	for (uint64_t a = o->dynamic; o->dynamic && a < end && end - a >= 16; a += 16) {
		int64_t d[2];
		if (pread(mem, d, 16, (off_t)(o->bias + a)) != 16 || d[0] == 0 /* DT_NULL */)
			return;
		if (d[0] == 21 /* DT_DEBUG */ && d[1])
			o->dt_debug = a + 8;
	}
}

static void read_pages(struct pages_run *r, struct pobject *o, struct pagemap_reader *pr, int kpageflags, int stop)
{
	const uint64_t *w = pagemap_words(pr, o->bias + o->lo, o->bias + o->hi);
	for (size_t i = 0; w && i < o->npages; i++)
		if (o->facts[i].seg_flags)
			o->state[stop][i] = (uint8_t)page_state(w[i], kpageflags, &r->exact);
}

int pagesnap_take(struct pages_run *r, pid_t pid, int stop)
{
	struct mapping *m;
	int n = proc_maps(pid, &m);
	if (n < 0)
		return -1;
	struct pagemap_reader pr;
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/mem", (int)pid);
	int mem = open(name, O_RDONLY | O_CLOEXEC);
	int kpageflags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (pagemap_open(&pr, pid) < 0 || mem < 0) {
		proc_maps_free(m, n);
		if (mem >= 0)
			close(mem);
		return -1;
	}
	/* Each object's lowest mapping at this stop gives its load bias. */
	uintptr_t *low = calloc((size_t)n + 1, sizeof *low);
	size_t *seen = calloc((size_t)n + 1, sizeof *seen); /* indexes into r->obj, which grows */
	size_t nseen = 0;
	for (int i = 0; i < n; i++) {
		if (m[i].path[0] != '/')
			continue;
		const struct elf_info *e = elfinfo_get(m[i].path);
		if (!e->ok || e->unloadable[0])
			continue; /* locale archives, caches: not ELF objects; files mapped as data
				   * whose headers no loader would load (their span is not theirs) */
		struct pobject *o = pagesnap_find(r, m[i].path);
		if (!o)
			o = add_object(r, m[i].path, e, stop, mapped_extent(m, n, m[i].path));
		size_t idx = (size_t)(o - r->obj), k = 0;
		while (k < nseen && seen[k] != idx)
			k++;
		if (k == nseen) {
			seen[nseen] = idx;
			low[nseen++] = m[i].start;
		}
	}
	for (size_t k = 0; k < nseen; k++) {
		struct pobject *o = &r->obj[seen[k]];
		o->bias = low[k] - o->lo;
		o->seen[stop] = true;
		read_pages(r, o, &pr, kpageflags, stop);
		read_slots(o, mem, stop);
		find_dt_debug(o, mem);
	}
	r->taken[stop] = true;
	free(low);
	free(seen);
	close(mem);
	if (kpageflags >= 0)
		close(kpageflags);
	pagemap_close(&pr);
	proc_maps_free(m, n);
	return 0;
}
