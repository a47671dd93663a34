/* What was measured, how and when, in the same words for every output; and report_write, which
 * builds the views and hands them to the renderers the options ask for. */
#include "mmld.h"
#include "report.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

const char *report_method(const struct run_result *r)
{
	return r->acct.exact && !r->acct.estimated
		       ? "physical frames (pagemap + kpagecount): exact"
		       : "estimate: smaps Pss in place of distinct frames (frame numbers need CAP_SYS_ADMIN)";
}

void report_loaders(char *buf, size_t len, const struct run_result *r)
{
	const struct acct *a = &r->acct;
	const char *name[16];
	int count[16], n = 0, none = 0;
	for (size_t i = 0; i < a->nprocs; i++) {
		const char *l = a->procs[i].loader;
		if (!l) {
			none++;
			continue;
		}
		int k = 0;
		while (k < n && strcmp(name[k], l) != 0)
			k++;
		if (k == n && n < 16) {
			name[n] = l;
			count[n++] = 0;
		}
		if (k < n)
			count[k]++;
	}
	size_t at = (size_t)snprintf(buf, len, "loaded by:");
	for (int k = 0; k < n && at < len; k++)
		at += (size_t)snprintf(buf + at, len - at, "%s %s (%d)", k ? "," : "", name[k], count[k]);
	if (none && at < len)
		snprintf(buf + at, len - at, "%s no dynamic loader (%d)", n ? "," : "", none);
	if (!n && !none)
		buf[0] = 0;
}

void report_what(char *buf, size_t len, const struct report_opts *o, const struct run_result *r)
{
	const struct acct *a = &r->acct;
	if (!o->program) {
		snprintf(buf, len, "%d process%s (%s), measured as they run", a->processes, a->processes == 1 ? "" : "es",
			 o->selection ? o->selection : "selected");
		return;
	}
	const char *prog = o->program[0];
	if (r->n && !r->launched)
		snprintf(buf, len, "%d process%s of %s through the %s loader, measured at %s (%d measured, %d exited with status 0)",
			 r->n, r->n == 1 ? "" : "es", prog, r->label, o->point ? o->point : "exit", r->measured, r->exited_ok);
	else if (r->n)
		snprintf(buf, len, "%d process%s of %s through the %s loader, measured at %s (%d measured)", r->n,
			 r->n == 1 ? "" : "es", prog, r->label, o->point ? o->point : "exit", r->measured);
	else
		snprintf(buf, len, "%s through the %s loader, measured at %s", prog, r->label, o->point ? o->point : "exit");
}

/* How one process ended: "exited with status 0", "killed by SIGSEGV"... */
static void describe_end(const struct launched *l, char *buf, size_t len)
{
	int st = l->wait_status;
	if (l->kept)
		snprintf(buf, len, "left running (--keep)");
	else if (l->ended_by_mmld)
		snprintf(buf, len, "running at the measurement, then ended by mmld");
	else if (l->exec_errno)
		snprintf(buf, len, "could not be started (%s)", strerror(l->exec_errno));
	else if (!l->reaped)
		snprintf(buf, len, "not reaped");
	else if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by SIG%s", sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(buf, len, "ended");
}

/* Each distinct ending once, with how many had it, in the order they first came. */
void report_exits(char *buf, size_t len, const struct run_result *r)
{
	buf[0] = 0;
	if (!r->launched || !r->nlaunched)
		return;
	enum { KINDS = 16 };
	char kind[KINDS][96];
	int count[KINDS], nkinds = 0;
	for (int i = 0; i < r->nlaunched; i++) {
		char d[96];
		describe_end(&r->launched[i], d, sizeof d);
		int k = 0;
		while (k < nkinds && strcmp(kind[k], d) != 0)
			k++;
		if (k == nkinds && nkinds < KINDS) {
			snprintf(kind[nkinds], sizeof kind[0], "%s", d);
			count[nkinds++] = 0;
		}
		count[k < nkinds ? k : nkinds - 1] += k < nkinds;
	}
	size_t at = (size_t)snprintf(buf, len, "exit:");
	for (int k = 0; k < nkinds && at < len; k++)
		at += (size_t)snprintf(buf + at, len - at, "%s %d %s", k ? ";" : "", count[k], kind[k]);
}

