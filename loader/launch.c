/* mmld share's processes: start N of them, hold each at one point of its life, have them
 * measured, then let them go (or end them). Holding never writes into a process:
 *   ld-mmld.so, loaded/entry   it stops itself (MMLD_STOP: SIGSTOP); mmld waits for the stop
 *   system loader, loaded/entry  traced, a hardware breakpoint (trace.c)
 *   exit, either loader        traced, PTRACE_EVENT_EXIT: exit, _exit, exit_group, a signal, or
 *                              the last thread's exit (a main thread's pthread_exit is not it)
 *   SECONDS                    SIGSTOP from mmld that long after every process has started
 *                              (or nothing: every process has ended before)
 * Traced processes are attached with PTRACE_SEIZE before they exec (so a refusal, as when
 * mmld is itself traced, is known and said). A process that stops on its own (kill -STOP)
 * stays stopped until continued, as it would without mmld; mmld says once that it waits.
 * Every process is registered with reaper.c from its fork until it is reaped, so none is
 * left behind (signals, errors); each dies with mmld anyway (PR_SET_PDEATHSIG) unless --keep.
 * stdin and stdout are the processes' own (mmld's), stderr goes through relay.c, which
 * copies it to mmld's stderr and keeps the last line: the reason given when nothing could be
 * measured. */
#include "mmld.h"
#include "reaper.h"
#include "relay.h"
#include "share.h"
#include "share_procs.h"
#include "trace.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *const share_point_names[3] = {"loaded", "entry", "exit"};

struct child {
	pid_t pid;
	bool traced;
	bool held;          /* stopped at the point */
	bool reaped;
	bool measured;
	bool ended_by_mmld; /* still running after the measurement (--at SECONDS): ended by mmld */
	bool kept;          /* --keep: left running */
	int wait_status;
	int exec_errno;     /* exec failed in the child (0: it ran) */
	int trace_errno;    /* it could not be traced (0: it was, or needed not be) */
	bool said_stopped;  /* the "was stopped" line was written (untraced) */
	struct traced t;
};

struct launch_group {
	struct share_launch l;
	struct child *c;
	int n;
	struct relay relay;
	bool relay_on;
	const char *note;   /* how the point was reached, when not as asked */
	bool ended_early;   /* --at SECONDS: every process ended before it */
	char reason[400];   /* why nothing was measured */
};

/* Which processes are traced: the system loader's (no MMLD_STOP), and every process held at
 * its exit (ld-mmld.so's MMLD_STOP=exit misses _exit, exit_group and signals). */
static bool traced_launch(const struct share_launch *l)
{
	return l->at == POINT_EXIT || (l->system && l->at != POINT_SECONDS);
}

/* In the child, before exec: the process dies with mmld (unless kept), its descriptors. */
static void child_setup(const struct launch_group *g, pid_t parent, int relay_fd)
{
	if (!g->l.keep) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127); /* mmld went before the line above */
	}
	int null = g->l.quiet ? open("/dev/null", O_RDWR) : -1;
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	} else if (g->l.stdout_to_stderr && relay_fd >= 0)
		dup2(relay_fd, 1); /* mmld's stdout is the report (--json) */
	if (relay_fd >= 0)
		dup2(relay_fd, 2);
	if (null > 2)
		close(null);
}

/* ld-mmld.so --argv0 NAME PROGRAM ARGS (for a #! script: its interpreter, with the argv the
 * kernel gives it), or PROGRAM ARGS for the system loader (the kernel follows #!). */
static void child_exec(const struct share_launch *l)
{
	if (l->system) {
		execv(l->prog, l->argv);
		return;
	}
	if (l->at != POINT_SECONDS)
		setenv("MMLD_STOP", share_point_names[l->at], 1);
	if (l->objects_dir)
		setenv("MMLD_OBJECTS", l->objects_dir, 1);
	if (l->read_load)
		setenv("MMLD_LOAD", "read", 1);
	if (l->reloc_cache)
		setenv("MMLD_RELOC_CACHE", "1", 1);
	char **args = l->load.argv;
	int n = 0;
	while (args[n])
		n++;
	char **argv = calloc((size_t)n + 5, sizeof *argv);
	if (!argv)
		return;
	argv[0] = (char *)rtld_path();
	argv[1] = "--argv0";
	argv[2] = args[0];
	argv[3] = l->load.file;
	for (int i = 1; i < n; i++)
		argv[3 + i] = args[i];
	execv(argv[0], argv);
}

/* A traced child waits (reading `go`) until mmld has attached it, then execs; a child
 * that cannot be traced ends without running anything. */
