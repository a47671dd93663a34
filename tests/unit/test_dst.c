/* $ORIGIN, $LIB and $PLATFORM expansion in search paths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "dst.h"

static const struct dst_values V = {.origin = "/opt/app/bin", .lib = "lib/x86_64-linux-gnu", .platform = "x86_64"};

static void expands(const char *in, const char *want)
{
	char out[256];
	int n = dst_expand(in, strlen(in), &V, out, sizeof out);
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(out, want);
}

static void test_tokens(void **state)
{
	(void)state;
	expands("$ORIGIN/../lib", "/opt/app/bin/../lib");
	expands("${ORIGIN}/lib", "/opt/app/bin/lib");
	expands("/usr/$LIB", "/usr/lib/x86_64-linux-gnu");
	expands("/p/${PLATFORM}/$LIB/x", "/p/x86_64/lib/x86_64-linux-gnu/x");
	expands("$ORIGIN", "/opt/app/bin");
	expands("/plain/dir", "/plain/dir");
}

static void test_token_boundaries(void **state)
{
	(void)state;
	char out[64];
	/* $ORIGINX is not $ORIGIN followed by X: an unknown token drops the entry. */
	assert_int_equal(dst_expand("$ORIGINX", 8, &V, out, sizeof out), -1);
	assert_int_equal(dst_expand("$FOO/x", 6, &V, out, sizeof out), -1);
	assert_int_equal(dst_expand("${ORIGIN", 8, &V, out, sizeof out), -1);
	/* Only the first inlen bytes count (entries of a colon-separated list). */
	assert_int_equal(dst_expand("$LIB:/other", 4, &V, out, sizeof out), 20);
	assert_string_equal(out, "lib/x86_64-linux-gnu");
}

static void test_unavailable_and_overflow(void **state)
{
	(void)state;
	char out[16];
	struct dst_values none = {.origin = NULL, .lib = "lib", .platform = NULL};
	assert_int_equal(dst_expand("$ORIGIN/x", 9, &none, out, sizeof out), -1);
	assert_int_equal(dst_expand("$PLATFORM", 9, &none, out, sizeof out), -1);
	assert_int_equal(dst_expand("$ORIGIN/abcdefgh", 16, &V, out, sizeof out), -1);
	assert_int_equal(dst_expand("0123456789abcdef", 16, &V, out, sizeof out), -1);
	assert_int_equal(dst_expand("0123456789abcde", 15, &V, out, sizeof out), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_token_boundaries),
		cmocka_unit_test(test_unavailable_and_overflow),
	};
	return cmocka_run_group_tests_name("dst", tests, NULL, NULL);
}
