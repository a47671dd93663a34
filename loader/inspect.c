/* mmld inspect FILE: an ELF file's load plan. What a loader will map where, page by page,
 * with which protections; which pages stay the page cache's (shared by every process that
 * maps the file) and which become private: written by relocations, zero-filled bss, or data
 * the program may write. Read from the file alone (the dynamic segment, as a loader reads
 * it: elfinfo.c, elfreloc.c); nothing is loaded or run. */
#include "mmld.h"
#include "elfinfo.h"
#include "elfreloc.h"
#include "opts.h"
#include "report.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096ULL

static const char inspect_details[] =
	"Output:\n"
	"  header         the file's type (ET_DYN: placed at a load bias; ET_EXEC: at its link addresses),\n"
	"                 machine, who loads it (its interpreter, PT_INTERP; or the kernel alone), the\n"
	"                 libraries it needs, its soname, thread-local storage\n"
	"  load plan      one row per PT_LOAD segment:\n"
	"    seg          its index among the PT_LOAD segments\n"
	"    vaddr        its link-time address (the load bias is added at run time)\n"
	"    offset       where its bytes are in the file\n"
	"    filesz       bytes read from the file; memsz: bytes in memory (the rest is zero-filled bss)\n"
	"    prot         the protections it is mapped with (r, w, x)\n"
	"    pages        4 KiB pages it spans\n"
	"    what...      what its pages become: shared with every process mapping the file, or private\n"
	"                 (RELRO, data, bss), and how many of them relocations write\n"
	"  relocations    the tables the dynamic segment names (DT_RELA, DT_JMPREL, DT_RELR), one row per\n"
	"                 section written and relocation type:\n"
	"    relocs       how many relocations of that type write into that section\n"
	"    pages        how many distinct pages those relocations write\n"
	"                 (a file without section headers: rows per segment instead of section)\n"
	"  per process    what each process mapping the file costs: shared, private by relocation, bss\n"
	"Warnings (stderr): a file for another machine, text relocations, tables outside the file.\n"
	"Exit status: 0 shown, 1 the file cannot be read or is not a loadable 64-bit ELF file (\"not\n"
	"loadable\": a segment that ends past the user address space or wraps, or reads more from the\n"
	"file than its memory size, as every loader refuses), 2 a bad argument.\n";

static const char *prot(uint32_t f)
{
	static char s[4];
	s[0] = f & PF_R ? 'r' : '-';
	s[1] = f & PF_W ? 'w' : '-';
	s[2] = f & PF_X ? 'x' : '-';
	return s;
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) ? "a character device"
	       : S_ISBLK(m) ? "a block device" : "not a regular file";
}

/* Opens path for reading without blocking (a FIFO would wait for a writer): a regular file
 * only. -1 after saying why. */
static int open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "mmld inspect: %s: %s\n", shown(path), strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "mmld inspect: %s: %s, not an ELF file\n", shown(path), file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, 0);
	return fd;
}

/* The dynamic segment's string at offset off of DT_STRTAB, or NULL. */
static const char *dyn_string(Elf *elf, uint64_t strtab, uint64_t strsz, uint64_t off)
{
	return elfreloc_string(elf, strtab, strsz, off);
}

struct dyn_facts {
	uint64_t strtab, strsz, flags_1;
	uint64_t needed[256];
	size_t nneeded;
	uint64_t soname;
	bool has_soname;
};

static void read_dyn_facts(Elf *elf, struct dyn_facts *f)
{
	memset(f, 0, sizeof *f);
	size_t n = 0;
	elf_getphdrnum(elf, &n);
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_DYNAMIC)
			continue;
		Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_DYN);
		GElf_Dyn dyn;
		for (int k = 0; d && gelf_getdyn(d, k, &dyn) && dyn.d_tag != DT_NULL; k++) {
			if (dyn.d_tag == DT_STRTAB)
				f->strtab = dyn.d_un.d_ptr;
			else if (dyn.d_tag == DT_STRSZ)
				f->strsz = dyn.d_un.d_val;
			else if (dyn.d_tag == DT_FLAGS_1)
				f->flags_1 = dyn.d_un.d_val;
			else if (dyn.d_tag == DT_NEEDED && f->nneeded < 256)
				f->needed[f->nneeded++] = dyn.d_un.d_val;
			else if (dyn.d_tag == DT_SONAME) {
				f->soname = dyn.d_un.d_val;
				f->has_soname = true;
			}
		}
	}
}

