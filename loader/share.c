/* mmld share: what N processes of one program cost in physical memory, and what sharing
 * saves. This file is the command: its options (one table), their checks, which runs to make
 * (one, or two side by side), and the output. launch.c starts, holds and ends the processes;
 * account.h and report.h define the numbers. */
#include "mmld.h"
#include "opts.h"
#include "reaper.h"
#include "share.h"
#include "share_procs.h"
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct share_args {
	struct share_launch l;
	int loader, load;     /* indexes into loaders[], loads[] */
	bool compare, compare_load, json, csv;
	const char *svg, *html;
	struct selection sel;  /* --pid --name --user --all --children */
	int by, units;         /* indexes into view_names[], units[] */
	const char *sort, *object;
	bool reverse;
	int top;
};

static const char *const loaders[] = {"mmld", "system", NULL};
static const char *const loads[] = {"mmap", "read", NULL};
static const char *const unit_words[] = {"auto", "K", "M", "G", NULL};
static const char *const view_words[] = {"object", "process", "user", "class", NULL};

/* --pid PID[,PID...] */
static int parse_pids(const char *arg, void *dest, char *why, size_t len)
{
	struct selection *s = dest;
	pid_t *pids;
	int n;
	if (procsel_parse_pids(arg, &pids, &n, why, len) < 0) {
		snprintf(why, len, "is not a list of process IDs (PID[,PID...], each 1 to 4194304)");
		return -1;
	}
	s->pids = pids;
	s->npids = n;
	return 0;
}

/* --user USER: a name or a number */
static int parse_user(const char *arg, void *dest, char *why, size_t len)
{
	struct selection *s = dest;
	if (procsel_parse_user(arg, &s->uid) < 0) {
		snprintf(why, len, "is not a user name or number");
		return -1;
	}
	s->by_user = true;
	s->user = arg;
	return 0;
}

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
	"What is measured: N processes started by mmld (-n N -- PROGRAM ARGS), held at one point;\n"
	"or processes already running (--pid, --name, --user, --all), measured as they run.\n"
	"\n"
	"The views (--by): object (a row per file, [heap], [stack], [anon], [vdso], summed over the\n"
	"processes), process (a row per PID, its user and command line), user, class (text, rodata,\n"
	"relro, data, bss, heap, stack, anon). Each ends with a total row; --top N puts the rest in\n"
	"one \"other\" row. Sizes are KiB, MiB or GiB as the second heading line says (--units).\n"
	"The columns:\n"
	"  procs        processes mapping the object (--by user: the user's processes)\n"
	"  RSS          resident: pages in memory, summed over the processes (smaps Rss)\n"
	"  PSS          proportional: each resident page divided by the number of its mappings\n"
	"               (smaps Pss; ps_mem's RAM used)\n"
	"  USS          resident pages mapped once: what the process alone holds (smem's and\n"
	"               procrank's USS; ps_mem's Private)\n"
	"  frames       distinct physical frames among the processes measured: the memory they use\n"
	"               together, each shared page once (not USS: a page shared by two of them\n"
	"               counts once here and in neither's USS)\n"
	"  saved        RSS - frames: what sharing saves against private copies\n"
	"  priv dirty   anonymous pages mapped once: written copies of file pages, anonymous memory\n"
	"  reloc dirty  anonymous pages on the pages an object's relocations write\n"
	"  swap         swapped out (smaps Swap); swap PSS: divided among the sharers (SwapPss);\n"
	"               shown when there is any\n"
	"frames is exact with frame numbers (/proc/kpagecount, CAP_SYS_ADMIN); without them it is\n"
	"smaps' Pss, an estimate, and the heading says ~. docs/memory.md has the definitions in full;\n"
	"--json follows docs/share-schema.json.\n"
	"Exit status: 0 the measurement was made, 1 it was not (the reason is printed), 2 a bad argument.\n";

/* What only an experiment has: not with --pid, --name, --user, --all. */
static const char *const launch_opts[] = {"count", "at", "loader", "load", "compare", "compare-load", "keep", "quiet",
					  "reloc-cache", NULL};
static const char *const compare_conflicts[] = {"compare-load", "loader", NULL};
static const char *const compare_load_conflicts[] = {"compare", "loader", "load", NULL};
static const char *const json_conflicts[] = {"csv", NULL};
#define SHARE_NOPTS 25 /* the options and the {0} that ends them */

