/* --svg: the chosen view as horizontal bars. Objects and classes: RSS split into the distinct
 * frames and what sharing saves; processes and users: RSS split into USS, the rest of PSS, and
 * the other sharers' part. Two runs (--compare, --compare-load): a bar for each, side by side,
 * per row. An axis with ticks in one unit, a legend, the totals and a caption naming the
 * processes, the measurement point, the loader and the method. Rows past the largest ones are
 * one "other" bar. Names are escaped and ellipsised. */
#include "mmld.h"
#include "report.h"
#include <stdlib.h>
#include <string.h>

#define WIDTH 1000
#define MAX_BARS 25   /* without --top: the rest is "other" */
#define SMALL 0.005   /* without --top: rows under this share of the total RSS are "other" */
#define LABEL_CHARS 44
#define CHAR_PX 6.6   /* average advance of a 12px sans-serif character */
#define BAR_H 16
#define ROW_GAP 6

struct segment {
	const char *label;
	const char *colour;
};

/* The parts a bar is split into, for a view. */
static int segments(const struct view *v, int run, int nruns, struct segment *s, const struct run_result *runs)
{
	static const char *const share_colours[2][2] = {{"#c0392b", "#7fb3e0"}, {"#7d3c98", "#f0b27a"}};
	static const char *const proc_colours[3] = {"#c0392b", "#e59866", "#aed6f1"};
	static char labels[2][3][96];
	bool est = !v->exact;
	if (v->by == BY_OBJECT || v->by == BY_CLASS) {
		const char *const *c = share_colours[run];
		snprintf(labels[run][0], sizeof labels[run][0], "%s%s%s", nruns > 1 ? runs[run].label : "", nruns > 1 ? ": " : "",
			 est ? "frames (estimate: Pss)" : "frames (distinct physical pages)");
		snprintf(labels[run][1], sizeof labels[run][1], "%s%s%s", nruns > 1 ? runs[run].label : "", nruns > 1 ? ": " : "",
			 est ? "saved (RSS - Pss, estimate)" : "saved by sharing (RSS - frames)");
		s[0] = (struct segment){labels[run][0], c[0]};
		s[1] = (struct segment){labels[run][1], c[1]};
		return 2;
	}
	s[0] = (struct segment){"USS (pages mapped once)", proc_colours[0]};
	s[1] = (struct segment){"PSS - USS (the share of shared pages)", proc_colours[1]};
	s[2] = (struct segment){"RSS - PSS (the other sharers' share)", proc_colours[2]};
	return 3;
}

/* The sizes (KiB) of a row's parts; their sum is its RSS. */
static int parts(const struct view *v, const struct view_row *r, unsigned long long *p)
{
	unsigned long long rss = view_kib(v, r, COL_RSS);
	if (v->by == BY_OBJECT || v->by == BY_CLASS) {
		unsigned long long fr = view_kib(v, r, COL_FRAMES);
		p[0] = fr < rss ? fr : rss;
		p[1] = rss - p[0];
		return 2;
	}
	unsigned long long uss = view_kib(v, r, COL_USS), pss = view_kib(v, r, COL_PSS);
	if (pss > rss)
		pss = rss;
	if (uss > pss)
		uss = pss;
	p[0] = uss;
	p[1] = pss - uss;
	p[2] = rss - pss;
	return 3;
}

