/* See trace.h. */
#include "trace.h"
#include "elfinfo.h"
#include "proc.h"
#include "reaper.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DR_OFFSET(n) ((void *)offsetof(struct user, u_debugreg[n]))
#define DR7_L0 1UL /* local enable of debug register 0; RW0 = LEN0 = 0: execution */
/* ld-mmld.so's hold (rtld/hold.c stop_self) sends its SIGSTOP with si_code SI_QUEUE and this
 * value, so it is told from a stop the program or a user asks for. */
#define MMLD_HOLD_SIGVAL 0x6d6d6c64
#define TRACE_OPTIONS (PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC)

/* The lowest address pid maps `path` at, or the path of what it maps at `addr` (one of
 * them given), from /proc/PID/maps. */
static bool find_mapping(pid_t pid, char *path, size_t len, unsigned long *addr)
{
	char name[64], line[4608];
	snprintf(name, sizeof name, "/proc/%d/maps", (int)pid);
	FILE *f = fopen(name, "r");
	bool found = false;
	while (f && !found && fgets(line, sizeof line, f)) {
		unsigned long start;
		char *slash = strchr(line, '/');
		if (sscanf(line, "%lx-", &start) != 1 || !slash)
			continue;
		slash[strcspn(slash, "\n")] = 0;
		if (*addr && start == *addr) {
			snprintf(path, len, "%s", slash);
			found = true;
		} else if (!*addr && strcmp(slash, path) == 0) {
			*addr = start;
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* The dynamic linker of pid and where it is mapped: its PT_INTERP (AT_BASE), or the program
 * itself when a loader was run as the program (ld-mmld.so PROGRAM; ld.so PROGRAM): one that
 * defines _dl_debug_state. False: none (a static program). */
static bool find_loader(pid_t pid, char *path, size_t len, unsigned long *base)
{
	*base = proc_auxv(pid, AT_BASE);
	if (*base)
		return find_mapping(pid, path, len, base);
	char exe[64];
	snprintf(exe, sizeof exe, "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(exe, path, len - 1);
	if (n <= 0)
		return false;
	path[n] = 0;
	return elfinfo_dynsym(path, "_dl_debug_state") && find_mapping(pid, path, len, base);
}

/* Where the process is "loaded": the loader's _dl_debug_state, which glibc's ld.so and
 * ld-mmld.so call with r_debug.r_state RT_CONSISTENT once every object is mapped and
 * relocated, before any initialiser runs (where ld-mmld.so's MMLD_STOP=loaded stops). A
 * program without a loader was loaded by the kernel alone: its entry point. */
static unsigned long loaded_address(struct traced *t, unsigned long entry, enum share_point at)
{
	char path[4096];
	unsigned long base, brk = 0, rd = 0;
	if (!find_loader(t->pid, path, sizeof path, &base)) {
		if (at == POINT_LOADED)
			t->note = "no dynamic linker: loaded by the kernel alone, so its loaded point is its entry";
		return entry;
	}
	brk = elfinfo_dynsym(path, "_dl_debug_state");
	rd = elfinfo_dynsym(path, "_r_debug");
	if (!brk || !rd) {
		if (at == POINT_LOADED)
			t->note = "the dynamic linker has no _dl_debug_state: measured at the entry point";
		return entry;
	}
	t->r_debug = base + rd;
	return base + brk;
}

/* The breakpoint: the entry point, or the loaded point (also for "exit": a process that ends
 * without getting there failed to load, and is not measured). */
static unsigned long stop_address(struct traced *t, enum share_point at)
{
	unsigned long entry = proc_auxv(t->pid, AT_ENTRY);
	t->r_debug = 0;
	return at == POINT_ENTRY ? entry : loaded_address(t, entry, at);
}

static bool set_breakpoint(struct traced *t, unsigned long addr)
{
	if (ptrace(PTRACE_POKEUSER, t->pid, DR_OFFSET(0), (void *)addr) < 0 ||
	    ptrace(PTRACE_POKEUSER, t->pid, DR_OFFSET(7), (void *)DR7_L0) < 0)
		return false;
	t->breakpoint = addr;
	return true;
}

/* The breakpoint is in the leader's debug registers only: every point it marks (loaded,
 * entry) comes before the program could start a thread. */
static void clear_breakpoint(struct traced *t)
{
	if (!t->breakpoint)
		return;
	ptrace(PTRACE_POKEUSER, t->pid, DR_OFFSET(7), (void *)0UL);
	t->breakpoint = 0;
}

/* Was this SIGTRAP of tid our breakpoint? (debug status register, bit 0; cleared for the next) */
static bool breakpoint_hit(const struct traced *t, pid_t tid)
{
	if (!t->breakpoint || tid != t->pid)
		return false;
	errno = 0;
	long dr6 = ptrace(PTRACE_PEEKUSER, tid, DR_OFFSET(6), NULL);
	if (errno || !(dr6 & 1))
		return false;
	ptrace(PTRACE_POKEUSER, tid, DR_OFFSET(6), (void *)0UL);
	return true;
}

static bool loader_consistent(const struct traced *t)
{
	if (!t->r_debug)
		return true;
	errno = 0;
	long state = ptrace(PTRACE_PEEKDATA, t->pid, (void *)(t->r_debug + offsetof(struct r_debug, r_state)), NULL);
	return errno == 0 && (int)state == RT_CONSISTENT;
}

static void add_thread(struct traced *t, pid_t tid)
{
	if (t->nth == t->cap) {
		int cap = t->cap ? 2 * t->cap : 4;
		struct traced_thread *th = realloc(t->th, (size_t)cap * sizeof *th);
		if (!th)
			return; /* not followed: its events wait until the process ends */
		t->th = th;
		t->cap = cap;
	}
	t->th[t->nth++] = (struct traced_thread){.tid = tid};
}

static struct traced_thread *thread_of(struct traced *t, pid_t tid)
{
	for (int i = 0; i < t->nth; i++)
		if (t->th[i].tid == tid)
			return &t->th[i];
	return NULL;
}

static void drop_thread(struct traced *t, pid_t tid)
{
	struct traced_thread *th = thread_of(t, tid);
	if (th && tid != t->pid)
		*th = t->th[--t->nth];
}

static int threads_running(const struct traced *t)
{
	int n = 0;
	for (int i = 0; i < t->nth; i++)
		n += !t->th[i].exiting;
	return n;
}

int trace_seize(struct traced *t)
{
	t->nth = 0;
	add_thread(t, t->pid);
	if (ptrace(PTRACE_SEIZE, t->pid, NULL, (void *)(long)TRACE_OPTIONS) < 0)
		return errno;
	t->attached = true;
	return 0;
}

/* The next stop or end of any thread of t: its tid (-1: nothing of t is left to wait for).
 * One thread: a blocking wait; more: each is asked in turn, sleeping a little longer each
 * round (waiting for any child would take other processes' events, which are not ours). */
static pid_t next_event(struct traced *t, int *status)
{
	for (long ns = 20000;; ns = ns < 8000000 ? 2 * ns : ns) {
		for (int i = 0; i < t->nth; i++) {
			pid_t tid = t->th[i].tid;
			pid_t r = waitpid(tid, status, __WALL | (t->nth > 1 ? WNOHANG : 0));
			if (r == tid)
				return tid;
			if (r < 0 && errno == EINTR) {
				i--;
				continue;
			}
			if (r < 0 && tid == t->pid)
				return -1;
			if (r < 0) { /* gone unseen (an exec in another thread) */
				drop_thread(t, tid);
				i--;
			}
		}
		struct timespec d = {0, ns};
		nanosleep(&d, NULL);
	}
}

/* A thread that called exit(2) (pthread_exit) is inside that system call: orig_rax SYS_exit,
 * rax still -ENOSYS as on every system call's entry (a fatal signal or exit_group is not). */
bool trace_thread_exit_only(pid_t tid)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0)
		return false;
	return regs.orig_rax == SYS_exit && (long)regs.rax == -ENOSYS;
}

/* At its PTRACE_EVENT_EXIT: does thread tid take the process with it? Yes, unless it ends
 * alone while others run. */
static bool group_exits(struct traced *t, pid_t tid)
{
	return threads_running(t) <= 1 || !trace_thread_exit_only(tid);
}

/* A SIGSTOP that is ld-mmld.so's own hold (rtld/hold.c), not the program's or a user's. */
static bool hold_stop(const struct traced *t, pid_t tid)
{
	siginfo_t si;
	if (ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) < 0)
		return false;
	return si.si_code == SI_QUEUE && si.si_pid == t->pid && si.si_value.sival_int == MMLD_HOLD_SIGVAL;
}

/* A group-stop (kill -STOP, SIGTSTP...): the process stays stopped until SIGCONT, as it would
 * untraced; said once, since mmld then waits with nothing to show. */
static void group_stop(struct traced *t, pid_t tid, int sig)
{
	if (!t->said_stopped)
		fprintf(stderr, "mmld share: process %d was stopped (%s): waiting for it to be continued (kill -CONT %d)\n",
			(int)t->pid, strsignal(sig), (int)t->pid);
	t->said_stopped = true;
	ptrace(PTRACE_LISTEN, tid, NULL, NULL);
}

enum step { STEP_ON, STEP_AT_POINT, STEP_ENDED };

/* Thread tid has stopped or ended (status): what it means, and it is resumed unless it is
 * at the point or in a group-stop. `at` < 0: not holding any more (trace_finish). */
static enum step on_event(struct traced *t, pid_t tid, int status, int at)
{
	if (!WIFSTOPPED(status)) {
		if (tid != t->pid) {
			drop_thread(t, tid);
			return STEP_ON;
		}
		reaper_forget(t->pid);
		t->attached = false;
		return STEP_ENDED;
	}
	int event = (status >> 16) & 0xff, sig = WSTOPSIG(status);
	unsigned long msg = 0;
	switch (event) {
	case PTRACE_EVENT_CLONE:
		ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg);
		add_thread(t, (pid_t)msg);
		sig = 0;
		break;
	case PTRACE_EVENT_EXEC: /* the other threads are gone; the debug registers too */
		t->nth = 1;
		t->th[0].exiting = false;
		t->breakpoint = 0;
		sig = 0;
		break;
	case PTRACE_EVENT_STOP: /* a new thread's first stop, or a group-stop */
		if (sig == SIGTRAP)
			sig = 0;
		else {
			group_stop(t, tid, sig);
			return STEP_ON;
		}
		break;
	case PTRACE_EVENT_EXIT:
		if (at == POINT_EXIT && t->loaded && group_exits(t, tid)) {
			t->held_tid = tid;
			return STEP_AT_POINT;
		}
		if (thread_of(t, tid))
			thread_of(t, tid)->exiting = true;
		sig = 0;
		break;
	default:
		if (sig == SIGTRAP && at >= 0 && breakpoint_hit(t, tid)) {
			sig = 0;
			if (!loader_consistent(t))
				break; /* _dl_debug_state while libraries are being added */
			clear_breakpoint(t);
			t->loaded = true;
			if (at != POINT_EXIT) {
				t->held_tid = tid;
				return STEP_AT_POINT;
			}
		} else if (sig == SIGSTOP && hold_stop(t, tid))
			sig = 0;
	}
	ptrace(PTRACE_CONT, tid, NULL, (void *)(long)sig);
	return STEP_ON;
}

