/* /etc/ld.so.cache parsing: caches built by hand (good, hwcap-only, other-arch and corrupt
 * entries, glibc-hwcaps entries with their names section, a large sorted table), glibc's
 * soname order, and the system's own cache, which must name the libc.so.6 the system uses
 * and agree with a linear scan for every soname in it. */
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
	unsigned char buf[1 << 16];
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
	uint32_t len_strings = (uint32_t)(off - strings);
	memcpy(b->buf + 24, &len_strings, 4);
	b->size = off;
}

/* Appends a glibc-hwcaps names section (the extension directory) naming `names`. */
static void add_hwcaps_names(struct built *b, size_t n, const char **names)
{
	uint32_t name_off[8];
	size_t off = b->size;
	for (size_t i = 0; i < n; i++) {
		name_off[i] = (uint32_t)off;
		strcpy((char *)b->buf + off, names[i]);
		off += strlen(names[i]) + 1;
	}
	uint32_t len_strings;
	memcpy(&len_strings, b->buf + 24, 4);
	len_strings += (uint32_t)(off - b->size);
	memcpy(b->buf + 24, &len_strings, 4);
	off = (off + 3) & ~(size_t)3;
	uint32_t ext = (uint32_t)off;
	memcpy(b->buf + 32, &ext, 4);
	uint32_t dir[6] = {0xeaa42174u, 1, 1, 0, (uint32_t)(off + 24), (uint32_t)(4 * n)};
	memcpy(b->buf + off, dir, sizeof dir);
	memcpy(b->buf + off + 24, name_off, 4 * n);
	b->size = off + 24 + 4 * n;
}

static const char *lookup(struct built *b, const char *name) { return ldcache_lookup(b->buf, b->size, name, NULL); }

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
	assert_string_equal(lookup(&b, "libz.so.1"), "/lib/x86_64-linux-gnu/libz.so.1");
	/* Without capabilities the hwcap entry and the 32-bit entry are passed over for the
	 * baseline 64-bit one. */
	assert_string_equal(lookup(&b, "libm.so.6"), "/lib/x86_64-linux-gnu/libm.so.6");
	assert_null(lookup(&b, "libnothere.so"));
	assert_null(lookup(&b, "libz.so"));
}

static const char *all_names[] = {"x86-64-v4", "x86-64-v3", "x86-64-v2"};
static const char *only_v2_names[] = {"x86-64-v2"};
static int caps_asked;
static const struct ldcache_caps *caps_v4(void)
{
	static const struct ldcache_caps c = {.hwcaps = all_names, .nhwcaps = 3, .isa_levels = 1 | 2 | 4 | 8};
	caps_asked++;
	return &c;
}
static const struct ldcache_caps *caps_v3_cpu(void)
{
	static const struct ldcache_caps c = {.hwcaps = all_names, .nhwcaps = 3, .isa_levels = 1 | 2 | 4};
	return &c;
}
static const struct ldcache_caps *caps_only_v2(void)
{
	static const struct ldcache_caps c = {.hwcaps = only_v2_names, .nhwcaps = 1, .isa_levels = 15};
	return &c;
}
static const struct ldcache_caps *caps_none(void)
{
	static const struct ldcache_caps c = {.isa_levels = 15};
	return &c;
}

/* glibc-hwcaps entries come first for a name; the best-ranked subdirectory the CPU can run
 * wins, else the plain entry. Names section: 0 x86-64-v2, 1 x86-64-v3, 2 x86-64-v4; bits
 * 32.. of hwcap hold the bit number of the ISA level needed (ldconfig's bsr of the note). */
static void test_hwcaps_entries(void **state)
{
	(void)state;
	struct built b;
	const uint64_t ext = 1ull << 62;
	const int32_t flags[] = {0x0303, 0x0303, 0x0303, 0x0303, 0x0303};
	const uint64_t hw[] = {ext | 0, ext | 2 | (3ull << 32), ext | 1 | (2ull << 32), 0, 0};
	const char *keys[] = {"libx.so.1", "libx.so.1", "libx.so.1", "libx.so.1", "liba.so.1"};
	const char *vals[] = {"/v2/libx.so.1", "/v4/libx.so.1", "/v3/libx.so.1", "/base/libx.so.1", "/base/liba.so.1"};
	build(&b, 5, flags, hw, keys, vals);
	const char *names[] = {"x86-64-v2", "x86-64-v3", "x86-64-v4"};
	add_hwcaps_names(&b, 3, names);
	assert_int_equal(ldcache_valid(b.buf, b.size), 0);

	assert_string_equal(ldcache_lookup(b.buf, b.size, "libx.so.1", caps_v4), "/v4/libx.so.1");
	/* A CPU without the v4 ISA level skips the v4 entry even if the name is allowed. */
	assert_string_equal(ldcache_lookup(b.buf, b.size, "libx.so.1", caps_v3_cpu), "/v3/libx.so.1");
	/* --glibc-hwcaps-mask x86-64-v2: only v2 is ranked. */
	assert_string_equal(ldcache_lookup(b.buf, b.size, "libx.so.1", caps_only_v2), "/v2/libx.so.1");
	/* No subdirectory allowed, or no capabilities at all: the plain entry. */
	assert_string_equal(ldcache_lookup(b.buf, b.size, "libx.so.1", caps_none), "/base/libx.so.1");
	assert_string_equal(ldcache_lookup(b.buf, b.size, "libx.so.1", NULL), "/base/libx.so.1");
	/* The capabilities are asked for only when an entry has hwcap bits. */
	caps_asked = 0;
	assert_string_equal(ldcache_lookup(b.buf, b.size, "liba.so.1", caps_v4), "/base/liba.so.1");
	assert_int_equal(caps_asked, 0);
	assert_string_equal(ldcache_lookup(b.buf, b.size, "libx.so.1", caps_v4), "/v4/libx.so.1");
	assert_int_equal(caps_asked, 1);
}

