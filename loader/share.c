/* mmld share: what N processes of one program cost in physical memory, and what sharing
 * saves. This file is the command: its options (one table), their checks, which runs to make
 * (one, or two side by side), and the output. launch.c starts, holds and ends the processes;
 * account.h and report.h define the numbers. */
#include "mmld.h"
#include "opts.h"
#include "share.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct share_args {
	struct share_launch l;
	int loader, load;     /* indexes into loaders[], loads[] */
	bool compare, compare_load, json;
	const char *svg;
};

static const char *const loaders[] = {"mmld", "system", NULL};
static const char *const loads[] = {"mmap", "read", NULL};

/* --at loaded|entry|exit|SECONDS */
static int parse_at(const char *arg, void *dest, char *why, size_t len)
{
	struct share_launch *l = dest;
	for (int k = 0; k < 3; k++)
		if (strcmp(arg, share_point_names[k]) == 0) {
			l->at = (enum share_point)k;
			return 0;
		}
	char sub[200];
	if (opts_parse_seconds(arg, 0.001, 86400, &l->seconds, sub, sizeof sub) < 0) {
		if (strncmp(sub, "is out of range", 15) == 0)
			snprintf(why, len, "%s", sub);
		else
			snprintf(why, len, "is not loaded, entry, exit or a duration (0.001 to 86400 seconds: 2, 0.5, 250ms, 2m)");
		return -1;
	}
	l->at = POINT_SECONDS;
	return 0;
}

static const char share_details[] =
	"The table: one row per object (file, or [heap], [stack], [anon], [vdso]), summed over the\n"
	"processes measured:\n"
	"  resident     pages resident, summed over the processes: what N private copies would cost\n"
	"  unique       distinct physical frames among them: the memory really used\n"
	"  saved        resident - unique, and as a percentage of resident: what sharing saves\n"
	"  priv dirty   pages private to one process (copied on write, or anonymous from birth)\n"
	"  reloc dirty  the private pages that the object's relocations write\n"
	"  touched      resident as a percentage of what the processes map of the object\n"
	"The class table splits the totals by segment class: text, rodata, relro, data, bss.\n"
	"The first line says how many processes were started, measured, and how each ended.\n"
	"Unique is exact with frame numbers (/proc/kpagecount, CAP_SYS_ADMIN), else estimated from Pss.\n"
	"Exit status: 0 the measurement was made, 1 it was not (the reason is printed), 2 a bad argument.\n";

static bool parse_share(int argc, char **argv, struct share_args *a, int *first, int *status)
{
	struct opt opts[] = {
		{.name = "count", .letter = 'n', .kind = OPT_INT, .dest = &a->l.n, .metavar = "N", .min = 1, .max = 4096,
		 .deflt = "4",
		 .help = "start N processes of PROGRAM"},
		{.name = "at", .kind = OPT_CUSTOM, .dest = &a->l, .parse = parse_at, .metavar = "POINT",
		 .help = "when to measure (default exit):\n"
			 "loaded   after relocation, before any initialiser runs\n"
			 "entry    at the program's entry point\n"
			 "exit     as each process ends (exit, _exit, a signal)\n"
			 "SECONDS  that long after the start (then the processes\n"
			 "         are ended); 2, 0.5, 250ms, 2m: 0.001 to 86400 s"},
		{.name = "loader", .kind = OPT_CHOICE, .dest = &a->loader, .choices = loaders,
		 .deflt = "mmld",
		 .help = "the dynamic linker that loads PROGRAM: ld-mmld.so,\nor the system's"},
		{.name = "load", .kind = OPT_CHOICE, .dest = &a->load, .choices = loads,
.deflt = "mmap",
		 .help = "how ld-mmld.so brings in segments: mmap (shared with\n"
			 "the page cache) or read (private copies, MMLD_LOAD=read)"},
		{.name = "compare", .kind = OPT_FLAG, .dest = &a->compare,
		 .conflicts = (const char *const[]){"compare-load", "loader", NULL},
		 .help = "measure under ld-mmld.so and under the system loader, side by side"},
		{.name = "compare-load", .kind = OPT_FLAG, .dest = &a->compare_load,
		 .conflicts = (const char *const[]){"compare", "loader", "load", NULL},
		 .help = "measure ld-mmld.so's mmap and read loading side by side,\nwith start-up times"},
		{.name = "json", .kind = OPT_FLAG, .dest = &a->json, .help = "print JSON instead of the tables"},
		{.name = "svg", .kind = OPT_STRING, .dest = &a->svg, .metavar = "FILE",
		 .help = "also write a bar chart (resident against unique, per\nobject) to FILE"},
		{0},
	};
	const struct command cmd = {
		.name = "share",
		.usage = "[OPTIONS] [--] PROGRAM [ARGS]",
		.summary = "Starts N processes of PROGRAM, holds them all at one point of their life and measures\n"
			   "what they cost in physical memory, and what sharing pages saves.",
		.details = share_details,
		.opts = opts,
		.min_operands = 1,
		.max_operands = -1,
		.program_follows = true,
	};
	if (!opts_parse(&cmd, argc, argv, first, status))
		return false;
	a->l.system = a->loader == 1;
	a->l.read_load = a->load == 1;
	if (a->l.system && opts_given(&cmd, "load")) {
		*status = opts_error(&cmd, "--loader system and --load cannot be used together (--load is ld-mmld.so's)");
		return false;
	}
	return true;
}

