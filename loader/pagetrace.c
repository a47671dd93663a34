/* The traced run of mmld pages: start the program (through ld-mmld.so, or as the kernel
 * starts it with its PT_INTERP, the system loader), stop it at exec, relocated, loaded,
 * entry and exit, and take a snapshot at each (pagesnap.c).
 *
 * Stopping must not write the pages being measured, so the stops are debug-register
 * breakpoints (DR0: the system loader's _dl_debug_state, DR1: the program's entry point,
 * DR2: libc.so.6's __libc_early_init, DR3: libc.so.6's exit); the kernel reports them as SIGTRAP and resumes past
 * them by itself. Where libc.so.6 will be is only known once the loader maps it, so until
 * then the run is traced system call by system call, looking at the mappings after each
 * mmap. ld-mmld.so stops itself at "loaded" (MMLD_STOP=loaded raises SIGSTOP, which is
 * swallowed here). The exit is PTRACE_EVENT_EXIT, while the address space is still whole. --soft-breakpoints writes
 * int3 into the text instead, as debuggers do, to show what that costs (a private copy of
 * each page written). PTRACE_O_EXITKILL: if mmld dies, the program dies with it.
 * Every thread is traced (PTRACE_O_TRACECLONE) and gets the debug registers when it starts,
 * so a point one thread reaches (exit() in a worker) is seen; the exit point is the thread
 * group's (exit_group, or the last thread's exit), not a main thread's pthread_exit. Once
 * the last point wanted is taken, each thread is let go (detached) at its next stop. */
#include "mmld.h"
#include "pages.h"
#include "proc.h"
#include "trace.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

struct tracer {
	pid_t pid;
	const struct pages_trace_opts *o;
	struct pages_run *r;
	uintptr_t bp[4];      /* run-time addresses, by BP_*; 0: none */
	uint64_t orig[4];     /* soft breakpoints: the word int3 replaced */
	bool armed[4];
	uintptr_t r_debug;    /* the system loader's _r_debug */
	bool syscalls;        /* still looking for libc.so.6, one system call at a time */
	bool in_syscall;      /* between a system call's entry and exit stops */
	bool released;        /* every point wanted is taken: threads detached as they stop */
	struct thread {
		pid_t tid;
		bool exiting;     /* past its PTRACE_EVENT_EXIT */
		bool started;     /* its first stop (SIGSTOP) seen, its debug registers set */
	} *th;
	int nth;
};

enum { BP_LOADED, BP_ENTRY, BP_RELOCATED, BP_EXITING, NBP };

static bool file_at(pid_t pid, uintptr_t addr, char *path, size_t len)
{
	struct mapping *m;
	int n = proc_maps(pid, &m);
	bool found = false;
	for (int i = 0; i < n && !found; i++)
		if (m[i].start == addr && m[i].path[0] == '/') {
			snprintf(path, len, "%s", m[i].path);
			found = true;
		}
	if (n >= 0)
		proc_maps_free(m, n);
	return found;
}

#define DR(n) ((void *)offsetof(struct user, u_debugreg[n]))

/* DR7 with every armed breakpoint's local enable bit (RW = LEN = 0: execution). */
static long dr7_armed(const struct tracer *t)
{
	long dr7 = 0;
	for (int i = 0; i < NBP; i++)
		if (t->armed[i])
			dr7 |= 1L << (2 * i);
	return dr7;
}

/* The debug registers of thread tid (stopped) as the tracer has them armed. */
static void load_debug_registers(const struct tracer *t, pid_t tid)
{
	if (t->o->soft_breakpoints)
		return; /* int3 is in the shared text */
	for (int i = 0; i < NBP; i++)
		if (t->armed[i])
			ptrace(PTRACE_POKEUSER, tid, DR(i), (void *)t->bp[i]);
	ptrace(PTRACE_POKEUSER, tid, DR(7), (void *)dr7_armed(t));
}

/* Breakpoints are armed only while one thread runs (the loader, before main): in the stopped
 * thread tid; threads started later get them from load_debug_registers. */
