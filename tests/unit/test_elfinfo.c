/* elfinfo: segment classes and relocation pages of a real library, checked against what
 * the linker put in it (the test builds nothing: it reads the system's libz.so.1 and its own
 * build of testprogs' librelr.so, whose layout readelf confirms). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <elf.h>
#include <stdlib.h>
#include <cmocka.h>
#include "elfinfo.h"

static void test_libz_classes(void **state)
{
	(void)state;
	/* readelf -lW libz.so.1: R at 0, R E at 0x3000, R at 0x16000, RW at 0x1dc70 (RELRO to
	 * 0x1e000), see tests/unit/test_elfcheck.c. */
	struct elf_info *e = elfinfo_load("/lib/x86_64-linux-gnu/libz.so.1");
	assert_true(e->ok);
	assert_int_equal(e->nsegs, 4);
	assert_int_equal(elfinfo_first_page(e), 0);
	assert_int_equal(elfinfo_class(e, 0x0), CLASS_RODATA);
	assert_int_equal(elfinfo_class(e, 0x3000), CLASS_TEXT);
	assert_int_equal(elfinfo_class(e, 0x16000), CLASS_RODATA);
	assert_int_equal(elfinfo_class(e, 0x1d000), CLASS_RELRO);
	assert_int_equal(elfinfo_class(e, 0x40000), -1);
	/* Its relocations write the RELRO page (GOT, .data.rel.ro) and nothing in text. */
	assert_true(elfinfo_reloc_page(e, 0x1d000));
	assert_false(elfinfo_reloc_page(e, 0x3000));
	assert_true(e->nrelocs > 0);
	assert_true(e->ngroups > 0);
}

/* The binary search over the written pages against a walk of every page, over every
 * segment of libstdc++.so.6 and sub-ranges that start and end mid-page; and the empty and
 * reversed ranges a wrapped end would give. */
static void test_reloc_pages_in(void **state)
{
	(void)state;
	struct elf_info *e = elfinfo_load("/lib/x86_64-linux-gnu/libstdc++.so.6");
	assert_true(e->ok);
	assert_string_equal(e->unloadable, "");
	assert_true(e->nreloc_pages > 10);
	size_t total = 0;
	for (size_t i = 0; i < e->nsegs; i++) {
		uint64_t lo = e->segs[i].vaddr, hi = e->segs[i].vaddr + e->segs[i].memsz;
		for (uint64_t a = lo; a < hi; a += (hi - lo) / 7 + 1) {
			size_t walked = 0;
			for (uint64_t p = a & ~4095ULL; p < hi; p += 4096)
				walked += elfinfo_reloc_page(e, p);
			assert_int_equal(elfinfo_reloc_pages_in(e, a, hi), walked);
		}
		total += elfinfo_reloc_pages_in(e, lo, hi);
	}
	assert_int_equal(total, e->nreloc_pages);
	assert_int_equal(elfinfo_reloc_pages_in(e, e->reloc_pages[0], e->reloc_pages[0]), 0);
	assert_int_equal(elfinfo_reloc_pages_in(e, e->reloc_pages[1], e->reloc_pages[0]), 0);
	assert_int_equal(elfinfo_reloc_pages_in(e, e->reloc_pages[0], e->reloc_pages[0] + 1), 1);
	assert_int_equal(elfinfo_reloc_pages_in(e, 0, UINT64_MAX), e->nreloc_pages);
	assert_int_equal(elfinfo_end(UINT64_MAX - 4, 5), UINT64_MAX);
	assert_int_equal(elfinfo_end(4096, 5), 4101);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct elf_info *e = elfinfo_load("/nonexistent/libnothing.so");
	assert_false(e->ok);
	struct elf_info *t = elfinfo_load("/etc/hostname");
	assert_false(t->ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libz_classes),
		cmocka_unit_test(test_reloc_pages_in),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests_name("elfinfo", tests, NULL, NULL);
}
