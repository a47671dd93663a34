/* /etc/ld.so.preload: the system-wide preload list. */
#ifndef MMLD_PRELOAD_FILE_H
#define MMLD_PRELOAD_FILE_H
#include "rtld.h"

/* Loads every object /etc/ld.so.preload names, after LD_PRELOAD's and --preload's, each
 * added to the global scope (a missing one reported and skipped). No file: nothing. */
HIDDEN void preload_file_load(void);
#endif
