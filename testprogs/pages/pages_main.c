/* The program of tests/e2e/pages.sh: calls pages_late() after its entry point (lazily bound
 * then), never pages_never() (its GOT slot stays the PLT's). */
#include <stddef.h>

size_t pages_late(const char *s);
long pages_never(void);

int main(int argc, char **argv)
{
	if (argc > 100)
		return (int)pages_never();
	return pages_late(argc > 1 ? argv[1] : "x") == 0;
}
