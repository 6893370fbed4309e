/*
 * component_decode.c - the sections of a component binary, in order (see
 * component.h).  Each definition is appended to its array, to the index
 * space of its sort and to the ordered item list instantiation replays.
 * Nested core modules are decoded by the core decoder (FACTS mode) and
 * kept, so core instantiations and core export aliases are checked against
 * the imports and exports the modules really have.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "component_internal.h"

#define WC_SEC_MAX 11

struct decoder {
	struct wasm_reader *r;
	struct wasm_component *c;
	struct wc_scope s;
};

/* Grow `*arr` (n elements of `size`) by one zeroed element. */
static void *grow(void **arr, uint32_t *n, size_t size)
{
	unsigned char *p;

	if (*n >= WC_SPACE_MAX) {
		wp_error_set(WP_EINVALID, "component: more than %u definitions of one kind", WC_SPACE_MAX);
		return NULL;
	}
	if (!(p = realloc(*arr, ((size_t)*n + 1) * size))) {
		wp_error_set(WP_ENOMEM, "out of memory");
		return NULL;
	}
	*arr = p;
	memset(p + (size_t)*n * size, 0, size);
	return p + (size_t)(*n)++ * size;
}

static int add_item(struct decoder *d, uint8_t section, uint32_t idx)
{
	struct wc_item *it = grow((void **)&d->c->items, &d->c->nitems, sizeof(*it));

	if (!it)
		return WP_ENOMEM;
	it->section = section;
	it->idx = idx;
	return 0;
}

/* ---- core instances ------------------------------------------------- */

static const uint8_t core_kind_sort[] = {WC_CORE_FUNC, WC_CORE_TABLE, WC_CORE_MEMORY, WC_CORE_GLOBAL,
					 WC_CORE_TAG};

/* Whether core instance `inst` exports `name` as `sort`: 1 yes, 0 no,
 * -1 not known statically (an imported module's instance). */
static int core_instance_exports(const struct decoder *d, uint32_t inst, const char *name, int sort)
{
	const struct wc_def *def = &d->s.space[WC_CORE_INSTANCE][inst];
	const struct wc_instance *ci = &d->c->core_instances[def->item];
	const struct wc_def *md;
	const struct wasm_module *m;
	uint32_t k;

	if (ci->inline_exports) {
		for (k = 0; k < ci->nargs; k++)
			if (!strcmp(ci->args[k].name, name))
				return ci->args[k].sort == sort;
		return 0;
	}
	md = &d->s.space[WC_CORE_MODULE][ci->of];
	if (md->origin != WC_FROM_DEF)
		return -1;
	m = d->c->modules[md->item];
	for (k = 0; k < m->nexports; k++)
		if (!strcmp(m->exports[k].name, name))
			return m->exports[k].kind < 5 && core_kind_sort[m->exports[k].kind] == sort;
	return 0;
}

/* Every import of a defined module must come from a `with` argument whose
 * instance exports that field with that kind. */
static int check_core_args(struct decoder *d, const struct wc_instance *ci)
{
	const struct wc_def *md = &d->s.space[WC_CORE_MODULE][ci->of];
	const struct wasm_module *m;
	uint32_t i, k;

	if (md->origin != WC_FROM_DEF)
		return 0;
	m = d->c->modules[md->item];
	for (i = 0; i < m->nimports; i++) {
		const struct wasm_import *im = &m->imports[i];
		for (k = 0; k < ci->nargs; k++)
			if (!strcmp(ci->args[k].name, im->module))
				break;
		if (k == ci->nargs)
			return wasm_reader_fail(d->r, "core instantiation of module %u: no argument supplies its import \"%s\" \"%s\"",
						ci->of, im->module, im->name);
		if (im->kind < 5 &&
		    core_instance_exports(d, ci->args[k].idx, im->name, core_kind_sort[im->kind]) == 0)
			return wasm_reader_fail(d->r, "core instantiation of module %u: instance %u has no %s \"%s\" for import \"%s\"",
						ci->of, ci->args[k].idx,
						wasm_extern_kind_name(im->kind), im->name, im->module);
	}
	return 0;
}

