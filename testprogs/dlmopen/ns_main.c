/* dlmopen and link-map namespaces, through whichever loader runs this program: namespaces
 * with their own copy of libc.so.6 (libnsmod.so needs it), lookups inside and across them,
 * dlerror from inside, initial-exec TLS in threads that already exist, the debugger's
 * r_debug chain (r_version 2, r_next), namespaces given back by dlclose, and the limits (the
 * static TLS surplus each namespace's libc.so.6 takes a piece of). Prints facts, never
 * addresses: the system loader's output is the expected one. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct r_debug_ext {
	struct r_debug base;
	struct r_debug_ext *r_next;
};

static const char *base(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	const char *b = s ? s + 1 : p && *p ? p : "(main)";
	return strstr(b, "ld-linux") || strstr(b, "ld-mmld") ? "(the dynamic linker)" : b;
}

static const char *err(void)
{
	const char *e = dlerror();
	return e ? e : "(no error)";
}

static long lmid(void *h)
{
	Lmid_t ns = -10;
	if (dlinfo(h, RTLD_DI_LMID, &ns) != 0)
		printf("dlinfo: %s\n", err());
	return ns;
}

/* What a debugger sees: the r_debug DT_DEBUG points to, and each namespace chained to it. */
static void show_debugger_view(const char *when)
{
	struct r_debug_ext *r = NULL;
	for (ElfW(Dyn) *d = _DYNAMIC; d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_DEBUG)
			r = (struct r_debug_ext *)d->d_un.d_ptr;
	printf("debugger's view %s: r_version %d\n", when, r->base.r_version);
	int i = 0;
	for (struct r_debug_ext *e = r; e; e = r->base.r_version >= 2 ? e->r_next : NULL, i++) {
		printf("  namespace list %d:", i);
		if (!e->base.r_map)
			printf(" (empty)");
		for (struct link_map *m = e->base.r_map; m; m = m->l_next)
			printf(" %s", base(m->l_name));
		printf("%s\n", e->base.r_brk ? "" : " (no breakpoint address)");
	}
}

struct ns_api {
	const char *(*report)(long);
	const char *(*errors)(const char *);
	const char *(*lookup)(const char *);
	int (*gethost)(void);
	int (*dep_tls)(void);
};

static struct ns_api api_of(void *h)
{
	struct ns_api a = {dlsym(h, "ns_report"), dlsym(h, "ns_errors"), dlsym(h, "ns_lookup"),
			   dlsym(h, "ns_gethostbyname"), dlsym(h, "ns_dep_tls")};
	return a;
}

/* A thread that exists before any namespace is made, and reads a namespace's initial-exec
 * TLS once it is there. */
static pthread_barrier_t go, done;
static int (*thread_reads)(void);
static int thread_saw;
static void *early_thread(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&go);
	thread_saw = thread_reads();
	pthread_barrier_wait(&done);
	return NULL;
}

