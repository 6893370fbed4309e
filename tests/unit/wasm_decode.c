/*
 * wasm_decode.c - the module decoder: what it accepts (padded LEBs, custom
 * sections, components) and what it refuses, with the offset named.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/error.h"
#include "../../wasm/module.h"
#include "../../wasm/reader.h"

#define HDR 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00

/* (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
 * (func (export "_start")) */
static const uint8_t hello[] = {
	HDR,
	/* type: 2 types: (i32 x4)->i32, ()->() */
	0x01, 0x0c, 0x02, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00,
	/* import */
	0x02, 0x23, 0x01, 0x16, 'w', 'a', 's', 'i', '_', 's', 'n', 'a', 'p', 's', 'h', 'o', 't',
	'_', 'p', 'r', 'e', 'v', 'i', 'e', 'w', '1', 0x08, 'f', 'd', '_', 'w', 'r', 'i', 't', 'e',
	0x00, 0x00,
	/* function: one of type 1 */
	0x03, 0x02, 0x01, 0x01,
	/* export "_start" func 1 */
	0x07, 0x0a, 0x01, 0x06, '_', 's', 't', 'a', 'r', 't', 0x00, 0x01,
	/* code: one empty body */
	0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
};

static struct wasm_module *decode_ok(const uint8_t *b, size_t n, enum wasm_decode_mode mode)
{
	struct wasm_module *m = NULL;
	int err = wasm_module_decode(b, n, mode, &m);

	if (err < 0)
		fail_msg("decode failed: %s", wp_error_last());
	return m;
}

static void expect_refused(const uint8_t *b, size_t n, const char *needle)
{
	struct wasm_module *m = NULL;
	int err = wasm_module_decode(b, n, WASM_DECODE_STRICT, &m);

	assert_int_equal(err, WP_EINVALID);
	assert_null(m);
	if (!strstr(wp_error_last(), needle))
		fail_msg("error '%s' does not mention '%s'", wp_error_last(), needle);
}

static void test_hello_facts(void **state)
{
	struct wasm_module *m = decode_ok(hello, sizeof(hello), WASM_DECODE_STRICT);
	char sig[64];

	(void)state;
	assert_int_equal(m->kind, WASM_KIND_MODULE);
	assert_int_equal(m->wasi, WASM_WASI_PREVIEW1);
	assert_int_equal(m->nimports, 1);
	assert_string_equal(m->imports[0].module, "wasi_snapshot_preview1");
	assert_string_equal(m->imports[0].name, "fd_write");
	assert_int_equal(m->nfunc_imports, 1);
	assert_int_equal(m->nexports, 1);
	assert_string_equal(m->exports[0].name, "_start");
	assert_non_null(wasm_module_find_export(m, "_start", WASM_EXTERN_FUNC));
	assert_null(wasm_module_find_export(m, "_start", WASM_EXTERN_MEMORY));
	wasm_functype_format(wasm_module_func_type(m, 0), sig, sizeof(sig));
	assert_string_equal(sig, "(i32, i32, i32, i32) -> (i32)");
	assert_int_equal(m->ncodes, 1);
	assert_int_equal(m->codes[0].size, 2);
	wasm_module_free(m);
}

static void test_empty_and_magic(void **state)
{
	static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F', 1, 0, 0, 0 };
	static const uint8_t short_hdr[] = { 0x00, 0x61, 0x73, 0x6d, 0x01 };
	static const uint8_t version9[] = { 0x00, 0x61, 0x73, 0x6d, 0x09, 0x00, 0x00, 0x00 };

	(void)state;
	expect_refused(hello, 0, "empty");
	expect_refused(elf, sizeof(elf), "bad magic");
	expect_refused(short_hdr, sizeof(short_hdr), "truncated");
	expect_refused(version9, sizeof(version9), "unknown binary version");
}

static void test_truncated_and_overlong(void **state)
{
	uint8_t b[sizeof(hello)];
	size_t cut;

	(void)state;
	/* every prefix that cuts into a section is refused (the cuts at 22
	 * and 59 fall between sections and leave valid modules) */
	for (cut = 9; cut < sizeof(hello); cut++) {
		struct wasm_module *m = NULL;
		if (cut == 22 || cut == 59)
			continue;
		memcpy(b, hello, cut);
		if (wasm_module_decode(b, cut, WASM_DECODE_STRICT, &m) == 0)
			fail_msg("prefix of %zu bytes was accepted", cut);
	}
	/* a section whose length runs past the end names the offset */
	memcpy(b, hello, sizeof(hello));
	b[9] = 0x7f; /* type section claims 127 bytes */
	expect_refused(b, sizeof(hello), "past the end");
	expect_refused(b, sizeof(hello), "offset 8");
}