/* mmld share's options, their values written into a. */
static void share_options(struct share_args *a, struct opt opts[SHARE_NOPTS])
{
	const struct opt table[] = {
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
		 .conflicts = compare_conflicts,
		 .help = "measure under ld-mmld.so and under the system loader, side by side"},
		{.name = "compare-load", .kind = OPT_FLAG, .dest = &a->compare_load,
		 .conflicts = compare_load_conflicts,
		 .help = "measure ld-mmld.so's mmap and read loading side by side,\nwith start-up times"},
		{.name = "pid", .letter = 'p', .kind = OPT_CUSTOM, .dest = &a->sel, .parse = parse_pids, .metavar = "PID[,PID...]",
		 .conflicts = launch_opts, .help = "measure these running processes"},
		{.name = "name", .kind = OPT_STRING, .dest = &a->sel.name, .metavar = "REGEX", .conflicts = launch_opts,
		 .help = "running processes whose command name or argv[0]\nmatches REGEX (extended regular expression)"},
		{.name = "user", .letter = 'u', .kind = OPT_CUSTOM, .dest = &a->sel, .parse = parse_user, .metavar = "USER",
		 .conflicts = launch_opts, .help = "running processes of USER (a name or a number)"},
		{.name = "all", .letter = 'a', .kind = OPT_FLAG, .dest = &a->sel.all, .conflicts = launch_opts,
		 .help = "every process the caller may read"},
		{.name = "children", .kind = OPT_FLAG, .dest = &a->sel.children,
		 .help = "the descendants of each process too (a server and\nits workers, a make -j)"},
		{.name = "by", .kind = OPT_CHOICE, .dest = &a->by, .choices = view_words, .deflt = "object",
		 .help = "the view: a row per object, process, user or\nsegment class"},
		{.name = "sort", .kind = OPT_STRING, .dest = &a->sort, .metavar = "COLUMN",
		 .help = "sort rows by COLUMN (rss, pss, uss, frames, saved,\nprivate_dirty, reloc_dirty, swap, swap_pss, processes,\n"
			 "pid, user, name, command: those of the view; sizes\nlargest first, names A to Z)"},
		{.name = "reverse", .kind = OPT_FLAG, .dest = &a->reverse, .help = "the other way round"},
		{.name = "top", .kind = OPT_INT, .dest = &a->top, .metavar = "N", .min = 1, .max = 1000000,
		 .help = "the first N rows; the rest as one \"other\" row"},
		{.name = "object", .kind = OPT_STRING, .dest = &a->object, .metavar = "REGEX",
		 .help = "count only objects whose path matches REGEX"},
		{.name = "units", .kind = OPT_CHOICE, .dest = &a->units, .choices = unit_words, .deflt = "auto",
		 .help = "KiB, MiB or GiB for every size column (auto: each\ncolumn the unit that suits it)"},
		{.name = "reloc-cache", .kind = OPT_FLAG, .dest = &a->l.reloc_cache,
		 .help = "ld-mmld.so with MMLD_RELOC_CACHE=1: the program is run\n"
			 "once first, unmeasured, so the processes measured map\n"
			 "their libraries' relocated pages from the relocation\n"
			 "cache (the pages mapped from an entry count as its object's)"},
		{.name = "keep", .kind = OPT_FLAG, .dest = &a->l.keep,
		 .help = "leave the processes running after the measurement (mmld\nexits without waiting for them)"},
		{.name = "quiet", .letter = 'q', .kind = OPT_FLAG, .dest = &a->l.quiet,
		 .help = "the processes' stdin, stdout and stderr on /dev/null\n(their last line on stderr still explains a failure)"},
		{.name = "json", .kind = OPT_FLAG, .dest = &a->json, .conflicts = json_conflicts,
		 .help = "print JSON (docs/share-schema.json) instead of the tables\n(the processes' stdout then goes to stderr)"},
		{.name = "csv", .kind = OPT_FLAG, .dest = &a->csv,
		 .help = "print the view as comma-separated values (KiB; the\nprocesses' stdout then goes to stderr)"},
		{.name = "svg", .kind = OPT_STRING, .dest = &a->svg, .metavar = "FILE",
		 .help = "also write the view as a bar chart to FILE"},
		{.name = "html", .kind = OPT_STRING, .dest = &a->html, .metavar = "FILE",
		 .help = "also write a page with the chart and a sortable,\nfilterable table to FILE (self-contained)"},
		{0},
	};
	_Static_assert(sizeof table / sizeof table[0] == SHARE_NOPTS, "SHARE_NOPTS is the table's length");
	memcpy(opts, table, sizeof table);
}

