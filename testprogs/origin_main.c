/* Found through DT_RUNPATH/DT_RPATH with $ORIGIN (and $PLATFORM, $LIB): the library is in
 * a directory no default search reaches. */
#include "nolibc/nolibc.h"
const char *where_am_i(void);
int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	out("library found in: ");
	outln(where_am_i());
	return 0;
}
