/* Which memcpy did libc's IFUNC resolver pick? Prints the address memcpy resolves to in this
 * process (docs/glibc.md looks it up with gdb under each loader). */
#include <stdio.h>
#include <string.h>

int main(void)
{
	void *(*volatile p)(void *, const void *, size_t) = memcpy;
	printf("%p\n", (void *)p);
	return 0;
}
