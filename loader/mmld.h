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
/* Resolves a command name as execvp would (PATH search); returns a malloc'ed path or NULL. */
char *find_program(const char *name);
#endif
