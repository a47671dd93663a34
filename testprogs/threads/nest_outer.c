/* Opens libnest_inner.so in its constructor and closes it in its destructor. */
#include <dlfcn.h>
#include <stdio.h>
static void *inner;
__attribute__((constructor)) static void init(void)
{
	inner = dlopen("libnest_inner.so", RTLD_NOW);
	printf("outer constructor: inner %s\n", inner ? "opened" : dlerror());
}
__attribute__((destructor)) static void fini(void)
{
	printf("outer destructor: start\n");
	fflush(stdout);
	int r = dlclose(inner);
	printf("outer destructor: dlclose(inner) = %d, end\n", r);
	fflush(stdout);
}