static void test_leb128(void **state)
{
	/* u32: padded forms are valid, 6 bytes or bits past 32 are not */
	static const uint8_t padded[] = { 0x80, 0x80, 0x80, 0x80, 0x00 };
	static const uint8_t too_long[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
	static const uint8_t too_big[] = { 0xff, 0xff, 0xff, 0xff, 0x1f };
	static const uint8_t max[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
	static const uint8_t s32_neg[] = { 0xff, 0xff, 0xff, 0xff, 0x7f };
	static const uint8_t s32_bad[] = { 0xff, 0xff, 0xff, 0xff, 0x4f };
	static const uint8_t s64_min[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f };
	struct wasm_reader r;
	uint32_t u;
	int32_t s;
	int64_t s64;

	(void)state;
	wasm_reader_init(&r, padded, sizeof(padded));
	assert_int_equal(wasm_read_u32(&r, &u), 0);
	assert_int_equal(u, 0);
	assert_true(wasm_reader_eof(&r));
	wasm_reader_init(&r, too_long, sizeof(too_long));
	assert_int_equal(wasm_read_u32(&r, &u), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), "too long"));
	wasm_reader_init(&r, too_big, sizeof(too_big));
	assert_int_equal(wasm_read_u32(&r, &u), WP_EINVALID);
	wasm_reader_init(&r, max, sizeof(max));
	assert_int_equal(wasm_read_u32(&r, &u), 0);
	assert_int_equal(u, 0xffffffffu);
	wasm_reader_init(&r, s32_neg, sizeof(s32_neg));
	assert_int_equal(wasm_read_s32(&r, &s), 0);
	assert_int_equal(s, -1);
	wasm_reader_init(&r, s32_bad, sizeof(s32_bad));
	assert_int_equal(wasm_read_s32(&r, &s), WP_EINVALID);
	wasm_reader_init(&r, s64_min, sizeof(s64_min));
	assert_int_equal(wasm_read_s64(&r, &s64), 0);
	assert_true(s64 == INT64_MIN);
	wasm_reader_init(&r, padded, 3); /* ends inside the LEB */
	assert_int_equal(wasm_read_u32(&r, &u), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), "unexpected end"));
}

static void test_custom_sections_skipped(void **state)
{
	/* a custom section "x" with 3 payload bytes, then the module */
	uint8_t b[sizeof(hello) + 7];
	struct wasm_module *m;

	(void)state;
	memcpy(b, hello, 8);
	b[8] = 0x00;
	b[9] = 0x05;
	b[10] = 0x01;
	b[11] = 'x';
	b[12] = 1, b[13] = 2, b[14] = 3;
	memcpy(b + 15, hello + 8, sizeof(hello) - 8);
	m = decode_ok(b, sizeof(b), WASM_DECODE_STRICT);
	assert_int_equal(m->sections[0].id, WASM_SEC_CUSTOM);
	assert_string_equal(m->sections[0].name, "x");
	assert_int_equal(m->sections[0].offset, 8);
	assert_int_equal(m->sections[0].size, 7);
	/* the payload is borrowed from the input, not copied */
	assert_int_equal(m->sections[0].content_offset, 10);
	wasm_module_free(m);
	/* an invalid UTF-8 name is malformed */
	b[11] = 0xff;
	expect_refused(b, sizeof(b), "UTF-8");
}

static void test_section_order_and_counts(void **state)
{
	uint8_t b[sizeof(hello)];

	(void)state;
	/* export section (7) before function section (3) */
	static const uint8_t swapped[] = {
		HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x07, 0x01, 0x00, 0x03, 0x01, 0x00,
	};
	expect_refused(swapped, sizeof(swapped), "out of order");
	/* a function without its code */
	static const uint8_t no_code[] = { HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00 };
	expect_refused(no_code, sizeof(no_code), "inconsistent");
	/* unknown section id */
	memcpy(b, hello, sizeof(hello));
	b[8] = 0x20;
	expect_refused(b, sizeof(hello), "section id");
}

