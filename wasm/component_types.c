/*
 * component_types.c - the type definitions of the component binary format
 * (Binary.md "Type Definitions"): value types, function types, component
 * and instance types with their declarators, resources, the core types
 * (function and module types) that components declare, and extern
 * descriptors.  Each component or instance type is decoded in a scope of
 * its own (component_scope.c).  See component.h.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "component_internal.h"

static struct wc_type *new_type(struct wasm_component *c, uint8_t kind)
{
	struct wc_type *t = wc_alloc(c, sizeof(*t));

	if (!t) {
		wp_error_set(WP_ENOMEM, "component too large for the decoder's memory cap");
		return NULL;
	}
	t->kind = kind;
	t->dtor = -1;
	return t;
}

/* ---- value types ---------------------------------------------------- */

static int is_prim(int64_t v)
{
	return (v >= -0x1b && v <= -0x01) /* 0x65..0x7f as SLEB */ || v == -0x1c /* 0x64 */;
}

/* valtype ::= typeidx | primvaltype; a type index must be a defvaltype. */
int wc_read_valtype(struct wasm_reader *r, struct wc_scope *s, struct wc_valtype *out)
{
	const struct wc_def *d = NULL;
	int64_t v;
	int err;

	if ((err = wasm_read_s33(r, &v)) < 0)
		return err;
	if (v < 0) {
		uint8_t code = (uint8_t)(v & 0x7f);
		if (!is_prim(v) || (code < WC_STRING && code != WC_ERROR_CONTEXT))
			return wasm_reader_fail(r, "malformed component value type 0x%02x", code);
		out->prim = code;
		out->t = NULL;
		return 0;
	}
	if ((err = wc_space_get(r, s, WC_TYPE, (uint32_t)v, &d)) < 0)
		return err;
	if (d->type && d->type->kind > WC_T_MAP)
		return wasm_reader_fail(r, "type %u is not a value type", (uint32_t)v);
	out->prim = 0;
	out->t = d->type;
	return 0;
}

static int read_opt_valtype(struct wasm_reader *r, struct wc_scope *s, uint8_t *has,
			    struct wc_valtype *out)
{
	int err;

	if ((err = wasm_read_u8(r, has)) < 0)
		return err;
	if (*has > 1)
		return wasm_reader_fail(r, "malformed optional value type");
	return *has ? wc_read_valtype(r, s, out) : 0;
}

/* Labels must be unique among their siblings (records, variants, flags,
 * enums, parameters). */
static int check_unique(struct wasm_reader *r, const struct wc_field *f, uint32_t n)
{
	uint32_t i, j;

	if (n > 256) /* quadratic check is fine for WIT-sized lists; cap it */
		return 0;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (f[i].name && f[j].name && !strcmp(f[i].name, f[j].name))
				return wasm_reader_fail(r, "duplicate label \"%s\"", f[i].name);
	return 0;
}

/* vec(label valtype?): with_type 0 none, 1 required, 2 variant case
 * (optional type then a 0x00 refinement byte), 3 no label (tuple). */
static int read_fields(struct wasm_reader *r, struct wc_scope *s, struct wc_type *t, int with_type)
{
	uint32_t i;
	uint8_t refines;
	int err;

	if ((err = wasm_read_count(r, 1, &t->nfields)) < 0)
		return err;
	if (!(t->fields = wc_alloc_or_fail(s->c, t->nfields, sizeof(*t->fields))) && t->nfields)
		return WP_ENOMEM;
	for (i = 0; i < t->nfields; i++) {
		struct wc_field *f = &t->fields[i];
		if (with_type != 3 && (err = wc_read_name(r, s->c, &f->name)) < 0)
			return err;
		if (with_type == 1 || with_type == 3) {
			f->has_type = 1;
			if ((err = wc_read_valtype(r, s, &f->vt)) < 0)
				return err;
		} else if (with_type == 2) {
			if ((err = read_opt_valtype(r, s, &f->has_type, &f->vt)) < 0 ||
			    (err = wasm_read_u8(r, &refines)) < 0)
				return err;
			if (refines != 0)
				return wasm_reader_fail(r, "variant case refinement is not supported");
		}
	}
	return check_unique(r, t->fields, t->nfields);
}

