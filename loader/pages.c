/* mmld pages [--at loaded|entry|exit] [--loader mmld|system] [--object NAME] [--quiet]
 *            [--soft-breakpoints] -- PROGRAM ARGS
 *
 * "Which pages of libc did my program dirty, and why?" For each ELF object of one run of
 * PROGRAM: every private page with who made it private (the loader, the initialisers, the
 * program, dlopen) and why (relocations by section and type, the zeroed start of bss, the
 * DT_DEBUG word, lazy binding and the functions it bound, a breakpoint), then the pages
 * mapped but never touched. Addresses are link-time, as readelf shows them; pages.h says how
 * the run is observed. */
#include "mmld.h"
#include "opts.h"
#include "pages.h"
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define PG 4096ULL

struct pages_opts {
	int at;
	bool system, soft, quiet;
	const char *object;
};

static const char pages_details[] =
	"The report, per object (--object: one of them): its load bias; how many of its pages are\n"
	"private, shared with the page cache, the zero page, never touched; then each private page\n"
	"(consecutive ones alike as one range) on two lines:\n"
	"  PAGE  SEG  N pages  WRITTEN-BY  SECTIONS\n"
	"      why\n"
	"  PAGE        link-time address, as readelf -lW, -SW and -rW show it (run-time = bias + PAGE)\n"
	"  SEG         the protection of its PT_LOAD segment\n"
	"  WRITTEN-BY  who made it private first: kernel (execve zeroed the start of bss), loader\n"
	"              (relocations, its own data), libc init (__libc_early_init), initialisers,\n"
	"              program, finalisers (after exit() was called), dlopen\n"
	"  why         relocated words by section and type, bss start, DT_DEBUG, lazy binding\n"
	"              (GOT slots bound, by function), a breakpoint, or the writer's own code\n"
	"then the pages never touched (mapped, not even brought in by a fault nearby), as ranges.\n"
	"One traced run: stopped at exec, relocated, loaded, entry, exiting, exit with debug-register\n"
	"breakpoints, which write nothing (--soft-breakpoints: int3, as debuggers do).\n"
	"Exit status: 0 the pages were measured, 1 not (the reason is printed), 2 a bad argument.\n";

static const char *prot(int f)
{
	static char s[4][4];
	static int k;
	char *p = s[k++ & 3];
	p[0] = f & PF_R ? 'r' : '-';
	p[1] = f & PF_W ? 'w' : '-';
	p[2] = f & PF_X ? 'x' : '-';
	p[3] = 0;
	return p;
}

static const char *writer(const struct pobject *o, int since)
{
	if (since == PSTOP_EXEC)
		return "kernel";
	if (since <= pagecause_load_end(o))
		return o->first_stop > PSTOP_LOADED ? "dlopen" : "loader";
	return since == PSTOP_LOADED ? (o->is_loader ? "loader" : "libc init")
	       : since == PSTOP_ENTRY ? "initialisers"
	       : since == PSTOP_EXIT && o->seen[PSTOP_EXITING] ? "finalisers" : "program";
}

/* The sections of pages [a, b), each named once, at most a few. */
static void range_sections(const struct pobject *o, size_t a, size_t b, char *out, size_t len)
{
	out[0] = 0;
	size_t used = 0, names = 0;
	for (size_t i = a; i < b; i++) {
		char copy[sizeof o->facts[i].sections];
		snprintf(copy, sizeof copy, "%s", o->facts[i].sections);
		for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
			char key[40];
			snprintf(key, sizeof key, " %s ", tok);
			char padded[512];
			snprintf(padded, sizeof padded, " %s ", out);
			if (strstr(padded, key))
				continue;
			if (++names > 4) {
				if (!strstr(out, "..."))
					snprintf(out + used, len - used, " ...");
				return;
			}
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? " " : "", tok);
			if (used >= len)
				return;
		}
	}
}

