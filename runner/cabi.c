/*
 * cabi.c - the canonical ABI (see cabi.h): sizes and alignments, flattening,
 * loading and storing, flat lifting and lowering of every value type, as
 * CanonicalABI.md defines them (despecialisation: enum, option and result
 * are variants; tuple is a record).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "cabi.h"

#define MAX_DEPTH 100 /* nesting of types walked */

int cabi_kind(struct wc_valtype t, uint8_t *prim)
{
	*prim = 0;
	if (t.prim) {
		*prim = t.prim;
		return WC_T_PRIM;
	}
	if (!t.t)
		return 0;
	if (t.t->kind == WC_T_PRIM)
		*prim = t.t->prim;
	return t.t->kind;
}

/* The bits a flags value has: one per label (lifting drops the rest, as
 * CanonicalABI.md's lift_flags reads only the labels' bits). */
static uint64_t flag_bits(const struct wc_type *t)
{
	return t->nfields >= 32 ? 0xffffffffu : (1u << t->nfields) - 1;
}

/* ---- cases of variant-like types ----------------------------------- */

static uint32_t ncases(const struct wc_type *t)
{
	return t->kind == WC_T_OPTION || t->kind == WC_T_RESULT ? 2 : t->nfields;
}

/* The payload type of case i: 1 if it has one. */
static int case_type(const struct wc_type *t, uint32_t i, struct wc_valtype *vt)
{
	switch (t->kind) {
	case WC_T_OPTION:
		*vt = t->a;
		return i == 1;
	case WC_T_RESULT:
		*vt = i == 0 ? t->a : t->b;
		return i == 0 ? t->has_a : t->has_b;
	case WC_T_VARIANT:
		*vt = t->fields[i].vt;
		return t->fields[i].has_type;
	}
	return 0;
}

static uint32_t disc_size(uint32_t n)
{
	return n <= 256 ? 1 : n <= 65536 ? 2 : 4;
}

static uint32_t align_to(uint32_t x, uint32_t a)
{
	return (x + a - 1) / a * a;
}

static int is_variant(int k)
{
	return k == WC_T_VARIANT || k == WC_T_ENUM || k == WC_T_OPTION || k == WC_T_RESULT;
}

static uint32_t prim_size(uint8_t p)
{
	switch (p) {
	case WC_BOOL: case WC_S8: case WC_U8: return 1;
	case WC_S16: case WC_U16: return 2;
	case WC_S64: case WC_U64: case WC_F64: return 8;
	case WC_STRING: return 8;
	}
	return 4;
}

static uint32_t max_case_align(const struct wc_type *t)
{
	struct wc_valtype vt;
	uint32_t i, a = 1, x;

	for (i = 0; i < ncases(t); i++)
		if (case_type(t, i, &vt) && (x = cabi_align(vt)) > a)
			a = x;
	return a;
}

uint32_t cabi_align(struct wc_valtype t)
{
	uint8_t p;
	uint32_t i, a = 1, x;
	int k = cabi_kind(t, &p);

	if (k == WC_T_PRIM)
		return p == WC_STRING ? 4 : prim_size(p);
	switch (k) {
	case WC_T_LIST: return t.t->len ? cabi_align(t.t->a) : 4;
	case WC_T_RECORD: case WC_T_TUPLE:
		for (i = 0; i < t.t->nfields; i++)
			if ((x = cabi_align(t.t->fields[i].vt)) > a)
				a = x;
		return a;
	case WC_T_FLAGS: return t.t->nfields <= 8 ? 1 : t.t->nfields <= 16 ? 2 : 4;
	}
	if (is_variant(k)) {
		a = disc_size(ncases(t.t));
		x = max_case_align(t.t);
		return a > x ? a : x;
	}
	return 4; /* handles, stream, future, map (as list) */
}