static int read_resultlist(struct wasm_reader *r, struct wc_scope *s, struct wc_type *t)
{
	uint8_t b, z;
	int err;

	if ((err = wasm_read_u8(r, &b)) < 0)
		return err;
	if (b == 0x00) {
		t->has_a = 1;
		return wc_read_valtype(r, s, &t->a);
	}
	if (b == 0x01 && (err = wasm_read_u8(r, &z)) == 0 && z == 0x00)
		return 0;
	return err < 0 ? err : wasm_reader_fail(r, "malformed function result list");
}

static int resource_of(struct wasm_reader *r, struct wc_scope *s, uint32_t idx,
		       const struct wc_type **out)
{
	const struct wc_def *d = NULL;
	int err;

	if ((err = wc_space_get(r, s, WC_TYPE, idx, &d)) < 0)
		return err;
	if (d->type && d->type->kind != WC_T_RESOURCE && d->type->kind != WC_T_ABSTRACT)
		return wasm_reader_fail(r, "handle type %u does not name a resource", idx);
	*out = d->type;
	return 0;
}

/* defvaltype (everything but functype/componenttype/instancetype/resource),
 * after its opcode byte. */
static int read_defvaltype(struct wasm_reader *r, struct wc_scope *s, uint8_t op,
			   struct wc_type **out)
{
	struct wc_type *t;
	uint32_t idx;
	int err = 0;

	if (op >= WC_STRING || op == WC_ERROR_CONTEXT) {
		if (!(t = new_type(s->c, WC_T_PRIM)))
			return WP_ENOMEM;
		t->prim = op;
		*out = t;
		return 0;
	}
	static const uint8_t kinds[0x20] = {
		[0x72 - 0x60] = WC_T_RECORD, [0x71 - 0x60] = WC_T_VARIANT, [0x70 - 0x60] = WC_T_LIST,
		[0x67 - 0x60] = WC_T_LIST, [0x6f - 0x60] = WC_T_TUPLE, [0x6e - 0x60] = WC_T_FLAGS,
		[0x6d - 0x60] = WC_T_ENUM, [0x6b - 0x60] = WC_T_OPTION, [0x6a - 0x60] = WC_T_RESULT,
		[0x69 - 0x60] = WC_T_OWN, [0x68 - 0x60] = WC_T_BORROW, [0x66 - 0x60] = WC_T_STREAM,
		[0x65 - 0x60] = WC_T_FUTURE, [0x63 - 0x60] = WC_T_MAP,
	};
	if (op < 0x60 || !kinds[op - 0x60])
		return wasm_reader_fail(r, "malformed component type 0x%02x", op);
	if (!(t = new_type(s->c, kinds[op - 0x60])))
		return WP_ENOMEM;
	switch (op) {
	case 0x72: err = read_fields(r, s, t, 1); break;
	case 0x71: err = read_fields(r, s, t, 2); break;
	case 0x6f: err = read_fields(r, s, t, 3); break;
	case 0x6e: case 0x6d: err = read_fields(r, s, t, 0); break;
	case 0x70: case 0x6b: t->has_a = 1; err = wc_read_valtype(r, s, &t->a); break;
	case 0x67:
		t->has_a = 1;
		if ((err = wc_read_valtype(r, s, &t->a)) == 0 && (err = wasm_read_u32(r, &t->len)) == 0 &&
		    t->len == 0)
			err = wasm_reader_fail(r, "fixed-length list of length 0");
		break;
	case 0x6a:
		if ((err = read_opt_valtype(r, s, &t->has_a, &t->a)) == 0)
			err = read_opt_valtype(r, s, &t->has_b, &t->b);
		break;
	case 0x69: case 0x68:
		if ((err = wasm_read_u32(r, &idx)) == 0)
			err = resource_of(r, s, idx, &t->resource);
		break;
	case 0x66: case 0x65: err = read_opt_valtype(r, s, &t->has_a, &t->a); break;
	case 0x63:
		t->has_a = t->has_b = 1;
		if ((err = wc_read_valtype(r, s, &t->a)) == 0)
			err = wc_read_valtype(r, s, &t->b);
		break;
	}
	if (err < 0)
		return err;
	if ((op == 0x72 || op == 0x71 || op == 0x6f || op == 0x6d) && t->nfields == 0)
		return wasm_reader_fail(r, "empty record, variant, tuple or enum");
	if (op == 0x6e && (t->nfields == 0 || t->nfields > 32))
		return wasm_reader_fail(r, "flags must have 1 to 32 labels (has %u)", t->nfields);
	*out = t;
	return 0;
}

