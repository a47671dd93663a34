/* An interposing malloc, the way profilers and leak checkers write one: it finds the real
 * malloc with dlsym(RTLD_NEXT, "malloc"). It is called before main, from another library's
 * constructor, so RTLD_NEXT must work while initialisers still run: glibc searches the
 * scope of the object that loaded this one (l_loader, up to the program), after this one. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

static void *(*real_malloc)(size_t);
static int depth;
unsigned long next_malloc_calls;

void *malloc(size_t n)
{
	if (!real_malloc) {
		if (depth++) /* dlsym itself allocating would recurse forever */
			return NULL;
		real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
		depth--;
		if (!real_malloc)
			return NULL;
	}
	next_malloc_calls++;
	return real_malloc(n);
}
