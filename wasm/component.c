/*
 * component.c - what packaging and inspection need from a component:
 * wasm_module_decode() hands a component binary here; it is parsed
 * completely (component_decode.c) and its top-level import and export
 * names and WASI level are recorded in the module facts.
 */
#include <stdio.h>
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

/* The WASI 0.2 worlds a component can be recognised as targeting: the one
 * interface it must export, and the packages (or interfaces) its imports
 * may come from. */
static const struct world {
	const char *name, *export;
	const char *const imports[8];
} worlds[] = {
	{"wasi:cli/command", "wasi:cli/run",
	 {"wasi:cli/", "wasi:io/", "wasi:clocks/", "wasi:filesystem/", "wasi:random/", "wasi:sockets/"}},
	{"wasi:http/proxy", "wasi:http/incoming-handler",
	 {"wasi:http/", "wasi:io/", "wasi:clocks/", "wasi:random/random@", "wasi:cli/stdout@",
	  "wasi:cli/stderr@", "wasi:cli/stdin@"}},
};

/* "ns:pkg/iface@0.2.x" with this interface prefix: the version, else NULL. */
static const char *version_of(const char *name, const char *iface)
{
	size_t n = strlen(iface);

	if (strncmp(name, iface, n) || name[n] != '@' || strncmp(name + n + 1, "0.2.", 4))
		return NULL;
	return name + n + 1;
}

static int import_allowed(const struct world *w, const char *name)
{
	size_t k;

	for (k = 0; k < 8 && w->imports[k]; k++)
		if (!strncmp(name, w->imports[k], strlen(w->imports[k])) && strstr(name, "@0.2."))
			return 1;
	return 0;
}

int wasm_component_target(const struct wasm_module *m, char *buf, size_t size)
{
	const char *ver;
	size_t w;
	uint32_t i;

	if (m->kind != WASM_KIND_COMPONENT || m->ncomp_exports != 1)
		return 0;
	for (w = 0; w < sizeof(worlds) / sizeof(worlds[0]); w++) {
		if (!(ver = version_of(m->comp_exports[0], worlds[w].export)))
			continue;
		for (i = 0; i < m->ncomp_imports; i++)
			if (!import_allowed(&worlds[w], m->comp_imports[i]))
				break;
		if (i < m->ncomp_imports)
			continue;
		snprintf(buf, size, "%s@%s", worlds[w].name, ver);
		return 1;
	}
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
