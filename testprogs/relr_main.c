#include "nolibc/nolibc.h"
long relr_check(void);
int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out_kv("relr_check", relr_check());
	return 0;
}