/* Every import of a nested component must be supplied by a `with`
 * argument of the same name and sort; functions must agree on arity. */
static int check_component_args(struct decoder *d, const struct wc_instance *in)
{
	const struct wc_def *cd = &d->s.space[WC_COMPONENT][in->of];
	const struct wasm_component *child;
	uint32_t i, k;

	if (cd->origin != WC_FROM_DEF)
		return 0;
	child = d->c->components[cd->item];
	for (i = 0; i < child->nimports; i++) {
		const struct wc_extern *im = &child->imports[i];
		const struct wc_type *have;
		for (k = 0; k < in->nargs; k++)
			if (!strcmp(in->args[k].name, im->name))
				break;
		if (k == in->nargs)
			return wasm_reader_fail(d->r, "instantiation of component %u: no argument supplies its import \"%s\"",
						in->of, im->name);
		if (in->args[k].sort != im->sort)
			return wasm_reader_fail(d->r, "instantiation of component %u: import \"%s\" is a %s, the argument a %s",
						in->of, im->name, wasm_component_sort_name(im->sort),
						wasm_component_sort_name(in->args[k].sort));
		have = d->s.space[in->args[k].sort][in->args[k].idx].type;
		if (im->sort == WC_FUNC && have && im->type &&
		    (have->nfields != im->type->nfields || have->has_a != im->type->has_a))
			return wasm_reader_fail(d->r, "instantiation of component %u: function \"%s\" has the wrong signature",
						in->of, im->name);
	}
	return 0;
}

static int read_instance(struct decoder *d, int core, struct wc_instance *in)
{
	struct wasm_reader *r = d->r;
	const struct wc_def *def = NULL;
	uint32_t k, j;
	uint8_t tag, b;
	int err;

	if ((err = wasm_read_u8(r, &tag)) < 0)
		return err;
	if (tag > 1)
		return wasm_reader_fail(r, "malformed %sinstance expression 0x%02x", core ? "core " : "", tag);
	in->inline_exports = tag;
	if (tag == 0 && ((err = wasm_read_u32(r, &in->of)) < 0 ||
			 (err = wc_space_get(r, &d->s, core ? WC_CORE_MODULE : WC_COMPONENT, in->of, &def)) < 0))
		return err;
	if ((err = wasm_read_count(r, 2, &in->nargs)) < 0)
		return err;
	if (!(in->args = wc_alloc_or_fail(d->c, in->nargs, sizeof(*in->args))) && in->nargs)
		return WP_ENOMEM;
	for (k = 0; k < in->nargs; k++) {
		struct wc_arg *a = &in->args[k];
		if (!core && tag == 1)
			err = wc_read_extern_name(r, d->c, &a->name);
		else
			err = wc_read_name(r, d->c, &a->name);
		if (err < 0)
			return err;
		if (core && tag == 0) { /* with name (instance i) */
			if ((err = wasm_read_u8(r, &b)) < 0)
				return err;
			if (b != 0x12)
				return wasm_reader_fail(r, "core instantiation argument is not an instance");
			a->sort = WC_CORE_INSTANCE;
		} else if (core) {
			if ((err = wasm_read_u8(r, &b)) < 0 || (err = wc_core_sort(r, b, &a->sort)) < 0)
				return err;
		} else if ((err = wc_read_sort(r, &a->sort)) < 0) {
			return err;
		}
		if ((err = wasm_read_u32(r, &a->idx)) < 0 ||
		    (err = wc_space_get(r, &d->s, a->sort, a->idx, &def)) < 0)
			return err;
		for (j = 0; j < k; j++)
			if (!strcmp(in->args[j].name, a->name))
				return wasm_reader_fail(r, "duplicate instance argument or export \"%s\"", a->name);
	}
	if (tag != 0)
		return 0;
	return core ? check_core_args(d, in) : check_component_args(d, in);
}