/* ---- core types ----------------------------------------------------- */

static int read_core_valtype(struct wasm_reader *r, uint8_t *out)
{
	int err;

	if ((err = wasm_read_u8(r, out)) < 0)
		return err;
	if ((*out >= 0x7b && *out <= 0x7f) || *out == 0x70 || *out == 0x6f)
		return 0;
	return wasm_reader_fail(r, "unsupported core value type 0x%02x", *out);
}

static int read_limits(struct wasm_reader *r)
{
	uint8_t flags;
	uint64_t v;
	int err;

	if ((err = wasm_read_u8(r, &flags)) < 0)
		return err;
	if (flags > 0x07)
		return wasm_reader_fail(r, "malformed limits flags 0x%02x", flags);
	if ((err = wasm_read_u64(r, &v)) < 0)
		return err;
	return (flags & 1) ? wasm_read_u64(r, &v) : 0;
}

/* core:externtype (import/export descriptors of module types). */
static int read_core_externtype(struct wasm_reader *r)
{
	uint8_t kind, b;
	uint32_t idx;
	int err;

	if ((err = wasm_read_u8(r, &kind)) < 0)
		return err;
	switch (kind) {
	case 0x00: return wasm_read_u32(r, &idx);
	case 0x01:
		if ((err = read_core_valtype(r, &b)) < 0)
			return err;
		return read_limits(r);
	case 0x02: return read_limits(r);
	case 0x03:
		if ((err = read_core_valtype(r, &b)) < 0 || (err = wasm_read_u8(r, &b)) < 0)
			return err;
		return b > 1 ? wasm_reader_fail(r, "malformed global mutability") : 0;
	case 0x04:
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		return b ? wasm_reader_fail(r, "malformed tag type") : wasm_read_u32(r, &idx);
	}
	return wasm_reader_fail(r, "malformed core import descriptor 0x%02x", kind);
}

static int read_core_functype(struct wasm_reader *r, struct wc_scope *s, struct wc_type **out)
{
	struct wc_type *t;
	uint32_t np, nr, i;
	uint8_t vt[2048];
	int err;

	if ((err = wasm_read_count(r, 1, &np)) < 0)
		return err;
	if (np > 1000)
		return wasm_reader_fail(r, "core function type with %u parameters", np);
	for (i = 0; i < np; i++)
		if ((err = read_core_valtype(r, &vt[i])) < 0)
			return err;
	if ((err = wasm_read_count(r, 1, &nr)) < 0)
		return err;
	if (nr > 1000)
		return wasm_reader_fail(r, "core function type with %u results", nr);
	for (i = 0; i < nr; i++)
		if ((err = read_core_valtype(r, &vt[np + i])) < 0)
			return err;
	if (!(t = new_type(s->c, WC_T_CORE_FUNC)) ||
	    !(t->core_types = wc_alloc_or_fail(s->c, np + nr + 1, 1)))
		return WP_ENOMEM;
	memcpy(t->core_types, vt, np + nr);
	t->core_params = np;
	t->core_results = nr;
	*out = t;
	return 0;
}

static int read_core_type(struct wasm_reader *r, struct wc_scope *s, int in_module, struct wc_type **out);

/* core:moduletype: its own core type space; imports, types, outer type
 * aliases and exports are bounded and checked, not kept. */
