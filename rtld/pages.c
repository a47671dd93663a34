/* LD_DEBUG=pages. For every page of every PT_LOAD of every object, /proc/self/pagemap says
 * (one 64-bit word per page): bit 63 present; bit 61 file page (clear for a present page of a
 * private file mapping: it is an anonymous copy, made on write); bit 56 mapped by this
 * process only; bits 0-54 the frame number, given only to CAP_SYS_ADMIN. With the frame,
 * /proc/kpagecount says how many mappings share it, exactly; without it, bit 56 is the
 * answer. Relocation-written pages are counted by walking the relocation tables again. */
#include "pages.h"

#define PM_PRESENT (1ULL << 63)
#define PM_FILE (1ULL << 61)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN ((1ULL << 55) - 1)

struct bitmap {
	uint64_t *bits;
	size_t n;
};

static void mark(struct bitmap *m, size_t i)
{
	if (i < m->n)
		m->bits[i / 64] |= 1ULL << (i % 64);
}

static size_t count(const struct bitmap *m)
{
	size_t c = 0;
	for (size_t i = 0; i < (m->n + 63) / 64; i++)
		c += (size_t)__builtin_popcountll(m->bits[i]);
	return c;
}

static void mark_rela(const struct dso *d, struct bitmap *m, uintptr_t table, size_t size)
{
	const Elf64_Rela *r = (const Elf64_Rela *)table;
	for (size_t i = 0; i < size / sizeof *r; i++) {
		uintptr_t where = d->load_bias + r[i].r_offset;
		if (where >= d->map_start && R_TYPE(r[i].r_info) != R_X86_64_NONE)
			mark(m, (where - d->map_start) / R.pagesize);
	}
}

size_t pages_written_by_relocs(const struct dso *d)
{
	struct bitmap m = {.n = d->map_len / R.pagesize};
	m.bits = rt_calloc((m.n + 63) / 64 + 1, 8);
	if (!m.bits)
		return 0;
	if (dso_relr(d)) {
		const uint64_t *w = (const uint64_t *)dso_relr(d), *end = w + dso_relrsz(d) / 8;
		uintptr_t where = 0;
		for (; w < end; w++) {
			if (!(*w & 1)) {
				where = d->load_bias + *w;
				if (where >= d->map_start)
					mark(&m, (where - d->map_start) / R.pagesize);
				where += 8;
			} else {
				uint64_t bits = *w;
				for (uintptr_t p = where; (bits >>= 1) != 0; p += 8)
					if ((bits & 1) && p >= d->map_start)
						mark(&m, (p - d->map_start) / R.pagesize);
				where += 63 * 8;
			}
		}
	}
	if (dso_has(d, DT_RELA))
		mark_rela(d, &m, d->load_bias + dso_dyn(d, DT_RELA), dso_dyn(d, DT_RELASZ));
	if (dso_has(d, DT_JMPREL))
		mark_rela(d, &m, d->load_bias + dso_dyn(d, DT_JMPREL), dso_dyn(d, DT_PLTRELSZ));
	size_t c = count(&m);
	rt_free(m.bits);
	return c;
}

void pages_report(void)
{
	long pm = sys_open("/proc/self/pagemap", O_RDONLY_ | O_CLOEXEC_, 0);
	long kc = sys_open("/proc/kpagecount", O_RDONLY_ | O_CLOEXEC_, 0);
	if (pm < 0) {
		dbg("page report: cannot open /proc/self/pagemap");
		return;
	}
	bool exact = false;
	dbg("page report (mmld), in pages of %lu KiB:", (unsigned long)(R.pagesize / 1024));
	dbg("  %-44s %8s %8s %8s %8s %8s", "object", "mapped", "resident", "shared", "copied", "reloc-w");
	size_t tot[5] = {0};
	for (struct dso *d = R.head; d; d = d->next) {
		if (d->missing || !d->map_len)
			continue;
		size_t v[5] = {0}; /* mapped, resident, shared, copied, reloc-written */
		for (size_t i = 0; i < d->phnum; i++) {
			const Elf64_Phdr *p = &d->phdr[i];
			if (p->p_type != PT_LOAD || !p->p_memsz)
				continue;
			uintptr_t s = (d->load_bias + p->p_vaddr) & ~(R.pagesize - 1);
			uintptr_t e = (d->load_bias + p->p_vaddr + p->p_memsz + R.pagesize - 1) & ~(R.pagesize - 1);
			uintptr_t file_end = d->load_bias + p->p_vaddr + p->p_filesz;
			for (uintptr_t a = s; a < e; a += R.pagesize) {
				uint64_t w = 0;
				v[0]++;
				if (sys_pread((int)pm, &w, 8, (long)(a / R.pagesize * 8)) != 8 || !(w & PM_PRESENT))
					continue;
				v[1]++;
				uint64_t pfn = w & PM_PFN, mapcount = 0;
				if (pfn && kc >= 0 && sys_pread((int)kc, &mapcount, 8, (long)(pfn * 8)) == 8) {
					exact = true;
					if (mapcount > 1)
						v[2]++;
				} else if (!(w & PM_EXCLUSIVE))
					v[2]++;
				/* A present page of a private file mapping that is no longer a file page was
				 * copied on write (the bss zero pages past the file are anonymous from birth). */
				if (!(w & PM_FILE) && a < file_end && !d->load_by_read_dso)
					v[3]++;
			}
		}
		v[4] = pages_written_by_relocs(d);
		for (int k = 0; k < 5; k++)
			tot[k] += v[k];
		dbg("  %-44s %8zu %8zu %8zu %8zu %8zu", d->kind == DSO_MAIN ? R.progname : dso_display(d), v[0], v[1], v[2],
		    v[3], v[4]);
	}
	dbg("  %-44s %8zu %8zu %8zu %8zu %8zu", "total", tot[0], tot[1], tot[2], tot[3], tot[4]);
	dbg("  shared: %s", exact ? "by /proc/kpagecount (exact)" : "by pagemap's exclusive bit (no frame numbers: not root)");
	sys_close((int)pm);
	if (kc >= 0)
		sys_close((int)kc);
}
