/* --html: one self-contained page (nothing is fetched): the chart (report_svg.c, inline) and
 * a table of every row of the view, sortable by any column (click its heading) and filtered
 * by the text typed in the box. */
#include "report.h"
#include <stdlib.h>
#include <string.h>

static const char style[] =
	"body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:16px;color:#222}"
	"h1{font-size:18px;margin:0 0 4px}p.what{margin:2px 0;color:#444;font-size:13px}"
	"table{border-collapse:collapse;font-size:12px;margin-top:8px}"
	"th,td{padding:3px 8px;border-bottom:1px solid #ddd;white-space:nowrap}"
	"th{background:#f2f2f2;cursor:pointer;user-select:none;text-align:right}th.text{text-align:left}"
	"td.num{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:bold}"
	"th.asc::after{content:' \\25B2'}th.desc::after{content:' \\25BC'}"
	"input{font-size:13px;padding:3px 6px;width:320px;margin-top:12px}"
	".chart{margin-top:10px}.note{font-size:12px;color:#555}";

/* Sorting (by the cell's data-v, numbers or text) and filtering (rows whose text holds the
 * filter), for every table.sortable of the page. */
static const char script[] =
	"document.querySelectorAll('table.sortable').forEach(function(t){\n"
	" var body=t.tBodies[0];\n"
	" t.querySelectorAll('thead th').forEach(function(th,i){\n"
	"  th.addEventListener('click',function(){\n"
	"   var asc=!th.classList.contains('asc')&&(th.classList.contains('desc')||th.classList.contains('text'));\n"
	"   t.querySelectorAll('thead th').forEach(function(h){h.classList.remove('asc','desc');});\n"
	"   th.classList.add(asc?'asc':'desc');\n"
	"   var rows=Array.prototype.slice.call(body.rows);\n"
	"   rows.sort(function(a,b){var x=a.cells[i].dataset.v,y=b.cells[i].dataset.v;\n"
	"    var nx=parseFloat(x),ny=parseFloat(y),c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);\n"
	"    return asc?c:-c;});\n"
	"   rows.forEach(function(r){body.appendChild(r);});\n"
	"  });\n"
	" });\n"
	" var box=document.getElementById(t.dataset.filter);\n"
	" box.addEventListener('input',function(){var q=box.value.toLowerCase();\n"
	"  Array.prototype.forEach.call(body.rows,function(r){\n"
	"   r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});\n"
	"  var n=Array.prototype.filter.call(body.rows,function(r){return r.style.display!=='none';}).length;\n"
	"  document.getElementById(t.dataset.filter+'-count').textContent=n+' of '+body.rows.length+' rows';\n"
	" });\n"
	"});\n"
	/* #filter=TEXT&sort=COLUMN(-asc) in the address: applied at load, so a view can be linked */
	"var q=new URLSearchParams(location.hash.slice(1));\n"
	"document.querySelectorAll('table.sortable').forEach(function(t){\n"
	" if(q.get('sort')){var k=q.get('sort').replace(/-asc$/,'');\n"
	"  t.querySelectorAll('thead th').forEach(function(th){if(th.dataset.key===k){th.click();\n"
	"   if(/-asc$/.test(q.get('sort'))!==th.classList.contains('asc'))th.click();}});}\n"
	" if(q.get('filter')!==null){var box=document.getElementById(t.dataset.filter);box.value=q.get('filter');\n"
	"  box.dispatchEvent(new Event('input'));}\n"
	"});\n";

static const char *heading(const struct view *v, int col)
{
	return col == COL_NAME ? (v->by == BY_PROCESS ? "command" : view_names[v->by]) : columns[col].title;
}

static bool is_text(int col)
{
	return col == COL_NAME || col == COL_USER;
}

