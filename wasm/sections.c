/*
 * sections.c - the readers of a core module's known sections (see
 * module.h): types, imports, functions, tables, memories, globals,
 * exports, element and data segments, code ranges, and the constant
 * expressions inside them.  module.c walks the sections and calls
 * wasm_decode_section() for each.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "decoder.h"

#define MAX_PARAMS 1000 /* the limits engines agree on */

static int is_numtype(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 || t == WASM_V128;
}

static int is_reftype(uint8_t t)
{
	return t == WASM_FUNCREF || t == WASM_EXTERNREF || t == WASM_EXNREF;
}

/*
 * A value type.  Typed references (0x64 (ref ht), 0x63 (ref null ht), the
 * bottom shorthands 0x71..0x74) are interned (reftype.c).  In FACTS mode
 * the reference types of GC (any, eq, i31, struct, array, none) are
 * accepted as WASM_OTHERREF.
 */
static int read_valtype(struct wasm_decoder *d, uint8_t *out)
{
	uint8_t t;
	int err;

	if ((err = wasm_read_u8(&d->r, &t)) < 0)
		return err;
	if (is_numtype(t) || is_reftype(t) || t == WASM_NULLFUNCREF || t == WASM_NULLEXTERNREF ||
	    t == WASM_NULLEXNREF) {
		*out = t;
		return 0;
	}
	if (t == 0x63 || t == 0x64)
		return wasm_read_heaptype_ref(&d->r, d->m, t == 0x63, d->mode == WASM_DECODE_FACTS, out);
	if (d->mode == WASM_DECODE_FACTS && t >= 0x69 && t <= 0x74) {
		*out = WASM_OTHERREF;
		return 0;
	}
	d->r.p--;
	return wasm_reader_fail(&d->r, "malformed value type 0x%02x", t);
}

static int read_reftype(struct wasm_decoder *d, uint8_t *out)
{
	int err;

	if ((err = read_valtype(d, out)) < 0)
		return err;
	if (!wasm_is_reftype(*out) && *out != WASM_OTHERREF) {
		d->r.p--;
		return wasm_reader_fail(&d->r, "malformed reference type");
	}
	return 0;
}

static int read_limits(struct wasm_decoder *d, struct wasm_limits *l, int memory)
{
	uint8_t flags;
	uint32_t v32;
	int err;

	memset(l, 0, sizeof(*l));
	if ((err = wasm_read_u8(&d->r, &flags)) < 0)
		return err;
	/* 2.0: 0x00 min, 0x01 min max; 3.0: 0x04/0x05 the same with 64-bit
	 * addresses (memory64, table64).  0x02/0x03/0x06/0x07 shared (threads): only
	 * tolerated in FACTS mode. */
	if (flags > 1 && (flags > 7 || (!memory && (flags & 2)) ||
			  ((flags & 2) && d->mode != WASM_DECODE_FACTS))) {
		d->r.p--;
		return wasm_reader_fail(&d->r, "integer too large (limits flags 0x%02x)", flags);
	}
	l->has_max = flags & 1;
	l->shared = (flags >> 1) & 1;
	l->is64 = (flags >> 2) & 1;
	if (l->is64) {
		if ((err = wasm_read_u64(&d->r, &l->min)) < 0)
			return err;
		if (l->has_max && (err = wasm_read_u64(&d->r, &l->max)) < 0)
			return err;
		return 0;
	}
	if ((err = wasm_read_u32(&d->r, &v32)) < 0)
		return err;
	l->min = v32;
	if (l->has_max) {
		if ((err = wasm_read_u32(&d->r, &v32)) < 0)
			return err;
		l->max = v32;
	}
	return 0;
}

static int read_tabletype(struct wasm_decoder *d, struct wasm_tabletype *t)
{
	int err;

	if ((err = read_reftype(d, &t->reftype)) < 0)
		return err;
	return read_limits(d, &t->limits, 0);
}

static int read_globaltype(struct wasm_decoder *d, struct wasm_globaltype *g)
{
	uint8_t mut;
	int err;

	if ((err = read_valtype(d, &g->valtype)) < 0)
		return err;
	if ((err = wasm_read_u8(&d->r, &mut)) < 0)
		return err;
	if (mut > 1) {
		d->r.p--;
		return wasm_reader_fail(&d->r, "malformed mutability");
	}
	g->mutable_ = mut;
	return 0;
}

