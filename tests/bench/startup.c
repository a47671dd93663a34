/* make bench, part 1: start-up time of programs under the system loader and under ld-mmld.so,
 * in the same run, started two ways:
 *   kernel  the program exec'd as usual, so the kernel maps it and its PT_INTERP. For
 *           ld-mmld.so that happens inside `mmld run --tree` (a private mount namespace where
 *           ld-mmld.so is bind-mounted over the system loader's file): how every program
 *           starts in real use.
 *   direct  `LOADER PROGRAM ARGS`: the loader maps the program itself.
 * Two helper processes (this program with --serve) start the runs and time them, one in the
 * ordinary namespace and one in the private one, so both sides are spawned alike; runs
 * alternate between them (who goes first alternates too), so drift in the machine's load
 * hits both alike. The table shows the median and minimum wall time of each side, the ratio of
 * the medians, and the ratio: the median over the pairs of runs (one under each loader, back
 * to back) of ld-mmld.so's time over the system loader's. A pair sees the same moment of the
 * machine's load, so its ratio is the steadier number.
 * usage: bench-startup RTLD RUNS -- NAME CMD ARGS [-- NAME CMD ARGS ...]   (CMD: a path)
 * Benchmarks measure; they do not pass or fail. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYSTEM_LOADER "/lib64/ld-linux-x86-64.so.2"

extern char **environ;

struct program {
	const char *name;
	char **cmd; /* NULL-terminated */
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One run of argv (output discarded); seconds, or -1 on failure. */
static double run_once(char **argv)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	double t0 = now();
	int err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	int st = 0;
	if (!err)
		waitpid(pid, &st, 0);
	double t = now() - t0;
	posix_spawn_file_actions_destroy(&fa);
	return err || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ? -1 : t;
}

/* `-- NAME CMD ARGS -- NAME ...` into programs; their count. */
static int parse_programs(int argc, char **argv, struct program *out)
{
	int n = 0;
	for (int i = 0; i < argc;) {
		if (strcmp(argv[i], "--") != 0 || i + 2 >= argc)
			break;
		int start = i + 2, end = start;
		while (end < argc && strcmp(argv[end], "--") != 0)
			end++;
		out[n].name = argv[i + 1];
		out[n].cmd = calloc((size_t)(end - start) + 1, sizeof(char *));
		memcpy(out[n].cmd, argv + start, (size_t)(end - start) * sizeof(char *));
		n++;
		i = end;
	}
	return n;
}

/* --serve LOADER -- programs: read "PROGRAM DIRECT" requests on stdin, answer each with the
 * seconds one run took (kernel-started, or as `LOADER CMD` when DIRECT is 1). */
static int serve(int argc, char **argv)
{
	unsetenv("MMLD_RTLD"); /* set only to start us; the programs must see the same environment */
	const char *loader = argv[0];
	struct program *progs = calloc((size_t)argc, sizeof *progs);
	int nprogs = parse_programs(argc - 1, argv + 1, progs);
	int p, direct;
	while (scanf("%d %d", &p, &direct) == 2 && p >= 0 && p < nprogs) {
		char **cmd = progs[p].cmd, *with_loader[64];
		if (direct) {
			int n = 0;
			with_loader[n++] = (char *)loader;
			while (cmd[n - 1] && n < 63) {
				with_loader[n] = cmd[n - 1];
				n++;
			}
			with_loader[n] = NULL;
			cmd = with_loader;
		}
		printf("%.9f\n", run_once(cmd));
		fflush(stdout);
	}
	return 0;
}

struct helper {
	FILE *to, *from;
	pid_t pid;
};

/* Starts `[mmld run --tree --] SELF --serve LOADER -- programs...` with pipes to and from it. */
static int start_helper(struct helper *h, char **prefix, const char *self, const char *loader, int argc,
			char **argv)
{
	char **args = calloc((size_t)argc + 8, sizeof *args);
	int n = 0;
	for (; prefix && prefix[n]; n++)
		args[n] = prefix[n];
	args[n++] = (char *)self;
	args[n++] = "--serve";
	args[n++] = (char *)loader;
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) /* not inherited by the other helper */
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	int err = posix_spawn(&h->pid, args[0], &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(args);
	close(in[0]);
	close(out[1]);
	if (err)
		return -1;
	h->to = fdopen(in[1], "w");
	h->from = fdopen(out[0], "r");
	return 0;
}

