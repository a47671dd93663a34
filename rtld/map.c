/* Step 4: map an ELF object.
 *
 * TECHNICAL NOTE, with numbers. A library whose program headers say (readelf -lW):
 *
 *   Type  Offset   VirtAddr  FileSiz  MemSiz   Flg
 *   LOAD  0x000000 0x000000  0x0005a8 0x0005a8 R
 *   LOAD  0x001000 0x001000  0x000161 0x000161 R E
 *   LOAD  0x002000 0x002000  0x0000e4 0x0000e4 R
 *   LOAD  0x002e10 0x003e10  0x000220 0x001228 RW
 *
 * spans link-time addresses [0, 0x5038), rounded to pages [0, 0x6000). We:
 *  1. reserve 0x6000 bytes where the kernel likes (ET_DYN; ET_EXEC must sit at its link-time
 *     addresses): say at 0x7f0000000000, so load_bias = 0x7f0000000000. The reservation is
 *     the first segment itself, mapped read-only from file offset 0 over the whole span (one
 *     mmap fewer per object, as glibc does); a segment alignment above the page size needs an
 *     anonymous PROT_NONE reservation, over-sized and trimmed, instead;
 *  2. overlay each other PT_LOAD from the file with MAP_PRIVATE|MAP_FIXED, from the page
 *     holding its first byte: the RW one is mapped at bias+0x3000, file offset 0x2000, length
 *     page_up(0xe10 + 0x220) = 0x2000 bytes. Pages never written stay the page cache's own,
 *     shared by every process mapping the file;
 *  3. zero the tail of the last file page, bias+0x4030..0x5000, which the file mapping filled
 *     with whatever follows in the file (this write is what makes that one page a private
 *     copy);
 *  4. map anonymous zero pages for the rest of bss: nothing here, since bss ends at 0x5038,
 *     inside the page zeroed in step 3.
 * Gaps between segments stay reserved (made PROT_NONE), so nothing else lands inside the object.
 * Every failure unmaps the whole reservation. */
#include "map.h"
#include "elfcheck.h"
#include "relcache.h"

int map_prot(uint32_t f)
{
	/* A segment the file asks to be writable and executable gets both, as from the kernel
	 * and glibc: dropping either breaks the object (old toolchains, hand-made images). The
	 * loader itself never adds a permission a segment did not ask for. */
	return ((f & PF_R) ? PROT_READ_ : 0) | ((f & PF_W) ? PROT_WRITE_ : 0) | ((f & PF_X) ? PROT_EXEC_ : 0);
}

static const char *prot_str(int prot)
{
	static const char *s[8] = {"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx"};
	return s[prot & 7];
}

static long traced_mmap(const char *path, uintptr_t addr, size_t len, int prot, int flags, int fd, uint64_t off)
{
	long r = sys_mmap((void *)addr, len, prot, flags, fd, (long)off);
	if (DEBUG_ON(DBG_MAPS)) {
		if (fd >= 0)
			dbg("mmap %#lx-%#lx %s %s+%#lx%s", (unsigned long)r, (unsigned long)r + len, prot_str(prot), path,
			    (unsigned long)off, mmap_failed(r) ? " FAILED" : "");
		else
			dbg("mmap %#lx-%#lx %s anonymous (%s)%s", (unsigned long)r, (unsigned long)r + len,
			    prot_str(prot), path, mmap_failed(r) ? " FAILED" : "");
	}
	return r;
}

long map_mprotect(const struct dso *d, uintptr_t addr, size_t len, int prot, const char *why)
{
	long r = sys_mprotect((void *)addr, len, prot);
	if (DEBUG_ON(DBG_MAPS))
		dbg("mprotect %#lx-%#lx %s %s (%s)%s", (unsigned long)addr, (unsigned long)(addr + len), prot_str(prot),
		    dso_display(d), why, r ? " FAILED" : "");
	return r;
}

