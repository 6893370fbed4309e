/*
 * module.c - decode the sections of a WebAssembly core module (see
 * module.h).  Components are walked by component.c.
 *
 * The decoder checks everything the binary format requires (magic,
 * version, section order and sizes, LEB128 ranges, UTF-8 names, vector
 * counts, function/code count agreement) and records the structure.  It
 * does not type-check code: that is the validator's job.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "component.h"
#include "module.h"
#include "reader.h"

#define MAX_PARAMS 1000 /* the limits engines agree on */
#define MAX_LOCALS 50000
#define MAX_TABLES 100000

struct decoder {
	struct wasm_reader r;
	struct wasm_module *m;
	enum wasm_decode_mode mode;
	int nfunc_decl; /* function section count seen (-1 = none) */
};

static int is_numtype(uint8_t t)
{
	return t == WASM_I32 || t == WASM_I64 || t == WASM_F32 || t == WASM_F64 || t == WASM_V128;
}

static int is_reftype(uint8_t t)
{
	return t == WASM_FUNCREF || t == WASM_EXTERNREF;
}

/*
 * A value type.  In FACTS mode the reference types of the GC and
 * function-references proposals (0x63/0x64 heaptype, and the abstract
 * heap type shorthands 0x69..0x74) are accepted as WASM_OTHERREF.
 */
static int read_valtype(struct decoder *d, uint8_t *out)
{
	uint8_t t;
	int64_t ht;
	int err;

	if ((err = wasm_read_u8(&d->r, &t)) < 0)
		return err;
	if (is_numtype(t) || is_reftype(t)) {
		*out = t;
		return 0;
	}
	if (d->mode == WASM_DECODE_FACTS) {
		if (t == 0x63 || t == 0x64) {
			if ((err = wasm_read_s33(&d->r, &ht)) < 0)
				return err;
			*out = WASM_OTHERREF;
			return 0;
		}
		if (t >= 0x69 && t <= 0x74) {
			*out = WASM_OTHERREF;
			return 0;
		}
	}
	d->r.p--;
	return wasm_reader_fail(&d->r, "malformed value type 0x%02x", t);
}

static int read_reftype(struct decoder *d, uint8_t *out)
{
	int err;

	if ((err = read_valtype(d, out)) < 0)
		return err;
	if (!is_reftype(*out) && *out != WASM_OTHERREF) {
		d->r.p--;
		return wasm_reader_fail(&d->r, "malformed reference type");
	}
	return 0;
}

