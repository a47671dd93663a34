/* The #! line of a script, read as the kernel's binfmt_script reads it. Pure (no I/O, no
 * libc), so one definition serves mmld (run, share, pages: script.c) and the freestanding
 * mmld-exec-stub (exec-stub/script.c). */
#ifndef MMLD_SHEBANG_H
#define MMLD_SHEBANG_H
#include <stddef.h>

/* How much of a file the kernel reads to decide how to run it (BINPRM_BUF_SIZE). */
#define SHEBANG_BUF 256
/* How many #! scripts may stand before the ELF file, each the interpreter of the one before
 * (fs/exec.c: the sixth rewrite is refused with ELOOP). */
#define SHEBANG_DEPTH 5

enum shebang {
	SHEBANG_NONE,      /* no "#!": an ELF file, or something the kernel refuses (ENOEXEC) */
	SHEBANG_SCRIPT,    /* *interp, and *arg or NULL */
	SHEBANG_NO_INTERP, /* "#!" and blanks only (ENOEXEC) */
	SHEBANG_TOO_LONG,  /* no newline in the first 256 bytes, and the interpreter's name
			    * does not end in them (ENOEXEC) */
};

/* buf: the first n bytes of a file (n <= SHEBANG_BUF), in a buffer of SHEBANG_BUF + 1 bytes,
 * which is cut into strings. *interp: the interpreter; *arg: the rest of the line, the one
 * argument (blanks inside kept, around it dropped), or NULL. */
enum shebang shebang_parse(char *buf, size_t n, char **interp, char **arg);

/* The interpreter's argv in v (room for argc + 3): INTERP [ARG] PATH ARGV[1]... NULL, the
 * script's argv[0] dropped as the kernel drops it. Returns the new argc. */
int shebang_argv(char **v, char *interp, char *arg, char *path, char *const *argv, int argc);

/* One line for a refused #! line. */
const char *shebang_problem(enum shebang k);
#endif
