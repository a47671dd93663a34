/* dlopen of each damaged library named on the command line: the error comes back through
 * dlerror() and the program goes on (the system loader crashes on some of them). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		void *h = dlopen(argv[i], RTLD_NOW);
		const char *e = h ? "loaded" : dlerror();
		const char *slash = strrchr(e, '/'); /* the message without the directory */
		printf("%s\n", slash ? slash + 1 : e);
	}
	printf("still running\n");
	return 0;
}
