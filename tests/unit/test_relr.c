/* DT_RELR decoding: an address word, bitmaps, and bitmaps that continue past 63 words. The
 * "image" is an array of words; a word holding its own index + 1000 before relocation must
 * hold bias + that after, and every other word must be untouched. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "relr.h"

#define WORDS 400
static uint64_t image[WORDS];

static void fill(void)
{
	for (int i = 0; i < WORDS; i++)
		image[i] = 1000 + (uint64_t)i;
}

/* Relocated words are bias + original; with the image's own address as the "load bias" the
 * table's addresses are byte offsets into image[]. */
static void expect(const int *relocated, size_t n, uintptr_t bias)
{
	for (int i = 0; i < WORDS; i++) {
		int want = 0;
		for (size_t k = 0; k < n; k++)
			want |= relocated[k] == i;
		assert_int_equal(image[i], (uint64_t)(1000 + i) + (want ? bias : 0));
	}
}

static void test_address_only(void **state)
{
	(void)state;
	fill();
	uintptr_t bias = (uintptr_t)image;
	uint64_t table[] = {5 * 8, 9 * 8};
	assert_int_equal(relr_apply(bias, table, sizeof table), 2);
	const int want[] = {5, 9};
	expect(want, 2, bias);
}

static void test_bitmap(void **state)
{
	(void)state;
	fill();
	uintptr_t bias = (uintptr_t)image;
	/* word 10, then bitmap bits 1,2 and 63: words 11, 12 and 10+63 = 73. */
	uint64_t table[] = {10 * 8, (1ull << 1 | 1ull << 2 | 1ull << 63) | 1};
	assert_int_equal(relr_apply(bias, table, sizeof table), 4);
	const int want[] = {10, 11, 12, 73};
	expect(want, 4, bias);
}

static void test_consecutive_bitmaps(void **state)
{
	(void)state;
	fill();
	uintptr_t bias = (uintptr_t)image;
	/* A second bitmap continues 63 words after the first: its bit 1 is word 0+1+63 = 64. */
	uint64_t table[] = {0, 0x3, 0x3 | (1ull << 5)};
	assert_int_equal(relr_apply(bias, table, sizeof table), 4);
	const int want[] = {0, 1, 64, 68};
	expect(want, 4, bias);
}

static void test_empty_bitmap_and_truncated_size(void **state)
{
	(void)state;
	fill();
	uintptr_t bias = (uintptr_t)image;
	uint64_t table[] = {2 * 8, 1, 7 * 8};
	/* A bitmap of no bits advances without relocating; a size that is not a multiple of 8
	 * stops at the last whole word. */
	assert_int_equal(relr_apply(bias, table, sizeof table - 4), 1);
	const int want[] = {2};
	expect(want, 1, bias);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_only),
		cmocka_unit_test(test_bitmap),
		cmocka_unit_test(test_consecutive_bitmaps),
		cmocka_unit_test(test_empty_bitmap_and_truncated_size),
	};
	return cmocka_run_group_tests_name("relr", tests, NULL, NULL);
}
