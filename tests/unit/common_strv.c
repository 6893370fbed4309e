/*
 * common_strv.c - the string list stays NULL-terminated (it is handed to
 * execve and to the guest as argv/envp) and setenv replaces by name.
 */
#include <string.h>

#include "unit.h"

#include "../../common/strv.h"

static void test_terminated(void **state)
{
	struct wp_strv l = { NULL, 0 };
	char *src[] = { "b", "c" };

	(void)state;
	assert_int_equal(wp_strv_add(&l, "a"), 0);
	assert_int_equal(wp_strv_add_all(&l, src, 2), 0);
	assert_int_equal(wp_strv_addf(&l, "%s=%d", "n", 4), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "a");
	assert_string_equal(l.v[2], "c");
	assert_string_equal(l.v[3], "n=4");
	assert_null(l.v[4]);
	wp_strv_release(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

static void test_setenv(void **state)
{
	struct wp_strv l = { NULL, 0 };

	(void)state;
	assert_int_equal(wp_strv_setenv(&l, "PATH=/a"), 0);
	assert_int_equal(wp_strv_setenv(&l, "PATHX=1"), 0);
	assert_int_equal(wp_strv_setenv(&l, "PAT=2"), 0);
	assert_int_equal(wp_strv_setenv(&l, "PATH=/b"), 0); /* replaces PATH only */
	assert_int_equal(wp_strv_setenv(&l, "EMPTY="), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "PATH=/b");
	assert_string_equal(l.v[1], "PATHX=1");
	assert_string_equal(l.v[2], "PAT=2");
	assert_string_equal(l.v[3], "EMPTY=");
	assert_null(l.v[4]);
	wp_strv_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminated),
		cmocka_unit_test(test_setenv),
	};
	return cmocka_run_group_tests_name("common_strv", tests, NULL, NULL);
}
