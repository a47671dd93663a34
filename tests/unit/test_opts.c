/* mmld's option parsing (loader/opts.c): strict values, getopt_long's spellings, conflicts,
 * operands. Each bad argument must be refused with exit status 2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "opts.h"

static void test_whole_numbers(void **state)
{
	(void)state;
	char why[256];
	long v = 0;
	assert_int_equal(opts_parse_int("8", 1, 4096, &v, why, sizeof why), 0);
	assert_int_equal(v, 8);
	assert_int_equal(opts_parse_int("4096", 1, 4096, &v, why, sizeof why), 0);
	const char *bad[] = {"1.5", "1x", "", " 8", "+8", "-1", "0", "4097", "99999999999999999999", "0x10", "8 ", NULL};
	for (int i = 0; bad[i]; i++) {
		v = 77;
		assert_int_equal(opts_parse_int(bad[i], 1, 4096, &v, why, sizeof why), -1);
		assert_int_equal(v, 77);
		assert_non_null(strstr(why, "1 to 4096")); /* the allowed range is in the message */
	}
	assert_int_equal(opts_parse_int("-3", -5, 5, &v, why, sizeof why), 0);
	assert_int_equal(v, -3);
}

static void test_durations(void **state)
{
	(void)state;
	char why[256];
	double v;
	struct { const char *s; double want; } good[] = {
		{"2", 2}, {"0.5", 0.5}, {".5", 0.5}, {"250ms", 0.25}, {"1.5s", 1.5}, {"2m", 120}, {"1h", 3600}, {"0.001", 0.001}};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(opts_parse_seconds(good[i].s, 0.001, 86400, &v, why, sizeof why), 0);
		assert_true(v > good[i].want * 0.999999 && v < good[i].want * 1.000001);
	}
	const char *bad[] = {"inf", "nan", "1e-9", "1e3", "99999999999999999999", "-1", "", ".", "1..2", "1.2.3",
			     "2x", "0x10", "0", "0.0001", "25h", " 1", "1 ", "s", "ms", NULL};
	for (int i = 0; bad[i]; i++) {
		v = -7;
		assert_int_equal(opts_parse_seconds(bad[i], 0.001, 86400, &v, why, sizeof why), -1);
		assert_true(v == -7);
		assert_non_null(strstr(why, "0.001 to 86400"));
	}
}

struct parsed {
	int n, loader;
	bool json, a, b;
	const char *file;
};

static const char *const loaders[] = {"mmld", "system", NULL};

/* Parses a command line (NULL-terminated) into p; returns -1 on success (first in *first),
 * else the exit status. */
static int parse(struct parsed *p, int *first, bool program_follows, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, program_follows);
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	memset(p, 0, sizeof *p);
	p->n = 4;
	struct opt opts[] = {
		{.name = "count", .letter = 'n', .kind = OPT_INT, .dest = &p->n, .metavar = "N", .min = 1, .max = 4096},
		{.name = "loader", .kind = OPT_CHOICE, .dest = &p->loader, .choices = loaders},
		{.name = "json", .kind = OPT_FLAG, .dest = &p->json},
		{.name = "alpha", .kind = OPT_FLAG, .dest = &p->a, .conflicts = (const char *const[]){"beta", NULL}},
		{.name = "beta", .kind = OPT_FLAG, .dest = &p->b},
		{.name = "file", .letter = 'f', .kind = OPT_STRING, .dest = &p->file, .metavar = "FILE"},
		{0},
	};
	const struct command cmd = {.name = "test", .usage = "[OPTIONS] PROGRAM", .summary = "test", .opts = opts,
				    .min_operands = 1, .max_operands = program_follows ? -1 : 1,
				    .program_follows = program_follows};
	int status;
	return opts_parse(&cmd, argc, argv, first, &status) ? -1 : status;
}

static void test_spellings(void **state)
{
	(void)state;
	struct parsed p;
	int first;
	assert_int_equal(parse(&p, &first, true, "test", "-n8", "prog", NULL), -1);
	assert_int_equal(p.n, 8);
	assert_int_equal(first, 2);
	assert_int_equal(parse(&p, &first, true, "test", "-n", "8", "prog", NULL), -1);
	assert_int_equal(p.n, 8);
	assert_int_equal(parse(&p, &first, true, "test", "--count=9", "--json", "prog", NULL), -1);
	assert_int_equal(p.n, 9);
	assert_true(p.json);
	assert_int_equal(parse(&p, &first, true, "test", "--count", "10", "--loader=system", "--", "prog", "-n3", NULL), -1);
	assert_int_equal(p.n, 10);
	assert_int_equal(p.loader, 1);
	assert_int_equal(first, 5); /* "prog"; its -n3 is its own */
	assert_int_equal(parse(&p, &first, true, "test", "prog", "--json", NULL), -1);
	assert_false(p.json); /* options end at PROGRAM */
	assert_int_equal(first, 1);
	assert_int_equal(parse(&p, &first, false, "test", "file", "--json", NULL), -1);
	assert_true(p.json); /* no PROGRAM: options may follow the operand */
	assert_int_equal(parse(&p, &first, true, "test", "--lo", "mmld", "x", NULL), -1); /* unambiguous prefix */
}

static void test_refusals(void **state)
{
	(void)state;
	struct parsed p;
	int first;
	assert_int_equal(parse(&p, &first, true, "test", "-n", "1.5", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "-n1x", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "-n", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "-f", "--", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "--file=", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "--json=1", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "--loader=ours", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "--bogus", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "-x", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "--alpha", "--beta", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "--beta", "--alpha", "prog", NULL), 2);
	assert_int_equal(parse(&p, &first, true, "test", "--alpha", "prog", NULL), -1);
	assert_int_equal(parse(&p, &first, true, "test", "--json", NULL), 2);          /* no PROGRAM */
	assert_int_equal(parse(&p, &first, false, "test", "a", "b", NULL), 2);         /* one operand only */
	assert_int_equal(parse(&p, &first, true, "test", "--help", NULL), 0);          /* help: status 0 */
	assert_int_equal(parse(&p, &first, true, "test", "-h", "prog", NULL), 0);
}

int main(void)
{
	/* --help writes to stdout; keep the test's output to cmocka's lines. */
	if (!freopen("/dev/null", "w", stdout))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_numbers),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
