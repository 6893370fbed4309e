/*
 * runner_runtimes.c - the runtime tables of `wasmpack check`: the version
 * rule for WIT interfaces, and that wasmpack's entry is its real hosts:
 * the preview1 functions the WASI host links are exactly WASI preview1's,
 * every interface the WASI 0.2 host implements is a standard one, and a
 * module importing all of preview1 is judged as each runtime's table says.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/buf.h"
#include "../../runner/runtimes.h"
#include "../../runner/wasi.h"
#include "../../runner/wasi2.h"
#include "../../wasm/module.h"

static void test_version_rule(void **state)
{
	(void)state;
	assert_true(runtime_version_ok("0.2.3", "0.2.3"));
	assert_true(runtime_version_ok("0.2.0", "0.2.3"));  /* older patch: fine */
	assert_false(runtime_version_ok("0.2.4", "0.2.3")); /* newer patch may add functions */
	assert_false(runtime_version_ok("0.3.0", "0.2.3")); /* another 0.x track */
	assert_false(runtime_version_ok("0.1.9", "0.2.3"));
	assert_true(runtime_version_ok("1.0.0", "1.2.0"));  /* 1.x: minor is compatible */
	assert_false(runtime_version_ok("1.3.0", "1.2.0"));
	assert_false(runtime_version_ok("2.0.0", "1.9.0"));
	assert_false(runtime_version_ok("0.0.1", "0.0.2")); /* 0.0.z: only itself */
	assert_true(runtime_version_ok("0.0.2", "0.0.2"));
	assert_false(runtime_version_ok("0.2.0-rc-2023-11-10", "0.2.3")); /* pre-release: exact */
	assert_true(runtime_version_ok("0.2.0-draft2", "0.2.0-draft2"));
	assert_true(runtime_version_ok(NULL, NULL));
	assert_false(runtime_version_ok(NULL, "0.2.3"));
	assert_false(runtime_version_ok("0.2.3", NULL));
	assert_false(runtime_version_ok("banana", "0.2.3"));
}

static void test_names(void **state)
{
	(void)state;
	assert_non_null(runtime_find("wasmtime"));
	assert_non_null(runtime_find("wasmpack"));
	assert_non_null(runtime_find("spin"));
	assert_non_null(runtime_find("runwasi"));
	assert_ptr_equal(runtime_find("docker"), runtime_find("runwasi"));
	assert_non_null(runtime_find("node"));
	assert_non_null(runtime_find("browser"));
	assert_null(runtime_find("Node"));
	assert_null(runtime_find(""));
}

/* The preview1 host links exactly the functions of WASI preview1: the
 * binding tables and wasm/wasi_p1.c's list agree both ways. */
static void test_p1_host_is_preview1(void **state)
{
	const char *n;
	size_t i, nstd = 0, nhost = 0;

	(void)state;
	for (i = 0; (n = wasm_wasi_p1_name(i)); i++, nstd++) {
		assert_true(wasi_host_provides("wasi_snapshot_preview1", n));
		/* sock_accept came with preview1; wasi_unstable had the rest */
		assert_int_equal(wasi_host_provides("wasi_unstable", n), strcmp(n, "sock_accept") != 0);
	}
	for (i = 0; (n = wasi_host_function(i)); i++, nhost++)
		assert_true(wasm_wasi_p1_provides("wasi_snapshot_preview1", n));
	assert_int_equal(nstd, nhost);
	assert_int_equal(nstd, 46);
	assert_false(wasi_host_provides("wasi_snapshot_preview1", "fd_nope"));
	assert_false(wasi_host_provides("env", "fd_write"));
}

/* Every interface the WASI 0.2 host implements is a WASI 0.2 interface
 * (wasmtime's table lists them all), and wasmpack's entry says so. */
