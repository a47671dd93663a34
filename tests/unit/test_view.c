/* mmld share's views and formatting: sort, --top and "other", totals, users; units, names
 * told apart, ellipses, escapes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include "mmld.h"
#include "report.h"

/* An accounting of 4 processes (2 users) and 5 objects with known figures, no kernel involved. */
static void fixture(struct acct *a)
{
	acct_init_with(a, "/nonexistent");
	a->exact = true;
	const char *objs[] = {"/usr/lib/libc.so.6", "/usr/lib32/libc.so.6", "[heap]", "/usr/bin/python3", "[anon]"};
	for (int i = 0; i < 5; i++)
		acct_object(a, objs[i], NULL);
	for (int p = 0; p < 4; p++) {
		struct acct_proc pr = {.pid = 100 + p, .uid = (uid_t)(p < 3 ? 0 : 1000),
				       .user = strdup(p < 3 ? "root" : "alice"), .command = strdup(p == 3 ? "python3 x.py" : "sh")};
		size_t i = acct_add_proc(a, &pr);
		a->processes++;
		for (int o = 0; o < 5; o++) {
			struct usage *u = acct_use(a, i, (size_t)o, o == 2 ? MC_HEAP : o == 4 ? MC_ANON : MC_TEXT);
			u->mapped = 10;
			u->rss = (uint64_t)(o + 1) * 10 + (uint64_t)p; /* object 4 largest */
			u->pss = u->rss * PSS_PAGE / 2;
			u->uss = (uint64_t)o;
			u->frames = p == 0 ? u->rss : 1;
		}
	}
	acct_finish(a);
}

static void test_by_object_sorted_with_other_and_total(void **state)
{
	(void)state;
	struct acct a;
	fixture(&a);
	struct view v;
	view_build(&v, &a, &(struct view_opts){.by = BY_OBJECT, .top = 2});
	assert_int_equal(v.nrows, 2);
	assert_string_equal(v.rows[0].name, "[anon]"); /* by RSS, largest first */
	assert_string_equal(v.rows[1].name, "/usr/bin/python3");
	assert_true(v.has_other);
	assert_int_equal(v.other.grouped, 3);
	/* other + shown rows = total, for every column */
	assert_int_equal(v.rows[0].u.rss + v.rows[1].u.rss + v.other.u.rss, v.total.u.rss);
	assert_int_equal(v.total.u.rss, 4 * (10 + 20 + 30 + 40 + 50) + 5 * (0 + 1 + 2 + 3));
	assert_int_equal(view_kib(&v, &v.total, COL_SAVED), view_kib(&v, &v.total, COL_RSS) - view_kib(&v, &v.total, COL_FRAMES));
	assert_int_equal(v.rows[0].processes, 4);
	view_free(&v);
	/* --reverse --sort uss */
	view_build(&v, &a, &(struct view_opts){.by = BY_OBJECT, .sort = "uss", .reverse = true});
	assert_string_equal(v.rows[0].name, "/usr/lib/libc.so.6");
	assert_false(v.has_other);
	view_free(&v);
	acct_free(&a);
}

static void test_by_process_and_user(void **state)
{
	(void)state;
	struct acct a;
	fixture(&a);
	struct view v;
	view_build(&v, &a, &(struct view_opts){.by = BY_PROCESS});
	assert_int_equal(v.nrows, 4);
	assert_int_equal(v.rows[0].pid, 103); /* largest PSS */
	assert_string_equal(v.rows[0].user, "alice");
	assert_string_equal(v.rows[0].name, "python3 x.py");
	view_free(&v);
	view_build(&v, &a, &(struct view_opts){.by = BY_USER, .sort = "name"});
	assert_int_equal(v.nrows, 2);
	assert_string_equal(v.rows[0].name, "alice");
	assert_int_equal(v.rows[0].processes, 1);
	assert_int_equal(v.rows[1].processes, 3);
	assert_int_equal(v.rows[0].u.rss + v.rows[1].u.rss, v.total.u.rss);
	view_free(&v);
	view_build(&v, &a, &(struct view_opts){.by = BY_CLASS});
	assert_int_equal(v.nrows, MC_N);
	assert_string_equal(v.rows[MC_HEAP].name, "heap");
	assert_int_equal(v.rows[MC_HEAP].u.rss, 4 * 30 + 6);
	view_free(&v);
	acct_free(&a);
}

