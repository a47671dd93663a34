/* GLIBC_TUNABLES reaches libc: glibc.malloc.perturb=N fills fresh allocations with N ^ 0xff
 * (MALLOC_PERTURB_ is its older alias). Reading fresh memory is the point here, so the
 * pointer is passed through an empty asm: the compiler cannot see where it came from. */
#include <stdio.h>
#include <stdlib.h>
int main(void)
{
	unsigned char *p = malloc(100);
	__asm__ volatile("" : "+r"(p));
	printf("fresh allocation starts with %02x\n", p[50]);
	free(p);
	return 0;
}
