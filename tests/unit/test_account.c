/* mmld share's accounting: distinct frames, private and relocation-dirty pages, totals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <stdlib.h>
#include "account.h"

static struct page_info page(uint64_t pfn, bool file)
{
	return (struct page_info){.present = true, .file = file, .pfn = pfn, .mapcount = 1};
}

static void test_shared_frames_count_once(void **state)
{
	(void)state;
	struct acct a;
	acct_init(&a);
	size_t lib = acct_object(&a, "/lib/libx.so", NULL);
	/* Two processes map the same 3 text frames; each has its own copy of one data page. */
	for (int proc = 0; proc < 2; proc++) {
		for (uint64_t f = 100; f < 103; f++) {
			struct page_info p = page(f, true);
			acct_page(&a, lib, CLASS_TEXT, &p, false);
		}
		struct page_info d = page(200 + (uint64_t)proc, false);
		acct_page(&a, lib, CLASS_RELRO, &d, true);
	}
	const struct acct_object *o = &a.obj[lib];
	assert_int_equal(o->rss, 8);
	assert_int_equal(o->unique, 5);
	assert_int_equal(o->cls[CLASS_TEXT].rss, 6);
	assert_int_equal(o->cls[CLASS_TEXT].unique, 3);
	assert_int_equal(o->private_dirty, 2);
	assert_int_equal(o->reloc_dirty, 2);
	assert_int_equal(o->cls[CLASS_RELRO].private_dirty, 2);
	assert_true(a.exact);
	/* The same object name is the same entry. */
	assert_int_equal(acct_object(&a, "/lib/libx.so", NULL), lib);
	acct_free(&a);
}

static void test_frames_across_objects_and_absent_pages(void **state)
{
	(void)state;
	struct acct a;
	acct_init(&a);
	size_t x = acct_object(&a, "x", NULL), y = acct_object(&a, "y", NULL);
	struct page_info p = page(7, true), absent = {0};
	acct_page(&a, x, CLASS_RODATA, &p, false);
	acct_page(&a, y, CLASS_RODATA, &p, false); /* same frame, another object: counted once */
	acct_page(&a, y, CLASS_RODATA, &absent, false);
	struct acct_object t;
	acct_totals(&a, &t);
	assert_int_equal(t.rss, 2);
	assert_int_equal(t.unique, 1);
	assert_int_equal(a.obj[y].unique, 0);
	acct_free(&a);
}

static void test_frame_set_grows(void **state)
{
	(void)state;
	struct frame_set s = {0};
	for (uint64_t i = 1; i <= 100000; i++)
		assert_true(frame_set_add(&s, i * 7919));
	for (uint64_t i = 1; i <= 100000; i += 997)
		assert_false(frame_set_add(&s, i * 7919));
	assert_int_equal(s.n, 100000);
	free(s.slots);
}

static void test_smaps_fallback(void **state)
{
	(void)state;
	struct acct a;
	acct_init(&a);
	size_t o = acct_object(&a, "lib", NULL);
	acct_smaps(&a, o, CLASS_TEXT, 10, 4, 0);
	assert_int_equal(a.obj[o].unique, 4);
	assert_false(a.exact);
	acct_free(&a);
}

static void test_parse_maps_line(void **state)
{
	(void)state;
	struct mapping m;
	assert_int_equal(proc_parse_maps_line("7f1234560000-7f1234580000 r-xp 00028000 fe:00 1234567    "
					      "/usr/lib/x86_64-linux-gnu/libc.so.6\n", &m), 0);
	assert_int_equal(m.start, 0x7f1234560000UL);
	assert_int_equal(m.end, 0x7f1234580000UL);
	assert_string_equal(m.perms, "r-xp");
	assert_int_equal(m.offset, 0x28000);
	assert_int_equal(m.inode, 1234567);
	assert_string_equal(m.path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	free(m.path);
	assert_int_equal(proc_parse_maps_line("55d0c0a00000-55d0c0a21000 rw-p 00000000 00:00 0 \n", &m), 0);
	assert_string_equal(m.path, "");
	free(m.path);
	assert_int_equal(proc_parse_maps_line("not a maps line\n", &m), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_frames_count_once),
		cmocka_unit_test(test_frames_across_objects_and_absent_pages),
		cmocka_unit_test(test_frame_set_grows),
		cmocka_unit_test(test_smaps_fallback),
		cmocka_unit_test(test_parse_maps_line),
	};
	return cmocka_run_group_tests_name("account", tests, NULL, NULL);
}
