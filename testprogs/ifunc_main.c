#include "nolibc/nolibc.h"
int twice(int);
const char *ifunc_local(void);
int ifunc_resolver_ran(void);
int (*volatile twice_ptr)(int) = twice;
int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out_kv("twice(21)", twice(21));
	out_kv("twice_ptr(4)", twice_ptr(4));
	out_kv("pointer_equality", twice_ptr == twice);
	out("ifunc_local()=");
	outln(ifunc_local());
	out_kv("resolver_ran", ifunc_resolver_ran());
	return 0;
}
