/* Holding a traced process at a point of its life without writing a byte into it: the
 * entry point or the system loader's "loaded" point by a hardware breakpoint (a debug
 * register; a software breakpoint would leave a private copy of a text page behind in every
 * process), its end by PTRACE_EVENT_EXIT (exit, _exit, exit_group or a fatal signal) once
 * it has been loaded (the loaded point's breakpoint says so). */
#ifndef MMLD_TRACE_H
#define MMLD_TRACE_H
#include "share.h"
#include <stdbool.h>
#include <sys/types.h>

struct traced {
	pid_t pid;
	unsigned long breakpoint; /* the address in debug register 0, or 0 */
	unsigned long r_debug;    /* "loaded": the loader's _r_debug, whose r_state must be RT_CONSISTENT */
	bool loaded;              /* the loaded point has been passed */
	const char *note;         /* how the point was reached when not as asked ("no dynamic linker: ...") */
};

enum trace_outcome {
	TRACE_HELD,   /* stopped at the point */
	TRACE_ENDED,  /* ended before it; *status is its wait status (reaped) */
	TRACE_LOST,   /* ptrace failed (the process was killed from outside...) */
};

/* t->pid has just been started with PTRACE_TRACEME. Runs it to point `at` (POINT_LOADED or
 * POINT_ENTRY through the system loader; POINT_EXIT under either). self_stops: ld-mmld.so
 * stops itself with SIGSTOP on its way out (MMLD_STOP=exit, to write its object table first);
 * that stop is passed over. */
enum trace_outcome trace_to_point(struct traced *t, enum share_point at, bool self_stops, int *status);
/* Lets a held process go on, no longer traced. */
void trace_release(struct traced *t);
#endif
