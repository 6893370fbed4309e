/*
 * component_scope.c - where the component decoder keeps things: the arena
 * a decoded component lives in (one free releases it), the index spaces of
 * a scope (a component, or a component/instance/module type), the sorts
 * that name them, and aliases, which reach into an instance's exports or
 * out through enclosing scopes.  See component_internal.h.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "component_internal.h"

/* ---- arena ---------------------------------------------------------- */

struct wc_arena {
	struct wc_arena *next;
	size_t used, cap;
	unsigned char data[];
};

#define WC_ARENA_BLOCK 16384
#define WC_ARENA_MAX (64u << 20) /* no component needs more than this */

void *wc_alloc(struct wasm_component *c, size_t size)
{
	struct wc_arena *a = c->arena, *b;
	size_t total = 0;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!a || a->cap - a->used < size) {
		size_t cap = size > WC_ARENA_BLOCK ? size : WC_ARENA_BLOCK;
		for (b = a; b; b = b->next)
			total += b->cap;
		if (total + cap > WC_ARENA_MAX)
			return NULL;
		b = calloc(1, sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->next = a;
		c->arena = a = b;
	}
	p = a->data + a->used;
	a->used += size;
	return p;
}

void wc_arena_free(struct wc_arena *a)
{
	while (a) {
		struct wc_arena *next = a->next;
		free(a);
		a = next;
	}
}