static int read_limits(struct decoder *d, struct wasm_limits *l, int memory)
{
	uint8_t flags;
	uint32_t v32;
	int err;

	memset(l, 0, sizeof(*l));
	if ((err = wasm_read_u8(&d->r, &flags)) < 0)
		return err;
	/* 2.0: 0x00 min, 0x01 min max.  Later: 0x02/0x03 shared (threads),
	 * 0x04..0x07 64-bit (memory64). */
	if (flags > 1 && (d->mode != WASM_DECODE_FACTS || !memory || flags > 7)) {
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

static int read_tabletype(struct decoder *d, struct wasm_tabletype *t)
{
	int err;

	if ((err = read_reftype(d, &t->reftype)) < 0)
		return err;
	return read_limits(d, &t->limits, 0);
}

static int read_globaltype(struct decoder *d, struct wasm_globaltype *g)
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
 * A constant expression.  WebAssembly 2.0 allows exactly one of
 * t.const, ref.null, ref.func, global.get, followed by `end`.  In FACTS
 * mode longer expressions of the extended-const proposal are skipped
 * (op = WASM_OP_NONE).
 */
static int read_const_expr(struct decoder *d, struct wasm_const_expr *e)
{
	struct wasm_reader *r = &d->r;
	uint8_t op;
	int n = 0, err;

	memset(e, 0, sizeof(*e));
	e->offset = (uint32_t)wasm_reader_offset(r);
	for (;;) {
		const uint8_t *at = r->p;
		struct wasm_const_expr cur;

		memset(&cur, 0, sizeof(cur));
		if ((err = wasm_read_u8(r, &op)) < 0)
			return err;
		if (op == 0x0b) /* end */
			break;
		cur.op = op;
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
		case 0xd0: /* ref.null */
			err = read_reftype(d, &cur.reftype);
			break;
		case 0xfd: {
			uint32_t sub;
			const uint8_t *bytes;
			if ((err = wasm_read_u32(r, &sub)) < 0)
				return err;
			if (sub != 12) {
				r->p = at;
				return wasm_reader_fail(r, "constant expression required");
			}
			if ((err = wasm_read_bytes(r, 16, &bytes)) < 0)
				return err;
			memcpy(cur.u.v128, bytes, 16);
			cur.op = WASM_OP_V128_CONST;
			break;
		}
		case 0x6a: case 0x6b: case 0x6c: /* i32.add/sub/mul */
		case 0x7c: case 0x7d: case 0x7e: /* i64.add/sub/mul */
			if (d->mode == WASM_DECODE_FACTS) {
				n = 2; /* extended-const: not a single constant */
				continue;
			}
			/* fallthrough */
		default:
			r->p = at;
			return wasm_reader_fail(r, "constant expression required (opcode 0x%02x)", op);
		}
		if (err < 0)
			return err;
		if (n++ == 0)
			*e = cur, e->offset = (uint32_t)(at - r->base);
	}
	if (n != 1) {
		if (d->mode == WASM_DECODE_FACTS) {
			e->op = WASM_OP_NONE;
			return 0;
		}
		return wp_error_set(WP_EINVALID,
				    "type mismatch: constant expression must be one instruction at offset %u",
				    e->offset);
	}
	return 0;
}

static int dup_name(struct decoder *d, char **out, uint32_t *out_len)
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

static int read_type_section(struct decoder *d)
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
	return 0;
}

static int read_import_section(struct decoder *d)
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
			if (d->mode == WASM_DECODE_FACTS) {
				uint8_t attr;
				if ((err = wasm_read_u8(&d->r, &attr)) == 0)
					err = wasm_read_u32(&d->r, &im->desc.tag_type);
				break;
			}
			/* fallthrough */
		default:
			d->r.p--;
			return wasm_reader_fail(&d->r, "malformed import kind 0x%02x", kind);
		}
		if (err < 0)
			return err;
	}
	return 0;
}

static int read_function_section(struct decoder *d)
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

static int read_table_section(struct decoder *d)
{
	struct wasm_module *m = d->m;
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&d->r, 2, &n)) < 0)
		return err;
	ALLOC_OR_FAIL(m->tables, n);
	for (i = 0; i < n; i++) {
		if ((err = read_tabletype(d, &m->tables[i])) < 0)
			return err;
		m->ntables = i + 1;
	}
	return 0;
}

static int read_memory_section(struct decoder *d)
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

static int read_global_section(struct decoder *d)
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

static int read_export_section(struct decoder *d)
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
		if (kind > WASM_EXTERN_GLOBAL &&
		    !(kind == WASM_EXTERN_TAG && d->mode == WASM_DECODE_FACTS)) {
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
static int read_elem(struct decoder *d, struct wasm_elem *e)
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
	/* flags 0 and 4 have no element kind / type: funcref implied */
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

static int read_element_section(struct decoder *d)
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

static int read_code_section(struct decoder *d)
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

static int read_data_section(struct decoder *d)
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

/* The position of each known section in the required order. */
static int section_rank(uint8_t id)
{
	switch (id) {
	case WASM_SEC_TYPE: return 1;
	case WASM_SEC_IMPORT: return 2;
	case WASM_SEC_FUNCTION: return 3;
	case WASM_SEC_TABLE: return 4;
	case WASM_SEC_MEMORY: return 5;
	case WASM_SEC_TAG: return 6;
	case WASM_SEC_GLOBAL: return 7;
	case WASM_SEC_EXPORT: return 8;
	case WASM_SEC_START: return 9;
	case WASM_SEC_ELEMENT: return 10;
	case WASM_SEC_DATACOUNT: return 11;
	case WASM_SEC_CODE: return 12;
	case WASM_SEC_DATA: return 13;
	default: return -1;
	}
}

static int read_section(struct decoder *d, uint8_t id)
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
		/* exception handling proposal (FACTS only): skip the contents */
		d->r.p = d->r.end;
		return 0;
	}
	return 0;
}

