/*
 * component.c - walk a component binary (see component.h).
 *
 * Only the top-level import (10) and export (11) sections are decoded;
 * every other section (nested core modules and components, instances,
 * aliases, types, canonical functions, start) is bounded and skipped.
 * Encoding facts from the component model's Binary.md.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "component.h"

#define COMP_SEC_MAX 11

static int push_name(char ***list, uint32_t *n, const char *s, uint32_t len)
{
	char **p = realloc(*list, ((size_t)*n + 1) * sizeof(**list));

	if (!p)
		return wp_error_set(WP_ENOMEM, "out of memory");
	*list = p;
	p[*n] = strndup(s, len);
	if (!p[*n])
		return wp_error_set(WP_ENOMEM, "out of memory");
	(*n)++;
	return 0;
}

/* importname' / exportname': 0x00 name | 0x01 name versionsuffix */
static int read_extern_name(struct wasm_reader *r, const char **s, uint32_t *len)
{
	const char *suffix;
	uint32_t suffix_len;
	uint8_t tag;
	int err;

	if ((err = wasm_read_u8(r, &tag)) < 0)
		return err;
	if (tag > 1)
		return wasm_reader_fail(r, "malformed component extern name 0x%02x", tag);
	if ((err = wasm_read_name(r, s, len)) < 0)
		return err;
	if (tag == 1)
		return wasm_read_name(r, &suffix, &suffix_len);
	return 0;
}

/* externdesc: what kind of thing is imported or exported. */
static int read_externdesc(struct wasm_reader *r)
{
	uint8_t tag, b;
	uint32_t idx;
	int64_t vt;
	int err;

	if ((err = wasm_read_u8(r, &tag)) < 0)
		return err;
	switch (tag) {
	case 0x00: /* core module: 0x11 typeidx */
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		if (b != 0x11)
			return wasm_reader_fail(r, "malformed core module type");
		return wasm_read_u32(r, &idx);
	case 0x01: /* func */
	case 0x04: /* component */
	case 0x05: /* instance */
		return wasm_read_u32(r, &idx);
	case 0x02: /* value bound: 0x00 valueidx | 0x01 valtype */
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		if (b == 0x00)
			return wasm_read_u32(r, &idx);
		if (b == 0x01)
			return wasm_read_s33(r, &vt);
		return wasm_reader_fail(r, "malformed value bound");
	case 0x03: /* type bound: 0x00 eq typeidx | 0x01 sub resource */
		if ((err = wasm_read_u8(r, &b)) < 0)
			return err;
		if (b == 0x00)
			return wasm_read_u32(r, &idx);
		if (b == 0x01)
			return 0;
		return wasm_reader_fail(r, "malformed type bound");
	}
	return wasm_reader_fail(r, "malformed component extern descriptor 0x%02x", tag);
}

static int read_imports(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n, i, len;
	const char *s;
	int err;

	if ((err = wasm_read_count(r, 3, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		if ((err = read_extern_name(r, &s, &len)) < 0 ||
		    (err = read_externdesc(r)) < 0 ||
		    (err = push_name(&m->comp_imports, &m->ncomp_imports, s, len)) < 0)
			return err;
	}
	return 0;
}

static int read_exports(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t n, i, len, idx;
	const char *s;
	uint8_t sort, core_sort, has_desc;
	int err;

	if ((err = wasm_read_count(r, 4, &n)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		if ((err = read_extern_name(r, &s, &len)) < 0 ||
		    (err = wasm_read_u8(r, &sort)) < 0)
			return err;
		if (sort == 0x00 && (err = wasm_read_u8(r, &core_sort)) < 0)
			return err;
		if (sort > 0x05)
			return wasm_reader_fail(r, "malformed component sort 0x%02x", sort);
		if ((err = wasm_read_u32(r, &idx)) < 0 || (err = wasm_read_u8(r, &has_desc)) < 0)
			return err;
		if (has_desc > 1)
			return wasm_reader_fail(r, "malformed optional extern descriptor");
		if (has_desc && (err = read_externdesc(r)) < 0)
			return err;
		if ((err = push_name(&m->comp_exports, &m->ncomp_exports, s, len)) < 0)
			return err;
	}
	return 0;
}

int wasm_component_decode(struct wasm_reader *r, struct wasm_module *m)
{
	uint32_t i;
	int err;

	while (!wasm_reader_eof(r)) {
		size_t off = wasm_reader_offset(r);
		struct wasm_reader sec;
		uint8_t id;
		uint32_t size;

		if ((err = wasm_read_u8(r, &id)) < 0 || (err = wasm_read_u32(r, &size)) < 0)
			return err;
		if (size > wasm_reader_left(r))
			return wp_error_set(WP_EINVALID,
					    "component section %u: length %u past the end of the file at offset %zu",
					    id, size, off);
		if ((err = wasm_reader_sub(r, size, &sec)) < 0)
			return err;
		if (id > COMP_SEC_MAX)
			return wp_error_set(WP_EINVALID, "malformed component section id %u at offset %zu",
					    id, off);
		if (id == 0) {
			const char *name;
			uint32_t len;
			if ((err = wasm_read_name(&sec, &name, &len)) < 0)
				return err;
		} else if (id == 10) {
			if ((err = read_imports(&sec, m)) < 0)
				return err;
		} else if (id == 11) {
			if ((err = read_exports(&sec, m)) < 0)
				return err;
		} else if (id == 1 || id == 4) {
			/* nested core module / component: must at least start
			 * with the magic */
			if (size < 8 || memcmp(sec.p, "\0asm", 4) != 0)
				return wp_error_set(WP_EINVALID,
						    "nested module in component has bad magic at offset %zu",
						    wasm_reader_offset(&sec));
		}
		(void)off;
	}
	for (i = 0; i < m->ncomp_imports; i++) {
		const char *n = m->comp_imports[i];
		if (!strncmp(n, "wasi:", 5) && strstr(n, "@0.2")) {
			m->wasi = WASM_WASI_PREVIEW2;
			break;
		}
	}
	return 0;
}