/* PROGRAM, or running processes (--pid...), never both, never neither. */
static bool operands_fit(const struct command *cmd, const struct share_args *a, int argc, char **argv, int first, int *status)
{
	bool running = a->sel.pids || a->sel.name || a->sel.by_user || a->sel.all;
	if (!running && first >= argc) {
		*status = opts_error(cmd, "missing operand; usage: mmld share [OPTIONS] [--] PROGRAM [ARGS] (or --pid, --name, --user, --all)");
		return false;
	}
	if (running && first < argc) {
		*status = opts_error(cmd, "--pid, --name, --user and --all measure running processes: no PROGRAM with them ('%s')", argv[first]);
		return false;
	}
	return true;
}

/* --name and --object are extended regular expressions. */
static bool regexes_compile(const struct command *cmd, const struct share_args *a, int *status)
{
	regex_t re;
	const char *const regexes[2][2] = {{"name", a->sel.name}, {"object", a->object}};
	for (int k = 0; k < 2; k++) {
		int err = regexes[k][1] ? regcomp(&re, regexes[k][1], REG_EXTENDED | REG_NOSUB) : 0;
		if (err) {
			char msg[128];
			regerror(err, &re, msg, sizeof msg);
			*status = opts_error(cmd, "--%s '%s' is not a regular expression (%s)", regexes[k][0], regexes[k][1], msg);
			return false;
		}
		if (regexes[k][1])
			regfree(&re);
	}
	return true;
}

/* --sort names a column of the view. */
static bool sort_known(const struct command *cmd, const struct share_args *a, int *status)
{
	if (a->sort && view_column((enum view_by)a->by, a->sort) < 0) {
		*status = opts_error(cmd, "--sort '%s' is not a column of --by %s (%s)", a->sort, view_names[a->by],
				     view_column_list((enum view_by)a->by));
		return false;
	}
	return true;
}

/* --load, --reloc-cache and --keep only where they mean something. */
static bool launch_options_fit(const struct command *cmd, const struct share_args *a, int *status)
{
	if (a->l.system && opts_given(cmd, "load")) {
		*status = opts_error(cmd, "--loader system and --load cannot be used together (--load is ld-mmld.so's)");
		return false;
	}
	if (a->l.reloc_cache && (a->l.system || a->l.read_load || a->compare_load)) {
		*status = opts_error(cmd, "--reloc-cache is ld-mmld.so's, with --load mmap: not with %s",
				     a->l.system ? "--loader system" : a->l.read_load ? "--load read" : "--compare-load");
		return false;
	}
	if (a->l.keep && a->l.at == POINT_EXIT) {
		*status = opts_error(cmd, "--keep and --at exit cannot be used together (the processes are ending)");
		return false;
	}
	return true;
}

static bool parse_share(int argc, char **argv, struct share_args *a, int *first, int *status)
{
	struct opt opts[SHARE_NOPTS];
	share_options(a, opts);
	const struct command cmd = {
		.name = "share",
		.usage = "[OPTIONS] [--] PROGRAM [ARGS]\n   or: mmld share [OPTIONS] --pid PID[,PID...] | --name REGEX | --user USER | --all",
		.summary = "Starts N processes of PROGRAM, holds them all at one point of their life and measures\n"
			   "what they cost in physical memory, and what sharing pages saves; or measures processes\n"
			   "that are already running.",
		.details = share_details,
		.opts = opts,
		.min_operands = 0,
		.max_operands = -1,
		.program_follows = true,
	};
	if (!opts_parse(&cmd, argc, argv, first, status) || !operands_fit(&cmd, a, argc, argv, *first, status) ||
	    !regexes_compile(&cmd, a, status) || !sort_known(&cmd, a, status))
		return false;
	a->l.system = a->loader == 1;
	a->l.read_load = a->load == 1;
	if (!launch_options_fit(&cmd, a, status))
		return false;
	a->l.stdout_to_stderr = a->json || a->csv;
	return true;
}

/* One run, two loaders (--compare) or two ways of loading (--compare-load). Each run's
 * processes are in g[k] (still held after an --at SECONDS measurement). Returns the number of
 * runs; *failed: the first that measured nothing (-1: none). */
static int measure_runs(const struct share_args *a, struct run_result runs[2], struct launch_group *g[2], int *failed)
{
	struct share_launch x = a->l, y = a->l;
	const char *labels[2] = {x.system ? "system" : x.read_load ? "mmld (read)" : x.reloc_cache ? "mmld+cache" : "mmld",
				 NULL};
	int nruns = 1;
	if (a->compare) {
		y.system = true;
		y.read_load = false;
		labels[0] = x.reloc_cache ? "mmld+cache" : "mmld";
		labels[1] = "system";
		nruns = 2;
	} else if (a->compare_load) {
		x.read_load = false;
		y.read_load = true;
		labels[0] = "mmap";
		labels[1] = "read";
		nruns = 2;
	}
	*failed = -1;
	for (int k = 0; k < nruns; k++) {
		g[k] = launch_measure(k ? &y : &x, labels[k], &runs[k]);
		if (!runs[k].measured && *failed < 0)
			*failed = k;
	}
	if (a->compare_load && *failed < 0) {
		runs[0].startup_ms = launch_startup_ms(&x, 9);
		runs[1].startup_ms = launch_startup_ms(&y, 9);
	}
	return nruns;
}

