/* The dynamic-linking API of glibc, through whichever loader runs this program. Prints only
 * facts (names, values, dlerror texts), never addresses, so the system loader's output is the
 * expected output. Libraries are found through DT_RUNPATH $ORIGIN. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *base(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : (p && *p ? p : "(main)");
}

static void show_error(const char *what)
{
	const char *e = dlerror();
	printf("%s: %s\n", what, e ? (strstr(e, "libdl_") || strstr(e, "nosuch") ? strrchr(e, '/') ? strrchr(e, '/') + 1 : e : e) : "(no error)");
}

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	int *n = data;
	if (strstr(info->dlpi_name, "libdl_"))
		printf("  dl_iterate_phdr: %s, %d segments, tls module %s\n", base(info->dlpi_name), info->dlpi_phnum,
		       info->dlpi_tls_modid ? "yes" : "no");
	(*n)++;
	return 0;
}

/* A thread that exists before libdl_ie.so is loaded, then reads its initial-exec TLS. */
static pthread_barrier_t before, after;
static int (*ie_get)(void);
static void *early_thread(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&before);
	pthread_barrier_wait(&after);
	return (void *)(long)ie_get();
}

static void *tls_thread(void *arg)
{
	int *(*addr)(void) = arg;
	int *p = addr();
	int fresh = *p;
	*p = 1000;
	return (void *)(long)fresh;
}

int main(void)
{
	/* A missing library, and RTLD_NOLOAD of one not loaded. */
	if (!dlopen("libnosuch.so", RTLD_NOW))
		show_error("dlopen libnosuch.so");
	printf("RTLD_NOLOAD before loading: %s\n", dlopen("libdl_a.so", RTLD_NOW | RTLD_NOLOAD) ? "loaded" : "NULL");

	/* RTLD_LOCAL: reachable through its handle only. */
	void *a = dlopen("libdl_a.so", RTLD_NOW | RTLD_LOCAL);
	printf("dlopen libdl_a.so: %s\n", a ? "ok" : dlerror());
	int (*a_get)(void) = (int (*)(void))dlsym(a, "a_get");
	printf("dlsym(handle, a_get)() = %d\n", a_get ? a_get() : -1);
	printf("dlsym(RTLD_DEFAULT, a_get) with RTLD_LOCAL: %s\n", dlsym(RTLD_DEFAULT, "a_get") ? "found" : "NULL");
	dlerror();
	if (!dlsym(a, "no_such_symbol"))
		show_error("dlsym no_such_symbol");
	printf("RTLD_NOLOAD after loading: %s\n", dlopen("libdl_a.so", RTLD_NOW | RTLD_NOLOAD) ? "loaded" : "NULL");

	/* Dynamic TLS in a dlopen'ed library: a new thread starts from the TLS image. */
	int *(*tls_addr)(void) = (int *(*)(void))dlsym(a, "a_tls_addr");
	printf("a_tls in main thread: %d\n", *tls_addr());
	*tls_addr() = 99;
	pthread_t t;
	void *fresh;
	pthread_create(&t, NULL, tls_thread, tls_addr);
	pthread_join(t, &fresh);
	printf("a_tls in a new thread: %ld, main thread still: %d\n", (long)fresh, *tls_addr());

	/* dladdr, dlinfo, dl_iterate_phdr. */
	Dl_info info;
	int *a_value = dlsym(a, "a_value");
	if (dladdr(a_value, &info))
		printf("dladdr(a_value): %s in %s\n", info.dli_sname, base(info.dli_fname));
	if (dladdr((void *)main, &info))
		printf("dladdr(main): %s\n", info.dli_sname ? info.dli_sname : "(no name: not exported)");
	struct link_map *lm;
	if (dlinfo(a, RTLD_DI_LINKMAP, &lm) == 0)
		printf("dlinfo LINKMAP: %s\n", base(lm->l_name));
	int count = 0;
	dl_iterate_phdr(phdr_cb, &count);
	printf("dl_iterate_phdr saw the program first and %s objects\n", count > 4 ? "more than 4" : "few");

	/* RTLD_GLOBAL makes a library's symbols visible to everyone; RTLD_NEXT skips one. */
	void *b = dlopen("libdl_b.so", RTLD_LAZY | RTLD_GLOBAL);
	printf("dlopen libdl_b.so RTLD_GLOBAL: %s\n", b ? "ok" : dlerror());
	int (*c_only)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "c_only");
	printf("dlsym(RTLD_DEFAULT, c_only) = %d\n", c_only ? c_only() : -1);
	int (*b_next)(void) = (int (*)(void))dlsym(b, "b_calls_next");
	printf("RTLD_NEXT from libdl_b finds next_target = %d\n", b_next ? b_next() : -1);

	/* RTLD_NOW with an unresolvable symbol fails; RTLD_LAZY succeeds. */
	if (!dlopen("libdl_undef.so", RTLD_NOW))
		show_error("dlopen libdl_undef.so RTLD_NOW");
	void *u = dlopen("libdl_undef.so", RTLD_LAZY);
	if (u)
		puts("dlopen libdl_undef.so RTLD_LAZY: ok");
	else
		show_error("dlopen libdl_undef.so RTLD_LAZY (LD_BIND_NOW makes it fail)");
	if (u) {
		int (*h)(void) = (int (*)(void))dlsym(u, "harmless");
		printf("harmless() = %d\n", h ? h() : -1);
	}

	/* Initial-exec TLS in a dlopen'ed library, seen by a thread that was already running. */
	pthread_barrier_init(&before, NULL, 2);
	pthread_barrier_init(&after, NULL, 2);
	pthread_t early;
	pthread_create(&early, NULL, early_thread, NULL);
	pthread_barrier_wait(&before);
	void *ie = dlopen("libdl_ie.so", RTLD_NOW);
	printf("dlopen libdl_ie.so (initial-exec TLS): %s\n", ie ? "ok" : dlerror());
	ie_get = (int (*)(void))dlsym(ie, "ie_get");
	void (*ie_set)(int) = (void (*)(int))dlsym(ie, "ie_set");
	ie_set(18);
	pthread_barrier_wait(&after);
	void *early_value;
	pthread_join(early, &early_value);
	printf("ie_var: main thread %d, earlier thread %ld\n", ie_get(), (long)early_value);

	/* NODELETE: still there after dlclose. */
	void *c = dlopen("libdl_c.so", RTLD_NOW | RTLD_NODELETE);
	printf("dlclose(libdl_c.so) = %d\n", dlclose(c));
	printf("libdl_c.so after dlclose with NODELETE: %s\n",
	       dlopen("libdl_c.so", RTLD_NOW | RTLD_NOLOAD) ? "still loaded" : "gone");
	printf("dlclose(libdl_a.so) = %d\n", dlclose(a));
	dlopen("", RTLD_NOW) ? puts("dlopen(\"\") gives the program") : puts("dlopen(\"\") failed");
	return 0;
}
