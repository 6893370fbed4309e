/*
 * component_internal.h - what the component decoder's files share: the
 * arena, index-space scopes (a component, or a component/instance/module
 * type, each with its own index spaces; outer aliases walk out through
 * them), and the readers of sorts, types, extern descriptors and aliases.
 */
#ifndef WASM_COMPONENT_INTERNAL_H
#define WASM_COMPONENT_INTERNAL_H

#include "component.h"

#define WC_SPACE_MAX 1000000u /* definitions per index space */
#define WC_DEPTH_MAX 32       /* nested components and types */

struct wc_scope {
	struct wc_scope *outer;
	struct wasm_component *c; /* whose arena holds what is decoded */
	struct wc_def *space[WC_NSORTS];
	uint32_t nspace[WC_NSORTS];
	int depth;
};

void *wc_alloc(struct wasm_component *c, size_t size);
/* wc_alloc of n * size bytes; NULL with the error set when over the cap. */
void *wc_alloc_or_fail(struct wasm_component *c, size_t n, size_t size);
const char *wc_strndup(struct wasm_component *c, const char *s, size_t len);
void wc_arena_free(struct wc_arena *a);
int wc_read_name(struct wasm_reader *r, struct wasm_component *c, const char **out);

int wc_space_push(struct wc_scope *s, int sort, uint8_t origin, uint32_t item,
		  const struct wc_type *type);
int wc_space_get(struct wasm_reader *r, const struct wc_scope *s, int sort, uint32_t idx,
		 const struct wc_def **out);
void wc_scope_release(struct wc_scope *s);

int wc_read_sort(struct wasm_reader *r, uint8_t *sort);
int wc_core_sort(struct wasm_reader *r, uint8_t cs, uint8_t *sort);
int wc_read_valtype(struct wasm_reader *r, struct wc_scope *s, struct wc_valtype *out);
int wc_read_type(struct wasm_reader *r, struct wc_scope *s, int in_type, struct wc_type **out);
int wc_read_core_type(struct wasm_reader *r, struct wc_scope *s, struct wc_type **out);
int wc_read_externdesc(struct wasm_reader *r, struct wc_scope *s, struct wc_extern *e);
int wc_read_extern_name(struct wasm_reader *r, struct wasm_component *c, const char **out);
int wc_declare(struct wasm_reader *r, struct wc_scope *s, struct wc_extern *e, uint8_t origin,
	       uint32_t item);
int wc_read_alias(struct wasm_reader *r, struct wc_scope *s, struct wc_alias *a);
int wc_alias_define(struct wasm_reader *r, struct wc_scope *s, const struct wc_alias *a,
		    uint32_t item);
int wc_alias_outer(struct wasm_reader *r, struct wc_scope *s, int sort, uint32_t ct, uint32_t idx,
		   uint32_t item);

#endif
