#ifndef MMLD_CHAIN_LOAD_H
#define MMLD_CHAIN_LOAD_H
#include "rtld.h"
/* Direct mode, after PROGRAM (d, from path) is mapped and argv is the program's: exits with
 * glibc's line if d is a dynamic linker, executes path again if d needs none (no DT_NEEDED,
 * no PT_INTERP); returns for an ordinary dynamically linked program. */
HIDDEN void chain_load(const struct dso *d, const char *path, bool has_interp);
#endif
