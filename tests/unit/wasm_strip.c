/*
 * wasm_strip.c - stripping debug custom sections: which names count as
 * debug information, that everything else is copied byte for byte, that
 * --keep-debug's name section survives when asked, and that bad input is
 * refused without output.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../wasm/module.h"
#include "../../wasm/strip.h"

#define HDR 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00
#define TYPE_SEC 0x01, 0x04, 0x01, 0x60, 0x00, 0x00 /* one type: () -> () */
#define FUNC_SEC 0x03, 0x02, 0x01, 0x00
#define CODE_SEC 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b
/* custom section: id 0, size, name length, name, payload */
#define DEBUG_INFO 0x00, 0x0e, 0x0b, '.', 'd', 'e', 'b', 'u', 'g', '_', 'i', 'n', 'f', 'o', 0xaa, 0xbb
#define NAME_SEC 0x00, 0x07, 0x04, 'n', 'a', 'm', 'e', 0x00, 0x00
#define PRODUCERS 0x00, 0x0b, 0x09, 'p', 'r', 'o', 'd', 'u', 'c', 'e', 'r', 's', 0x00
#define SRCMAP 0x00, 0x12, 0x10, 's', 'o', 'u', 'r', 'c', 'e', 'M', 'a', 'p', 'p', 'i', 'n', 'g', 'U', 'R', 'L', 0x00

static const uint8_t with_debug[] = { HDR, TYPE_SEC, FUNC_SEC, CODE_SEC, DEBUG_INFO, NAME_SEC, PRODUCERS, SRCMAP };
static const uint8_t stripped[] = { HDR, TYPE_SEC, FUNC_SEC, CODE_SEC, PRODUCERS };
static const uint8_t stripped_keep_name[] = { HDR, TYPE_SEC, FUNC_SEC, CODE_SEC, NAME_SEC, PRODUCERS };

static void test_names(void **state)
{
	(void)state;
	assert_true(wasm_custom_is_debug(".debug_info", 0));
	assert_true(wasm_custom_is_debug(".debug_line", 1));
	assert_true(wasm_custom_is_debug("sourceMappingURL", 0));
	assert_true(wasm_custom_is_debug("external_debug_info", 0));
	assert_true(wasm_custom_is_debug("name", 0));
	assert_false(wasm_custom_is_debug("name", 1));
	assert_false(wasm_custom_is_debug("producers", 0));
	assert_false(wasm_custom_is_debug("target_features", 0));
	assert_false(wasm_custom_is_debug("linking", 0));
	assert_false(wasm_custom_is_debug(NULL, 0));
}

static void test_strip(void **state)
{
	struct wp_buf out = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct wasm_module *m = NULL;
	size_t removed = 0;

	(void)state;
	assert_int_equal(wasm_strip_debug(with_debug, sizeof(with_debug), 0, &out, &removed), 0);
	assert_int_equal(removed, 3);
	assert_int_equal(out.len, sizeof(stripped));
	assert_memory_equal(out.data, stripped, sizeof(stripped));
	/* the result is a well-formed module with the same code */
	assert_int_equal(wasm_module_decode(out.data, out.len, WASM_DECODE_STRICT, &m), 0);
	assert_int_equal(m->ncodes, 1);
	wasm_module_free(m);
	wp_buf_release(&out);
}

static void test_keep_name(void **state)
{
	struct wp_buf out = WP_BUF_INIT(WP_BUF_UNLIMITED);
	size_t removed = 0;

	(void)state;
	assert_int_equal(wasm_strip_debug(with_debug, sizeof(with_debug), 1, &out, &removed), 0);
	assert_int_equal(removed, 2);
	assert_int_equal(out.len, sizeof(stripped_keep_name));
	assert_memory_equal(out.data, stripped_keep_name, sizeof(stripped_keep_name));
	wp_buf_release(&out);
}

static void test_nothing_to_strip(void **state)
{
	struct wp_buf out = WP_BUF_INIT(WP_BUF_UNLIMITED);
	size_t removed = 7;

	(void)state;
	assert_int_equal(wasm_strip_debug(stripped, sizeof(stripped), 0, &out, &removed), 0);
	assert_int_equal(removed, 0);
	assert_int_equal(out.len, sizeof(stripped));
	assert_memory_equal(out.data, stripped, sizeof(stripped));
	wp_buf_release(&out);
}

static void test_component_copied(void **state)
{
	/* a component (layer 1) with one custom section: copied as it is */
	static const uint8_t comp[] = { 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, NAME_SEC };
	struct wp_buf out = WP_BUF_INIT(WP_BUF_UNLIMITED);

	(void)state;
	assert_int_equal(wasm_strip_debug(comp, sizeof(comp), 0, &out, NULL), 0);
	assert_int_equal(out.len, sizeof(comp));
	assert_memory_equal(out.data, comp, sizeof(comp));
	wp_buf_release(&out);
}

static void test_bad_input(void **state)
{
	static const uint8_t truncated[] = { HDR, 0x01, 0x10, 0x01 };
	struct wp_buf out = WP_BUF_INIT(WP_BUF_UNLIMITED);

	(void)state;
	wp_buf_append(&out, "kept", 4);
	assert_int_equal(wasm_strip_debug(truncated, sizeof(truncated), 0, &out, NULL), WP_EINVALID);
	assert_int_equal(out.len, 4); /* nothing half-written */
	assert_int_equal(wasm_strip_debug((const uint8_t *)"nope", 4, 0, &out, NULL), WP_EINVALID);
	assert_int_equal(out.len, 4);
	wp_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_strip),
		cmocka_unit_test(test_keep_name),
		cmocka_unit_test(test_nothing_to_strip),
		cmocka_unit_test(test_component_copied),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests_name("wasm_strip", tests, NULL, NULL);
}
