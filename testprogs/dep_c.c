#include "nolibc/nolibc.h"
const char *who(void) { return "libc_dep"; }
const char *c_only(void) { return "libc_dep"; }
__attribute__((constructor)) static void ctor(void) { outln("init: libc_dep"); }
__attribute__((destructor)) static void dtor(void) { outln("fini: libc_dep"); }
