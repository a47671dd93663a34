/* Whether a library is loaded now, asked the way a program can: dlopen with RTLD_NOLOAD
 * (and the reference that takes given back at once). */
#ifndef DL_LOADED_H
#define DL_LOADED_H
#include <dlfcn.h>

static inline const char *loaded(const char *name)
{
	void *h = dlopen(name, RTLD_NOW | RTLD_NOLOAD);
	if (h)
		dlclose(h);
	return h ? "loaded" : "not loaded";
}
#endif
