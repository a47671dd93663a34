/* A library of pointers: linked with -z pack-relative-relocs, its relative relocations are
 * one DT_RELR table (what the system's libc.so.6 uses for all of its own). */
#define S(x) #x
#define ROW(n) S(n##a), S(n##bb), S(n##ccc), S(n##dddd), S(n##e), S(n##ff), S(n##ggg), S(n##hhhh)
static const char *const strings[] = {ROW(0), ROW(1), ROW(2), ROW(3), ROW(4), ROW(5), ROW(6), ROW(7),
				      ROW(8), ROW(9), ROW(10), ROW(11), ROW(12), ROW(13), ROW(14), ROW(15)};
static const char *const *sparse[] = {&strings[0], 0, 0, &strings[5], 0, &strings[70], 0, 0, 0, &strings[127]};
long relr_check(void)
{
	long total = 0;
	for (unsigned i = 0; i < sizeof strings / sizeof strings[0]; i++)
		for (const char *p = strings[i]; *p; p++)
			total++;
	for (unsigned i = 0; i < sizeof sparse / sizeof sparse[0]; i++)
		if (sparse[i])
			total += **sparse[i] - '0';
	return total;
}