static void *open_ns(long ns, const char *file, int mode, const char *what)
{
	void *h = dlmopen(ns, file, mode);
	if (!h)
		printf("%s: %s\n", what, err());
	return h;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	printf("program's libc.so.6 in namespace %ld\n", lmid(libc));
	show_debugger_view("before dlmopen");
	pthread_t t;
	pthread_barrier_init(&go, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	pthread_create(&t, NULL, early_thread, NULL);

	/* A new namespace, with its own libc.so.6; $ORIGIN is the program's directory. */
	void *h1 = open_ns(LM_ID_NEWLM, "$ORIGIN/libnsmod.so", RTLD_LAZY, "dlmopen $ORIGIN/libnsmod.so");
	long ns1 = lmid(h1);
	printf("libnsmod.so in namespace %ld\n", ns1);
	struct ns_api a1 = api_of(h1);
	printf("from inside it:\n%s", a1.report(ns1));
	printf("its printf is another copy than the program's: %s\n", dlsym(h1, "printf") != (void *)printf ? "yes" : "no");
	printf("its libnsmod.so from the program's namespace: %s\n", dlsym(RTLD_DEFAULT, "ns_report") ? "found" : "not found");
	dlerror();
	printf("libnsdep.so loaded in the program's namespace: %s\n",
	       dlopen("libnsdep.so", RTLD_NOW | RTLD_NOLOAD) ? "yes" : "no");
	printf("dep_value from inside: %s; ns_report: %s\n", a1.lookup("dep_value"), a1.lookup("ns_report"));
	printf("errors from inside:\n%s", a1.errors("does not exist X"));
	printf("gethostbyname(localhost) from inside: %s\n", a1.gethost() ? "found" : "not found");
	thread_reads = a1.dep_tls;
	pthread_barrier_wait(&go);
	pthread_barrier_wait(&done);
	pthread_join(t, NULL);
	printf("a thread older than the namespace reads its initial-exec TLS: %d\n", thread_saw);
	show_debugger_view("after one dlmopen");

	/* The same file again: into that namespace it is the same object; a new one gets a copy. */
	void *again = open_ns(ns1, "libnsmod.so", RTLD_NOW, "dlmopen into namespace 1");
	printf("dlmopen into its namespace again: %s\n", again == h1 ? "the same handle" : "another handle");
	void *h2 = open_ns(LM_ID_NEWLM, "$ORIGIN/libnsmod.so", RTLD_NOW, "second dlmopen");
	long ns2 = lmid(h2);
	printf("a second copy in namespace %ld; from inside it:\n%s", ns2, api_of(h2).report(ns2));
	printf("the first copy's constructor still ran once:\n%s", a1.report(ns1));
	show_debugger_view("with two namespaces");

	/* What is refused. */
	open_ns(9, "libnsmod.so", RTLD_NOW, "dlmopen into unused namespace 9");
	open_ns(-7, "libnsmod.so", RTLD_NOW, "dlmopen into namespace -7");
	open_ns(LM_ID_NEWLM, "libnsmod.so", RTLD_NOW | RTLD_GLOBAL, "dlmopen RTLD_GLOBAL");
	open_ns(LM_ID_NEWLM, NULL, RTLD_NOW, "dlmopen of the program");
	open_ns(LM_ID_NEWLM, "libnosuch.so", RTLD_NOW, "dlmopen libnosuch.so");
	show_debugger_view("after the refusals");

	/* Given back: closing a namespace's last handle empties it, and it is given out again. */
	dlclose(again);
	dlclose(h1);
	printf("after dlclose, RTLD_NOLOAD in namespace 1: %s\n",
	       dlmopen(ns1, "libnsmod.so", RTLD_NOW | RTLD_NOLOAD) ? "loaded" : err());
	show_debugger_view("after closing namespace 1");
	void *h3 = open_ns(LM_ID_NEWLM, "$ORIGIN/libnsmod.so", RTLD_NOW, "third dlmopen");
	printf("the next dlmopen gets namespace %ld\n", lmid(h3));
	dlclose(h3);
	dlclose(h2);

	/* The static TLS surplus: every namespace's libc.so.6 and libnsdep.so take some. */
	void *hs[16];
	int n = 0;
	while (n < 16 && (hs[n] = dlmopen(LM_ID_NEWLM, "$ORIGIN/libnsmod.so", RTLD_NOW)))
		n++;
	printf("namespaces opened at once: %d, then: %s\n", n, base(err()));
	void *big = dlopen("$ORIGIN/libnsbigtls.so", RTLD_NOW);
	printf("1200 bytes of initial-exec TLS meanwhile: %s\n", big ? "loaded" : base(err()));
	while (n > 0)
		dlclose(hs[--n]);
	for (int i = 0; i < 40; i++) {
		void *h = dlmopen(LM_ID_NEWLM, "$ORIGIN/libnsmod.so", RTLD_NOW);
		if (!h) {
			printf("round %d: %s\n", i, err());
			break;
		}
		dlclose(h);
	}
	printf("40 rounds of dlmopen and dlclose: done\n");
	big = dlopen("$ORIGIN/libnsbigtls.so", RTLD_NOW);
	printf("1200 bytes of initial-exec TLS now: %s\n", big ? "loaded" : base(err()));
	show_debugger_view("at the end");
	return 0;
}
