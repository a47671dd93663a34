/* The table on the terminal: one unit per column (in a second heading line), names that are
 * never cut without an ellipsis, an "other" row for what --top leaves out, and the totals. */
#include "mmld.h"
#include "report.h"
#include <stdlib.h>
#include <string.h>

#define NAME_WIDTH 44    /* object, user and class names */
#define COMMAND_WIDTH 60 /* the process view's command line, the last column */

struct cell_layout {
	int col;
	int unit;    /* size columns */
	size_t width;
	bool left;   /* text, left-aligned */
};

/* The rows to print, in order: the view's, "other", "total". */
static size_t all_rows(const struct view *v, const struct view_row **rows)
{
	size_t n = 0;
	for (size_t i = 0; i < v->nrows; i++)
		rows[n++] = &v->rows[i];
	if (v->has_other)
		rows[n++] = &v->other;
	rows[n++] = &v->total;
	return n;
}

/* The text of a name cell: a command line, file or user name, escaped for the terminal
 * (shown(): anyone names their own processes and files) and then cut to the column. */
static void name_cell(char *buf, size_t len, const struct view *v, const struct view_row *r, const char *shortname)
{
	if (r == &v->other) {
		const char *what = v->by == BY_OBJECT ? "objects" : v->by == BY_PROCESS ? "processes" : v->by == BY_USER ? "users" : "classes";
		snprintf(buf, len, "other (%zu %s)", r->grouped, what);
		return;
	}
	if (v->by == BY_PROCESS)
		ellipsise_end(buf, len, shown(shortname), COMMAND_WIDTH);
	else
		ellipsise(buf, len, shown(shortname), NAME_WIDTH);
}

static void cell(char *buf, size_t len, const struct view *v, const struct view_row *r, const struct cell_layout *c,
		 const char *shortname)
{
	bool special = r == &v->other || r == &v->total;
	switch (c->col) {
	case COL_NAME:
		name_cell(buf, len, v, r, shortname);
		return;
	case COL_USER:
		if (v->by == BY_USER)
			name_cell(buf, len, v, r, shortname);
		else
			snprintf(buf, len, "%s", special ? "" : r->user ? shown(r->user) : "");
		return;
	case COL_PID:
		if (special)
			buf[0] = 0; /* the command column names the row */
		else
			snprintf(buf, len, "%d", (int)r->pid);
		return;
	case COL_PROCESSES:
		if (r == &v->other && v->by == BY_OBJECT)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%d", r->processes);
		return;
	default:
		format_size(buf, len, view_kib(v, r, c->col), c->unit);
	}
}

void report_table_view(FILE *f, const struct report_opts *o, const struct run_result *r, const struct view *v)
{
	char line[1024];
	report_what(line, sizeof line, o, r);
	/* The heading quotes the program's command line and the notes name processes and files. */
	fprintf(f, "%s%s%s\n", shown(line), r->notes[0] ? "; " : "", shown(r->notes));
	fprintf(f, "method: %s\n", report_method(r));
	if (r->acct.object_filter)
		fprintf(f, "objects: only those matching /%s/\n", shown(r->acct.object_filter));
	fputc('\n', f);

	const struct view_row **rows = malloc((v->nrows + 2) * sizeof *rows);
	size_t n = all_rows(v, rows);
	/* Names: the shortest tail of each path that tells it from the others. */
	const char **names = malloc(n * sizeof *names), **shorts = malloc(n * sizeof *shorts);
	for (size_t i = 0; i < n; i++)
		names[i] = view_name(v, rows[i]);
	if (v->by == BY_OBJECT)
		short_names(names, n, shorts);
	else
		memcpy(shorts, names, n * sizeof *names);

	struct cell_layout lay[COL_N];
	char buf[512];
	for (int k = 0; k < v->ncols; k++) {
		struct cell_layout *c = &lay[k];
		c->col = v->cols[k];
		c->left = c->col == COL_NAME || (c->col == COL_USER && v->by == BY_USER) || c->col == COL_USER;
		unsigned long long max = 0;
		for (size_t i = 0; i < n; i++)
			if (view_kib(v, rows[i], c->col) > max)
				max = view_kib(v, rows[i], c->col);
		c->unit = unit_for(o->units, max);
		const char *title = c->col == COL_NAME ? (v->by == BY_PROCESS ? "command" : view_names[v->by]) : columns[c->col].title;
		c->width = text_width(title);
		if (columns[c->col].size && c->width < 4)
			c->width = 4;
		for (size_t i = 0; i < n; i++) {
			cell(buf, sizeof buf, v, rows[i], c, shorts[i]);
			if (text_width(buf) > c->width)
				c->width = text_width(buf);
		}
	}
	/* Two heading lines: the names, then the units. */
	for (int line2 = 0; line2 < 2; line2++) {
		for (int k = 0; k < v->ncols; k++) {
			const struct cell_layout *c = &lay[k];
			const char *t;
			if (!line2)
				t = c->col == COL_NAME ? (v->by == BY_PROCESS ? "command" : view_names[v->by]) : columns[c->col].title;
			else if (columns[c->col].size) {
				bool est = !v->exact && (c->col == COL_FRAMES || c->col == COL_SAVED);
				snprintf(buf, sizeof buf, "%s%s", est ? "~" : "", unit_names[c->unit]);
				t = buf;
			} else
				t = "";
			bool last = k == v->ncols - 1;
			if (c->left)
				fprintf(f, "%s%s%*s", k ? "  " : "", t, last ? 0 : (int)(c->width - text_width(t)), "");
			else
				fprintf(f, "%s%*s", k ? "  " : "", (int)c->width, t);
		}
		fputc('\n', f);
	}
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < v->ncols; k++) {
			const struct cell_layout *c = &lay[k];
			cell(buf, sizeof buf, v, rows[i], c, shorts[i]);
			bool last = k == v->ncols - 1;
			if (c->left)
				fprintf(f, "%s%s%*s", k ? "  " : "", buf, last ? 0 : (int)(c->width - text_width(buf)), "");
			else
				fprintf(f, "%s%*s", k ? "  " : "", (int)c->width, buf);
		}
		fputc('\n', f);
	}
	free(rows);
	free(names);
	free(shorts);
	report_exits(line, sizeof line, r);
	if (line[0])
		fprintf(f, "%s\n", shown(line));
	if (r->acct.notes[0])
		fprintf(f, "note: %s\n", shown(r->acct.notes));
	if (!v->exact)
		fprintf(f, "~ estimate: without frame numbers, frames is smaps' Pss and saved is RSS minus Pss\n");
}

