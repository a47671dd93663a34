/* Registers exit handlers from a library (atexit here is __cxa_atexit with this object's
 * __dso_handle): they must run when the library is dlclose'd, through __cxa_finalize in its
 * finaliser (glibc's bug-atexit1..3), or at exit if it never is. */
#include <stdio.h>
#include <stdlib.h>

static const char *tag = "?";

static void handler(void)
{
	printf("atexit handler of the library (%s)\n", tag);
	fflush(stdout);
}

void register_handlers(const char *t)
{
	tag = t;
	atexit(handler);
}

__attribute__((destructor)) static void fini(void)
{
	printf("destructor of the library (%s)\n", tag);
	fflush(stdout);
}
