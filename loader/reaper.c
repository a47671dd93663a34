/* See reaper.h. The signal handler does everything itself with async-signal-safe calls
 * (waitid, kill, waitpid, unlink, rmdir) and then ends mmld by the same signal, so that
 * whatever mmld was doing (blocked in waitpid, reading /proc, printing), nothing it started
 * survives it. The processes also die with mmld if it is killed outright (SIGKILL): they are
 * started with PR_SET_PDEATHSIG (launch.c), and traced ones with PTRACE_O_EXITKILL. */
#include "reaper.h"
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
#define NHANDLED (sizeof handled / sizeof handled[0])

/* live[]: registered and not yet reaped (0: a free slot). started[]: every PID ever
 * registered, for the files ld-mmld.so wrote into the directory. Changed only with the
 * handled signals blocked, so the handler never sees them half-updated. */
static pid_t *live, *started;
static size_t nlive, nstarted, cap_live, cap_started;
static char temp_dir[512];

void reaper_block(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < NHANDLED; i++)
		sigaddset(&set, handled[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

void reaper_unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static bool grow(pid_t **v, size_t n, size_t *cap)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 64;
	pid_t *nv = realloc(*v, ncap * sizeof *nv);
	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

void reaper_add(pid_t pid)
{
	sigset_t old;
	reaper_block(&old);
	size_t i = 0;
	while (i < nlive && live[i])
		i++;
	if (i < nlive || grow(&live, nlive, &cap_live)) {
		live[i] = pid;
		if (i == nlive)
			nlive++;
	}
	if (grow(&started, nstarted, &cap_started))
		started[nstarted++] = pid;
	reaper_unblock(&old);
}

void reaper_forget(pid_t pid)
{
	sigset_t old;
	reaper_block(&old);
	for (size_t i = 0; i < nlive; i++)
		if (live[i] == pid)
			live[i] = 0;
	reaper_unblock(&old);
}

void reaper_temp_dir(const char *dir)
{
	snprintf(temp_dir, sizeof temp_dir, "%s", dir ? dir : "");
}

/* Async-signal-safe: kill and reap every registered process. A PID is touched only while it
 * is still our child (waitid without reaping says so), so a number the kernel gave to
 * another process after we reaped ours is never hit. A traced process is detached first: one
 * held at its exit (PTRACE_EVENT_EXIT) no longer takes signals, and with SIGKILL pending it
 * could no longer be detached either; detached, it finishes exiting. Reaping gives up after
 * 3 s rather than hang (whatever is left dies with mmld: PR_SET_PDEATHSIG, EXITKILL). */
static void kill_and_reap(void)
{
	for (size_t i = 0; i < nlive; i++) {
		siginfo_t si;
		if (live[i] > 0 && waitid(P_PID, (id_t)live[i], &si, WEXITED | WSTOPPED | WNOHANG | WNOWAIT | __WALL) == 0) {
			ptrace(PTRACE_DETACH, live[i], NULL, NULL); /* ESRCH: not traced, or not stopped */
			kill(live[i], SIGKILL);
		}
	}
	for (int tries = 0; tries < 300; tries++) {
		bool left = false;
		for (size_t i = 0; i < nlive; i++) {
			int st;
			pid_t r = live[i] > 0 ? waitpid(live[i], &st, WNOHANG | __WALL) : 0;
			if (r < 0 || (r == live[i] && (WIFEXITED(st) || WIFSIGNALED(st))))
				live[i] = 0;
			left |= live[i] > 0;
		}
		if (!left)
			return;
		struct timespec ten_ms = {0, 10000000};
		nanosleep(&ten_ms, NULL);
	}
}

/* Async-signal-safe: DIR/PID for every PID started, then DIR. */
static void remove_files_safely(void)
{
	if (!temp_dir[0])
		return;
	for (size_t i = 0; i < nstarted; i++) {
		char path[600], digits[16];
		size_t n = 0, k = strlen(temp_dir);
		for (unsigned v = (unsigned)started[i]; n == 0 || v; v /= 10)
			digits[n++] = (char)('0' + v % 10);
		memcpy(path, temp_dir, k);
		path[k++] = '/';
		while (n)
			path[k++] = digits[--n];
		path[k] = 0;
		unlink(path);
	}
	rmdir(temp_dir);
}

/* Outside a handler: whatever is in the directory (not only what we know of). */
static void remove_temp_dir(void)
{
	if (!temp_dir[0])
		return;
	DIR *d = opendir(temp_dir);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	remove_files_safely();
	temp_dir[0] = 0;
}

void reaper_end_all(void)
{
	sigset_t old;
	reaper_block(&old);
	kill_and_reap();
	reaper_unblock(&old);
	remove_temp_dir();
}

static void on_signal(int sig)
{
	kill_and_reap();
	remove_files_safely();
	/* End by the same signal (the shell then knows why), once the handler returns. */
	signal(sig, SIG_DFL);
	raise(sig);
}

void reaper_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	struct sigaction sa = {.sa_handler = on_signal};
	sigfillset(&sa.sa_mask); /* one handler at a time, nothing else in between */
	for (size_t i = 0; i < NHANDLED; i++) {
		struct sigaction prev;
		/* An ignored SIGHUP (nohup) or SIGINT (a background job) stays ignored. */
		if (sigaction(handled[i], NULL, &prev) == 0 && prev.sa_handler == SIG_IGN && handled[i] != SIGPIPE)
			continue;
		sigaction(handled[i], &sa, NULL);
	}
	signal(SIGCHLD, SIG_DFL); /* inherited SIG_IGN would reap our children behind our back */
	atexit(reaper_end_all);
}
