/*
 * reftype.c - the reference types of typed function references
 * (WebAssembly 3.0): interning them into one-byte codes, subtyping, and
 * the equivalence of function types (see module.h).
 *
 * Function types without GC are each their own recursion group, so two
 * types are equivalent when their parameters and results are, with a
 * reference to the type itself compared as such (iso-recursively) and a
 * reference to an earlier type compared by that type's equivalence class.
 * type_canon[i] is the first index of i's class: it is computed once,
 * type by type, as the type section is read.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "decoder.h"

struct wasm_reftypes {
	pthread_mutex_t lock;
	uint32_t n;
	struct wasm_reftype t[WASM_REF_MAX];
};

static int abstract_heap(uint8_t h)
{
	return h == WASM_FUNCREF || h == WASM_EXTERNREF || h == WASM_EXNREF || h == WASM_NULLFUNCREF ||
	       h == WASM_NULLEXTERNREF || h == WASM_NULLEXNREF;
}

int wasm_reftypes_new(struct wasm_module *m)
{
	m->reftypes = calloc(1, sizeof(*m->reftypes));
	if (!m->reftypes)
		return wp_error_set(WP_ENOMEM, "out of memory");
	pthread_mutex_init(&m->reftypes->lock, NULL);
	return 0;
}

void wasm_reftypes_free(struct wasm_module *m)
{
	if (m->reftypes)
		pthread_mutex_destroy(&m->reftypes->lock);
	free(m->reftypes);
	free(m->type_canon);
	m->reftypes = NULL;
	m->type_canon = NULL;
}

int wasm_is_reftype(uint8_t code)
{
	return abstract_heap(code) || code >= WASM_REF_FIRST;
}

static uint32_t canon(const struct wasm_module *m, uint32_t index)
{
	return m && m->type_canon && index < m->ntypes ? m->type_canon[index] : index;
}

uint8_t wasm_ref_intern(const struct wasm_module *m, int nullable, uint8_t heap, uint32_t index)
{
	struct wasm_reftypes *rt = m->reftypes;
	uint8_t code = 0;
	uint32_t k;

	if (heap != WASM_HEAP_TYPE) {
		if (nullable)
			return heap; /* the shorthand's byte is the heap type's */
		index = 0;
	} else {
		index = canon(m, index);
	}
	if (!rt) {
		wp_error_set(WP_EINVALID, "typed reference outside a module");
		return 0;
	}
	pthread_mutex_lock(&rt->lock);
	for (k = 0; k < rt->n; k++)
		if (rt->t[k].nullable == !!nullable && rt->t[k].heap == heap && rt->t[k].index == index)
			break;
	if (k == rt->n && k < WASM_REF_MAX) {
		rt->t[k].nullable = !!nullable;
		rt->t[k].heap = heap;
		rt->t[k].index = index;
		rt->n++;
	}
	if (k < WASM_REF_MAX)
		code = (uint8_t)(WASM_REF_FIRST + k);
	pthread_mutex_unlock(&rt->lock);
	if (!code)
		wp_error_set(WP_EINVALID, "more than %d distinct typed reference types (an implementation limit)",
			     WASM_REF_MAX);
	return code;
}

int wasm_ref_desc(const struct wasm_module *m, uint8_t code, struct wasm_reftype *out)
{
	if (abstract_heap(code)) {
		out->nullable = 1;
		out->heap = code;
		out->index = 0;
		return 1;
	}
	if (code < WASM_REF_FIRST || !m->reftypes)
		return 0;
	/* a code is only handed out after its entry is written */
	*out = m->reftypes->t[code - WASM_REF_FIRST];
	return 1;
}

/* The top of a heap type's family: func, extern or exn. */
static uint8_t family(uint8_t heap)
{
	switch (heap) {
	case WASM_EXTERNREF: case WASM_NULLEXTERNREF: return WASM_EXTERNREF;
	case WASM_EXNREF: case WASM_NULLEXNREF: return WASM_EXNREF;
	default: return WASM_FUNCREF; /* func, nofunc, a function type */
	}
}

