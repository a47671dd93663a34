/* Prints which copy of libhwcapsel.so the loader chose (hwcaps_lib.c, built once per
 * hardware-capability subdirectory). */
#include <stdio.h>

const char *hwcapsel_which(void);

int main(void)
{
	printf("libhwcapsel.so from %s\n", hwcapsel_which());
	return 0;
}
