/* Lookup scopes of dlopen'ed objects (glibc's l_scope), against the system loader: an object
 * searches the list of every dlopen root it belongs to; RTLD_GLOBAL takes a root's whole
 * closure into the global scope; a root that goes leaves the objects it shared searching
 * their own dependencies; bindings across roots keep their target loaded. Each step prints
 * what it saw and which libraries are loaded. */
#include <dlfcn.h>
#include <stdio.h>

static const char *const libs[] = {"libscope_a.so", "libscope_b.so", "libscope_c.so", "libscope_x.so",
				   "libscope_y.so", "libscope_r.so", "libscope_m1.so", "libscope_m2.so"};

static void loaded(const char *when)
{
	printf("%s:", when);
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
		void *h = dlopen(libs[i], RTLD_LAZY | RTLD_NOLOAD);
		if (h) {
			printf(" %s", libs[i] + 9);
			dlclose(h);
		}
	}
	printf("\n");
}

static void *open_or_say(const char *name, int mode)
{
	void *h = dlopen(name, mode);
	if (!h)
		printf("dlopen %s: %s\n", name, dlerror());
	return h;
}

int main(void)
{
	/* dblload / dblunload: c, loaded by a, finds baz through b's list. */
	void *a = open_or_say("libscope_a.so", RTLD_LAZY), *b = open_or_say("libscope_b.so", RTLD_LAZY);
	if (!a || !b)
		return 1;
	int (*foo)(void) = (int (*)(void))dlsym(a, "foo");
	printf("foo() = %d\n", foo());
	dlclose(b);
	loaded("b closed");
	printf("foo() again = %d\n", foo());
	dlclose(a);
	loaded("a closed");

	/* RTLD_GLOBAL: x, first local, joins the global scope with y. */
	void *x = open_or_say("libscope_x.so", RTLD_LAZY);
	printf("xsym in the global scope before: %s\n", dlsym(RTLD_DEFAULT, "xsym") ? "yes" : "no");
	void *y = open_or_say("libscope_y.so", RTLD_LAZY | RTLD_GLOBAL);
	printf("xsym in the global scope after y: %s\n", dlsym(RTLD_DEFAULT, "xsym") ? "yes" : "no");
	int (*ysym)(void) = (int (*)(void))dlsym(y, "ysym");
	printf("ysym() = %d\n", ysym());
	dlclose(y);
	dlclose(x);
	loaded("x and y closed");

	/* unload2: c opened on its own while a holds it; a goes; c's handle still works. */
	a = open_or_say("libscope_a.so", RTLD_LAZY);
	b = open_or_say("libscope_b.so", RTLD_LAZY);
	void *c = open_or_say("libscope_c.so", RTLD_LAZY);
	dlclose(a);
	loaded("a closed, c open");
	int (*bar)(void) = (int (*)(void))dlsym(c, "bar");
	printf("bar() through c's own handle = %d\n", bar ? bar() : -1);
	dlclose(c);
	dlclose(b);
	loaded("all closed");

	/* reldep8: the finaliser runs at dlclose and finds m1_foo. */
	void *r = open_or_say("libscope_r.so", RTLD_LAZY);
	loaded("r open");
	dlclose(r);
	loaded("r closed");
	return 0;
}
