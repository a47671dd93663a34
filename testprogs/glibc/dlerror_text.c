/* dlerror()'s words for failures whose names are long or odd: dlopen of names of 1,000 to
 * 70,000 bytes and dlsym of a 3,000-byte symbol (the reason must survive the long name),
 * RTLD_NOLOAD of a file that does not exist (an error, not a quiet NULL), a directory, and a
 * missing symbol with a version. Prints each message's length and its end. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *what)
{
	const char *e = dlerror();
	if (!e) {
		printf("%s: no error\n", what);
		return;
	}
	size_t n = strlen(e);
	printf("%s: %zu bytes, ends \"%s\"\n", what, n, n > 70 ? e + n - 70 : e);
}

int main(void)
{
	static const size_t lengths[] = {1000, 4095, 4096, 5000, 70000};
	for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		char *name = malloc(lengths[i] + 1);
		name[0] = '/';
		memset(name + 1, 'q', lengths[i] - 1);
		name[lengths[i]] = 0;
		char what[32];
		snprintf(what, sizeof what, "dlopen of %zu bytes", lengths[i]);
		if (dlopen(name, RTLD_NOW))
			return 1;
		show(what);
		free(name);
	}
	char sym[3001];
	memset(sym, 's', 3000);
	sym[3000] = 0;
	if (dlsym(RTLD_DEFAULT, sym))
		return 1;
	show("dlsym of 3000 bytes");
	if (dlvsym(RTLD_DEFAULT, "no_such_function", "GLIBC_2.2.5"))
		return 1;
	show("dlvsym of a missing symbol");
	if (dlopen("./no_such_library.so", RTLD_NOW | RTLD_NOLOAD))
		return 1;
	show("RTLD_NOLOAD of a missing file");
	if (dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD) == NULL)
		return 1;
	show("RTLD_NOLOAD of a loaded library");
	if (dlopen("/", RTLD_NOW))
		return 1;
	show("dlopen of a directory");
	return 0;
}
