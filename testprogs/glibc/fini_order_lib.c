/* One of the libraries whose finalisers testprogs/glibc/fini_order.c orders: its destructor
 * (and constructor) write the library's name, FO_NAME. With FO_USES_A, it calls fo_a(),
 * defined by libfo_a.so, which it does not need: bound at dlopen to the RTLD_GLOBAL copy
 * (a relocation dependency, glibc's l_reldeps). */
#include <unistd.h>
#include <string.h>

static void say(const char *what)
{
	char line[64] = "";
	strcat(line, what);
	strcat(line, FO_NAME);
	strcat(line, "\n");
	write(1, line, strlen(line));
}
__attribute__((constructor)) static void init(void) { say("init "); }
__attribute__((destructor)) static void fini(void) { say("fini "); }
#ifdef FO_USES_A
int fo_a(void);
int FO_FN(void) { return fo_a() + 1; }
#else
int FO_FN(void) { return 1; }
#endif