static int write_file(const char *path, const struct report_opts *o, struct run_result *runs, const struct view *views,
		      int nruns, bool html)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "mmld share: %s: %s\n", shown(path), strerror(errno));
		return 1;
	}
	if (html)
		report_html_page(f, o, runs, views, nruns);
	else
		report_svg_chart(f, o, runs, views, nruns);
	if (fclose(f) != 0) {
		fprintf(stderr, "mmld share: %s: %s\n", shown(path), strerror(errno));
		return 1;
	}
	return 0;
}

int report_write(FILE *f, const struct report_opts *o, struct run_result *runs, int nruns)
{
	struct view views[2];
	for (int i = 0; i < nruns; i++) {
		acct_finish(&runs[i].acct);
		view_build(&views[i], &runs[i].acct, &o->view);
	}
	if (o->json)
		report_json_runs(f, o, runs, views, nruns);
	else if (o->csv)
		for (int i = 0; i < nruns; i++)
			report_csv_view(f, &views[i], nruns > 1 ? runs[i].label : NULL, i == 0);
	else {
		for (int i = 0; i < nruns; i++) {
			report_table_view(f, o, &runs[i], &views[i]);
			fputc('\n', f);
		}
		if (nruns == 2)
			report_compare_view(f, o, runs, views);
	}
	int rc = 0;
	if (o->svg)
		rc |= write_file(o->svg, o, runs, views, nruns, false);
	if (o->html)
		rc |= write_file(o->html, o, runs, views, nruns, true);
	for (int i = 0; i < nruns; i++)
		view_free(&views[i]);
	return rc;
}

/* The forms share.c calls today: objects by RSS. They are not told mmld's command line, so
 * they read it (the program follows "--"). */
static struct report_opts legacy(const char *point, const char *program)
{
	static char *buf, **argv, *none[2];
	static size_t cap;
	static int argc;
	if (!argv) {
		ssize_t len = proc_read_all("/proc/self/cmdline", &buf, &cap);
		argv = calloc((size_t)(len > 0 ? len : 0) + 2, sizeof *argv);
		for (ssize_t i = 0; argv && i < len; i += (ssize_t)strlen(buf + i) + 1)
			argv[argc++] = buf + i;
	}
	char **prog = none;
	for (int i = 0; argv && i < argc; i++)
		if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
			prog = argv + i + 1;
			break;
		}
	if (prog == none)
		none[0] = (char *)(program ? program : "program");
	return (struct report_opts){.view = {.by = BY_OBJECT}, .program = prog, .point = point, .argc = argc, .argv = argv};
}

void report_table(FILE *f, const struct run_result *r, const char *point)
{
	struct report_opts o = legacy(point, NULL);
	struct view v;
	acct_finish((struct acct *)&r->acct);
	view_build(&v, &r->acct, &o.view);
	report_table_view(f, &o, r, &v);
	view_free(&v);
}

void report_compare(FILE *f, const struct run_result *a, const struct run_result *b)
{
	struct report_opts o = legacy(NULL, NULL);
	struct run_result runs[2] = {*a, *b};
	struct view v[2] = {0};
	for (int i = 0; i < 2; i++) {
		acct_finish(&runs[i].acct);
		view_build(&v[i], &runs[i].acct, &o.view);
	}
	report_compare_view(f, &o, runs, v);
	view_free(&v[0]);
	view_free(&v[1]);
}

void report_json(FILE *f, const struct run_result *runs, int nruns, const char *program, const char *point)
{
	struct report_opts o = legacy(point, program);
	struct view v[2] = {0};
	for (int i = 0; i < nruns; i++) {
		acct_finish((struct acct *)&runs[i].acct);
		view_build(&v[i], &runs[i].acct, &o.view);
	}
	report_json_runs(f, &o, runs, v, nruns);
	for (int i = 0; i < nruns; i++)
		view_free(&v[i]);
}

void report_svg(FILE *f, const struct run_result *r, const char *title)
{
	struct report_opts o = legacy(NULL, title);
	struct view v;
	acct_finish((struct acct *)&r->acct);
	view_build(&v, &r->acct, &o.view);
	report_svg_chart(f, &o, r, &v, 1);
	view_free(&v);
}
