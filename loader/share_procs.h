/* Measuring processes that are already running (share_procs.c). */
#ifndef MMLD_SHARE_PROCS_H
#define MMLD_SHARE_PROCS_H
#include "procsel.h"
#include "report.h"

/* Measures the selected processes into r (acct_init'ed here; label "running"). object_regex:
 * --object, or NULL. Returns 0; 1 if no process could be measured; 2 for a bad regex (each
 * said on stderr in one line). */
int share_running(const struct selection *sel, struct run_result *r, const char *object_regex);
/* Measures pids[] into a, as they run; those that cannot be read go into notes (named: the
 * PIDs were given by the user, so kernel threads among them are named too). Returns the number
 * measured. */
int share_measure_pids(struct acct *a, const pid_t *pids, int n, bool named);
/* --children of an experiment: measures the descendants of pids[] (0: none), as they run.
 * Returns the number measured. */
int share_measure_children(struct acct *a, const pid_t *pids, int n);
#endif