/* Digit runs compare by value, and a digit sorts after anything else. */
static void test_libcmp(void **state)
{
	(void)state;
	assert_true(ldcache_libcmp("libfoo.so.10", "libfoo.so.9") > 0);
	assert_true(ldcache_libcmp("libfoo.so.9", "libfoo.so.10") < 0);
	assert_int_equal(ldcache_libcmp("libc.so.6", "libc.so.6"), 0);
	assert_true(ldcache_libcmp("libc.so", "libc.so.6") < 0);
	assert_true(ldcache_libcmp("lib2.so", "libc.so") > 0);
	assert_true(ldcache_libcmp("libc.so", "lib2.so") < 0);
	assert_true(ldcache_libcmp("liba.so", "libb.so") < 0);
}

static int desc_libcmp(const void *a, const void *b)
{
	return ldcache_libcmp(*(const char *const *)b, *(const char *const *)a);
}

/* Many entries, sorted as ldconfig sorts them: every one is found, nothing else is. */
static void test_binary_search(void **state)
{
	(void)state;
	static struct built b;
	enum { N = 600 };
	static char names[N][32], paths[N][48];
	static const char *keys[N], *vals[N];
	static int32_t flags[N];
	static uint64_t hw[N];
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "lib%c%d.so.%d", 'a' + i % 26, i / 26, i % 7);
		keys[i] = names[i];
	}
	qsort(keys, N, sizeof keys[0], desc_libcmp);
	for (int i = 0; i < N; i++) {
		snprintf(paths[i], sizeof paths[i], "/lib/%s", keys[i]);
		vals[i] = paths[i];
		flags[i] = 0x0303;
	}
	build(&b, N, flags, hw, keys, vals);
	for (int i = 0; i < N; i++) {
		const char *p = lookup(&b, keys[i]);
		assert_non_null(p);
		assert_string_equal(p + 5, keys[i]);
	}
	assert_null(lookup(&b, "liba0.so.9"));
	assert_null(lookup(&b, "libzz.so.1"));
	assert_null(lookup(&b, "a"));
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
	struct built t = b;
	t.size -= 3;
	assert_null(lookup(&t, "libz.so.1"));
	/* Too many entries for the size. */
	struct built c = b;
	uint32_t huge = 100000;
	memcpy(c.buf + 20, &huge, 4);
	assert_int_equal(ldcache_valid(c.buf, c.size), -1);
	assert_null(lookup(&c, "libz.so.1"));
	/* A key offset past the end. */
	c = b;
	uint32_t bad = 5000;
	memcpy(c.buf + 48 + 4, &bad, 4);
	assert_null(lookup(&c, "libz.so.1"));
	/* A string table whose last byte is no NUL: nothing in it can be trusted. */
	c = b;
	c.buf[c.size - 1] = 'x';
	assert_int_equal(ldcache_valid(c.buf, c.size), -1);
	/* Old format and short buffers are rejected. */
	assert_int_equal(ldcache_valid("ld.so-1.7.0", 12), -1);
	assert_int_equal(ldcache_valid(b.buf, 40), -1);
	/* A relative value is no usable path. */
	const char *rel[] = {"libz.so.1"};
	build(&c, 1, flags, hw, keys, rel);
	assert_null(lookup(&c, "libz.so.1"));
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
	const char *p = ldcache_lookup(data, n, "libc.so.6", NULL);
	assert_non_null(p);
	struct stat a, b;
	assert_int_equal(stat(p, &a), 0);
	assert_int_equal(stat("/lib/x86_64-linux-gnu/libc.so.6", &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	/* Every soname of the cache: the binary search finds what the first plain x86-64 entry
	 * of that name says (a linear scan, the previous implementation). */
	uint32_t nlibs;
	memcpy(&nlibs, data + 20, 4);
	size_t checked = 0;
	for (uint32_t i = 0; i < nlibs; i++) {
		const unsigned char *e = data + 48 + 24 * i;
		uint32_t key, value;
		int32_t flags;
		uint64_t hwcap;
		memcpy(&flags, e, 4);
		memcpy(&key, e + 4, 4);
		memcpy(&value, e + 8, 4);
		memcpy(&hwcap, e + 16, 8);
		const char *name = (const char *)data + key;
		const char *expect = NULL;
		for (uint32_t j = 0; j < nlibs && !expect; j++) {
			const unsigned char *f = data + 48 + 24 * j;
			uint32_t k2, v2;
			int32_t fl2;
			uint64_t hw2;
			memcpy(&fl2, f, 4);
			memcpy(&k2, f + 4, 4);
			memcpy(&v2, f + 8, 4);
			memcpy(&hw2, f + 16, 8);
			if (fl2 == 0x0303 && hw2 == 0 && strcmp((const char *)data + k2, name) == 0)
				expect = (const char *)data + v2;
		}
		const char *got = ldcache_lookup(data, n, name, NULL);
		if (expect)
			assert_string_equal(got, expect);
		else
			assert_null(got);
		checked++;
		(void)value;
		(void)hwcap;
	}
	assert_true(checked > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_hwcaps_entries),
		cmocka_unit_test(test_libcmp),
		cmocka_unit_test(test_binary_search),
		cmocka_unit_test(test_system_cache),
	};
	return cmocka_run_group_tests_name("ldcache", tests, NULL, NULL);
}
