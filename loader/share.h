/* mmld share: what to start and where to hold it (share.c parses the options into this;
 * launch.c starts the processes, holds them, has them measured and ends them). */
#ifndef MMLD_SHARE_H
#define MMLD_SHARE_H
#include "report.h"
#include <stdbool.h>

enum share_point { POINT_LOADED, POINT_ENTRY, POINT_EXIT, POINT_SECONDS };
/* "loaded", "entry", "exit" (MMLD_STOP's words), indexed by enum share_point. */
extern const char *const share_point_names[3];

struct share_launch {
	char **argv;             /* PROGRAM ARGS */
	char *prog;              /* PROGRAM resolved as execvp would */
	int n;                   /* processes to start */
	enum share_point at;
	double seconds;          /* POINT_SECONDS: how long after the start */
	bool system;             /* the system loader instead of ld-mmld.so */
	bool read_load;          /* MMLD_LOAD=read: ld-mmld.so copies segments with read() */
	bool quiet;              /* the processes' stdin, stdout and stderr on /dev/null */
	bool keep;               /* leave the processes running after the measurement */
	const char *objects_dir; /* where ld-mmld.so writes its object tables (MMLD_OBJECTS) */
	bool children;           /* --children: each process's descendants are measured too */
	const char *object;      /* --object REGEX: only matching objects are counted (NULL: all) */
};

/* Starts l->n processes, holds each at the point, measures them into r (labelled `label`),
 * then lets them go. Returns 0 if at least one was measured. */
int launch_measure(const struct share_launch *l, const char *label, struct run_result *r);
/* The median wall time of `runs` unheld start-ups of l's program (--compare-load). */
double launch_startup_ms(const struct share_launch *l, int runs);
#endif