static void print_untouched(const struct pobject *o, int at)
{
	bool header = false;
	for (size_t i = 0; i < o->npages;) {
		if (o->state[at][i] != PS_ABSENT) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < o->npages && o->state[at][j] == PS_ABSENT && o->facts[j].seg_flags == o->facts[i].seg_flags)
			j++;
		if (!header) {
			printf("  never touched (mapped, not even brought in by a fault nearby):\n");
			header = true;
		}
		char secs[160];
		range_sections(o, i, j, secs, sizeof secs);
		char range[48];
		snprintf(range, sizeof range, "%#lx-%#lx", (unsigned long)o->facts[i].page,
			 (unsigned long)(o->facts[j - 1].page + PG));
		printf("    untouched %-21s %s %4zu page%s  %s\n", range, prot(o->facts[i].seg_flags), j - i, j - i == 1 ? " " : "s",
		       shown(secs));
		i = j;
	}
}

static void print_object(const struct pobject *o, int at)
{
	size_t n[PS_PRIVATE + 1] = {0}, mapped = 0;
	for (size_t i = 0; i < o->npages; i++)
		if (o->facts[i].seg_flags) {
			mapped++;
			n[o->state[at][i]]++;
		}
	printf("\n%s  (load bias %#lx)\n", shown(o->path), (unsigned long)o->bias);
	if (at < o->first_stop) {
		printf("  not loaded yet at %s\n", pstop_names[at]);
		return;
	}
	printf("  %zu pages mapped: %zu private, %zu shared with the page cache, %zu the zero page, %zu never touched\n",
	       mapped, n[PS_PRIVATE], n[PS_FILE], n[PS_ZERO], n[PS_ABSENT]);
	if (n[PS_PRIVATE])
		printf("  private (pages, segment, written first by, sections; why):\n");
	/* Consecutive pages with the same sections, writer and reason are one line: a range. */
	for (size_t i = 0; i < o->npages;) {
		if (o->state[at][i] != PS_PRIVATE) {
			i++;
			continue;
		}
		struct page_cause c, d;
		pagecause_explain(o, i, at, &c);
		size_t j = i + 1;
		while (j < o->npages && o->state[at][j] == PS_PRIVATE &&
		       strcmp(o->facts[j].sections, o->facts[i].sections) == 0 &&
		       (pagecause_explain(o, j, at, &d), d.since == c.since && strcmp(d.why, c.why) == 0))
			j++;
		char range[48];
		if (j - i == 1)
			snprintf(range, sizeof range, "%#lx", (unsigned long)o->facts[i].page);
		else
			snprintf(range, sizeof range, "%#lx-%#lx", (unsigned long)o->facts[i].page,
				 (unsigned long)(o->facts[j - 1].page + PG));
		printf("    %-21s %s %4zu page%s  %-12s %s\n", range, prot(o->facts[i].seg_flags), j - i, j - i == 1 ? " " : "s",
		       writer(o, c.since), o->facts[i].sections[0] ? shown(o->facts[i].sections) : "-");
		printf("      %s\n", shown(c.why));
		i = j;
	}
	print_untouched(o, at);
}

static bool wanted(const struct pobject *o, const char *name)
{
	if (!name)
		return true;
	const char *base = strrchr(o->path, '/');
	return strcmp(o->path, name) == 0 || strcmp(base ? base + 1 : o->path, name) == 0;
}

static const char *const loaders[] = {"mmld", "system", NULL};
static const char *const points[NSTOPS + 1] = {"exec", "relocated", "loaded", "entry", "exiting", "exit", NULL};

static int parse(int argc, char **argv, struct pages_opts *po)
{
	*po = (struct pages_opts){.at = PSTOP_EXIT};
	int loader = 0;
	struct opt opts[] = {
		{.name = "at", .kind = OPT_CHOICE, .dest = &po->at, .choices = points, .metavar = "POINT",
		 .deflt = "exit",
		 .help = "the pages as they are at (one run stops at each in turn):\n"
			 "exec       as execve left them (the kernel's part)\n"
			 "relocated  libc's __libc_early_init is called\n"
			 "loaded     the loader is done, no constructor has run\n"
			 "entry      the program's entry point\n"
			 "exiting    exit() is called, no finaliser has run\n"
			 "exit       exit_group"},
		{.name = "loader", .kind = OPT_CHOICE, .dest = &loader, .choices = loaders, .deflt = "mmld",
		 .help = "mmld: through ld-mmld.so; system: as the kernel starts it\n(PT_INTERP, the system's ld.so)"},
		{.name = "object", .kind = OPT_STRING, .dest = &po->object, .metavar = "NAME",
		 .help = "only the object whose file name (or path) is NAME,\ne.g. libc.so.6"},
		{.name = "quiet", .letter = 'q', .kind = OPT_FLAG, .dest = &po->quiet,
		 .help = "the program's input and output to /dev/null"},
		{.name = "soft-breakpoints", .kind = OPT_FLAG, .dest = &po->soft,
		 .help = "stop with int3 written into the text, as debuggers do\n(the pages written show up as private)"},
		{0},
	};
	const struct command cmd = {
		.name = "pages",
		.usage = "[OPTIONS] [--] PROGRAM [ARGS]",
		.summary = "Which pages of each object did PROGRAM make private, and why; which did it never touch.",
		.details = pages_details,
		.opts = opts,
		.min_operands = 1,
		.max_operands = -1,
		.program_follows = true,
	};
	int first, status;
	if (!opts_parse(&cmd, argc, argv, &first, &status))
		return -1 - status;
	po->system = loader == 1;
	return first;
}

