/*
 * runner_cabi.c - the canonical ABI (runner/cabi.c): sizes, alignments and
 * flattening as CanonicalABI.md defines them, every value type stored and
 * loaded back and lowered to core values and lifted back unchanged, and
 * hostile memory (pointers past the end, bad UTF-8, surrogate chars, case
 * indices out of range) refused with a message.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../runner/cabi.h"
#include "../../runner/linker.h"

#define MEM 65536

static uint8_t membuf[MEM];
static struct rmemory mem;
static uint32_t bump;
static runner_linker *holder;

/* realloc(0, 0, align, size): a bump allocator in membuf */
static int bump_realloc(runner_caller *c, void *env, const runner_val *a, runner_val *r)
{
	uint32_t align = (uint32_t)a[2].of.i32, size = (uint32_t)a[3].of.i32;

	(void)env;
	bump = (bump + align - 1) & ~(align - 1);
	if (bump + size > MEM)
		return runner_caller_trap(c, "out of guest memory");
	r[0] = runner_val_i32((int32_t)bump);
	bump += size;
	return 0;
}

static struct cabi_ctx ctx(void)
{
	struct cabi_ctx c;
	struct rextern x;

	memset(&c, 0, sizeof(c));
	mem.base = membuf;
	mem.size = MEM;
	c.mem = &mem;
	if (!holder) {
		assert_int_equal(runner_linker_new(&holder), 0);
		assert_int_equal(runner_linker_define_func(holder, "m", "realloc", "iiii->i", bump_realloc, NULL), 0);
	}
	assert_int_equal(rlinker_resolve(holder, "m", "realloc", WASM_EXTERN_FUNC, &x), 0);
	c.realloc = x.func;
	bump = 8;
	return c;
}

/* ---- type builders -------------------------------------------------- */

static struct wc_type pool[64];
static struct wc_field fpool[1024];
static int np, nf;

static struct wc_valtype P(uint8_t prim)
{
	struct wc_valtype v = {prim, NULL};
	return v;
}

static struct wc_valtype T(struct wc_type *t)
{
	struct wc_valtype v = {0, t};
	return v;
}

static struct wc_type *ty(uint8_t kind)
{
	struct wc_type *t = &pool[np++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->dtor = -1;
	return t;
}

/* fields: n value types (has_type 0 when vt.prim == 0 && !vt.t) */
static struct wc_type *agg(uint8_t kind, int n, const struct wc_valtype *vts)
{
	struct wc_type *t = ty(kind);
	int i;

