/* RTLD_NEXT: libdl_b and libdl_c both define next_target; libdl_b asks for the next one. */
#define _GNU_SOURCE
#include <dlfcn.h>
int next_target(void) { return 2; }
int b_calls_next(void)
{
	int (*f)(void) = (int (*)(void))dlsym(RTLD_NEXT, "next_target");
	return f ? f() : -1;
}
