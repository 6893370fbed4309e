/*
 * wasm_validate.c - the validator over big modules: the bodies are checked
 * on several threads, yet the error reported is always the one of the
 * first invalid function by index, exactly as a sequential run reports;
 * and one body at a time through wasm_validator_func().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../wasm/module.h"
#include "../../wasm/validate.h"

#define NFUNCS 1200
#define FILLER 100 /* `i32.const 1; drop` pairs per body: ~300 KB of code */

static void put_leb(struct wp_buf *b, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		if (v)
			c |= 0x80;
		assert_int_equal(wp_buf_append(b, &c, 1), 0);
	} while (v);
}

static void put(struct wp_buf *b, const void *p, size_t n)
{
	assert_int_equal(wp_buf_append(b, p, n), 0);
}

/* A module of NFUNCS functions of type [] -> []; the bodies listed in
 * bad[] end with an i32 left on the stack (a type mismatch at their
 * `end`), whose offset goes to bad_off[].  Function `slow` is 100 times
 * bigger than the others (UINT32_MAX: none). */
static void build(struct wp_buf *out, const uint32_t *bad, size_t nbad, uint32_t *bad_off,
		  uint32_t slow)
{
	static const uint8_t hdr[] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
				       0x01, 0x04, 0x01, 0x60, 0x00, 0x00 };
	struct wp_buf code = WP_BUF_INIT(1u << 26), funcs = WP_BUF_INIT(1u << 20);
	uint32_t i, k;
	size_t j;

	put(out, hdr, sizeof(hdr));
	put_leb(&funcs, NFUNCS);
	for (i = 0; i < NFUNCS; i++)
		put(&funcs, "\0", 1);
	put(out, "\x03", 1);
	put_leb(out, (uint32_t)funcs.len);
	put(out, funcs.data, funcs.len);
	put_leb(&code, NFUNCS);
	for (i = 0; i < NFUNCS; i++) {
		uint32_t fill = i == slow ? 100 * FILLER : FILLER;
		int is_bad = 0;
		for (j = 0; j < nbad; j++)
			is_bad |= bad[j] == i;
		put_leb(&code, 1 + 3 * fill + (is_bad ? 2 : 0) + 1);
		put(&code, "\0", 1); /* no locals */
		for (k = 0; k < fill; k++)
			put(&code, "\x41\x01\x1a", 3);
		if (is_bad)
			put(&code, "\x41\x07", 2);
		for (j = 0; j < nbad; j++)
			if (bad[j] == i) /* the section header comes before `code` */
				bad_off[j] = (uint32_t)code.len;
		put(&code, "\x0b", 1);
	}
	put(out, "\x0a", 1);
	put_leb(out, (uint32_t)code.len);
	k = (uint32_t)out->len; /* start of the code section's contents */
	for (j = 0; j < nbad; j++)
		bad_off[j] += k;
	put(out, code.data, code.len);
	wp_buf_release(&code);
	wp_buf_release(&funcs);
}

static char *validate_msg(const struct wp_buf *b, unsigned threads)
{
	struct wasm_module *m = NULL;
	char *msg = NULL;
	int err;

	assert_int_equal(wasm_module_decode(b->data, b->len, WASM_DECODE_STRICT, &m), 0);
	wasm_validate_set_threads(threads);
	err = wasm_validate(m, NULL);
	wasm_validate_set_threads(0);
	if (err < 0)
		msg = strdup(wp_error_last());
	wasm_module_free(m);
	return msg;
}

static void test_first_invalid_wins(void **state)
{
	/* 300 is slow to check, so another thread usually finds 305 first:
	 * 300 must still be the one reported, every time */
	uint32_t bad[3] = { 1100, 305, 300 }, off[3];
	struct wp_buf b = WP_BUF_INIT(1u << 26);
	char want[64], *seq, *par;
	int i;

	(void)state;
	build(&b, bad, 3, off, 300);
	snprintf(want, sizeof(want), "type mismatch at offset %u", off[2]);
	seq = validate_msg(&b, 1);
	assert_non_null(seq);
	assert_string_equal(seq, want);
	for (i = 0; i < 20; i++) {
		par = validate_msg(&b, 4);
		assert_non_null(par);
		assert_string_equal(par, want);
		free(par);
	}
	free(seq);
	wp_buf_release(&b);
}

static void test_last_invalid_found(void **state)
{
	uint32_t bad[1] = { NFUNCS - 1 }, off[1];
	struct wp_buf b = WP_BUF_INIT(1u << 26);
	char want[64], *par;

	(void)state;
	build(&b, bad, 1, off, UINT32_MAX);
	snprintf(want, sizeof(want), "type mismatch at offset %u", off[0]);
	par = validate_msg(&b, 4);
	assert_non_null(par);
	assert_string_equal(par, want);
	free(par);
	wp_buf_release(&b);
}

static void test_valid_big_module(void **state)
{
	struct wp_buf b = WP_BUF_INIT(1u << 26);

	(void)state;
	build(&b, NULL, 0, NULL, UINT32_MAX);
	assert_null(validate_msg(&b, 4));
	assert_null(validate_msg(&b, 1));
	wp_buf_release(&b);
}

/* wasm_validator_func: one body at a time, hooks seeing every instruction */
static int count_instr(void *ctx, const struct wasm_instr *in)
{
	(void)in;
	(*(unsigned *)ctx)++;
	return 0;
}

static void test_one_function(void **state)
{
	struct wp_buf b = WP_BUF_INIT(1u << 26);
	struct wasm_module *m = NULL;
	struct wasm_validator *v = NULL;
	struct wasm_validate_hooks hooks;
	unsigned count = 0;

	(void)state;
	build(&b, NULL, 0, NULL, UINT32_MAX);
	assert_int_equal(wasm_module_decode(b.data, b.len, WASM_DECODE_STRICT, &m), 0);
	assert_int_equal(wasm_validator_new(m, &v), 0);
	memset(&hooks, 0, sizeof(hooks));
	hooks.ctx = &count;
	hooks.instr = count_instr;
	assert_int_equal(wasm_validator_func(v, 7, &hooks), 0);
	assert_int_equal(count, 2 * FILLER + 1); /* const, drop ... end */
	assert_int_equal(wasm_validator_func(v, NFUNCS, &hooks), WP_EINVALID);
	wasm_validator_free(v);
	wasm_module_free(m);
	wp_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_invalid_wins),
		cmocka_unit_test(test_last_invalid_found),
		cmocka_unit_test(test_valid_big_module),
		cmocka_unit_test(test_one_function),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
