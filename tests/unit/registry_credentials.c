/*
 * registry_credentials.c - where credentials come from and in what
 * order: WASMPACK_REGISTRY_* first, then the docker config (keys matched
 * as docker matches them), then the containers auth files (most specific
 * repository key first), GITHUB_TOKEN for ghcr.io only, else anonymous.
 * (Credential helpers run as processes: tests/e2e/registry_tls.sh.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/error.h"
#include "../../common/fs.h"
#include "../../registry/auth.h"

static char *tmp;

static void write_file(const char *rel, const char *text)
{
	char *path = wp_path_join(tmp, rel), *dir = strdup(path);

	*strrchr(dir, '/') = '\0';
	assert_int_equal(wp_fs_mkdirs(dir, 0700, NULL), 0);
	assert_int_equal(wp_fs_write_atomic(path, text, strlen(text), 0600), 0);
	free(dir);
	free(path);
}

static void clean_env(void)
{
	char *p;

	unsetenv("WASMPACK_REGISTRY_USERNAME");
	unsetenv("WASMPACK_REGISTRY_PASSWORD");
	unsetenv("WASMPACK_REGISTRY");
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("GITHUB_TOKEN");
	unsetenv("GITHUB_ACTOR");
	p = wp_path_join(tmp, "docker");
	setenv("DOCKER_CONFIG", p, 1);
	free(p);
	setenv("HOME", tmp, 1);
	wp_fs_remove_tree(tmp);
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(wp_fs_mkdtemp("wp-cred", &tmp), 0);
	clean_env();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	wp_fs_remove_tree(tmp);
	free(tmp);
	return 0;
}

/* user:password base64 */
#define ALICE "YWxpY2U6cGE6c3M=" /* alice:pa:ss (split at the first ':') */
#define BOB "Ym9iOmI="           /* bob:b */

static void expect_user(const char *registry, const char *repo, const char *user, const char *pass)
{
	struct reg_cred c;

	if (reg_cred_find(registry, repo, 1, &c) < 0)
		fail_msg("lookup failed: %s", wp_error_last());
	if (!user) {
		assert_null(c.username);
		assert_null(c.identity_token);
	} else {
		if (!c.username)
			fail_msg("no credentials found for %s, expected %s", registry, user);
		if (strcmp(c.username, user) != 0)
			fail_msg("got %s from %s, expected %s", c.username,
				 c.source ? c.source : "?", user);
		assert_string_equal(c.password, pass);
	}
	reg_cred_release(&c);
}

static void test_key_match(void **state)
{
	(void)state;
	assert_true(reg_cred_key_match("ghcr.io", "ghcr.io"));
	assert_true(reg_cred_key_match("https://ghcr.io", "ghcr.io"));
	assert_true(reg_cred_key_match("http://localhost:5000/v2/", "localhost:5000"));
	assert_false(reg_cred_key_match("localhost:5001", "localhost:5000"));
	assert_false(reg_cred_key_match("ghcr.io.evil.com", "ghcr.io"));
	assert_true(reg_cred_key_match("https://index.docker.io/v1/", "https://index.docker.io/v1/"));
	assert_true(reg_cred_key_match("docker.io", "https://index.docker.io/v1/"));
	assert_string_equal(reg_cred_docker_key("docker.io"), "https://index.docker.io/v1/");
	assert_string_equal(reg_cred_docker_key("ghcr.io"), "ghcr.io");
}

static void test_order(void **state)
{
	(void)state;
	clean_env();
	expect_user("r.io", "a", NULL, NULL); /* nothing anywhere: anonymous */
	write_file("containers/auth.json", "{\"auths\":{\"r.io\":{\"auth\":\"" BOB "\"}}}");
	{
		char *p = wp_path_join(tmp, "containers/auth.json");
		setenv("REGISTRY_AUTH_FILE", p, 1);
		free(p);
	}
	expect_user("r.io", "a", "bob", "b"); /* containers auth file */
	write_file("docker/config.json", "{\"auths\":{\"https://r.io/v1/\":{\"auth\":\"" ALICE "\"}}}");
	expect_user("r.io", "a", "alice", "pa:ss"); /* docker config before it, legacy key */
	setenv("WASMPACK_REGISTRY_USERNAME", "env", 1);
	setenv("WASMPACK_REGISTRY_PASSWORD", "e", 1);
	expect_user("r.io", "a", "env", "e"); /* environment first */
	clean_env();
}

