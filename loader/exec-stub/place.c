/* Where an image goes and how it gets there: the kernel's choices for execve, made here.
 *
 * The load bias (run-time address minus link-time address):
 *   ET_EXEC                  0: the file's own addresses (MAP_FIXED_NOREPLACE: never over
 *                            something already mapped)
 *   ET_DYN with PT_INTERP    a PIE program: ET_DYN_BASE (2/3 of the address space) plus a
 *                            random number of pages (vm.mmap_rnd_bits bits of them), aligned
 *                            to the largest p_align
 *   ET_DYN without PT_INTERP a static PIE, a loader run as the program, and every
 *                            interpreter: wherever mmap(NULL) puts it (the mmap area, below
 *                            the stack, itself randomised)
 *
 * Then, with the file (the default), as fs/binfmt_elf.c does it:
 *   1. the first PT_LOAD is mapped over the size of the whole image, so the span is found in
 *      one piece, and everything past that segment's own pages is unmapped again;
 *   2. each other PT_LOAD is mapped MAP_FIXED from the page holding its first byte;
 *   3. a segment with bss (p_memsz > p_filesz): the rest of its last file page is zeroed
 *      (the page the file filled past p_filesz), and anonymous zero pages cover the rest.
 * Holes between segments stay unmapped (ld.so, loading a library, keeps them PROT_NONE).
 *
 * With --copy: one anonymous mapping of the whole span, each segment's file bytes read()
 * into it, then each segment's pages given its protection. Nothing is shared with the page
 * cache: every page is the process's own from the start. */
#include "stub.h"

static int seg_prot(uint32_t f)
{
	return ((f & PF_R) ? PROT_READ_ : 0) | ((f & PF_W) ? PROT_WRITE_ : 0) | ((f & PF_X) ? PROT_EXEC_ : 0);
}

/* [lo, hi): link-time span of the PT_LOADs (lo page-aligned, hi not); the largest p_align. */
static void image_span(const struct image *im, uintptr_t *lo, uintptr_t *hi, uintptr_t *align)
{
	uintptr_t l = UINTPTR_MAX, h = 0, a = PAGE;
	for (size_t i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		if (PAGE_DOWN(p->p_vaddr) < l)
			l = PAGE_DOWN(p->p_vaddr);
		if (p->p_vaddr + p->p_memsz > h)
			h = p->p_vaddr + p->p_memsz;
		if (p->p_align > a && (p->p_align & (p->p_align - 1)) == 0 && p->p_align <= (1UL << 30))
			a = p->p_align;
	}
	*lo = l;
	*hi = h;
	*align = a;
}

/* The address to ask for (0: let mmap choose) and the mmap flags that go with it. */
static uintptr_t choose_address(const struct stub *s, const struct image *im, bool is_interp, uintptr_t lo,
				uintptr_t align, int *flags)
{
	if (im->eh.e_type == ET_EXEC) {
		*flags = MAP_FIXED_NOREPLACE_;
		trace(s, "load bias 0 (ET_EXEC: at its link-time addresses)");
		return lo;
	}
	if (!is_interp && s->has_interp) {
		uintptr_t rnd = s->randomize ? (random_long() & ((1UL << s->mmap_rnd_bits) - 1)) << 12 : 0;
		uintptr_t want = (ET_DYN_BASE + rnd) & ~(align - 1);
		*flags = MAP_FIXED_NOREPLACE_;
		trace(s, "load bias %#lx: ET_DYN_BASE %#lx + random %#lx (%u bits of pages%s), aligned to %#lx",
		      (unsigned long)PAGE_DOWN(want - lo), (unsigned long)ET_DYN_BASE, (unsigned long)rnd,
		      s->mmap_rnd_bits, s->randomize ? "" : ", randomisation off", (unsigned long)align);
		return PAGE_DOWN(want);
	}
	*flags = 0;
	return 0;
}

