/* The two ELF symbol hashes, against values computed independently (and, for the version
 * name, the hash every glibc-linked binary stores for GLIBC_2.2.5 in its .gnu.version_r). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/mman.h>
#include <unistd.h>
#include "hash.h"

static void test_gnu_hash(void **state)
{
	(void)state;
	static const struct { const char *s; uint32_t h; } cases[] = {
		{"", 5381}, {"printf", 0x156b2bb8}, {"exit", 0x7c967e3f}, {"__tls_get_addr", 0x7c8ad2ef},
		{"_ZNSt8ios_base4InitC1Ev", 0x4cd4b8c7},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(gnu_hash(cases[i].s), cases[i].h);
}

/* The word-at-a-time hash against the byte-at-a-time definition, for every length up to 64,
 * every starting alignment, and bytes of every value (high bytes count unsigned). */
static uint32_t gnu_hash_bytewise(const char *s)
{
	uint32_t h = 5381;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = h * 33 + *p;
	return h;
}

static void test_gnu_hash_every_length(void **state)
{
	(void)state;
	static _Alignas(8) char buf[8 + 65 + 8];
	for (size_t start = 0; start < 8; start++)
		for (size_t len = 0; len <= 64; len++) {
			for (size_t i = 0; i < sizeof buf; i++)
				buf[i] = (char)(1 + (i * 37 + len * 11 + start) % 255); /* never 0 */
			buf[start + len] = 0;
			assert_int_equal(gnu_hash(buf + start), gnu_hash_bytewise(buf + start));
		}
}

/* Names that end at, or run across, the end of a page followed by an unmapped one: no word
 * may be read from the next page (the test would crash), and the hash stays exact. */
static void test_gnu_hash_page_end(void **state)
{
	(void)state;
	long page = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(two != MAP_FAILED);
	assert_int_equal(mprotect(two + page, (size_t)page, PROT_NONE), 0);
	for (size_t len = 0; len <= 40; len++) {
		char *s = two + page - len - 1; /* the NUL is the page's last byte */
		for (size_t i = 0; i < len; i++)
			s[i] = (char)('a' + (i * 7 + len) % 26);
		s[len] = 0;
		assert_int_equal(gnu_hash(s), gnu_hash_bytewise(s));
	}
	munmap(two, (size_t)page * 2);
}

static void test_elf_hash(void **state)
{
	(void)state;
	static const struct { const char *s; uint32_t h; } cases[] = {
		{"", 0}, {"printf", 0x077905a6}, {"exit", 0x0006cf04}, {"GLIBC_2.2.5", 0x09691a75},
		{"_ZNSt8ios_base4InitC1Ev", 0x0c0d71d6},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(elf_hash(cases[i].s), cases[i].h);
}

static void test_elf_hash_high_bytes(void **state)
{
	(void)state;
	/* Bytes >= 0x80 must be taken unsigned, or the hash differs from every other linker's. */
	assert_int_equal(elf_hash("\xff\xfe"), (0xffu << 4) + 0xfe);
	assert_int_equal(gnu_hash("\xff"), 5381u * 33 + 0xff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gnu_hash),
		cmocka_unit_test(test_gnu_hash_every_length),
		cmocka_unit_test(test_gnu_hash_page_end),
		cmocka_unit_test(test_elf_hash),
		cmocka_unit_test(test_elf_hash_high_bytes),
	};
	return cmocka_run_group_tests_name("hash", tests, NULL, NULL);
}
