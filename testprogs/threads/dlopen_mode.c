/* dlopen and dlmopen with modes that have neither RTLD_LAZY nor RTLD_NOW: glibc refuses them
 * ("invalid mode for dlopen()", EINVAL) before looking at anything else, RTLD_NOLOAD alone
 * included, whether or not the object is loaded. Prints each call's answer and dlerror. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

static const char *lib = "libtls_mod.so";

static void show(const char *what, void *h)
{
	const char *e = dlerror();
	printf("%-34s %s  %s\n", what, h ? "handle" : "NULL", e ? e : "(no error)");
}

/* Is the library loaded? (the one valid probe: RTLD_NOLOAD with a binding mode) */
static void loaded(const char *when)
{
	void *h = dlopen(lib, RTLD_NOLOAD | RTLD_LAZY);
	printf("%-34s %s\n", when, h ? "loaded" : "not loaded");
	if (h)
		dlclose(h);
	dlerror();
}

int main(void)
{
	show("dlopen(lib, 0)", dlopen(lib, 0));
	show("dlopen(lib, RTLD_NOLOAD)", dlopen(lib, RTLD_NOLOAD));
	show("dlopen(lib, RTLD_GLOBAL)", dlopen(lib, RTLD_GLOBAL));
	show("dlopen(lib, RTLD_NODELETE)", dlopen(lib, RTLD_NODELETE));
	show("dlopen(NULL, 0)", dlopen(NULL, 0));
	show("dlopen(\"\", RTLD_NOLOAD)", dlopen("", RTLD_NOLOAD));
	show("dlopen(missing, 0)", dlopen("libno-such-mmld.so", 0));
	show("dlmopen(BASE, lib, 0)", dlmopen(LM_ID_BASE, lib, 0));
	show("dlmopen(NEWLM, lib, 0)", dlmopen(LM_ID_NEWLM, lib, 0));
	show("dlmopen(NEWLM, lib, RTLD_GLOBAL)", dlmopen(LM_ID_NEWLM, lib, RTLD_GLOBAL));
	show("dlmopen(NEWLM, NULL, 0)", dlmopen(LM_ID_NEWLM, NULL, 0));
	show("dlmopen(42, lib, 0)", dlmopen(42, lib, 0));
	show("dlmopen(42, lib, RTLD_LAZY)", dlmopen(42, lib, RTLD_LAZY));
	loaded("after the refused ones");
	void *h = dlopen(lib, RTLD_NOW);
	show("dlopen(lib, RTLD_NOW)", h);
	show("dlopen(lib, RTLD_NOLOAD) loaded", dlopen(lib, RTLD_NOLOAD));
	show("dlopen(lib, 0) loaded", dlopen(lib, 0));
	show("dlopen(lib, RTLD_NOLOAD|LAZY)", dlopen(lib, RTLD_NOLOAD | RTLD_LAZY));
	return 0;
}
