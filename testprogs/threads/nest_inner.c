#include <stdio.h>
__attribute__((constructor)) static void init(void) { printf("inner constructor\n"); }
__attribute__((destructor)) static void fini(void)
{
	printf("inner destructor\n");
	fflush(stdout);
}
