#include "nolibc/nolibc.h"
int textrel_sum(void);
void textrel_bump(int i);
int main(int argc, char **argv, char **envp)
{
	(void)argv, (void)envp;
	out_kv("textrel_sum", textrel_sum());
	textrel_bump(argc);
	out_kv("textrel_sum_after_bump", textrel_sum());
	return 0;
}