void map_scan_phdrs(struct dso *d)
{
	d->stack_flags = PF_R | PF_W | PF_X; /* no PT_GNU_STACK: an executable stack, as glibc has it */
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		switch (p->p_type) {
		case PT_DYNAMIC:
			d->dynamic = (Elf64_Dyn *)(d->load_bias + p->p_vaddr);
			break;
		case PT_TLS:
			if (p->p_memsz == 0)
				break;
			d->tls_image = (const void *)(d->load_bias + p->p_vaddr);
			d->tls_filesz = p->p_filesz;
			d->tls_memsz = p->p_memsz;
			d->tls_align = p->p_align ? p->p_align : 1;
			d->tls_firstbyte = (-p->p_vaddr) & (d->tls_align - 1);
			break;
		case PT_GNU_RELRO: {
			uintptr_t start = (d->load_bias + p->p_vaddr) & ~(R.pagesize - 1);
			uintptr_t end = (d->load_bias + p->p_vaddr + p->p_memsz) & ~(R.pagesize - 1);
			if (end > start) {
				d->relro_start = start;
				d->relro_len = end - start;
			}
			break;
		}
		case PT_GNU_STACK:
			d->stack_flags = p->p_flags;
			break;
		}
	}
}

/* The page-aligned link-time span [*lo, *hi) of every PT_LOAD, and the largest alignment
 * asked for (at least the page size; alignments above 1 GiB are not honoured). */
static void load_span(const Elf64_Phdr *ph, size_t n, uintptr_t *lo, uintptr_t *hi, uintptr_t *max_align)
{
	uintptr_t l = UINTPTR_MAX, h = 0, a = R.pagesize;
	for (size_t i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr < l)
			l = ph[i].p_vaddr;
		if (ph[i].p_vaddr + ph[i].p_memsz > h)
			h = ph[i].p_vaddr + ph[i].p_memsz;
		if (ph[i].p_align > a && ph[i].p_align <= (1UL << 30))
			a = ph[i].p_align;
	}
	if (l == UINTPTR_MAX)
		l = h = 0;
	*lo = l & ~(R.pagesize - 1);
	*hi = (h + R.pagesize - 1) & ~(R.pagesize - 1);
	if (max_align)
		*max_align = a;
}

/* traced_mmap at `agreed` (the relocation cache's address for this object) if it is free,
 * else wherever the kernel likes, as without the cache. */
static long mmap_agreed(const char *path, uintptr_t agreed, size_t len, int prot, int flags, int fd, uint64_t off)
{
	if (agreed) {
		long r = traced_mmap(path, agreed, len, prot, flags | MAP_FIXED_NOREPLACE_, fd, off);
		if (!mmap_failed(r) && (uintptr_t)r == agreed)
			return r;
		if (!mmap_failed(r)) /* a kernel that took the address as a hint */
			sys_munmap((void *)r, len);
	}
	return traced_mmap(path, 0, len, prot, flags, fd, off);
}

/* Names an anonymous copy "mmld:PATH" (shown as [anon:mmld:PATH] in /proc/PID/maps), so
 * mmld share can still tell which object it belongs to. Best effort: Linux 5.17 and later. */
static void name_copy(uintptr_t addr, size_t len, const char *path)
{
	char name[80];
	if (rt_snprintf(name, sizeof name, "mmld:%s", path) >= (int)sizeof name)
		return;
	for (char *c = name; *c; c++)
		if (*c == '[' || *c == ']' || *c == '\\' || *c == '$' || *c == '`' || *c < ' ')
			return;
	sys_call6(157 /* prctl */, 0x53564d41 /* PR_SET_VMA */, 0 /* PR_SET_VMA_ANON_NAME */, (long)addr, (long)len,
		  (long)name, 0);
}

/* What map_file decided about one object's place: the link-time span, where it went, and the
 * segment the reservation already maps (if the reservation is the first segment itself). */
struct placement {
	uintptr_t lo, hi, max_align; /* page-aligned link-time span, largest p_align */
	uintptr_t agreed;	     /* the relocation cache's address for it, or 0 */
	uintptr_t base, bias;	     /* where the span starts; bias = base - lo */
	size_t span;
	const Elf64_Phdr *first_premapped;
};

/* Program headers up to this many are read into the caller's frame, not the heap: they are
 * needed only while the object is mapped (most objects' PT_LOADs map them), and a block freed
 * at once would stay on its size class's free list, a hole in the loader's heap pages. */
#define PHDRS_IN_FRAME 16

/* Reads and checks the ELF header and program headers: fills *st, *eh and *phdrs (`frame`, room
 * for PHDRS_IN_FRAME, if they fit, else allocated). */
