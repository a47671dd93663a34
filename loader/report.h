/* mmld share's outputs: the table (report_table.c), --json (report_json.c), --csv
 * (report_csv.c), --svg (report_svg.c) and --html (report_html.c), all drawn from the views of
 * view.h; report.c says what was measured, in the same words for each. */
#ifndef MMLD_REPORT_H
#define MMLD_REPORT_H
#include "account.h"
#include "view.h"
#include <stdio.h>

/* A process share.c started, and how it ended. */
struct launched {
	pid_t pid;
	int wait_status; /* as waitpid gave it, once reaped */
	bool reaped;
	bool measured;
	bool ended_by_mmld; /* running at an --at SECONDS measurement, then ended by mmld (SIGTERM) */
	bool kept;          /* --keep: left running, not reaped */
	int exec_errno;     /* it could not be started: exec's errno */
};

struct run_result {
	const char *label;      /* "mmld" / "system" / "mmap" / "read"; "running" for processes already running */
	struct acct acct;
	int n;                  /* processes started (0: running processes measured) */
	int exited_ok;          /* exited with status 0 */
	int measured;           /* reached the point and were measured */
	char notes[512];        /* anything that did not go as it would have */
	double startup_ms;      /* median start-up (compare-load), 0 if not measured */
	struct launched *launched; /* filled by launch.c (may be NULL; the caller frees it) */
	int nlaunched;
};

enum units { UNITS_AUTO, UNITS_K, UNITS_M, UNITS_G };

struct report_opts {
	struct view_opts view;
	enum units units;
	bool json, csv;
	const char *svg, *html;   /* files to write, or NULL */
	int argc;                 /* mmld's own command line, for the JSON and the captions */
	char **argv;
	char **program;           /* the experiment's PROGRAM ARGS; NULL for running processes */
	const char *point;        /* loaded, entry, exit, SECONDS; NULL: measured as they run */
	const char *selection;    /* running processes: how they were chosen ("--all", "--pid 1,2") */
};

/* Every output o asks for: the table, the JSON or the CSV on f, and the SVG and HTML files.
 * Returns 0, or 1 if a file could not be written (said on stderr). */
int report_write(FILE *f, const struct report_opts *o, struct run_result *runs, int nruns);

/* The forms share.c calls today (objects by RSS). */
void report_table(FILE *f, const struct run_result *r, const char *point);
void report_compare(FILE *f, const struct run_result *a, const struct run_result *b);
void report_json(FILE *f, const struct run_result *runs, int nruns, const char *program, const char *point);
void report_svg(FILE *f, const struct run_result *r, const char *title);

/* Shared by the renderers (report.c). */
void report_table_view(FILE *f, const struct report_opts *o, const struct run_result *r, const struct view *v);
void report_compare_view(FILE *f, const struct report_opts *o, const struct run_result *runs, const struct view *views);
void report_json_runs(FILE *f, const struct report_opts *o, const struct run_result *runs, const struct view *views,
		      int nruns);
/* label: a first column naming the run (NULL: none); heading_line: the field names first. */
void report_csv_view(FILE *f, const struct view *v, const char *label, bool heading_line);
void report_svg_chart(FILE *f, const struct report_opts *o, const struct run_result *runs, const struct view *views,
		      int nruns);
void report_html_page(FILE *f, const struct report_opts *o, const struct run_result *runs, const struct view *views,
		      int nruns);

/* What was measured, how, and when: one line each (report.c). */
void report_what(char *buf, size_t len, const struct report_opts *o, const struct run_result *r);
const char *report_method(const struct run_result *r);
/* "loaded by: ld-linux-x86-64.so.2 (40), ld-mmld.so (3), none (1)": the loader each process maps. */
void report_loaders(char *buf, size_t len, const struct run_result *r);
/* "exit: 4 exited with status 0, pid 1234 killed by SIGSEGV"; "" if nothing was launched. */
void report_exits(char *buf, size_t len, const struct run_result *r);

/* Formatting (report_format.c). */
/* The unit a column of values up to max_kib is shown in: 0 KiB, 1 MiB, 2 GiB. */
int unit_for(enum units u, unsigned long long max_kib);
extern const char *const unit_names[3];
void format_size(char *buf, size_t len, unsigned long long kib, int unit);
/* Terminal columns of UTF-8 text (wide characters 2, combining marks 0). */
size_t text_width(const char *s);
/* The byte offset where the first `cols` columns of s end, on a character boundary (a wide
 * character that would straddle the edge is left out). */
size_t text_prefix(const char *s, size_t cols);
/* s cut to at most width columns, with an ellipsis in the middle if it was cut. */
void ellipsise(char *buf, size_t len, const char *s, size_t width);
/* The same, cut at the end (command lines: the program and its first arguments stay). */
void ellipsise_end(char *buf, size_t len, const char *s, size_t width);
/* The shortest tail of each path (whole components) that no other path of names[] shares:
 * "libc.so.6", or "lib32/libc.so.6" where two would look alike. out[i] point into names[i]. */
void short_names(const char **names, size_t n, const char **out);
/* s for XML text and attributes: as shown() writes it for a terminal (\ooo), then XML's own
 * escapes, so a chart or page shows a name as the table does. */
void put_xml(FILE *f, const char *s);
/* s already through shown() (and cut to a width): XML's escapes only. */
void put_xml_shown(FILE *f, const char *s);
void put_json(FILE *f, const char *s); /* a JSON string */
void put_csv(FILE *f, const char *s);  /* a CSV field */
#endif
