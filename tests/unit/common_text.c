/*
 * common_text.c - untrusted text is escaped before it reaches a terminal.
 */
#include <stdlib.h>

#include "unit.h"
#include "../../common/text.h"

static void expect(const char *in, int keep, const char *want)
{
	char *got = wp_text_escape(in, keep);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_escapes_controls(void **state)
{
	(void)state;
	expect("plain text, ünïcode", 0, "plain text, ünïcode");
	expect("\x1b]0;pwned\x07\x1b[2J", 0, "\\x1b]0;pwned\\x07\\x1b[2J");
	expect("a\r\nb\tc\x7f", 0, "a\\x0d\\x0ab\tc\\x7f");
	expect("a\nb", 1, "a\nb");
	expect("csi \xc2\x9b" "31m", 0, "csi \\u009b31m");
	expect(NULL, 0, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes_controls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
