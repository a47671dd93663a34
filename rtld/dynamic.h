#ifndef MMLD_DYNAMIC_H
#define MMLD_DYNAMIC_H
#include "rtld.h"

/* Decodes d->dynamic into d->info[] (glibc's l_info) and the typed fields (string and symbol
 * tables, hash tables, versions, RELR), checking that every table lies inside the object's mapped,
 * readable segments. On a malformed table returns -1 with the problem in err. */
HIDDEN int dynamic_decode(struct dso *d, char *err, size_t errlen);
#endif
