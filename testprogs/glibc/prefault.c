/* tests/e2e/prefault.sh: how much of libprefault_lib.so (testprogs/glibc/prefault_lib.c) is
 * private dirty once the program runs: what its relocations wrote, under either loader. */
#include <stdio.h>
#include <string.h>

const char *prefault_word(int i);

int main(void)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return 1;
	char line[512];
	int in_lib = 0;
	long dirty = 0, kb;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) /* a mapping's first line */
			in_lib = strstr(line, "/libprefault_lib.so") != NULL;
		else if (sscanf(line, "Private_Dirty: %ld kB", &kb) == 1 && in_lib)
			dirty += kb;
	}
	fclose(f);
	printf("%s %s: libprefault_lib.so private dirty %ld kB\n", prefault_word(0), prefault_word(1), dirty);
	return 0;
}