/* The type of an instance made of inline exports: an instance type with
 * one declarator per export, so aliases into it resolve. */
static const struct wc_type *inline_instance_type(struct decoder *d, const struct wc_instance *in)
{
	struct wc_type *t = wc_alloc(d->c, sizeof(*t));
	uint32_t k;

	if (!t || !(t->decls = wc_alloc_or_fail(d->c, in->nargs, sizeof(*t->decls))))
		return NULL;
	t->kind = WC_T_INSTANCE;
	t->dtor = -1;
	t->ndecls = in->nargs;
	for (k = 0; k < in->nargs; k++) {
		t->decls[k].name = in->args[k].name;
		t->decls[k].sort = in->args[k].sort;
		t->decls[k].type = d->s.space[in->args[k].sort][in->args[k].idx].type;
	}
	return t;
}

static int section_instances(struct decoder *d, int core)
{
	struct wasm_component *c = d->c;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(d->r, 2, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		struct wc_instance *in = core ? grow((void **)&c->core_instances, &c->ncore_instances, sizeof(*in))
					      : grow((void **)&c->instances, &c->ninstances, sizeof(*in));
		uint32_t idx = core ? c->ncore_instances - 1 : c->ninstances - 1;
		const struct wc_type *t = NULL;

		if (!in)
			return WP_ENOMEM;
		if ((err = read_instance(d, core, in)) < 0)
			return err;
		if (!core && in->inline_exports && !(t = inline_instance_type(d, in)) && in->nargs)
			return WP_ENOMEM;
		if ((err = wc_space_push(&d->s, core ? WC_CORE_INSTANCE : WC_INSTANCE, WC_FROM_DEF, idx, t)) < 0 ||
		    (err = add_item(d, core ? 2 : 5, idx)) < 0)
			return err;
	}
	return 0;
}

/* ---- aliases, types ------------------------------------------------- */

static int section_aliases(struct decoder *d)
{
	struct wasm_component *c = d->c;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(d->r, 3, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		struct wc_alias *a = grow((void **)&c->aliases, &c->naliases, sizeof(*a));
		if (!a)
			return WP_ENOMEM;
		if ((err = wc_read_alias(d->r, &d->s, a)) < 0)
			return err;
		if (a->kind == WC_ALIAS_CORE_EXPORT && a->instance < d->s.nspace[WC_CORE_INSTANCE] &&
		    a->sort <= WC_CORE_TAG && core_instance_exports(d, a->instance, a->name, a->sort) == 0)
			return wasm_reader_fail(d->r, "core instance %u has no %s export \"%s\"", a->instance,
						wasm_component_sort_name(a->sort), a->name);
		if ((err = wc_alias_define(d->r, &d->s, a, c->naliases - 1)) < 0 ||
		    (err = add_item(d, 6, c->naliases - 1)) < 0)
			return err;
	}
	return 0;
}

static int section_types(struct decoder *d, int core)
{
	struct wc_type *t;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(d->r, 1, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		err = core ? wc_read_core_type(d->r, &d->s, &t) : wc_read_type(d->r, &d->s, 0, &t);
		if (err < 0 ||
		    (err = wc_space_push(&d->s, core ? WC_CORE_TYPE : WC_TYPE, WC_FROM_DEF, i, t)) < 0)
			return err;
	}
	return 0;
}

/* ---- canonical functions -------------------------------------------- */

