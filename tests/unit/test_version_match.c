/* Which definitions satisfy which references, by symbol version. The defining object is
 * built by hand: symbols 1..4 with versym indexes, versions 2 (VER_1) and 3 (VER_2). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "hash.h"
#include "versions.h"

static struct dso def;
static struct dso_version versions[2]; /* indexes 2 and 3 (the table starts at 2) */
/* sym 1: unversioned global (1); sym 2: VER_1 hidden; sym 3: VER_2 default; sym 4: local (0) */
static uint16_t versym[5] = {0, 1, 2 | VERSYM_HIDDEN, 3, 0};

static int setup(void **state)
{
	(void)state;
	memset(&def, 0, sizeof def);
	versions[0] = (struct dso_version){.name = "VER_1"};
	versions[1] = (struct dso_version){.name = "VER_2"};
	def.versym = versym;
	def.nversym = 5;
	def.versions = versions;
	def.nversions = 4;
	return 0;
}

static struct dso_version want(const char *name)
{
	return (struct dso_version){.name = name}; /* a verneed whose definition is not known yet */
}

static void test_versioned_reference(void **state)
{
	(void)state;
	struct dso_version v1 = want("VER_1"), v2 = want("VER_2"), v3 = want("VER_3");
	assert_true(version_matches(&def, 2, &v1));  /* hidden versions still satisfy exact requests */
	assert_false(version_matches(&def, 2, &v2));
	assert_true(version_matches(&def, 3, &v2));
	assert_false(version_matches(&def, 3, &v3));
	assert_true(version_matches(&def, 1, &v3));  /* an unversioned definition satisfies anything */
	/* A reference whose definition the needed-version check found matches that one without
	 * a compare, and none of the same object's other versions. */
	struct dso_version known = {.name = "VER_2", .def = &versions[1]};
	assert_true(version_matches(&def, 3, &known));
	assert_false(version_matches(&def, 2, &known));
	struct dso_version forged = {.name = "VER_1", .def = &versions[1]}; /* the name is not read */
	assert_true(version_matches(&def, 3, &forged));
	assert_false(version_matches(&def, 2, &forged));
	/* Found in another object: the names decide. */
	struct dso_version other = {.name = "VER_1", .def = &v1};
	assert_true(version_matches(&def, 2, &other));
	assert_false(version_matches(&def, 3, &other));
}

static void test_unversioned_reference(void **state)
{
	(void)state;
	assert_true(version_matches(&def, 1, NULL));
	assert_false(version_matches(&def, 2, NULL)); /* hidden: not the default */
	assert_true(version_matches(&def, 3, NULL));
	assert_true(version_matches(&def, 4, NULL));
	struct dso_version empty = {0};
	assert_true(version_matches(&def, 3, &empty));
}

static void test_bounds_and_unversioned_object(void **state)
{
	(void)state;
	struct dso_version v1 = want("VER_1");
	assert_false(version_matches(&def, 5, &v1)); /* past versym */
	versym[4] = 9;                              /* an index with no version record */
	assert_false(version_matches(&def, 4, &v1));
	versym[4] = 0;
	def.versym = NULL;                          /* an object without versioning */
	assert_true(version_matches(&def, 2, &v1));
	assert_true(version_matches(&def, 2, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_versioned_reference, setup),
		cmocka_unit_test_setup(test_unversioned_reference, setup),
		cmocka_unit_test_setup(test_bounds_and_unversioned_object, setup),
	};
	return cmocka_run_group_tests_name("version_match", tests, NULL, NULL);
}
