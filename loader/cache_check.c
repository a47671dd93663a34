/* mmld cache verify: an entry's image against what published it and against its object.
 *
 * First the image's checksum (imagesum.h): any change since it was published is damage.
 * Then each word of the image against what the object's file alone decides:
 *   relocated  a RELATIVE relocation writes it (base plus addend; RELR: base plus the file's
 *              word), or lazy binding (the PLT slot's own address plus the base): it must be
 *              exactly that, or the image is wrong;
 *   file       no relocation writes it: the file's bytes (zero in the bss part of the last
 *              page). One that differs was written at start-up by something else, which
 *              is the IFUNC resolvers (libc's init_cacheinfo writes its thresholds so): counted;
 *   other      symbolic relocations, fix-ups, GOT[1] and GOT[2] depend on other objects and on
 *              the process: MMLD_RELOC_CACHE=verify compares those, in a process. */
#include "cache.h"
#include "../rtld/imagesum.h"
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SHT_RELR
#define SHT_RELR 19
#endif

enum word_kind { WORD_FILE, WORD_RELOCATED, WORD_OTHER };

struct expect {
	unsigned char *want; /* what the image should hold */
	unsigned char *kind; /* enum word_kind, per 8-byte word */
	uint64_t len;
};

/* Offset in the image of link-time address a, or -1. */
static long long image_index(const struct cache_entry *e, uint64_t a)
{
	uint64_t base = 0;
	for (uint32_t k = 0; k < e->h.nranges; k++) {
		if (a >= e->h.ranges[k].vaddr && a < e->h.ranges[k].vaddr + e->h.ranges[k].len)
			return (long long)(base + a - e->h.ranges[k].vaddr);
		base += e->h.ranges[k].len;
	}
	return -1;
}

/* The words [a, a+len) overlaps are at least `kind`. */
static void mark(struct expect *x, const struct cache_entry *e, uint64_t a, uint64_t len, enum word_kind kind)
{
	for (uint64_t b = a & ~7ULL; b < a + len; b += 8) {
		long long p = image_index(e, b);
		if (p >= 0 && x->kind[p / 8] < kind)
			x->kind[p / 8] = (unsigned char)kind;
	}
}

static uint64_t word_at(const struct expect *x, const struct cache_entry *e, uint64_t a)
{
	uint64_t v = 0;
	long long p = image_index(e, a);
	if (p >= 0 && (uint64_t)p + 8 <= x->len)
		memcpy(&v, x->want + p, 8);
	return v;
}

static void relocated(struct expect *x, const struct cache_entry *e, uint64_t a, uint64_t v)
{
	long long p = image_index(e, a);
	if (p >= 0 && (uint64_t)p + 8 <= x->len)
		memcpy(x->want + p, &v, 8);
	mark(x, e, a, 8, WORD_RELOCATED);
}

/* The file's bytes of each writable segment, as its pages are mapped. */
static const char *file_bytes(Elf *elf, int fd, const struct cache_entry *e, struct expect *x)
{
	size_t nph;
	if (elf_getphdrnum(elf, &nph) != 0)
		return "its object is not an ELF file";
	uint64_t base = 0;
	for (uint32_t k = 0; k < e->h.nranges; k++) {
		const struct rc_range *r = &e->h.ranges[k];
		bool found = false;
		for (size_t i = 0; i < nph && !found; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_W) ||
			    (ph.p_vaddr & ~4095ULL) != r->vaddr)
				continue;
			found = true;
			/* The pages as mapped: the file's bytes to the end of the last page (zero past the
			 * end of the file), with the segment's own bss in them zeroed (map.c, move 3). */
			uint64_t file_end = ph.p_vaddr + ph.p_filesz - r->vaddr, mem_end = ph.p_vaddr + ph.p_memsz - r->vaddr;
			if (file_end > r->len ||
			    pread(fd, x->want + base, r->len, (off_t)(ph.p_offset - (ph.p_vaddr - r->vaddr))) < (ssize_t)file_end)
				return "its object's segments are not the ones the entry was made for";
			memset(x->want + base + file_end, 0, (mem_end < r->len ? mem_end : r->len) - file_end);
		}
		if (!found)
			return "its object's segments are not the ones the entry was made for";
		base += r->len;
	}
	return NULL;
}

