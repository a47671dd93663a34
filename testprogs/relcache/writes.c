/* Writes the relocated data of libwrites.so (testprogs/relcache/writes_lib.c) and prints what
 * it found first: every run must find the library's own values, never a previous process's
 * writes. A miss relocates in place in a shared mapping of the new cache entry and maps it
 * privately before the program runs; if a writable shared mapping were left, the first run's
 * writes would reach the entry and the next run would start from them. */
#include <stdio.h>

extern const char *words[2];
extern int *counter_at;

int main(void)
{
	printf("%s %s %d\n", words[0], words[1], *counter_at);
	words[0] = "written";
	words[1] = words[0];
	*counter_at += 1;
	counter_at = NULL;
	printf("%s %s\n", words[0], words[1]);
	return 0;
}
