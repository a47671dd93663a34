/* The views of a measurement (--by object|process|user|class): rows of figures, sorted, the
 * smallest grouped as "other" (--top), and a totals row. Every renderer (report_*.c) draws a
 * view; the columns and their definitions are here, once. */
#ifndef MMLD_VIEW_H
#define MMLD_VIEW_H
#include "account.h"

enum view_by { BY_OBJECT, BY_PROCESS, BY_USER, BY_CLASS, BY_N };
extern const char *const view_names[BY_N]; /* "object", "process", "user", "class" */

enum column {
	COL_NAME,      /* the row's name: object path, user, class, or the process's command line */
	COL_PID,
	COL_USER,
	COL_PROCESSES,
	COL_RSS,
	COL_PSS,
	COL_USS,
	COL_FRAMES,
	COL_SAVED,
	COL_PRIVATE_DIRTY,
	COL_RELOC_DIRTY,
	COL_SWAP,
	COL_SWAP_PSS,
	COL_N
};

struct column_def {
	const char *key;   /* --sort, CSV header, JSON field (with "_kib" for sizes) */
	const char *title; /* table heading */
	bool size;         /* a size (KiB, shown in --units) */
	const char *help;  /* one line: --help and docs/memory.md */
};
extern const struct column_def columns[COL_N];

struct view_row {
	const char *name; /* points into the accounting (or a static string) */
	pid_t pid;        /* by process */
	const char *user; /* by process */
	int processes;    /* by object: processes mapping it; by user: its processes */
	size_t grouped;   /* "other": the number of rows it stands for */
	struct usage u;
	const struct acct_object *obj;  /* by object */
	const struct acct_proc *proc;   /* by process */
	int cls;                        /* by class */
};

struct view_opts {
	enum view_by by;
	const char *sort; /* a column key, NULL: the view's default */
	bool reverse;
	int top;          /* rows shown before "other", 0: all */
};

struct view {
	enum view_by by;
	int cols[COL_N], ncols; /* the columns this view shows, in order */
	struct view_row *rows;
	size_t nrows;
	bool has_other;
	struct view_row other, total;
	bool exact;             /* frames are distinct frames; else smaps' Pss stands in */
	int sort_col;
};

/* The default sort column of a view, and the column of a --sort key (-1 if the view has no
 * such column). */
int view_default_sort(enum view_by by);
int view_column(enum view_by by, const char *key);
/* "rss, pss, ..." : the sort keys of a view, for messages and --help. */
const char *view_column_list(enum view_by by);
/* Builds the view of a (after acct_finish). */
void view_build(struct view *v, const struct acct *a, const struct view_opts *o);
void view_free(struct view *v);
/* The size column col of row r, in KiB (frames: smaps' Pss where there are no frame numbers). */
unsigned long long view_kib(const struct view *v, const struct view_row *r, int col);
/* The row's name column as a string (for a process: its command line). */
const char *view_name(const struct view *v, const struct view_row *r);
#endif
