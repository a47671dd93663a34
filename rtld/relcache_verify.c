/* MMLD_RELOC_CACHE=verify: relocate normally, then compare with the cached image word by
 * word. Every word outside the fix-ups must be the image's; every fix-up must come out of
 * rc_fixup_value as reloc_object wrote it; the fix-ups recorded now must be the image's.
 * Each difference is one line on stderr (object, offset, relocation type, both values);
 * relcache_done then exits with status 127. */
#include "relcache_int.h"
#include "reloc.h"
#include "relr.h"
#include "imagesum.h"

#define REPORT_MAX 20

void rtld_tlsdesc_dynamic(void) HIDDEN;

static const char *type_name(uint32_t t)
{
	static const char *const names[] = {
		[R_X86_64_64] = "R_X86_64_64",           [R_X86_64_COPY] = "R_X86_64_COPY",
		[R_X86_64_GLOB_DAT] = "R_X86_64_GLOB_DAT", [R_X86_64_JUMP_SLOT] = "R_X86_64_JUMP_SLOT",
		[R_X86_64_RELATIVE] = "R_X86_64_RELATIVE", [R_X86_64_DTPMOD64] = "R_X86_64_DTPMOD64",
		[R_X86_64_DTPOFF64] = "R_X86_64_DTPOFF64", [R_X86_64_TPOFF64] = "R_X86_64_TPOFF64",
		[R_X86_64_TLSDESC] = "R_X86_64_TLSDESC",   [R_X86_64_IRELATIVE] = "R_X86_64_IRELATIVE",
	};
	return t < sizeof names / sizeof names[0] && names[t] ? names[t] : "another type";
}

/* The relocation that writes the word at link-time address a, by name. */
static const char *reloc_at(const struct dso *d, uint64_t a)
{
	uintptr_t tabs[2] = {dso_has(d, DT_RELA) ? dso_dyn(d, DT_RELA) : 0, dso_has(d, DT_JMPREL) ? dso_dyn(d, DT_JMPREL) : 0};
	size_t sizes[2] = {dso_dyn(d, DT_RELASZ), dso_dyn(d, DT_PLTRELSZ)};
	for (int t = 0; t < 2; t++) {
		if (!tabs[t])
			continue;
		const Elf64_Rela *r = (const Elf64_Rela *)(d->load_bias + tabs[t]);
		for (size_t i = 0; i < sizes[t] / sizeof *r; i++)
			if (r[i].r_offset + 8 > a && r[i].r_offset < a + 8)
				return type_name(R_TYPE(r[i].r_info));
	}
	if (dso_relr(d))
		return "R_X86_64_RELATIVE (RELR), or none";
	return "no relocation";
}

static void report(struct dso *d, size_t *n, uint64_t a, const char *what, uint64_t cached, uint64_t now)
{
	RC.verify_diffs++;
	if ((*n)++ < REPORT_MAX)
		rt_dprintf(2, "%s: relocation cache verify: %s: offset %#lx (%s): cached %#lx, relocated %#lx\n",
			   R.progname ? R.progname : "ld-mmld.so", dso_display(d), (unsigned long)a, what,
			   (unsigned long)cached, (unsigned long)now);
}

/* Marks the image words a fix-up (or GOT[1], GOT[2]) covers: per process, not compared. */
static void mark(uint8_t *bits, const struct rc_ranges *rg, uint64_t a, uint64_t len)
{
	uint64_t base = 0;
	for (uint32_t k = 0; k < rg->n; k++) {
		if (a >= rg->r[k].vaddr && a < rg->r[k].vaddr + rg->r[k].len)
			for (uint64_t w = (a - rg->r[k].vaddr) / 8; w <= (a + len - 1 - rg->r[k].vaddr) / 8 &&
								    w < rg->r[k].len / 8; w++)
				bits[(base + w) / 8] |= (uint8_t)(1u << ((base + w) % 8));
		base += rg->r[k].len / 8;
	}
}

/* Each fix-up evaluated as a process mapping the image would, against what reloc_object
 * wrote. A dynamic TLS descriptor points at a per-process block: its contents compare. */