static int read_headers(int fd, const struct kstat *stp, bool program, struct kstat *st, Elf64_Ehdr *eh,
			 Elf64_Phdr *frame, Elf64_Phdr **phdrs, char *err, size_t errlen, bool *wrong_class)
{
	/* The ELF header and, in almost every file, the program headers right after it: one read
	 * for both (glibc reads 832 bytes for the same reason). */
	union {
		Elf64_Ehdr eh;
		char bytes[1024];
	} head;
	*phdrs = NULL;
	*wrong_class = false;
	if (stp)
		*st = *stp;
	else if (sys_fstat(fd, st) < 0) {
		rt_snprintf(err, errlen, "cannot stat shared object");
		return -1;
	}
	if ((st->st_mode & S_IFMT_) == S_IFDIR_) { /* glibc's start-up words: its read of the header fails */
		rt_snprintf(err, errlen, "cannot read file data: Error 21");
		return -1;
	}
	if ((st->st_mode & S_IFMT_) != S_IFREG_) {
		rt_snprintf(err, errlen, "not a regular file");
		return -1;
	}
	uint64_t fsize = (uint64_t)st->st_size;
	size_t head_len = fsize < sizeof head ? (size_t)fsize : sizeof head;
	memset(&head, 0, sizeof head);
	if (sys_pread_exact(fd, &head, head_len, 0) < 0) {
		rt_snprintf(err, errlen, "cannot read file data");
		return -1;
	}
	*eh = head.eh;
	if (elf_check_ehdr(eh, fsize, err, errlen) < 0) {
		*wrong_class = fsize >= sizeof *eh && memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
			       (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64);
		return -1;
	}
	if (eh->e_type == ET_EXEC && !program) {
		/* At a fixed address, already taken by the program or not: glibc refuses it before
		 * mapping anything (an executable cannot be relocated or initialised as a library). */
		rt_snprintf(err, errlen, "cannot dynamically load executable");
		return -1;
	}
	size_t ph_len = eh->e_phnum * sizeof **phdrs;
	Elf64_Phdr *ph = eh->e_phnum <= PHDRS_IN_FRAME ? frame : rt_malloc(ph_len);
	if (ph && eh->e_phoff + ph_len <= head_len)
		memcpy(ph, head.bytes + eh->e_phoff, ph_len);
	else if (!ph || sys_pread_exact(fd, ph, ph_len, eh->e_phoff) < 0) {
		rt_snprintf(err, errlen, "cannot read program headers");
		if (ph != frame)
			rt_free(ph);
		return -1;
	}
	if (elf_check_phdrs(ph, eh->e_phnum, fsize, R.pagesize, err, errlen) < 0) {
		if (ph != frame)
			rt_free(ph);
		return -1;
	}
	*phdrs = ph;
	return 0;
}

/* Move 1: reserve the span. ET_DYN goes where the kernel puts it (or where the relocation
 * cache agreed), aligned to the largest p_align (so 2 MiB-aligned segments can use huge
 * pages); ET_EXEC must sit at its link-time addresses. Sets pl->base, bias, first_premapped. */