/* Who maps the file into a process: its interpreter, or the kernel alone. */
static void print_loader(Elf *elf, const struct elf_info *e, const struct dyn_facts *f)
{
	size_t n = 0, size = 0;
	const char *raw = elf_rawfile(elf, &size);
	elf_getphdrnum(elf, &n);
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_INTERP && raw && ph.p_offset < size && ph.p_filesz) {
			size_t len = ph.p_filesz <= size - ph.p_offset ? ph.p_filesz : size - ph.p_offset;
			char *interp = strndup(raw + ph.p_offset, len);
			printf("interpreter: %s (the kernel maps it and the program; it loads the rest)\n", shown(interp));
			free(interp);
			return;
		}
	}
	if (!e->has_dynamic)
		printf("loaded by the kernel alone: a static program (no interpreter, no dynamic segment)%s\n",
		       e->nrelocs ? "; its start-up code applies its own IRELATIVE relocations" : "");
	else if (f->flags_1 & DF_1_PIE)
		printf("loaded by the kernel alone: a static PIE (no interpreter); it relocates itself at start\n");
	else
		printf("no interpreter: a library, loaded by a dynamic linker as a dependency or by dlopen\n");
}

static void print_identity(Elf *elf, const struct elf_info *e, const char *path)
{
	char mbuf[32];
	printf("%s: ELF 64-bit %s, %s\n", shown(path),
	       e->type == ET_DYN ? "shared object or PIE (ET_DYN: placed at a load bias the kernel or loader picks)"
	       : e->type == ET_EXEC ? "fixed-address executable (ET_EXEC: load bias 0)"
				    : "file that is not loadable (neither ET_EXEC nor ET_DYN)",
	       elfreloc_machine_name(e->machine, mbuf, sizeof mbuf));
	struct dyn_facts f;
	read_dyn_facts(elf, &f);
	print_loader(elf, e, &f);
	if (e->has_dynamic) {
		printf("needs:");
		for (size_t i = 0; i < f.nneeded; i++) {
			const char *s = dyn_string(elf, f.strtab, f.strsz, f.needed[i]);
			printf(" %s", s ? shown(s) : "?");
		}
		printf("%s\n", f.nneeded ? "" : " (nothing)");
		const char *so = f.has_soname ? dyn_string(elf, f.strtab, f.strsz, f.soname) : NULL;
		if (so)
			printf("soname: %s\n", shown(so));
	}
	size_t n = 0;
	elf_getphdrnum(elf, &n);
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_TLS)
			printf("thread-local storage: %#lx bytes (%#lx from the file, the rest zeroed), aligned to %lu; a copy per "
			       "thread, outside the mapped image\n",
			       (unsigned long)ph.p_memsz, (unsigned long)ph.p_filesz, (unsigned long)ph.p_align);
	}
}

struct totals {
	uint64_t shared, text_private, relro_private, data_private, bss;
};

/* One row of the load plan, and its part of the per-process totals. */
static void print_segment(const struct elf_info *e, size_t i, struct totals *t)
{
	const struct load_seg *s = &e->segs[i];
	uint64_t first = s->vaddr & ~(PAGE - 1), last = (s->vaddr + s->memsz + PAGE - 1) & ~(PAGE - 1);
	uint64_t file_last = (s->vaddr + s->filesz + PAGE - 1) & ~(PAGE - 1);
	uint64_t pages = (last - first) / PAGE, file_pages = (file_last - first) / PAGE;
	size_t written = elfinfo_reloc_pages_in(e, first, file_last);
	char what[256];
	if (!(s->flags & PF_W)) {
		const char *kind = s->flags & PF_X ? "text" : "read-only data";
		if (written)
			snprintf(what, sizeof what, "%s: %zu written by relocations (text relocations: private in every process), "
				 "%lu shared", kind, written, (unsigned long)(pages - written));
		else
			snprintf(what, sizeof what, "%s: shared with every process mapping the file", kind);
		t->shared += pages - written;
		t->text_private += written;
	} else {
		uint64_t rlo = e->relro_start > first ? e->relro_start : first;
		uint64_t rhi = e->relro_end < last ? e->relro_end : last;
		uint64_t relro = rhi > rlo ? (rhi - rlo) / PAGE : 0;
		snprintf(what, sizeof what, "%lu RELRO (read-only after relocation), %lu data, %lu bss; %zu written by relocations",
			 (unsigned long)relro, (unsigned long)(file_pages - relro), (unsigned long)(pages - file_pages), written);
		t->bss += pages - file_pages;
		uint64_t wlo = e->relro_start > first ? e->relro_start : first;
		uint64_t whi = e->relro_end < file_last ? e->relro_end : file_last;
		size_t relro_written = elfinfo_reloc_pages_in(e, wlo, whi);
		t->relro_private += relro_written;
		t->data_private += written - relro_written;
	}
	printf("  %-4zu %#-10lx %#-10lx %#-9lx %#-9lx %-4s %5lu  %s\n", i, (unsigned long)s->vaddr, (unsigned long)s->offset,
	       (unsigned long)s->filesz, (unsigned long)s->memsz, prot(s->flags), (unsigned long)pages, what);
}

