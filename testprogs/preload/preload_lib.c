/* One of the objects /etc/ld.so.preload names in tests/e2e/preload.sh, built once per name
 * (WHO): its constructor says it was loaded, and its who() says which preload comes first in
 * the global scope (the first definition wins over libdep_b's). */
#include "nolibc/nolibc.h"
const char *who(void) { return "preload " WHO; }
__attribute__((constructor)) static void ctor(void) { outln("init: preload " WHO); }
