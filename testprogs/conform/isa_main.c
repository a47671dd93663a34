/* Needs libisahigh.so, which asks for an ISA level no CPU has: never reaches main. */
#include <stdio.h>

int isa_high(void);

int main(void)
{
	printf("isa_high() = %d\n", isa_high());
	return 0;
}
