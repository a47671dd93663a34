/* --json: one document for every mode and view, described by docs/share-schema.json. Every
 * list is complete (--top cuts only what people read); the chosen view's list is in its
 * --sort order. Sizes in KiB. */
#include "report.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define SCHEMA_VERSION 1

static void sizes(FILE *f, const struct view *v, const struct view_row *r, bool frames)
{
	static const int cols[] = {COL_RSS, COL_PSS, COL_USS, COL_FRAMES, COL_SAVED, COL_PRIVATE_DIRTY,
				   COL_RELOC_DIRTY, COL_SWAP, COL_SWAP_PSS};
	bool first = true;
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		if (!frames && (cols[i] == COL_FRAMES || cols[i] == COL_SAVED))
			continue;
		fprintf(f, "%s\"%s_kib\": %llu", first ? "" : ", ", columns[cols[i]].key, view_kib(v, r, cols[i]));
		first = false;
	}
}

static void relocations(FILE *f, const struct elf_info *e)
{
	fprintf(f, ", \"relocations\": {\"count\": %zu, \"pages\": %zu, \"by_section\": [", e->nrelocs, e->nreloc_pages);
	for (size_t g = 0; g < e->ngroups; g++) {
		fprintf(f, "%s{\"section\": ", g ? ", " : "");
		put_json(f, e->groups[g].section);
		fprintf(f, ", \"type\": ");
		put_json(f, e->groups[g].type);
		fprintf(f, ", \"relocs\": %zu, \"pages\": %zu}", e->groups[g].relocs, e->groups[g].pages);
	}
	fprintf(f, "]}");
}

static void object_row(FILE *f, const struct view *v, const struct view_row *r)
{
	const struct acct_object *o = r->obj;
	fprintf(f, "{\"path\": ");
	put_json(f, o->name);
	fprintf(f, ", \"processes\": %d, ", o->processes);
	sizes(f, v, r, true);
	fprintf(f, ", \"mapped_kib\": %llu, \"elf\": %s, \"classes\": {", PAGES_TO_KIB(o->total.mapped),
		o->elf ? "true" : "false");
	for (int k = 0; k < MC_N; k++) {
		struct view_row c = {.u = o->cls[k]};
		fprintf(f, "%s\"%s\": {", k ? ", " : "", mem_class_names[k]);
		sizes(f, v, &c, true);
		fprintf(f, "}");
	}
	fprintf(f, "}");
	if (o->elf && o->elf->ngroups)
		relocations(f, o->elf);
	fprintf(f, "}");
}

static void process_row(FILE *f, const struct view *v, const struct view_row *r)
{
	const struct acct_proc *p = r->proc;
	fprintf(f, "{\"pid\": %d, \"ppid\": %d, \"uid\": %u, \"user\": ", (int)p->pid, (int)p->ppid, (unsigned)p->uid);
	put_json(f, p->user);
	fprintf(f, ", \"command\": ");
	put_json(f, p->command);
	fprintf(f, ", \"argv\": [");
	for (char **a = p->argv; a && *a; a++) {
		fprintf(f, "%s", a == p->argv ? "" : ", ");
		put_json(f, *a);
	}
	fprintf(f, "], ");
	sizes(f, v, r, false);
	fprintf(f, "}");
}

static void user_row(FILE *f, const struct view *v, const struct view_row *r)
{
	fprintf(f, "{\"user\": ");
	put_json(f, r->name);
	fprintf(f, ", \"processes\": %d, ", r->processes);
	sizes(f, v, r, false);
	fprintf(f, "}");
}

static void class_row(FILE *f, const struct view *v, const struct view_row *r)
{
	fprintf(f, "{\"class\": ");
	put_json(f, r->name);
	fprintf(f, ", ");
	sizes(f, v, r, true);
	fprintf(f, "}");
}

typedef void row_writer(FILE *, const struct view *, const struct view_row *);
static row_writer *const writers[BY_N] = {object_row, process_row, user_row, class_row};
static const char *const list_names[BY_N] = {"objects", "processes", "users", "classes"};

/* The list of view `by`: the chosen view's own rows (sorted as asked), or that view built with
 * its defaults. */
static void list(FILE *f, const struct report_opts *o, const struct run_result *r, const struct view *chosen,
		 enum view_by by)
{
	struct view own;
	const struct view *v = chosen;
	struct view_opts vo = {.by = by};
	if (chosen->by != by || o->view.top) {
		if (chosen->by == by)
			vo = (struct view_opts){.by = by, .sort = o->view.sort, .reverse = o->view.reverse};
		view_build(&own, &r->acct, &vo);
		v = &own;
	}
	fprintf(f, ",\n   \"%s\": [", list_names[by]);
	for (size_t i = 0; i < v->nrows; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		writers[by](f, v, &v->rows[i]);
	}
	fprintf(f, "\n   ]");
	if (v != chosen)
		view_free(&own);
}