/* Two runs side by side, rows matched by name: RSS and frames of each. */
void report_compare_view(FILE *f, const struct report_opts *o, const struct run_result *runs, const struct view *views)
{
	const struct view *x = &views[0], *y = &views[1];
	size_t n = x->nrows + y->nrows + 1;
	const struct view_row **left = calloc(n, sizeof *left), **right = calloc(n, sizeof *right);
	const char **names = calloc(n, sizeof *names), **shorts = calloc(n, sizeof *shorts);
	size_t k = 0;
	for (size_t i = 0; i < x->nrows; i++, k++) {
		left[k] = &x->rows[i];
		for (size_t j = 0; j < y->nrows && !right[k]; j++)
			if (strcmp(y->rows[j].name, x->rows[i].name) == 0)
				right[k] = &y->rows[j];
	}
	for (size_t j = 0; j < y->nrows; j++) {
		bool seen = false;
		for (size_t i = 0; i < x->nrows && !seen; i++)
			seen = strcmp(y->rows[j].name, x->rows[i].name) == 0;
		if (!seen)
			right[k++] = &y->rows[j];
	}
	left[k] = &x->total;
	right[k++] = &y->total;
	for (size_t i = 0; i < k; i++)
		names[i] = (left[i] ? left[i] : right[i])->name;
	short_names(names, k - 1, shorts);
	shorts[k - 1] = "total";
	unsigned long long max = 0;
	for (size_t i = 0; i < k; i++)
		for (int s = 0; s < 2; s++) {
			const struct view_row *r = s ? right[i] : left[i];
			if (r && view_kib(s ? y : x, r, COL_RSS) > max)
				max = view_kib(s ? y : x, r, COL_RSS);
		}
	int unit = unit_for(o->units, max);
	char name[512], c[4][32];
	fprintf(f, "%-*s %12s %12s   %12s %12s\n", NAME_WIDTH, view_names[x->by], "", runs[0].label, "", runs[1].label);
	fprintf(f, "%-*s %12s %12s   %12s %12s\n", NAME_WIDTH, "", "RSS", "frames", "RSS", "frames");
	fprintf(f, "%-*s %12s %12s   %12s %12s\n", NAME_WIDTH, "", unit_names[unit], unit_names[unit], unit_names[unit],
		unit_names[unit]);
	for (size_t i = 0; i < k; i++) {
		ellipsise(name, sizeof name, shown(shorts[i]), NAME_WIDTH);
		for (int s = 0; s < 2; s++) {
			const struct view_row *r = s ? right[i] : left[i];
			const struct view *v = s ? y : x;
			if (r) {
				format_size(c[2 * s], 32, view_kib(v, r, COL_RSS), unit);
				format_size(c[2 * s + 1], 32, view_kib(v, r, COL_FRAMES), unit);
			} else {
				strcpy(c[2 * s], "-");
				strcpy(c[2 * s + 1], "-");
			}
		}
		fprintf(f, "%s%*s %12s %12s   %12s %12s\n", name, (int)(NAME_WIDTH - text_width(name)), "", c[0], c[1], c[2],
			c[3]);
	}
	if (runs[0].startup_ms > 0 || runs[1].startup_ms > 0)
		fprintf(f, "%-*s %22.2f ms   %22.2f ms\n", NAME_WIDTH, "start-up (median)", runs[0].startup_ms, runs[1].startup_ms);
	free(left);
	free(right);
	free(names);
	free(shorts);
}
