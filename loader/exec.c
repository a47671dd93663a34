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
#include "opts.h"
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static const char exec_details[] =
	"mmld execs mmld-exec-stub (beside ld-mmld.so; $MMLD_EXEC_STUB overrides), a small static\n"
	"program that maps PROGRAM and its interpreter where the kernel would, builds the stack\n"
	"(argv, envp, auxv), tells the kernel (prctl PR_SET_MM_MAP), unmaps itself and jumps. #!\n"
	"scripts are followed as the kernel follows them. The trace lines start with the pid and\n"
	"\"exec:\", as LD_DEBUG's do, so the interpreter's LD_DEBUG lines continue the same log.\n"
	"Exit status: PROGRAM's; 127 PROGRAM or its interpreter not found, 126 found but not\n"
	"executable (not ELF, bad headers), 2 a bad argument.\n";

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

/* --env NAME=VALUE, as often as needed: for PROGRAM only. (Set in mmld's own environment,
 * LD_DEBUG or LD_SHOW_AUXV would act on mmld, a dynamically linked program, first.) */
static char **extra_env;
static size_t nextra_env;

static int parse_env(const char *arg, void *dest, char *why, size_t len)
{
	(void)dest;
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg) {
		snprintf(why, len, "is not NAME=VALUE");
		return -1;
	}
	extra_env = realloc(extra_env, (nextra_env + 1) * sizeof *extra_env);
	extra_env[nextra_env++] = strdup(arg);
	return 0;
}

/* mmld's environment with the --env settings, for the stub and so for PROGRAM. */
static char **program_env(void)
{
	for (size_t i = 0; i < nextra_env; i++)
		putenv(extra_env[i]);
	return environ;
}

int cmd_exec(int argc, char **argv)
{
	bool copy = false, dry_run = false, trace = false;
	const char *interp = NULL;
	struct opt opts[] = {
		{.name = "copy", .letter = 'c', .kind = OPT_FLAG, .dest = &copy,
		 .help = "read() the segments into anonymous memory instead of mapping\nthem from the files"},
		{.name = "trace", .letter = 't', .kind = OPT_FLAG, .dest = &trace,
		 .help = "every step on stderr (also MMLD_EXEC_DEBUG=1): mappings, brk,\nthe auxiliary vector, the new stack"},
		{.name = "interp", .letter = 'i', .kind = OPT_STRING, .dest = &interp, .metavar = "PATH",
		 .help = "the interpreter to use instead of PT_INTERP (mmld: ld-mmld.so)"},
		{.name = "env", .letter = 'E', .kind = OPT_CUSTOM, .parse = parse_env, .metavar = "NAME=VALUE",
		 .help = "set NAME for PROGRAM only (LD_DEBUG=files, LD_SHOW_AUXV=1);\nas often as needed"},
		{.name = "dry-run", .letter = 'n', .kind = OPT_FLAG, .dest = &dry_run,
		 .help = "everything up to the jump (mapping, brk, the new stack),\nthen exit 0"},
		{0},
	};
	const struct command cmd = {
		.name = "exec",
		.usage = "[OPTIONS] [--] PROGRAM [ARGS]",
		.summary = "Runs PROGRAM with it and its interpreter mapped by mmld instead of by the kernel's\n"
			   "ELF loader (a user-space exec), so the kernel's part of a load can be seen and varied.",
		.details = exec_details,
		.opts = opts,
		.min_operands = 1,
		.max_operands = -1,
		.program_follows = true,
	};
	int first, status;
	if (!opts_parse(&cmd, argc, argv, &first, &status))
		return status;
	trace |= getenv("MMLD_EXEC_DEBUG") && *getenv("MMLD_EXEC_DEBUG");
	if (interp && strcmp(interp, "mmld") == 0)
		interp = rtld_path();
	/* A name with a slash is used as it is (the stub says why it cannot run, as execve would);
	 * one without is searched in PATH. */
	int err = 0;
	char *prog = strchr(argv[first], '/') ? argv[first] : find_program(argv[first], &err);
	if (!prog)
		return program_refused("exec", argv[first], err, err == ENOENT ? 127 : 126);
	if (interp && access(interp, R_OK) != 0) {
		fprintf(stderr, "mmld exec: %s: interpreter not found\n", shown(interp));
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
	execve(stub, sargv, program_env());
	fprintf(stderr, "mmld exec: %s: cannot run the exec stub: %s\n", shown(stub), strerror(errno));
	return 127;
}
