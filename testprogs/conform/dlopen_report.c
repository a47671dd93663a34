/* dlopen each argument with RTLD_NOW and say what happened: the handle's fate or dlerror().
 * Paths in messages are the caller's, so both loaders print the same. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		void *h = dlopen(argv[i], RTLD_NOW);
		if (h) {
			printf("%s: loaded\n", argv[i]);
			dlclose(h);
		} else {
			printf("%s: %s\n", argv[i], dlerror());
		}
	}
	return 0;
}
