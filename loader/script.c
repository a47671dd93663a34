/* #! scripts for mmld run, share and pages. ld-mmld.so PROGRAM loads ELF files only, so a
 * script is followed here as the kernel's binfmt_script follows it, to the ELF interpreter
 * ld-mmld.so is to load, with the argv the kernel would give that interpreter:
 *   INTERPRETER [ARGUMENT] SCRIPT ARGV[1]...   (at each level; the script's argv[0] dropped)
 * The interpreter's name is taken as written (no PATH search; relative to the current
 * directory). A refusal is one line naming the script the user gave. */
#include "mmld.h"
#include "shebang.h"
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t read_head(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, SHEBANG_BUF);
	close(fd);
	return n;
}

static char **interpreter_argv(char *interp, char *arg, char *path, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	char **v = calloc((size_t)argc + 3, sizeof *v);
	if (v)
		shebang_argv(v, interp, arg, path, argv, argc);
	return v;
}

/* "mmld CMD: SCRIPT: PROBLEM"; when the #! line at fault is an interpreter's own (a script
 * run by a script), "mmld CMD: SCRIPT: its interpreter FILE: PROBLEM". */
static int refuse(const char *cmd, const char *script, const char *file, const char *problem, int status)
{
	if (strcmp(file, script) == 0)
		fprintf(stderr, "mmld %s: %s: %s\n", cmd, shown(script), problem);
	else
		fprintf(stderr, "mmld %s: %s: its interpreter %s: %s\n", cmd, shown(script), shown(file), problem);
	return status;
}

static int bad_interpreter(const char *cmd, const char *script, const char *file, const char *interp, int err,
			   int status)
{
	char problem[4200];
	snprintf(problem, sizeof problem, "bad interpreter %s: %s", shown(interp), strerror(err));
	return refuse(cmd, script, file, problem, status);
}

int script_follow(const char *cmd, char *prog, char **argv, struct script_run *r, int status)
{
	*r = (struct script_run){.file = prog, .argv = argv};
	const char *by = NULL; /* the script whose #! line names r->file */
	for (;; r->depth++) {
		char *buf = malloc(SHEBANG_BUF + 1); /* cut into the strings of the new argv: kept */
		if (!buf)
			return refuse(cmd, prog, prog, strerror(ENOMEM), status);
		ssize_t n = read_head(r->file, buf);
		char *interp, *arg;
		enum shebang k = n < 0 ? SHEBANG_NONE : shebang_parse(buf, (size_t)n, &interp, &arg);
		if (k == SHEBANG_NONE) {
			bool elf = n >= 4 && memcmp(buf, "\177ELF", 4) == 0;
			free(buf);
			/* PROGRAM itself is ld-mmld.so's to judge (in its words); an interpreter that
			 * is neither ELF nor a script is the kernel's ENOEXEC. */
			if (by && n >= 0 && !elf)
				return bad_interpreter(cmd, prog, by, r->file, ENOEXEC, status);
			return 0;
		}
		if (k != SHEBANG_SCRIPT)
			return refuse(cmd, prog, r->file, shebang_problem(k), status);
		int err = executable_file(interp);
		if (err == EISDIR)
			err = EACCES; /* the kernel's word for an interpreter that is a directory */
		if (err)
			return bad_interpreter(cmd, prog, r->file, interp, err, status);
		if (r->depth == SHEBANG_DEPTH) {
			char problem[160];
			snprintf(problem, sizeof problem, "more than %d #! scripts, each the interpreter of the one before: %s",
				 SHEBANG_DEPTH, strerror(ELOOP));
			return refuse(cmd, prog, prog, problem, status);
		}
		char **v = interpreter_argv(interp, arg, r->file, r->argv);
		if (!v)
			return refuse(cmd, prog, prog, strerror(ENOMEM), status);
		r->argv = v;
		by = r->file;
		r->file = interp;
	}
}

int program_find(const char *cmd, char **argv, char **prog, struct script_run *r, int status)
{
	int err;
	*prog = find_program(argv[0], &err);
	if (!*prog)
		return program_refused(cmd, argv[0], err, status);
	return script_follow(cmd, *prog, argv, r, status);
}