static int is_bottom(uint8_t heap)
{
	return heap == WASM_NULLFUNCREF || heap == WASM_NULLEXTERNREF || heap == WASM_NULLEXNREF;
}

static int heap_sub(const struct wasm_module *m, const struct wasm_reftype *a, const struct wasm_reftype *b)
{
	if (family(a->heap) != family(b->heap))
		return 0;
	if (is_bottom(a->heap))
		return 1;
	if (b->heap == WASM_HEAP_TYPE)
		return a->heap == WASM_HEAP_TYPE && canon(m, a->index) == canon(m, b->index);
	if (is_bottom(b->heap))
		return 0;
	return b->heap == family(b->heap); /* func, extern, exn: the tops */
}

int wasm_reftype_sub(const struct wasm_reftype *a, const struct wasm_reftype *b)
{
	if (a->nullable && !b->nullable)
		return 0;
	return heap_sub(NULL, a, b);
}

int wasm_subtype(const struct wasm_module *m, uint8_t a, uint8_t b)
{
	struct wasm_reftype x, y;

	if (a == b)
		return 1;
	if (!wasm_ref_desc(m, a, &x) || !wasm_ref_desc(m, b, &y))
		return 0;
	if (x.nullable && !y.nullable)
		return 0;
	return heap_sub(m, &x, &y);
}

int wasm_defaultable(const struct wasm_module *m, uint8_t t)
{
	struct wasm_reftype x;

	return !wasm_ref_desc(m, t, &x) || x.nullable;
}

uint8_t wasm_ref_top(const struct wasm_module *m, uint8_t code)
{
	struct wasm_reftype x;

	if (!wasm_ref_desc(m, code, &x))
		return code;
	return family(x.heap);
}

uint8_t wasm_ref_non_null(const struct wasm_module *m, uint8_t code)
{
	struct wasm_reftype x;

	if (!wasm_ref_desc(m, code, &x))
		return code;
	if (!x.nullable)
		return code;
	return wasm_ref_intern(m, 0, x.heap, x.index);
}

int wasm_read_heaptype_ref(struct wasm_reader *r, const struct wasm_module *m, int nullable,
			   int facts, uint8_t *out)
{
	const uint8_t *at = r->p;
	int64_t ht;
	int err;

	if ((err = wasm_read_s33(r, &ht)) < 0)
		return err;
	if (ht < 0) {
		uint8_t h = (uint8_t)(ht & 0x7f);
		if (ht < -64 || !abstract_heap(h)) {
			if (facts && ht >= -64) { /* GC's any, eq, i31, struct, array, none */
				*out = WASM_OTHERREF;
				return 0;
			}
			r->p = at;
			return wasm_reader_fail(r, "malformed heap type");
		}
		*out = wasm_ref_intern(m, nullable, h, 0);
	} else {
		if ((uint64_t)ht >= m->ntypes) {
			r->p = at;
			return wasm_reader_fail(r, "unknown type %lld", (long long)ht);
		}
		*out = wasm_ref_intern(m, nullable, WASM_HEAP_TYPE, (uint32_t)ht);
	}
	if (!*out) {
		r->p = at;
		return wasm_reader_fail(r, "%s", wp_error_last());
	}
	return 0;
}

/* ---- equivalence of function types ---- */

/* One value type of type `self`'s key: plain types as themselves, a
 * reference as its nullability and heap type, a concrete one as "self"
 * or its canonical index. */
static size_t key_val(const struct wasm_module *m, uint32_t self, uint8_t t, uint32_t *key)
{
	struct wasm_reftype x;

	if (t < WASM_REF_FIRST || !wasm_ref_desc(m, t, &x)) {
		key[0] = t;
		return 1;
	}
	key[0] = 0x100u | (uint32_t)x.nullable << 8 | x.heap;
	if (x.heap != WASM_HEAP_TYPE)
		return 1;
	key[1] = x.index == self ? UINT32_MAX : canon(m, x.index);
	return 2;
}