/* A step of 1, 2 or 5 times a power of ten giving about 5 ticks up to max. */
static double nice_step(double max)
{
	double raw = max / 5, mag = 1;
	while (mag * 10 <= raw)
		mag *= 10;
	while (mag > raw && mag > 1e-3)
		mag /= 10;
	double n = raw / mag;
	return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

/* One chart row: the rows of each run it stands for (NULL where a run has none). */
struct chart_row {
	const char *name;
	char label[160];          /* by process: "PID command" */
	struct view_row other[2]; /* storage for a grouped row */
	const struct view_row *r[2];
};

static void add_to_other(struct chart_row *other, int run, const struct view_row *r)
{
	if (!other->r[run]) {
		memset(&other->other[run], 0, sizeof other->other[run]);
		other->other[run].name = "other";
		other->r[run] = &other->other[run];
	}
	usage_add(&other->other[run].u, &r->u);
	other->other[run].grouped += r->grouped ? r->grouped : 1;
}

/* The rows to draw: the view's (all its rows with --top, which made "other" already; else the
 * largest, the small ones grouped), matched by name across runs. */
static size_t chart_rows(const struct report_opts *o, const struct view *views, int nruns, struct chart_row **out)
{
	size_t cap = views[0].nrows + (nruns > 1 ? views[1].nrows : 0) + 2, n = 0;
	struct chart_row *rows = calloc(cap, sizeof *rows), other = {.name = "other"};
	bool any_other = false;
	for (int run = 0; run < nruns; run++) {
		const struct view *v = &views[run];
		unsigned long long total = view_kib(v, &v->total, COL_RSS);
		for (size_t i = 0; i < v->nrows; i++) {
			const struct view_row *r = &v->rows[i];
			if (!r->u.rss)
				continue;
			size_t k = 0;
			while (k < n && (v->by == BY_PROCESS || strcmp(rows[k].name, r->name) != 0))
				k++;
			bool small = !o->view.top && (k >= MAX_BARS || (double)view_kib(v, r, COL_RSS) < SMALL * (double)total);
			if (k == n && small) {
				add_to_other(&other, run, r);
				any_other = true;
				continue;
			}
			if (k == n) {
				rows[n].name = r->name;
				if (v->by == BY_PROCESS) {
					snprintf(rows[n].label, sizeof rows[n].label, "%d %s", (int)r->pid, r->name);
					rows[n].name = rows[n].label;
				}
				n++;
			}
			rows[k].r[run] = r;
		}
		if (v->has_other) {
			add_to_other(&other, run, &v->other);
			any_other = true;
		}
	}
	if (any_other) {
		rows[n] = other;
		for (int run = 0; run < 2; run++)
			if (other.r[run])
				rows[n].r[run] = &rows[n].other[run];
		n++;
	}
	*out = rows;
	return n;
}

/* s is text as shown() writes it (names, command lines), cut to its width: the chart shows
 * what the table shows. */
static void text(FILE *f, double x, double y, const char *attrs, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"%s%s>", x, y, attrs[0] ? " " : "", attrs);
	put_xml_shown(f, s);
	fprintf(f, "</text>\n");
}

/* Lines of at most `width` columns, broken at spaces, a word longer than a line cut between
 * characters (never inside one: the chart must stay UTF-8); returns the count (at most max). */
static int wrap(const char *s, size_t width, char lines[][256], int max)
{
	int n = 0;
	while (*s && n < max) {
		size_t cut = strlen(s);
		if (text_width(s) > width) {
			cut = text_prefix(s, width);
			size_t space = cut;
			while (space > cut / 2 && s[space] != ' ')
				space--;
			if (s[space] == ' ')
				cut = space;
		}
		while (cut > 255 || (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80))
			cut--; /* the line buffer's end, back to a character's start */
		if (cut == 0)
			cut = 1; /* a first character wider than the line: it still moves on */
		snprintf(lines[n++], 256, "%.*s", (int)cut, s);
		s += cut;
		while (*s == ' ')
			s++;
	}
	return n;
}

/* The legend, wrapped to the width; returns the y after it. */
static double legend(FILE *f, double y, const struct segment *seg, int nseg)
{
	double x = 20;
	for (int i = 0; i < nseg; i++) {
		double w = 16 + CHAR_PX * (double)text_width(seg[i].label) + 24;
		if (x > 20 && x + w > WIDTH - 20) {
			x = 20;
			y += 18;
		}
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", x, y - 10, seg[i].colour);
		text(f, x + 16, y, "", seg[i].label);
		x += w;
	}
	return y + 18;
}

