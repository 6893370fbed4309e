/*
 * strip.c - drop debug custom sections (see strip.h).
 */
#include <string.h>

#include "../common/error.h"
#include "module.h"
#include "strip.h"

int wasm_custom_is_debug(const char *name, int keep_name)
{
	if (!name)
		return 0;
	if (!strncmp(name, ".debug_", 7) || !strcmp(name, "sourceMappingURL") ||
	    !strcmp(name, "external_debug_info"))
		return 1;
	return !keep_name && !strcmp(name, "name");
}

int wasm_strip_debug(const uint8_t *in, size_t len, int keep_name, struct wp_buf *out, size_t *removed)
{
	struct wasm_module *m = NULL;
	size_t dropped = 0, start = out->len;
	uint32_t i;
	int err;

	if ((err = wasm_module_decode(in, len, WASM_DECODE_FACTS, &m)) < 0)
		return err;
	if (m->kind != WASM_KIND_MODULE) {
		err = wp_buf_append(out, in, len);
		goto done;
	}
	/* the 8-byte header, then every section that is kept, in order */
	if ((err = wp_buf_append(out, in, 8)) < 0)
		goto done;
	for (i = 0; i < m->nsections; i++) {
		const struct wasm_section *s = &m->sections[i];
		if (s->id == WASM_SEC_CUSTOM && wasm_custom_is_debug(s->name, keep_name)) {
			dropped++;
			continue;
		}
		if ((err = wp_buf_append(out, in + s->offset, s->size)) < 0)
			goto done;
	}
done:
	if (err < 0)
		out->len = start;
	else if (removed)
		*removed = dropped;
	wasm_module_free(m);
	return err;
}
