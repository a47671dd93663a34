/* Walks _r_debug.r_map itself, as glibc's circleload1 and neededtest do. The program has a
 * copy of _r_debug (a COPY relocation), so it sees what the loader had put there when it
 * relocated the program; the list reached from r_map must still be the live one, dlopen'ed
 * libraries included. The dynamic linker's own entry is printed under one name for both
 * loaders. */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

static void walk(const char *when)
{
	printf("%s: r_version %d\n", when, _r_debug.r_version);
	for (struct link_map *m = _r_debug.r_map; m; m = m->l_next) {
		const char *slash = strrchr(m->l_name, '/');
		const char *base = slash ? slash + 1 : m->l_name;
		if (strncmp(base, "ld-", 3) == 0)
			base = "(the dynamic linker)";
		printf("  [%s]\n", m->l_name[0] ? base : "(the program)");
	}
}

int main(int argc, char **argv)
{
	walk("at start");
	for (int i = 1; i < argc; i++)
		if (!dlopen(argv[i], RTLD_NOW))
			printf("%s: %s\n", argv[i], dlerror());
	walk("after dlopen");
	return 0;
}
