/* dlopen each argument with RTLD_NOW and say what happened: dlerror(), or the handle's
 * origin (dlinfo RTLD_DI_ORIGIN). Paths in messages are the caller's, so both loaders print
 * the same. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		void *h = dlopen(argv[i], RTLD_NOW);
		if (h) {
			char origin[PATH_MAX];
			if (dlinfo(h, RTLD_DI_ORIGIN, origin) != 0)
				snprintf(origin, sizeof origin, "? (%s)", dlerror());
			printf("%s: loaded from %s\n", argv[i], origin);
			dlclose(h);
		} else {
			printf("%s: %s\n", argv[i], dlerror());
		}
	}
	return 0;
}
