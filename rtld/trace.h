/* ldd's questions (trace.c). */
#ifndef MMLD_TRACE_H
#define MMLD_TRACE_H
#include "rtld.h"

/* --list and LD_TRACE_LOADED_OBJECTS, once every object is loaded and its versions checked:
 * prints what ldd asked for (the list; LD_WARN's undefined symbols; LD_VERBOSE's versions;
 * LD_DEBUG=unused's unused dependencies instead of the list) and exits. */
HIDDEN __attribute__((noreturn)) void trace_report(void);
/* ld-mmld.so's own file by its real path (what /proc/self/maps says is mapped at its first
 * address), or NULL. */
HIDDEN const char *trace_self_path(void);
#endif
