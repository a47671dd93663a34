/* --csv: the chosen view as RFC 4180 comma-separated values: a heading of the JSON field
 * names, sizes in KiB, the rows in --sort order, "other" (--top) and "total" last. Two runs
 * (--compare): a first column says which. */
#include "report.h"

static const char *heading(const struct view *v, int col)
{
	static char buf[64];
	if (col == COL_NAME)
		return v->by == BY_OBJECT ? "path" : v->by == BY_PROCESS ? "command" : v->by == BY_CLASS ? "class" : "user";
	if (!columns[col].size)
		return columns[col].key;
	snprintf(buf, sizeof buf, "%s_kib", columns[col].key);
	return buf;
}

static void row(FILE *f, const struct view *v, const struct view_row *r, const char *label)
{
	if (label) {
		put_csv(f, label);
		fputc(',', f);
	}
	bool special = r == &v->other || r == &v->total;
	for (int k = 0; k < v->ncols; k++) {
		int c = v->cols[k];
		if (k)
			fputc(',', f);
		if (c == COL_NAME || (c == COL_USER && v->by == BY_USER))
			put_csv(f, r->name);
		else if (c == COL_USER)
			put_csv(f, special ? "" : r->user);
		else if (c == COL_PID && special)
			;
		else if (c == COL_PROCESSES && r == &v->other && v->by == BY_OBJECT)
			;
		else
			fprintf(f, "%llu", view_kib(v, r, c));
	}
	fputc('\n', f);
}

void report_csv_view(FILE *f, const struct view *v, const char *label, bool heading_line)
{
	if (heading_line) {
		if (label)
			fputs("run,", f);
		for (int k = 0; k < v->ncols; k++)
			fprintf(f, "%s%s", k ? "," : "", heading(v, v->cols[k]));
		fputc('\n', f);
	}
	for (size_t i = 0; i < v->nrows; i++)
		row(f, v, &v->rows[i], label);
	if (v->has_other)
		row(f, v, &v->other, label);
	row(f, v, &v->total, label);
}