static int reserve_span(const char *path, int fd, const Elf64_Ehdr *eh, const Elf64_Phdr *ph, struct placement *pl,
			char *err, size_t errlen)
{
	const size_t pg = R.pagesize;
	const size_t span = pl->span;
	if (eh->e_type == ET_EXEC) {
		long r = traced_mmap(path, pl->lo, span, PROT_NONE_, MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_NOREPLACE_,
				     -1, 0);
		if (mmap_failed(r) || (uintptr_t)r != pl->lo) {
			if (!mmap_failed(r))
				sys_munmap((void *)r, span);
			rt_snprintf(err, errlen, "cannot map ET_EXEC object at its fixed address %#lx (%#lx bytes)",
				    (unsigned long)pl->lo, (unsigned long)span);
			return -1;
		}
		pl->base = pl->lo;
	} else if (pl->max_align <= pg && !R.load_by_read) {
		/* The reservation is the first segment itself, mapped from the file over the whole
		 * span: one mmap fewer per object. The other segments replace the rest below, and
		 * any hole between segments is made inaccessible (it holds file bytes). */
		const Elf64_Phdr *first = NULL;
		for (size_t i = 0; i < eh->e_phnum && !first; i++)
			if (ph[i].p_type == PT_LOAD)
				first = &ph[i];
		long r = mmap_agreed(path, pl->agreed, span, map_prot(first->p_flags), MAP_PRIVATE_, fd,
				     first->p_offset & ~(pg - 1));
		if (mmap_failed(r)) {
			rt_snprintf(err, errlen, "cannot map %#lx bytes of shared object", (unsigned long)span);
			return -1;
		}
		pl->base = (uintptr_t)r;
		pl->first_premapped = first;
	} else {
		size_t extra = pl->max_align > pg ? pl->max_align - pg : 0;
		long r = pl->agreed ? mmap_agreed(path, pl->agreed, span, PROT_NONE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0)
				    : -1;
		if ((uintptr_t)r == pl->agreed)
			extra = 0; /* the agreed address is aligned already */
		else {
			if (!mmap_failed(r))
				sys_munmap((void *)r, span);
			r = traced_mmap(path, 0, span + extra, PROT_NONE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
		}
		if (mmap_failed(r)) {
			rt_snprintf(err, errlen, "cannot reserve %#lx bytes of address space", (unsigned long)(span + extra));
			return -1;
		}
		pl->base = ((uintptr_t)r + pl->max_align - 1) & ~(pl->max_align - 1);
		if (pl->base > (uintptr_t)r)
			sys_munmap((void *)r, pl->base - (uintptr_t)r);
		if ((uintptr_t)r + span + extra > pl->base + span)
			sys_munmap((void *)(pl->base + span), (uintptr_t)r + span + extra - (pl->base + span));
	}
	pl->bias = pl->base - pl->lo;
	return 0;
}

/* Move 2: a segment's file-backed pages, mapped from the file over the reservation (or, under
 * MMLD_LOAD=read, the "traditional I/O" path the memory report contrasts with: private
 * anonymous pages filled with read(), so nothing is shared). */
static int map_file_part(const char *path, int fd, const Elf64_Phdr *p, const struct placement *pl, char *err,
			 size_t errlen)
{
	const size_t pg = R.pagesize;
	uintptr_t page = (pl->bias + p->p_vaddr) & ~(pg - 1);
	uintptr_t file_end = pl->bias + p->p_vaddr + p->p_filesz;
	size_t len = ((file_end + pg - 1) & ~(pg - 1)) - page;
	int prot = map_prot(p->p_flags);
	if (R.load_by_read) {
		long r = traced_mmap(path, page, len, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_FIXED_ | MAP_ANONYMOUS_,
				     -1, 0);
		if (mmap_failed(r) || sys_pread_exact(fd, (void *)page, file_end - page, p->p_offset & ~(pg - 1)) < 0 ||
		    sys_mprotect((void *)page, len, prot) < 0) {
			rt_snprintf(err, errlen, "failed to read segment from shared object");
			return -1;
		}
		name_copy(page, len, path);
	} else if (p != pl->first_premapped) {
		long r = traced_mmap(path, page, len, prot, MAP_PRIVATE_ | MAP_FIXED_, fd, p->p_offset & ~(pg - 1));
		if (mmap_failed(r)) {
			rt_snprintf(err, errlen, "failed to map segment from shared object");
			return -1;
		}
	}
	return 0;
}

/* Move 3: zero from the end of a segment's file data to the end of its page (the file mapping
 * filled it with whatever follows in the file). A read-only segment with bss is rare but
 * legal: the page is made writable just for this. Returns where bss still needs pages. */
static uintptr_t zero_partial_page(const Elf64_Phdr *p, uintptr_t bias)
{
	const size_t pg = R.pagesize;
	uintptr_t file_end = bias + p->p_vaddr + p->p_filesz;
	uintptr_t mem_end = bias + p->p_vaddr + p->p_memsz;
	uintptr_t zero_end = (file_end + pg - 1) & ~(pg - 1);
	if (!p->p_filesz)
		return (bias + p->p_vaddr) & ~(pg - 1);
	if (zero_end > file_end) {
		int prot = map_prot(p->p_flags);
		if (!(prot & PROT_WRITE_))
			sys_mprotect((void *)(file_end & ~(pg - 1)), pg, prot | PROT_WRITE_);
		uintptr_t stop = mem_end < zero_end ? mem_end : zero_end;
		memset((void *)file_end, 0, stop - file_end);
		if (!(prot & PROT_WRITE_))
			sys_mprotect((void *)(file_end & ~(pg - 1)), pg, prot);
	}
	return zero_end;
}

/* Move 4: the rest of bss, anonymous zero pages from `from` to the segment's end. */
static int map_bss(const char *path, const Elf64_Phdr *p, uintptr_t bias, uintptr_t from, char *err, size_t errlen)
{
	const size_t pg = R.pagesize;
	uintptr_t mem_end = bias + p->p_vaddr + p->p_memsz;
	if (mem_end <= from)
		return 0;
	size_t len = ((mem_end + pg - 1) & ~(pg - 1)) - from;
	long r = traced_mmap(path, from, len, map_prot(p->p_flags), MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_, -1, 0);
	if (mmap_failed(r)) {
		rt_snprintf(err, errlen, "cannot map zero-fill pages");
		return -1;
	}
	return 0;
}

/* Moves 2-4 for every PT_LOAD. */
static int map_segments(const char *path, int fd, const Elf64_Phdr *ph, size_t phnum, const struct placement *pl,
			char *err, size_t errlen)
{
	for (size_t i = 0; i < phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		if (p->p_filesz && map_file_part(path, fd, p, pl, err, errlen) < 0)
			return -1;
		if (p->p_memsz <= p->p_filesz)
			continue;
		if (map_bss(path, p, pl->bias, zero_partial_page(p, pl->bias), err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* When the reservation was the first segment mapped over the whole span, the pages no segment
 * covers still map the file: make them inaccessible. */
static void close_gaps(const Elf64_Phdr *ph, size_t phnum, const struct placement *pl)
{
	const size_t pg = R.pagesize;
	uintptr_t covered = pl->base;
	for (size_t i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		uintptr_t s = (pl->bias + ph[i].p_vaddr) & ~(pg - 1);
		uintptr_t e = (pl->bias + ph[i].p_vaddr + ph[i].p_memsz + pg - 1) & ~(pg - 1);
		if (s > covered)
			sys_mprotect((void *)covered, s - covered, PROT_NONE_);
		if (e > covered)
			covered = e;
	}
	/* The tail of the first segment's mapping past its own pages is the file too, but the
	 * next segment's mapping replaced it unless the first segment is the only one. */
	if (covered < pl->base + pl->span)
		sys_mprotect((void *)covered, pl->base + pl->span - covered, PROT_NONE_);
}

/* The record of a mapped object. Takes ownership of ph unless it is `frame` (read_headers):
 * the mapped copy of the program headers is used if a PT_LOAD holds them, else ph is kept
 * (a copy of it if it is the caller's frame). */
static struct dso *new_record(const struct kstat *st, const Elf64_Ehdr *eh, Elf64_Phdr *ph, const Elf64_Phdr *frame,
			      const struct placement *pl)
{
	struct dso *d = rt_calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->load_bias = pl->bias;
	d->map_start = pl->base;
	d->map_len = pl->span;
	d->e_type = eh->e_type;
	d->entry = pl->bias + eh->e_entry;
	d->dev = st->st_dev;
	d->ino = st->st_ino;
	d->fsize = (uint64_t)st->st_size;
	d->mtime_ns = st->st_mtime_ * 1000000000ULL + st->st_mtime_ns;
	d->ctime_ns = st->st_ctime_ * 1000000000ULL + st->st_ctime_ns;
	d->kind = DSO_LIB;
	d->load_by_read_dso = R.load_by_read;
	d->phnum = eh->e_phnum;
	/* The program headers in mapped memory if a PT_LOAD holds them (PT_PHDR or the segment
	 * covering e_phoff); otherwise keep our copy. */
	d->phdr = ph;
	for (size_t i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		if (p->p_type == PT_LOAD && (p->p_flags & PF_R) && eh->e_phoff >= p->p_offset &&
		    eh->e_phoff + eh->e_phnum * sizeof *ph <= p->p_offset + p->p_filesz) {
			d->phdr = (const Elf64_Phdr *)(pl->bias + p->p_vaddr + (eh->e_phoff - p->p_offset));
			break;
		}
	}
	if (d->phdr == ph && ph == frame) {
		Elf64_Phdr *copy = rt_malloc(eh->e_phnum * sizeof *ph);
		if (!copy) {
			rt_free(d);
			return NULL;
		}
		d->phdr = memcpy(copy, ph, eh->e_phnum * sizeof *ph);
	} else if (d->phdr != ph && ph != frame)
		rt_free(ph);
	return d;
}

struct dso *map_file(const char *path, int fd, const struct kstat *stp, char *err, size_t errlen, bool *wrong_class,
		     bool program)
{
	struct kstat st;
	Elf64_Ehdr eh;
	Elf64_Phdr frame[PHDRS_IN_FRAME], *ph;
	struct placement pl = {0};

	if (read_headers(fd, stp, program, &st, &eh, frame, &ph, err, errlen, wrong_class) < 0)
		return NULL;
	load_span(ph, eh.e_phnum, &pl.lo, &pl.hi, &pl.max_align);
	pl.span = pl.hi - pl.lo;
	if (eh.e_type == ET_DYN && !R.load_by_read)
		pl.agreed = relcache_agreed_base(&st, ph, eh.e_phnum, pl.span, pl.max_align);
	if (reserve_span(path, fd, &eh, ph, &pl, err, errlen) < 0 ||
	    map_segments(path, fd, ph, eh.e_phnum, &pl, err, errlen) < 0)
		goto fail;
	if (pl.first_premapped)
		close_gaps(ph, eh.e_phnum, &pl);
	struct dso *d = new_record(&st, &eh, ph, frame, &pl);
	if (!d) {
		rt_snprintf(err, errlen, "out of memory");
		goto fail;
	}
	map_scan_phdrs(d);
	relcache_placed(d, pl.agreed);
	if (!d->dynamic && !program) { /* a program without one: chain_load.c runs it */
		rt_snprintf(err, errlen, "object has no dynamic section");
		map_unmap(d);
		rt_free(d);
		return NULL;
	}
	return d;

fail:
	if (pl.base)
		sys_munmap((void *)pl.base, pl.span);
	if (ph != frame)
		rt_free(ph);
	return NULL;
}

struct dso *map_adopt_program(const Elf64_Phdr *phdr, size_t phnum, uintptr_t entry)
{
	struct dso *d = rt_calloc(1, sizeof *d);
	if (!d)
		die_load(NULL, "out of memory");
	d->phdr = phdr;
	d->phnum = (uint16_t)phnum;
	d->kind = DSO_MAIN;
	d->mapped_by_kernel = true;
	d->entry = entry;
	d->e_type = ET_DYN;
	/* The bias is where the headers are minus where PT_PHDR says they should be. */
	for (size_t i = 0; i < phnum; i++)
		if (phdr[i].p_type == PT_PHDR)
			d->load_bias = (uintptr_t)phdr - phdr[i].p_vaddr;
	uintptr_t lo, hi;
	load_span(phdr, phnum, &lo, &hi, NULL);
	if (d->load_bias == 0 && lo != 0)
		d->e_type = ET_EXEC; /* fixed-address program: PT_PHDR gave bias 0 */
	d->map_start = d->load_bias + lo;
	d->map_len = hi - lo;
	map_scan_phdrs(d);
	return d;
}

struct dso *map_adopt_image(const Elf64_Ehdr *eh, uintptr_t bias, enum dso_kind kind)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)((uintptr_t)eh + eh->e_phoff);
	struct dso *d = map_adopt_program(ph, eh->e_phnum, bias + eh->e_entry);
	d->kind = kind;
	d->mapped_by_kernel = true;
	d->load_bias = bias;
	d->e_type = eh->e_type;
	uintptr_t lo, hi;
	load_span(ph, eh->e_phnum, &lo, &hi, NULL);
	d->map_start = bias + lo;
	d->map_len = hi - lo;
	d->dynamic = NULL;
	d->relro_start = 0;
	d->tls_memsz = 0;
	map_scan_phdrs(d);
	return d;
}

void map_protect_relro(struct dso *d)
{
	/* Checked again here for what elf_check_phdrs never saw (the program the kernel mapped). */
	uintptr_t end = (d->map_start + d->map_len + R.pagesize - 1) & ~(R.pagesize - 1);
	if (d->relro_len && (d->relro_start < (d->map_start & ~(R.pagesize - 1)) || d->relro_start > end ||
			     d->relro_len > end - d->relro_start))
		die_load(dso_display(d), "PT_GNU_RELRO outside the loadable segments");
	if (d->relro_len && map_mprotect(d, d->relro_start, d->relro_len, PROT_READ_, "RELRO") < 0)
		die_load(dso_display(d), "cannot apply additional memory protection after relocation");
}

void map_unmap(struct dso *d)
{
	if (d->map_len && !d->mapped_by_kernel)
		sys_munmap((void *)d->map_start, d->map_len);
}
