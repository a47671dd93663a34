/* mmld share's processes: start N of them, hold each at one point of its life, have them
 * measured, let them go. ld-mmld.so holds itself (MMLD_STOP: it stops with SIGSTOP); the
 * system loader's processes are traced and stopped with ptrace. */
#include "mmld.h"
#include "share.h"
#include "share_procs.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gelf.h>
#include <libelf.h>

const char *const share_point_names[3] = {"loaded", "entry", "exit"};

static void quiet_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

/* Starts one process. mmld: ld-mmld.so stops itself (MMLD_STOP). system with a named point:
 * traced, so we can stop it at its entry or its exit. */
static pid_t start_one(const struct share_launch *o, bool traced)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	quiet_stdio();
	if (o->system) {
		if (traced)
			ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execv(o->prog, o->argv);
		_exit(127);
	}
	if (o->at != POINT_SECONDS)
		setenv("MMLD_STOP", share_point_names[o->at], 1);
	if (o->objects_dir)
		setenv("MMLD_OBJECTS", o->objects_dir, 1);
	if (o->read_load)
		setenv("MMLD_LOAD", "read", 1);
	int n = 0;
	while (o->argv[n])
		n++;
	char **argv = calloc((size_t)n + 5, sizeof *argv);
	argv[0] = (char *)rtld_path();
	argv[1] = "--argv0";
	argv[2] = o->argv[0];
	argv[3] = o->prog;
	for (int i = 1; i < n; i++)
		argv[3 + i] = o->argv[i];
	execv(argv[0], argv);
	_exit(127);
}

static unsigned long read_aux(pid_t pid, unsigned long type)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/auxv", (int)pid);
	FILE *f = fopen(name, "r");
	unsigned long v[2], value = 0;
	while (f && fread(v, sizeof v, 1, f) == 1 && v[0])
		if (v[0] == type)
			value = v[1];
	if (f)
		fclose(f);
	return value;
}

/* The dynamic symbol `name` of the ELF file at path, or 0. */
static unsigned long dynsym_value(const char *path, const char *name)
{
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	unsigned long v = 0;
	Elf_Scn *s = NULL;
	GElf_Shdr sh;
	while (elf && !v && (s = elf_nextscn(elf, s)))
		if (gelf_getshdr(s, &sh) && sh.sh_type == SHT_DYNSYM) {
			Elf_Data *d = elf_getdata(s, NULL);
			GElf_Sym sym;
			for (int i = 0; d && gelf_getsym(d, i, &sym); i++) {
				const char *n = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (n && strcmp(n, name) == 0 && sym.st_shndx != SHN_UNDEF) {
					v = sym.st_value;
					break;
				}
			}
		}
	if (elf)
		elf_end(elf);
	close(fd);
	return v;
}

/* The file mapped at addr in pid (the interpreter, at AT_BASE). */
static bool mapped_file(pid_t pid, unsigned long addr, char *path, size_t len)
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

/* Where a traced process of the system loader should stop: the entry point, or for "loaded"
 * the loader's _dl_debug_state when _r_debug says RT_CONSISTENT. glibc's ld.so calls it so
 * right after relocation, before any initialiser, which is the point MMLD_STOP=loaded names. */
static unsigned long stop_address(pid_t pid, const char *at, unsigned long *r_debug)
{
	*r_debug = 0;
	if (strcmp(at, "loaded") != 0)
		return read_aux(pid, 9 /* AT_ENTRY */);
	unsigned long base = read_aux(pid, 7 /* AT_BASE */);
	char path[4096];
	if (!base || !mapped_file(pid, base, path, sizeof path))
		return 0;
	unsigned long brk = dynsym_value(path, "_dl_debug_state"), rd = dynsym_value(path, "_r_debug");
	if (!brk || !rd)
		return 0;
	*r_debug = base + rd;
	return base + brk;
}

