#ifndef MMLD_PAGES_H
#define MMLD_PAGES_H
#include "rtld.h"
/* LD_DEBUG=pages: this process's pages per object, from /proc/self/pagemap (and
 * /proc/kpagecount when readable): mapped, resident, shared with other processes, copied on
 * write, and written by the object's relocations. */
HIDDEN void pages_report(void);
/* Distinct pages of d its relocation tables write (RELR, RELA, PLT). */
HIDDEN size_t pages_written_by_relocs(const struct dso *d);
#endif
