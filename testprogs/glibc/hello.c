/* printf, malloc and environment through glibc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
	char *s = malloc(64);
	snprintf(s, 64, "hello from glibc, %d argument(s)", argc - 1);
	puts(s);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	free(s);
	return strlen(argv[0]) > 0 ? 0 : 1;
}