/* Record a section in the module's section list. */
static int add_section(struct wasm_module *m, uint8_t id, size_t off, size_t content_off,
		       size_t content_size, const char *name, uint32_t name_len)
{
	struct wasm_section *s;

	if ((m->nsections & (m->nsections - 1)) == 0) {
		size_t cap = m->nsections ? (size_t)m->nsections * 2 : 8;
		s = realloc(m->sections, cap * sizeof(*s));
		if (!s)
			return wp_error_set(WP_ENOMEM, "out of memory");
		m->sections = s;
	}
	s = &m->sections[m->nsections++];
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->offset = (uint32_t)off;
	s->content_offset = (uint32_t)content_off;
	s->content_size = (uint32_t)content_size;
	s->size = (uint32_t)(content_off + content_size - off);
	if (name) {
		s->name = strndup(name, name_len);
		if (!s->name)
			return wp_error_set(WP_ENOMEM, "out of memory");
	}
	return 0;
}

/*
 * Walk the sections of a core module after the 8-byte header.
 */
static int decode_core(struct decoder *d)
{
	struct wasm_module *m = d->m;
	struct wasm_reader top = d->r;
	int last_rank = 0, err;

	while (!wasm_reader_eof(&top)) {
		size_t off = wasm_reader_offset(&top);
		struct wasm_reader sec;
		uint8_t id;
		uint32_t size;
		int rank;

		if ((err = wasm_read_u8(&top, &id)) < 0 || (err = wasm_read_u32(&top, &size)) < 0)
			return err;
		if (size > wasm_reader_left(&top))
			return wp_error_set(WP_EINVALID,
					    "section %s: length %u past the end of the file at offset %zu",
					    wasm_section_name(id), size, off);
		if ((err = wasm_reader_sub(&top, size, &sec)) < 0)
			return err;
		if (id == WASM_SEC_CUSTOM) {
			const char *name;
			uint32_t name_len;
			size_t content = wasm_reader_offset(&sec);
			/* validate the name; the contents are skipped, not copied */
			if ((err = wasm_read_name(&sec, &name, &name_len)) < 0 ||
			    (err = add_section(m, id, off, content, size, name, name_len)) < 0)
				return err;
			continue;
		}
		rank = section_rank(id);
		if (rank < 0 || (id == WASM_SEC_TAG && d->mode != WASM_DECODE_FACTS))
			return wp_error_set(WP_EINVALID, "malformed section id %u at offset %zu", id, off);
		if (rank <= last_rank)
			return wp_error_set(WP_EINVALID,
					    "unexpected content after last section: %s section out of order at offset %zu",
					    wasm_section_name(id), off);
		last_rank = rank;
		if ((err = add_section(m, id, off, wasm_reader_offset(&sec), size, NULL, 0)) < 0)
			return err;
		d->r = sec;
		if ((err = read_section(d, id)) < 0)
			return err;
		if (!wasm_reader_eof(&d->r))
			return wasm_reader_fail(&d->r, "section size mismatch in %s section",
						wasm_section_name(id));
	}
	if (d->nfunc_decl > 0 && m->ncodes == 0)
		return wp_error_set(WP_EINVALID, "function and code section have inconsistent lengths");
	if (m->has_datacount && m->datacount != m->ndatas)
		return wp_error_set(WP_EINVALID, "data count and data section have inconsistent lengths");
	return 0;
}

static void infer_wasi_core(struct wasm_module *m)
{
	uint32_t i;

	for (i = 0; i < m->nimports; i++) {
		const char *mod = m->imports[i].module;
		if (!strcmp(mod, "wasi_snapshot_preview1") || !strcmp(mod, "wasi_unstable")) {
			m->wasi = WASM_WASI_PREVIEW1;
			return;
		}
	}
}

