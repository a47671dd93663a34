/* A library bound to a symbol of an RTLD_GLOBAL library (not its DT_NEEDED) keeps that
 * library loaded after its own handle is closed, until the user goes too. */
#include <dlfcn.h>
#include <stdio.h>

#include "dl_loaded.h"

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	void *g = dlopen("libdl_dlc.so", RTLD_NOW | RTLD_GLOBAL);
	void *u = dlopen("libdl_dlc_user.so", RTLD_NOW);
	int (*calls)(void) = (int (*)(void))dlsym(u, "user_calls");
	printf("user_calls: %d\n", calls());
	dlclose(g);
	printf("global library closed while used: %s\n", loaded("libdl_dlc.so"));
	printf("user_calls still works: %d\n", calls());
	return 0;
}