uint32_t cabi_size(struct wc_valtype t)
{
	struct wc_valtype vt;
	uint8_t p;
	uint32_t i, s = 0, cs = 0, x;
	int k = cabi_kind(t, &p);

	if (k == WC_T_PRIM)
		return prim_size(p);
	switch (k) {
	case WC_T_LIST:
		return t.t->len ? t.t->len * cabi_size(t.t->a) : 8;
	case WC_T_MAP:
		return 8;
	case WC_T_RECORD: case WC_T_TUPLE:
		for (i = 0; i < t.t->nfields; i++) {
			s = align_to(s, cabi_align(t.t->fields[i].vt));
			s += cabi_size(t.t->fields[i].vt);
		}
		return align_to(s ? s : 0, cabi_align(t));
	case WC_T_FLAGS:
		return t.t->nfields <= 8 ? 1 : t.t->nfields <= 16 ? 2 : 4;
	}
	if (is_variant(k)) {
		s = align_to(disc_size(ncases(t.t)), max_case_align(t.t));
		for (i = 0; i < ncases(t.t); i++)
			if (case_type(t.t, i, &vt) && (x = cabi_size(vt)) > cs)
				cs = x;
		return align_to(s + cs, cabi_align(t));
	}
	return 4;
}

/* ---- flattening ----------------------------------------------------- */

static void push_flat(uint8_t *out, uint32_t *n, uint8_t t)
{
	if (*n < CABI_MAX_FLAT)
		out[*n] = t;
	(*n)++;
}

static uint8_t join(uint8_t a, uint8_t b)
{
	if (a == b)
		return a;
	if ((a == WASM_I32 && b == WASM_F32) || (a == WASM_F32 && b == WASM_I32))
		return WASM_I32;
	return WASM_I64;
}

void cabi_flatten(struct wc_valtype t, uint8_t *out, uint32_t *n)
{
	struct wc_valtype vt;
	uint8_t p, flat[CABI_MAX_FLAT], cf[CABI_MAX_FLAT];
	uint32_t i, j, nf = 0, nc;
	int k = cabi_kind(t, &p);

	if (k == WC_T_PRIM) {
		switch (p) {
		case WC_S64: case WC_U64: push_flat(out, n, WASM_I64); return;
		case WC_F32: push_flat(out, n, WASM_F32); return;
		case WC_F64: push_flat(out, n, WASM_F64); return;
		case WC_STRING: push_flat(out, n, WASM_I32); push_flat(out, n, WASM_I32); return;
		}
		push_flat(out, n, WASM_I32);
		return;
	}
	switch (k) {
	case WC_T_LIST:
		if (t.t->len) {
			for (i = 0; i < t.t->len && *n <= CABI_MAX_FLAT; i++)
				cabi_flatten(t.t->a, out, n);
			return;
		}
		/* fallthrough */
	case WC_T_MAP:
		push_flat(out, n, WASM_I32);
		push_flat(out, n, WASM_I32);
		return;
	case WC_T_RECORD: case WC_T_TUPLE:
		for (i = 0; i < t.t->nfields; i++)
			cabi_flatten(t.t->fields[i].vt, out, n);
		return;
	}
	if (!is_variant(k)) { /* flags, handles, stream, future */
		push_flat(out, n, WASM_I32);
		return;
	}
	for (i = 0; i < ncases(t.t); i++) {
		if (!case_type(t.t, i, &vt))
			continue;
		nc = 0;
		cabi_flatten(vt, cf, &nc);
		for (j = 0; j < nc && j < CABI_MAX_FLAT; j++) {
			if (j < nf)
				flat[j] = join(flat[j], cf[j]);
			else
				flat[nf++] = cf[j];
		}
	}
	push_flat(out, n, WASM_I32);
	for (j = 0; j < nf; j++)
		push_flat(out, n, flat[j]);
}

