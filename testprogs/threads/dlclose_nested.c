/* dlclose called from a destructor that dlclose is running: libnest_outer.so's constructor
 * dlopens libnest_inner.so, its destructor dlcloses it. dlclose(outer) must finish the
 * outer destructor first (the inner dlclose only drops the handle) and unload the inner
 * library after, as glibc does.
 *
 * usage: dlclose_nested   prints the order of events. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
	void *h = dlopen("libnest_outer.so", RTLD_NOW);
	printf("main: outer %s\n", h ? "opened" : dlerror());
	if (!h)
		return 1;
	printf("main: dlclose(outer) = %d\n", dlclose(h));
	printf("main: inner still loaded: %s\n", dlopen("libnest_inner.so", RTLD_NOW | RTLD_NOLOAD) ? "yes" : "no");
	printf("main: outer still loaded: %s\n", dlopen("libnest_outer.so", RTLD_NOW | RTLD_NOLOAD) ? "yes" : "no");
	return 0;
}