/*
 * A constant expression: one of t.const, ref.null, ref.func, global.get,
 * or (extended constant expressions, WebAssembly 3.0) a sequence of those
 * and i32/i64 add, sub, mul, followed by `end`.  The validator checks the
 * sequence's types.  In FACTS mode a sequence is skipped
 * (op = WASM_OP_NONE).
 */
static int read_const_expr(struct wasm_decoder *d, struct wasm_const_expr *e)
{
	struct wasm_reader *r = &d->r;
	struct wasm_const_expr *v = NULL, first;
	uint32_t n = 0, cap = 0, start = (uint32_t)wasm_reader_offset(r);
	int arith = 0, err = 0;
	uint8_t op;

	memset(e, 0, sizeof(*e));
	memset(&first, 0, sizeof(first));
	for (;;) {
		const uint8_t *at = r->p;
		struct wasm_const_expr cur;

		memset(&cur, 0, sizeof(cur));
		if ((err = wasm_read_u8(r, &op)) < 0)
			goto fail;
		if (op == 0x0b) /* end */
			break;
		cur.op = op;
		cur.offset = (uint32_t)(at - r->base);
		switch (op) {
		case 0x41:
			err = wasm_read_s32(r, &cur.u.i32);
			break;
		case 0x42:
			err = wasm_read_s64(r, &cur.u.i64);
			break;
		case 0x43:
			err = wasm_read_fixed32(r, &cur.u.f32);
			break;
		case 0x44:
			err = wasm_read_fixed64(r, &cur.u.f64);
			break;
		case 0x23: /* global.get */
		case 0xd2: /* ref.func */
			err = wasm_read_u32(r, &cur.u.index);
			break;
		case 0xd0: /* ref.null: a heap type */
			err = wasm_read_heaptype_ref(r, d->m, 1, d->mode == WASM_DECODE_FACTS, &cur.reftype);
			break;
		case 0xfd: {
			uint32_t sub;
			const uint8_t *bytes;
			if ((err = wasm_read_u32(r, &sub)) < 0)
				goto fail;
			if (sub != 12) {
				r->p = at;
				err = wasm_reader_fail(r, "constant expression required");
				goto fail;
			}
			if ((err = wasm_read_bytes(r, 16, &bytes)) < 0)
				goto fail;
			memcpy(cur.u.v128, bytes, 16);
			cur.op = WASM_OP_V128_CONST;
			break;
		}
		case 0x6a: case 0x6b: case 0x6c: /* i32.add/sub/mul */
		case 0x7c: case 0x7d: case 0x7e: /* i64.add/sub/mul */
			arith = 1;
			break;
		default:
			r->p = at;
			err = wasm_reader_fail(r, "constant expression required (opcode 0x%02x)", op);
			goto fail;
		}
		if (err < 0)
			goto fail;
		if (n == 0)
			first = cur;
		if (d->mode != WASM_DECODE_FACTS) {
			if (n == cap) {
				struct wasm_const_expr *nv;
				cap = cap ? 2 * cap : 4;
				if (!(nv = realloc(v, cap * sizeof(*v)))) {
					err = wp_error_set(WP_ENOMEM, "out of memory");
					goto fail;
				}
				v = nv;
			}
			v[n] = cur;
		}
		n++;
	}
	if (n == 1 && !arith) {
		*e = first;
		free(v);
		return 0;
	}
	if (d->mode == WASM_DECODE_FACTS) {
		e->op = WASM_OP_NONE;
		e->offset = start;
		return 0;
	}
	if (n == 0) {
		err = wp_error_set(WP_EINVALID, "type mismatch: empty constant expression at offset %u", start);
		goto fail;
	}
	e->op = WASM_OP_EXTENDED;
	e->offset = v[0].offset;
	e->more = v;
	e->nmore = n;
	return 0;
fail:
	free(v);
	return err;
}

