/*
 * builders_logic.c - the builders' pure logic: wasmpack.json parsing and
 * its errors, the input listing the cache key digests (what counts, what
 * never does), the digest's sensitivity, and the shell quoting of plans.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "../../builders/config.h"
#include "../../builders/inputs.h"
#include "../../builders/internal.h"
#include "../../common/error.h"
#include "../../common/fs.h"

static char *tmp;

static void put(const char *rel, const char *text)
{
	char *p = wp_path_join(tmp, rel), *slash = strrchr(p, '/');

	*slash = '\0';
	assert_int_equal(wp_fs_mkdirs(p, 0755, NULL), 0);
	*slash = '/';
	assert_int_equal(wp_fs_write_atomic(p, text, strlen(text), 0644), 0);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	return wp_fs_mkdtemp("wasmpack-unit", &tmp);
}

static int teardown(void **state)
{
	(void)state;
	wp_fs_remove_tree(tmp);
	free(tmp);
	return 0;
}

static void test_config_full(void **state)
{
	struct builder_config c;

	(void)state;
	put("wasmpack.json", "{\"builder\": \"rust\", \"wasm\": \"out/a\", \"bin\": \"srv\", \"name\": \"app\",\n"
			     " \"buildArgs\": [\"--features\", \"x\"], \"args\": [\"-v\"],\n"
			     " \"env\": {\"A\": \"1\"}, \"labels\": {\"k\": \"v\"}}");
	assert_int_equal(builder_config_load(tmp, &c), 0);
	assert_true(c.present);
	assert_string_equal(c.builder, "rust");
	assert_string_equal(c.wasm, "out/a");
	assert_string_equal(c.bin, "srv");
	assert_string_equal(c.name, "app");
	assert_int_equal(c.nbuild_args, 2);
	assert_string_equal(c.build_args[1], "x");
	assert_int_equal(c.nargs, 1);
	assert_int_equal(c.nenv, 1);
	assert_string_equal(c.env[0].key, "A");
	assert_string_equal(c.env[0].value, "1");
	assert_int_equal(c.nlabels, 1);
	builder_config_release(&c);
}

static void expect_config_error(const char *text, const char *needle)
{
	struct builder_config c;

	put("wasmpack.json", text);
	assert_int_equal(builder_config_load(tmp, &c), WP_EINVALID);
	if (!strstr(wp_error_last(), needle))
		fail_msg("error '%s' does not mention '%s'", wp_error_last(), needle);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("{\n  \"args\": [1,\n", "wasmpack.json:3:");
	expect_config_error("{\"args\": [1]}", "\"args\"[0] must be a string");
	expect_config_error("{\"env\": {\"A\": 1}}", "\"env\".\"A\" must be a string");
	expect_config_error("{\"env\": [\"NOEQUALS\"]}", "NAME=VALUE");
	expect_config_error("{\"labels\": [\"a=b\"]}", "\"labels\" must be an object");
	expect_config_error("{\"name\": \"\"}", "non-empty string");
	expect_config_error("{\"builder\": \"x\"}", "unknown builder \"x\"");
	expect_config_error("{\"name\": \"a\", \"name\": \"b\"}", "duplicate");
	expect_config_error("{\"extra\": 1}", "unknown key \"extra\"");
}

static void test_config_missing(void **state)
{
	struct builder_config c;
	char *p = wp_path_join(tmp, "wasmpack.json");

	(void)state;
	unlink(p);
	free(p);
	assert_int_equal(builder_config_load(tmp, &c), 0);
	assert_false(c.present);
	builder_config_release(&c);
}

static int listed(const struct inputs *in, const char *rel)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		if (!strcmp(in->rel[i], rel))
			return 1;
	return 0;
}

static void test_inputs_walk(void **state)
{
	struct inputs in;
	char *out_layout = wp_path_join(tmp, "dist");
	const char *excl[] = { out_layout };

	(void)state;
	put("src/main.c", "int main(void){return 0;}");
	put("Makefile", "all:");
	put("node_modules/x/index.js", "x");
	put("target/release/a.wasm", "x");
	put("sub/target/kept.txt", "kept: only the top-level target/ is cargo's");
	put("cargo-out/CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55");
	put("cargo-out/debug/a", "x");
	put("wasmpack-out/oci-layout", "{}");
	put("wasmpack-out/index.json", "{}");
	put("cmake-build/CMakeCache.txt", "x");
	put("dist/app.tar", "x");
	put(".git/HEAD", "ref: refs/heads/main");
	assert_int_equal(inputs_list(tmp, excl, 1, &in), 0);
	assert_false(in.from_git);
	assert_true(listed(&in, "src/main.c"));
	assert_true(listed(&in, "Makefile"));
	assert_true(listed(&in, "sub/target/kept.txt"));
	assert_false(listed(&in, "node_modules/x/index.js"));
	assert_false(listed(&in, "target/release/a.wasm"));
	assert_false(listed(&in, "cargo-out/debug/a"));
	assert_false(listed(&in, "wasmpack-out/index.json"));
	assert_false(listed(&in, "cmake-build/CMakeCache.txt"));
	assert_false(listed(&in, "dist/app.tar"));
	assert_false(listed(&in, ".git/HEAD"));
	/* sorted, so the digest does not depend on readdir order */
	for (size_t i = 1; i < in.n; i++)
		assert_true(strcmp(in.rel[i - 1], in.rel[i]) < 0);
	inputs_release(&in);
	free(out_layout);
}