static void set_bp(struct tracer *t, pid_t tid, int i, uintptr_t addr)
{
	t->bp[i] = addr;
	if (!addr)
		return;
	if (t->o->soft_breakpoints) {
		errno = 0;
		t->orig[i] = (uint64_t)ptrace(PTRACE_PEEKTEXT, tid, (void *)addr, NULL);
		if (errno)
			return;
		ptrace(PTRACE_POKETEXT, tid, (void *)addr, (void *)((t->orig[i] & ~0xffUL) | 0xcc));
	} else if (ptrace(PTRACE_POKEUSER, tid, DR(i), (void *)addr) < 0)
		return;
	t->armed[i] = true;
	if (!t->o->soft_breakpoints)
		ptrace(PTRACE_POKEUSER, tid, DR(7), (void *)dr7_armed(t));
}

/* Disarmed (in tid; another thread that still has it stops there once more, passed over). */
static void clear_bp(struct tracer *t, pid_t tid, int i)
{
	if (!t->armed[i])
		return;
	t->armed[i] = false;
	if (t->o->soft_breakpoints)
		ptrace(PTRACE_POKETEXT, tid, (void *)t->bp[i], (void *)t->orig[i]);
	else
		ptrace(PTRACE_POKEUSER, tid, DR(7), (void *)dr7_armed(t));
}

/* Which breakpoint a SIGTRAP of tid is (-1: none armed; -2: not ours at all); a soft one
 * leaves rip past the int3: moved back. */
static int which_bp(struct tracer *t, pid_t tid)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, tid, NULL, &regs) < 0)
		return -2;
	if (t->o->soft_breakpoints) {
		for (int i = 0; i < NBP; i++)
			if (t->armed[i] && regs.rip == t->bp[i] + 1) {
				regs.rip = t->bp[i];
				ptrace(PTRACE_SETREGS, tid, NULL, &regs);
				return i;
			}
		return -2;
	}
	long dr6 = ptrace(PTRACE_PEEKUSER, tid, DR(6), NULL);
	ptrace(PTRACE_POKEUSER, tid, DR(6), NULL);
	for (int i = 0; i < NBP; i++)
		if (t->armed[i] && (dr6 & (1L << i)))
			return i;
	return dr6 & 0xf ? -1 : -2;
}

/* Remember where int3 went, as link-time addresses of the objects written. */
static void note_soft_breakpoints(struct tracer *t)
{
	for (int i = 0; i < NBP && t->o->soft_breakpoints; i++)
		for (size_t k = 0; t->bp[i] && k < t->r->nobj; k++) {
			struct pobject *o = &t->r->obj[k];
			if (t->bp[i] >= o->bias + o->lo && t->bp[i] < o->bias + o->hi)
				o->breakpoints[i] = t->bp[i] - o->bias;
		}
}

/* Read through thread tid: a main thread that has ended (pthread_exit) shows no memory. */
static void snapshot(struct tracer *t, pid_t tid, int stop)
{
	if (stop <= t->o->last && !t->r->taken[stop] && pagesnap_take(t->r, tid, stop) < 0)
		snprintf(t->r->note, sizeof t->r->note, "could not read /proc/%d at %s", (int)t->pid, pstop_names[stop]);
	note_soft_breakpoints(t);
}

/* The entry point of the program ld-mmld.so mapped: its file's e_entry plus its load bias. */
static uintptr_t program_entry(struct tracer *t)
{
	char real[PATH_MAX];
	if (!realpath(t->o->prog, real))
		return 0;
	struct pobject *o = pagesnap_find(t->r, real);
	int fd = open(real, O_RDONLY | O_CLOEXEC);
	unsigned char eh[64];
	uint64_t entry = 0;
	if (fd >= 0 && pread(fd, eh, sizeof eh, 0) == (ssize_t)sizeof eh)
		memcpy(&entry, eh + 24, 8); /* e_entry */
	if (fd >= 0)
		close(fd);
	return o && entry ? o->bias + entry : 0;
}

