/* The mmld command: shared declarations of its subcommands. */
#ifndef MMLD_LOADER_H
#define MMLD_LOADER_H

/* Each subcommand gets argv from its own name on (argv[0] is "run", "share"...) and returns
 * the exit status. Add one to the table in main.c. */
int cmd_run(int argc, char **argv);
int cmd_share(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_pages(int argc, char **argv);

/* The ld-mmld.so to use: $MMLD_RTLD, else the one beside this executable, else
 * ../lib/mmld/ld-mmld.so from it (an installed mmld). */
const char *rtld_path(void);
/* The executable file PROGRAM names, as bash and execvp find it: with a slash, that file;
 * without, the first executable regular file NAME in $PATH (directories and files without
 * the x bit skipped). A malloc'ed path, or NULL with *err: EINVAL an empty name, ENOENT not
 * found, EACCES found but not executable, EISDIR a directory (named with a slash). */
char *find_program(const char *name, int *err);
/* 0 if path is a regular file we may execute; else EISDIR, EACCES (not executable, or not a
 * regular file), or stat's errno: what execve would refuse it with. */
int executable_file(const char *path);

/* PROGRAM as the kernel runs it (script.c): file, the ELF file finally loaded (PROGRAM
 * itself unless it is a #! script), argv, what that file gets (INTERPRETER [ARG] SCRIPT
 * ARGS at each level), depth, how many scripts led to it. */
struct script_run {
	char *file;
	char **argv;
	int depth;
};
/* Follows PROGRAM's #! lines as binfmt_script does (five levels at most); 0, or `status`
 * after one line on stderr ("mmld CMD: PROGRAM: bad interpreter /x: No such file or
 * directory"). PROGRAM itself, if it is no script, is not judged here: ld-mmld.so says. */
int script_follow(const char *cmd, char *prog, char **argv, struct script_run *r, int status);
/* find_program, then script_follow: PROGRAM (argv[0]) as execve would run it; *prog the file
 * found. 0, or the exit status after one line (2 for an empty name). */
int program_find(const char *cmd, char **argv, char **prog, struct script_run *r, int status);

/* The one line for find_program's refusal ("mmld CMD: NAME: command not found", "...:
 * Permission denied", "...: Is a directory"); returns status, or 2 for an empty name (a bad
 * argument). */
int program_refused(const char *cmd, const char *name, int err, int status);

/* s as mmld writes it for a human (tables, headings, errors; report_format.c): control
 * characters (C0, DEL, C1), bytes that are not UTF-8 and the backslash as \ooo, so no
 * command line or file name can move the cursor, set a title or split a line. Valid until
 * 16 more calls. */
const char *shown(const char *s);
#endif
