/*
 * component.c - what packaging and inspection need from a component:
 * wasm_module_decode() hands a component binary here; it is parsed
 * completely (component_decode.c) and its top-level import and export
 * names and WASI level are recorded in the module facts.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "component.h"

static int copy_name(char ***list, uint32_t *n, const char *s)
{
	char **p = realloc(*list, ((size_t)*n + 1) * sizeof(**list));

	if (!p)
		return wp_error_set(WP_ENOMEM, "out of memory");
	*list = p;
	if (!(p[*n] = strdup(s)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	(*n)++;
	return 0;
}

int wasm_component_decode(struct wasm_reader *r, struct wasm_module *m)
{
	struct wasm_component *c = NULL;
	uint32_t i;
	int err;

	if ((err = wasm_component_parse(r, &c)) < 0)
		return err;
	m->component = c;
	for (i = 0; i < c->nimports; i++)
		if ((err = copy_name(&m->comp_imports, &m->ncomp_imports, c->imports[i].name)) < 0)
			return err;
	for (i = 0; i < c->nexports; i++)
		if ((err = copy_name(&m->comp_exports, &m->ncomp_exports, c->exports[i].name)) < 0)
			return err;
	for (i = 0; i < m->ncomp_imports; i++) {
		const char *n = m->comp_imports[i];
		if (!strncmp(n, "wasi:", 5) && strstr(n, "@0.2")) {
			m->wasi = WASM_WASI_PREVIEW2;
			break;
		}
	}
	return 0;
}
