/*
 * wasm_component.c - the component decoder (wasm/component_*.c): what it
 * keeps of each section, and the validation a runner relies on (indices
 * in range, aliases naming real exports, instantiations supplying every
 * import, canonical options, resources, nesting limits), each refused with
 * an error naming the problem.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/error.h"
#include "../../wasm/component.h"
#include "../../wasm/module.h"

/* A small binary builder: sections are written with a one-byte size. */
struct bin {
	uint8_t d[4096];
	size_t n;
};

static void put(struct bin *b, const uint8_t *p, size_t n)
{
	assert_true(b->n + n <= sizeof(b->d));
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

#define PUT(b, ...) put((b), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static void name(struct bin *b, const char *s)
{
	uint8_t len = (uint8_t)strlen(s);
	put(b, &len, 1);
	put(b, (const uint8_t *)s, len);
}

static void preamble(struct bin *b)
{
	b->n = 0;
	PUT(b, 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00);
}

/* section(b, id, body) */
static void section(struct bin *b, uint8_t id, const struct bin *body)
{
	assert_true(body->n < 128);
	PUT(b, id, (uint8_t)body->n);
	put(b, body->d, body->n);
}

static struct wasm_module *decode(const struct bin *b, int *err)
{
	struct wasm_module *m = NULL;

	*err = wasm_module_decode(b->d, b->n, WASM_DECODE_FACTS, &m);
	return m;
}

static void expect_refused(const struct bin *b, const char *what)
{
	int err;
	struct wasm_module *m = decode(b, &err);

	assert_null(m);
	assert_int_equal(err, WP_EINVALID);
	if (!strstr(wp_error_last(), what))
		fail_msg("error \"%s\" does not say \"%s\"", wp_error_last(), what);
}

/* (type (resource (rep i32))) (type (own 0)) (type (record "h" 1))
 * (core func (canon resource.new 0)) (core func (canon resource.rep 0))
 * (core func (canon resource.drop 0)) (export "r" (type 0)) */
static void test_resources_and_handles(void **state)
{
	struct bin b, t = {0}, c = {0}, e = {0};
	struct wasm_component *comp;
	int err;

	(void)state;
	preamble(&b);
	PUT(&t, 0x03, 0x3f, 0x7f, 0x00, 0x69, 0x00, 0x72, 0x01);
	name(&t, "h");
	PUT(&t, 0x01);
	section(&b, 7, &t);
	PUT(&c, 0x03, 0x02, 0x00, 0x04, 0x00, 0x03, 0x00);
	section(&b, 8, &c);
	PUT(&e, 0x01, 0x00);
	name(&e, "r");
	PUT(&e, 0x03, 0x00, 0x00);
	section(&b, 11, &e);

	struct wasm_module *m = decode(&b, &err);
	if (!m)
		fail_msg("decode: %s", wp_error_last());
	comp = m->component;
	assert_non_null(comp);
	assert_int_equal(comp->nspace[WC_TYPE], 4); /* 3 defined + the export */
	assert_int_equal(comp->space[WC_TYPE][0].type->kind, WC_T_RESOURCE);
	assert_int_equal(comp->space[WC_TYPE][1].type->kind, WC_T_OWN);
	assert_ptr_equal(comp->space[WC_TYPE][1].type->resource, comp->space[WC_TYPE][0].type);
	assert_int_equal(comp->space[WC_TYPE][2].type->kind, WC_T_RECORD);
	assert_int_equal(comp->ncanons, 3);
	assert_int_equal(comp->canons[0].op, WC_CANON_RESOURCE_NEW);
	assert_int_equal(comp->canons[2].op, WC_CANON_RESOURCE_DROP);
	assert_int_equal(comp->nspace[WC_CORE_FUNC], 3);
	assert_string_equal(comp->space[WC_TYPE][0].type->name, "r");
	assert_int_equal(comp->nitems, 4); /* 3 canons + 1 export, in order */
	assert_int_equal(comp->items[3].section, 11);
	wasm_module_free(m);
}

static void test_type_index_out_of_range(void **state)
{
	struct bin b, i = {0};

	(void)state;
	preamble(&b);
	PUT(&i, 0x01, 0x00);
	name(&i, "x");
	PUT(&i, 0x05, 0x05); /* (instance (type 5)): no types at all */
	section(&b, 10, &i);
	expect_refused(&b, "type index 5 out of range");
}

/* (import "a" (instance (export "f" (func)))) (alias export 0 "g" (func)) */
static void test_alias_of_missing_export(void **state)
{
	struct bin b, t = {0}, i = {0}, a = {0};

	(void)state;
	preamble(&b);
	PUT(&t, 0x02, 0x40, 0x00, 0x01, 0x00, /* func() */
	    0x42, 0x02, 0x02, 0x03, 0x02, 0x01, 0x00, /* alias outer 1 0 (type) */
	    0x04, 0x00);
	name(&t, "f");
	PUT(&t, 0x01, 0x00);
	section(&b, 7, &t);
	PUT(&i, 0x01, 0x00);
	name(&i, "a");
	PUT(&i, 0x05, 0x01);
	section(&b, 10, &i);
	PUT(&a, 0x01, 0x01, 0x00, 0x00);
	name(&a, "f");
	section(&b, 6, &a);
	{
		int err;
		struct wasm_module *m = decode(&b, &err);
		if (!m)
			fail_msg("the alias of an existing export was refused: %s", wp_error_last());
		assert_int_equal(m->component->nspace[WC_FUNC], 1);
		assert_int_equal(m->component->space[WC_FUNC][0].type->kind, WC_T_FUNC);
		wasm_module_free(m);
	}
	b.n -= a.n + 2;
	a.n = 0;
	PUT(&a, 0x01, 0x01, 0x00, 0x00);
	name(&a, "g");
	section(&b, 6, &a);
	expect_refused(&b, "instance 0 has no export \"g\"");
}

static void test_duplicate_import(void **state)
{
	struct bin b, t = {0}, i = {0};

	(void)state;
	preamble(&b);
	PUT(&t, 0x01, 0x42, 0x00);
	section(&b, 7, &t);
	PUT(&i, 0x02, 0x00);
	name(&i, "wasi:io/poll@0.2.0");
	PUT(&i, 0x05, 0x00, 0x00);
	name(&i, "wasi:io/poll@0.2.0");
	PUT(&i, 0x05, 0x00);
	section(&b, 10, &i);
	expect_refused(&b, "duplicate import \"wasi:io/poll@0.2.0\"");
}

/* (type (func (param "s" string))) (import "log" (func (type 0)))
 * (core func (canon lower (func 0))): strings need a memory */
static void test_lower_of_strings_needs_memory(void **state)
{
	struct bin b, t = {0}, i = {0}, c = {0};

	(void)state;
	preamble(&b);
	PUT(&t, 0x01, 0x40, 0x01);
	name(&t, "s");
	PUT(&t, 0x73, 0x01, 0x00);
	section(&b, 7, &t);
	PUT(&i, 0x01, 0x00);
	name(&i, "log");
	PUT(&i, 0x01, 0x00);
	section(&b, 10, &i);
	PUT(&c, 0x01, 0x01, 0x00, 0x00, 0x00);
	section(&b, 8, &c);
	expect_refused(&b, "needs a memory option");
}

/* resource.new of an imported resource (only resource.drop may take one) */
static void test_resource_new_of_imported(void **state)
{
	struct bin b, i = {0}, c = {0};

	(void)state;
	preamble(&b);
	PUT(&i, 0x01, 0x00);
	name(&i, "res");
	PUT(&i, 0x03, 0x01);
	section(&b, 10, &i);
	PUT(&c, 0x02, 0x03, 0x00, 0x02, 0x00);
	section(&b, 8, &c);
	expect_refused(&b, "is not a locally defined resource");
}

static void test_flags_limit(void **state)
{
	struct bin b, t = {0};
	int k;

	(void)state;
	preamble(&b);
	PUT(&t, 0x01, 0x6e, 33);
	for (k = 0; k < 33; k++)
		PUT(&t, 0x02, (uint8_t)('a' + k / 10), (uint8_t)('0' + k % 10));
	section(&b, 7, &t);
	expect_refused(&b, "flags must have 1 to 32 labels (has 33)");
}

/* a core module importing env.f, instantiated without arguments */
static void test_core_instantiation_missing_import(void **state)
{
	struct bin b, mod = {0}, ins = {0};

	(void)state;
	preamble(&b);
	PUT(&mod, 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                   /* type ()->() */
	    0x02, 0x09, 0x01, 0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00); /* import env.f */
	section(&b, 1, &mod);
	PUT(&ins, 0x01, 0x00, 0x00, 0x00);
	section(&b, 2, &ins);
	expect_refused(&b, "no argument supplies its import \"env\" \"f\"");
}

static void test_nesting_limit(void **state)
{
	static uint8_t buf[1 << 12];
	size_t n = 0, depth = 40, k;

	(void)state;
	/* innermost first: an empty component, then wrap it depth times */
	memcpy(buf, "\0asm\x0d\x00\x01\x00", 8);
	n = 8;
	for (k = 0; k < depth; k++) {
		uint8_t hdr[12];
		size_t h = 0, len = n;
		memcpy(hdr, "\0asm\x0d\x00\x01\x00", 8);
		h = 8;
		hdr[h++] = 4;
		do { /* LEB128 size */
			uint8_t byte = len & 0x7f;
			len >>= 7;
			hdr[h++] = byte | (len ? 0x80 : 0);
		} while (len);
		assert_true(n + h <= sizeof(buf));
		memmove(buf + h, buf, n);
		memcpy(buf, hdr, h);
		n += h;
	}
	struct wasm_module *m = NULL;
	assert_int_equal(wasm_module_decode(buf, n, WASM_DECODE_FACTS, &m), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), "nested more than"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resources_and_handles),
		cmocka_unit_test(test_type_index_out_of_range),
		cmocka_unit_test(test_alias_of_missing_export),
		cmocka_unit_test(test_duplicate_import),
		cmocka_unit_test(test_lower_of_strings_needs_memory),
		cmocka_unit_test(test_resource_new_of_imported),
		cmocka_unit_test(test_flags_limit),
		cmocka_unit_test(test_core_instantiation_missing_import),
		cmocka_unit_test(test_nesting_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
