/* What audit modules can see and change, through whichever loader runs this program (with
 * LD_AUDIT=libauditlog-a.so:libauditlog-b.so or --audit): calls through the PLT with register,
 * floating and stack arguments (la_pltenter, la_pltexit), an argument, a result and a binding
 * changed by a module, dlopen of a name a module redirects and of one it refuses, dlsym
 * (LA_SYMB_DLSYM), a namespace of its own (dlmopen), dlclose. Prints results, never
 * addresses: the system loader's output is the expected one. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

int audit_args(long a, long b, long c, double x);
int audit_changed_arg(int a, int b);
int audit_changed_ret(void);
int audit_redirected(void);
int audit_plain_noexit(int a);
long audit_many(long a, long b, long c, long d, long e, long f, long g, long h, long i, long j);
double audit_double(double x, double y);
long double audit_long_double(long double x);

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("audit_args: %d\n", audit_args(1, 2, 3, 2.5));
	printf("audit_changed_arg(5, 6): %d\n", audit_changed_arg(5, 6));
	printf("audit_changed_ret: %d\n", audit_changed_ret());
	printf("audit_redirected: %d\n", audit_redirected());
	printf("audit_plain_noexit: %d\n", audit_plain_noexit(41));
	printf("audit_many: %ld\n", audit_many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
	printf("audit_double: %g\n", audit_double(1.5, 4));
	printf("audit_long_double: %Lg\n", audit_long_double(1.25L));

	void *alias = dlopen("libauditalias.so", RTLD_NOW);
	int (*second)(int) = alias ? (int (*)(int))dlsym(alias, "audit_second") : NULL;
	printf("dlopen libauditalias.so: %s, audit_second(6) = %d\n", alias ? "loaded" : dlerror(), second ? second(6) : -1);
	void *refused = dlopen("libauditrefused.so", RTLD_NOW);
	printf("dlopen libauditrefused.so: %s\n", refused ? "loaded" : dlerror());
	void *ns = dlmopen(LM_ID_NEWLM, "libauditns.so", RTLD_NOW);
	int (*in_ns)(int) = ns ? (int (*)(int))dlsym(ns, "audit_ns") : NULL;
	printf("dlmopen libauditns.so: %s, audit_ns(4) = %d\n", ns ? "loaded" : dlerror(), in_ns ? in_ns(4) : -1);
	if (ns)
		dlclose(ns);
	if (alias)
		dlclose(alias);
	printf("done\n");
	return 0;
}