/* At the exec stop: where the loaded and entry breakpoints go. */
static void arm_first(struct tracer *t)
{
	uintptr_t base = proc_auxv(t->pid, AT_BASE);
	t->syscalls = true; /* until libc.so.6 is mapped, or loaded */
	if (!t->o->system) {
		t->r->loader_path = realpath(rtld_path(), NULL);
		return; /* ld-mmld.so stops itself at loaded; the entry is known then */
	}
	char path[PATH_MAX];
	if (base && file_at(t->pid, base, path, sizeof path)) {
		t->r->loader_path = strdup(path);
		uint64_t brk = elfinfo_dynsym(path, "_dl_debug_state"), rd = elfinfo_dynsym(path, "_r_debug");
		if (brk && rd) {
			t->r_debug = base + rd;
			set_bp(t, t->pid, BP_LOADED, base + brk);
		}
	} else {
		/* A static program: nothing loads it but the kernel, which is done now. */
		snapshot(t, t->pid, PSTOP_LOADED);
		snprintf(t->r->note, sizeof t->r->note, "no dynamic linker: \"loaded\" is the program as the kernel mapped it");
	}
	if (t->o->last >= PSTOP_ENTRY)
		set_bp(t, t->pid, BP_ENTRY, proc_auxv(t->pid, AT_ENTRY));
	t->syscalls = !t->r->taken[PSTOP_LOADED];
}

/* After an mmap: is libc.so.6 mapped now? Then break at its __libc_early_init. */
static void look_for_libc(struct tracer *t)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, t->pid, NULL, &regs) < 0 || regs.orig_rax != 9 /* mmap */)
		return;
	struct mapping *m;
	int n = proc_maps(t->pid, &m);
	for (int i = 0; i < n; i++) {
		const char *base = strrchr(m[i].path, '/');
		if (!base || strcmp(base, "/libc.so.6") != 0)
			continue;
		const struct elf_info *e = elfinfo_get(m[i].path);
		uint64_t init = e->ok ? elfinfo_dynsym(m[i].path, "__libc_early_init") : 0;
		/* int3 written now would be lost: the loader maps libc's text over this span next. */
		if (init && !t->o->soft_breakpoints)
			set_bp(t, t->pid, BP_RELOCATED, m[i].start - elfinfo_first_page(e) + init);
		t->syscalls = false;
		break;
	}
	if (n >= 0)
		proc_maps_free(m, n);
}

/* The system loader calls _dl_debug_state on every change: only RT_CONSISTENT (r_state 0,
 * at offset 24 of struct r_debug) after it finished is "loaded". */
static bool loader_consistent(struct tracer *t)
{
	errno = 0;
	long state = ptrace(PTRACE_PEEKDATA, t->pid, (void *)(t->r_debug + 24), NULL);
	return errno == 0 && (int)state == 0;
}

/* A soft breakpoint hit too early: step over the original instruction and put it back. */
static bool step_over(struct tracer *t, int i)
{
	int st;
	ptrace(PTRACE_POKETEXT, t->pid, (void *)t->bp[i], (void *)t->orig[i]);
	if (ptrace(PTRACE_SINGLESTEP, t->pid, NULL, NULL) < 0 || waitpid(t->pid, &st, 0) < 0 || !WIFSTOPPED(st))
		return false;
	ptrace(PTRACE_POKETEXT, t->pid, (void *)t->bp[i], (void *)((t->orig[i] & ~0xffUL) | 0xcc));
	return true;
}

/* Loaded: libc.so.6 is wholly mapped now, so exit() can be found (and int3 put there). */
static void loaded(struct tracer *t)
{
	t->syscalls = false;
	if (t->o->last < PSTOP_EXITING)
		return;
	for (size_t k = 0; k < t->r->nobj; k++) {
		const struct pobject *o = &t->r->obj[k];
		const char *base = strrchr(o->path, '/');
		uint64_t exit_fn = base && strcmp(base, "/libc.so.6") == 0 ? elfinfo_dynsym(o->path, "exit") : 0;
		if (exit_fn)
			set_bp(t, t->pid, BP_EXITING, o->bias + exit_fn);
	}
}