static void totals_line(char *buf, size_t len, const struct view *v, const char *label, int unit)
{
	char rss[32], a[32], b[32];
	format_size(rss, sizeof rss, view_kib(v, &v->total, COL_RSS), unit);
	if (v->by == BY_OBJECT || v->by == BY_CLASS) {
		unsigned long long r = view_kib(v, &v->total, COL_RSS), s = view_kib(v, &v->total, COL_SAVED);
		format_size(a, sizeof a, view_kib(v, &v->total, COL_FRAMES), unit);
		format_size(b, sizeof b, s, unit);
		snprintf(buf, len, "%s%stotal: RSS %s %s, frames %s%s %s, saved %s %s (%.1f%%)", label ? label : "", label ? " " : "",
			 rss, unit_names[unit], v->exact ? "" : "~", a, unit_names[unit], b, unit_names[unit],
			 r ? 100.0 * (double)s / (double)r : 0.0);
	} else {
		format_size(a, sizeof a, view_kib(v, &v->total, COL_PSS), unit);
		format_size(b, sizeof b, view_kib(v, &v->total, COL_USS), unit);
		snprintf(buf, len, "%s%stotal: RSS %s %s, PSS %s %s, USS %s %s (%d processes)", label ? label : "",
			 label ? " " : "", rss, unit_names[unit], a, unit_names[unit], b, unit_names[unit], v->total.processes);
	}
}

/* The caption: the processes and the point they were measured at, the loaders, the method,
 * the command line. */
static int caption(char lines[][256], int max, const struct report_opts *o, const struct run_result *runs, int nruns)
{
	int n = 0;
	char buf[1024];
	for (int i = 0; i < nruns; i++) {
		report_what(buf, sizeof buf, o, &runs[i]);
		n += wrap(shown(buf), 140, lines + n, max - n);
		report_loaders(buf, sizeof buf, &runs[i]);
		if (buf[0])
			n += wrap(shown(buf), 140, lines + n, max - n);
	}
	snprintf(buf, sizeof buf, "method: %s", report_method(&runs[0]));
	n += wrap(buf, 140, lines + n, max - n);
	size_t len = (size_t)snprintf(buf, sizeof buf, "command:");
	for (int i = 0; i < o->argc && len < sizeof buf - 2; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, " %s", o->argv[i]);
	if (o->argc)
		n += wrap(shown(buf), 140, lines + n, max - n);
	return n;
}

/* The title: the view, and for two runs, which. */
static void title(char *buf, size_t len, const struct report_opts *o, const struct run_result *runs, int nruns,
		  const struct view *v)
{
	const char *what = o->program ? o->program[0] : o->selection ? o->selection : "running processes";
	if (nruns > 1)
		snprintf(buf, len, "mmld share: memory by %s, %s: %s against %s", view_names[v->by], what, runs[0].label,
			 runs[1].label);
	else
		snprintf(buf, len, "mmld share: memory by %s, %s", view_names[v->by], what);
}

/* A chart being drawn: its rows and labels, the scale of its axis, where everything goes. */
struct chart {
	FILE *f;
	const struct report_opts *o;
	const struct run_result *runs;
	const struct view *views;
	int nruns;
	struct chart_row *rows;
	size_t n;
	char (*labels)[256];
	size_t label_chars;            /* the widest label, in characters */
	int unit;                      /* of the axis: KiB, MiB, GiB */
	double scale, step, axis_max;  /* KiB per unit; tick step and axis end, in units */
	char cap[12][256];
	int ncap;
	struct segment seg[6];
	int nseg, legend_lines;
	double left, right, plot, row_h, top, y_axis, height;
};

/* Labels: the shortest distinct tail of each path (objects), escaped and ellipsised; the
 * "other" row says how many rows it holds. */