static int dup_name(struct wasm_decoder *d, char **out, uint32_t *out_len)
{
	const char *s;
	uint32_t len;
	int err;

	if ((err = wasm_read_name(&d->r, &s, &len)) < 0)
		return err;
	*out = malloc((size_t)len + 1);
	if (!*out)
		return wp_error_set(WP_ENOMEM, "out of memory");
	memcpy(*out, s, len);
	(*out)[len] = '\0';
	if (out_len)
		*out_len = len;
	return 0;
}

static void *alloc_array(uint32_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

#define ALLOC_OR_FAIL(ptr, n)                                                     \
	do {                                                                      \
		(ptr) = alloc_array((n), sizeof(*(ptr)));                         \
		if (!(ptr))                                                       \
			return wp_error_set(WP_ENOMEM, "out of memory");          \
	} while (0)

static int read_type_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i, k;
	int err;

	if ((err = wasm_read_count(&d->r, 3, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->types, n);
	for (i = 0; i < n; i++) {
		struct wasm_functype *t = &m->types[i];
		uint8_t form;

		if ((err = wasm_read_u8(&d->r, &form)) < 0)
			return err;
		if (form != 0x60) {
			d->r.p--;
			return wasm_reader_fail(&d->r, "malformed function type 0x%02x", form);
		}
		if ((err = wasm_read_count(&d->r, 1, &t->nparams)) < 0)
			return err;
		ALLOC_OR_FAIL(t->params, t->nparams);
		m->ntypes = i + 1;
		for (k = 0; k < t->nparams; k++)
			if ((err = read_valtype(d, &t->params[k])) < 0)
				return err;
		if ((err = wasm_read_count(&d->r, 1, &t->nresults)) < 0)
			return err;
		ALLOC_OR_FAIL(t->results, t->nresults);
		for (k = 0; k < t->nresults; k++)
			if ((err = read_valtype(d, &t->results[k])) < 0)
				return err;
		if (t->nparams > MAX_PARAMS || t->nresults > MAX_PARAMS)
			return wasm_reader_fail(&d->r, "function type has too many values");
	}
	return wasm_types_canonicalize(m);
}

/* A tag type (exception handling): attribute 0 (an exception), then the
 * index of its function type (the payload is the type's parameters). */
static int read_tagtype(struct wasm_decoder *d, uint32_t *type)
{
	uint8_t attr;
	int err;

	if ((err = wasm_read_u8(&d->r, &attr)) < 0)
		return err;
	if (attr != 0) {
		d->r.p--;
		return wasm_reader_fail(&d->r, "malformed tag attribute 0x%02x", attr);
	}
	return wasm_read_u32(&d->r, type);
}

static int read_import_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 4, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->imports, n);
	for (i = 0; i < n; i++) {
		struct wasm_import *im = &m->imports[i];
		uint8_t kind;

		m->nimports = i + 1;
		if ((err = dup_name(d, &im->module, &im->module_len)) < 0 ||
		    (err = dup_name(d, &im->name, &im->name_len)) < 0 ||
		    (err = wasm_read_u8(&d->r, &kind)) < 0)
			return err;
		im->kind = kind;
		switch (kind) {
		case WASM_EXTERN_FUNC:
			err = wasm_read_u32(&d->r, &im->desc.func_type);
			m->nfunc_imports++;
			break;
		case WASM_EXTERN_TABLE:
			err = read_tabletype(d, &im->desc.table);
			m->ntable_imports++;
			break;
		case WASM_EXTERN_MEMORY:
			err = read_limits(d, &im->desc.memory, 1);
			m->nmemory_imports++;
			break;
		case WASM_EXTERN_GLOBAL:
			err = read_globaltype(d, &im->desc.global);
			m->nglobal_imports++;
			break;
		case WASM_EXTERN_TAG:
			err = read_tagtype(d, &im->desc.tag_type);
			m->ntag_imports++;
			break;
		default:
			d->r.p--;
			return wasm_reader_fail(&d->r, "malformed import kind 0x%02x", kind);
		}
		if (err < 0)
			return err;
	}
	return 0;
}

static int read_tag_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 2, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->tags, n);
	for (i = 0; i < n; i++) {
		if ((err = read_tagtype(d, &m->tags[i])) < 0)
			return err;
		m->ntags = i + 1;
	}
	return 0;
}

static int read_function_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 1, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->funcs, n);
	for (i = 0; i < n; i++)
		if ((err = wasm_read_u32(&d->r, &m->funcs[i])) < 0)
			return err;
	m->nfuncs = n;
	d->nfunc_decl = (int)n;
	return 0;
}

