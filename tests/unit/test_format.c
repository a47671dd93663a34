/* The loader's own printf subset, against the C library's printf on the same formats. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "lib/format.h"

#define SAME(...)                                                                                          \
	do {                                                                                               \
		char a[128], b[128];                                                                       \
		int na = rt_snprintf(a, sizeof a, __VA_ARGS__);                                           \
		int nb = snprintf(b, sizeof b, __VA_ARGS__);                                              \
		assert_string_equal(a, b);                                                                 \
		assert_int_equal(na, nb);                                                                  \
	} while (0)

static void test_matches_libc(void **state)
{
	(void)state;
	SAME("%d %i %u", -42, 7, 4000000000u);
	SAME("%ld %lu %zu", -9000000000L, 18000000000000000000UL, (size_t)12345);
	SAME("%x %X %lx", 0xbeefu, 0xbeefu, 0x7f0012345678UL);
	SAME("%#lx %#x", 0x1000UL, 0u);
	SAME("[%5d] [%-5d] [%05d] [%-8s] [%8s]", 42, 42, 42, "ab", "ab");
	SAME("[%*d] [%.3s] [%.*s]", 6, -3, "abcdef", 2, "xyz");
	SAME("%c%c %% %s", 'o', 'k', "done");
	SAME("%016lx", 0xabcUL);
	SAME("%6ld:\t", 1234L);
}

static void test_truncation(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'Z', sizeof buf);
	int n = rt_snprintf(buf, 5, "%s", "abcdefgh");
	assert_int_equal(n, 8);           /* the length it would have had */
	assert_string_equal(buf, "abcd"); /* always terminated, never past size */
	assert_int_equal(buf[5], 'Z');
	assert_int_equal(rt_snprintf(NULL, 0, "%d", 12345), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_libc),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
