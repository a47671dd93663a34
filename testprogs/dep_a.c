#include "nolibc/nolibc.h"
const char *who(void);
const char *c_only(void);
const char *a_calls_who(void) { return who(); }
__attribute__((constructor)) static void ctor(void)
{
	out("init: liba (c_only says ");
	out(c_only());
	outln(")");
}
__attribute__((destructor)) static void dtor(void) { outln("fini: liba"); }
