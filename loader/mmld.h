/* The mmld command: shared declarations of its subcommands. */
#ifndef MMLD_LOADER_H
#define MMLD_LOADER_H

/* Each subcommand gets argv after its own name; returns the exit status. */
int cmd_run(int argc, char **argv);
int cmd_share(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_exec(int argc, char **argv);

/* The ld-mmld.so to use: $MMLD_RTLD, else the one beside this executable. */
const char *rtld_path(void);
/* Resolves a command name as execvp would (PATH search); returns a malloc'ed path or NULL. */
char *find_program(const char *name);
#endif
