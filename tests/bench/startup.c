/* make bench: start-up time of programs under the system loader and under ld-mmld.so, in the
 * same run. Both loaders are started the same way (`LOADER PROGRAM ARGS`), runs alternate
 * between them so drift in the machine's load hits both alike, and the table shows the
 * median and minimum wall time of each and the ratio of medians (ld-mmld.so / system).
 * usage: bench-startup RTLD RUNS -- NAME CMD ARGS [-- NAME CMD ARGS ...]
 * Benchmarks measure; they do not pass or fail. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One run of loader + command, output discarded; seconds, or -1 on failure. */
static double run_once(const char *loader, char **cmd)
{
	int n = 0;
	while (cmd[n])
		n++;
	char **argv = calloc((size_t)n + 2, sizeof *argv);
	argv[0] = (char *)loader;
	memcpy(argv + 1, cmd, (size_t)n * sizeof *argv);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	double t0 = now();
	int err = posix_spawn(&pid, loader, &fa, NULL, argv, environ);
	int st = 0;
	if (!err)
		waitpid(pid, &st, 0);
	double t = now() - t0;
	posix_spawn_file_actions_destroy(&fa);
	free(argv);
	return err || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ? -1 : t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s RTLD RUNS -- NAME CMD ARGS [-- NAME CMD ARGS ...]\n", argv[0]);
		return 2;
	}
	const char *loaders[2] = {"/lib64/ld-linux-x86-64.so.2", argv[1]};
	int runs = atoi(argv[2]);
	printf("%-24s %6s %12s %12s %12s %12s %7s\n", "program", "runs", "system med", "mmld med", "system min",
	       "mmld min", "ratio");
	for (int i = 3; i < argc;) {
		if (strcmp(argv[i], "--") != 0 || i + 2 >= argc)
			break;
		const char *name = argv[i + 1];
		int start = i + 2, end = start;
		while (end < argc && strcmp(argv[end], "--") != 0)
			end++;
		char **cmd = calloc((size_t)(end - start) + 1, sizeof *cmd);
		memcpy(cmd, argv + start, (size_t)(end - start) * sizeof *cmd);
		double *t[2] = {calloc((size_t)runs, sizeof(double)), calloc((size_t)runs, sizeof(double))};
		run_once(loaders[0], cmd); /* warm the page cache for both */
		run_once(loaders[1], cmd);
		int ok = 1;
		for (int r = 0; r < runs && ok; r++)
			for (int l = 0; l < 2; l++) {
				int which = (r & 1) ? 1 - l : l; /* alternate who goes first */
				t[which][r] = run_once(loaders[which], cmd);
				if (t[which][r] < 0) {
					fprintf(stderr, "%s: failed under %s\n", name, loaders[which]);
					ok = 0;
				}
			}
		if (ok) {
			qsort(t[0], (size_t)runs, sizeof(double), cmp);
			qsort(t[1], (size_t)runs, sizeof(double), cmp);
			double m0 = t[0][runs / 2], m1 = t[1][runs / 2];
			printf("%-24s %6d %10.3f ms %10.3f ms %10.3f ms %10.3f ms %7.2f\n", name, runs, m0 * 1e3, m1 * 1e3,
			       t[0][0] * 1e3, t[1][0] * 1e3, m1 / m0);
		}
		free(cmd);
		free(t[0]);
		free(t[1]);
		i = end;
	}
	return 0;
}
