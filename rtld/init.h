#ifndef MMLD_INIT_H
#define MMLD_INIT_H
#include "rtld.h"
/* Runs the program's DT_PREINIT_ARRAY, then every library's DT_INIT and DT_INIT_ARRAY,
 * dependencies before the objects that need them. The program's own initialisers are left
 * to its start code (glibc's __libc_start_main runs them; ld.so never does). */
HIDDEN void init_run_all(void);
/* The finaliser given to the program in %rdx: finalisers of every initialised object, in
 * the reverse order of initialisation: the program's first. Unlike its initialisers, the
 * program's finalisers are ours to run (glibc's _dl_fini does; __libc_start_main only
 * registers this function with atexit). */
HIDDEN void rtld_fini(void);
#endif
