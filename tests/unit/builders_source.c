/*
 * builders_source.c - the source URL annotation and the creation time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int libgit2_mapped(void)
{
	char line[512];
	int found = 0;
	FILE *fp = fopen("/proc/self/maps", "r");

	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp))
		if (strstr(line, "libgit2"))
			found = 1;
	fclose(fp);
	return found;
}

/* Reading the facts of a directory outside any repository costs no
 * libgit2 load (~10 ms of start-up, a third of a small build).  Runs
 * first: nothing before it may have loaded the library. */
static void test_no_git_outside_repo(void **state)
{
	char base[] = "/tmp/wasmpack-unit.XXXXXX";
	struct source_facts f;

	(void)state;
	unsetenv("GIT_DIR");
	assert_non_null(mkdtemp(base));
	if (access("/tmp/.git", F_OK) == 0 || access("/.git", F_OK) == 0) {
		rmdir(base);
		skip();
	}
	assert_int_equal(libgit2_mapped(), 0);
	memset(&f, 0, sizeof(f));
	assert_int_equal(source_facts_read(base, &f), 0);
	assert_int_equal(f.in_git, 0);
	assert_int_equal(libgit2_mapped(), 0);
	source_facts_release(&f);
	assert_int_equal(rmdir(base), 0);
}

/* libgit2 is loaded only when DIR or a parent holds a .git (a directory,
 * or a file as in worktrees and submodules), or GIT_DIR is set. */
static void test_maybe_git(void **state)
{
	char base[] = "/tmp/wasmpack-unit.XXXXXX", p[256];
	FILE *fp;

	(void)state;
	unsetenv("GIT_DIR");
	assert_non_null(mkdtemp(base));
	snprintf(p, sizeof(p), "%s/plain", base);
	assert_int_equal(mkdir(p, 0700), 0);
	if (access("/tmp/.git", F_OK) != 0 && access("/.git", F_OK) != 0)
		assert_int_equal(source_maybe_git(p), 0);
	setenv("GIT_DIR", "/nonexistent", 1);
	assert_int_equal(source_maybe_git(p), 1);
	unsetenv("GIT_DIR");
	snprintf(p, sizeof(p), "%s/repo", base);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/repo/.git", base);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/repo/a", base);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/repo/a/b", base);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(source_maybe_git(p), 1);
	snprintf(p, sizeof(p), "%s/wt", base);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/wt/.git", base);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(p, sizeof(p), "%s/wt", base);
	assert_int_equal(source_maybe_git(p), 1);
	snprintf(p, sizeof(p), "rm -rf '%s'", base);
	assert_int_equal(system(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_git_outside_repo),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_created_time),
		cmocka_unit_test(test_not_a_repository),
		cmocka_unit_test(test_maybe_git),
	};
	return cmocka_run_group_tests_name("builders_source", tests, NULL, NULL);
}
