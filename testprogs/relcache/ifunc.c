/* relcache.sh cache-ifunc-resolver-state: the IFUNC choice (IFUNC_CHOICE=1 or 2) of each
 * library, as this process's resolvers make it. dlopen'ed: their resolvers read the
 * environment, which libc has set up only once its initialiser ran. */
#include <dlfcn.h>
#include <stdio.h>

static int report(const char *lib, const char *fn)
{
	void *h = dlopen(lib, RTLD_NOW);
	int (*f)(void) = h ? (int (*)(void))dlsym(h, fn) : NULL;
	if (!f) {
		printf("%s\n", dlerror());
		return -1;
	}
	return f();
}

int main(void)
{
	int l = report("libifunc_local.so", "report_local");
	int g = report("libifunc_global.so", "report_global");
	printf("local %d global %d\n", l, g);
	return 0;
}