uint32_t cabi_flatten_params(const struct wc_type *ft, uint8_t *out)
{
	uint32_t i, n = 0;

	for (i = 0; i < ft->nfields; i++)
		cabi_flatten(ft->fields[i].vt, out, &n);
	return n;
}

uint32_t cabi_flatten_results(const struct wc_type *ft, uint8_t *out)
{
	uint32_t n = 0;

	if (ft->has_a)
		cabi_flatten(ft->a, out, &n);
	return n;
}

/* ---- values --------------------------------------------------------- */

void cval_release(struct cval *v)
{
	uint32_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++)
		cval_release(&v->elems[i]);
	free(v->elems);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

struct cval cval_u(uint64_t x)
{
	struct cval v;

	memset(&v, 0, sizeof(v));
	v.u = x;
	return v;
}

int cval_string(struct cval *v, const char *s, size_t len)
{
	memset(v, 0, sizeof(*v));
	if (!(v->str = malloc(len + 1)))
		return -1;
	memcpy(v->str, s, len);
	v->str[len] = '\0';
	v->u = len;
	return 0;
}

int cval_list(struct cval *v, uint32_t n)
{
	memset(v, 0, sizeof(*v));
	if (n && !(v->elems = calloc(n, sizeof(*v->elems))))
		return -1;
	v->n = n;
	return 0;
}

int cval_case(struct cval *v, uint32_t disc, int has_payload)
{
	if (cval_list(v, has_payload ? 1 : 0) < 0)
		return -1;
	v->disc = disc;
	return 0;
}

int cabi_fail(struct cabi_ctx *c, const char *msg)
{
	snprintf(c->message, sizeof(c->message), "%s", msg);
	return -1;
}

uint8_t *cabi_mem_at(struct cabi_ctx *c, uint32_t ptr, uint64_t len)
{
	if (!c->mem || (uint64_t)ptr + len > c->mem->size) {
		cabi_fail(c, c->mem ? "canonical ABI: pointer out of bounds of linear memory"
			       : "canonical ABI: a string or list without a memory option");
		return NULL;
	}
	return c->mem->base + ptr;
}

int cabi_realloc(struct cabi_ctx *c, uint32_t old_ptr, uint32_t old_size, uint32_t align,
		 uint32_t size, uint32_t *ptr)
{
	runner_val args[4], res;
	struct runner_trap tr;

	if (!c->realloc)
		return cabi_fail(c, "canonical ABI: values to pass in memory but no realloc option");
	args[0] = runner_val_i32((int32_t)old_ptr);
	args[1] = runner_val_i32((int32_t)old_size);
	args[2] = runner_val_i32((int32_t)align);
	args[3] = runner_val_i32((int32_t)size);
	if (runner_func_call(c->realloc, args, 4, &res, 1, &tr) != 0)
		return cabi_fail(c, tr.message[0] ? tr.message : "canonical ABI: realloc failed");
	*ptr = (uint32_t)res.of.i32;
	if ((*ptr & (align - 1)) || !cabi_mem_at(c, *ptr, size))
		return cabi_fail(c, "canonical ABI: realloc returned a misaligned or out-of-bounds pointer");
	return 0;
}

int cabi_alloc(struct cabi_ctx *c, uint32_t align, uint32_t size, uint32_t *ptr)
{
	return cabi_realloc(c, 0, 0, align, size, ptr);
}