/* Until exec has happened (the seized child is still mmld's copy): stops passed on. */
static bool wait_exec(struct traced *t, int *status)
{
	for (;;) {
		pid_t tid = next_event(t, status);
		if (tid < 0 || !WIFSTOPPED(*status)) {
			if (tid >= 0)
				reaper_forget(t->pid);
			t->attached = tid < 0 ? t->attached : false;
			return false;
		}
		int event = (*status >> 16) & 0xff, sig = WSTOPSIG(*status);
		if (event == PTRACE_EVENT_EXEC)
			return true;
		ptrace(PTRACE_CONT, tid, NULL, (void *)(long)(event ? 0 : sig));
	}
}

enum trace_outcome trace_to_point(struct traced *t, enum share_point at, int *status)
{
	if (!wait_exec(t, status))
		return TRACE_ENDED; /* the exec stop never came */
	unsigned long addr = stop_address(t, at);
	if (!addr || !set_breakpoint(t, addr))
		return TRACE_LOST;
	t->loaded = false;
	if (ptrace(PTRACE_CONT, t->pid, NULL, NULL) < 0)
		return TRACE_LOST;
	for (;;) {
		pid_t tid = next_event(t, status);
		if (tid < 0) {
			*status = 0;
			return TRACE_ENDED;
		}
		switch (on_event(t, tid, *status, (int)at)) {
		case STEP_AT_POINT:
			return TRACE_HELD;
		case STEP_ENDED:
			return TRACE_ENDED;
		case STEP_ON:
			break;
		}
	}
}

void trace_release(struct traced *t)
{
	clear_breakpoint(t);
	if (t->nth == 1 && ptrace(PTRACE_DETACH, t->held_tid, NULL, NULL) == 0) {
		t->attached = false;
		return;
	}
	ptrace(PTRACE_CONT, t->held_tid, NULL, NULL);
}

int trace_finish(struct traced *t)
{
	int status = 0;
	while (t->attached) {
		pid_t tid = next_event(t, &status);
		if (tid < 0) {
			t->attached = false;
			return 0;
		}
		if (on_event(t, tid, status, -1) == STEP_ENDED)
			break;
	}
	free(t->th);
	t->th = NULL;
	t->nth = t->cap = 0;
	return status;
}