	t->fields = &fpool[nf];
	t->nfields = (uint32_t)n;
	for (i = 0; i < n; i++) {
		fpool[nf].name = "x";
		fpool[nf].has_type = vts && (vts[i].prim || vts[i].t);
		if (vts)
			fpool[nf].vt = vts[i];
		nf++;
	}
	return t;
}

static struct wc_type *one(uint8_t kind, struct wc_valtype a)
{
	struct wc_type *t = ty(kind);
	t->has_a = 1;
	t->a = a;
	return t;
}

static struct wc_type *result(struct wc_valtype ok, struct wc_valtype err)
{
	struct wc_type *t = ty(WC_T_RESULT);
	t->has_a = ok.prim || ok.t;
	t->a = ok;
	t->has_b = err.prim || err.t;
	t->b = err;
	return t;
}

static struct wc_valtype NONE_T = {0, NULL};

/* ---- sizes and flattening ------------------------------------------- */

static void test_sizes_and_alignment(void **state)
{
	struct wc_valtype r3[] = {P(WC_U8), P(WC_U32), P(WC_U16)};
	struct wc_valtype v2[] = {P(WC_U8), P(WC_F64)};
	struct wc_valtype t2[] = {P(WC_U8), P(WC_U16)};

	(void)state;
	np = nf = 0;
	assert_int_equal(cabi_size(T(agg(WC_T_RECORD, 3, r3))), 12);
	assert_int_equal(cabi_align(T(agg(WC_T_RECORD, 3, r3))), 4);
	assert_int_equal(cabi_size(T(agg(WC_T_VARIANT, 2, v2))), 16);
	assert_int_equal(cabi_align(T(agg(WC_T_VARIANT, 2, v2))), 8);
	assert_int_equal(cabi_size(T(result(P(WC_STRING), P(WC_U8)))), 12);
	assert_int_equal(cabi_size(T(agg(WC_T_FLAGS, 20, NULL))), 4);
	assert_int_equal(cabi_size(T(agg(WC_T_FLAGS, 8, NULL))), 1);
	assert_int_equal(cabi_size(T(agg(WC_T_ENUM, 300, NULL))), 2);
	assert_int_equal(cabi_size(T(one(WC_T_OPTION, P(WC_U64)))), 16);
	assert_int_equal(cabi_size(T(agg(WC_T_TUPLE, 2, t2))), 4);
	assert_int_equal(cabi_size(T(one(WC_T_LIST, P(WC_U32)))), 8);
	assert_int_equal(cabi_size(P(WC_CHAR)), 4);
	assert_int_equal(cabi_size(P(WC_STRING)), 8);
	assert_int_equal(cabi_align(P(WC_STRING)), 4);
}

static void test_flatten_joins_variant_cases(void **state)
{
	struct wc_valtype v3[] = {P(WC_F32), P(WC_U64), P(WC_U8)};
	struct wc_valtype v2[] = {P(WC_F32), P(WC_U32)};
	uint8_t f[CABI_MAX_FLAT];
	uint32_t n;

	(void)state;
	np = nf = 0;
	n = 0;
	cabi_flatten(T(agg(WC_T_VARIANT, 3, v3)), f, &n);
	assert_int_equal(n, 2);
	assert_int_equal(f[0], WASM_I32);
	assert_int_equal(f[1], WASM_I64);
	n = 0;
	cabi_flatten(T(agg(WC_T_VARIANT, 2, v2)), f, &n);
	assert_int_equal(n, 2);
	assert_int_equal(f[1], WASM_I32); /* f32 joined with i32 */
	n = 0;
	cabi_flatten(T(one(WC_T_OPTION, P(WC_F32))), f, &n);
	assert_int_equal(n, 2);
	assert_int_equal(f[1], WASM_F32);
	n = 0;
	cabi_flatten(T(result(P(WC_F32), P(WC_F64))), f, &n);
	assert_int_equal(f[1], WASM_I64);
	n = 0;
	cabi_flatten(P(WC_STRING), f, &n);
	assert_int_equal(n, 2);
}

/* ---- round trips ---------------------------------------------------- */

static int cval_eq(const struct cval *a, const struct cval *b)
{
	uint32_t i;

	if (a->u != b->u || a->disc != b->disc || a->n != b->n || !a->str != !b->str)
		return 0;
	if (a->str && memcmp(a->str, b->str, a->u))
		return 0;
	for (i = 0; i < a->n; i++)
		if (!cval_eq(&a->elems[i], &b->elems[i]))
			return 0;
	return 1;
}

static void set_str(struct cval *v, const char *s)
{
	assert_int_equal(cval_string(v, s, strlen(s)), 0);
}

/* One record holding every kind of value, and a value of it. */
static struct wc_valtype everything(struct cval *v)
{
	struct wc_type *res = ty(WC_T_RESOURCE);
	struct wc_type *own = ty(WC_T_OWN);
	struct wc_valtype tup[] = {P(WC_U8), P(WC_STRING)};
	struct wc_valtype var[] = {NONE_T, P(WC_F32), P(WC_U64)};
	struct wc_valtype fields[18];
	uint32_t f32bits;
	float fv = 1.5f;
	double dv = -2.25;
	int i = 0;

