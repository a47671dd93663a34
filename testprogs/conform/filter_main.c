/* Calls which() and only_here() of the filter it is linked with (filter_main: libflt.so;
 * aux_main: libaux.so), then dlopens each argument and calls them through the handle. */
#include <dlfcn.h>
#include <stdio.h>

const char *which(void);
const char *only_here(void);

int main(int argc, char **argv)
{
	printf("linked: %s, %s\n", which(), only_here());
	for (int i = 1; i < argc; i++) {
		void *h = dlopen(argv[i], RTLD_NOW);
		if (!h) {
			printf("dlopen %s: %s\n", argv[i], dlerror());
			continue;
		}
		const char *(*w)(void) = (const char *(*)(void))dlsym(h, "which");
		printf("dlopen %s: %s\n", argv[i], w ? w() : dlerror());
	}
	return 0;
}
