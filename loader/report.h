#ifndef MMLD_REPORT_H
#define MMLD_REPORT_H
#include "account.h"
#include <stdio.h>

struct run_result {
	const char *label;      /* "mmld" / "system" / "mmap" / "read" */
	struct acct acct;
	int n;                  /* processes started */
	int exited_ok;          /* exited with status 0 */
	int measured;           /* reached the point and were measured */
	char notes[512];        /* anything that did not go as it would have */
	double startup_ms;      /* median start-up (compare-load), 0 if not measured */
};

/* A human-readable table (KiB or MiB), objects sorted by rss. */
void report_table(FILE *f, const struct run_result *r, const char *point);
/* Two runs side by side: total and the objects of the first. */
void report_compare(FILE *f, const struct run_result *a, const struct run_result *b);
/* --json */
void report_json(FILE *f, const struct run_result *runs, int nruns, const char *program, const char *point);
/* --svg: a bar per object, shared (saved) against private (unique). */
void report_svg(FILE *f, const struct run_result *r, const char *title);
#endif
