/* The program exports who() too (-rdynamic): the global scope finds it first, unless the
 * library was opened with RTLD_DEEPBIND. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
const char *who(void) { return "the program"; }
int main(void)
{
	void *plain = dlopen("libdl_deep.so", RTLD_NOW);
	const char *(*call)(void) = (const char *(*)(void))dlsym(plain, "deep_calls_who");
	printf("opened plainly, the library's call of who() reaches %s\n", call());
	dlclose(plain);
	void *deep = dlopen("libdl_deep.so", RTLD_NOW | RTLD_DEEPBIND);
	call = (const char *(*)(void))dlsym(deep, "deep_calls_who");
	printf("opened RTLD_DEEPBIND, it reaches %s\n", call());
	return 0;
}