/* A fresh anonymous region of len bytes aligned to align, where mmap likes. */
static uintptr_t reserve_aligned(size_t len, uintptr_t align)
{
	long r = sys_mmap(NULL, len + align, PROT_NONE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
	if (mmap_failed(r))
		return 0;
	uintptr_t a = ((uintptr_t)r + align - 1) & ~(align - 1);
	sys_munmap((void *)r, len + align);
	return a;
}

/* Zero the end of the last file page of a segment, and map anonymous pages for the rest of its bss. */
static void map_bss(const struct stub *s, const struct image *im, const Elf64_Phdr *p)
{
	uintptr_t file_end = im->bias + p->p_vaddr + p->p_filesz, mem_end = im->bias + p->p_vaddr + p->p_memsz;
	if (p->p_memsz <= p->p_filesz)
		return;
	if (p->p_filesz && PAGE_UP(file_end) != file_end && !s->copy) {
		if (p->p_flags & PF_W) {
			memset((void *)file_end, 0, PAGE_UP(file_end) - file_end);
			trace(s, "zero %#lx-%#lx (the rest of the last file page: bss starts at %#lx)",
			      (unsigned long)file_end, (unsigned long)PAGE_UP(file_end), (unsigned long)file_end);
		} else
			trace(s, "not zeroing %#lx-%#lx: segment not writable", (unsigned long)file_end,
			      (unsigned long)PAGE_UP(file_end));
	}
	uintptr_t a = PAGE_UP(file_end), b = PAGE_UP(mem_end);
	if (b <= a || s->copy)
		return;
	/* The kernel maps bss as brk-style data pages: writable whatever the segment said. */
	int prot = PROT_READ_ | PROT_WRITE_ | (p->p_flags & PF_X ? PROT_EXEC_ : 0);
	long r = sys_mmap((void *)a, b - a, prot, MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_, -1, 0);
	if (mmap_failed(r))
		fail(127, "%s: cannot map bss at %#lx (errno %ld)", im->path, (unsigned long)a, -r);
	trace(s, "mmap %#lx-%#lx %s anonymous (bss)", (unsigned long)a, (unsigned long)b, prot_name(prot));
}

static void map_from_file(const struct stub *s, struct image *im, uintptr_t want, int flags, uintptr_t lo,
			  size_t total)
{
	bool first = true;
	for (size_t i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		int prot = seg_prot(p->p_flags);
		uintptr_t pageoff = p->p_vaddr & (PAGE - 1);
		size_t size = PAGE_UP(p->p_filesz + pageoff);
		uint64_t off = p->p_offset - pageoff;
		if (first) {
			/* One mmap over the whole image finds room for all of it; a first segment
			 * with no file bytes reserves it with anonymous memory instead. */
			uintptr_t at = want ? want + (PAGE_DOWN(p->p_vaddr) - lo) : 0;
			long r = size ? sys_mmap((void *)at, total, prot, MAP_PRIVATE_ | flags, im->fd, (long)off)
				      : sys_mmap((void *)at, total, PROT_NONE_, MAP_PRIVATE_ | MAP_ANONYMOUS_ | flags, -1, 0);
			if (mmap_failed(r))
				fail(127, "%s: cannot map segment %zu at %#lx (errno %ld%s)", im->path, i, (unsigned long)at,
				     -r, r == -EEXIST_ ? ": something is already mapped there" : "");
			if (im->eh.e_type == ET_DYN)
				im->bias = (uintptr_t)r - PAGE_DOWN(p->p_vaddr);
			trace(s, "mmap %#lx-%#lx %s %s+%#lx (segment %zu, mapped over the whole image: %#lx bytes)",
			      (unsigned long)r, (unsigned long)r + size, prot_name(prot), im->path, (unsigned long)off, i,
			      (unsigned long)total);
			if (total > size) {
				sys_munmap((void *)(r + (long)size), total - size);
				trace(s, "munmap %#lx-%#lx (the rest of that mapping: room for the other segments)",
				      (unsigned long)r + size, (unsigned long)r + total);
			}
			first = false;
		} else if (size) {
			uintptr_t at = im->bias + PAGE_DOWN(p->p_vaddr);
			long r = sys_mmap((void *)at, size, prot, MAP_PRIVATE_ | MAP_FIXED_, im->fd, (long)off);
			if (mmap_failed(r))
				fail(127, "%s: cannot map segment %zu at %#lx (errno %ld)", im->path, i, (unsigned long)at, -r);
			trace(s, "mmap %#lx-%#lx %s %s+%#lx (segment %zu)", (unsigned long)at, (unsigned long)at + size,
			      prot_name(prot), im->path, (unsigned long)off, i);
		}
		map_bss(s, im, p);
	}
}

static void copy_from_file(const struct stub *s, struct image *im, uintptr_t want, int flags, uintptr_t lo,
			   size_t total)
{
	long r = sys_mmap((void *)want, total, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_ | flags, -1, 0);
	if (mmap_failed(r))
		fail(127, "%s: cannot reserve %#lx bytes at %#lx (errno %ld)", im->path, (unsigned long)total,
		     (unsigned long)want, -r);
	if (im->eh.e_type == ET_DYN)
		im->bias = (uintptr_t)r - lo;
	trace(s, "mmap %#lx-%#lx rw- anonymous (the whole image, to read the segments into)", (unsigned long)r,
	      (unsigned long)r + total);
	uintptr_t covered = (uintptr_t)r; /* pages below this are a segment's or already unmapped */
	for (size_t i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		uintptr_t at = im->bias + p->p_vaddr;
		if (p->p_filesz && sys_pread_exact(im->fd, (void *)at, p->p_filesz, p->p_offset) < 0)
			fail(127, "%s: cannot read segment %zu", im->path, i);
		trace(s, "read %#lx-%#lx <- %s bytes %#lx-%#lx (segment %zu%s)", (unsigned long)at,
		      (unsigned long)(at + p->p_filesz), im->path, (unsigned long)p->p_offset,
		      (unsigned long)(p->p_offset + p->p_filesz), i, p->p_memsz > p->p_filesz ? "; bss already zero" : "");
		uintptr_t a = PAGE_DOWN(at), b = PAGE_UP(at + p->p_memsz);
		if (a > covered) {
			sys_munmap((void *)covered, a - covered);
			trace(s, "munmap %#lx-%#lx (a hole between segments)", (unsigned long)covered, (unsigned long)a);
		}
		int prot = seg_prot(p->p_flags);
		sys_mprotect((void *)a, b - a, prot);
		trace(s, "mprotect %#lx-%#lx %s (segment %zu)", (unsigned long)a, (unsigned long)b, prot_name(prot), i);
		if (b > covered)
			covered = b;
	}
}

/* Where the program headers are in memory: inside the segment whose file bytes hold them. */
static uintptr_t find_phdr_addr(const struct image *im)
{
	for (size_t i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		if (p->p_type == PT_LOAD && p->p_offset <= im->eh.e_phoff && im->eh.e_phoff < p->p_offset + p->p_filesz)
			return im->bias + p->p_vaddr + (im->eh.e_phoff - p->p_offset);
	}
	return 0;
}

/* The code and data limits /proc/PID/stat shows, computed as the kernel does. */
static void record_limits(struct image *im)
{
	uintptr_t sc = UINTPTR_MAX, ec = 0, sd = 0, ed = 0, eb = 0;
	for (size_t i = 0; i < im->eh.e_phnum; i++) {
		const Elf64_Phdr *p = &im->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		if ((p->p_flags & PF_X) && p->p_vaddr < sc)
			sc = p->p_vaddr;
		if ((p->p_flags & PF_X) && p->p_vaddr + p->p_filesz > ec)
			ec = p->p_vaddr + p->p_filesz;
		if (p->p_vaddr > sd)
			sd = p->p_vaddr;
		if (p->p_vaddr + p->p_filesz > ed)
			ed = p->p_vaddr + p->p_filesz;
		if (p->p_vaddr + p->p_memsz > eb)
			eb = p->p_vaddr + p->p_memsz;
	}
	if (sc == UINTPTR_MAX)
		sc = ec = 0;
	im->start_code = im->bias + sc;
	im->end_code = im->bias + ec;
	im->start_data = im->bias + sd;
	im->end_data = im->bias + ed;
	im->end_bss = im->bias + eb;
}

void image_place(struct stub *s, struct image *im, bool is_interp)
{
	uintptr_t lo, hi, align;
	image_span(im, &lo, &hi, &align);
	size_t total = PAGE_UP(hi - lo);
	int flags;
	uintptr_t want = choose_address(s, im, is_interp, lo, align, &flags);
	if (!want && align > PAGE && im->eh.e_type == ET_DYN) {
		want = reserve_aligned(total, align);
		flags = MAP_FIXED_NOREPLACE_;
	}
	if (!want && im->eh.e_type == ET_DYN)
		trace(s, "load bias chosen by mmap(NULL, %#lx) (%s)", (unsigned long)total,
		      is_interp ? "an interpreter goes in the mmap area" : "ET_DYN without PT_INTERP goes in the mmap area");
	im->bias = 0;
	if (s->copy)
		copy_from_file(s, im, want, flags, lo, total);
	else
		map_from_file(s, im, want, flags, lo, total);
	im->phdr_addr = find_phdr_addr(im);
	im->entry = im->bias + im->eh.e_entry;
	record_limits(im);
	trace(s, "%s %s: load bias %#lx, entry %#lx, program headers at %#lx", is_interp ? "interpreter" : "program",
	      im->path, (unsigned long)im->bias, (unsigned long)im->entry, (unsigned long)im->phdr_addr);
}