static void chart_labels(struct chart *c)
{
	const struct view *v0 = &c->views[0];
	const char **names = malloc((c->n + 1) * sizeof *names), **shorts = malloc((c->n + 1) * sizeof *shorts);
	for (size_t i = 0; i < c->n; i++)
		names[i] = c->rows[i].name;
	if (v0->by == BY_OBJECT)
		short_names(names, c->n, shorts);
	else
		memcpy(shorts, names, c->n * sizeof *names);
	c->labels = calloc(c->n + 1, sizeof *c->labels);
	c->label_chars = 8;
	for (size_t i = 0; i < c->n; i++) {
		const struct view_row *g = c->rows[i].r[0] ? c->rows[i].r[0] : c->rows[i].r[1];
		char grouped[64];
		const char *label = shown(shorts[i]); /* escaped, then cut: as the table does */
		if (g && g->grouped) {
			snprintf(grouped, sizeof grouped, "other (%zu %s%s)", g->grouped,
				 v0->by == BY_OBJECT ? "object" : v0->by == BY_PROCESS ? "process" : "row",
				 g->grouped == 1 ? "" : v0->by == BY_PROCESS ? "es" : "s");
			label = grouped;
		}
		if (v0->by == BY_PROCESS)
			ellipsise_end(c->labels[i], sizeof c->labels[i], label, LABEL_CHARS);
		else
			ellipsise(c->labels[i], sizeof c->labels[i], label, LABEL_CHARS);
		if (text_width(c->labels[i]) > c->label_chars)
			c->label_chars = text_width(c->labels[i]);
	}
	free(names);
	free(shorts);
}

/* The axis: one unit for the largest bar, round ticks, an end past the largest bar. */
static void chart_scale(struct chart *c)
{
	unsigned long long max = 1;
	for (size_t i = 0; i < c->n; i++)
		for (int run = 0; run < c->nruns; run++)
			if (c->rows[i].r[run] && view_kib(&c->views[run], c->rows[i].r[run], COL_RSS) > max)
				max = view_kib(&c->views[run], c->rows[i].r[run], COL_RSS);
	c->unit = unit_for(c->o->units, max);
	c->scale = c->unit == 0 ? 1 : c->unit == 1 ? 1024 : 1048576;
	c->step = nice_step((double)max / c->scale);
	c->axis_max = c->step;
	while (c->axis_max < (double)max / c->scale)
		c->axis_max += c->step;
}

/* Where things go: the legend's lines, the plot right of the labels, a band per row, then
 * the axis, the totals and the caption. */
static void chart_layout(struct chart *c)
{
	c->ncap = caption(c->cap, 12, c->o, c->runs, c->nruns);
	c->nseg = 0;
	for (int run = 0; run < c->nruns; run++)
		c->nseg += segments(&c->views[run], run, c->nruns, c->seg + c->nseg, c->runs);
	double legend_w = 20;
	c->legend_lines = 1;
	for (int i = 0; i < c->nseg; i++) {
		double w = 16 + CHAR_PX * (double)text_width(c->seg[i].label) + 24;
		if (legend_w > 20 && legend_w + w > WIDTH - 20) {
			legend_w = 20;
			c->legend_lines++;
		}
		legend_w += w;
	}
	c->left = 20 + CHAR_PX * (double)c->label_chars + 10;
	c->right = WIDTH - 90;
	c->plot = c->right - c->left;
	c->row_h = c->nruns * BAR_H + ROW_GAP + (c->nruns > 1 ? 6 : 0);
	c->top = 60 + 18 * c->legend_lines + 10;
	c->y_axis = c->top + (double)c->n * c->row_h + 4;
	c->height = c->y_axis + 44 + c->nruns * 18 + c->ncap * 15 + 14;
}

