/* mmld share: what to start and where to hold it (share.c parses the options into this;
 * launch.c starts the processes, holds them, has them measured and ends them). */
#ifndef MMLD_SHARE_H
#define MMLD_SHARE_H
#include "mmld.h"
#include "report.h"
#include <stdbool.h>

enum share_point { POINT_LOADED, POINT_ENTRY, POINT_EXIT, POINT_SECONDS };
/* "loaded", "entry", "exit" (MMLD_STOP's words), indexed by enum share_point. */
extern const char *const share_point_names[3];

struct share_launch {
	char **argv;             /* PROGRAM ARGS */
	char *prog;              /* PROGRAM resolved as execvp would */
	struct script_run load;  /* what ld-mmld.so loads: PROGRAM, or a #! script's interpreter */
	int n;                   /* processes to start */
	enum share_point at;
	double seconds;          /* POINT_SECONDS: how long after the start */
	bool system;             /* the system loader instead of ld-mmld.so */
	bool read_load;          /* MMLD_LOAD=read: ld-mmld.so copies segments with read() */
	bool reloc_cache;        /* MMLD_RELOC_CACHE=1, the program run once first so the cache holds it */
	bool quiet;              /* the processes' stdin, stdout and stderr on /dev/null */
	bool keep;               /* leave the processes running after the measurement */
	bool stdout_to_stderr;   /* their stdout to mmld's stderr (mmld's stdout is a document: --json) */
	const char *objects_dir; /* where ld-mmld.so writes its object tables (MMLD_OBJECTS) */
	bool children;           /* --children: each process's descendants are measured too */
	const char *object;      /* --object REGEX: only matching objects are counted (NULL: all) */
};

/* The processes of one run. */
struct launch_group;
/* Starts l->n processes, holds each at the point and measures them into r (labelled
 * `label`; r->measured says how many). Then they go on to their end, and r->notes says how
 * each ended; except at POINT_SECONDS, where they are still held, to be ended by launch_end
 * once the report is out. Never NULL. */
struct launch_group *launch_measure(const struct share_launch *l, const char *label, struct run_result *r);
/* When nothing was measured: why, in the processes' own words (their last line on stderr,
 * the loader's message) or exec's; else NULL. */
const char *launch_failure(const struct launch_group *g);
/* Ends what is still held (SIGTERM, then SIGKILL; --keep: lets it run) and frees g. */
void launch_end(struct launch_group *g);
/* The median wall time of `runs` unheld start-ups of l's program (--compare-load). */
double launch_startup_ms(const struct share_launch *l, int runs);
#endif
