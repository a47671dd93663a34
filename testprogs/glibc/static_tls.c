/* Static TLS left for libraries dlopen'ed with initial-exec TLS: dlopens each library named
 * on the command line (libstatic_tls4k.so, libstatic_tls8k.so: 4 and 8 KiB of initial-exec
 * TLS), then calls its function in a new thread, which must find the library's TLS in its
 * own static block. How much fits is decided by GLIBC_TUNABLES' glibc.rtld.optional_static_tls
 * and glibc.rtld.nns, as glibc's _dl_tls_static_surplus_init sizes the surplus: prints, for
 * each library, what it returned or dlerror()'s words. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static void *call(void *f) { return (void *)(long)((int (*)(void))f)(); }

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		void *h = dlopen(argv[i], RTLD_NOW);
		if (!h) {
			printf("%s\n", dlerror());
			continue;
		}
		void *f = dlsym(h, "static_tls_touch");
		pthread_t t;
		void *r = NULL;
		if (!f || pthread_create(&t, NULL, call, f) || pthread_join(t, &r))
			return 1;
		printf("%s: %ld in a new thread\n", argv[i], (long)r);
	}
	return 0;
}
