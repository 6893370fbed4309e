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
#include "decoder.h"

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
static int decode_core(struct wasm_decoder *d)
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
		if (rank < 0)
			return wp_error_set(WP_EINVALID, "malformed section id %u at offset %zu", id, off);
		if (rank <= last_rank)
			return wp_error_set(WP_EINVALID,
					    "unexpected content after last section: %s section out of order at offset %zu",
					    wasm_section_name(id), off);
		last_rank = rank;
		if ((err = add_section(m, id, off, wasm_reader_offset(&sec), size, NULL, 0)) < 0)
			return err;
		d->r = sec;
		if ((err = wasm_decode_section(d, id)) < 0)
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
	struct wasm_decoder d;
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
		err = wasm_reftypes_new(m);
		if (err == 0)
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

static void const_release(struct wasm_const_expr *e)
{
	free(e->more);
	e->more = NULL;
	e->nmore = 0;
}

void wasm_module_free(struct wasm_module *m)
{
	uint32_t i, k;

	if (!m)
		return;
	for (i = 0; i < m->ntypes; i++) {
		free(m->types[i].params);
		free(m->types[i].results);
	}
	free(m->types);
	wasm_reftypes_free(m);
	for (i = 0; i < m->nimports; i++) {
		free(m->imports[i].module);
		free(m->imports[i].name);
	}
	free(m->imports);
	free(m->funcs);
	for (i = 0; m->table_inits && i < m->ntables; i++)
		const_release(&m->table_inits[i]);
	free(m->table_inits);
	free(m->tables);
	free(m->memories);
	free(m->tags);
	for (i = 0; m->globals && i < m->nglobals; i++)
		const_release(&m->globals[i].init);
	free(m->globals);
	for (i = 0; i < m->nexports; i++)
		free(m->exports[i].name);
	free(m->exports);
	for (i = 0; m->elems && i < m->nelems; i++) {
		const_release(&m->elems[i].offset);
		for (k = 0; m->elems[i].items && k < m->elems[i].count; k++)
			const_release(&m->elems[i].items[k]);
		free(m->elems[i].items);
	}
	free(m->elems);
	free(m->codes);
	for (i = 0; m->datas && i < m->ndatas; i++)
		const_release(&m->datas[i].offset);
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
	wasm_component_free(m->component);
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
