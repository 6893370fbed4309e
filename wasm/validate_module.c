/*
 * validate_module.c - module-level validation rules (see validate.h):
 * index spaces, limits, constant expressions, imports, exports, the start
 * function, element and data segments, and the set of functions that
 * ref.func may name.  Function bodies are checked by validate.c.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "validate.h"
#include "validate_internal.h"

#define MAX_PAGES 65536u

int wasm_vfail_at(uint32_t off, const char *what)
{
	return wp_error_set(WP_EINVALID, "%s at offset %u", what, off);
}

int wasm_vis_ref(uint8_t t)
{
	return wasm_is_reftype(t);
}

/* The type index of function f (imports first; f valid). */
uint32_t wasm_vfunc_type_index(const struct wasm_module *m, uint32_t f)
{
	const struct wasm_functype *t = wasm_module_func_type(m, f);

	return t ? (uint32_t)(t - m->types) : 0;
}

int wasm_vis_num(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 || t == WASM_V128;
}

/* ---- module index spaces ---- */

uint32_t wasm_vtotal_globals(const struct wasm_module *m)
{
	return m->nglobal_imports + m->nglobals;
}

uint32_t wasm_vtotal_tables(const struct wasm_module *m)
{
	return m->ntable_imports + m->ntables;
}

uint32_t wasm_vtotal_funcs(const struct wasm_module *m)
{
	return m->nfunc_imports + m->nfuncs;
}

static const struct wasm_import *nth_import(const struct wasm_module *m, int kind, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == kind && n-- == 0)
			return &m->imports[i];
	return NULL;
}

uint32_t wasm_vtag_type_index(const struct wasm_module *m, uint32_t idx)
{
	if (idx < m->ntag_imports)
		return nth_import(m, WASM_EXTERN_TAG, idx)->desc.tag_type;
	return m->tags[idx - m->ntag_imports];
}

/* An exception tag's type: a function type without results. */
static int check_tag_type(const struct wasm_module *m, uint32_t type)
{
	if (type >= m->ntypes)
		return wp_error_set(WP_EINVALID, "unknown type %u (tag)", type);
	if (m->types[type].nresults)
		return wp_error_set(WP_EINVALID, "non-empty tag result type");
	return 0;
}

struct wasm_globaltype wasm_vglobal_type(const struct wasm_module *m, uint32_t idx)
{
	if (idx < m->nglobal_imports)
		return nth_import(m, WASM_EXTERN_GLOBAL, idx)->desc.global;
	return m->globals[idx - m->nglobal_imports].type;
}

struct wasm_tabletype wasm_vtable_type(const struct wasm_module *m, uint32_t idx)
{
	if (idx < m->ntable_imports)
		return nth_import(m, WASM_EXTERN_TABLE, idx)->desc.table;
	return m->tables[idx - m->ntable_imports];
}

struct wasm_limits wasm_vmemory_type(const struct wasm_module *m, uint32_t idx)
{
	if (idx < m->nmemory_imports)
		return nth_import(m, WASM_EXTERN_MEMORY, idx)->desc.memory;
	return m->memories[idx - m->nmemory_imports];
}

/* ---- constant expressions ---- */

/* The type of one constant instruction (not an arithmetic one). */
static int const_type(const struct wasm_module *m, const struct wasm_const_expr *e, uint32_t nglobals_visible,
		      uint8_t *t)
{
	switch (e->op) {
	case 0x41: *t = WASM_I32; break;
	case 0x42: *t = WASM_I64; break;
	case 0x43: *t = WASM_F32; break;
	case 0x44: *t = WASM_F64; break;
	case WASM_OP_V128_CONST: *t = WASM_V128; break;
	case 0xd0: *t = e->reftype; break;
	case 0xd2:
		if (e->u.index >= wasm_vtotal_funcs(m))
			return wasm_vfail_at(e->offset, "unknown function");
		/* (ref $t) of the function's type (typed references) */
		if (!(*t = wasm_ref_intern(m, 0, WASM_HEAP_TYPE, wasm_vfunc_type_index(m, e->u.index))))
			return WP_EINVALID;
		break;
	case 0x23: {
		struct wasm_globaltype g;
		if (e->u.index >= nglobals_visible || e->u.index >= wasm_vtotal_globals(m))
			return wasm_vfail_at(e->offset, "unknown global");
		g = wasm_vglobal_type(m, e->u.index);
		if (g.mutable_)
			return wasm_vfail_at(e->offset, "constant expression required");
		*t = g.valtype;
		break;
	}
	default:
		return wasm_vfail_at(e->offset, "constant expression required");
	}
	return 0;
}

/* An extended constant expression: the instructions as a stack machine
 * whose arithmetic pops two values of its type and pushes one, leaving
 * exactly one value. */