static void test_columns_and_estimate(void **state)
{
	(void)state;
	assert_int_equal(view_column(BY_OBJECT, "frames"), COL_FRAMES);
	assert_int_equal(view_column(BY_PROCESS, "frames"), -1); /* per process, USS is the figure */
	assert_int_equal(view_column(BY_PROCESS, "command"), COL_NAME);
	assert_int_equal(view_column(BY_USER, "swap"), COL_SWAP);
	assert_int_equal(view_column(BY_CLASS, "nonsense"), -1);
	struct acct a;
	fixture(&a);
	a.estimated = true; /* no frame numbers: frames is Pss */
	struct view v;
	view_build(&v, &a, &(struct view_opts){.by = BY_CLASS});
	assert_false(v.exact);
	for (size_t i = 0; i < v.nrows; i++) {
		assert_int_equal(view_kib(&v, &v.rows[i], COL_FRAMES), view_kib(&v, &v.rows[i], COL_PSS));
		assert_true(view_kib(&v, &v.rows[i], COL_FRAMES) <= view_kib(&v, &v.rows[i], COL_RSS));
	}
	view_free(&v);
	acct_free(&a);
}

static void test_swap_columns_where_there_is_swap(void **state)
{
	(void)state;
	struct acct a;
	fixture(&a);
	struct view v;
	view_build(&v, &a, &(struct view_opts){.by = BY_PROCESS});
	for (int k = 0; k < v.ncols; k++)
		assert_true(v.cols[k] != COL_SWAP && v.cols[k] != COL_SWAP_PSS);
	view_free(&v);
	a.any_swap = true;
	a.rec[0].u.swap = 12;
	a.rec[0].u.swap_pss = 6ULL << 22;
	acct_finish(&a);
	view_build(&v, &a, &(struct view_opts){.by = BY_PROCESS, .sort = "swap"});
	assert_int_equal(v.cols[v.ncols - 1], COL_NAME); /* the command line stays last */
	assert_int_equal(v.cols[v.ncols - 2], COL_SWAP_PSS);
	assert_int_equal(v.cols[v.ncols - 3], COL_SWAP);
	assert_int_equal(v.rows[0].pid, 100);
	assert_int_equal(view_kib(&v, &v.rows[0], COL_SWAP), 12);
	assert_int_equal(view_kib(&v, &v.total, COL_SWAP_PSS), 6);
	view_free(&v);
	view_build(&v, &a, &(struct view_opts){.by = BY_OBJECT});
	assert_int_equal(v.cols[v.ncols - 1], COL_SWAP_PSS);
	view_free(&v);
	acct_free(&a);
}

static void test_units_and_names(void **state)
{
	(void)state;
	char b[128];
	assert_int_equal(unit_for(UNITS_AUTO, 10239), 0);
	assert_int_equal(unit_for(UNITS_AUTO, 10240), 1);
	assert_int_equal(unit_for(UNITS_AUTO, 20ULL << 20), 2);
	assert_int_equal(unit_for(UNITS_K, 20ULL << 20), 0);
	format_size(b, sizeof b, 1536, 1);
	assert_string_equal(b, "1.5");
	format_size(b, sizeof b, 1536, 0);
	assert_string_equal(b, "1536");
	const char *names[] = {"/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib32/libc.so.6", "[heap]", "/usr/bin/python3",
			       "/a/lib/libz.so", "/b/lib/libz.so"};
	const char *out[6];
	short_names(names, 6, out);
	assert_string_equal(out[0], "x86_64-linux-gnu/libc.so.6");
	assert_string_equal(out[1], "lib32/libc.so.6");
	assert_string_equal(out[2], "[heap]");
	assert_string_equal(out[3], "python3");
	assert_string_equal(out[4], "/a/lib/libz.so");
	assert_string_equal(out[5], "/b/lib/libz.so");
	ellipsise(b, sizeof b, "_json.cpython-311-x86_64-linux-gnu.so", 20);
	assert_int_equal(text_width(b), 20);
	assert_non_null(strstr(b, "\u2026"));
	assert_true(strncmp(b, "_json.", 6) == 0);
	assert_int_equal(strcmp(b + strlen(b) - 6, "gnu.so"), 0);
	ellipsise(b, sizeof b, "short", 20);
	assert_string_equal(b, "short");
	ellipsise_end(b, sizeof b, "python3 -c import os; os.read(0,1)", 10);
	assert_string_equal(b, "python3 -\u2026");
	ellipsise(b, sizeof b, "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", 5); /* cut between characters, not bytes */
	assert_int_equal(text_width(b), 5);
}