static int read_core_moduletype(struct wasm_reader *r, struct wc_scope *outer, struct wc_type **out)
{
	struct wc_scope s = {.outer = outer, .c = outer->c};
	struct wc_type *t = NULL;
	uint32_t n, i, ct, idx;
	const char *name;
	uint8_t tag, b;
	int err = 0;

	if ((err = wasm_read_count(r, 1, &n)) < 0)
		return err;
	for (i = 0; i < n && err == 0; i++) {
		if ((err = wasm_read_u8(r, &tag)) < 0)
			break;
		switch (tag) {
		case 0x00:
			if ((err = wc_read_name(r, s.c, &name)) == 0 &&
			    (err = wc_read_name(r, s.c, &name)) == 0)
				err = read_core_externtype(r);
			break;
		case 0x01:
			if ((err = read_core_type(r, &s, 1, &t)) == 0)
				err = wc_space_push(&s, WC_CORE_TYPE, WC_FROM_DEF, i, t);
			break;
		case 0x02:
			if ((err = wasm_read_u8(r, &b)) < 0 || (err = wasm_read_u8(r, &tag)) < 0)
				break;
			if (b != 0x10 || tag != 0x01) {
				err = wasm_reader_fail(r, "malformed core alias in module type");
				break;
			}
			if ((err = wasm_read_u32(r, &ct)) == 0 && (err = wasm_read_u32(r, &idx)) == 0)
				err = wc_alias_outer(r, &s, WC_CORE_TYPE, ct, idx, i);
			break;
		case 0x03:
			if ((err = wc_read_name(r, s.c, &name)) == 0)
				err = read_core_externtype(r);
			break;
		default:
			err = wasm_reader_fail(r, "malformed module type declaration 0x%02x", tag);
		}
	}
	wc_scope_release(&s);
	if (err < 0)
		return err;
	if (!(t = new_type(outer->c, WC_T_CORE_MODULE)))
		return WP_ENOMEM;
	*out = t;
	return 0;
}

static int read_core_type(struct wasm_reader *r, struct wc_scope *s, int in_module, struct wc_type **out)
{
	uint8_t op;
	int err;

	if ((err = wasm_read_u8(r, &op)) < 0)
		return err;
	if (op == 0x60)
		return read_core_functype(r, s, out);
	if (op == 0x50 && !in_module)
		return read_core_moduletype(r, s, out);
	return wasm_reader_fail(r, "unsupported core type form 0x%02x", op);
}

int wc_read_core_type(struct wasm_reader *r, struct wc_scope *s, struct wc_type **out)
{
	return read_core_type(r, s, 0, out);
}

/* ---- extern descriptors and declarators ----------------------------- */

static int want_type(struct wasm_reader *r, struct wc_scope *s, int sort, uint32_t idx,
		     uint8_t kind, const struct wc_type **out)
{
	const struct wc_def *d = NULL;
	int err;

	if ((err = wc_space_get(r, s, sort, idx, &d)) < 0)
		return err;
	if (d->type && d->type->kind != kind)
		return wasm_reader_fail(r, "%s %u is not the kind of type this needs",
					wasm_component_sort_name(sort), idx);
	*out = d->type;
	return 0;
}

