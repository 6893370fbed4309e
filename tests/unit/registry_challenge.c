/*
 * registry_challenge.c - WWW-Authenticate challenges as real registries
 * send them: Bearer with realm/service/scope (several scopes in one),
 * insufficient_scope errors, Basic (ECR, Artifactory), quoting.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/error.h"
#include "../../registry/auth.h"

static void test_bearer(void **state)
{
	struct reg_challenge c;

	(void)state;
	assert_int_equal(reg_challenge_parse(
				 "Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\",scope=\"repository:o/a:pull,push\"",
				 &c), 0);
	assert_string_equal(c.scheme, "bearer");
	assert_string_equal(c.realm, "https://ghcr.io/token");
	assert_string_equal(c.service, "ghcr.io");
	assert_string_equal(c.scope, "repository:o/a:pull,push");
	assert_null(c.error);
	reg_challenge_release(&c);
}

static void test_insufficient_scope(void **state)
{
	struct reg_challenge c;

	(void)state;
	/* distribution 2.8's answer to a token lacking the mount source */
	assert_int_equal(reg_challenge_parse(
				 "bearer realm=\"http://127.0.0.1:1/token\", service=\"svc\", "
				 "scope=\"repository:a:pull repository:b:pull,push\", error=\"insufficient_scope\"",
				 &c), 0);
	assert_string_equal(c.scheme, "bearer");
	assert_string_equal(c.scope, "repository:a:pull repository:b:pull,push");
	assert_string_equal(c.error, "insufficient_scope");
	reg_challenge_release(&c);
}

static void test_basic_and_quoting(void **state)
{
	struct reg_challenge c;

	(void)state;
	assert_int_equal(reg_challenge_parse("Basic realm=\"basic-realm\"", &c), 0);
	assert_string_equal(c.scheme, "basic");
	assert_string_equal(c.realm, "basic-realm");
	reg_challenge_release(&c);
	/* bare token values and escapes inside quotes */
	assert_int_equal(reg_challenge_parse("Bearer realm=https://r.example/t,service=reg,x=\"a\\\"b\"", &c), 0);
	assert_string_equal(c.realm, "https://r.example/t");
	assert_string_equal(c.service, "reg");
	reg_challenge_release(&c);
	/* the first of two challenges in one header */
	assert_int_equal(reg_challenge_parse("Bearer realm=\"https://a/t\",service=\"s\", Basic realm=\"b\"", &c), 0);
	assert_string_equal(c.scheme, "bearer");
	assert_string_equal(c.realm, "https://a/t");
	assert_string_equal(c.service, "s");
	reg_challenge_release(&c);
}

static void test_malformed(void **state)
{
	struct reg_challenge c;

	(void)state;
	assert_int_equal(reg_challenge_parse("", &c), WP_EINVALID);
	assert_int_equal(reg_challenge_parse("Bearer realm=\"unterminated", &c), WP_EINVALID);
	assert_int_equal(reg_challenge_parse("Bearer =x", &c), WP_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_insufficient_scope),
		cmocka_unit_test(test_basic_and_quoting),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
