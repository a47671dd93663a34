/* One copy of libatexit.so is dlclose'd (its handler must run then, before dlclose returns),
 * the other stays until exit. */
#include <dlfcn.h>
#include <stdio.h>

static void *open_and_register(const char *path, const char *tag)
{
	void *h = dlopen(path, RTLD_NOW);
	if (!h) {
		printf("dlopen %s: %s\n", path, dlerror());
		return NULL;
	}
	void (*reg)(const char *) = (void (*)(const char *))dlsym(h, "register_handlers");
	if (reg)
		reg(tag);
	return h;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	void *closed = open_and_register(argv[1], "dlclose'd");
	open_and_register(argv[2], "kept");
	printf("before dlclose\n");
	fflush(stdout);
	if (closed)
		dlclose(closed);
	printf("after dlclose\n");
	fflush(stdout);
	return 0;
}
