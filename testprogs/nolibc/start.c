/* The program half of start-up (only linked into executables): run the program's own
 * initialisers (a dynamic linker never runs the program's DT_INIT_ARRAY; glibc's
 * __libc_start_main does), main, then the dynamic linker's finaliser, which runs every
 * object's finalisers including the program's. */
#include "nolibc.h"

extern void (*__init_array_start[])(int, char **, char **) NL;
extern void (*__init_array_end[])(int, char **, char **) NL;

NL __attribute__((used)) void nolibc_start(uintptr_t *sp, void (*rtld_fini)(void))
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **e = envp;
	while (*e)
		e++;
	nl_environ = envp;
	nl_auxv = (unsigned long *)(e + 1);
	for (size_t i = 0; i < (size_t)(__init_array_end - __init_array_start); i++)
		__init_array_start[i](argc, argv, envp);
	int rc = main(argc, argv, envp);
	/* NOLIBC_SKIP_FINI: the tests set it when the system loader is the oracle, because
	 * glibc's _dl_fini asserts (dl-fini.c: i == nloaded) in a process without libc.so.6. */
	if (rtld_fini && !nl_getenv("NOLIBC_SKIP_FINI"))
		rtld_fini();
	nl_exit(rc);
}