static void digest_of(char out[OCI_DIGEST_SIZE])
{
	struct inputs in;
	struct oci_hasher h;

	assert_int_equal(inputs_list(tmp, NULL, 0, &in), 0);
	assert_int_equal(oci_hasher_init(&h), 0);
	assert_int_equal(inputs_digest(tmp, &in, &h), 0);
	assert_int_equal(oci_hasher_final(&h, out), 0);
	oci_hasher_release(&h);
	inputs_release(&in);
}

static void test_inputs_digest(void **state)
{
	char a[OCI_DIGEST_SIZE], b[OCI_DIGEST_SIZE];
	char *p = wp_path_join(tmp, "src/main.c");

	(void)state;
	put("src/main.c", "int main(void){return 0;}");
	digest_of(a);
	digest_of(b);
	assert_string_equal(a, b);
	put("src/main.c", "int main(void){return 1;}");
	digest_of(b);
	assert_string_not_equal(a, b);
	put("src/main.c", "int main(void){return 0;}");
	digest_of(b);
	assert_string_equal(a, b);
	chmod(p, 0755);
	digest_of(b);
	assert_string_not_equal(a, b);
	chmod(p, 0644);
	put("node_modules/y.js", "not an input");
	digest_of(b);
	assert_string_equal(a, b);
	free(p);
}

static void test_plan_quoting(void **state)
{
	struct step s;
	char *line;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.cwd = "/tmp/my dir";
	wp_strv_add(&s.env, "GOOS=wasip1");
	wp_strv_add(&s.env, "CFLAGS=-O2 -g");
	wp_strv_add(&s.argv, "make");
	wp_strv_add(&s.argv, "CC=clang --target=wasm32-wasi");
	wp_strv_add(&s.argv, "it's");
	line = step_format(&s);
	assert_string_equal(line, "cd '/tmp/my dir' && GOOS=wasip1 CFLAGS='-O2 -g' make 'CC=clang --target=wasm32-wasi' 'it'\\''s'");
	free(line);
	wp_strv_release(&s.env);
	wp_strv_release(&s.argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_full),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_missing),
		cmocka_unit_test(test_inputs_walk),
		cmocka_unit_test(test_inputs_digest),
		cmocka_unit_test(test_plan_quoting),
	};
	return cmocka_run_group_tests_name("builders_logic", tests, setup, teardown);
}
