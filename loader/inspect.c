/* mmld inspect FILE: an ELF file's load plan. What a loader will map where, page by page,
 * with which protections; which pages stay the page cache's (shared by every process that
 * maps the file) and which become private: written by relocations, zero-filled bss, or data
 * the program may write. Read from the file with libelf; nothing is loaded. */
#include "mmld.h"
#include "elfinfo.h"
#include "opts.h"
#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prot(uint32_t f)
{
	static char s[4];
	s[0] = f & PF_R ? 'r' : '-';
	s[1] = f & PF_W ? 'w' : '-';
	s[2] = f & PF_X ? 'x' : '-';
	return s;
}

/* PT_INTERP, DT_SONAME and DT_NEEDED, for the header lines. */
static void print_identity(Elf *elf, const char *path)
{
	GElf_Ehdr eh;
	gelf_getehdr(elf, &eh);
	printf("%s: ELF 64-bit %s, machine %d\n", path,
	       eh.e_type == ET_DYN ? "shared object or PIE (ET_DYN: placed at a load bias the kernel picks)"
	       : eh.e_type == ET_EXEC ? "fixed-address executable (ET_EXEC: load bias 0)" : "object (not loadable)",
	       eh.e_machine);
	size_t n = 0;
	elf_getphdrnum(elf, &n);
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_INTERP) {
			size_t len;
			char *raw = elf_rawfile(elf, &len);
			if (raw && ph.p_offset < len)
				printf("interpreter: %.*s\n", (int)(ph.p_filesz ? ph.p_filesz - 1 : 0), raw + ph.p_offset);
		}
		if (ph.p_type == PT_TLS)
			printf("thread-local storage: %#lx bytes (%#lx from the file), aligned to %lu\n", (unsigned long)ph.p_memsz,
			       (unsigned long)ph.p_filesz, (unsigned long)ph.p_align);
	}
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while ((s = elf_nextscn(elf, s)))
		if (gelf_getshdr(s, &sh) && sh.sh_type == SHT_DYNAMIC) {
			Elf_Data *d = elf_getdata(s, NULL);
			GElf_Dyn dyn;
			printf("needs:");
			int any = 0;
			for (int i = 0; d && gelf_getdyn(d, i, &dyn) && dyn.d_tag != DT_NULL; i++) {
				if (dyn.d_tag == DT_NEEDED) {
					printf(" %s", elf_strptr(elf, sh.sh_link, dyn.d_un.d_val));
					any = 1;
				}
			}
			printf("%s\n", any ? "" : " (nothing)");
			for (int i = 0; d && gelf_getdyn(d, i, &dyn) && dyn.d_tag != DT_NULL; i++)
				if (dyn.d_tag == DT_SONAME)
					printf("soname: %s\n", elf_strptr(elf, sh.sh_link, dyn.d_un.d_val));
		}
}

/* Counts the pages of [lo, hi) (link-time) that relocations write. */
static size_t reloc_pages_in(const struct elf_info *e, uint64_t lo, uint64_t hi)
{
	size_t n = 0;
	for (uint64_t p = lo & ~4095ULL; p < hi; p += 4096)
		n += elfinfo_reloc_page(e, p);
	return n;
}

static const char inspect_details[] =
	"Output:\n"
	"  header         the file's type (ET_DYN: placed at a load bias; ET_EXEC: at its link addresses),\n"
	"                 machine, interpreter (PT_INTERP), needed libraries, soname, thread-local storage\n"
	"  load plan      one row per PT_LOAD segment:\n"
	"    seg          its index among the PT_LOAD segments\n"
	"    vaddr        its link-time address (the load bias is added at run time)\n"
	"    offset       where its bytes are in the file\n"
	"    filesz       bytes read from the file; memsz: bytes in memory (the rest is zero-filled bss)\n"
	"    prot         the protections it is mapped with (r, w, x)\n"
	"    pages        4 KiB pages it spans\n"
	"    what...      what its pages become: shared with every process mapping the file, or private\n"
	"                 (RELRO, data, bss) and how many of them relocations write\n"
	"  relocations    one row per section and relocation type: how many relocations write into that\n"
	"                 section, and how many distinct pages those relocations write\n"
	"  per process    what each process mapping the file costs: shared, private by relocation, bss\n"
	"Exit status: 0 shown, 1 the file cannot be read or is not a loadable ELF file, 2 a bad argument.\n";