static int extended_type(const struct wasm_module *m, const struct wasm_const_expr *e, uint32_t nglobals_visible,
			 uint8_t *t)
{
	uint8_t *stack = malloc(e->nmore);
	uint32_t i, depth = 0;
	int err = 0;

	if (!stack)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < e->nmore && err == 0; i++) {
		const struct wasm_const_expr *x = &e->more[i];
		if (wasm_const_arith(x->op)) {
			uint8_t want = x->op <= 0x6c ? WASM_I32 : WASM_I64;
			if (depth < 2 || stack[depth - 1] != want || stack[depth - 2] != want)
				err = wasm_vfail_at(x->offset, "type mismatch");
			depth--;
		} else {
			err = const_type(m, x, nglobals_visible, &stack[depth++]);
		}
	}
	if (err == 0 && depth != 1)
		err = wasm_vfail_at(e->offset, "type mismatch");
	if (err == 0)
		*t = stack[0];
	free(stack);
	return err;
}

int wasm_validate_const(const struct wasm_module *m, const struct wasm_const_expr *e,
			uint8_t type, uint32_t nglobals_visible)
{
	uint8_t t;
	int err;

	if (e->op == WASM_OP_EXTENDED)
		err = extended_type(m, e, nglobals_visible, &t);
	else
		err = const_type(m, e, nglobals_visible, &t);
	if (err < 0)
		return err;
	if (!wasm_subtype(m, t, type))
		return wasm_vfail_at(e->offset, "type mismatch");
	return 0;
}

/* ---- module-level rules ---- */

static int check_limits(const struct wasm_limits *l, uint64_t bound, const char *what)
{
	if (l->min > bound || (l->has_max && l->max > bound))
		return wp_error_set(WP_EINVALID, "%s", what);
	if (l->has_max && l->min > l->max)
		return wp_error_set(WP_EINVALID, "size minimum must not be greater than maximum");
	return 0;
}

/* A memory of 32-bit addresses has at most 2^16 pages (4 GiB), of
 * 64-bit addresses (memory64) at most 2^48. */
static int check_memtype(const struct wasm_limits *l)
{
	if (l->is64)
		return check_limits(l, (uint64_t)1 << 48, "memory size must be at most 2^48 pages");
	return check_limits(l, MAX_PAGES, "memory size must be at most 65536 pages (4GiB)");
}

static int check_tabletype(const struct wasm_tabletype *t)
{
	if (t->limits.is64)
		return check_limits(&t->limits, UINT64_MAX, "table size must be at most 2^64-1");
	return check_limits(&t->limits, UINT32_MAX, "table size must be at most 2^32-1");
}

static int check_imports(const struct wasm_module *m)
{
	uint32_t i;
	int err;

	for (i = 0; i < m->nimports; i++) {
		const struct wasm_import *im = &m->imports[i];
		if (im->kind == WASM_EXTERN_FUNC && im->desc.func_type >= m->ntypes)
			return wp_error_set(WP_EINVALID, "unknown type %u (import %s.%s)",
					    im->desc.func_type, im->module, im->name);
		if (im->kind == WASM_EXTERN_TAG && (err = check_tag_type(m, im->desc.tag_type)) < 0)
			return err;
		if (im->kind == WASM_EXTERN_MEMORY && (err = check_memtype(&im->desc.memory)) < 0)
			return err;
		if (im->kind == WASM_EXTERN_TABLE && (err = check_tabletype(&im->desc.table)) < 0)
			return err;
	}
	return 0;
}

static int check_definitions(const struct wasm_module *m)
{
	uint32_t i;
	int err;

	for (i = 0; i < m->nfuncs; i++)
		if (m->funcs[i] >= m->ntypes)
			return wp_error_set(WP_EINVALID, "unknown type %u (function %u)", m->funcs[i],
					    m->nfunc_imports + i);
	for (i = 0; i < m->ntables; i++) {
		if ((err = check_tabletype(&m->tables[i])) < 0)
			return err;
		if (!wasm_defaultable(m, m->tables[i].reftype) &&
		    (!m->table_inits || m->table_inits[i].op == WASM_OP_NONE))
			return wp_error_set(WP_EINVALID, "type mismatch (table %u of a non-nullable type needs an initialiser)",
					    m->ntable_imports + i);
		/* an initialiser sees the imported globals (tables precede
		 * the global section) */
		if (m->table_inits && m->table_inits[i].op != WASM_OP_NONE &&
		    (err = wasm_validate_const(m, &m->table_inits[i], m->tables[i].reftype, m->nglobal_imports)) < 0)
			return err;
	}
	for (i = 0; i < m->nmemories; i++)
		if ((err = check_memtype(&m->memories[i])) < 0)
			return err;
	for (i = 0; i < m->ntags; i++)
		if ((err = check_tag_type(m, m->tags[i])) < 0)
			return err;
	for (i = 0; i < m->nglobals; i++)
		if ((err = wasm_validate_const(m, &m->globals[i].init, m->globals[i].type.valtype,
					       m->nglobal_imports + i)) < 0)
			return err;
	return 0;
}

