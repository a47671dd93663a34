/* Allocates in its constructor, before main: the interposed malloc is called then. */
#include <stdlib.h>
#include <string.h>

char *next_ctor_buffer;

__attribute__((constructor)) static void allocate_early(void)
{
	next_ctor_buffer = malloc(64);
	if (next_ctor_buffer)
		strcpy(next_ctor_buffer, "allocated in a constructor");
}
