/*
 * validate_internal.h - helpers shared by validate.c (function bodies)
 * and validate_module.c (module-level rules).  Not an API.
 */
#ifndef WASM_VALIDATE_INTERNAL_H
#define WASM_VALIDATE_INTERNAL_H

#include <stdint.h>

#include "module.h"

#define UNKNOWN 0 /* a type popped from a polymorphic (unreachable) stack */

/* Record "<what> at offset N"; returns WP_EINVALID. */
int wasm_vfail_at(uint32_t off, const char *what);
int wasm_vis_ref(uint8_t t);
int wasm_vis_num(uint8_t t);
/* Sizes of the index spaces (imports first). */
uint32_t wasm_vtotal_globals(const struct wasm_module *m);
uint32_t wasm_vtotal_tables(const struct wasm_module *m);
uint32_t wasm_vtotal_funcs(const struct wasm_module *m);
struct wasm_globaltype wasm_vglobal_type(const struct wasm_module *m, uint32_t idx);
struct wasm_tabletype wasm_vtable_type(const struct wasm_module *m, uint32_t idx);
/* Everything but function bodies. */
int wasm_vmodule_rules(const struct wasm_module *m);
/* Mark in refs[] the functions ref.func may name (C.refs). */
void wasm_vcollect_refs(const struct wasm_module *m, uint8_t *refs);

#endif
