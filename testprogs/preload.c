/* LD_PRELOAD: defines who() too; preloaded objects come right after the program in the
 * global scope, so this one wins over libb's and libc_dep's. */
#include "nolibc/nolibc.h"
const char *who(void) { return "preloaded"; }
__attribute__((constructor)) static void ctor(void) { outln("init: preload"); }