static void test_p2_host_interfaces(void **state)
{
	const struct runtime *wasmtime = runtime_find("wasmtime"), *self = runtime_find("wasmpack");
	const char *iface;
	char name[256];
	size_t i, j;

	(void)state;
	for (i = 0; (iface = wasi2_interface(i)); i++) {
		for (j = 0; j < i; j++)
			assert_string_not_equal(wasi2_interface(j), iface);
		snprintf(name, sizeof(name), "%s@0.2.0", iface);
		assert_true(runtime_provides_interface(wasmtime, name));
		assert_true(runtime_provides_interface(self, name));
		snprintf(name, sizeof(name), "%s@0.3.0", iface);
		assert_false(runtime_provides_interface(self, name));
	}
	assert_true(i >= 20); /* cli, io, clocks, random, filesystem, sockets */
	assert_true(runtime_provides_interface(self, "wasi:sockets/tcp@0.2.0"));
	assert_false(runtime_provides_interface(self, "wasi:sockets/udp@0.2.0")); /* no UDP socket exists */
	assert_false(runtime_provides_interface(self, "wasi:http/types@0.2.0"));
	assert_true(runtime_provides_interface(runtime_find("spin"), "fermyon:spin/variables@2.0.0"));
	assert_false(runtime_provides_interface(runtime_find("node"), "wasi:cli/environment@0.2.0"));
}

static void add_import(struct wp_buf *imports, const char *mod, const char *fn)
{
	uint8_t c = (uint8_t)strlen(mod);

	wp_buf_append(imports, &c, 1);
	wp_buf_append(imports, mod, c);
	c = (uint8_t)strlen(fn);
	wp_buf_append(imports, &c, 1);
	wp_buf_append(imports, fn, c);
	wp_buf_append(imports, "\x00\x00", 2); /* a function of type 0 */
}

/* A module importing every preview1 function and one env function. */
static void all_p1_module(struct wp_buf *b)
{
	struct wp_buf imports = WP_BUF_INIT(1 << 20);
	const char *n;
	size_t i;
	uint8_t c;

	for (i = 0; (n = wasm_wasi_p1_name(i)); i++)
		add_import(&imports, "wasi_snapshot_preview1", n);
	add_import(&imports, "env", "host_thing");
	wp_buf_append(b, "\0asm\x01\x00\x00\x00", 8);
	wp_buf_append(b, "\x01\x04\x01\x60\x00\x00", 6); /* type 0: () -> () */
	c = 0x02;
	wp_buf_append(b, &c, 1);
	c = (uint8_t)(0x80 | ((imports.len + 1) & 0x7f)); /* size: two LEB128 bytes */
	wp_buf_append(b, &c, 1);
	c = (uint8_t)((imports.len + 1) >> 7);
	wp_buf_append(b, &c, 1);
	c = (uint8_t)(i + 1); /* the count */
	wp_buf_append(b, &c, 1);
	wp_buf_append(b, imports.data, imports.len);
	wp_buf_release(&imports);
}

static size_t missing_on(const struct wasm_module *m, const char *runtime)
{
	struct runtime_report *r = NULL;
	size_t n;

	assert_int_equal(runtime_check(m, runtime_find(runtime), &r), 0);
	assert_int_equal(r->nimports, m->nimports);
	n = r->missing;
	runtime_report_free(r);
	return n;
}

static void test_check_all_of_preview1(void **state)
{
	struct wp_buf b = WP_BUF_INIT(1 << 20);
	struct wasm_module *m = NULL;

	(void)state;
	all_p1_module(&b);
	assert_int_equal(wasm_module_decode(b.data, b.len, WASM_DECODE_FACTS, &m), 0);
	assert_int_equal(m->nimports, 47);
	assert_int_equal(missing_on(m, "wasmpack"), 1); /* env.host_thing */
	assert_int_equal(missing_on(m, "wasmtime"), 1);
	assert_int_equal(missing_on(m, "node"), 1 + 4); /* and sock_accept/recv/send/shutdown */
	assert_int_equal(missing_on(m, "runwasi"), 1 + 4);
	assert_int_equal(missing_on(m, "spin"), 1 + 4 + 1); /* and no _start for WAGI */
	assert_int_equal(missing_on(m, "browser"), 47);
	wasm_module_free(m);
	wp_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_rule),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_p1_host_is_preview1),
		cmocka_unit_test(test_p2_host_interfaces),
		cmocka_unit_test(test_check_all_of_preview1),
	};
	return cmocka_run_group_tests_name("runner_runtimes", tests, NULL, NULL);
}