/* What each relocation makes of its word, where the file alone decides it. */
static void apply_relocs(Elf *elf, const struct cache_entry *e, struct expect *x)
{
	const uint64_t bias = e->key.load_bias;
	const bool lazy = e->key.flags & RC_F_LAZY;
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(elf, s))) {
		if (!gelf_getshdr(s, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		Elf_Data *d = elf_getdata(s, NULL);
		if (!d)
			continue;
		if (sh.sh_type == SHT_DYNAMIC) {
			GElf_Dyn dyn;
			for (int i = 0; gelf_getdyn(d, i, &dyn); i++)
				if (dyn.d_tag == DT_PLTGOT && lazy) /* GOT[1], GOT[2]: this process's object, trampoline */
					mark(x, e, dyn.d_un.d_ptr + 8, 16, WORD_OTHER);
		} else if (sh.sh_type == SHT_RELA) {
			GElf_Rela r;
			for (int i = 0; gelf_getrela(d, i, &r); i++) {
				unsigned t = GELF_R_TYPE(r.r_info);
				if (t == R_X86_64_RELATIVE)
					relocated(x, e, r.r_offset, bias + (uint64_t)r.r_addend);
				else if (t == R_X86_64_JUMP_SLOT && lazy)
					relocated(x, e, r.r_offset, word_at(x, e, r.r_offset) + bias);
				else if (t != R_X86_64_NONE)
					mark(x, e, r.r_offset, t == 36 /* TLSDESC */ ? 16 : 8, WORD_OTHER);
			}
		} else if (sh.sh_type == SHT_RELR) {
			const uint64_t *w = d->d_buf;
			uint64_t where = 0;
			for (size_t i = 0; i < d->d_size / 8; i++) {
				if (!(w[i] & 1)) {
					where = w[i];
					relocated(x, e, where, word_at(x, e, where) + bias);
					where += 8;
				} else {
					uint64_t bits = w[i];
					for (uint64_t p = where; (bits >>= 1) != 0; p += 8)
						if (bits & 1)
							relocated(x, e, p, word_at(x, e, p) + bias);
					where += 63 * 8;
				}
			}
		}
	}
	for (uint64_t i = 0; i < e->h.fixup_count; i++)
		mark(x, e, e->fixups[i].r_offset, ELF64_R_TYPE(e->fixups[i].r_info) == 36 ? 16 : 8, WORD_OTHER);
}

/* The link-time address of image offset i. */
static uint64_t address_of(const struct cache_entry *e, uint64_t i)
{
	for (uint32_t k = 0; k < e->h.nranges; k++) {
		if (i < e->h.ranges[k].len)
			return e->h.ranges[k].vaddr + i;
		i -= e->h.ranges[k].len;
	}
	return 0;
}

/* Compares, filling the counts; returns the number of wrong relocated words. */
static uint64_t compare(const struct cache_entry *e, const unsigned char *img, const struct expect *x,
			struct cache_check *out, uint64_t *first_bad)
{
	uint64_t bad = 0;
	for (uint64_t i = 0; i + 8 <= x->len; i += 8) {
		enum word_kind k = x->kind[i / 8];
		if (k == WORD_OTHER)
			continue;
		out->words++;
		if (memcmp(img + i, x->want + i, 8) == 0)
			continue;
		if (k == WORD_FILE)
			out->written_outside++;
		else if (!bad++)
			*first_bad = address_of(e, i);
	}
	return bad;
}

const char *cache_check_image(const struct cache_entry *e, int entry_fd, struct cache_check *out, char *msg,
			      size_t msglen)
{
	memset(out, 0, sizeof *out);
	msg[0] = 0;
	int fd = open(e->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "its object cannot be opened";
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	struct expect x = {calloc(1, e->h.image_len + 8), calloc(1, e->h.image_len / 8 + 1), e->h.image_len};
	unsigned char *img = malloc(e->h.image_len + 8);
	const char *why = NULL;
	if (!x.want || !x.kind || !img)
		why = "its image is too large to check (out of memory)";
	else if (!elf || elf_kind(elf) != ELF_K_ELF)
		why = "its object is not an ELF file";
	if (!why && pread(entry_fd, img, e->h.image_len, (off_t)e->h.image_off) != (ssize_t)e->h.image_len)
		why = "its image cannot be read";
	uint64_t sum = 0, off = 0;
	for (uint32_t k = 0; !why && k < e->h.nranges; off += e->h.ranges[k++].len)
		sum = sum * 31 + image_sum(img + off, e->h.ranges[k].len);
	if (!why && sum != e->h.image_sum)
		why = "its image changed since it was published (checksum)";
	if (!why)
		why = file_bytes(elf, fd, e, &x);
	if (!why) {
		apply_relocs(elf, e, &x);
		uint64_t first = 0, bad = compare(e, img, &x, out, &first);
		if (bad) {
			snprintf(msg, msglen, "%lu relocated word%s not base plus addend, the first at %#lx", (unsigned long)bad,
				 bad == 1 ? "" : "s", (unsigned long)first);
			why = "its image is not its object relocated";
		}
	}
	free(x.want);
	free(x.kind);
	free(img);
	if (elf)
		elf_end(elf);
	close(fd);
	return why;
}
