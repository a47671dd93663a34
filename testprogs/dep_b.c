#include "nolibc/nolibc.h"
const char *who(void) { return "libb"; }
int b_value(void) { return 42; }
__attribute__((constructor)) static void ctor(void) { outln("init: libb"); }
__attribute__((destructor)) static void dtor(void) { outln("fini: libb"); }