/* What every output needs: the view, units, files, and what was measured. */
static struct report_opts report_opts(const struct share_args *a, int argc, char **argv, const char *point, char *sel,
				      size_t len)
{
	struct report_opts o = {
		.view = {.by = (enum view_by)a->by, .sort = a->sort, .reverse = a->reverse, .top = a->top},
		.units = (enum units)a->units,
		.json = a->json,
		.csv = a->csv,
		.svg = a->svg,
		.html = a->html,
		.argc = argc + 1,
		.argv = argv - 1,
		.program = a->l.argv,
		.point = point,
	};
	/* How running processes were chosen, as they were asked for. */
	size_t at = 0;
	sel[0] = 0;
	if (a->sel.pids) {
		at += (size_t)snprintf(sel + at, len - at, "PID");
		for (int i = 0; i < a->sel.npids && at < len; i++)
			at += (size_t)snprintf(sel + at, len - at, "%s%d", i ? "," : " ", (int)a->sel.pids[i]);
	}
	if (a->sel.name && at < len)
		at += (size_t)snprintf(sel + at, len - at, "%sname /%s/", at ? ", " : "", a->sel.name);
	if (a->sel.by_user && at < len)
		at += (size_t)snprintf(sel + at, len - at, "%suser %s", at ? ", " : "", a->sel.user);
	if (a->sel.all && !at)
		at += (size_t)snprintf(sel + at, len - at, "all");
	if (a->sel.children && at < len)
		snprintf(sel + at, len - at, ", with their descendants");
	o.selection = sel;
	return o;
}

/* --pid, --name, --user, --all: the processes that are running now. */
static int share_now(const struct share_args *a, int argc, char **argv)
{
	struct run_result r;
	int status = share_running(&a->sel, &r, a->object);
	if (status == 0) {
		char sel[512];
		struct report_opts o = report_opts(a, argc, argv, NULL, sel, sizeof sel);
		o.program = NULL;
		status = report_write(stdout, &o, &r, 1);
	}
	acct_free(&r.acct);
	return status;
}

int cmd_share(int argc, char **argv)
{
	struct share_args a = {.l = {.n = 4, .at = POINT_EXIT}};
	int first, status;
	if (!parse_share(argc, argv, &a, &first, &status))
		return status;
	if (a.sel.pids || a.sel.name || a.sel.by_user || a.sel.all)
		return share_now(&a, argc, argv);
	a.l.argv = argv + first;
	a.l.children = a.sel.children;
	a.l.object = a.object;
	/* the system loader's processes exec PROGRAM (the kernel follows #!), ld-mmld.so's load
	 * a script's interpreter */
	int refused = program_find("share", a.l.argv, &a.l.prog, &a.l.load, 1);
	if (refused)
		return refused;
	reaper_init();
	const char *tmp = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/mmld-share-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	a.l.objects_dir = mkdtemp(tmpl);
	reaper_temp_dir(a.l.objects_dir);

	char point[64];
	if (a.l.at == POINT_SECONDS)
		snprintf(point, sizeof point, "%g s", a.l.seconds);
	else
		snprintf(point, sizeof point, "%s", share_point_names[a.l.at]);
	struct run_result runs[2];
	struct launch_group *g[2] = {NULL, NULL};
	int failed;
	int nruns = measure_runs(&a, runs, g, &failed);
	status = 0;
	if (failed >= 0) {
		const char *why = launch_failure(g[failed]);
		fprintf(stderr, "mmld share: nothing measured%s%s: %s\n", nruns > 1 ? " under " : "",
			nruns > 1 ? runs[failed].label : "", why ? shown(why) : "no process reached the point");
		status = 1;
	} else {
		char sel[16];
		struct report_opts o = report_opts(&a, argc, argv, point, sel, sizeof sel);
		status = report_write(stdout, &o, runs, nruns);
		fflush(stdout);
	}
	for (int k = 0; k < nruns; k++) {
		launch_end(g[k]); /* --at SECONDS: ended once the report is out */
		acct_free(&runs[k].acct);
		free(runs[k].launched);
	}
	reaper_end_all(); /* nothing is left: this removes the directory */
	return status;
}