	own->resource = res;
	fields[0] = P(WC_BOOL);
	fields[1] = P(WC_S8);
	fields[2] = P(WC_U16);
	fields[3] = P(WC_S32);
	fields[4] = P(WC_U64);
	fields[5] = P(WC_F32);
	fields[6] = P(WC_F64);
	fields[7] = P(WC_CHAR);
	fields[8] = P(WC_STRING);
	fields[9] = T(one(WC_T_LIST, P(WC_U16)));
	fields[10] = T(one(WC_T_LIST, P(WC_U8)));
	fields[11] = T(agg(WC_T_TUPLE, 2, tup));
	fields[12] = T(agg(WC_T_VARIANT, 3, var));
	fields[13] = T(agg(WC_T_ENUM, 3, NULL));
	fields[14] = T(one(WC_T_OPTION, P(WC_STRING)));
	fields[15] = T(result(P(WC_U32), P(WC_STRING)));
	fields[16] = T(agg(WC_T_FLAGS, 20, NULL));
	fields[17] = T(own);

	assert_int_equal(cval_list(v, 18), 0);
	v->elems[i++].u = 1;
	v->elems[i++].u = 0xfe;
	v->elems[i++].u = 0xbeef;
	v->elems[i++].u = 0xfffffff0u;
	v->elems[i++].u = 0x0123456789abcdefull;
	memcpy(&f32bits, &fv, 4);
	v->elems[i++].u = f32bits;
	memcpy(&v->elems[i++].u, &dv, 8);
	v->elems[i++].u = 0x1f600; /* an emoji */
	set_str(&v->elems[i++], "h\xc3\xa9llo");
	assert_int_equal(cval_list(&v->elems[i], 3), 0);
	v->elems[i].elems[0].u = 1, v->elems[i].elems[1].u = 2, v->elems[i].elems[2].u = 65535;
	i++;
	assert_int_equal(cval_string(&v->elems[i++], "\x00\x01\xff", 3), 0); /* list<u8>: bytes */
	assert_int_equal(cval_list(&v->elems[i], 2), 0);
	v->elems[i].elems[0].u = 7;
	set_str(&v->elems[i].elems[1], "tuple");
	i++;
	assert_int_equal(cval_case(&v->elems[i], 1, 1), 0); /* f(1.5) in the joined i64 slot */
	v->elems[i].elems[0].u = f32bits;
	i++;
	v->elems[i++].disc = 2;
	assert_int_equal(cval_case(&v->elems[i], 1, 1), 0);
	set_str(&v->elems[i].elems[0], "some");
	i++;
	assert_int_equal(cval_case(&v->elems[i], 1, 1), 0);
	set_str(&v->elems[i].elems[0], "error text");
	i++;
	v->elems[i++].u = 0x80001;
	v->elems[i++].u = 42;
	return T(agg(WC_T_RECORD, 18, fields));
}

static void test_store_load_round_trip(void **state)
{
	struct cabi_ctx c = ctx();
	struct cval v, back;
	struct wc_valtype t;
	uint32_t ptr;

	(void)state;
	np = nf = 0;
	t = everything(&v);
	assert_int_equal(cabi_alloc(&c, cabi_align(t), cabi_size(t), &ptr), 0);
	if (cabi_store(&c, t, &v, ptr) < 0)
		fail_msg("store: %s", c.message);
	if (cabi_load(&c, t, ptr, &back) < 0)
		fail_msg("load: %s", c.message);
	assert_true(cval_eq(&v, &back));
	cval_release(&back);
	cval_release(&v);
}

static void test_lower_lift_round_trip(void **state)
{
	struct cabi_ctx c = ctx();
	runner_val vals[CABI_MAX_FLAT];
	uint8_t flat[CABI_MAX_FLAT];
	struct cval v, back;
	struct wc_valtype t;
	uint32_t n = 0, i = 0, k;

	(void)state;
	np = nf = 0;
	t = everything(&v);
	cabi_flatten(t, flat, &n);
	assert_true(n > CABI_MAX_FLAT_PARAMS); /* passed in memory as a parameter; flat here */
	if (cabi_lower_flat(&c, t, &v, vals, n, &i) < 0)
		fail_msg("lower: %s", c.message);
	assert_int_equal(i, n);
	for (k = 0; k < n; k++)
		assert_int_equal(vals[k].type, flat[k]); /* every slot has its flat type */
	i = 0;
	if (cabi_lift_flat(&c, t, vals, n, &i, &back) < 0)
		fail_msg("lift: %s", c.message);
	assert_int_equal(i, n);
	assert_true(cval_eq(&v, &back));
	cval_release(&back);
	cval_release(&v);
}

/* ---- hostile memory ------------------------------------------------- */

static void put32(uint32_t at, uint32_t v)
{
	memcpy(membuf + at, &v, 4);
}

static void test_hostile_memory(void **state)
{
	struct cabi_ctx c = ctx();
	struct wc_valtype var[] = {P(WC_U8), NONE_T};
	struct cval v;

	(void)state;
	np = nf = 0;
	/* a string whose bytes run past the end of memory */
	put32(100, MEM - 2);
	put32(104, 16);
	assert_int_equal(cabi_load(&c, P(WC_STRING), 100, &v), -1);
	assert_non_null(strstr(c.message, "out of bounds"));
	cval_release(&v);
	/* a string record itself past the end */
	assert_int_equal(cabi_load(&c, P(WC_STRING), MEM - 4, &v), -1);
	cval_release(&v);
	/* invalid UTF-8 */
	memcpy(membuf + 200, "\xc3\x28", 2);
	put32(100, 200);
	put32(104, 2);
	assert_int_equal(cabi_load(&c, P(WC_STRING), 100, &v), -1);
	assert_non_null(strstr(c.message, "UTF-8"));
	cval_release(&v);
	/* a surrogate is not a char */
	put32(100, 0xd800);
	assert_int_equal(cabi_load(&c, P(WC_CHAR), 100, &v), -1);
	cval_release(&v);
	/* a variant case past the last */
	membuf[100] = 2;
	assert_int_equal(cabi_load(&c, T(agg(WC_T_VARIANT, 2, var)), 100, &v), -1);
	assert_non_null(strstr(c.message, "case out of range"));
	cval_release(&v);
	/* a list of 2^30 u32s */
	put32(100, 0);
	put32(104, 1u << 30);
	assert_int_equal(cabi_load(&c, T(one(WC_T_LIST, P(WC_U32))), 100, &v), -1);
	cval_release(&v);
	/* bool: any nonzero byte is true */
	membuf[100] = 0x80;
	assert_int_equal(cabi_load(&c, P(WC_BOOL), 100, &v), 0);
	assert_int_equal(v.u, 1);
	/* flags: the bits past the last label are dropped, from memory
	 * (3 labels: a byte) and flat (an i32), as CanonicalABI.md's lift_flags */
	{
		struct wc_type *fl = agg(WC_T_FLAGS, 3, NULL);
		runner_val bits = runner_val_i32((int32_t)0xfffffffd);
		uint32_t i = 0;
		membuf[100] = 0xfd;
		assert_int_equal(cabi_load(&c, T(fl), 100, &v), 0);
		assert_int_equal(v.u, 5);
		assert_int_equal(cabi_lift_flat(&c, T(fl), &bits, 1, &i, &v), 0);
		assert_int_equal(v.u, 5);
	}
	/* no memory option at all */
	c.mem = NULL;
	assert_int_equal(cabi_load(&c, P(WC_STRING), 100, &v), -1);
	cval_release(&v);
}

static int teardown(void **state)
{
	(void)state;
	runner_linker_free(holder);
	holder = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_and_alignment),
		cmocka_unit_test(test_flatten_joins_variant_cases),
		cmocka_unit_test(test_store_load_round_trip),
		cmocka_unit_test(test_lower_lift_round_trip),
		cmocka_unit_test(test_hostile_memory),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
