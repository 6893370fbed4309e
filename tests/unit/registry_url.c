/*
 * registry_url.c - Location headers resolved as registries send them
 * (relative, absolute, scheme-relative, with distribution's ?_state=
 * query), the digest appended to a query, and origins compared (a
 * redirect to another origin must lose the Authorization header).
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../registry/http.h"

static void expect_resolve(const char *base, const char *loc, const char *want)
{
	char *got = reg_url_resolve(base, loc);

	if (!got)
		fail_msg("resolve('%s', '%s') failed", base, loc);
	assert_string_equal(got, want);
	free(got);
}

static void test_resolve(void **state)
{
	const char *b = "https://r.io:5000/v2/app/blobs/uploads/";

	(void)state;
	expect_resolve(b, "/v2/app/blobs/uploads/u1?_state=abc", "https://r.io:5000/v2/app/blobs/uploads/u1?_state=abc");
	expect_resolve(b, "https://other.io/up/u1", "https://other.io/up/u1");
	expect_resolve(b, "//cdn.io/x?sig=1", "https://cdn.io/x?sig=1");
	expect_resolve(b, "u2", "https://r.io:5000/v2/app/blobs/uploads/u2");
	expect_resolve("http://h/v2/a/b?x=1", "c?y=2", "http://h/v2/a/c?y=2");
	expect_resolve("http://h", "c", "http://h/c");
	assert_null(reg_url_resolve(b, ""));
	assert_null(reg_url_resolve(b, "/a b"));
	assert_null(reg_url_resolve("not a url", "x"));
}

static void test_add_query(void **state)
{
	char *u;

	(void)state;
	u = reg_url_add_query("http://h/u/1", "digest=sha256:ab");
	assert_string_equal(u, "http://h/u/1?digest=sha256:ab");
	free(u);
	u = reg_url_add_query("http://h/u/1?_state=xyz", "digest=sha256:ab");
	assert_string_equal(u, "http://h/u/1?_state=xyz&digest=sha256:ab");
	free(u);
	u = reg_url_add_query("http://h/u/1?", "digest=d");
	assert_string_equal(u, "http://h/u/1?digest=d");
	free(u);
	u = reg_url_escape("repository:a/b:push,pull x");
	assert_string_equal(u, "repository%3Aa%2Fb%3Apush%2Cpull%20x");
	free(u);
}

static void test_origin(void **state)
{
	char *h;

	(void)state;
	assert_true(reg_url_same_origin("https://r.io/v2/x", "https://R.IO:443/other?q"));
	assert_true(reg_url_same_origin("http://127.0.0.1:5000/a", "http://127.0.0.1:5000/b"));
	assert_false(reg_url_same_origin("http://127.0.0.1:5000/a", "http://localhost:5000/b"));
	assert_false(reg_url_same_origin("http://r.io/a", "https://r.io/a"));
	assert_false(reg_url_same_origin("https://r.io/a", "https://r.io:8443/a"));
	assert_false(reg_url_same_origin("https://r.io/a", "https://cdn.r.io/a"));
	assert_true(reg_url_is_https("HTTPS://x"));
	assert_false(reg_url_is_https("http://x"));
	h = reg_url_host("https://user:secret@r.io:5000/v2/?x");
	assert_string_equal(h, "r.io:5000"); /* never the userinfo */
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_add_query),
		cmocka_unit_test(test_origin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
