/* which() is defined by the program, by this library and by libnext_which_b.so, in that
 * search order. RTLD_NEXT from here must skip the program and this library: libb's. */
#define _GNU_SOURCE
#include <dlfcn.h>

const char *which(void) { return "liba"; }

const char *which_next_from_a(void)
{
	const char *(*f)(void) = (const char *(*)(void))dlsym(RTLD_NEXT, "which");
	return f ? f() : dlerror();
}
