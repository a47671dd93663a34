/* Holding a traced process at a point of its life without writing a byte into it: the
 * entry point or the system loader's "loaded" point by a hardware breakpoint (a debug
 * register; a software breakpoint would leave a private copy of a text page behind in every
 * process), its end by PTRACE_EVENT_EXIT once it has been loaded (the loaded point's
 * breakpoint says so). "Its end" is the thread group's: exit_group (exit, _exit, a fatal
 * signal) from any thread, or the last thread's exit; a main thread that calls pthread_exit
 * is not the end. Every thread is traced (PTRACE_O_TRACECLONE). The process is attached with
 * PTRACE_SEIZE, so a stop the program asks for (kill -STOP, SIGTSTP) is kept as a group-stop
 * (PTRACE_LISTEN) and SIGCONT ends it, as without mmld. */
#ifndef MMLD_TRACE_H
#define MMLD_TRACE_H
#include "share.h"
#include <stdbool.h>
#include <sys/types.h>

struct traced_thread {
	pid_t tid;
	bool exiting; /* past its PTRACE_EVENT_EXIT */
};

struct traced {
	pid_t pid;
	pid_t held_tid;           /* the thread stopped at the point: /proc is read through it */
	struct traced_thread *th; /* every thread known (the leader first) */
	int nth, cap;
	bool attached;            /* still traced (released at exit with other threads: served to the end) */
	bool said_stopped;        /* the "stopped by a signal" line was written */
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

/* Attaches t->pid (a child that has not exec'd yet): 0, or errno (EPERM: mmld is itself
 * traced, strace -f or gdb following forks, and a process has one tracer). */
int trace_seize(struct traced *t);
/* Runs t->pid (seized, then exec'ing) to point `at` (POINT_LOADED or POINT_ENTRY through the
 * system loader; POINT_EXIT under either). ld-mmld.so's own stop on its way out
 * (MMLD_STOP=exit, to write its object table first; a SIGSTOP marked as its own) is passed
 * over; any other stop signal stops the process as it would untraced. */
enum trace_outcome trace_to_point(struct traced *t, enum share_point at, int *status);
/* Lets a held process go on: detached when it has one thread, else still traced (served by
 * trace_finish to its end: the threads of an exiting process stop at their own exits). */
void trace_release(struct traced *t);
/* A process still attached: every stop passed on until it has ended; its wait status. */
int trace_finish(struct traced *t);
/* At its PTRACE_EVENT_EXIT: thread tid is ending alone, in exit(2) (pthread_exit), not
 * taking the other threads with it (exit_group, a fatal signal). */
bool trace_thread_exit_only(pid_t tid);
#endif
