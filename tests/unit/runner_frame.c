/*
 * runner_frame.c - the engine's frame-size limit.  The internal code packs
 * a frame-slot index into the high 16 bits of each opcode word
 * (runner/internal.h), so a function whose frame needs more than 65535
 * slots must be refused with a clear error, and one exactly at the limit
 * must compile and run.
 *
 * Such a frame needs a huge operand stack (locals are capped at 50,000):
 * the module is built here byte by byte.  f calls g (1000 v128 results,
 * 2000 slots) n times, h (1000 i32) once and r (`rest` copies of 4660)
 * once, leaving every result on its stack, then returns the topmost value
 * (`return` ignores the rest): it lives in the frame's last slot.  Its
 * frame: 8 constant-pool slots + 2000 n + 1000 + rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../runner/runner.h"

#define LIMIT 65535u /* slots */
#define NG 32u       /* calls of g: 8 + 2000 * 32 + 1000 = LIMIT - 527 */
#define REST 527u

static void put(struct wp_buf *b, uint8_t byte)
{
	assert_int_equal(wp_buf_append(b, &byte, 1), 0);
}

static void leb(struct wp_buf *b, uint32_t v)
{
	do {
		uint8_t byte = v & 0x7f;
		v >>= 7;
		put(b, (uint8_t)(byte | (v ? 0x80 : 0)));
	} while (v);
}

static void section(struct wp_buf *out, uint8_t id, const struct wp_buf *content)
{
	put(out, id);
	leb(out, (uint32_t)content->len);
	assert_int_equal(wp_buf_append(out, content->data, content->len), 0);
}

/* () -> (t x n) */
static void functype(struct wp_buf *b, uint8_t t, uint32_t n)
{
	uint32_t i;

	put(b, 0x60);
	put(b, 0);
	leb(b, n);
	for (i = 0; i < n; i++)
		put(b, t);
}

/* A body returning `n` copies of its one local of type t (i32: set to
 * 4660 first). */
static void copies_body(struct wp_buf *code, uint8_t t, uint32_t n)
{
	struct wp_buf body = WP_BUF_INIT(WP_BUF_UNLIMITED);
	uint32_t i;

	put(&body, 1); /* one local group: 1 x t */
	put(&body, 1);
	put(&body, t);
	if (t == 0x7f) {
		put(&body, 0x41); /* i32.const 4660 (< 2^13: the unsigned LEB is the signed one) */
		leb(&body, 4660);
		put(&body, 0x21); /* local.set 0 */
		put(&body, 0);
	}
	for (i = 0; i < n; i++) {
		put(&body, 0x20); /* local.get 0 */
		put(&body, 0);
	}
	put(&body, 0x0b);
	leb(code, (uint32_t)body.len);
	assert_int_equal(wp_buf_append(code, body.data, body.len), 0);
	wp_buf_release(&body);
}

/* The module whose function 0 ("f") needs LIMIT - REST + rest slots. */
static void build(struct wp_buf *m, uint32_t rest)
{
	struct wp_buf s = WP_BUF_INIT(WP_BUF_UNLIMITED), body = WP_BUF_INIT(WP_BUF_UNLIMITED);
	static const uint8_t header[8] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
	uint32_t i;

	assert_int_equal(wp_buf_append(m, header, 8), 0);
	leb(&s, 4); /* types: f, g, h, r */
	functype(&s, 0x7f, 1);
	functype(&s, 0x7b, 1000);
	functype(&s, 0x7f, 1000);
	functype(&s, 0x7f, rest);
	section(m, 1, &s);
	wp_buf_reset(&s);
	leb(&s, 4); /* functions 0..3 have types 0..3 */
	for (i = 0; i < 4; i++)
		leb(&s, i);
	section(m, 3, &s);
	wp_buf_reset(&s);
	leb(&s, 1); /* export "f" */
	leb(&s, 1);
	put(&s, 'f');
	put(&s, 0);
	leb(&s, 0);
	section(m, 7, &s);
	wp_buf_reset(&s);
	leb(&s, 4);
	put(&body, 0); /* no locals */
	for (i = 0; i < NG; i++) {
		put(&body, 0x10);
		leb(&body, 1);
	}
	put(&body, 0x10);
	leb(&body, 2);
	put(&body, 0x10);
	leb(&body, 3);
	put(&body, 0x0f); /* return */
	put(&body, 0x0b);
	leb(&s, (uint32_t)body.len);
	assert_int_equal(wp_buf_append(&s, body.data, body.len), 0);
	copies_body(&s, 0x7b, 1000);
	copies_body(&s, 0x7f, 1000);
	copies_body(&s, 0x7f, rest);
	section(m, 10, &s);
	wp_buf_release(&s);
	wp_buf_release(&body);
}

static void test_frame_at_the_limit_runs(void **state)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct runner_config cfg;
	struct runner_trap trap;
	runner_module *m = NULL;
	runner_linker *l = NULL;
	runner_instance *inst = NULL;
	runner_val r;

	(void)state;
	build(&b, REST);
	assert_int_equal(runner_module_load(b.data, b.len, &m), 0);
	assert_int_equal(runner_module_compile_all(m), 0);
	assert_int_equal(runner_linker_new(&l), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_stack_bytes = (size_t)(LIMIT + 4096) * 8;
	assert_int_equal(runner_instantiate(l, m, &cfg, &inst, &trap), 0);
	/* the result comes from slot 65534, the frame's last */
	assert_int_equal(runner_call(inst, "f", NULL, 0, &r, 1, &trap), 0);
	assert_int_equal(r.of.i32, 4660);
	runner_instance_free(inst);
	runner_linker_free(l);
	runner_module_free(m);
	wp_buf_release(&b);
}

static void test_frame_over_the_limit_is_refused(void **state)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct runner_trap trap;
	runner_module *m = NULL;
	runner_linker *l = NULL;
	runner_instance *inst = NULL;
	const char *want = "function 0 needs more than 65535 frame slots (the engine's limit)";
	char msg[256];
	runner_val r;

	(void)state;
	build(&b, REST + 1);
	/* valid wasm: it loads (bodies are compiled on their first call) */
	assert_int_equal(runner_module_load(b.data, b.len, &m), 0);
	assert_int_equal(runner_module_compile_all(m), WP_ETOOBIG);
	assert_string_equal(wp_error_last(), want);
	/* called anyway: a clean trap naming the limit, nothing runs */
	assert_int_equal(runner_linker_new(&l), 0);
	assert_int_equal(runner_instantiate(l, m, NULL, &inst, &trap), 0);
	assert_int_equal(runner_call(inst, "f", NULL, 0, &r, 1, &trap), RUNNER_ETRAP);
	snprintf(msg, sizeof(msg), "cannot compile function 0: %s", want);
	assert_string_equal(trap.message, msg);
	runner_instance_free(inst);
	runner_linker_free(l);
	runner_module_free(m);
	wp_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_at_the_limit_runs),
		cmocka_unit_test(test_frame_over_the_limit_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
