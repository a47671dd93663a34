#ifndef MMLD_INIT_H
#define MMLD_INIT_H
#include "rtld.h"
/* Runs the program's DT_PREINIT_ARRAY, then every library's DT_INIT and DT_INIT_ARRAY,
 * dependencies before the objects that need them. The program's own initialisers are left
 * to its start code (glibc's __libc_start_main runs them; ld.so never does). */
HIDDEN void init_run_all(void);
/* Every constructor and finaliser address of d is code (else the one-line error), checked
 * after relocation and before anything runs: at start-up nothing has run yet, in dlopen
 * the error is dlerror()'s and the objects are unloaded again. */
HIDDEN void init_check(const struct dso *d);
/* The start-up objects in initialisation order, dependencies first (computed once). The
 * same order serves relocation: an object's IFUNC resolvers and copy relocations need the
 * objects it depends on relocated already. */
HIDDEN struct dso **init_order(size_t *n);
/* Runs the initialisers of objects from `first` on (a dlopen), dependencies first, with the
 * arguments the C library keeps; their finalisers join the exit order. */
HIDDEN void init_run_new(struct dso *first, int argc, char **argv, char **envp);
/* dlclose: runs the finalisers of the objects `select` picks, reverse initialisation order;
 * `after` (la_objclose, or NULL) follows each of them. */
HIDDEN void init_fini_selected(bool (*select)(const struct dso *), void (*after)(struct dso *));
/* Takes an unloaded object out of the initialisation order. */
HIDDEN void init_forget(const struct dso *d);
/* The finaliser given to the program in %rdx: finalisers of every initialised object, in
 * the reverse order of initialisation: the program's first. Unlike its initialisers, the
 * program's finalisers are ours to run (glibc's _dl_fini does; __libc_start_main only
 * registers this function with atexit). */
HIDDEN void rtld_fini(void);
#endif
