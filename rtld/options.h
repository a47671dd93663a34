#ifndef MMLD_OPTIONS_H
#define MMLD_OPTIONS_H
#include "rtld.h"
/* Reads LD_* and MMLD_* variables. In secure mode the unsafe ones are ignored and removed
 * from the environment, so a privileged program's children do not see them either. */
HIDDEN void options_from_env(void);
/* Direct mode: parses `ld-mmld.so [OPTIONS] PROGRAM [ARGS]`; returns argv's index of
 * PROGRAM. Prints help/version or a usage error and exits where glibc's ld.so does. */
HIDDEN int options_from_cmdline(void);
#endif