static uint32_t *type_key(const struct wasm_module *m, uint32_t i, size_t *len)
{
	const struct wasm_functype *t = &m->types[i];
	uint32_t *key = malloc(sizeof(uint32_t) * (2 + 2 * ((size_t)t->nparams + t->nresults)));
	size_t n = 0, k;

	if (!key)
		return NULL;
	key[n++] = t->nparams;
	key[n++] = t->nresults;
	for (k = 0; k < t->nparams; k++)
		n += key_val(m, i, t->params[k], key + n);
	for (k = 0; k < t->nresults; k++)
		n += key_val(m, i, t->results[k], key + n);
	*len = n;
	return key;
}

static uint64_t hash_key(const uint32_t *key, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ key[i]) * 0x100000001b3ull;
	return h;
}

int wasm_types_canonicalize(struct wasm_module *m)
{
	size_t cap = 16, i, *lens = NULL;
	uint32_t **keys = NULL, *slots = NULL;
	int err = 0;

	while (cap < 2 * (size_t)m->ntypes)
		cap *= 2;
	m->type_canon = calloc(m->ntypes + 1, sizeof(uint32_t));
	keys = calloc(m->ntypes + 1, sizeof(*keys));
	lens = calloc(m->ntypes + 1, sizeof(*lens));
	slots = malloc(cap * sizeof(uint32_t));
	if (!m->type_canon || !keys || !lens || !slots) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	memset(slots, 0xff, cap * sizeof(uint32_t));
	for (i = 0; i < m->ntypes; i++) {
		size_t h;
		if (!(keys[i] = type_key(m, (uint32_t)i, &lens[i]))) {
			err = wp_error_set(WP_ENOMEM, "out of memory");
			goto done;
		}
		m->type_canon[i] = (uint32_t)i;
		for (h = hash_key(keys[i], lens[i]) & (cap - 1); slots[h] != UINT32_MAX; h = (h + 1) & (cap - 1)) {
			uint32_t j = slots[h];
			if (lens[j] == lens[i] && !memcmp(keys[j], keys[i], lens[i] * sizeof(uint32_t))) {
				m->type_canon[i] = j;
				break;
			}
		}
		if (slots[h] == UINT32_MAX)
			slots[h] = (uint32_t)i;
	}
done:
	for (i = 0; keys && i < m->ntypes; i++)
		free(keys[i]);
	free(keys);
	free(lens);
	free(slots);
	return err;
}

static size_t put(uint8_t *buf, size_t size, size_t n, uint8_t b)
{
	if (n < size)
		buf[n] = b;
	return n + 1;
}

static size_t put32(uint8_t *buf, size_t size, size_t n, uint32_t v)
{
	uint32_t k;

	for (k = 0; k < 4; k++)
		n = put(buf, size, n, (uint8_t)(v >> (8 * k)));
	return n;
}

/* A concrete type is named by the id the caller gave its canonical index
 * (types only reference themselves and earlier ones), so the key stays
 * as long as the type itself: no expansion a crafted module could blow
 * up. */
static size_t val_bytes(const struct wasm_module *m, uint8_t t, uint32_t self, const uint32_t *ids,
			uint8_t *buf, size_t size, size_t n)
{
	struct wasm_reftype x;

	if (t < WASM_REF_FIRST || !wasm_ref_desc(m, t, &x))
		return put(buf, size, n, t);
	n = put(buf, size, n, 0xff);
	n = put(buf, size, n, x.nullable);
	n = put(buf, size, n, x.heap);
	if (x.heap != WASM_HEAP_TYPE)
		return n;
	if (canon(m, x.index) == self)
		return put(buf, size, n, 's');
	n = put(buf, size, n, 'i');
	return put32(buf, size, n, ids[canon(m, x.index)]);
}

size_t wasm_functype_key(const struct wasm_module *m, uint32_t type, const uint32_t *ids,
			 uint8_t *buf, size_t size)
{
	uint32_t c = canon(m, type), k;
	const struct wasm_functype *t = &m->types[c];
	size_t n = put32(buf, size, 0, t->nparams);

	for (k = 0; k < t->nparams; k++)
		n = val_bytes(m, t->params[k], c, ids, buf, size, n);
	n = put(buf, size, n, '>');
	for (k = 0; k < t->nresults; k++)
		n = val_bytes(m, t->results[k], c, ids, buf, size, n);
	return n;
}