static void cell(FILE *f, const struct view *v, const struct view_row *r, int col, const int *units)
{
	char buf[64];
	bool special = r == &v->total || r == &v->other;
	if (col == COL_NAME || (col == COL_USER && v->by == BY_USER)) {
		fprintf(f, "<td data-v=\"");
		put_xml(f, r->name);
		fprintf(f, "\" title=\"");
		put_xml(f, r->name);
		fprintf(f, "\">");
		if (r == &v->other) {
			snprintf(buf, sizeof buf, "other (%zu)", r->grouped);
			put_xml(f, buf);
		} else
			put_xml(f, r->name);
		fprintf(f, "</td>");
	} else if (col == COL_USER) {
		fprintf(f, "<td data-v=\"");
		put_xml(f, special || !r->user ? "" : r->user);
		fprintf(f, "\">");
		put_xml(f, special || !r->user ? "" : r->user);
		fprintf(f, "</td>");
	} else if (col == COL_PID) {
		if (special)
			fprintf(f, "<td class=\"num\" data-v=\"0\"></td>");
		else
			fprintf(f, "<td class=\"num\" data-v=\"%d\">%d</td>", (int)r->pid, (int)r->pid);
	} else if (col == COL_PROCESSES) {
		fprintf(f, "<td class=\"num\" data-v=\"%d\">%d</td>", r->processes, r->processes);
	} else {
		unsigned long long kib = view_kib(v, r, col);
		format_size(buf, sizeof buf, kib, units[col]);
		fprintf(f, "<td class=\"num\" data-v=\"%llu\">%s</td>", kib, buf);
	}
}

static void table(FILE *f, const struct report_opts *o, const struct run_result *r, const struct view *v, int id)
{
	int units[COL_N] = {0};
	for (int k = 0; k < v->ncols; k++) {
		unsigned long long max = view_kib(v, &v->total, v->cols[k]);
		for (size_t i = 0; i < v->nrows; i++)
			if (view_kib(v, &v->rows[i], v->cols[k]) > max)
				max = view_kib(v, &v->rows[i], v->cols[k]);
		units[v->cols[k]] = unit_for(o->units, max);
	}
	char what[512];
	report_what(what, sizeof what, o, r);
	fprintf(f, "<h2 style=\"font-size:15px;margin:18px 0 0\">");
	put_xml(f, what);
	fprintf(f, "</h2>\n<input id=\"filter%d\" type=\"search\" placeholder=\"filter rows (any text)\"/> "
		   "<span class=\"note\" id=\"filter%d-count\">%zu rows</span>\n",
		id, id, v->nrows);
	fprintf(f, "<table class=\"sortable\" data-filter=\"filter%d\">\n<thead><tr>", id);
	for (int k = 0; k < v->ncols; k++) {
		int c = v->cols[k];
		fprintf(f, "<th class=\"%s\" data-key=\"%s\" title=\"", is_text(c) ? "text" : "num",
			c == COL_NAME && v->by == BY_PROCESS ? "command" : columns[c].key);
		put_xml(f, columns[c].help);
		fprintf(f, "\">");
		put_xml(f, heading(v, c));
		if (columns[c].size)
			fprintf(f, " (%s%s)", !v->exact && (c == COL_FRAMES || c == COL_SAVED) ? "~" : "", unit_names[units[c]]);
		fprintf(f, "</th>");
	}
	fprintf(f, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < v->nrows; i++) {
		fprintf(f, "<tr>");
		for (int k = 0; k < v->ncols; k++)
			cell(f, v, &v->rows[i], v->cols[k], units);
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</tbody>\n<tfoot><tr>");
	for (int k = 0; k < v->ncols; k++)
		cell(f, v, &v->total, v->cols[k], units);
	fprintf(f, "</tr></tfoot>\n</table>\n");
	char exits[512];
	report_exits(exits, sizeof exits, r);
	if (exits[0]) {
		fprintf(f, "<p class=\"note\">");
		put_xml(f, exits);
		fprintf(f, "</p>\n");
	}
	if (r->acct.notes[0]) {
		fprintf(f, "<p class=\"note\">note: ");
		put_xml(f, r->acct.notes);
		fprintf(f, "</p>\n");
	}
}

void report_html_page(FILE *f, const struct report_opts *o, const struct run_result *runs, const struct view *views,
		      int nruns)
{
	char what[512];
	report_what(what, sizeof what, o, &runs[0]);
	fprintf(f, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>mmld share: ");
	put_xml(f, what);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>mmld share, by %s</h1>\n", style, view_names[views[0].by]);
	fprintf(f, "<div class=\"chart\">\n");
	report_svg_chart(f, o, runs, views, nruns);
	fprintf(f, "</div>\n");
	/* The table has every row; the chart the largest. */
	struct view_opts vo = o->view;
	vo.top = 0;
	for (int i = 0; i < nruns; i++) {
		struct view all;
		view_build(&all, &runs[i].acct, &vo);
		table(f, o, &runs[i], &all, i);
		view_free(&all);
	}
	fprintf(f, "<p class=\"note\">Column definitions: hover over a heading; "
		   "docs/memory.md has them in full. Click a heading to sort by it.</p>\n");
	fprintf(f, "<script>//<![CDATA[\n%s//]]></script>\n</body>\n</html>\n", script);
}