/* Whether values of this type live in linear memory (strings, lists). */
static int needs_memory(struct wc_valtype vt, int depth)
{
	const struct wc_type *t = vt.t;
	uint32_t k;

	if (vt.prim)
		return vt.prim == WC_STRING;
	if (!t || depth > 64)
		return 0;
	switch (t->kind) {
	case WC_T_LIST:
		return 1;
	case WC_T_PRIM:
		return t->prim == WC_STRING;
	case WC_T_RECORD: case WC_T_VARIANT: case WC_T_TUPLE:
		for (k = 0; k < t->nfields; k++)
			if (t->fields[k].has_type && needs_memory(t->fields[k].vt, depth + 1))
				return 1;
		return 0;
	case WC_T_OPTION: case WC_T_RESULT:
		return (t->has_a && needs_memory(t->a, depth + 1)) ||
		       (t->has_b && needs_memory(t->b, depth + 1));
	}
	return 0;
}

static int func_needs_memory(const struct wc_type *ft)
{
	uint32_t k;

	if (!ft || ft->kind != WC_T_FUNC)
		return 0;
	for (k = 0; k < ft->nfields; k++)
		if (needs_memory(ft->fields[k].vt, 0))
			return 1;
	return ft->has_a && needs_memory(ft->a, 0);
}

