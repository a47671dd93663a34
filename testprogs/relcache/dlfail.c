/* A dlopen that fails while relocating (libdl_undef.so: a missing function, RTLD_NOW), then
 * one that succeeds, many times over: the relocation cache must drop what it was doing for the
 * failed object before the rollback frees it, whatever address the next object gets. With
 * libdl_a.so's TLS, its module id is given back and taken again each round. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
	int rounds = 0;
	for (int i = 0; i < 40; i++) {
		if (dlopen("libdl_undef.so", RTLD_NOW)) {
			puts("libdl_undef.so loaded with RTLD_NOW");
			return 1;
		}
		void *a = dlopen("libdl_a.so", RTLD_NOW);
		int (*get)(void) = a ? (int (*)(void))dlsym(a, "a_get") : NULL;
		int *(*tls)(void) = a ? (int *(*)(void))dlsym(a, "a_tls_addr") : NULL;
		if (!get || !tls || get() != 42 || *tls() != 7) {
			printf("round %d: libdl_a.so wrong (%s)\n", i, dlerror());
			return 1;
		}
		dlclose(a);
		rounds++;
	}
	printf("%d rounds\n", rounds);
	return 0;
}
