/* Known answers for mmld pages (tests/e2e/pages.sh): a library whose pages each have one
 * known fate. Every array is page-aligned and a page long, so its page holds nothing else.
 *   relocated_page  512 pointers: the loader's relocations write 512 words, and nothing else
 *   ctor_page       written by this library's constructor (between loaded and entry)
 *   late_page       written by pages_late(), which main() calls (after entry)
 *   never_page      bss nobody touches
 *   unread          64 pages of read-only data nobody reads
 * getpid() is called by the constructor and strlen() by pages_late(), both through the PLT
 * with lazy binding: their GOT slots are written at those times, pages_never()'s never. */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

static int items[512];
#define P1(i) &items[(i)],
#define P8(i) P1(i) P1(i + 1) P1(i + 2) P1(i + 3) P1(i + 4) P1(i + 5) P1(i + 6) P1(i + 7)
#define P64(i) P8(i) P8(i + 8) P8(i + 16) P8(i + 24) P8(i + 32) P8(i + 40) P8(i + 48) P8(i + 56)
#define P512 P64(0) P64(64) P64(128) P64(192) P64(256) P64(320) P64(384) P64(448)

int *const relocated_page[512] __attribute__((aligned(4096))) = {P512};
char ctor_page[4096] __attribute__((aligned(4096)));
char late_page[4096] __attribute__((aligned(4096)));
char never_page[4096] __attribute__((aligned(4096)));
const char unread[64 * 4096] __attribute__((aligned(4096))) = {1};

__attribute__((constructor)) static void init(void)
{
	ctor_page[100] = (char)getpid();
}

size_t pages_late(const char *s)
{
	late_page[5] = 1;
	return strlen(s) + (size_t)*relocated_page[3];
}

long pages_never(void)
{
	return sysconf(0) + never_page[1] + unread[4096];
}