static void launched(FILE *f, const struct run_result *r)
{
	fprintf(f, ",\n   \"launched\": [");
	for (int i = 0; r->launched && i < r->nlaunched; i++) {
		const struct launched *l = &r->launched[i];
		int st = l->wait_status;
		fprintf(f, "%s{\"pid\": %d, \"measured\": %s, \"exit_status\": ", i ? ", " : "", (int)l->pid,
			l->measured ? "true" : "false");
		if (l->reaped && WIFEXITED(st))
			fprintf(f, "%d", WEXITSTATUS(st));
		else
			fprintf(f, "null");
		fprintf(f, ", \"signal\": ");
		if (l->reaped && WIFSIGNALED(st) && sigabbrev_np(WTERMSIG(st)))
			fprintf(f, "\"SIG%s\"", sigabbrev_np(WTERMSIG(st)));
		else
			fprintf(f, "null");
		fprintf(f, ", \"ended_by_mmld\": %s, \"left_running\": %s, \"exec_error\": ", l->ended_by_mmld ? "true" : "false",
			l->kept ? "true" : "false");
		if (l->exec_errno)
			put_json(f, strerror(l->exec_errno));
		else
			fprintf(f, "null");
		fprintf(f, "}");
	}
	fprintf(f, "]");
}

/* The notes: share.c's (a string of "; "-separated notes) and the accounting's. */
static void notes(FILE *f, const struct run_result *r)
{
	fprintf(f, ",\n   \"notes\": [");
	bool first = true;
	const char *sources[2] = {r->notes, r->acct.notes};
	for (int s = 0; s < 2; s++)
		for (const char *p = sources[s]; *p;) {
			size_t len = strcspn(p, ";");
			while (len && p[len - 1] == ' ')
				len--;
			if (len) {
				char *one = strndup(p, len);
				fprintf(f, "%s", first ? "" : ", ");
				put_json(f, one);
				free(one);
				first = false;
			}
			p += strcspn(p, ";");
			while (*p == ';' || *p == ' ')
				p++;
		}
	fprintf(f, "]");
}

static void run(FILE *f, const struct report_opts *o, const struct run_result *r, const struct view *v)
{
	bool exact = v->exact;
	fprintf(f, "  {\"label\": ");
	put_json(f, r->label);
	fprintf(f, ", \"loader\": %s", !o->program ? "null" : strstr(r->label, "system") ? "\"system\"" : "\"mmld\"");
	fprintf(f, ", \"method\": \"%s\", \"exact\": %s", exact ? "frames" : "pss-estimate", exact ? "true" : "false");
	fprintf(f, ", \"processes_started\": %d, \"measured\": %d", r->n, o->program ? r->measured : r->acct.processes);
	if (o->program && !r->launched)
		fprintf(f, ", \"exited_ok\": %d", r->exited_ok);
	if (r->startup_ms > 0)
		fprintf(f, ", \"startup_ms\": %.3f", r->startup_ms);
	fprintf(f, ", \"measure_ms\": %.3f", (double)r->acct.measure_ns / 1e6);
	fprintf(f, ", \"object_filter\": ");
	if (r->acct.object_filter)
		put_json(f, r->acct.object_filter);
	else
		fprintf(f, "null");
	notes(f, r);
	launched(f, r);
	for (int by = 0; by < BY_N; by++)
		list(f, o, r, v, (enum view_by)by);
	fprintf(f, ",\n   \"total\": {\"processes\": %d, ", r->acct.processes);
	sizes(f, v, &v->total, true);
	unsigned long long rss = view_kib(v, &v->total, COL_RSS), saved = view_kib(v, &v->total, COL_SAVED);
	fprintf(f, ", \"saved_percent\": %.1f}}", rss ? 100.0 * (double)saved / (double)rss : 0.0);
}

void report_json_runs(FILE *f, const struct report_opts *o, const struct run_result *runs, const struct view *views,
		      int nruns)
{
	fprintf(f, "{\"schema\": %d, \"tool\": \"mmld share\", \"command\": [", SCHEMA_VERSION);
	for (int i = 0; i < o->argc; i++) {
		fprintf(f, "%s", i ? ", " : "");
		put_json(f, o->argv[i]);
	}
	fprintf(f, "],\n \"mode\": \"%s\", \"view\": \"%s\", \"sort\": ", o->program ? "experiment" : "running",
		view_names[o->view.by]);
	if (views[0].sort_col >= 0)
		fprintf(f, "\"%s\"", views[0].by == BY_PROCESS && views[0].sort_col == COL_NAME ? "command" : columns[views[0].sort_col].key);
	else
		fprintf(f, "null");
	fprintf(f, ", \"reverse\": %s, \"units\": \"KiB\", \"at\": ", o->view.reverse ? "true" : "false");
	put_json(f, o->program ? (o->point ? o->point : "exit") : "running");
	fprintf(f, ", \"program\": ");
	if (o->program) {
		fprintf(f, "[");
		for (char **a = o->program; *a; a++) {
			fprintf(f, "%s", a == o->program ? "" : ", ");
			put_json(f, *a);
		}
		fprintf(f, "]");
	} else
		fprintf(f, "null");
	fprintf(f, ",\n \"runs\": [\n");
	for (int i = 0; i < nruns; i++) {
		fprintf(f, "%s", i ? ",\n" : "");
		run(f, o, &runs[i], &views[i]);
	}
	fprintf(f, "\n ]}\n");
}
