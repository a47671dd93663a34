/* What ldd is asked about: a program needing libldd_undef.so (undefined symbols inside) and
 * libldd_unused.so (needed, never used). It never runs under ldd. */
#include <stdio.h>

int ldd_lib_value(void);

int main(void)
{
	printf("%d\n", ldd_lib_value());
	return 0;
}
