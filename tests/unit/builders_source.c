/*
 * builders_source.c - the source URL annotation and the creation time.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../builders/source.h"
#include "../../common/error.h"

static void expect_url(const char *remote, const char *want)
{
	char *got = source_url_to_https(remote);

	if (!want) {
		if (got)
			fail_msg("%s -> %s, expected none", remote, got);
		return;
	}
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s -> %s, expected %s", remote, got ? got : "(none)", want);
	free(got);
}

static void test_urls(void **state)
{
	(void)state;
	expect_url("git@github.com:owner/app.git", "https://github.com/owner/app");
	expect_url("github.com:owner/app", "https://github.com/owner/app");
	expect_url("ssh://git@github.com/owner/app.git", "https://github.com/owner/app");
	expect_url("ssh://git@gitlab.example.com:2222/g/s/app.git", "https://gitlab.example.com/g/s/app");
	expect_url("https://github.com/owner/app.git", "https://github.com/owner/app");
	expect_url("https://x-access-token:ghp_secret@github.com/owner/app", "https://github.com/owner/app");
	expect_url("https://git.example.com:8443/app/", "https://git.example.com:8443/app");
	expect_url("git://example.org/repo.git", "https://example.org/repo");
	expect_url("/srv/git/app.git", NULL);
	expect_url("./relative", NULL);
	expect_url("file:///srv/git/app.git", NULL);
	expect_url("", NULL);
}

static void test_created_time(void **state)
{
	struct source_facts f = { 1, (char *)"abc", NULL, 1234 };
	time_t t;

	(void)state;
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(source_created_time(&f, &t), 0);
	assert_int_equal(t, 1234);
	assert_int_equal(source_created_time(NULL, &t), 0);
	assert_int_equal(t, 0);
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	assert_int_equal(source_created_time(&f, &t), 0);
	assert_int_equal(t, 1700000000);
	setenv("SOURCE_DATE_EPOCH", "17e3", 1);
	assert_int_equal(source_created_time(&f, &t), WP_EUSAGE);
	setenv("SOURCE_DATE_EPOCH", "-5", 1);
	assert_int_equal(source_created_time(&f, &t), WP_EUSAGE);
	unsetenv("SOURCE_DATE_EPOCH");
}

static void test_not_a_repository(void **state)
{
	struct source_facts f;

	(void)state;
	assert_int_equal(source_facts_read("/", &f), 0);
	assert_int_equal(f.in_git, 0);
	assert_null(f.revision);
	source_facts_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_created_time),
		cmocka_unit_test(test_not_a_repository),
	};
	return cmocka_run_group_tests_name("builders_source", tests, NULL, NULL);
}
