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
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define DR_OFFSET(n) ((void *)offsetof(struct user, u_debugreg[n]))
#define DR7_L0 1UL /* local enable of debug register 0; RW0 = LEN0 = 0: execution */

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

static void clear_breakpoint(struct traced *t)
{
	if (!t->breakpoint)
		return;
	ptrace(PTRACE_POKEUSER, t->pid, DR_OFFSET(7), (void *)0UL);
	t->breakpoint = 0;
}

/* Was this SIGTRAP our breakpoint? (debug status register, bit 0; cleared for the next) */
static bool breakpoint_hit(const struct traced *t)
{
	errno = 0;
	long dr6 = ptrace(PTRACE_PEEKUSER, t->pid, DR_OFFSET(6), NULL);
	if (errno || !(dr6 & 1))
		return false;
	ptrace(PTRACE_POKEUSER, t->pid, DR_OFFSET(6), (void *)0UL);
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

/* Waits for the next stop or the end; false (and *status) when it has ended. */
static bool next_stop(pid_t pid, int *status)
{
	while (waitpid(pid, status, __WALL) < 0)
		if (errno != EINTR) {
			*status = 0;
			return false;
		}
	if (WIFSTOPPED(*status))
		return true;
	reaper_forget(pid);
	return false;
}

enum trace_outcome trace_to_point(struct traced *t, enum share_point at, bool self_stops, int *status)
{
	if (!next_stop(t->pid, status))
		return TRACE_ENDED; /* the stop after exec never came */
	ptrace(PTRACE_SETOPTIONS, t->pid, NULL, (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
	unsigned long addr = stop_address(t, at);
	if (!addr || !set_breakpoint(t, addr))
		return TRACE_LOST;
	t->loaded = false;
	int sig = 0;
	for (;;) {
		if (ptrace(PTRACE_CONT, t->pid, NULL, (void *)(long)sig) < 0 && errno != ESRCH)
			return TRACE_LOST;
		if (!next_stop(t->pid, status))
			return TRACE_ENDED;
		int event = (*status >> 16) & 0xff;
		sig = WSTOPSIG(*status);
		if (event == PTRACE_EVENT_EXIT) {
			if (at == POINT_EXIT && t->loaded)
				return TRACE_HELD;
			sig = 0; /* ending before the point (for exit: before it was loaded): let it */
			continue;
		}
		if (sig == SIGTRAP && t->breakpoint && breakpoint_hit(t)) {
			sig = 0;
			if (!loader_consistent(t))
				continue; /* _dl_debug_state while libraries are being added */
			clear_breakpoint(t);
			t->loaded = true;
			if (at != POINT_EXIT)
				return TRACE_HELD;
			continue;
		}
		if (sig == SIGSTOP && self_stops)
			sig = 0;
		else if (sig == SIGTRAP)
			sig = 0;
	}
}

void trace_release(struct traced *t)
{
	clear_breakpoint(t);
	ptrace(PTRACE_DETACH, t->pid, NULL, NULL);
}