static void wait_go(int go[2])
{
	if (go[0] < 0)
		return;
	close(go[1]);
	char b = 0;
	ssize_t n;
	while ((n = read(go[0], &b, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		_exit(127);
	close(go[0]);
}

/* mmld's side: attach the child, then let it exec (trace_errno when it cannot be traced). */
static void attach(struct child *c, int go[2])
{
	if (go[0] < 0)
		return;
	close(go[0]);
	c->trace_errno = c->pid > 0 ? trace_seize(&c->t) : 0;
	if (!c->trace_errno && c->pid > 0 && write(go[1], "g", 1) != 1)
		c->trace_errno = errno;
	close(go[1]);
}

/* Starts one process. Returns once it runs its program (or exec has failed: exec_errno),
 * which a close-on-exec pipe tells: so no clock starts and nothing is measured while mmld's
 * own copy is still there before exec. */
static void spawn(struct launch_group *g, struct child *c, bool traced, int relay_fd)
{
	int ep[2], go[2] = {-1, -1};
	if (pipe2(ep, O_CLOEXEC) < 0 || (traced && pipe2(go, O_CLOEXEC) < 0)) {
		c->exec_errno = errno;
		c->reaped = true;
		return;
	}
	sigset_t old;
	reaper_block(&old);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		close(ep[0]);
		sigprocmask(SIG_SETMASK, &old, NULL);
		child_setup(g, parent, relay_fd);
		wait_go(go);
		child_exec(&g->l);
		int e = errno;
		if (write(ep[1], &e, sizeof e) < 0)
			_exit(126);
		_exit(127);
	}
	if (pid > 0)
		reaper_add(pid);
	reaper_unblock(&old);
	close(ep[1]);
	c->pid = pid;
	c->traced = traced;
	c->t.pid = pid;
	int fork_errno = errno;
	attach(c, go);
	if (pid < 0) {
		c->exec_errno = fork_errno;
		c->reaped = true;
		close(ep[0]);
		return;
	}
	int e = 0;
	ssize_t n;
	while ((n = read(ep[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(ep[0]);
	c->exec_errno = n == (ssize_t)sizeof e ? e : 0;
}

/* Waits for c to end (blocking); records how. A process that stops on its own stays
 * stopped until someone continues it, as without mmld: said once, then waited for. */
static void reap(struct child *c)
{
	if (c->reaped || c->pid <= 0)
		return;
	if (c->traced && c->t.attached) {
		c->wait_status = trace_finish(&c->t);
		c->reaped = true;
		reaper_forget(c->pid);
		return;
	}
	int st;
	pid_t r;
	while ((r = waitpid(c->pid, &st, WUNTRACED)) < 0 ? errno == EINTR : WIFSTOPPED(st)) {
		if (r > 0 && !c->said_stopped)
			fprintf(stderr, "mmld share: process %d was stopped (%s): waiting for it to be continued (kill -CONT %d)\n",
				(int)c->pid, strsignal(WSTOPSIG(st)), (int)c->pid);
		c->said_stopped |= r > 0;
	}
	c->reaped = true;
	c->wait_status = r == c->pid ? st : 0;
	reaper_forget(c->pid);
}

/* An untraced process: stopped (held) or ended. */
static void wait_stopped(struct child *c)
{
	int st;
	pid_t r;
	while ((r = waitpid(c->pid, &st, WUNTRACED)) < 0 && errno == EINTR)
		;
	if (r == c->pid && WIFSTOPPED(st)) {
		c->held = true;
		return;
	}
	c->reaped = true;
	c->wait_status = r == c->pid ? st : 0;
	reaper_forget(c->pid);
}

static struct timespec after(struct timespec t, double s)
{
	t.tv_sec += (time_t)s;
	t.tv_nsec += (long)((s - (double)(time_t)s) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static bool before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/* Reaps c if it has ended (without waiting); true if it has. */
static bool reaped_now(struct child *c)
{
	int st;
	if (waitpid(c->pid, &st, WNOHANG) != c->pid)
		return false;
	c->reaped = true;
	c->wait_status = st;
	reaper_forget(c->pid);
	return true;
}

/* How many of g's processes still run (those that ended are reaped, not waited for). */
static int still_running(struct launch_group *g)
{
	int n = 0;
	for (int i = 0; i < g->n; i++) {
		struct child *c = &g->c[i];
		if (!c->reaped && !c->exec_errno && !reaped_now(c))
			n++;
	}
	return n;
}

/* --at SECONDS: that long, or until every process has ended (nothing is left to measure:
 * an hour's --at for a program of a second is not an hour's wait). */
static void wait_seconds(struct launch_group *g)
{
	struct timespec now, until;
	clock_gettime(CLOCK_MONOTONIC, &now);
	until = after(now, g->l.seconds);
	for (double step = 0.001; still_running(g); step = step < 0.1 ? 2 * step : step) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!before(now, until))
			return;
		struct timespec wake = after(now, step);
		if (before(until, wake))
			wake = until;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, NULL) == EINTR)
			;
	}
	g->ended_early = true;
}

static void hold_one(struct launch_group *g, struct child *c)
{
	if (c->reaped || c->exec_errno || c->trace_errno) {
		reap(c);
		return;
	}
	if (!c->traced) {
		wait_stopped(c);
		return;
	}
	int st;
	switch (trace_to_point(&c->t, g->l.at, &st)) {
	case TRACE_HELD:
		c->held = true;
		if (c->t.note)
			g->note = c->t.note;
		break;
	case TRACE_ENDED:
		c->reaped = true;
		c->wait_status = st;
		reaper_forget(c->pid);
		break;
	case TRACE_LOST:
		kill(c->pid, SIGKILL);
		reap(c);
		break;
	}
}

static void hold_all(struct launch_group *g)
{
	if (g->l.at == POINT_SECONDS) {
		wait_seconds(g);
		for (int i = 0; i < g->n; i++)
			if (!g->c[i].reaped && !g->c[i].exec_errno)
				kill(g->c[i].pid, SIGSTOP);
	}
	for (int i = 0; i < g->n; i++)
		hold_one(g, &g->c[i]);
}

static void measure_held(struct launch_group *g, struct run_result *r)
{
	pid_t *held = calloc((size_t)g->n, sizeof *held);
	for (int i = 0; i < g->n; i++) {
		struct child *c = &g->c[i];
		if (!c->held)
			continue;
		struct known_object *known = NULL;
		int nknown = g->l.objects_dir ? known_objects_read(g->l.objects_dir, c->pid, &known) : 0;
		if (g->l.objects_dir) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%d", g->l.objects_dir, (int)c->pid);
			unlink(path);
		}
		pid_t via = c->traced && c->t.held_tid ? c->t.held_tid : c->pid; /* a live thread: a zombie leader's /proc shows no memory */
		if (acct_process_via(&r->acct, c->pid, via, known, nknown) == 0) {
			c->measured = true;
			r->measured++;
			held[i] = c->pid;
		}
		for (int k = 0; k < nknown; k++)
			free(known[k].path);
		free(known);
	}
	if (g->l.children) /* --children: each one's descendants, as they run */
		share_measure_children(&r->acct, held, g->n);
	free(held);
}

/* Held processes go on (to their end, unless kept); SECONDS: they are ended instead. */
static void release(struct launch_group *g)
{
	for (int i = 0; i < g->n; i++) {
		struct child *c = &g->c[i];
		if (!c->held)
			continue;
		c->held = false;
		if (g->l.at == POINT_SECONDS && !g->l.keep) {
			c->ended_by_mmld = true;
			kill(c->pid, SIGTERM);
		}
		if (c->traced)
			trace_release(&c->t);
		kill(c->pid, SIGCONT);
		if (g->l.keep) {
			c->kept = true;
			reaper_forget(c->pid);
		}
	}
}

/* Ended by mmld: SIGTERM, and SIGKILL for what is still there 2 s later. */
static void reap_ended(struct launch_group *g)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (bool waiting = true; waiting;) {
		waiting = false;
		clock_gettime(CLOCK_MONOTONIC, &now);
		bool late = now.tv_sec - start.tv_sec >= 2;
		for (int i = 0; i < g->n; i++) {
			struct child *c = &g->c[i];
			if (!c->ended_by_mmld || c->reaped || reaped_now(c))
				continue;
			if (late)
				kill(c->pid, SIGKILL);
			waiting = true;
		}
		if (waiting)
			usleep(10000);
	}
}

static void finish(struct launch_group *g)
{
	release(g);
	reap_ended(g);
	for (int i = 0; i < g->n; i++)
		if (!g->c[i].kept)
			reap(&g->c[i]);
	if (g->relay_on)
		relay_finish(&g->relay);
	g->relay_on = false;
}

/* Why nothing was measured, in the processes' own words where they said any. */
static void failure_reason(struct launch_group *g, const struct run_result *r)
{
	for (int i = 0; i < g->n; i++)
		if (g->c[i].trace_errno) {
			int e = g->c[i].trace_errno;
			snprintf(g->reason, sizeof g->reason, "cannot trace %s: %s%s", g->l.prog, strerror(e),
				 e == EPERM ? " (is mmld itself being traced? strace -f and gdb trace the processes it starts)" : "");
			return;
		}
	for (int i = 0; i < g->n; i++)
		if (g->c[i].exec_errno) {
			snprintf(g->reason, sizeof g->reason, "%s: cannot execute: %s", g->l.system ? g->l.prog : rtld_path(),
				 strerror(g->c[i].exec_errno));
			return;
		}
	const char *line = relay_last_line(&g->relay);
	char ends[256];
	report_exits(ends, sizeof ends, r);
	if (g->ended_early)
		snprintf(g->reason, sizeof g->reason, "every process ended before --at %g s (%s)", g->l.seconds, ends);
	else if (line[0])
		snprintf(g->reason, sizeof g->reason, "%s", line);
	else
		snprintf(g->reason, sizeof g->reason, "no process reached the point (%s)", ends);
}

const char *launch_failure(const struct launch_group *g)
{
	return g && g->reason[0] ? g->reason : NULL;
}

/* r->launched: each process, how it ended (the footer and the JSON say it). */
static void record_outcome(const struct launch_group *g, struct run_result *r)
{
	free(r->launched);
	r->launched = calloc((size_t)g->n, sizeof *r->launched);
	r->nlaunched = r->launched ? g->n : 0;
	r->exited_ok = 0;
	for (int i = 0; i < r->nlaunched; i++) {
		const struct child *c = &g->c[i];
		bool after = c->held && g->l.at == POINT_SECONDS; /* ended or kept once the report is out */
		r->launched[i] = (struct launched){
			.pid = c->pid,
			.wait_status = c->wait_status,
			.reaped = c->reaped && !c->exec_errno,
			.measured = c->measured,
			.ended_by_mmld = c->ended_by_mmld || (after && !g->l.keep),
			.kept = c->kept || (after && g->l.keep),
			.exec_errno = c->exec_errno,
		};
		r->exited_ok += r->launched[i].reaped && !r->launched[i].ended_by_mmld && WIFEXITED(c->wait_status) &&
				WEXITSTATUS(c->wait_status) == 0;
	}
	if (g->note)
		snprintf(r->notes + strlen(r->notes), sizeof r->notes - strlen(r->notes), "%s%s", r->notes[0] ? "; " : "",
			 g->note);
}

/* --reloc-cache: two runs to their end first, unmeasured and quiet, so that the relocation
 * cache holds the program's libraries and every process measured maps them from it (a large
 * image is published at its second miss: MMLD_RELOC_CACHE_DEFER). */
static void warm_cache(const struct share_launch *l)
{
	struct launch_group g = {.l = *l, .n = 1};
	g.l.at = POINT_SECONDS; /* no MMLD_STOP, not traced */
	g.l.quiet = true;
	for (int run = 0; run < 2; run++) {
		struct child c = {0};
		spawn(&g, &c, false, -1);
		reap(&c);
	}
}

struct launch_group *launch_measure(const struct share_launch *l, const char *label, struct run_result *r)
{
	if (l->reloc_cache && !l->system) {
		reaper_init();
		warm_cache(l);
	}
	memset(r, 0, sizeof *r);
	r->label = label;
	r->n = l->n;
	acct_init(&r->acct);
	if (l->object)
		acct_set_object_filter(&r->acct, l->object, r->notes, sizeof r->notes);
	reaper_init();
	struct launch_group *g = calloc(1, sizeof *g);
	g->l = *l;
	g->n = l->n;
	g->c = calloc((size_t)l->n, sizeof *g->c);
	g->relay_on = relay_start(&g->relay, !l->quiet) == 0;
	bool traced = traced_launch(l);
	for (int i = 0; i < g->n; i++)
		spawn(g, &g->c[i], traced, g->relay_on ? g->relay.wr : -1);
	if (g->relay_on)
		relay_close_writer(&g->relay);
	hold_all(g);
	measure_held(g, r);
	/* SECONDS: printed first, ended after (launch_end). Otherwise they go on to their end
	 * now, so the report can say how each ended. */
	if (l->at != POINT_SECONDS || !r->measured)
		finish(g);
	record_outcome(g, r);
	if (!r->measured)
		failure_reason(g, r);
	return g;
}

void launch_end(struct launch_group *g)
{
	if (!g)
		return;
	finish(g);
	free(g->c);
	free(g);
}

double launch_startup_ms(const struct share_launch *l, int runs)
{
	struct launch_group g = {.l = *l, .n = 1};
	g.l.at = POINT_SECONDS; /* no MMLD_STOP, not traced */
	g.l.quiet = true;       /* timing runs: their output is not what was asked for */
	reaper_init();
	double *t = calloc((size_t)runs, sizeof *t);
	for (int i = 0; i < runs; i++) {
		struct child c = {0};
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		spawn(&g, &c, false, -1);
		reap(&c);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	}
	for (int i = 1; i < runs; i++)
		for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
			double x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	double m = t[runs / 2];
	free(t);
	return m;
}