/* What mmld writes for a human (shown()): no byte a terminal acts on, each as \ooo; valid
 * UTF-8 as it is; widths in columns (CJK 2, combining 0), ellipses cut by columns. */
static void test_terminal_text(void **state)
{
	(void)state;
	assert_string_equal(shown("EVIL\x1b[2J\x1b]0;pwned\x07\n2nd"), "EVIL\\033[2J\\033]0;pwned\\007\\0122nd");
	assert_string_equal(shown("c1 \xc2\x9b" "31m, raw \x9b, bad \xff\xc3, del \x7f, back\\slash"),
			    "c1 \\302\\23331m, raw \\233, bad \\377\\303, del \\177, back\\134slash");
	assert_string_equal(shown("overlong \xc0\xaf, surrogate \xed\xa0\x80"),
			    "overlong \\300\\257, surrogate \\355\\240\\200");
	assert_string_equal(shown("caf\u00e9 \u65e5\u672c\u8a9e \u00a0nbsp"), "caf\u00e9 \u65e5\u672c\u8a9e \u00a0nbsp");
	assert_string_equal(shown(NULL), "");
	const char *keep = shown("kept");
	for (int i = 0; i < 15; i++)
		shown("another");
	assert_string_equal(keep, "kept"); /* valid for 16 calls */
	assert_int_equal(text_width("\u65e5\u672c\u8a9e"), 6);
	assert_int_equal(text_width("e\u0301"), 1);
	assert_int_equal(text_width("\xff"), 1);
	char b[128];
	ellipsise_end(b, sizeof b, "\u65e5\u672c\u8a9e\u65e5\u672c", 6); /* 10 columns into 6: 2 characters and the ellipsis */
	assert_string_equal(b, "\u65e5\u672c\u2026");
	ellipsise(b, sizeof b, "/\u65e5\u672c\u8a9e/\u65e5\u672c\u8a9e.so", 9);
	assert_true(text_width(b) <= 9);
	assert_int_equal(strcmp(b + strlen(b) - 3, ".so"), 0);
}

static void test_escapes(void **state)
{
	(void)state;
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	put_xml(f, "a<b>&\"c'\x01\xff");
	fflush(f);
	assert_string_equal(buf, "a&lt;b&gt;&amp;&quot;c&#39;\\001\\377");
	rewind(f);
	put_json(f, "q\"\\\n\xff\u00e9");
	fputc(0, f);
	fflush(f);
	assert_string_equal(buf, "\"q\\\"\\\\\\u000a\\u00ff\u00e9\"");
	rewind(f);
	put_csv(f, "a,\"b\"");
	fputc(0, f);
	fflush(f);
	assert_string_equal(buf, "\"a,\"\"b\"\"\"");
	fclose(f);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_object_sorted_with_other_and_total),
		cmocka_unit_test(test_by_process_and_user),
		cmocka_unit_test(test_columns_and_estimate),
		cmocka_unit_test(test_swap_columns_where_there_is_swap),
		cmocka_unit_test(test_units_and_names),
		cmocka_unit_test(test_terminal_text),
		cmocka_unit_test(test_escapes),
	};
	return cmocka_run_group_tests_name("view", tests, NULL, NULL);
}
