#include "nolibc/nolibc.h"
int base_fn(void);
int extra(void);
int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out_kv("base_fn", base_fn());
	if (argc > 1)
		out_kv("extra", extra());
	return 0;
}
