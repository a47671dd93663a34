/* mmld share's accounting: PSS as the kernel rounds it, USS, distinct frames, private and
 * relocation-dirty pages, batched kpagecount reads, /proc parsing, a process taken out again. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "account.h"

/* A kpagecount of our own: frame f is mapped counts[f] times. */
static char kpc_path[64];
static void write_kpagecount(const uint64_t *counts, size_t n)
{
	strcpy(kpc_path, "/tmp/mmld-test-kpc-XXXXXX");
	int fd = mkstemp(kpc_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, counts, n * 8), (ssize_t)(n * 8));
	close(fd);
}

static uint64_t word(uint64_t pfn, bool file) { return PM_PRESENT | (file ? PM_FILE : 0) | pfn; }

/* Measures pages (pfn, file) of one object in one class for process p. */
static void pages(struct acct *a, size_t p, size_t obj, int cls, const uint64_t *pfns, size_t n, bool file, bool reloc)
{
	uint64_t *w = malloc(n * sizeof *w);
	for (size_t i = 0; i < n; i++)
		w[i] = word(pfns[i], file);
	frame_table_fill(&a->frames, w, n);
	struct usage *u = acct_use(a, p, obj, cls);
	for (size_t i = 0; i < n; i++)
		acct_page(a, u, w[i], frame_table_get(&a->frames, pfns[i]), reloc);
	free(w);
}

static size_t proc(struct acct *a, pid_t pid)
{
	struct acct_proc p = {.pid = pid, .user = strdup("u"), .command = strdup("c")};
	return acct_add_proc(a, &p);
}

static void test_shared_frames_pss_uss(void **state)
{
	(void)state;
	/* frames 100..102 mapped by 3 (ours two and someone else), 200 and 201 once each */
	uint64_t counts[256] = {0};
	counts[100] = counts[101] = counts[102] = 3;
	counts[200] = counts[201] = 1;
	write_kpagecount(counts, 256);
	struct acct a;
	acct_init_with(&a, kpc_path);
	size_t lib = acct_object(&a, "/lib/libx.so", NULL);
	uint64_t text[] = {100, 101, 102};
	for (int i = 0; i < 2; i++) {
		size_t p = proc(&a, 10 + i);
		pages(&a, p, lib, MC_TEXT, text, 3, true, false);
		uint64_t data[] = {200 + (uint64_t)i};
		pages(&a, p, lib, MC_RELRO, data, 1, false, true);
	}
	acct_finish(&a);
	const struct acct_object *o = &a.obj[lib];
	assert_int_equal(o->total.rss, 8);
	assert_int_equal(o->total.frames, 5);
	assert_int_equal(o->cls[MC_TEXT].rss, 6);
	assert_int_equal(o->cls[MC_TEXT].frames, 3);
	assert_int_equal(o->total.uss, 2);
	assert_int_equal(o->total.private_dirty, 2);
	assert_int_equal(o->total.reloc_dirty, 2);
	assert_int_equal(o->processes, 2);
	/* PSS as the kernel sums it: (4096 << 12) / 3 per shared page, rounded down once. */
	uint64_t third = (4096ULL << 12) / 3;
	assert_int_equal(a.procs[0].total.pss, 3 * third + (4096ULL << 12));
	assert_int_equal(PSS_TO_KIB(a.procs[0].total.pss), (3 * third + (4096ULL << 12)) >> 22);
	assert_int_equal(PSS_TO_KIB(a.procs[0].total.pss), 7); /* 4 + 3 x 1.33 = 8.0 less the rounding: 7 */
	/* The same name is the same object. */
	assert_int_equal(acct_object(&a, "/lib/libx.so", NULL), lib);
	acct_free(&a);
	unlink(kpc_path);
}

static void test_unmapped_frames_are_not_resident(void **state)
{
	(void)state;
	/* Frame 5 has map count 0: the zero page or [vvar], which smaps does not count. */
	uint64_t counts[16] = {0};
	counts[7] = 2;
	write_kpagecount(counts, 16);
	struct acct a;
	acct_init_with(&a, kpc_path);
	size_t x = acct_object(&a, "x", NULL), y = acct_object(&a, "y", NULL);
	size_t p = proc(&a, 1);
	uint64_t f7[] = {7}, f5[] = {5};
	pages(&a, p, x, MC_RODATA, f7, 1, true, false);
	pages(&a, p, y, MC_RODATA, f7, 1, true, false); /* same frame, another object: counted once */
	pages(&a, p, y, MC_ANON, f5, 1, false, false);
	acct_finish(&a);
	struct usage t;
	acct_totals(&a, &t, NULL);
	assert_int_equal(t.rss, 2);
	assert_int_equal(t.frames, 1);
	assert_int_equal(t.uss, 0);
	assert_int_equal(t.private_dirty, 0);
	assert_int_equal(a.obj[y].total.frames, 0);
	acct_free(&a);
	unlink(kpc_path);
}

