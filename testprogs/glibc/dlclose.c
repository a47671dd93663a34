/* dlclose as glibc does it: destructors at dlclose, a reload starts fresh, handles count,
 * dependencies go with their user, NODELETE stays, and a library that another one is bound
 * to stays until that one goes. Prints facts only (the system loader's output is expected). */
#include <dlfcn.h>
#include <stdio.h>

#include "dl_loaded.h"

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	void *h = dlopen("libdl_dlc.so", RTLD_NOW);
	int (*bump)(void) = (int (*)(void))dlsym(h, "dlc_bump");
	printf("bump: %d\n", bump());
	puts("dlclose:");
	printf("dlclose returned %d\n", dlclose(h));
	printf("after dlclose: %s\n", loaded("libdl_dlc.so"));

	h = dlopen("libdl_dlc.so", RTLD_NOW);
	bump = (int (*)(void))dlsym(h, "dlc_bump");
	printf("reopened, bump: %d (fresh data)\n", bump());
	void *h2 = dlopen("libdl_dlc.so", RTLD_NOW);
	dlclose(h);
	printf("two handles, one closed: %s\n", loaded("libdl_dlc.so"));
	dlclose(h2);
	printf("both closed: %s\n", loaded("libdl_dlc.so"));

	/* A dependency goes with its only user (libdl_b needs libdl_c). */
	void *b = dlopen("libdl_b.so", RTLD_NOW);
	printf("libdl_b open, its dependency libdl_c: %s\n", loaded("libdl_c.so"));
	dlclose(b);
	printf("libdl_b closed, libdl_c: %s\n", loaded("libdl_c.so"));

	/* NODELETE stays. */
	void *n = dlopen("libdl_dlc.so", RTLD_NOW | RTLD_NODELETE);
	dlclose(n);
	printf("NODELETE closed: %s\n", loaded("libdl_dlc.so"));
	return 0;
}