/* The variables belong to one registry: WASMPACK_REGISTRY, else the push
 * target; a pull (or run) of another registry's image never gets them. */
static void test_env_bound(void **state)
{
	struct reg_cred c;

	(void)state;
	clean_env();
	setenv("WASMPACK_REGISTRY_USERNAME", "env", 1);
	setenv("WASMPACK_REGISTRY_PASSWORD", "e", 1);
	assert_int_equal(reg_cred_find("evil.io", "a", 0, &c), 0);
	assert_null(c.username); /* pull without WASMPACK_REGISTRY */
	reg_cred_release(&c);
	setenv("WASMPACK_REGISTRY", "https://r.io/", 1);
	assert_int_equal(reg_cred_find("evil.io", "a", 1, &c), 0);
	assert_null(c.username); /* a push elsewhere than the bound registry */
	reg_cred_release(&c);
	assert_int_equal(reg_cred_find("r.io", "a", 0, &c), 0);
	assert_non_null(c.username); /* a pull of the bound registry */
	reg_cred_release(&c);
	setenv("WASMPACK_REGISTRY", "index.docker.io", 1);
	assert_int_equal(reg_cred_find("docker.io", "library/a", 0, &c), 0);
	assert_non_null(c.username);
	reg_cred_release(&c);
	clean_env();
}

static void test_containers_specific_keys(void **state)
{
	(void)state;
	clean_env();
	write_file("cfg/containers/auth.json",
		   "{\"auths\":{\"r.io\":{\"auth\":\"" BOB "\"},\"r.io/team\":{\"auth\":\"" ALICE "\"}}}");
	{
		char *p = wp_path_join(tmp, "cfg");
		setenv("XDG_CONFIG_HOME", p, 1);
		free(p);
	}
	expect_user("r.io", "team/app", "alice", "pa:ss"); /* r.io/team wins over r.io */
	expect_user("r.io", "other/app", "bob", "b");
	expect_user("s.io", "team/app", NULL, NULL);
	clean_env();
}

static void test_tokens(void **state)
{
	struct reg_cred c;

	(void)state;
	clean_env();
	write_file("docker/config.json",
		   "{\"auths\":{\"id.io\":{\"auth\":\"" BOB "\",\"identitytoken\":\"refresh-1\"},"
		   "\"rt.io\":{\"registrytoken\":\"bearer-2\"},\"bad.io\":{\"auth\":\"!!\"}}}");
	assert_int_equal(reg_cred_find("id.io", "a", 1, &c), 0);
	assert_string_equal(c.identity_token, "refresh-1");
	assert_null(c.username); /* an identity token replaces user:password */
	reg_cred_release(&c);
	assert_int_equal(reg_cred_find("rt.io", "a", 1, &c), 0);
	assert_string_equal(c.registry_token, "bearer-2");
	reg_cred_release(&c);
	assert_int_equal(reg_cred_find("bad.io", "a", 1, &c), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), "config.json"));
	clean_env();
}

static void test_github_token(void **state)
{
	(void)state;
	clean_env();
	setenv("GITHUB_TOKEN", "ghs_x", 1);
	setenv("GITHUB_ACTOR", "octocat", 1);
	expect_user("ghcr.io", "octocat/app", "octocat", "ghs_x");
	expect_user("quay.io", "octocat/app", NULL, NULL); /* ghcr.io only */
	write_file("docker/config.json", "{\"auths\":{\"ghcr.io\":{\"auth\":\"" BOB "\"}}}");
	expect_user("ghcr.io", "octocat/app", "bob", "b"); /* configured credentials first */
	clean_env();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_match),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_env_bound),
		cmocka_unit_test(test_containers_specific_keys),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_github_token),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