static int read_table_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 2, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->tables, n);
	ALLOC_OR_FAIL(m->table_inits, n);
	for (i = 0; i < n; i++) {
		/* 0x40 0x00: a table with an initialiser expression (3.0) */
		int init = d->r.p < d->r.end && *d->r.p == 0x40;
		uint8_t prefix, zero;
		if (init && ((err = wasm_read_u8(&d->r, &prefix)) < 0 || (err = wasm_read_u8(&d->r, &zero)) < 0))
			return err;
		if (init && zero != 0)
			return wasm_reader_fail(&d->r, "malformed table type");
		if ((err = read_tabletype(d, &m->tables[i])) < 0)
			return err;
		m->ntables = i + 1;
		if (init && (err = read_const_expr(d, &m->table_inits[i])) < 0)
			return err;
	}
	return 0;
}

static int read_memory_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 2, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->memories, n);
	for (i = 0; i < n; i++) {
		if ((err = read_limits(d, &m->memories[i], 1)) < 0)
			return err;
		m->nmemories = i + 1;
	}
	return 0;
}

static int read_global_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 3, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->globals, n);
	for (i = 0; i < n; i++) {
		if ((err = read_globaltype(d, &m->globals[i].type)) < 0 ||
		    (err = read_const_expr(d, &m->globals[i].init)) < 0)
			return err;
		m->nglobals = i + 1;
	}
	return 0;
}

static int read_export_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i, k;
	int err;

	if ((err = wasm_read_count(&d->r, 3, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->exports, n);
	for (i = 0; i < n; i++) {
		struct wasm_export *e = &m->exports[i];
		uint8_t kind;

		m->nexports = i + 1;
		if ((err = dup_name(d, &e->name, &e->name_len)) < 0 ||
		    (err = wasm_read_u8(&d->r, &kind)) < 0)
			return err;
		if (kind > WASM_EXTERN_TAG) {
			d->r.p--;
			return wasm_reader_fail(&d->r, "malformed export kind 0x%02x", kind);
		}
		e->kind = kind;
		if ((err = wasm_read_u32(&d->r, &e->index)) < 0)
			return err;
		for (k = 0; k < i; k++)
			if (m->exports[k].name_len == e->name_len &&
			    !memcmp(m->exports[k].name, e->name, e->name_len))
				return wp_error_set(WP_EINVALID, "duplicate export name \"%s\"", e->name);
	}
	return 0;
}

/*
 * Element segments: eight encodings selected by a flags field
 *   bit 0: passive or declarative (else active)
 *   bit 1: active with an explicit table index / declarative (with bit 0)
 *   bit 2: items are expressions (else function indices)
 */
static int read_elem(struct wasm_decoder *d, struct wasm_elem *e)
{
	uint32_t flags, i;
	int err;

	if ((err = wasm_read_u32(&d->r, &flags)) < 0)
		return err;
	if (flags > 7)
		return wasm_reader_fail(&d->r, "malformed elements segment kind %u", flags);
	e->reftype = WASM_FUNCREF;
	if (flags & 1)
		e->mode = (flags & 2) ? WASM_SEGMENT_DECLARATIVE : WASM_SEGMENT_PASSIVE;
	else
		e->mode = WASM_SEGMENT_ACTIVE;
	if (e->mode == WASM_SEGMENT_ACTIVE) {
		if ((flags & 2) && (err = wasm_read_u32(&d->r, &e->table)) < 0)
			return err;
		if ((err = read_const_expr(d, &e->offset)) < 0)
			return err;
	}
	/* function indices are (ref func) (3.0); flags 0 and 4 have no
	 * element kind / type: (ref func) and funcref implied */
	if (!(flags & 4) && !(e->reftype = wasm_ref_intern(d->m, 0, WASM_FUNCREF, 0)))
		return wasm_reader_fail(&d->r, "%s", wp_error_last());
	if (flags & 3) {
		if (flags & 4) {
			if ((err = read_reftype(d, &e->reftype)) < 0)
				return err;
		} else {
			uint8_t elemkind;
			if ((err = wasm_read_u8(&d->r, &elemkind)) < 0)
				return err;
			if (elemkind != 0x00)
				return wasm_reader_fail(&d->r, "malformed element kind");
		}
	}
	if ((err = wasm_read_count(&d->r, 1, &e->count)) < 0)
		return err;
	ALLOC_OR_FAIL(e->items, e->count);
	for (i = 0; i < e->count; i++) {
		struct wasm_const_expr *it = &e->items[i];
		if (flags & 4) {
			if ((err = read_const_expr(d, it)) < 0)
				return err;
		} else {
			it->offset = (uint32_t)wasm_reader_offset(&d->r);
			it->op = 0xd2; /* ref.func */
			if ((err = wasm_read_u32(&d->r, &it->u.index)) < 0)
				return err;
		}
	}
	return 0;
}

static int read_element_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 2, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->elems, n);
	for (i = 0; i < n; i++) {
		m->nelems = i + 1;
		if ((err = read_elem(d, &m->elems[i])) < 0)
			return err;
	}
	return 0;
}

