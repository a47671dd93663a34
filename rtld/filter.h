/* Filter objects: DT_FILTER (a standard filter) and DT_AUXILIARY (an auxiliary one) name a
 * filtee, an object whose definitions take the place of the filter's own. */
#ifndef MMLD_FILTER_H
#define MMLD_FILTER_H
#include "deps.h"

/* For the DT_FILTER or DT_AUXILIARY entry e of d: loads the filtee (an auxiliary one only if
 * it can be found), puts it just before d in d's namespace's global scope when d is there,
 * and records it in d->filtees. Returns the filtee (the caller adds it to d's
 * dependencies), or NULL when an auxiliary one is missing. */
HIDDEN struct dso *filter_load(struct dso *d, const Elf64_Dyn *e, deps_loader load);
/* In a search list (list[0..n)), moves each object's filtees just before it, as glibc
 * builds search lists. */
HIDDEN void filter_order(struct dso **list, size_t n);
#endif
