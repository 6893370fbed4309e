/*
 * cabi.h - the component model's canonical ABI (CanonicalABI.md): how a
 * component-level value (struct cval) is laid out in linear memory and
 * flattened into core values, in both directions.
 *
 * A cval is a tree the host owns: strings are copied out of guest memory
 * (transcoded to UTF-8 from utf16 and latin1+utf16: cabi_string.c), lists and
 * records hold their elements, variants (and enum, option, result) their
 * case index and at most one payload, flags a bit set, handles their
 * index.  cval_release() frees what a tree holds.
 *
 * Every guest pointer and length is bounds-checked against the memory
 * before use; a bad one is a trap ("out of bounds" in the guest's terms),
 * reported through the context's message.
 */
#ifndef RUNNER_CABI_H
#define RUNNER_CABI_H

#include <stdint.h>

#include "../wasm/component.h"
#include "internal.h"

#define CABI_MAX_FLAT_PARAMS 16
#define CABI_MAX_FLAT_RESULTS 1
#define CABI_MAX_FLAT 64 /* past this a value is passed in memory anyway */

struct cval {
	uint64_t u;         /* bool, integers, char, handles, float bits, flags */
	uint32_t disc;      /* variant/enum/option/result: the case */
	uint32_t n;         /* elements (list, record, tuple) or payloads (0/1) */
	struct cval *elems;
	char *str;          /* string or list<u8>/list<s8> (copied, NUL-terminated), len in u */
};

/* What lifting and lowering need of the canonical options. */
struct cabi_ctx {
	struct rmemory *mem;       /* NULL when the function has no memory option */
	struct runner_func *realloc; /* NULL when none */
	uint8_t encoding;          /* enum wc_string_encoding */
	char message[200];         /* why a call failed */
};

void cval_release(struct cval *v);

/* Size and alignment in linear memory. */
uint32_t cabi_size(struct wc_valtype t);
uint32_t cabi_align(struct wc_valtype t);
/* The flat core types of t appended at out[*n] (up to CABI_MAX_FLAT). */
void cabi_flatten(struct wc_valtype t, uint8_t *out, uint32_t *n);
/* The flat parameter / result types of a function (params first). */
uint32_t cabi_flatten_params(const struct wc_type *ft, uint8_t *out);
uint32_t cabi_flatten_results(const struct wc_type *ft, uint8_t *out);

/* Memory <-> value; 0 or -1 with ctx->message set. */
int cabi_load(struct cabi_ctx *c, struct wc_valtype t, uint32_t ptr, struct cval *out);
int cabi_store(struct cabi_ctx *c, struct wc_valtype t, const struct cval *v, uint32_t ptr);
/* Flat core values <-> value: *i is the next core value to read/write. */
int cabi_lift_flat(struct cabi_ctx *c, struct wc_valtype t, const runner_val *vals, uint32_t n,
		   uint32_t *i, struct cval *out);
int cabi_lower_flat(struct cabi_ctx *c, struct wc_valtype t, const struct cval *v, runner_val *vals,
		    uint32_t n, uint32_t *i);
/* Allocate `size` bytes aligned in guest memory through realloc. */
int cabi_alloc(struct cabi_ctx *c, uint32_t align, uint32_t size, uint32_t *ptr);
/* realloc(old_ptr, old_size, align, size), its result checked for alignment and bounds. */
int cabi_realloc(struct cabi_ctx *c, uint32_t old_ptr, uint32_t old_size, uint32_t align,
		 uint32_t size, uint32_t *ptr);
/* ctx->message set to msg; -1. */
int cabi_fail(struct cabi_ctx *c, const char *msg);
/* The memory at [ptr, ptr+len), or NULL with a trap message. */
uint8_t *cabi_mem_at(struct cabi_ctx *c, uint32_t ptr, uint64_t len);
/* A string at ptr in the context's encoding (len is the tagged code-unit
 * count) lifted into UTF-8; a UTF-8 string lowered into utf16 or
 * latin1+utf16 through realloc (cabi_string.c). */
int cabi_load_string(struct cabi_ctx *c, uint32_t ptr, uint32_t tagged, struct cval *out);
int cabi_store_string(struct cabi_ctx *c, const char *s, uint32_t len, uint32_t *ptr,
		      uint32_t *units);

/* The despecialised kind of a value type: a WC_T_* kind, or the primitive
 * code for primitives (WC_T_PRIM resolved). */
int cabi_kind(struct wc_valtype t, uint8_t *prim);

/* Constructors for the host. */
struct cval cval_u(uint64_t v);
int cval_string(struct cval *v, const char *s, size_t len);
int cval_list(struct cval *v, uint32_t n);           /* n zeroed elements */
int cval_case(struct cval *v, uint32_t disc, int has_payload); /* variant/option/result */

#endif
