/* mmld exec [--copy] [--trace] [--interp PATH|mmld] [--] PROGRAM [ARGS]
 *
 * A user-space exec: PROGRAM and its interpreter are mapped by a process itself instead of
 * by the kernel's ELF loader, so each of the kernel's choices (where things go, what the
 * stack and the auxiliary vector hold) is visible (--trace) and can be varied (--copy reads
 * the segments into anonymous memory; --interp starts the program with another interpreter,
 * e.g. ld-mmld.so for a program whose PT_INTERP names the system's).
 *
 * mmld links libc and its own mappings would stay behind, so the work is done by
 * mmld-exec-stub (loader/exec-stub/), a small static freestanding program: mmld execs it
 * with the same environment, and it does the user-space exec in an address space holding
 * nothing but itself, then unmaps itself. */
#include "mmld.h"
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static void exec_usage(FILE *f)
{
	fprintf(f, "usage: mmld exec [--copy] [--trace] [--interp PATH|mmld] [--dry-run] [--] PROGRAM [ARGS]\n"
		   "  run PROGRAM with its PT_INTERP interpreter mapped by mmld instead of by the kernel\n"
		   "  -c, --copy          read() the segments into anonymous memory instead of mapping them\n"
		   "  -t, --trace         every step on stderr (also MMLD_EXEC_DEBUG=1): mappings, brk,\n"
		   "                      the auxiliary vector, the new stack\n"
		   "  -i, --interp PATH   use PATH as the interpreter (mmld: ld-mmld.so) instead of PT_INTERP\n"
		   "  -n, --dry-run       do everything up to the jump (mapping, brk, the new stack), then exit 0\n"
		   "exit status: PROGRAM's; 127 if it is not found, 126 if it cannot be executed\n");
}

/* mmld-exec-stub: $MMLD_EXEC_STUB, else beside ld-mmld.so (build/, or PREFIX/lib/mmld/). */
static const char *stub_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("MMLD_EXEC_STUB");
	if (env && *env)
		return env;
	snprintf(path, sizeof path, "%s", rtld_path());
	char *slash = strrchr(path, '/');
	snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ? slash + 1 - path : 0), "mmld-exec-stub");
	return path;
}

int cmd_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"copy", no_argument, NULL, 'c'},
		{"trace", no_argument, NULL, 't'},
		{"interp", required_argument, NULL, 'i'},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool copy = false, dry_run = false, trace = getenv("MMLD_EXEC_DEBUG") && *getenv("MMLD_EXEC_DEBUG");
	const char *interp = NULL;
	int c;
	optind = 0; /* argv[0] is "exec" */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:cti:nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': copy = true; break;
		case 'n': dry_run = true; break;
		case 't': trace = true; break;
		case 'i': interp = strcmp(optarg, "mmld") == 0 ? rtld_path() : optarg; break;
		case 'h': exec_usage(stdout); return 0;
		case ':':
			fprintf(stderr, "mmld exec: option '%s' needs an argument\n", argv[optind - 1]);
			return 2;
		default:
			if (optopt)
				fprintf(stderr, "mmld exec: unknown option '-%c'\n", optopt);
			else
				fprintf(stderr, "mmld exec: unknown option '%s'\n", argv[optind - 1]);
			return 2;
		}
	}
	int first = optind;
	if (first >= argc) {
		fprintf(stderr, "mmld exec: no PROGRAM given\n");
		return 2;
	}
	/* A name with a slash is used as it is (the stub says why it cannot run, as execve would);
	 * one without is searched in PATH. */
	char *prog = strchr(argv[first], '/') ? argv[first] : find_program(argv[first]);
	if (!prog) {
		fprintf(stderr, "mmld exec: %s: command not found\n", argv[first]);
		return 127;
	}
	if (interp && access(interp, R_OK) != 0) {
		fprintf(stderr, "mmld exec: %s: interpreter not found\n", interp);
		return 127;
	}
	int nargs = argc - first;
	char **sargv = calloc((size_t)nargs + 10, sizeof *sargv);
	int k = 0;
	sargv[k++] = "mmld-exec-stub";
	if (trace)
		sargv[k++] = "-t";
	if (copy)
		sargv[k++] = "-c";
	if (dry_run)
		sargv[k++] = "-n";
	if (interp) {
		sargv[k++] = "-i";
		sargv[k++] = (char *)interp;
	}
	sargv[k++] = "-e";
	sargv[k++] = prog;
	sargv[k++] = "--";
	for (int i = 0; i < nargs; i++)
		sargv[k++] = argv[first + i];
	const char *stub = stub_path();
	execve(stub, sargv, environ);
	fprintf(stderr, "mmld exec: %s: cannot run the exec stub: %s\n", stub, strerror(errno));
	return 127;
}