int wc_read_externdesc(struct wasm_reader *r, struct wc_scope *s, struct wc_extern *e)
{
	struct wc_valtype vt;
	struct wc_type *fresh;
	const struct wc_def *d = NULL;
	uint8_t tag, b;
	uint32_t idx;
	int err;

	if ((err = wasm_read_u8(r, &tag)) < 0)
		return err;
	switch (tag) {
	case 0x00:
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		if (b != 0x11)
			return wasm_reader_fail(r, "malformed core module type");
		e->sort = WC_CORE_MODULE;
		if ((err = wasm_read_u32(r, &idx)) < 0)
			return err;
		return want_type(r, s, WC_CORE_TYPE, idx, WC_T_CORE_MODULE, &e->type);
	case 0x01:
		e->sort = WC_FUNC;
		if ((err = wasm_read_u32(r, &idx)) < 0)
			return err;
		return want_type(r, s, WC_TYPE, idx, WC_T_FUNC, &e->type);
	case 0x04:
	case 0x05:
		e->sort = tag == 0x04 ? WC_COMPONENT : WC_INSTANCE;
		if ((err = wasm_read_u32(r, &idx)) < 0)
			return err;
		return want_type(r, s, WC_TYPE, idx, tag == 0x04 ? WC_T_COMPONENT : WC_T_INSTANCE,
				 &e->type);
	case 0x02:
		e->sort = WC_VALUE;
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		if (b == 0x00)
			return wasm_read_u32(r, &idx);
		if (b == 0x01)
			return wc_read_valtype(r, s, &vt);
		return wasm_reader_fail(r, "malformed value bound");
	case 0x03:
		e->sort = WC_TYPE;
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		if (b == 0x00) {
			if ((err = wasm_read_u32(r, &idx)) < 0 ||
			    (err = wc_space_get(r, s, WC_TYPE, idx, &d)) < 0)
				return err;
			e->type = d->type;
			return 0;
		}
		if (b != 0x01)
			return wasm_reader_fail(r, "malformed type bound");
		if (!(fresh = new_type(s->c, WC_T_ABSTRACT)))
			return WP_ENOMEM;
		e->type = fresh;
		return 0;
	}
	return wasm_reader_fail(r, "malformed component extern descriptor 0x%02x", tag);
}