static uint64_t rd(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static void wr(uint8_t *p, uint64_t v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static int valid_char(uint64_t c)
{
	return c < 0xd800 || (c >= 0xe000 && c <= 0x10ffff);
}


static int is_bytes(struct wc_valtype elem)
{
	uint8_t p;

	return cabi_kind(elem, &p) == WC_T_PRIM && (p == WC_U8 || p == WC_S8);
}

static int load_list(struct cabi_ctx *c, struct wc_valtype elem, uint32_t ptr, uint32_t len,
		     struct cval *out)
{
	uint32_t i, es = cabi_size(elem);
	const uint8_t *p;

	if (is_bytes(elem)) { /* list<u8>: the bytes in str, the length in u */
		if (!(p = cabi_mem_at(c, ptr, len)))
			return -1;
		return cval_string(out, (const char *)p, len) < 0 ? cabi_fail(c, "out of memory") : 0;
	}

	if ((ptr & (cabi_align(elem) - 1)) || !cabi_mem_at(c, ptr, (uint64_t)len * es))
		return c->message[0] ? -1 : cabi_fail(c, "canonical ABI: misaligned list");
	if (cval_list(out, len) < 0)
		return cabi_fail(c, "out of memory");
	for (i = 0; i < len; i++)
		if (cabi_load(c, elem, ptr + i * es, &out->elems[i]) < 0)
			return -1;
	return 0;
}

int cabi_load(struct cabi_ctx *c, struct wc_valtype t, uint32_t ptr, struct cval *out)
{
	struct wc_valtype vt;
	const uint8_t *p;
	uint8_t prim;
	uint32_t i, off = 0, n;
	int k = cabi_kind(t, &prim);

	memset(out, 0, sizeof(*out));
	if (!(p = cabi_mem_at(c, ptr, cabi_size(t))))
		return -1;
	if (k == WC_T_PRIM) {
		if (prim == WC_STRING)
			return cabi_load_string(c, (uint32_t)rd(p, 4), (uint32_t)rd(p + 4, 4), out);
		out->u = rd(p, prim_size(prim));
		if (prim == WC_BOOL)
			out->u = out->u != 0;
		if (prim == WC_CHAR && !valid_char(out->u))
			return cabi_fail(c, "canonical ABI: invalid char");
		return 0;
	}
	switch (k) {
	case WC_T_LIST:
		if (t.t->len) {
			if (cval_list(out, t.t->len) < 0)
				return cabi_fail(c, "out of memory");
			for (i = 0; i < t.t->len; i++)
				if (cabi_load(c, t.t->a, ptr + i * cabi_size(t.t->a), &out->elems[i]) < 0)
					return -1;
			return 0;
		}
		return load_list(c, t.t->a, (uint32_t)rd(p, 4), (uint32_t)rd(p + 4, 4), out);
	case WC_T_RECORD: case WC_T_TUPLE:
		if (cval_list(out, t.t->nfields) < 0)
			return cabi_fail(c, "out of memory");
		for (i = 0; i < t.t->nfields; i++) {
			off = align_to(off, cabi_align(t.t->fields[i].vt));
			if (cabi_load(c, t.t->fields[i].vt, ptr + off, &out->elems[i]) < 0)
				return -1;
			off += cabi_size(t.t->fields[i].vt);
		}
		return 0;
	case WC_T_FLAGS:
		out->u = rd(p, cabi_size(t)) & flag_bits(t.t);
		return 0;
	}
	if (!is_variant(k)) {
		out->u = rd(p, 4);
		return 0;
	}
	n = ncases(t.t);
	out->disc = (uint32_t)rd(p, disc_size(n));
	if (out->disc >= n)
		return cabi_fail(c, "canonical ABI: variant case out of range");
	if (!case_type(t.t, out->disc, &vt))
		return 0;
	if (cval_case(out, out->disc, 1) < 0)
		return cabi_fail(c, "out of memory");
	off = align_to(disc_size(n), max_case_align(t.t));
	return cabi_load(c, vt, ptr + off, &out->elems[0]);
}

static int store_bytes(struct cabi_ctx *c, const void *src, uint32_t len, uint32_t align,
		       uint32_t *ptr)
{
	uint8_t *p;

	if (cabi_alloc(c, align, len, ptr) < 0 || !(p = cabi_mem_at(c, *ptr, len)))
		return -1;
	if (len)
		memcpy(p, src, len);
	return 0;
}

/* Allocate and store a list (or string): ptr and length out. */
static int store_list(struct cabi_ctx *c, struct wc_valtype t, const struct cval *v, uint32_t *ptr,
		      uint32_t *len)
{
	uint8_t prim;
	uint32_t i, es;
	int k = cabi_kind(t, &prim);

	if (k == WC_T_PRIM && prim == WC_STRING) {
		if (c->encoding != WC_UTF8)
			return cabi_store_string(c, v->str, (uint32_t)v->u, ptr, len);
		*len = (uint32_t)v->u;
		return store_bytes(c, v->str, *len, 1, ptr);
	}
	if (is_bytes(t.t->a)) {
		*len = (uint32_t)v->u;
		return store_bytes(c, v->str, *len, 1, ptr);
	}
	es = cabi_size(t.t->a);
	*len = v->n;
	if ((uint64_t)es * v->n > UINT32_MAX)
		return cabi_fail(c, "canonical ABI: list too large");
	if (cabi_alloc(c, cabi_align(t.t->a), es * v->n, ptr) < 0)
		return -1;
	for (i = 0; i < v->n; i++)
		if (cabi_store(c, t.t->a, &v->elems[i], *ptr + i * es) < 0)
			return -1;
	return 0;
}

int cabi_store(struct cabi_ctx *c, struct wc_valtype t, const struct cval *v, uint32_t ptr)
{
	struct wc_valtype vt;
	uint8_t *p, prim;
	uint32_t i, off = 0, lp, ll;
	int k = cabi_kind(t, &prim);

	if (!cabi_mem_at(c, ptr, cabi_size(t)))
		return -1;
	if ((k == WC_T_PRIM && prim == WC_STRING) || (k == WC_T_LIST && !t.t->len) || k == WC_T_MAP) {
		if (store_list(c, t, v, &lp, &ll) < 0 || !(p = cabi_mem_at(c, ptr, 8)))
			return -1;
		wr(p, lp, 4);
		wr(p + 4, ll, 4);
		return 0;
	}
	p = c->mem->base + ptr;
	if (k == WC_T_PRIM) {
		wr(p, v->u, prim_size(prim));
		return 0;
	}
	switch (k) {
	case WC_T_LIST:
		for (i = 0; i < t.t->len && i < v->n; i++)
			if (cabi_store(c, t.t->a, &v->elems[i], ptr + i * cabi_size(t.t->a)) < 0)
				return -1;
		return 0;
	case WC_T_RECORD: case WC_T_TUPLE:
		for (i = 0; i < t.t->nfields && i < v->n; i++) {
			off = align_to(off, cabi_align(t.t->fields[i].vt));
			if (cabi_store(c, t.t->fields[i].vt, &v->elems[i], ptr + off) < 0)
				return -1;
			off += cabi_size(t.t->fields[i].vt);
		}
		return 0;
	case WC_T_FLAGS:
		wr(p, v->u, cabi_size(t));
		return 0;
	}
	if (!is_variant(k)) {
		wr(p, v->u, 4);
		return 0;
	}
	wr(p, v->disc, disc_size(ncases(t.t)));
	if (!case_type(t.t, v->disc, &vt) || !v->n)
		return 0;
	off = align_to(disc_size(ncases(t.t)), max_case_align(t.t));
	return cabi_store(c, vt, &v->elems[0], ptr + off);
}

/* ---- flat lifting and lowering -------------------------------------- */

/* One core value as raw bits, coerced from the slot type `have` to `want`
 * (variants join their cases' flat types). */
static uint64_t flat_get(const runner_val *v, uint8_t want)
{
	uint64_t x = v->type == WASM_I64 || v->type == WASM_F64 ? (uint64_t)v->of.i64
								 : (uint32_t)v->of.i32;
	if (want == WASM_I32 || want == WASM_F32)
		x &= 0xffffffffu;
	return x;
}

static void flat_put(runner_val *v, uint8_t slot, uint64_t bits)
{
	memset(v, 0, sizeof(*v));
	v->type = slot;
	if (slot == WASM_I64 || slot == WASM_F64)
		v->of.i64 = (int64_t)bits;
	else
		v->of.i32 = (int32_t)(uint32_t)bits;
}

struct flat_iter {
	const runner_val *vals; /* lifting */
	runner_val *out;        /* lowering */
	uint32_t n, *i;
	const uint8_t *slots;   /* the joined slot types (variant payloads), or NULL */
	uint32_t slot_off;      /* slots[k] is the type of core value slot_off + k */
};

static int lift_rec(struct cabi_ctx *c, struct wc_valtype t, struct flat_iter *it, struct cval *out,
		    int depth);
static int lower_rec(struct cabi_ctx *c, struct wc_valtype t, const struct cval *v,
		     struct flat_iter *it, int depth);

static int next_bits(struct cabi_ctx *c, struct flat_iter *it, uint8_t want, uint64_t *bits)
{
	if (*it->i >= it->n)
		return cabi_fail(c, "canonical ABI: too few core values");
	*bits = flat_get(&it->vals[*it->i], want);
	(*it->i)++;
	return 0;
}

static int put_bits(struct cabi_ctx *c, struct flat_iter *it, uint8_t type, uint64_t bits)
{
	uint8_t slot;

	if (*it->i >= it->n)
		return cabi_fail(c, "canonical ABI: too many core values");
	slot = it->slots ? it->slots[*it->i - it->slot_off] : type;
	flat_put(&it->out[*it->i], slot, bits);
	(*it->i)++;
	return 0;
}

static int lift_rec(struct cabi_ctx *c, struct wc_valtype t, struct flat_iter *it, struct cval *out,
		    int depth)
{
	struct wc_valtype vt;
	uint8_t prim, ft[CABI_MAX_FLAT];
	uint64_t a, b;
	uint32_t i, nf = 0, start;
	int k = cabi_kind(t, &prim);

	memset(out, 0, sizeof(*out));
	if (depth > MAX_DEPTH)
		return cabi_fail(c, "canonical ABI: type nested too deep");
	if ((k == WC_T_PRIM && prim == WC_STRING) || (k == WC_T_LIST && !t.t->len) || k == WC_T_MAP) {
		if (next_bits(c, it, WASM_I32, &a) < 0 || next_bits(c, it, WASM_I32, &b) < 0)
			return -1;
		if (k == WC_T_PRIM)
			return cabi_load_string(c, (uint32_t)a, (uint32_t)b, out);
		return load_list(c, t.t->a, (uint32_t)a, (uint32_t)b, out);
	}
	if (k == WC_T_PRIM) {
		cabi_flatten(t, ft, &nf);
		if (next_bits(c, it, ft[0], &out->u) < 0)
			return -1;
		switch (prim) {
		case WC_BOOL: out->u = out->u != 0; break;
		case WC_S8: case WC_U8: out->u &= 0xff; break;
		case WC_S16: case WC_U16: out->u &= 0xffff; break;
		case WC_CHAR:
			if (!valid_char(out->u))
				return cabi_fail(c, "canonical ABI: invalid char");
		}
		return 0;
	}
	switch (k) {
	case WC_T_LIST: case WC_T_RECORD: case WC_T_TUPLE:
		if (cval_list(out, k == WC_T_LIST ? t.t->len : t.t->nfields) < 0)
			return cabi_fail(c, "out of memory");
		for (i = 0; i < out->n; i++)
			if (lift_rec(c, k == WC_T_LIST ? t.t->a : t.t->fields[i].vt, it, &out->elems[i],
				     depth + 1) < 0)
				return -1;
		return 0;
	}
	if (!is_variant(k)) {
		if (next_bits(c, it, WASM_I32, &out->u) < 0)
			return -1;
		if (k == WC_T_FLAGS)
			out->u &= flag_bits(t.t);
		return 0;
	}
	/* variant: discriminant, then the payload in the joined slots */
	cabi_flatten(t, ft, &nf);
	start = *it->i;
	if (next_bits(c, it, WASM_I32, &a) < 0)
		return -1;
	if (a >= ncases(t.t))
		return cabi_fail(c, "canonical ABI: variant case out of range");
	out->disc = (uint32_t)a;
	if (case_type(t.t, out->disc, &vt)) {
		if (cval_case(out, out->disc, 1) < 0)
			return cabi_fail(c, "out of memory");
		if (lift_rec(c, vt, it, &out->elems[0], depth + 1) < 0)
			return -1;
	}
	*it->i = start + (nf < CABI_MAX_FLAT ? nf : CABI_MAX_FLAT);
	return 0;
}

static int lower_rec(struct cabi_ctx *c, struct wc_valtype t, const struct cval *v,
		     struct flat_iter *it, int depth)
{
	struct wc_valtype vt;
	uint8_t prim, ft[CABI_MAX_FLAT];
	uint32_t i, nf = 0, start, lp, ll;
	int k = cabi_kind(t, &prim);

	if (depth > MAX_DEPTH)
		return cabi_fail(c, "canonical ABI: type nested too deep");
	if ((k == WC_T_PRIM && prim == WC_STRING) || (k == WC_T_LIST && !t.t->len) || k == WC_T_MAP) {
		if (store_list(c, t, v, &lp, &ll) < 0)
			return -1;
		return put_bits(c, it, WASM_I32, lp) < 0 ? -1 : put_bits(c, it, WASM_I32, ll);
	}
	if (k == WC_T_PRIM) {
		cabi_flatten(t, ft, &nf);
		return put_bits(c, it, ft[0], v->u);
	}
	switch (k) {
	case WC_T_LIST: case WC_T_RECORD: case WC_T_TUPLE:
		for (i = 0; i < (k == WC_T_LIST ? t.t->len : t.t->nfields); i++) {
			if (i >= v->n)
				return cabi_fail(c, "canonical ABI: value has too few fields");
			if (lower_rec(c, k == WC_T_LIST ? t.t->a : t.t->fields[i].vt, &v->elems[i], it,
				      depth + 1) < 0)
				return -1;
		}
		return 0;
	}
	if (!is_variant(k))
		return put_bits(c, it, WASM_I32, v->u);
	cabi_flatten(t, ft, &nf);
	start = *it->i;
	if (put_bits(c, it, WASM_I32, v->disc) < 0)
		return -1;
	{
		/* payload values go into the joined slots; the rest are zero */
		struct flat_iter sub = *it;
		if (!it->slots) { /* an enclosing variant's joined slots win */
			sub.slots = ft;
			sub.slot_off = start;
		}
		if (nf > CABI_MAX_FLAT)
			return cabi_fail(c, "canonical ABI: variant too large to flatten");
		if (case_type(t.t, v->disc, &vt) && v->n &&
		    lower_rec(c, vt, v->elems, &sub, depth + 1) < 0)
			return -1;
		for (i = *it->i; i < start + nf && i < it->n; i++)
			flat_put(&it->out[i], sub.slots[i - sub.slot_off], 0);
		*it->i = start + nf;
	}
	return 0;
}

int cabi_lift_flat(struct cabi_ctx *c, struct wc_valtype t, const runner_val *vals, uint32_t n,
		   uint32_t *i, struct cval *out)
{
	struct flat_iter it = {vals, NULL, n, i, NULL, 0};

	return lift_rec(c, t, &it, out, 0);
}

int cabi_lower_flat(struct cabi_ctx *c, struct wc_valtype t, const struct cval *v, runner_val *vals,
		    uint32_t n, uint32_t *i)
{
	struct flat_iter it = {NULL, vals, n, i, NULL, 0};

	return lower_rec(c, t, v, &it, 0);
}