/* Drives a traced process (system loader) to the point; true if it got there. */
static bool trace_to_point(pid_t pid, const char *at)
{
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st))
		return false; /* the stop after exec */
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
	unsigned long entry = 0, orig = 0, r_debug = 0;
	bool at_exit = strcmp(at, "exit") == 0;
	if (!at_exit) {
		entry = stop_address(pid, at, &r_debug);
		errno = 0;
		orig = (unsigned long)ptrace(PTRACE_PEEKTEXT, pid, (void *)entry, NULL);
		if (!entry || errno)
			return false;
		ptrace(PTRACE_POKETEXT, pid, (void *)entry, (void *)((orig & ~0xffUL) | 0xcc));
	}
	int sig = 0;
	for (;;) {
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) < 0 || waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st))
			return false;
		sig = WSTOPSIG(st);
		if (at_exit && st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8)))
			return true;
		if (!at_exit && sig == SIGTRAP) {
			struct user_regs_struct regs;
			ptrace(PTRACE_GETREGS, pid, NULL, &regs);
			if (regs.rip == entry + 1) {
				regs.rip = entry;
				ptrace(PTRACE_SETREGS, pid, NULL, &regs);
				/* _dl_debug_state is also called while libraries are being added: wait for
				 * RT_CONSISTENT (r_state, offset 24 of struct r_debug, 0). */
				long state = r_debug ? ptrace(PTRACE_PEEKDATA, pid, (void *)(r_debug + 24), NULL) : 0;
				if ((int)state == 0) {
					ptrace(PTRACE_POKETEXT, pid, (void *)entry, (void *)orig);
					return true;
				}
				/* Not yet: step over the breakpoint's instruction and set it again. */
				ptrace(PTRACE_POKETEXT, pid, (void *)entry, (void *)orig);
				int st2;
				if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) < 0 || waitpid(pid, &st2, 0) < 0 || !WIFSTOPPED(st2))
					return false;
				ptrace(PTRACE_POKETEXT, pid, (void *)entry, (void *)((orig & ~0xffUL) | 0xcc));
				sig = 0;
				continue;
			}
		}
		if (sig == SIGTRAP)
			sig = 0;
	}
}

static void finish(pid_t *pids, bool *held, int n, bool traced, struct run_result *r)
{
	for (int i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		if (traced && held[i])
			ptrace(PTRACE_DETACH, pids[i], NULL, NULL);
		else if (held[i])
			kill(pids[i], SIGCONT);
	}
	int signalled = 0, bad_status = 0;
	for (int i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		int st;
		while (waitpid(pids[i], &st, 0) > 0) {
			if (WIFSTOPPED(st)) { /* a traced stop left over */
				ptrace(PTRACE_DETACH, pids[i], NULL, (void *)(long)(WSTOPSIG(st) == SIGTRAP ? 0 : WSTOPSIG(st)));
				continue;
			}
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				r->exited_ok++;
			else if (WIFEXITED(st))
				bad_status++;
			else
				signalled++;
			break;
		}
	}
	if (bad_status || signalled)
		snprintf(r->notes + strlen(r->notes), sizeof r->notes - strlen(r->notes),
			 "%d exited with a non-zero status, %d were killed by a signal", bad_status, signalled);
}

int launch_measure(const struct share_launch *o, const char *label, struct run_result *r)
{
	memset(r, 0, sizeof *r);
	r->label = label;
	r->n = o->n;
	acct_init(&r->acct);
	if (o->object)
		acct_set_object_filter(&r->acct, o->object, r->notes, sizeof r->notes);
	bool traced = o->system && o->at != POINT_SECONDS;
	pid_t *pids = calloc((size_t)o->n, sizeof *pids);
	bool *held = calloc((size_t)o->n, sizeof *held);
	for (int i = 0; i < o->n; i++) {
		pids[i] = start_one(o, traced);
		if (traced)
			held[i] = trace_to_point(pids[i], share_point_names[o->at]);
	}
	if (o->at == POINT_SECONDS) {
		struct timespec ts = {(time_t)o->seconds, (long)((o->seconds - (time_t)o->seconds) * 1e9)};
		nanosleep(&ts, NULL);
		for (int i = 0; i < o->n; i++)
			kill(pids[i], SIGSTOP);
	}
	if (!traced)
		for (int i = 0; i < o->n; i++) {
			int st;
			if (waitpid(pids[i], &st, WUNTRACED) == pids[i] && WIFSTOPPED(st))
				held[i] = true;
			else {
				if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
					r->exited_ok++;
				pids[i] = 0; /* gone before the point */
			}
		}
	int notheld = 0;
	for (int i = 0; i < o->n; i++) {
		struct known_object *known = NULL;
		int nknown = o->objects_dir ? known_objects_read(o->objects_dir, pids[i], &known) : 0;
		if (held[i] && acct_process(&r->acct, pids[i], known, nknown) == 0)
			r->measured++;
		else
			notheld++;
		for (int k = 0; k < nknown; k++)
			free(known[k].path);
		free(known);
	}
	if (o->children)
		share_measure_children(&r->acct, pids, o->n);
	if (notheld)
		snprintf(r->notes, sizeof r->notes, "%d did not reach the point; ", notheld);
	finish(pids, held, o->n, traced, r);
	free(pids);
	free(held);
	return r->measured ? 0 : -1;
}

/* Median start-up wall time of `runs` unheld runs (compare-load). */
double launch_startup_ms(const struct share_launch *o, int runs)
{
	double *t = calloc((size_t)runs, sizeof *t);
	for (int i = 0; i < runs; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		struct share_launch q = *o;
		q.at = POINT_SECONDS; /* no MMLD_STOP */
		pid_t pid = start_one(&q, false);
		int st;
		waitpid(pid, &st, 0);
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

