/*
 * registry_auth_copy.c - the copy of a session's auth state that each
 * worker connection of a push gets (registry/parallel.c): a cached bearer
 * token answers the copy without a new token request, credentials and
 * challenge come along, and the copy outlives the original.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#include "../../common/error.h"
#include "../../registry/auth.h"

static void fill(struct reg_auth *a, enum reg_auth_scheme scheme)
{
	memset(a, 0, sizeof(*a));
	a->scheme = scheme;
	a->realm = strdup("https://auth.example/token");
	a->service = strdup("registry.example");
	a->cred.username = strdup("alice");
	a->cred.password = strdup("s3cret");
	a->cred.source = strdup("test");
	a->tokens = calloc(1, sizeof(*a->tokens));
	a->tokens[0].scopes = strdup("repository:app:push,pull");
	a->tokens[0].token = strdup("tok-123");
	a->tokens[0].renew_at = time(NULL) + 3600;
	a->ntokens = 1;
}

static void test_bearer_token_is_shared(void **state)
{
	struct reg_auth a, copy;
	char *scopes[] = { "repository:app:push,pull" };
	char *hdr = NULL;

	(void)state;
	fill(&a, REG_AUTH_BEARER);
	assert_int_equal(reg_auth_copy(&a, &copy), 0);
	reg_auth_release(&a); /* the copy owns its own strings */
	assert_string_equal(copy.realm, "https://auth.example/token");
	assert_string_equal(copy.service, "registry.example");
	assert_string_equal(copy.cred.username, "alice");
	/* the cached token answers: no token request (no http handle given) */
	assert_int_equal(reg_auth_header(&copy, NULL, scopes, 1, &hdr), 0);
	assert_string_equal(hdr, "Bearer tok-123");
	free(hdr);
	reg_auth_release(&copy);
}

static void test_basic_and_anonymous(void **state)
{
	struct reg_auth a, copy, none = { 0 }, none_copy;
	char *hdr = NULL;

	(void)state;
	fill(&a, REG_AUTH_BASIC);
	assert_int_equal(reg_auth_copy(&a, &copy), 0);
	reg_auth_release(&a);
	assert_int_equal(reg_auth_header(&copy, NULL, NULL, 0, &hdr), 0);
	assert_string_equal(hdr, "Basic YWxpY2U6czNjcmV0"); /* alice:s3cret */
	free(hdr);
	reg_auth_release(&copy);
	assert_int_equal(reg_auth_copy(&none, &none_copy), 0);
	assert_int_equal(none_copy.scheme, REG_AUTH_NONE);
	assert_null(none_copy.tokens);
	reg_auth_release(&none_copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bearer_token_is_shared),
		cmocka_unit_test(test_basic_and_anonymous),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
