/* /etc/ld.so.cache parsing: caches built by hand (good, hwcap-only, other-arch and corrupt
 * entries), and the system's own cache, which must name the libc.so.6 the system uses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "ldcache.h"

struct entry {
	int32_t flags;
	uint32_t key, value, osversion;
	uint64_t hwcap;
};

struct built {
	unsigned char buf[1024];
	size_t size;
};

/* Lays out header, entries, then strings; each entry is (flags, hwcap, key, value). */
static void build(struct built *b, size_t n, const int32_t *flags, const uint64_t *hwcap, const char **keys,
		  const char **values)
{
	memset(b, 0, sizeof *b);
	memcpy(b->buf, "glibc-ld.so.cache1.1", 20);
	uint32_t nlibs = (uint32_t)n;
	memcpy(b->buf + 20, &nlibs, 4);
	size_t strings = 48 + n * sizeof(struct entry), off = strings;
	for (size_t i = 0; i < n; i++) {
		struct entry e = {.flags = flags[i], .hwcap = hwcap[i]};
		e.key = (uint32_t)off;
		strcpy((char *)b->buf + off, keys[i]);
		off += strlen(keys[i]) + 1;
		e.value = (uint32_t)off;
		strcpy((char *)b->buf + off, values[i]);
		off += strlen(values[i]) + 1;
		memcpy(b->buf + 48 + i * sizeof e, &e, sizeof e);
	}
	b->size = off;
}

static void test_lookup(void **state)
{
	(void)state;
	struct built b;
	const int32_t flags[] = {0x0303, 0x0303, 0x0003, 0x0303};
	const uint64_t hw[] = {0, 1ull << 62 | 2, 0, 0};
	const char *keys[] = {"libz.so.1", "libm.so.6", "libm.so.6", "libm.so.6"};
	const char *vals[] = {"/lib/x86_64-linux-gnu/libz.so.1", "/hwcaps/libm.so.6", "/lib32/libm.so.6",
			      "/lib/x86_64-linux-gnu/libm.so.6"};
	build(&b, 4, flags, hw, keys, vals);
	assert_int_equal(ldcache_valid(b.buf, b.size), 0);
	assert_string_equal(ldcache_lookup(b.buf, b.size, "libz.so.1"), "/lib/x86_64-linux-gnu/libz.so.1");
	/* The hwcap entry and the 32-bit entry are passed over for the baseline 64-bit one. */
	assert_string_equal(ldcache_lookup(b.buf, b.size, "libm.so.6"), "/lib/x86_64-linux-gnu/libm.so.6");
	assert_null(ldcache_lookup(b.buf, b.size, "libnothere.so"));
	assert_null(ldcache_lookup(b.buf, b.size, "libz.so"));
}

static void test_corrupt(void **state)
{
	(void)state;
	struct built b;
	const int32_t flags[] = {0x0303};
	const uint64_t hw[] = {0};
	const char *keys[] = {"libz.so.1"};
	const char *vals[] = {"/lib/libz.so.1"};
	build(&b, 1, flags, hw, keys, vals);
	/* Truncated inside the value string: no terminating NUL within the buffer. */
	assert_null(ldcache_lookup(b.buf, b.size - 3, "libz.so.1"));
	/* Too many entries for the size. */
	struct built c = b;
	uint32_t huge = 100000;
	memcpy(c.buf + 20, &huge, 4);
	assert_int_equal(ldcache_valid(c.buf, c.size), -1);
	assert_null(ldcache_lookup(c.buf, c.size, "libz.so.1"));
	/* A key offset past the end. */
	c = b;
	uint32_t bad = 5000;
	memcpy(c.buf + 48 + 4, &bad, 4);
	assert_null(ldcache_lookup(c.buf, c.size, "libz.so.1"));
	/* Old format and short buffers are rejected. */
	assert_int_equal(ldcache_valid("ld.so-1.7.0", 12), -1);
	assert_int_equal(ldcache_valid(b.buf, 40), -1);
	/* A relative value is no usable path. */
	const char *rel[] = {"libz.so.1"};
	build(&c, 1, flags, hw, keys, rel);
	assert_null(ldcache_lookup(c.buf, c.size, "libz.so.1"));
}

static void test_system_cache(void **state)
{
	(void)state;
	FILE *f = fopen("/etc/ld.so.cache", "rb");
	if (!f)
		skip();
	static unsigned char data[4 << 20];
	size_t n = fread(data, 1, sizeof data, f);
	fclose(f);
	assert_int_equal(ldcache_valid(data, n), 0);
	const char *p = ldcache_lookup(data, n, "libc.so.6");
	assert_non_null(p);
	struct stat a, b;
	assert_int_equal(stat(p, &a), 0);
	assert_int_equal(stat("/lib/x86_64-linux-gnu/libc.so.6", &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_system_cache),
	};
	return cmocka_run_group_tests_name("ldcache", tests, NULL, NULL);
}