static int read_opts(struct decoder *d, struct wc_canon *cn)
{
	struct wasm_reader *r = d->r;
	const struct wc_def *def = NULL;
	uint32_t n, i, idx;
	uint8_t o, seen = 0;
	int err;

	if ((err = wasm_read_count(r, 1, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		if ((err = wasm_read_u8(r, &o)) < 0)
			return err;
		if (o > 0x07)
			return wasm_reader_fail(r, "malformed canonical option 0x%02x", o);
		if (seen & (1u << (o <= 2 ? 0 : o)))
			return wasm_reader_fail(r, "duplicate or conflicting canonical option 0x%02x", o);
		seen |= (uint8_t)(1u << (o <= 2 ? 0 : o));
		if (o <= 2) {
			cn->encoding = o;
			continue;
		}
		if (o == 0x06) {
			cn->async = 1;
			continue;
		}
		if ((err = wasm_read_u32(r, &idx)) < 0 ||
		    (err = wc_space_get(r, &d->s, o == 0x03 ? WC_CORE_MEMORY : WC_CORE_FUNC, idx, &def)) < 0)
			return err;
		if (o == 0x03) cn->memory = idx;
		if (o == 0x04) cn->realloc = idx;
		if (o == 0x05) cn->post_return = idx;
		if (o == 0x07) cn->callback = idx;
	}
	return 0;
}

/* The async, stream, future, waitable and thread built-ins: bounded and
 * checked, kept by opcode (the runner refuses them). */
static int read_builtin(struct decoder *d, uint8_t op, struct wc_canon *cn)
{
	struct wasm_reader *r = d->r;
	const struct wc_def *def = NULL;
	struct wc_type tmp;
	uint32_t idx;
	uint8_t b;
	int err = 0;

	memset(&tmp, 0, sizeof(tmp));
	switch (op) {
	case 0x05: case 0x0d: case 0x1e: case 0x1f: case 0x22: case 0x23: case 0x24: case 0x25:
	case 0x26: case 0x28:
		return 0;
	case 0x09:
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		if (b == 0x00)
			err = wc_read_valtype(r, &d->s, &tmp.a);
		else if (b != 0x01 || (err = wasm_read_u8(r, &b)) < 0 || b != 0)
			return err < 0 ? err : wasm_reader_fail(r, "malformed task.return result list");
		return err < 0 ? err : read_opts(d, cn);
	case 0x0a: case 0x0b:
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		if (b != 0x7f)
			return wasm_reader_fail(r, "context.get/set type must be i32");
		return wasm_read_u32(r, &idx);
	case 0x06: case 0x0c: case 0x29: case 0x2a: case 0x2b: case 0x2c: case 0x2d: case 0x42:
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		return b > 1 ? wasm_reader_fail(r, "malformed canonical flag 0x%02x", b) : 0;
	case 0x1c: case 0x1d:
		return read_opts(d, cn);
	case 0x20: case 0x21:
		if ((err = wasm_read_u8(r, &b)) < 0 || (err = wasm_read_u32(r, &idx)) < 0)
			return err;
		return wc_space_get(r, &d->s, WC_CORE_MEMORY, idx, &def);
	case 0x27: case 0x40: case 0x41:
		if (op != 0x27 && (err = wasm_read_u8(r, &b)) < 0)
			return err;
		if ((err = wasm_read_u32(r, &idx)) < 0 || (err = wc_space_get(r, &d->s, WC_CORE_TYPE, idx, &def)) < 0)
			return err;
		if (op == 0x40)
			return 0;
		if ((err = wasm_read_u32(r, &idx)) < 0)
			return err;
		return wc_space_get(r, &d->s, WC_CORE_TABLE, idx, &def);
	}
	if (op < 0x0e || op > 0x1b)
		return wasm_reader_fail(r, "malformed canonical function 0x%02x", op);
	/* stream.* / future.*: a type, then options or an async flag */
	if ((err = wasm_read_u32(r, &idx)) < 0 || (err = wc_space_get(r, &d->s, WC_TYPE, idx, &def)) < 0)
		return err;
	if (op == 0x0f || op == 0x10 || op == 0x16 || op == 0x17)
		return read_opts(d, cn);
	if (op == 0x11 || op == 0x12 || op == 0x18 || op == 0x19) {
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		return b > 1 ? wasm_reader_fail(r, "malformed canonical flag 0x%02x", b) : 0;
	}
	return 0;
}

static int read_canon(struct decoder *d, struct wc_canon *cn, int *sort, const struct wc_type **type)
{
	struct wasm_reader *r = d->r;
	const struct wc_def *def = NULL;
	uint32_t idx;
	uint8_t z;
	int err;

	cn->memory = cn->realloc = cn->post_return = cn->callback = -1;
	if ((err = wasm_read_u8(r, &cn->op)) < 0)
		return err;
	*sort = WC_CORE_FUNC;
	*type = NULL;
	switch (cn->op) {
	case WC_CANON_LIFT:
	case WC_CANON_LOWER:
		if ((err = wasm_read_u8(r, &z)) < 0)
			return err;
		if (z != 0x00)
			return wasm_reader_fail(r, "malformed canonical %s", cn->op ? "lower" : "lift");
		if ((err = wasm_read_u32(r, &cn->func)) < 0 ||
		    (err = wc_space_get(r, &d->s, cn->op ? WC_FUNC : WC_CORE_FUNC, cn->func, &def)) < 0 ||
		    (err = read_opts(d, cn)) < 0)
			return err;
		if (cn->op == WC_CANON_LOWER) {
			cn->type = def->type;
		} else {
			if ((err = wasm_read_u32(r, &idx)) < 0 ||
			    (err = wc_space_get(r, &d->s, WC_TYPE, idx, &def)) < 0)
				return err;
			if (!def->type || def->type->kind != WC_T_FUNC)
				return wasm_reader_fail(r, "canonical lift: type %u is not a function type", idx);
			cn->type = def->type;
			*sort = WC_FUNC;
			*type = def->type;
		}
		if (func_needs_memory(cn->type) && cn->memory < 0)
			return wasm_reader_fail(r, "canonical %s of a function with strings or lists needs a memory option",
						cn->op ? "lower" : "lift");
		return 0;
	case WC_CANON_RESOURCE_NEW:
	case WC_CANON_RESOURCE_DROP:
	case WC_CANON_RESOURCE_REP:
		if ((err = wasm_read_u32(r, &idx)) < 0 || (err = wc_space_get(r, &d->s, WC_TYPE, idx, &def)) < 0)
			return err;
		if (!def->type || (def->type->kind != WC_T_RESOURCE &&
				   (cn->op != WC_CANON_RESOURCE_DROP || def->type->kind != WC_T_ABSTRACT)))
			return wasm_reader_fail(r, "canonical resource.%s: type %u is not a %sresource",
						cn->op == 2 ? "new" : cn->op == 3 ? "drop" : "rep", idx,
						cn->op == WC_CANON_RESOURCE_DROP ? "" : "locally defined ");
		cn->type = def->type;
		return 0;
	}
	return read_builtin(d, cn->op, cn);
}

static int section_canon(struct decoder *d)
{
	struct wasm_component *c = d->c;
	const struct wc_type *t;
	uint32_t n, i;
	int sort, err;

	if ((err = wasm_read_count(d->r, 1, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		struct wc_canon *cn = grow((void **)&c->canons, &c->ncanons, sizeof(*cn));
		if (!cn)
			return WP_ENOMEM;
		if ((err = read_canon(d, cn, &sort, &t)) < 0 ||
		    (err = wc_space_push(&d->s, sort, WC_FROM_CANON, c->ncanons - 1, t)) < 0 ||
		    (err = add_item(d, 8, c->ncanons - 1)) < 0)
			return err;
	}
	return 0;
}

/* ---- imports, exports, start ---------------------------------------- */

static int section_imports(struct decoder *d)
{
	struct wasm_component *c = d->c;
	uint32_t n, i, k;
	int err;

	if ((err = wasm_read_count(d->r, 3, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		struct wc_extern *e = grow((void **)&c->imports, &c->nimports, sizeof(*e));
		if (!e)
			return WP_ENOMEM;
		e->is_import = 1;
		if ((err = wc_read_extern_name(d->r, c, &e->name)) < 0 ||
		    (err = wc_read_externdesc(d->r, &d->s, e)) < 0)
			return err;
		for (k = 0; k + 1 < c->nimports; k++)
			if (!strcmp(c->imports[k].name, e->name))
				return wasm_reader_fail(d->r, "duplicate import \"%s\"", e->name);
		if ((err = wc_declare(d->r, &d->s, e, WC_FROM_IMPORT, c->nimports - 1)) < 0 ||
		    (err = add_item(d, 10, c->nimports - 1)) < 0)
			return err;
	}
	return 0;
}

static int section_exports(struct decoder *d)
{
	struct wasm_component *c = d->c;
	const struct wc_def *def = NULL;
	struct wc_extern ascribed;
	uint32_t n, i, k;
	uint8_t has;
	int err;

	if ((err = wasm_read_count(d->r, 4, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		struct wc_export *e = grow((void **)&c->exports, &c->nexports, sizeof(*e));
		if (!e)
			return WP_ENOMEM;
		if ((err = wc_read_extern_name(d->r, c, &e->name)) < 0 ||
		    (err = wc_read_sort(d->r, &e->sort)) < 0 || (err = wasm_read_u32(d->r, &e->idx)) < 0 ||
		    (err = wc_space_get(d->r, &d->s, e->sort, e->idx, &def)) < 0 ||
		    (err = wasm_read_u8(d->r, &has)) < 0)
			return err;
		if (e->sort < WC_FUNC && e->sort != WC_CORE_MODULE)
			return wasm_reader_fail(d->r, "export \"%s\" of a %s", e->name,
						wasm_component_sort_name(e->sort));
		if (has > 1)
			return wasm_reader_fail(d->r, "malformed optional extern descriptor");
		e->type = def->type;
		if (has) {
			memset(&ascribed, 0, sizeof(ascribed));
			if ((err = wc_read_externdesc(d->r, &d->s, &ascribed)) < 0)
				return err;
			if (ascribed.sort != e->sort)
				return wasm_reader_fail(d->r, "export \"%s\": ascribed type is a %s, the export a %s",
							e->name, wasm_component_sort_name(ascribed.sort),
							wasm_component_sort_name(e->sort));
			if (ascribed.type)
				e->type = ascribed.type;
		}
		for (k = 0; k + 1 < c->nexports; k++)
			if (!strcmp(c->exports[k].name, e->name))
				return wasm_reader_fail(d->r, "duplicate export \"%s\"", e->name);
		if (e->sort == WC_TYPE && e->type && !e->type->name)
			((struct wc_type *)e->type)->name = e->name;
		if ((err = wc_space_push(&d->s, e->sort, WC_FROM_EXPORT, c->nexports - 1, e->type)) < 0 ||
		    (err = add_item(d, 11, c->nexports - 1)) < 0)
			return err;
	}
	return 0;
}

static int section_start(struct decoder *d)
{
	const struct wc_def *def = NULL;
	uint32_t n, i, idx, results;
	int err;

	if (d->c->has_start)
		return wasm_reader_fail(d->r, "second component start section");
	if ((err = wasm_read_u32(d->r, &d->c->start_func)) < 0 ||
	    (err = wc_space_get(d->r, &d->s, WC_FUNC, d->c->start_func, &def)) < 0 ||
	    (err = wasm_read_count(d->r, 1, &n)) < 0)
		return err;
	for (i = 0; i < n; i++)
		if ((err = wasm_read_u32(d->r, &idx)) < 0 ||
		    (err = wc_space_get(d->r, &d->s, WC_VALUE, idx, &def)) < 0)
			return err;
	if ((err = wasm_read_u32(d->r, &results)) < 0)
		return err;
	if (results > 1)
		return wasm_reader_fail(d->r, "component start with %u results", results);
	d->c->has_start = 1;
	for (i = 0; i < results; i++)
		if ((err = wc_space_push(&d->s, WC_VALUE, WC_FROM_START, 0, NULL)) < 0)
			return err;
	return add_item(d, 9, 0);
}

/* ---- nested modules and components ---------------------------------- */

static int parse_scope(struct wasm_reader *r, struct wc_scope *outer, struct wasm_component *parent,
		       int depth, struct wasm_component **out);

static int section_module(struct decoder *d, struct wasm_reader *sec)
{
	struct wasm_component *c = d->c;
	struct wasm_module **slot, *m = NULL;
	size_t off = wasm_reader_offset(sec);
	int err;

	if ((err = wasm_module_decode(sec->p, wasm_reader_left(sec), WASM_DECODE_FACTS, &m)) < 0) {
		char why[400];
		snprintf(why, sizeof(why), "%s", wp_error_last());
		return wp_error_set(WP_EINVALID, "core module %u at offset %zu: %s", c->nmodules, off, why);
	}
	if (m->kind != WASM_KIND_MODULE) {
		wasm_module_free(m);
		return wp_error_set(WP_EINVALID, "core module %u at offset %zu is a component", c->nmodules, off);
	}
	if (!(slot = grow((void **)&c->modules, &c->nmodules, sizeof(*slot)))) {
		wasm_module_free(m);
		return WP_ENOMEM;
	}
	*slot = m;
	sec->p = sec->end;
	if ((err = wc_space_push(&d->s, WC_CORE_MODULE, WC_FROM_DEF, c->nmodules - 1, NULL)) < 0)
		return err;
	return add_item(d, 1, c->nmodules - 1);
}

static int section_component(struct decoder *d, struct wasm_reader *sec)
{
	struct wasm_component *c = d->c, **slot, *child = NULL;
	const uint8_t *p = sec->p;
	int err;

	if (d->s.depth + 1 >= WC_DEPTH_MAX)
		return wasm_reader_fail(sec, "components nested more than %d deep", WC_DEPTH_MAX);
	if (wasm_reader_left(sec) < 8 || memcmp(p, "\0asm", 4) || p[6] != 1 || p[7] != 0)
		return wasm_reader_fail(sec, "nested component has a bad preamble");
	sec->p += 8;
	if ((err = parse_scope(sec, &d->s, c, d->s.depth + 1, &child)) < 0)
		return err;
	if (!(slot = grow((void **)&c->components, &c->ncomponents, sizeof(*slot)))) {
		wasm_component_free(child);
		return WP_ENOMEM;
	}
	*slot = child;
	if ((err = wc_space_push(&d->s, WC_COMPONENT, WC_FROM_DEF, c->ncomponents - 1, NULL)) < 0)
		return err;
	return add_item(d, 4, c->ncomponents - 1);
}

static int section(struct decoder *d, uint8_t id, struct wasm_reader *sec)
{
	const char *name;

	switch (id) {
	case 0: /* custom: a name, then anything */
		if (wc_read_name(sec, d->c, &name) < 0)
			return WP_EINVALID;
		sec->p = sec->end;
		return 0;
	case 1: return section_module(d, sec);
	case 2: return section_instances(d, 1);
	case 3: return section_types(d, 1);
	case 4: return section_component(d, sec);
	case 5: return section_instances(d, 0);
	case 6: return section_aliases(d);
	case 7: return section_types(d, 0);
	case 8: return section_canon(d);
	case 9: return section_start(d);
	case 10: return section_imports(d);
	case 11: return section_exports(d);
	}
	return wasm_reader_fail(sec, "component value sections (a gated feature) are not supported");
}

static int parse_scope(struct wasm_reader *r, struct wc_scope *outer, struct wasm_component *parent,
		       int depth, struct wasm_component **out)
{
	struct decoder d;
	struct wasm_component *c = calloc(1, sizeof(*c));
	int err = 0, i;

	if (!c)
		return wp_error_set(WP_ENOMEM, "out of memory");
	memset(&d, 0, sizeof(d));
	d.c = c;
	d.s.outer = outer;
	d.s.depth = depth;
	d.s.c = c;
	c->parent = parent;
	while (!wasm_reader_eof(r)) {
		size_t off = wasm_reader_offset(r);
		struct wasm_reader sec;
		uint8_t id;
		uint32_t size;

		if ((err = wasm_read_u8(r, &id)) < 0 || (err = wasm_read_u32(r, &size)) < 0)
			break;
		if (size > wasm_reader_left(r)) {
			err = wp_error_set(WP_EINVALID, "component section %u: length %u past the end at offset %zu",
					   id, size, off);
			break;
		}
		if ((err = wasm_reader_sub(r, size, &sec)) < 0)
			break;
		if (id > WC_SEC_MAX + 1) {
			err = wp_error_set(WP_EINVALID, "malformed component section id %u at offset %zu", id, off);
			break;
		}
		d.r = &sec;
		if ((err = section(&d, id, &sec)) < 0)
			break;
		if (!wasm_reader_eof(&sec)) {
			err = wp_error_set(WP_EINVALID, "component section %u at offset %zu: %zu bytes left over",
					   id, off, wasm_reader_left(&sec));
			break;
		}
	}
	for (i = 0; i < WC_NSORTS; i++) {
		c->space[i] = d.s.space[i];
		c->nspace[i] = d.s.nspace[i];
	}
	if (err < 0) {
		wasm_component_free(c);
		return err;
	}
	*out = c;
	return 0;
}

int wasm_component_parse(struct wasm_reader *r, struct wasm_component **out)
{
	return parse_scope(r, NULL, NULL, 0, out);
}

void wasm_component_free(struct wasm_component *c)
{
	uint32_t i;

	if (!c)
		return;
	for (i = 0; i < c->nmodules; i++)
		wasm_module_free(c->modules[i]);
	for (i = 0; i < c->ncomponents; i++)
		wasm_component_free(c->components[i]);
	free(c->modules);
	free(c->components);
	free(c->core_instances);
	free(c->instances);
	free(c->aliases);
	free(c->canons);
	free(c->imports);
	free(c->exports);
	free(c->items);
	for (i = 0; i < WC_NSORTS; i++)
		free(c->space[i]);
	wc_arena_free(c->arena);
	free(c);
}
