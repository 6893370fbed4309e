/*
 * common_buf.c - the capped buffer refuses to grow past its cap.
 */
#include <string.h>

#include "unit.h"

#include "../../common/buf.h"
#include "../../common/error.h"

static void test_cap(void **state)
{
	struct wp_buf b = WP_BUF_INIT(8);

	(void)state;
	assert_int_equal(wp_buf_puts(&b, "12345678"), 0);
	assert_string_equal(wp_buf_cstr(&b), "12345678");
	assert_int_equal(wp_buf_puts(&b, "9"), WP_ETOOBIG);
	assert_int_equal(b.len, 8);
	wp_buf_reset(&b);
	assert_int_equal(wp_buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(wp_buf_cstr(&b), "42-x");
	assert_int_equal(wp_buf_printf(&b, "%s", "too long!"), WP_ETOOBIG);
	wp_buf_release(&b);
	assert_string_equal(wp_buf_cstr(&b), "");
}

static void test_huge_request(void **state)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);

	(void)state;
	/* a length that would overflow size_t arithmetic is refused */
	assert_int_equal(wp_buf_grow(&b, (size_t)-1), WP_ETOOBIG);
	wp_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_huge_request),
	};
	return cmocka_run_group_tests_name("common_buf", tests, NULL, NULL);
}