int cmd_pages(int argc, char **argv)
{
	struct pages_opts po;
	int first = parse(argc, argv, &po);
	if (first < 0)
		return -1 - first; /* 0 after --help, 2 after a bad argument */
	/* A #! script: its interpreter is the program traced, under either loader (the entry
	 * breakpoint is the ELF file's), with the argv the kernel gives it. */
	char *prog;
	struct script_run script;
	int refused = program_find("pages", argv + first, &prog, &script, 1);
	if (refused)
		return refused;
	struct pages_trace_opts to = {.argv = script.argv, .prog = script.file, .system = po.system,
				      .soft_breakpoints = po.soft, .quiet = po.quiet, .last = po.at};
	struct pages_run r = {0};
	int st = pages_trace(&to, &r);
	if (r.trace_errno) {
		fprintf(stderr, "mmld pages: cannot trace %s: %s%s\n", shown(prog), strerror(r.trace_errno),
			r.trace_errno == EPERM ? " (is mmld itself being traced? strace -f and gdb trace the processes it starts)" : "");
		return 1;
	}
	int need = po.at < PSTOP_LOADED ? po.at : PSTOP_LOADED; /* a run that never loaded measured nothing */
	if (!r.taken[po.at] || !r.taken[need]) {
		char status[64] = "";
		if (st >= 0 && WIFEXITED(st))
			snprintf(status, sizeof status, " (exit status %d)", WEXITSTATUS(st));
		else if (st >= 0 && WIFSIGNALED(st))
			snprintf(status, sizeof status, " (killed by signal %d)", WTERMSIG(st));
		fprintf(stderr, "mmld pages: %s: the program ended before %s%s%s%s\n", shown(prog), pstop_names[r.taken[need] ? po.at : need],
			status, r.note[0] ? ": " : "", shown(r.note));
		return 1;
	}
	bool any = false;
	for (size_t i = 0; i < r.nobj; i++)
		any |= wanted(&r.obj[i], po.object);
	if (!any) {
		fprintf(stderr, "mmld pages: no object %s in %s\n", shown(po.object), shown(prog));
		return 1;
	}
	printf("mmld pages: %s %s, pages as they are at %s", shown(prog), po.system ? "as the kernel starts it (system loader)"
									   : "through ld-mmld.so", pstop_names[po.at]);
	if (st >= 0 && WIFEXITED(st))
		printf(" (exit status %d)", WEXITSTATUS(st));
	else if (st >= 0 && WIFSIGNALED(st))
		printf(" (killed by signal %d)", WTERMSIG(st));
	printf("\n  page addresses are link-time (readelf -lW/-SW/-rW); relocation types as readelf -r names them\n"
	       "  without R_X86_64_, RELATIVE(relr) from DT_RELR; %s\n",
	       r.exact ? "frame flags read: the zero page told apart" : "not root: the zero page counted by pagemap's exclusive bit");
	if (r.note[0])
		printf("  note: %s\n", shown(r.note));
	if (r.span_note[0])
		printf("  note: %s\n", shown(r.span_note));
	for (size_t i = 0; i < r.nobj; i++)
		if (wanted(&r.obj[i], po.object))
			print_object(&r.obj[i], po.at);
	return 0;
}
