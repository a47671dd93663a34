/* A library whose constructor registers fork handlers that use the loader (atfork_loader). */
#include <dlfcn.h>
#include <pthread.h>

static int prepared, parent, child;

static int use_loader(void)
{
	void *h = dlopen("libtls_mod3.so", RTLD_LAZY);
	int ok = h && dlsym(h, "tls_touch");
	if (h)
		dlclose(h);
	return ok;
}
static void on_prepare(void) { prepared += use_loader(); }
static void on_parent(void) { parent += use_loader(); }
static void on_child(void) { child += use_loader(); }

__attribute__((constructor)) static void register_handlers(void) { pthread_atfork(on_prepare, on_parent, on_child); }

int atfork_lib_counts(int *p, int *q, int *c)
{
	*p = prepared, *q = parent, *c = child;
	return 0;
}