/* nameattributes: 0x00|0x01 name, or 0x02 name vec(attribute). */
int wc_read_extern_name(struct wasm_reader *r, struct wasm_component *c, const char **out)
{
	uint32_t n, i, len;
	const char *s;
	uint8_t tag, a;
	int err;

	if ((err = wasm_read_u8(r, &tag)) < 0)
		return err;
	if (tag > 2)
		return wasm_reader_fail(r, "malformed component extern name 0x%02x", tag);
	if ((err = wc_read_name(r, c, out)) < 0)
		return err;
	if (**out == '\0')
		return wasm_reader_fail(r, "empty import or export name");
	if (tag < 2)
		return 0;
	if ((err = wasm_read_count(r, 2, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		if ((err = wasm_read_u8(r, &a)) < 0)
			return err;
		if (a > 2)
			return wasm_reader_fail(r, "malformed name attribute 0x%02x", a);
		if ((err = wasm_read_name(r, &s, &len)) < 0)
			return err;
	}
	return 0;
}

/* An import or export declarator puts its thing in the scope's index
 * space (a type export/import introduces a type index). */
int wc_declare(struct wasm_reader *r, struct wc_scope *s, struct wc_extern *e, uint8_t origin,
	       uint32_t item)
{
	if (e->sort == WC_TYPE && e->type && !e->type->name)
		((struct wc_type *)e->type)->name = e->name;
	if (e->sort == WC_VALUE)
		return wc_space_push(s, WC_VALUE, origin, item, NULL);
	(void)r;
	return wc_space_push(s, e->sort, origin, item, e->type);
}

/* componenttype / instancetype: a fresh scope whose declarators are kept
 * (name, sort, type) so aliases and the world printer can see them. */
static int read_decls(struct wasm_reader *r, struct wc_scope *outer, struct wc_type *t,
		      int component)
{
	struct wc_scope s = {.outer = outer, .c = outer->c};
	struct wc_type *sub;
	struct wc_alias al;
	uint32_t n, i, k;
	uint8_t tag;
	int err = 0;

	if ((err = wasm_read_count(r, 1, &n)) < 0)
		return err;
	if (!(t->decls = wc_alloc_or_fail(s.c, n, sizeof(*t->decls))) && n)
		return WP_ENOMEM;
	for (i = 0; i < n && err == 0; i++) {
		if ((err = wasm_read_u8(r, &tag)) < 0)
			break;
		switch (tag) {
		case 0x00:
			if ((err = wc_read_core_type(r, &s, &sub)) == 0)
				err = wc_space_push(&s, WC_CORE_TYPE, WC_FROM_DEF, i, sub);
			break;
		case 0x01:
			if ((err = wc_read_type(r, &s, 1, &sub)) == 0)
				err = wc_space_push(&s, WC_TYPE, WC_FROM_DEF, i, sub);
			break;
		case 0x02:
			if ((err = wc_read_alias(r, &s, &al)) == 0 && al.sort != WC_TYPE &&
			    al.sort != WC_INSTANCE && al.sort != WC_CORE_TYPE)
				err = wasm_reader_fail(r, "alias of a %s inside a type",
						       wasm_component_sort_name(al.sort));
			if (err == 0)
				err = wc_alias_define(r, &s, &al, i);
			break;
		case 0x03:
		case 0x04:
			if (tag == 0x03 && !component) {
				err = wasm_reader_fail(r, "import declaration inside an instance type");
				break;
			}
			{
				struct wc_extern *e = &t->decls[t->ndecls];
				e->is_import = tag == 0x03;
				if ((err = wc_read_extern_name(r, s.c, &e->name)) < 0 ||
				    (err = wc_read_externdesc(r, &s, e)) < 0)
					break;
				for (k = 0; k < t->ndecls; k++)
					if (t->decls[k].is_import == e->is_import &&
					    !strcmp(t->decls[k].name, e->name)) {
						err = wasm_reader_fail(r, "duplicate %s \"%s\" in a type",
								       e->is_import ? "import" : "export",
								       e->name);
						break;
					}
				if (err == 0)
					err = wc_declare(r, &s, e, WC_FROM_IMPORT, t->ndecls++);
			}
			break;
		default:
			err = wasm_reader_fail(r, "malformed %s type declaration 0x%02x",
					       component ? "component" : "instance", tag);
		}
	}
	wc_scope_release(&s);
	return err;
}

/* type ::= defvaltype | functype | componenttype | instancetype | resourcetype */
int wc_read_type(struct wasm_reader *r, struct wc_scope *s, int in_type, struct wc_type **out)
{
	struct wc_type *t = NULL;
	uint8_t op, rep, has;
	uint32_t dtor;
	int err;

	if ((err = wasm_read_u8(r, &op)) < 0)
		return err;
	switch (op) {
	case 0x40:
	case 0x43:
		if (!(t = new_type(s->c, WC_T_FUNC)))
			return WP_ENOMEM;
		t->async = op == 0x43;
		if ((err = read_fields(r, s, t, 1)) < 0 || (err = read_resultlist(r, s, t)) < 0)
			return err;
		break;
	case 0x41:
	case 0x42:
		if (s->depth >= WC_DEPTH_MAX)
			return wasm_reader_fail(r, "component types nested more than %d deep", WC_DEPTH_MAX);
		if (!(t = new_type(s->c, op == 0x41 ? WC_T_COMPONENT : WC_T_INSTANCE)))
			return WP_ENOMEM;
		s->depth++;
		err = read_decls(r, s, t, op == 0x41);
		s->depth--;
		if (err < 0)
			return err;
		break;
	case 0x3f:
		if (in_type)
			return wasm_reader_fail(r, "resource type defined inside a component or instance type");
		if (!(t = new_type(s->c, WC_T_RESOURCE)))
			return WP_ENOMEM;
		if ((err = wasm_read_u8(r, &rep)) < 0 || (err = wasm_read_u8(r, &has)) < 0)
			return err;
		if (rep != 0x7f)
			return wasm_reader_fail(r, "resource representation must be i32");
		if (has > 1)
			return wasm_reader_fail(r, "malformed resource destructor");
		if (has) {
			const struct wc_def *d = NULL;
			if ((err = wasm_read_u32(r, &dtor)) < 0 ||
			    (err = wc_space_get(r, s, WC_CORE_FUNC, dtor, &d)) < 0)
				return err;
			t->dtor = dtor;
		}
		break;
	default:
		if ((err = read_defvaltype(r, s, op, &t)) < 0)
			return err;
	}
	*out = t;
	return 0;
}