static int read_code_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 1, &n)) < 0)
		return err;
	if ((d->nfunc_decl < 0 ? 0 : (uint32_t)d->nfunc_decl) != n)
		return wasm_reader_fail(&d->r, "function and code section have inconsistent lengths");
	ALLOC_OR_FAIL(m->codes, n);
	for (i = 0; i < n; i++) {
		struct wasm_code *c = &m->codes[i];
		uint32_t size;

		if ((err = wasm_read_u32(&d->r, &size)) < 0)
			return err;
		c->offset = (uint32_t)wasm_reader_offset(&d->r);
		if ((err = wasm_read_bytes(&d->r, size, &c->body)) < 0)
			return err;
		c->size = size;
		m->ncodes = i + 1;
	}
	return 0;
}

static int read_data_section(struct wasm_decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 1, &n)) < 0)
		return err;
	if (m->has_datacount && m->datacount != n)
		return wasm_reader_fail(&d->r, "data count and data section have inconsistent lengths");
	ALLOC_OR_FAIL(m->datas, n);
	for (i = 0; i < n; i++) {
		struct wasm_data *s = &m->datas[i];
		uint32_t flags;

		m->ndatas = i + 1;
		if ((err = wasm_read_u32(&d->r, &flags)) < 0)
			return err;
		if (flags > 2)
			return wasm_reader_fail(&d->r, "malformed data segment kind %u", flags);
		s->mode = flags == 1 ? WASM_SEGMENT_PASSIVE : WASM_SEGMENT_ACTIVE;
		if (flags == 2 && (err = wasm_read_u32(&d->r, &s->memory)) < 0)
			return err;
		if (flags != 1 && (err = read_const_expr(d, &s->offset)) < 0)
			return err;
		if ((err = wasm_read_u32(&d->r, &s->len)) < 0 ||
		    (err = wasm_read_bytes(&d->r, s->len, &s->bytes)) < 0)
			return err;
	}
	return 0;
}

int wasm_decode_section(struct wasm_decoder *d, uint8_t id)
{
	struct wasm_module *m = d->m;
	uint32_t n;
	int err;

	switch (id) {
	case WASM_SEC_TYPE:
		return read_type_section(d);
	case WASM_SEC_IMPORT:
		return read_import_section(d);
	case WASM_SEC_FUNCTION:
		return read_function_section(d);
	case WASM_SEC_TABLE:
		return read_table_section(d);
	case WASM_SEC_MEMORY:
		return read_memory_section(d);
	case WASM_SEC_GLOBAL:
		return read_global_section(d);
	case WASM_SEC_EXPORT:
		return read_export_section(d);
	case WASM_SEC_START:
		m->has_start = 1;
		return wasm_read_u32(&d->r, &m->start);
	case WASM_SEC_ELEMENT:
		return read_element_section(d);
	case WASM_SEC_CODE:
		return read_code_section(d);
	case WASM_SEC_DATA:
		return read_data_section(d);
	case WASM_SEC_DATACOUNT:
		if ((err = wasm_read_u32(&d->r, &n)) < 0)
			return err;
		m->has_datacount = 1;
		m->datacount = n;
		return 0;
	case WASM_SEC_TAG:
		return read_tag_section(d);
	}
	return 0;
}