static void on_breakpoint(struct tracer *t, pid_t tid, int i)
{
	if (i == BP_LOADED && !loader_consistent(t)) {
		if (t->o->soft_breakpoints)
			step_over(t, i);
		return;
	}
	clear_bp(t, tid, i);
	static const int stop_of[NBP] = {PSTOP_LOADED, PSTOP_ENTRY, PSTOP_RELOCATED, PSTOP_EXITING};
	snapshot(t, tid, stop_of[i]);
	if (i == BP_LOADED)
		loaded(t);
}

/* The child: traced, then the program. If it cannot be traced (mmld is itself traced:
 * strace -f, gdb following forks), errno goes to mmld through `report`, and it ends. */
static void child(const struct pages_trace_opts *o, int report)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		int e = errno;
		if (write(report, &e, sizeof e) < 0)
			_exit(126);
		_exit(127);
	}
	if (o->quiet) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (o->system) {
		execv(o->prog, o->argv);
		_exit(127);
	}
	/* ld-mmld.so stops itself at "loaded" only if that stop is wanted: a run that ends before
	 * it (--at exec, relocated) is released untraced, and would stay stopped with no one to
	 * continue it (redteam #40). */
	if (o->last >= PSTOP_LOADED)
		setenv("MMLD_STOP", "loaded", 1);
	int n = 0;
	while (o->argv[n])
		n++;
	char **argv = calloc((size_t)n + 4, sizeof *argv);
	argv[0] = (char *)rtld_path();
	argv[1] = "--argv0";
	argv[2] = o->argv[0];
	argv[3] = (char *)o->prog;
	for (int i = 1; i < n; i++)
		argv[3 + i] = o->argv[i];
	execv(argv[0], argv);
	_exit(127);
}

static struct thread *thread_of(struct tracer *t, pid_t tid)
{
	for (int i = 0; i < t->nth; i++)
		if (t->th[i].tid == tid)
			return &t->th[i];
	return NULL;
}

static struct thread *add_thread(struct tracer *t, pid_t tid)
{
	struct thread *th = thread_of(t, tid);
	if (th)
		return th;
	th = realloc(t->th, (size_t)(t->nth + 1) * sizeof *th);
	if (!th)
		return NULL;
	t->th = th;
	t->th[t->nth] = (struct thread){.tid = tid};
	return &t->th[t->nth++];
}

static int threads_running(const struct tracer *t)
{
	int n = 0;
	for (int i = 0; i < t->nth; i++)
		n += !t->th[i].exiting;
	return n;
}

/* Every point wanted is taken: no more breakpoints (int3 taken out of the text; each thread's
 * debug registers cleared as it is detached). */
static void release(struct tracer *t, pid_t tid)
{
	for (int i = 0; i < NBP; i++)
		clear_bp(t, tid, i);
	t->released = true;
}

/* A stop after the release: what to pass on when the thread is detached. */
static int released_stop(struct tracer *t, pid_t tid, int st)
{
	int sig = WSTOPSIG(st);
	if (!t->o->soft_breakpoints) {
		if (sig == SIGTRAP && !(st >> 16) && which_bp(t, tid) != -2)
			sig = 0; /* a breakpoint this thread still had */
		ptrace(PTRACE_POKEUSER, tid, DR(7), NULL);
	}
	return st >> 16 || (sig & 0x80) ? 0 : sig;
}