const char *wc_strndup(struct wasm_component *c, const char *s, size_t len)
{
	char *p = wc_alloc(c, len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int wc_read_name(struct wasm_reader *r, struct wasm_component *c, const char **out)
{
	const char *s;
	uint32_t len;
	int err;

	if ((err = wasm_read_name(r, &s, &len)) < 0)
		return err;
	if (!(*out = wc_strndup(c, s, len)))
		return wp_error_set(WP_ENOMEM, "component too large for the decoder's memory cap");
	return 0;
}

void *wc_alloc_or_fail(struct wasm_component *c, size_t n, size_t size)
{
	void *p = n ? wc_alloc(c, n * size) : NULL;

	if (n && !p)
		wp_error_set(WP_ENOMEM, "component too large for the decoder's memory cap");
	return p;
}

/* ---- index spaces --------------------------------------------------- */

int wc_space_push(struct wc_scope *s, int sort, uint8_t origin, uint32_t item,
		  const struct wc_type *type)
{
	struct wc_def *d;
	uint32_t n = s->nspace[sort];

	if (n >= WC_SPACE_MAX)
		return wp_error_set(WP_EINVALID, "component: more than %u %s definitions",
				    WC_SPACE_MAX, wasm_component_sort_name(sort));
	if ((n & (n - 1)) == 0) { /* grow at powers of two */
		d = realloc(s->space[sort], (n ? 2 * (size_t)n : 4) * sizeof(*d));
		if (!d)
			return wp_error_set(WP_ENOMEM, "out of memory");
		s->space[sort] = d;
	}
	d = &s->space[sort][n];
	d->origin = origin;
	d->item = item;
	d->type = type;
	s->nspace[sort] = n + 1;
	return 0;
}

int wc_space_get(struct wasm_reader *r, const struct wc_scope *s, int sort, uint32_t idx,
		 const struct wc_def **out)
{
	if (idx >= s->nspace[sort])
		return wasm_reader_fail(r, "%s index %u out of range (%u defined)",
					wasm_component_sort_name(sort), idx, s->nspace[sort]);
	*out = &s->space[sort][idx];
	return 0;
}

void wc_scope_release(struct wc_scope *s)
{
	int i;

	for (i = 0; i < WC_NSORTS; i++) {
		free(s->space[i]);
		s->space[i] = NULL;
		s->nspace[i] = 0;
	}
}

/* ---- sorts ---------------------------------------------------------- */

int wc_read_sort(struct wasm_reader *r, uint8_t *sort)
{
	uint8_t b, cs;
	int err;

	if ((err = wasm_read_u8(r, &b)) < 0)
		return err;
	switch (b) {
	case 0x00:
		if ((err = wasm_read_u8(r, &cs)) < 0)
			return err;
		return wc_core_sort(r, cs, sort);
	case 0x01: *sort = WC_FUNC; return 0;
	case 0x02: *sort = WC_VALUE; return 0;
	case 0x03: *sort = WC_TYPE; return 0;
	case 0x04: *sort = WC_COMPONENT; return 0;
	case 0x05: *sort = WC_INSTANCE; return 0;
	}
	return wasm_reader_fail(r, "malformed component sort 0x%02x", b);
}

int wc_core_sort(struct wasm_reader *r, uint8_t cs, uint8_t *sort)
{
	switch (cs) {
	case 0x00: *sort = WC_CORE_FUNC; return 0;
	case 0x01: *sort = WC_CORE_TABLE; return 0;
	case 0x02: *sort = WC_CORE_MEMORY; return 0;
	case 0x03: *sort = WC_CORE_GLOBAL; return 0;
	case 0x04: *sort = WC_CORE_TAG; return 0;
	case 0x10: *sort = WC_CORE_TYPE; return 0;
	case 0x11: *sort = WC_CORE_MODULE; return 0;
	case 0x12: *sort = WC_CORE_INSTANCE; return 0;
	}
	return wasm_reader_fail(r, "malformed core sort 0x%02x", cs);
}

const char *wasm_component_sort_name(int sort)
{
	static const char *const names[WC_NSORTS] = {
		"core func", "core table", "core memory", "core global", "core tag",
		"core type", "core module", "core instance", "func", "value", "type",
		"component", "instance",
	};
	return sort >= 0 && sort < WC_NSORTS ? names[sort] : "?";
}

/* ---- aliases -------------------------------------------------------- */

int wc_read_alias(struct wasm_reader *r, struct wc_scope *s, struct wc_alias *a)
{
	int err;

	memset(a, 0, sizeof(*a));
	if ((err = wc_read_sort(r, &a->sort)) < 0 || (err = wasm_read_u8(r, &a->kind)) < 0)
		return err;
	switch (a->kind) {
	case WC_ALIAS_EXPORT:
	case WC_ALIAS_CORE_EXPORT:
		if ((err = wasm_read_u32(r, &a->instance)) < 0)
			return err;
		return wc_read_name(r, s->c, &a->name);
	case WC_ALIAS_OUTER:
		if ((err = wasm_read_u32(r, &a->instance)) < 0 || (err = wasm_read_u32(r, &a->idx)) < 0)
			return err;
		if (a->sort != WC_TYPE && a->sort != WC_CORE_TYPE && a->sort != WC_CORE_MODULE &&
		    a->sort != WC_COMPONENT)
			return wasm_reader_fail(r, "outer alias of a %s", wasm_component_sort_name(a->sort));
		return 0;
	}
	return wasm_reader_fail(r, "malformed alias kind 0x%02x", a->kind);
}

int wc_alias_outer(struct wasm_reader *r, struct wc_scope *s, int sort, uint32_t ct, uint32_t idx,
		   uint32_t item)
{
	const struct wc_scope *o = s;
	const struct wc_def *d = NULL;
	uint32_t k;
	int err;

	for (k = 0; k < ct && o; k++)
		o = o->outer;
	if (!o)
		return wasm_reader_fail(r, "outer alias reaches %u scopes out (only %u enclose it)", ct, k - 1);
	if ((err = wc_space_get(r, o, sort, idx, &d)) < 0)
		return err;
	return wc_space_push(s, sort, WC_FROM_ALIAS, item, d->type);
}

/* Put an alias in the scope's index space; export aliases of an instance
 * whose type is known must name one of its exports with that sort. */
int wc_alias_define(struct wasm_reader *r, struct wc_scope *s, const struct wc_alias *a, uint32_t item)
{
	const struct wc_def *d = NULL;
	const struct wc_type *t = NULL;
	uint32_t k;
	int err;

	if (a->kind == WC_ALIAS_OUTER)
		return wc_alias_outer(r, s, a->sort, a->instance, a->idx, item);
	if (a->kind == WC_ALIAS_CORE_EXPORT) {
		if (a->sort > WC_CORE_TAG)
			return wasm_reader_fail(r, "core export alias of a %s", wasm_component_sort_name(a->sort));
		if ((err = wc_space_get(r, s, WC_CORE_INSTANCE, a->instance, &d)) < 0)
			return err;
		return wc_space_push(s, a->sort, WC_FROM_ALIAS, item, NULL);
	}
	if (a->sort <= WC_CORE_INSTANCE && a->sort != WC_CORE_MODULE)
		return wasm_reader_fail(r, "export alias of a %s", wasm_component_sort_name(a->sort));
	if ((err = wc_space_get(r, s, WC_INSTANCE, a->instance, &d)) < 0)
		return err;
	if (d->type && d->type->kind == WC_T_INSTANCE) {
		for (k = 0; k < d->type->ndecls; k++)
			if (!strcmp(d->type->decls[k].name, a->name))
				break;
		if (k == d->type->ndecls)
			return wasm_reader_fail(r, "instance %u has no export \"%s\"", a->instance, a->name);
		if (d->type->decls[k].sort != a->sort)
			return wasm_reader_fail(r, "export \"%s\" of instance %u is a %s, not a %s", a->name,
						a->instance, wasm_component_sort_name(d->type->decls[k].sort),
						wasm_component_sort_name(a->sort));
		t = d->type->decls[k].type;
	}
	return wc_space_push(s, a->sort, WC_FROM_ALIAS, item, t);
}
