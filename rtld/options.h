#ifndef MMLD_OPTIONS_H
#define MMLD_OPTIONS_H
#include "rtld.h"
/* Reads LD_* and MMLD_* variables. In secure mode the unsafe ones are ignored (main.c also
 * removes them from the environment, stack_remove_env, so children do not see them). */
HIDDEN void options_from_env(void);
/* True for an environment entry a privileged process must not honour or pass on. */
HIDDEN bool options_env_unsafe(const char *entry);
/* Direct mode: parses `ld-mmld.so [OPTIONS] PROGRAM [ARGS]`; returns argv's index of
 * PROGRAM. Prints help/version or a usage error and exits where glibc's ld.so does. */
HIDDEN int options_from_cmdline(void);
#endif
