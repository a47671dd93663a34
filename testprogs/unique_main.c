#include "nolibc/nolibc.h"
long bump_one(void);
long bump_two(void);
int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	/* Each library increments "its" counter: one shared object means 101, 102, 103. */
	out_kv("bump_one", bump_one());
	out_kv("bump_two", bump_two());
	out_kv("bump_one", bump_one());
	return 0;
}