static double ask(struct helper *h, int program, int direct)
{
	double t = -1;
	fprintf(h->to, "%d %d\n", program, direct);
	fflush(h->to);
	if (fscanf(h->from, "%lf", &t) != 1)
		return -1;
	return t;
}

static void stop_helper(struct helper *h)
{
	fclose(h->to);
	fclose(h->from);
	waitpid(h->pid, NULL, 0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* RUNS alternating pairs of one program started one way; one table line. */
static void measure(struct helper h[2], const struct program *prog, int index, int direct, int runs)
{
	double *t[2] = {calloc((size_t)runs, sizeof(double)), calloc((size_t)runs, sizeof(double))};
	double *pair = calloc((size_t)runs, sizeof(double));
	ask(&h[0], index, direct); /* warm the page cache for both */
	ask(&h[1], index, direct);
	int ok = 1;
	for (int r = 0; r < runs && ok; r++) {
		for (int l = 0; l < 2; l++) {
			int which = (r & 1) ? 1 - l : l; /* alternate who goes first */
			t[which][r] = ask(&h[which], index, direct);
			if (t[which][r] < 0) {
				fprintf(stderr, "%s: failed under %s\n", prog->name, which ? "ld-mmld.so" : "the system loader");
				ok = 0;
			}
		}
		if (ok)
			pair[r] = t[1][r] / t[0][r];
	}
	if (ok) {
		qsort(t[0], (size_t)runs, sizeof(double), cmp);
		qsort(t[1], (size_t)runs, sizeof(double), cmp);
		qsort(pair, (size_t)runs, sizeof(double), cmp);
		double m0 = t[0][runs / 2], m1 = t[1][runs / 2];
		printf("%-24s %-7s %6d %10.3f ms %10.3f ms %10.3f ms %10.3f ms %7.3f %7.3f\n", prog->name,
		       direct ? "direct" : "kernel", runs, m0 * 1e3, m1 * 1e3, t[0][0] * 1e3, t[1][0] * 1e3, m1 / m0,
		       pair[runs / 2]);
	}
	free(t[0]);
	free(t[1]);
	free(pair);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--serve") == 0)
		return serve(argc - 2, argv + 2);
	if (argc < 5) {
		fprintf(stderr, "usage: %s RTLD RUNS -- NAME CMD ARGS [-- NAME CMD ARGS ...]\n", argv[0]);
		return 2;
	}
	char self[PATH_MAX], rtld[PATH_MAX], mmld[PATH_MAX + 8];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0 || !realpath(argv[1], rtld)) {
		perror(argv[1]);
		return 2;
	}
	self[len] = 0;
	char dir[PATH_MAX];
	strcpy(dir, rtld);
	snprintf(mmld, sizeof mmld, "%s/mmld", dirname(dir));
	setenv("MMLD_RTLD", rtld, 1);
	int runs = atoi(argv[2]);
	struct program *progs = calloc((size_t)argc, sizeof *progs);
	int nprogs = parse_programs(argc - 3, argv + 3, progs);
	char *tree[] = {mmld, "run", "--tree", "--", NULL};
	struct helper h[2];
	signal(SIGPIPE, SIG_IGN);
	if (start_helper(&h[0], NULL, self, SYSTEM_LOADER, argc - 3, argv + 3) < 0 ||
	    start_helper(&h[1], tree, self, rtld, argc - 3, argv + 3) < 0) {
		perror("bench-startup: cannot start its helpers");
		return 2;
	}
	printf("start-up wall time (kernel: exec'd with the loader as PT_INTERP; direct: LOADER PROGRAM)\n");
	printf("%-24s %-7s %6s %12s %12s %12s %12s %7s %7s\n", "program", "started", "runs", "system med", "mmld med",
	       "system min", "mmld min", "med/med", "ratio");
	for (int p = 0; p < nprogs; p++)
		for (int direct = 0; direct < 2; direct++)
			measure(h, &progs[p], p, direct, runs);
	stop_helper(&h[0]);
	stop_helper(&h[1]);
	return 0;
}
