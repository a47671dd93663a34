/* The pages a large table's RELATIVE relocations will write, made private ahead of them by
 * madvise(MADV_POPULATE_WRITE) (Linux 5.14+), one call per block of the table.
 *
 * Why: each relocated page of a MAP_PRIVATE file mapping is otherwise copied on its first
 * write, one page fault each (libLLVM-14: about 1,900). Populating a run of pages makes the
 * same copies in one system call, without the fault per page. Only pages a relocation writes
 * are populated, never their neighbours, so the process's private memory stays what
 * relocation makes it (smaps' Private_Dirty is unchanged).
 *
 * Which pages, cheaply: the linker sorts DT_RELA's RELATIVE entries by address (-z combreloc)
 * and puts them first. Two sorted entries whose pages are equal or adjacent leave no page
 * between them unwritten; so the pages of a block are proven by probes about a page apart
 * (bisecting where a step spans more), about one probe per page instead of a look at every
 * entry. The probes stay inside the block reloc.c is about
 * to apply, so they bring in no memory it would not read anyway (a walk over the whole table
 * first cost more than the faults it saved). An entry that is not RELATIVE, lies outside the
 * writable span or is out of order ends the proof there: every page populated is the page of a
 * RELATIVE entry inside the span, which reloc.c writes. Small tables, RELR and the PLT keep
 * their page faults: a handful of pages, where a system call saves nothing. */
#include "reloc_prefault.h"

#define MADV_POPULATE_WRITE_ 23

/* Runs shorter than this are left to the page faults: the system call and the bisection cost
 * about what a fault or two does. */
#define PREFAULT_MIN_PAGES 4
/* Tables smaller than this (six pages of RELATIVE entries) are not looked at. */
#define PREFAULT_MIN_ENTRIES 1024

struct runs {
	uintptr_t bias, lo, span; /* the table's writable span (struct reloc_span), copied */
	unsigned shift;       /* log2 of the page size */
	uintptr_t start, end; /* the run being gathered, page numbers [start, end) */
};

static bool populate_unsupported; /* the kernel said EINVAL once: do not ask again */
bool reloc_prefault_paused;

bool reloc_prefault_wanted(size_t entries)
{
	return entries >= PREFAULT_MIN_ENTRIES && !populate_unsupported && !reloc_prefault_paused && R.mode == MODE_RUN;
}

__attribute__((noinline)) static void flush(struct runs *rs)
{
	if (rs->end - rs->start >= PREFAULT_MIN_PAGES &&
	    sys_call3(SYS_madvise, rs->start << rs->shift, (rs->end - rs->start) << rs->shift, MADV_POPULATE_WRITE_) ==
		    -EINVAL_)
		populate_unsupported = true; /* an older kernel: the faults do the work, as before */
	rs->start = rs->end = 0;
}

/* Pages [a, b], proven written, in ascending order: they continue the run, or the run so far
 * is populated and a new one starts. */
__attribute__((always_inline)) static inline void add(struct runs *rs, uintptr_t a, uintptr_t b)
{
	if (rs->end && a <= rs->end) {
		if (b + 1 > rs->end)
			rs->end = b + 1;
		return;
	}
	flush(rs);
	rs->start = a;
	rs->end = b + 1;
}

static inline bool writes(const struct runs *rs, const Elf64_Rela *e)
{
	return e->r_info == R_X86_64_RELATIVE && rs->bias + e->r_offset - rs->lo <= rs->span;
}

static inline uintptr_t page_of(const struct runs *rs, const Elf64_Rela *e)
{
	return (rs->bias + e->r_offset) >> rs->shift;
}

/* a and b write their pages, pa <= pb; adds every page between them that is proven written. */
static void cover(struct runs *rs, const Elf64_Rela *a, uintptr_t pa, const Elf64_Rela *b, uintptr_t pb)
{
	if (pb - pa <= 1) {
		add(rs, pa, pb);
		return;
	}
	const Elf64_Rela *m = a + (b - a) / 2;
	uintptr_t pm = page_of(rs, m);
	if (m == a || !writes(rs, m) || pm < pa || pm > pb) { /* a gap between them, or no order */
		add(rs, pa, pa);
		add(rs, pb, pb);
		return;
	}
	cover(rs, a, pa, m, pm);
	cover(rs, m, pm, b, pb);
}

void reloc_prefault_relative(const struct reloc_span *s, const Elf64_Rela *r, const Elf64_Rela *end)
{
	struct runs rs = {.bias = s->bias, .lo = s->lo, .span = s->span, .shift = (unsigned)__builtin_ctzll(R.pagesize)};
	if (r == end || !writes(&rs, r))
		return;
	/* The block's last RELATIVE entry (they come first: a binary search finds the end). */
	const Elf64_Rela *lo = r, *hi = end;
	while (hi - lo > 1) {
		const Elf64_Rela *m = lo + (hi - lo) / 2;
		if (m->r_info == R_X86_64_RELATIVE)
			lo = m;
		else
			hi = m;
	}
	const Elf64_Rela *last = lo;
	uintptr_t pa = page_of(&rs, r), plast = page_of(&rs, last);
	if (!writes(&rs, last) || plast < pa)
		return;
	/* Probes about a page apart: two entries on the same or adjacent pages prove the step; a
	 * longer one is bisected. The stride follows the density: doubled after a step that
	 * stayed on its page, halved after one that skipped pages. */
	size_t stride = (size_t)(last - r) / (plast - pa + 1);
	stride = stride ? stride : 1;
	for (const Elf64_Rela *a = r; a < last;) {
		const Elf64_Rela *b = (size_t)(last - a) > stride ? a + stride : last;
		uintptr_t pb = page_of(&rs, b);
		if (!writes(&rs, b) || pb < pa)
			break; /* not the sorted RELATIVE head after all: populate what is proven */
		if (pb - pa <= 1) {
			add(&rs, pa, pb);
			stride <<= pb == pa;
		} else {
			cover(&rs, a, pa, b, pb);
			stride = stride > 1 ? stride / 2 : 1;
		}
		a = b;
		pa = pb;
	}
	flush(&rs);
}