static void print_relocations(const struct elf_info *e)
{
	printf("\nrelocations: %zu (%s); they write %zu distinct pages, which become private copies in every process:\n",
	       e->nrelocs,
	       e->relocs_from_dynamic ? "the tables of the dynamic segment"
	       : e->nrelocs	      ? "the allocated relocation sections: no dynamic segment"
				      : "none: no dynamic segment",
	       e->nreloc_pages);
	if (!e->ngroups)
		return;
	/* Section names are the file's: escaped, and padded by the columns they take. */
	size_t w = 7;
	for (size_t g = 0; g < e->ngroups; g++)
		if (text_width(shown(e->groups[g].section)) > w)
			w = text_width(shown(e->groups[g].section));
	printf("  %-*s %-26s %8s %6s\n", (int)w, e->has_sections ? "section" : "segment", "type", "relocs", "pages");
	for (size_t g = 0; g < e->ngroups; g++) {
		const char *name = shown(e->groups[g].section);
		printf("  %s%*s %-26s %8zu %6zu\n", name, (int)(w - text_width(name)), "", e->groups[g].type,
		       e->groups[g].relocs, e->groups[g].pages);
	}
	if (e->none_relocs)
		printf("  (and %zu R_X86_64_NONE entries, which write nothing)\n", e->none_relocs);
}

static void warn(const struct elf_info *e, const char *path)
{
	char mbuf[32];
	if (e->machine != EM_X86_64)
		fprintf(stderr, "mmld inspect: %s: warning: built for %s, not x86-64: no loader here runs it; the plan is "
				"read as an x86-64 loader would, relocation types by number\n",
			shown(path), elfreloc_machine_name(e->machine, mbuf, sizeof mbuf));
	if (e->textrel || e->text_reloc_pages)
		fprintf(stderr, "mmld inspect: %s: warning: text relocations: %zu page%s of its read-only segments written, "
				"private in every process\n",
			shown(path), e->text_reloc_pages, e->text_reloc_pages == 1 ? "" : "s");
	if (e->bad_tables)
		fprintf(stderr, "mmld inspect: %s: warning: a relocation table lies outside the file: the count stops there\n",
			shown(path));
}

static int inspect(const char *path)
{
	int fd = open_regular(path);
	if (fd < 0)
		return 1;
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int status = 1;
	struct elf_info *e = NULL;
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		fprintf(stderr, "mmld inspect: %s: not an ELF file\n", shown(path));
	else if (gelf_getclass(elf) != ELFCLASS64)
		fprintf(stderr, "mmld inspect: %s: a 32-bit ELF file (only 64-bit files are read)\n", shown(path));
	else if (!(e = elfinfo_load(path))->ok)
		fprintf(stderr, "mmld inspect: %s: no loadable segments\n", shown(path));
	else if (e->unloadable[0])
		fprintf(stderr, "mmld inspect: %s: not loadable: %s\n", shown(path), e->unloadable);
	else {
		warn(e, path);
		print_identity(elf, e, path);
		printf("\nload plan (addresses before the load bias is added; pages of 4 KiB):\n");
		printf("  %-4s %-10s %-10s %-9s %-9s %-4s %5s  %s\n", "seg", "vaddr", "offset", "filesz", "memsz", "prot", "pages",
		       "what the pages become");
		struct totals t = {0};
		for (size_t i = 0; i < e->nsegs; i++)
			print_segment(e, i, &t);
		if (e->relro_end > e->relro_start)
			printf("  RELRO %#lx-%#lx: made read-only once relocated\n", (unsigned long)e->relro_start,
			       (unsigned long)e->relro_end);
		print_relocations(e);
		printf("\nper process: %lu KiB mapped read-only or executable (shared while unwritten);\n"
		       "  private: %lu KiB of RELRO and %lu KiB of data copied by relocation, %lu KiB of bss (anonymous, once "
		       "touched)\n",
		       (unsigned long)t.shared * 4, (unsigned long)t.relro_private * 4, (unsigned long)t.data_private * 4,
		       (unsigned long)t.bss * 4);
		if (t.text_private)
			printf("  and %lu KiB of text and read-only data copied by relocation (text relocations)\n",
			       (unsigned long)t.text_private * 4);
		status = 0;
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return status;
}

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
	return inspect(argv[first]);
}