/* One run, two loaders (--compare) or two ways of loading (--compare-load). */
static int measure_runs(const struct share_args *a, struct run_result runs[2], int *nruns)
{
	struct share_launch x = a->l, y = a->l;
	*nruns = 1;
	if (a->compare) {
		y.system = true;
		y.read_load = false;
		*nruns = 2;
		int bad = launch_measure(&x, "mmld", &runs[0]);
		return launch_measure(&y, "system", &runs[1]) < 0 || bad < 0 ? -1 : 0;
	}
	if (a->compare_load) {
		x.read_load = false;
		y.read_load = true;
		*nruns = 2;
		if (launch_measure(&x, "mmap", &runs[0]) < 0 || launch_measure(&y, "read", &runs[1]) < 0)
			return -1;
		runs[0].startup_ms = launch_startup_ms(&x, 9);
		runs[1].startup_ms = launch_startup_ms(&y, 9);
		return 0;
	}
	return launch_measure(&x, x.system ? "system" : x.read_load ? "mmld (read)" : "mmld", &runs[0]);
}

static int write_svg(const struct share_args *a, const struct run_result *r)
{
	FILE *f = fopen(a->svg, "w");
	if (!f) {
		fprintf(stderr, "mmld share: %s: %s\n", a->svg, strerror(errno));
		return -1;
	}
	char title[256];
	snprintf(title, sizeof title, "mmld share -n %d: %s", a->l.n, a->l.argv[0]);
	report_svg(f, r, title);
	return fclose(f) == 0 ? 0 : -1;
}

static void print_report(const struct share_args *a, const struct run_result *runs, int nruns, const char *point)
{
	if (a->json)
		report_json(stdout, runs, nruns, a->l.argv[0], point);
	else if (nruns == 2) {
		for (int k = 0; k < 2; k++) {
			report_table(stdout, &runs[k], point);
			printf("\n");
		}
		report_compare(stdout, &runs[0], &runs[1]);
	} else
		report_table(stdout, &runs[0], point);
}

/* Removes the MMLD_OBJECTS directory and what ld-mmld.so wrote into it. */
static void remove_objects_dir(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "mmld share: could not remove %s\n", dir);
}

int cmd_share(int argc, char **argv)
{
	struct share_args a = {.l = {.n = 4, .at = POINT_EXIT}};
	int first, status;
	if (!parse_share(argc, argv, &a, &first, &status))
		return status;
	a.l.argv = argv + first;
	a.l.prog = find_program(a.l.argv[0]);
	if (!a.l.prog) {
		fprintf(stderr, "mmld share: %s: command not found\n", a.l.argv[0]);
		return 1;
	}
	char tmpl[] = "/tmp/mmld-share-XXXXXX";
	a.l.objects_dir = mkdtemp(tmpl);

	char point[64];
	if (a.l.at == POINT_SECONDS)
		snprintf(point, sizeof point, "%g s", a.l.seconds);
	else
		snprintf(point, sizeof point, "%s", share_point_names[a.l.at]);
	struct run_result runs[2];
	int nruns;
	status = 0;
	if (measure_runs(&a, runs, &nruns) < 0) {
		fprintf(stderr, "mmld share: %s: no process reached the point (%s)\n", a.l.argv[0], runs[0].notes);
		status = 1;
	} else {
		print_report(&a, runs, nruns, point);
		if (a.svg && write_svg(&a, &runs[0]) < 0)
			status = 1;
	}
	for (int k = 0; k < nruns; k++)
		acct_free(&runs[k].acct);
	if (a.l.objects_dir)
		remove_objects_dir(a.l.objects_dir);
	return status;
}