static int check_exports_start(const struct wasm_module *m)
{
	uint32_t i, bound;

	for (i = 0; i < m->nexports; i++) {
		const struct wasm_export *e = &m->exports[i];
		switch (e->kind) {
		case WASM_EXTERN_FUNC: bound = wasm_vtotal_funcs(m); break;
		case WASM_EXTERN_TABLE: bound = wasm_vtotal_tables(m); break;
		case WASM_EXTERN_MEMORY: bound = m->nmemories + m->nmemory_imports; break;
		case WASM_EXTERN_TAG: bound = m->ntag_imports + m->ntags; break;
		default: bound = wasm_vtotal_globals(m); break;
		}
		if (e->index >= bound)
			return wp_error_set(WP_EINVALID, "unknown %s %u (export \"%s\")",
					    wasm_extern_kind_name(e->kind), e->index, e->name);
	}
	if (m->has_start) {
		const struct wasm_functype *t;
		if (m->start >= wasm_vtotal_funcs(m))
			return wp_error_set(WP_EINVALID, "unknown function %u (start)", m->start);
		t = wasm_module_func_type(m, m->start);
		if (t->nparams || t->nresults)
			return wp_error_set(WP_EINVALID, "start function must have type [] -> []");
	}
	return 0;
}

static int check_segments(const struct wasm_module *m)
{
	uint32_t i, k;
	int err;

	for (i = 0; i < m->nelems; i++) {
		const struct wasm_elem *e = &m->elems[i];
		if (e->mode == WASM_SEGMENT_ACTIVE) {
			if (e->table >= wasm_vtotal_tables(m))
				return wp_error_set(WP_EINVALID, "unknown table %u (elem segment %u)",
						    e->table, i);
			if (!wasm_subtype(m, e->reftype, wasm_vtable_type(m, e->table).reftype))
				return wasm_vfail_at(e->offset.offset, "type mismatch");
			if ((err = wasm_validate_const(m, &e->offset,
						       wasm_vtable_type(m, e->table).limits.is64 ? WASM_I64 : WASM_I32,
						       wasm_vtotal_globals(m))) < 0)
				return err;
		}
		for (k = 0; k < e->count; k++)
			if ((err = wasm_validate_const(m, &e->items[k], e->reftype, wasm_vtotal_globals(m))) < 0)
				return err;
	}
	for (i = 0; i < m->ndatas; i++) {
		const struct wasm_data *d = &m->datas[i];
		if (d->mode != WASM_SEGMENT_ACTIVE)
			continue;
		if (d->memory >= m->nmemories + m->nmemory_imports)
			return wp_error_set(WP_EINVALID, "unknown memory %u (data segment %u)",
					    d->memory, i);
		if ((err = wasm_validate_const(m, &d->offset,
					       wasm_vmemory_type(m, d->memory).is64 ? WASM_I64 : WASM_I32,
					       wasm_vtotal_globals(m))) < 0)
			return err;
	}
	return 0;
}

/* C.refs: functions that ref.func may name in code. */
void wasm_vcollect_refs(const struct wasm_module *m, uint8_t *refs)
{
	uint32_t i, k, n = wasm_vtotal_funcs(m);

	for (i = 0; i < m->nelems; i++)
		for (k = 0; k < m->elems[i].count; k++)
			if (m->elems[i].items[k].op == 0xd2 && m->elems[i].items[k].u.index < n)
				refs[m->elems[i].items[k].u.index] = 1;
	for (i = 0; i < m->nexports; i++)
		if (m->exports[i].kind == WASM_EXTERN_FUNC && m->exports[i].index < n)
			refs[m->exports[i].index] = 1;
	for (i = 0; i < m->nglobals; i++)
		if (m->globals[i].init.op == 0xd2 && m->globals[i].init.u.index < n)
			refs[m->globals[i].init.u.index] = 1;
}

int wasm_vmodule_rules(const struct wasm_module *m)
{
	int err;

	if (m->kind != WASM_KIND_MODULE)
		return wp_error_set(WP_EINVALID, "not a core module (a component)");
	if ((err = check_imports(m)) < 0 || (err = check_definitions(m)) < 0 ||
	    (err = check_exports_start(m)) < 0 || (err = check_segments(m)) < 0)
		return err;
	return 0;
}
