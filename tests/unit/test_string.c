/* rtld/lib/string.c's copies and fills, built hosted under other names (libc's keep theirs),
 * against byte-at-a-time expectations: every length to 100, every alignment of source and
 * destination to 16, and memmove's overlaps in both directions. Canary bytes around each
 * destination must survive. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#define memcpy rt_test_memcpy
#define memmove rt_test_memmove
#define memset rt_test_memset
#define memcmp rt_test_memcmp
#define strlen rt_test_strlen
#define strcmp rt_test_strcmp
#define strncmp rt_test_strncmp
#define strchr rt_test_strchr
#define strrchr rt_test_strrchr
#include "lib/string.c"

void *rt_malloc(size_t n) { return malloc(n); }

enum { MAXLEN = 100, PAD = 16, SIZE = PAD + 16 + MAXLEN + PAD };

static void fill_pattern(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 131 + seed * 7 + 1);
}

static void test_memcpy(void **state)
{
	(void)state;
	static unsigned char src[SIZE], dst[SIZE], want[SIZE];
	for (size_t n = 0; n <= MAXLEN; n++)
		for (size_t sa = 0; sa < 16; sa++)
			for (size_t da = 0; da < 16; da++) {
				fill_pattern(src, SIZE, (unsigned)n);
				for (size_t i = 0; i < SIZE; i++)
					dst[i] = want[i] = 0xa5;
				for (size_t i = 0; i < n; i++)
					want[PAD + da + i] = src[PAD + sa + i];
				assert_ptr_equal(memcpy(dst + PAD + da, src + PAD + sa, n), dst + PAD + da);
				assert_memory_equal(dst, want, SIZE);
			}
}

static void test_memset(void **state)
{
	(void)state;
	static unsigned char dst[SIZE], want[SIZE];
	for (size_t n = 0; n <= MAXLEN; n++)
		for (size_t da = 0; da < 16; da++) {
			for (size_t i = 0; i < SIZE; i++)
				dst[i] = want[i] = 0xa5;
			for (size_t i = 0; i < n; i++)
				want[PAD + da + i] = 0x3c;
			assert_ptr_equal(memset(dst + PAD + da, 0x13c, n), dst + PAD + da); /* c is taken as a byte */
			assert_memory_equal(dst, want, SIZE);
		}
}

static void test_memmove_overlap(void **state)
{
	(void)state;
	static unsigned char buf[SIZE], want[SIZE];
	for (size_t n = 0; n <= MAXLEN - 2 * PAD; n++)
		for (int shift = -PAD; shift <= PAD; shift++) {
			fill_pattern(buf, SIZE, (unsigned)n);
			fill_pattern(want, SIZE, (unsigned)n);
			unsigned char tmp[SIZE];
			for (size_t i = 0; i < n; i++)
				tmp[i] = buf[2 * PAD + i];
			for (size_t i = 0; i < n; i++)
				want[2 * PAD + shift + i] = tmp[i];
			memmove(buf + 2 * PAD + shift, buf + 2 * PAD, n);
			assert_memory_equal(buf, want, SIZE);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memmove_overlap),
	};
	return cmocka_run_group_tests_name("string", tests, NULL, NULL);
}
