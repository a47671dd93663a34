/* Symbol versions: built twice, against v1 (asks impl@VER_1) and against v2 (asks
 * impl@VER_2 and only_v2@VER_2). Both run with the v2 library; the one linked against v2
 * fails with "version `VER_2' not found" when run with v1. */
#include "nolibc/nolibc.h"
const char *impl(void);
#ifdef WANT_V2
const char *only_v2(void);
#endif
int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out("impl() = ");
	outln(impl());
#ifdef WANT_V2
	out("only_v2() = ");
	outln(only_v2());
#endif
	return 0;
}
