#include "report.h"
#include <stdlib.h>
#include <string.h>

#define KIB(pages) ((unsigned long long)(pages) * 4)

static void human(char *buf, size_t len, uint64_t pages)
{
	unsigned long long kib = KIB(pages);
	if (kib >= 10240)
		snprintf(buf, len, "%.1f MiB", kib / 1024.0);
	else
		snprintf(buf, len, "%llu KiB", kib);
}

static const char *short_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static const struct acct_object **sorted(const struct acct *a)
{
	const struct acct_object **v = malloc((a->nobj + 1) * sizeof *v);
	for (size_t i = 0; i < a->nobj; i++)
		v[i] = &a->obj[i];
	for (size_t i = 1; i < a->nobj; i++)
		for (size_t j = i; j > 0 && v[j]->rss > v[j - 1]->rss; j--) {
			const struct acct_object *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

void report_table(FILE *f, const struct run_result *r, const char *point)
{
	const struct acct *a = &r->acct;
	fprintf(f, "%d processes through the %s loader, measured at %s (%d measured, %d exited with status 0)%s%s\n",
		r->n, r->label, point, r->measured, r->exited_ok, r->notes[0] ? "; " : "", r->notes);
	fprintf(f, "method: %s\n\n",
		a->exact ? "physical frames (/proc/PID/pagemap + /proc/kpagecount): exact"
			 : "smaps Pss for unique (frame numbers need CAP_SYS_ADMIN): an estimate");
	fprintf(f, "%-36s %11s %11s %11s %6s %11s %11s %9s\n", "object", "resident", "unique", "saved", "saved",
		"priv dirty", "reloc dirty", "touched");
	const struct acct_object **v = sorted(a);
	for (size_t i = 0; i < a->nobj; i++) {
		const struct acct_object *o = v[i];
		if (!o->rss)
			continue;
		char b[6][32];
		human(b[0], 32, o->rss);
		human(b[1], 32, o->unique);
		human(b[2], 32, o->rss - o->unique);
		human(b[3], 32, o->private_dirty);
		human(b[4], 32, o->reloc_dirty);
		fprintf(f, "%-36.36s %11s %11s %11s %5.1f%% %11s %11s %8.0f%%\n", short_name(o->name), b[0], b[1], b[2],
			o->rss ? 100.0 * (double)(o->rss - o->unique) / (double)o->rss : 0, b[3], b[4],
			o->mapped ? 100.0 * (double)o->rss / (double)o->mapped : 0);
	}
	struct acct_object t;
	acct_totals(a, &t);
	char b[5][32];
	human(b[0], 32, t.rss);
	human(b[1], 32, t.unique);
	human(b[2], 32, t.rss - t.unique);
	human(b[3], 32, t.private_dirty);
	human(b[4], 32, t.reloc_dirty);
	fprintf(f, "%-36s %11s %11s %11s %5.1f%% %11s %11s\n\n", "total", b[0], b[1], b[2],
		t.rss ? 100.0 * (double)(t.rss - t.unique) / (double)t.rss : 0, b[3], b[4]);
	fprintf(f, "%-10s %11s %11s %11s\n", "class", "resident", "unique", "priv dirty");
	for (int k = 0; k < CLASS_NCLASSES; k++) {
		human(b[0], 32, t.cls[k].rss);
		human(b[1], 32, t.cls[k].unique);
		human(b[2], 32, t.cls[k].private_dirty);
		fprintf(f, "%-10s %11s %11s %11s\n", class_names[k], b[0], b[1], b[2]);
	}
	free(v);
}

void report_compare(FILE *f, const struct run_result *x, const struct run_result *y)
{
	fprintf(f, "%-36s %12s %12s   %12s %12s\n", "object", "", x->label, "", y->label);
	fprintf(f, "%-36s %12s %12s   %12s %12s\n", "", "resident", "unique", "resident", "unique");
	const struct acct_object **v = sorted(&x->acct);
	for (size_t i = 0; i < x->acct.nobj; i++) {
		const struct acct_object *o = v[i], *p = NULL;
		if (!o->rss)
			continue;
		for (size_t j = 0; j < y->acct.nobj; j++)
			if (strcmp(y->acct.obj[j].name, o->name) == 0)
				p = &y->acct.obj[j];
		char b[4][32];
		human(b[0], 32, o->rss);
		human(b[1], 32, o->unique);
		human(b[2], 32, p ? p->rss : 0);
		human(b[3], 32, p ? p->unique : 0);
		fprintf(f, "%-36.36s %12s %12s   %12s %12s\n", short_name(o->name), b[0], b[1], p ? b[2] : "-",
			p ? b[3] : "-");
	}
	for (size_t j = 0; j < y->acct.nobj; j++) { /* objects only the second run has */
		const struct acct_object *p = &y->acct.obj[j];
		bool seen = false;
		for (size_t i = 0; i < x->acct.nobj && !seen; i++)
			seen = strcmp(x->acct.obj[i].name, p->name) == 0 && x->acct.obj[i].rss;
		if (seen || !p->rss)
			continue;
		char c[2][32];
		human(c[0], 32, p->rss);
		human(c[1], 32, p->unique);
		fprintf(f, "%-36.36s %12s %12s   %12s %12s\n", short_name(p->name), "-", "-", c[0], c[1]);
	}
	struct acct_object t1, t2;
	acct_totals(&x->acct, &t1);
	acct_totals(&y->acct, &t2);
	char b[4][32];
	human(b[0], 32, t1.rss);
	human(b[1], 32, t1.unique);
	human(b[2], 32, t2.rss);
	human(b[3], 32, t2.unique);
	fprintf(f, "%-36s %12s %12s   %12s %12s\n", "total", b[0], b[1], b[2], b[3]);
	if (x->startup_ms > 0 || y->startup_ms > 0)
		fprintf(f, "%-36s %25.2f ms   %22.2f ms\n", "start-up (median)", x->startup_ms, y->startup_ms);
	free(v);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* One entry of "objects". `full` adds mapped_kib, the classes' private dirty and the
 * relocation breakdown. */
static void json_object(FILE *f, const struct acct_object *o, bool full)
{
	fprintf(f, "{\"path\": ");
	json_string(f, o->name);
	fprintf(f,
		", \"rss_kib\": %llu, \"unique_kib\": %llu, \"saved_kib\": %llu, \"private_dirty_kib\": %llu, "
		"\"reloc_dirty_kib\": %llu",
		KIB(o->rss), KIB(o->unique), KIB(o->rss - o->unique), KIB(o->private_dirty), KIB(o->reloc_dirty));
	if (full)
		fprintf(f, ", \"mapped_kib\": %llu", KIB(o->mapped));
	fprintf(f, ", \"classes\": {");
	for (int k = 0; k < CLASS_NCLASSES; k++)
		fprintf(f, "%s\"%s\": {\"rss_kib\": %llu, \"unique_kib\": %llu, \"private_dirty_kib\": %llu}",
			k ? ", " : "", class_names[k], KIB(o->cls[k].rss), KIB(o->cls[k].unique), KIB(o->cls[k].private_dirty));
	fprintf(f, "}");
	if (full && o->elf && o->elf->ngroups) {
		fprintf(f, ", \"relocations\": {\"count\": %zu, \"pages\": %zu, \"by_section\": [", o->elf->nrelocs,
			o->elf->nreloc_pages);
		for (size_t g = 0; g < o->elf->ngroups; g++) {
			fprintf(f, "%s{\"section\": ", g ? ", " : "");
			json_string(f, o->elf->groups[g].section);
			fprintf(f, ", \"type\": ");
			json_string(f, o->elf->groups[g].type);
			fprintf(f, ", \"relocs\": %zu, \"pages\": %zu}", o->elf->groups[g].relocs, o->elf->groups[g].pages);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "}");
}

static void json_total(FILE *f, const struct acct *a)
{
	struct acct_object t;
	acct_totals(a, &t);
	fprintf(f,
		"{\"rss_kib\": %llu, \"unique_kib\": %llu, \"saved_kib\": %llu, \"saved_percent\": %.1f, "
		"\"private_dirty_kib\": %llu, \"reloc_dirty_kib\": %llu}",
		KIB(t.rss), KIB(t.unique), KIB(t.rss - t.unique), t.rss ? 100.0 * (double)(t.rss - t.unique) / (double)t.rss : 0,
		KIB(t.private_dirty), KIB(t.reloc_dirty));
}

/* "objects": every object with resident pages. */
static void json_objects(FILE *f, const struct acct *a, bool full)
{
	fprintf(f, "[");
	int first = 1;
	for (size_t i = 0; i < a->nobj; i++) {
		if (!a->obj[i].rss)
			continue;
		fprintf(f, "%s\n    ", first ? "" : ",");
		first = 0;
		json_object(f, &a->obj[i], full);
	}
	fprintf(f, "\n  ]");
}

static void json_run(FILE *f, const struct run_result *r)
{
	const struct acct *a = &r->acct;
	fprintf(f, "{\"loader\": ");
	json_string(f, r->label);
	fprintf(f, ", \"processes\": %d, \"measured\": %d, \"exited_ok\": %d, \"method\": \"%s\"", r->n, r->measured,
		r->exited_ok, a->exact ? "pagemap+kpagecount" : "smaps-pss");
	if (r->startup_ms > 0)
		fprintf(f, ", \"startup_ms\": %.3f", r->startup_ms);
	fprintf(f, ", \"objects\": ");
	json_objects(f, a, true);
	fprintf(f, ",\n  \"total\": ");
	json_total(f, a);
	fprintf(f, "}");
}

void report_json(FILE *f, const struct run_result *runs, int nruns, const char *program, const char *point)
{
	fprintf(f, "{\"program\": ");
	json_string(f, program);
	fprintf(f, ", \"at\": ");
	json_string(f, point);
	if (nruns == 1) {
		/* One run: its objects and total at the top level, as the issue asked for them. */
		fprintf(f, ", \"run\": ");
		json_run(f, &runs[0]);
		fprintf(f, ",\n \"objects\": ");
		json_objects(f, &runs[0].acct, false);
		fprintf(f, ",\n \"total\": ");
		json_total(f, &runs[0].acct);
		fprintf(f, "}\n");
		return;
	}
	fprintf(f, ", \"runs\": [");
	for (int i = 0; i < nruns; i++) {
		fprintf(f, "%s\n ", i ? "," : "");
		json_run(f, &runs[i]);
	}
	fprintf(f, "]}\n");
}

void report_svg(FILE *f, const struct run_result *r, const char *title)
{
	const struct acct *a = &r->acct;
	const struct acct_object **v = sorted(a);
	size_t n = 0;
	uint64_t max = 1;
	for (size_t i = 0; i < a->nobj; i++)
		if (v[i]->rss) {
			n++;
			if (v[i]->rss > max)
				max = v[i]->rss;
		}
	int width = 900, row = 22, top = 60, left = 260, barw = width - left - 40;
	int height = top + (int)n * row + 40;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
		"font-size=\"12\">\n",
		width, height);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<text x=\"10\" y=\"20\" font-size=\"15\">");
	for (const char *s = title; *s; s++)
		fputs(*s == '<' ? "&lt;" : *s == '&' ? "&amp;" : (char[2]){*s, 0}, f);
	fprintf(f, "</text>\n<text x=\"10\" y=\"40\">resident summed over %d processes: "
		   "<tspan fill=\"#4a90d9\">shared (saved)</tspan> and <tspan fill=\"#d9534f\">unique</tspan></text>\n",
		r->n);
	size_t y = (size_t)top;
	for (size_t i = 0; i < a->nobj; i++) {
		const struct acct_object *o = v[i];
		if (!o->rss)
			continue;
		double wu = (double)barw * (double)o->unique / (double)max;
		double ws = (double)barw * (double)(o->rss - o->unique) / (double)max;
		fprintf(f, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">%s</text>\n", left - 6, y + 14, short_name(o->name));
		fprintf(f, "<rect x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"16\" fill=\"#d9534f\"/>\n", left, y, wu);
		fprintf(f, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"16\" fill=\"#4a90d9\"/>\n", left + wu, y, ws);
		fprintf(f, "<text x=\"%.1f\" y=\"%zu\">%llu KiB</text>\n", left + wu + ws + 4, y + 13, KIB(o->rss));
		y += (size_t)row;
	}
	fprintf(f, "</svg>\n");
	free(v);
}