static void test_padded_call_indirect_module(void **state)
{
	/* LLVM-style padded LEBs in section sizes and counts */
	static const uint8_t padded[] = {
		HDR,
		0x01, 0x84, 0x80, 0x80, 0x80, 0x00, 0x01, 0x60, 0x00, 0x00, /* type, padded size */
		0x03, 0x82, 0x80, 0x80, 0x80, 0x00, 0x01, 0x00,
		0x0a, 0x84, 0x80, 0x80, 0x80, 0x00, 0x01, 0x02, 0x00, 0x0b,
	};
	struct wasm_module *m = decode_ok(padded, sizeof(padded), WASM_DECODE_STRICT);

	(void)state;
	assert_int_equal(m->nfuncs, 1);
	wasm_module_free(m);
}

/* A component importing wasi:cli/environment@0.2.0 (an empty instance
 * type) and exporting the same instance as wasi:cli/run@0.2.0. */
static void test_component(void **state)
{
	static const uint8_t comp[] = {
		0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00,
		/* type section: 1 type, (instance) with no declarations */
		0x07, 0x03, 0x01, 0x42, 0x00,
		/* import section: 1 import, name 0x00 "wasi:cli/environment@0.2.0", instance type 0 */
		0x0a, 0x1f, 0x01, 0x00, 0x1a,
		'w', 'a', 's', 'i', ':', 'c', 'l', 'i', '/', 'e', 'n', 'v', 'i', 'r', 'o', 'n', 'm',
		'e', 'n', 't', '@', '0', '.', '2', '.', '0', 0x05, 0x00,
		/* export section: 1 export "wasi:cli/run@0.2.0", sort instance(5) idx 0, no desc */
		0x0b, 0x18, 0x01, 0x00, 0x12,
		'w', 'a', 's', 'i', ':', 'c', 'l', 'i', '/', 'r', 'u', 'n', '@', '0', '.', '2', '.', '0',
		0x05, 0x00, 0x00,
	};
	struct wasm_module *m = decode_ok(comp, sizeof(comp), WASM_DECODE_FACTS);

	(void)state;
	assert_int_equal(m->kind, WASM_KIND_COMPONENT);
	assert_int_equal(m->wasi, WASM_WASI_PREVIEW2);
	assert_int_equal(m->ncomp_imports, 1);
	assert_string_equal(m->comp_imports[0], "wasi:cli/environment@0.2.0");
	assert_int_equal(m->ncomp_exports, 1);
	assert_string_equal(m->comp_exports[0], "wasi:cli/run@0.2.0");
	assert_string_equal(wasm_kind_name(m->kind), "component");
	wasm_module_free(m);
}

static void test_facts_mode_tolerates_later_proposals(void **state)
{
	/* a shared memory (threads: limits flags 0x03) in an imported memory */
	static const uint8_t shared[] = {
		HDR, 0x02, 0x09, 0x01, 0x01, 'm', 0x01, 'x', 0x02, 0x03, 0x01, 0x01,
	};
	/* memory64 limits (flags 0x04) are WebAssembly 3.0: decoded strictly */
	static const uint8_t mem64[] = {
		HDR, 0x02, 0x08, 0x01, 0x01, 'm', 0x01, 'x', 0x02, 0x04, 0x01,
	};
	struct wasm_module *m;

	(void)state;
	m = decode_ok(shared, sizeof(shared), WASM_DECODE_FACTS);
	assert_true(m->imports[0].desc.memory.shared);
	wasm_module_free(m);
	expect_refused(shared, sizeof(shared), "limits");
	m = decode_ok(mem64, sizeof(mem64), WASM_DECODE_STRICT);
	assert_true(m->imports[0].desc.memory.is64);
	assert_int_equal(m->imports[0].desc.memory.min, 1);
	wasm_module_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_facts),
		cmocka_unit_test(test_empty_and_magic),
		cmocka_unit_test(test_truncated_and_overlong),
		cmocka_unit_test(test_leb128),
		cmocka_unit_test(test_custom_sections_skipped),
		cmocka_unit_test(test_section_order_and_counts),
		cmocka_unit_test(test_padded_call_indirect_module),
		cmocka_unit_test(test_component),
		cmocka_unit_test(test_facts_mode_tolerates_later_proposals),
	};
	return cmocka_run_group_tests_name("wasm_decode", tests, NULL, NULL);
}
