#ifndef MMLD_FINI_ORDER_H
#define MMLD_FINI_ORDER_H
#include "rtld.h"
/* Namespace ns's objects in the order glibc runs their finalisers at exit (fini_order.c), in
 * a block the caller frees; NULL if it has none or memory ran out (then the caller falls
 * back to the reverse of the initialisation order). */
HIDDEN struct dso **fini_order(unsigned ns, size_t *count);
#endif