int wasm_is_binary(const uint8_t *data, size_t len)
{
	return len >= 4 && !memcmp(data, "\0asm", 4);
}

int wasm_module_decode(const uint8_t *data, size_t len, enum wasm_decode_mode mode,
		       struct wasm_module **out)
{
	struct wasm_module *m;
	struct decoder d;
	uint32_t version;
	int err;

	*out = NULL;
	if (len == 0)
		return wp_error_set(WP_EINVALID, "empty file (bad magic)");
	if (len < 4 || memcmp(data, "\0asm", 4) != 0)
		return wp_error_set(WP_EINVALID, "bad magic");
	if (len < 8)
		return wp_error_set(WP_EINVALID, "truncated header (unexpected end at offset %zu)", len);
	m = calloc(1, sizeof(*m));
	if (!m)
		return wp_error_set(WP_ENOMEM, "out of memory");
	m->bytes = data;
	m->size = len;
	version = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16 |
		  (uint32_t)data[7] << 24;
	m->version = version;
	memset(&d, 0, sizeof(d));
	wasm_reader_init(&d.r, data, len);
	d.r.p += 8;
	d.m = m;
	d.mode = mode;
	d.nfunc_decl = -1;
	if (version == 1) {
		m->kind = WASM_KIND_MODULE;
		err = decode_core(&d);
		if (err == 0)
			infer_wasi_core(m);
	} else if ((version & 0xffff) >= 0x0a && (version >> 16) == 1) {
		/* components: version 0x0d (and pre-release 0x0a..0x0c), layer 1 */
		m->kind = WASM_KIND_COMPONENT;
		err = wasm_component_decode(&d.r, m);
	} else {
		err = wp_error_set(WP_EINVALID, "unknown binary version 0x%08x", version);
	}
	if (err < 0) {
		wasm_module_free(m);
		return err;
	}
	*out = m;
	return 0;
}

void wasm_module_free(struct wasm_module *m)
{
	uint32_t i;

	if (!m)
		return;
	for (i = 0; i < m->ntypes; i++) {
		free(m->types[i].params);
		free(m->types[i].results);
	}
	free(m->types);
	for (i = 0; i < m->nimports; i++) {
		free(m->imports[i].module);
		free(m->imports[i].name);
	}
	free(m->imports);
	free(m->funcs);
	free(m->tables);
	free(m->memories);
	free(m->globals);
	for (i = 0; i < m->nexports; i++)
		free(m->exports[i].name);
	free(m->exports);
	for (i = 0; i < m->nelems; i++)
		free(m->elems[i].items);
	free(m->elems);
	free(m->codes);
	free(m->datas);
	for (i = 0; i < m->nsections; i++)
		free(m->sections[i].name);
	free(m->sections);
	for (i = 0; i < m->ncomp_imports; i++)
		free(m->comp_imports[i]);
	free(m->comp_imports);
	for (i = 0; i < m->ncomp_exports; i++)
		free(m->comp_exports[i]);
	free(m->comp_exports);
	free(m);
}

const struct wasm_export *wasm_module_find_export(const struct wasm_module *m,
						   const char *name, int kind)
{
	uint32_t i;

	for (i = 0; i < m->nexports; i++)
		if (m->exports[i].kind == kind && !strcmp(m->exports[i].name, name))
			return &m->exports[i];
	return NULL;
}

const struct wasm_functype *wasm_module_func_type(const struct wasm_module *m, uint32_t func)
{
	uint32_t type, i, seen = 0;

	if (func < m->nfunc_imports) {
		for (i = 0; i < m->nimports; i++) {
			if (m->imports[i].kind != WASM_EXTERN_FUNC)
				continue;
			if (seen++ == func) {
				type = m->imports[i].desc.func_type;
				return type < m->ntypes ? &m->types[type] : NULL;
			}
		}
		return NULL;
	}
	func -= m->nfunc_imports;
	if (func >= m->nfuncs)
		return NULL;
	type = m->funcs[func];
	return type < m->ntypes ? &m->types[type] : NULL;
}
