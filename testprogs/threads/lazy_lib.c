/* A thousand and a hundred functions, each returning its own number: a call bound to the
 * wrong slot's function says so. */
#include "many.h"
#define DEF(n) int fn##n(void) { return n; }
X3(DEF, 1)
X2(DEF, 20)
