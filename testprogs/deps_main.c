/* Breadth-first loading and interposition: the program needs liba and libb; liba needs
 * libc_dep. Both libb and libc_dep define who(): breadth-first order puts libb (needed by
 * the program) before libc_dep (needed only by liba), so libb's wins everywhere, even in
 * liba's calls. Constructors print the initialisation order, destructors the reverse. */
#include "nolibc/nolibc.h"

const char *who(void);
const char *a_calls_who(void);
int b_value(void);

__attribute__((constructor)) static void main_ctor(void) { outln("init: program"); }
__attribute__((destructor)) static void main_dtor(void) { outln("fini: program"); }

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out("who() from the program: ");
	outln(who());
	out("who() from liba: ");
	outln(a_calls_who());
	out_kv("b_value", b_value());
	return 0;
}