static void check_fixups(struct dso *d, size_t *n)
{
	for (size_t i = 0; i < RC.nfix; i++) {
		uint64_t v[2];
		if (rc_fixup_restores(&RC.fix[i])) /* the state before a resolver ran: it has run since */
			continue;
		int k = rc_fixup_value(d, &RC.fix[i], v);
		const uint64_t *w = (const uint64_t *)(d->load_bias + RC.fix[i].r_offset);
		if (k == 2 && v[0] == (uintptr_t)rtld_tlsdesc_dynamic && w[0] == v[0] &&
		    memcmp((const void *)w[1], (const void *)v[1], 3 * sizeof(size_t)) == 0)
			continue;
		for (int j = 0; j < k; j++)
			if (w[j] != v[j])
				report(d, n, RC.fix[i].r_offset + 8 * (uint64_t)j, "fix-up evaluated differently", v[j], w[j]);
	}
}

void rc_verify_object(struct dso *d, struct rc_entry *e, const struct rc_ranges *rg)
{
	rc_record_start(d, rg);
	reloc_object(d);
	rc_record_stop();
	reloc_write_span(d);
	size_t n = 0;
	long img = sys_mmap(NULL, e->h.image_len, PROT_READ_, MAP_PRIVATE_, e->fd, (long)e->h.image_off);
	uint8_t *bits = rt_calloc(e->h.image_len / 64 + 1, 1);
	if (mmap_failed(img) || !bits) {
		rc_debug(d, "relocation cache (verify): cannot map %s/%s to compare", RC.dir, e->name);
		if (!mmap_failed(img))
			sys_munmap((void *)img, e->h.image_len);
		rt_free(bits);
		return;
	}
	uint64_t sum = 0, off = 0;
	for (uint32_t k = 0; k < rg->n; off += rg->r[k++].len)
		sum = sum * 31 + image_sum((const char *)img + off, rg->r[k].len);
	if (sum != e->h.image_sum)
		report(d, &n, 0, "the image's checksum: changed since it was published", e->h.image_sum, sum);
	if (e->h.fixup_count != RC.nfix || memcmp(e->fixups, RC.fix, RC.nfix * sizeof *RC.fix) != 0)
		report(d, &n, 0, "the per-process fix-ups differ", e->h.fixup_count, RC.nfix);
	for (size_t i = 0; i < e->h.fixup_count; i++)
		mark(bits, rg, e->fixups[i].r_offset, R_TYPE(e->fixups[i].r_info) == R_X86_64_TLSDESC ? 16 : 8);
	for (size_t i = 0; i < RC.nfix; i++)
		mark(bits, rg, RC.fix[i].r_offset, R_TYPE(RC.fix[i].r_info) == R_X86_64_TLSDESC ? 16 : 8);
	if (!(d->bind_now || R.bind_now) && dso_has(d, DT_JMPREL) && dso_has(d, DT_PLTGOT))
		mark(bits, rg, dso_dyn(d, DT_PLTGOT) + 8, 16);
	check_fixups(d, &n);
	const uint64_t *cached = (const uint64_t *)img;
	uint64_t word = 0;
	for (uint32_t k = 0; k < rg->n; k++) {
		const uint64_t *live = (const uint64_t *)(d->load_bias + rg->r[k].vaddr);
		for (uint64_t i = 0; i < rg->r[k].len / 8; i++, word++)
			if (!(bits[word / 8] & (1u << (word % 8))) && live[i] != cached[word])
				report(d, &n, rg->r[k].vaddr + 8 * i, reloc_at(d, rg->r[k].vaddr + 8 * i), cached[word], live[i]);
	}
	if (n > REPORT_MAX)
		rt_dprintf(2, "%s: relocation cache verify: %s: %zu more differences\n", R.progname ? R.progname : "ld-mmld.so",
			   dso_display(d), n - REPORT_MAX);
	rc_debug(d, "relocation cache (verify): compared with %s/%s: %zu difference%s", RC.dir, e->name, n,
		 n == 1 ? "" : "s");
	sys_munmap((void *)img, e->h.image_len);
	rt_free(bits);
}
