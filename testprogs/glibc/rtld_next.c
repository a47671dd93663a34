/* dlsym(RTLD_NEXT): from an interposing malloc called by another library's constructor, and
 * the order it searches in (after the caller, never before). Compared with the system loader. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

extern unsigned long next_malloc_calls;
extern char *next_ctor_buffer;
const char *which_next_from_a(void);

const char *which(void) { return "program"; }

int main(void)
{
	printf("before main: %s\n", next_ctor_buffer ? next_ctor_buffer : "(malloc failed)");
	void *p = malloc(10);
	printf("malloc in main: %s, through the interposer: %s\n", p ? "ok" : "failed",
	       next_malloc_calls >= 2 ? "yes" : "no");
	free(p);
	printf("which() from the program: %s\n", which());
	printf("RTLD_NEXT which() from liba: %s\n", which_next_from_a());
	const char *(*f)(void) = (const char *(*)(void))dlsym(RTLD_NEXT, "which");
	printf("RTLD_NEXT which() from the program: %s\n", f ? f() : dlerror());
	return 0;
}
