#include "nolibc/nolibc.h"
const char *prot_fn(void) { return "program"; }
const char *def_fn(void) { return "program"; }
void lib_report(void);
int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out("program calls prot_fn: ");
	outln(prot_fn());
	lib_report();
	return 0;
}