int cmd_inspect(int argc, char **argv)
{
	struct opt opts[] = {{0}};
	const struct command cmd = {
		.name = "inspect",
		.usage = "[--] FILE",
		.summary = "Shows an ELF file's load plan, read from the file alone (nothing is loaded or run).",
		.details = inspect_details,
		.opts = opts,
		.min_operands = 1,
		.max_operands = 1,
	};
	int first, status;
	if (!opts_parse(&cmd, argc, argv, &first, &status))
		return status;
	const char *path = argv[first];
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "mmld inspect: %s: %s\n", path, strerror(errno));
		return 1;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS64) {
		fprintf(stderr, "mmld inspect: %s: not a 64-bit ELF file\n", path);
		return 1;
	}
	struct elf_info *e = elfinfo_load(path);
	if (!e->ok) {
		fprintf(stderr, "mmld inspect: %s: no loadable segments\n", path);
		return 1;
	}
	print_identity(elf, path);

	printf("\nload plan (addresses before the load bias is added; pages of 4 KiB):\n");
	printf("  %-4s %-10s %-10s %-9s %-9s %-4s %5s  %s\n", "seg", "vaddr", "offset", "filesz", "memsz", "prot", "pages",
	       "what the pages become");
	uint64_t shared = 0, relro_private = 0, data_private = 0, bss = 0;
	for (size_t i = 0; i < e->nsegs; i++) {
		const struct load_seg *s = &e->segs[i];
		uint64_t first = s->vaddr & ~4095ULL, last = (s->vaddr + s->memsz + 4095) & ~4095ULL;
		uint64_t file_last = (s->vaddr + s->filesz + 4095) & ~4095ULL;
		uint64_t pages = (last - first) / 4096, file_pages = (file_last - first) / 4096;
		char what[256];
		if (s->flags & PF_X)
			snprintf(what, sizeof what, "text: shared with every process mapping the file");
		else if (!(s->flags & PF_W))
			snprintf(what, sizeof what, "read-only data: shared");
		else {
			uint64_t rlo = e->relro_start > first ? e->relro_start : first;
			uint64_t rhi = e->relro_end < last ? e->relro_end : last;
			uint64_t relro = rhi > rlo ? (rhi - rlo) / 4096 : 0;
			size_t rp = reloc_pages_in(e, first, last);
			snprintf(what, sizeof what, "%lu RELRO (read-only after relocation), %lu data, %lu bss; %zu written by relocations",
				 (unsigned long)relro, (unsigned long)(file_pages - relro), (unsigned long)(pages - file_pages), rp);
		}
		printf("  %-4zu %#-10lx %#-10lx %#-9lx %#-9lx %-4s %5lu  %s\n", i, (unsigned long)s->vaddr,
		       (unsigned long)s->offset, (unsigned long)s->filesz, (unsigned long)s->memsz, prot(s->flags),
		       (unsigned long)pages, what);
		if (!(s->flags & PF_W))
			shared += pages;
		else {
			bss += pages - file_pages;
			for (uint64_t p = first; p < file_last; p += 4096) {
				bool reloc = elfinfo_reloc_page(e, p);
				if (p >= e->relro_start && p < e->relro_end)
					relro_private += reloc;
				else if (reloc)
					data_private++;
			}
		}
	}
	if (e->relro_end > e->relro_start)
		printf("  RELRO %#lx-%#lx: made read-only once relocated\n", (unsigned long)e->relro_start,
		       (unsigned long)e->relro_end);

	printf("\nrelocations: %zu; they write %zu distinct pages, which become private copies in every process:\n",
	       e->nrelocs, e->nreloc_pages);
	if (e->ngroups) {
		printf("  %-24s %-18s %8s %6s\n", "section", "type", "relocs", "pages");
		for (size_t g = 0; g < e->ngroups; g++)
			printf("  %-24s %-18s %8zu %6zu\n", e->groups[g].section, e->groups[g].type, e->groups[g].relocs,
			       e->groups[g].pages);
	}
	printf("\nper process: %lu KiB mapped read-only or executable (shared while unwritten), %lu KiB of RELRO and %lu KiB of data\n"
	       "copied by relocation (private), %lu KiB of bss (anonymous, private once touched)\n",
	       (unsigned long)shared * 4, (unsigned long)relro_private * 4, (unsigned long)data_private * 4,
	       (unsigned long)bss * 4);
	elf_end(elf);
	close(fd);
	return 0;
}
