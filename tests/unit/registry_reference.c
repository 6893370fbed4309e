/*
 * registry_reference.c - references parsed and normalised as docker does,
 * and bad ones refused with a clear message before any network traffic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/error.h"
#include "../../registry/reference.h"

static void expect_ref(const char *in, const char *registry, const char *host, const char *repo,
		       const char *tag, const char *digest)
{
	struct registry_ref *r = NULL;

	if (registry_ref_parse(in, &r) < 0)
		fail_msg("'%s' refused: %s", in, wp_error_last());
	assert_string_equal(r->registry, registry);
	assert_string_equal(r->host, host);
	assert_string_equal(r->repository, repo);
	if (tag)
		assert_string_equal(r->tag, tag);
	else
		assert_null(r->tag);
	if (digest)
		assert_string_equal(r->digest, digest);
	else
		assert_null(r->digest);
	registry_ref_free(r);
}

static void expect_bad(const char *in, const char *needle)
{
	struct registry_ref *r = NULL;
	int err = registry_ref_parse(in, &r);

	if (err != WP_EUSAGE)
		fail_msg("'%s' accepted (or wrong code %d)", in, err);
	assert_null(r);
	if (!strstr(wp_error_last(), needle))
		fail_msg("error for '%s' is '%s', expected to mention '%s'", in, wp_error_last(), needle);
}

#define D "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_hosts(void **state)
{
	(void)state;
	expect_ref("ghcr.io/owner/app:1.2", "ghcr.io", "ghcr.io", "owner/app", "1.2", NULL);
	expect_ref("localhost:5000/app", "localhost:5000", "localhost:5000", "app", NULL, NULL);
	expect_ref("localhost/app:v1", "localhost", "localhost", "app", "v1", NULL);
	expect_ref("127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000", "127.0.0.1:5000", "a/b/c", "t", NULL);
	expect_ref("[::1]:5000/app", "[::1]:5000", "[::1]:5000", "app", NULL, NULL);
	expect_ref("my-registry.example.com/x", "my-registry.example.com", "my-registry.example.com", "x",
		   NULL, NULL);
}

static void test_docker_hub(void **state)
{
	(void)state;
	/* the first part is a host only with '.', ':' or localhost */
	expect_ref("alpine", "docker.io", "registry-1.docker.io", "library/alpine", NULL, NULL);
	expect_ref("alpine:3.19", "docker.io", "registry-1.docker.io", "library/alpine", "3.19", NULL);
	expect_ref("user/app", "docker.io", "registry-1.docker.io", "user/app", NULL, NULL);
	expect_ref("docker.io/app", "docker.io", "registry-1.docker.io", "library/app", NULL, NULL);
	expect_ref("index.docker.io/user/app", "docker.io", "registry-1.docker.io", "user/app", NULL, NULL);
	expect_ref("localhostx/app", "docker.io", "registry-1.docker.io", "localhostx/app", NULL, NULL);
}

static void test_tags_and_digests(void **state)
{
	(void)state;
	expect_ref("ghcr.io/o/a@" D, "ghcr.io", "ghcr.io", "o/a", NULL, D);
	expect_ref("ghcr.io/o/a:v1@" D, "ghcr.io", "ghcr.io", "o/a", "v1", D);
	expect_ref("localhost:5000/a:V_1.2-rc", "localhost:5000", "localhost:5000", "a", "V_1.2-rc", NULL);
	expect_ref("a/b__c/d-e.f", "docker.io", "registry-1.docker.io", "a/b__c/d-e.f", NULL, NULL);
}

static void test_refused(void **state)
{
	char longtag[140], longname[300];

	(void)state;
	expect_bad("", "empty");
	expect_bad("ghcr.io/Owner/app", "lowercase");
	expect_bad("ghcr.io/owner/app:", "bad tag");
	expect_bad("ghcr.io/owner/app:-x", "bad tag");
	expect_bad("ghcr.io/owner//app", "lowercase");
	expect_bad("ghcr.io/owner/app/", "trailing");
	expect_bad("ghcr.io/", "empty repository");
	expect_bad("ghcr.io/a@sha256:abc", "bad digest");
	expect_bad("ghcr.io/a@md5:0123", "bad digest");
	expect_bad("-bad.io/app", "bad registry host");
	expect_bad("host.io:99999x/app", "bad registry host");
	expect_bad("app_/x", "lowercase");
	memset(longtag, 'a', 129);
	longtag[129] = '\0';
	{
		char ref[200];
		snprintf(ref, sizeof(ref), "ghcr.io/a:%s", longtag);
		expect_bad(ref, "bad tag");
	}
	memset(longname, 'a', 260);
	memcpy(longname, "ghcr.io/", 8);
	longname[260] = '\0';
	expect_bad(longname, "longer than");
}

static void test_strings(void **state)
{
	struct registry_ref *r = NULL;
	char *s;

	(void)state;
	assert_int_equal(registry_ref_parse("alpine:3", &r), 0);
	s = registry_ref_string(r);
	assert_string_equal(s, "docker.io/library/alpine:3");
	free(s);
	s = registry_ref_name(r);
	assert_string_equal(s, "docker.io/library/alpine");
	free(s);
	registry_ref_free(r);
	assert_true(registry_ref_is_bare_tag("v1.2"));
	assert_false(registry_ref_is_bare_tag("app:v1"));
	assert_false(registry_ref_is_bare_tag("owner/app"));
	assert_true(registry_tag_valid("latest"));
	assert_false(registry_tag_valid(".hidden"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_docker_hub),
		cmocka_unit_test(test_tags_and_digests),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