static void test_kpagecount_read_in_windows(void **state)
{
	(void)state;
	size_t n = 200000;
	uint64_t *counts = calloc(n, 8);
	for (size_t i = 0; i < n; i++)
		counts[i] = i % 5 + 1;
	write_kpagecount(counts, n);
	struct frame_table t;
	frame_table_init(&t, kpc_path);
	/* 1000 neighbouring frames: one read. */
	uint64_t w[1000];
	for (size_t i = 0; i < 1000; i++)
		w[i] = PM_PRESENT | (1000 + i);
	frame_table_fill(&t, w, 1000);
	assert_int_equal(t.reads, 1);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(frame_table_get(&t, 1000 + i)->mapcount, (1000 + i) % 5 + 1);
	/* Read already: no read at all. */
	frame_table_fill(&t, w, 1000);
	assert_int_equal(t.reads, 1);
	/* Far apart, in any order: one read each; absent pages and frame 0 never read. */
	for (size_t i = 0; i < 100; i++)
		w[i] = PM_PRESENT | (199000 - i * 1000);
	w[100] = 0;
	w[101] = PM_PRESENT;
	frame_table_fill(&t, w, 102);
	assert_int_equal(t.reads, 101);
	assert_int_equal(frame_table_get(&t, 199000)->mapcount, 199000 % 5 + 1);
	assert_int_equal(frame_table_get(&t, 100000)->mapcount, 100000 % 5 + 1);
	frame_table_free(&t);
	free(counts);
	unlink(kpc_path);
}

static void test_dropped_process_leaves_no_trace(void **state)
{
	(void)state;
	uint64_t counts[64] = {0};
	counts[10] = counts[11] = 2;
	write_kpagecount(counts, 64);
	struct acct a;
	acct_init_with(&a, kpc_path);
	size_t lib = acct_object(&a, "lib", NULL);
	uint64_t f[] = {10, 11};
	size_t p = proc(&a, 1);
	pages(&a, p, lib, MC_TEXT, f, 2, true, false);
	acct_drop_last_proc(&a); /* it exited while being read */
	p = proc(&a, 2);
	pages(&a, p, lib, MC_TEXT, f, 2, true, false);
	acct_finish(&a);
	assert_int_equal(a.nprocs, 1);
	assert_int_equal(a.procs[0].pid, 2);
	assert_int_equal(a.obj[lib].total.rss, 2);
	assert_int_equal(a.obj[lib].total.frames, 2); /* the frames count for the one that stayed */
	assert_int_equal(a.obj[lib].processes, 1);
	acct_free(&a);
	unlink(kpc_path);
}

static void test_object_filter(void **state)
{
	(void)state;
	struct acct a;
	acct_init_with(&a, "/nonexistent");
	char why[128];
	assert_int_equal(acct_set_object_filter(&a, "libc\\.so|\\[heap\\]", why, sizeof why), 0);
	assert_true(acct_object_wanted(&a, "/usr/lib/x86_64-linux-gnu/libc.so.6"));
	assert_true(acct_object_wanted(&a, "[heap]"));
	assert_false(acct_object_wanted(&a, "/usr/lib/x86_64-linux-gnu/libm.so.6"));
	assert_int_equal(acct_set_object_filter(&a, "lib(", why, sizeof why), -1);
	acct_free(&a);
}

static void test_many_objects_hashed(void **state)
{
	(void)state;
	struct acct a;
	acct_init_with(&a, "/nonexistent");
	char name[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "/lib/o%d.so", i);
		assert_int_equal(acct_object(&a, name, NULL), (size_t)i);
	}
	for (int i = 0; i < 5000; i += 7) {
		snprintf(name, sizeof name, "/lib/o%d.so", i);
		assert_int_equal(acct_object(&a, name, NULL), (size_t)i);
	}
	assert_int_equal(a.nobj, 5000);
	acct_free(&a);
}

static void test_parse_maps(void **state)
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
	char text[] = "1000-2000 r--p 00000000 08:01 12 /a b\n"
		      "garbage\n"
		      "3000-5000 rw-p 00000000 00:00 0                          [heap]\n"
		      "6000-7000 ---p 00000000 00:00 0";
	struct mapping *v;
	int n = proc_parse_maps(text, &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].path, "/a b");
	assert_string_equal(v[1].path, "[heap]");
	assert_int_equal(v[1].end, 0x5000);
	assert_string_equal(v[2].perms, "---p");
	proc_maps_free(v, n);
}

static void test_parse_smaps(void **state)
{
	(void)state;
	const char *text = "7f00-8f00 r-xp 00000000 fe:00 5 /lib/x.so\n"
			   "Size:                 64 kB\n"
			   "Rss:                  40 kB\n"
			   "Pss:                  13 kB\n"
			   "Pss_Dirty:             0 kB\n"
			   "Private_Clean:         8 kB\n"
			   "Private_Dirty:         4 kB\n"
			   "Swap:                 12 kB\n"
			   "SwapPss:               6 kB\n"
			   "VmFlags: rd ex mr mw me\n"
			   "9000-a000 rw-p 00000000 00:00 0\n"
			   "Rss:                   4 kB\n";
	struct smaps_entry *e;
	assert_int_equal(proc_parse_smaps(text, &e), 2);
	assert_int_equal(e[0].start, 0x7f00);
	assert_int_equal(e[0].rss, 40);
	assert_int_equal(e[0].pss, 13);
	assert_int_equal(e[0].private_clean, 8);
	assert_int_equal(e[0].private_dirty, 4);
	assert_int_equal(e[0].swap, 12);
	assert_int_equal(e[0].swap_pss, 6);
	assert_int_equal(e[1].rss, 4);
	assert_int_equal(e[1].pss, 0);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_frames_pss_uss),
		cmocka_unit_test(test_unmapped_frames_are_not_resident),
		cmocka_unit_test(test_kpagecount_read_in_windows),
		cmocka_unit_test(test_dropped_process_leaves_no_trace),
		cmocka_unit_test(test_object_filter),
		cmocka_unit_test(test_many_objects_hashed),
		cmocka_unit_test(test_parse_maps),
		cmocka_unit_test(test_parse_smaps),
	};
	return cmocka_run_group_tests_name("account", tests, NULL, NULL);
}