/* The picture's frame, the title, what the bars are, the legend. */
static void chart_head(const struct chart *c)
{
	const struct view *v0 = &c->views[0];
	fprintf(c->f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
		      "font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"12\">\n",
		WIDTH, c->height, WIDTH, c->height);
	fprintf(c->f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	char head[256], shown_title[256];
	title(head, sizeof head, c->o, c->runs, c->nruns, v0);
	ellipsise_end(shown_title, sizeof shown_title, shown(head), 105);
	text(c->f, 20, 26, "font-size=\"16\" font-weight=\"bold\"", shown_title);
	text(c->f, 20, 46, "fill=\"#555\"", v0->exact ? "bars: RSS summed over the processes; method: distinct physical frames, exact"
						      : "bars: RSS summed over the processes; method: smaps Pss, an ESTIMATE (no frame numbers without root)");
	legend(c->f, 68, c->seg, c->nseg);
}

/* Grid lines, ticks and the axis with its unit. */
static void chart_axis(const struct chart *c)
{
	for (double t = 0; t <= c->axis_max + c->step / 2; t += c->step) {
		double x = c->left + c->plot * t / c->axis_max;
		char tick[32];
		snprintf(tick, sizeof tick, c->step < 1 ? "%.1f" : "%.0f", t);
		fprintf(c->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n", x, c->top - 6, x, c->y_axis);
		fprintf(c->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", x, c->y_axis, x, c->y_axis + 5);
		text(c->f, x, c->y_axis + 18, "text-anchor=\"middle\"", tick);
	}
	fprintf(c->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", c->left, c->y_axis, c->right, c->y_axis);
	char axis_label[64];
	snprintf(axis_label, sizeof axis_label, "RSS, %s", unit_names[c->unit]);
	text(c->f, c->left + c->plot / 2, c->y_axis + 34, "text-anchor=\"middle\" font-weight=\"bold\"", axis_label);
}

/* One run's bar of row i at height by: its parts, then its size (or "not mapped"). */
static void chart_bar(const struct chart *c, size_t i, int run, double by)
{
	const struct view_row *r = c->rows[i].r[run];
	double x = c->left;
	unsigned long long p[3] = {0};
	int np = r ? parts(&c->views[run], r, p) : 0;
	struct segment rs[3];
	segments(&c->views[run], run, c->nruns, rs, c->runs);
	for (int k = 0; k < np; k++) {
		double w = c->plot * ((double)p[k] / c->scale) / c->axis_max;
		fprintf(c->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", x, by, w, BAR_H - 1,
			rs[k].colour);
		x += w;
	}
	const char *label = c->nruns > 1 ? c->runs[run].label : "", *sep = c->nruns > 1 ? " " : "";
	char val[64], num[32];
	if (r) {
		format_size(num, sizeof num, view_kib(&c->views[run], r, COL_RSS), c->unit);
		snprintf(val, sizeof val, "%s%s%s", label, sep, num);
	} else
		snprintf(val, sizeof val, "%s%snot mapped", label, sep);
	text(c->f, x + 4, by + BAR_H - 4, "font-size=\"11\" fill=\"#333\"", val);
}

/* Each row: its full name as a tooltip, its label, a bar per run. */
static void chart_rows_drawn(const struct chart *c)
{
	for (size_t i = 0; i < c->n; i++) {
		double y = c->top + (double)i * c->row_h;
		fprintf(c->f, "<g><title>");
		put_xml(c->f, c->rows[i].name);
		fprintf(c->f, "</title>\n");
		text(c->f, c->left - 8, y + BAR_H * c->nruns / 2.0 + 4, "text-anchor=\"end\"", c->labels[i]);
		for (int run = 0; run < c->nruns; run++)
			chart_bar(c, i, run, y + run * BAR_H);
		fprintf(c->f, "</g>\n");
	}
}

/* The totals of each run, then the caption. */
static void chart_foot(const struct chart *c)
{
	double y = c->y_axis + 56;
	for (int run = 0; run < c->nruns; run++, y += 18) {
		char tl[256];
		totals_line(tl, sizeof tl, &c->views[run], c->nruns > 1 ? c->runs[run].label : NULL, c->unit);
		text(c->f, 20, y, "font-weight=\"bold\"", tl);
	}
	for (int i = 0; i < c->ncap; i++, y += 15)
		text(c->f, 20, y, "fill=\"#555\" font-size=\"11\"", c->cap[i]);
	fprintf(c->f, "</svg>\n");
}

void report_svg_chart(FILE *f, const struct report_opts *o, const struct run_result *runs, const struct view *views,
		      int nruns)
{
	struct chart c = {.f = f, .o = o, .runs = runs, .views = views, .nruns = nruns};
	c.n = chart_rows(o, views, nruns, &c.rows);
	chart_labels(&c);
	chart_scale(&c);
	chart_layout(&c);
	chart_head(&c);
	chart_axis(&c);
	chart_rows_drawn(&c);
	chart_foot(&c);
	free(c.labels);
	free(c.rows);
}
