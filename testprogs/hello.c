/* The smallest dynamically linked program: no libraries, prints its arguments. Built PIE
 * (ET_DYN) and non-PIE (ET_EXEC, fixed address). */
#include "nolibc/nolibc.h"

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	outln("hello from a program with no libc");
	out_kv("argc", argc);
	for (int i = 1; i < argc; i++) {
		out("argv: ");
		outln(argv[i]);
	}
	return 7;
}