/* One stop of thread tid while points are still wanted: the signal to resume it with. */
static int on_stop(struct tracer *t, pid_t tid, int st)
{
	const struct pages_trace_opts *o = t->o;
	struct pages_run *r = t->r;
	int sig = WSTOPSIG(st), event = st >> 16;
	struct thread *th = thread_of(t, tid);
	if (!th || !th->started) { /* a new thread's first stop (it may come before its clone event) */
		th = add_thread(t, tid);
		if (th)
			th->started = true;
		load_debug_registers(t, tid);
		if (sig == SIGSTOP && !event)
			return 0;
	}
	if (sig == (SIGTRAP | 0x80)) { /* a system call's entry or exit */
		t->in_syscall = !t->in_syscall;
		if (!t->in_syscall)
			look_for_libc(t);
		return 0;
	}
	unsigned long msg = 0;
	switch (event) {
	case PTRACE_EVENT_CLONE:
		ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg);
		add_thread(t, (pid_t)msg);
		return 0;
	case PTRACE_EVENT_EXIT:
		if (threads_running(t) <= 1 || !trace_thread_exit_only(tid))
			snapshot(t, tid, PSTOP_EXIT);
		if (th)
			th->exiting = true;
		return 0;
	case PTRACE_EVENT_EXEC:
		snprintf(r->note, sizeof r->note, "the program executed another program: measured until then");
		t->nth = 1;
		release(t, tid);
		return 0;
	}
	if (sig == SIGTRAP) {
		int i = which_bp(t, tid);
		if (i >= 0)
			on_breakpoint(t, tid, i);
		return i == -2 ? SIGTRAP : 0;
	}
	if (sig == SIGSTOP && !o->system && !r->taken[PSTOP_LOADED]) {
		snapshot(t, tid, PSTOP_LOADED); /* ld-mmld.so's MMLD_STOP=loaded */
		loaded(t);
		if (o->last >= PSTOP_ENTRY) {
			set_bp(t, tid, BP_ENTRY, program_entry(t));
			if (!t->armed[BP_ENTRY])
				snprintf(r->note, sizeof r->note, "the program's entry point could not be found: no entry stop");
		}
		return 0;
	}
	return sig;
}

/* Starts the child and waits for its stop after exec (st, or -1 / *trace_errno). */
static int start(struct tracer *t, int *trace_errno)
{
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	t->pid = fork();
	if (t->pid == 0) {
		close(ep[0]);
		child(t->o, ep[1]);
	}
	close(ep[1]);
	int e = 0, st = -1;
	if (t->pid > 0 && read(ep[0], &e, sizeof e) == (ssize_t)sizeof e)
		*trace_errno = e;
	close(ep[0]);
	if (t->pid < 0 || waitpid(t->pid, &st, 0) < 0)
		return -1;
	return st;
}

int pages_trace(const struct pages_trace_opts *o, struct pages_run *r)
{
	struct tracer t = {.o = o, .r = r};
	int st = start(&t, &r->trace_errno);
	if (st < 0 || !WIFSTOPPED(st))
		return st; /* the exec failed, or it could not be traced */
	ptrace(PTRACE_SETOPTIONS, t.pid, NULL,
	       (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD |
			      PTRACE_O_TRACECLONE));
	add_thread(&t, t.pid)->started = true;
	snapshot(&t, t.pid, PSTOP_EXEC);
	arm_first(&t);
	pid_t tid = t.pid;
	int sig = 0;
	for (;;) {
		if (tid > 0 && t.released)
			ptrace(PTRACE_DETACH, tid, NULL, (void *)(long)sig);
		else if (tid > 0)
			ptrace(t.syscalls && tid == t.pid ? PTRACE_SYSCALL : PTRACE_CONT, tid, NULL, (void *)(long)sig);
		/* mmld pages has no other child: any stop or end is this program's */
		while ((tid = waitpid(-1, &st, __WALL)) < 0 && errno == EINTR)
			;
		if (tid < 0)
			return -1;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (tid == t.pid)
				break;
			struct thread *gone = thread_of(&t, tid);
			if (gone)
				*gone = t.th[--t.nth];
			tid = 0;
			continue;
		}
		sig = t.released ? released_stop(&t, tid, st) : on_stop(&t, tid, st);
		if (!t.released && r->taken[o->last] && o->last != PSTOP_EXIT)
			release(&t, tid);
	}
	free(t.th);
	return st;
}
