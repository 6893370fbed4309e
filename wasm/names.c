/*
 * names.c - display names for module facts (see module.h).
 */
#include <stdio.h>
#include <string.h>

#include "module.h"

const char *wasm_kind_name(int kind)
{
	return kind == WASM_KIND_COMPONENT ? "component" : "module";
}

const char *wasm_wasi_name(int wasi)
{
	switch (wasi) {
	case WASM_WASI_PREVIEW1: return "preview1";
	case WASM_WASI_PREVIEW2: return "preview2";
	default: return "none";
	}
}

const char *wasm_extern_kind_name(int kind)
{
	switch (kind) {
	case WASM_EXTERN_FUNC: return "func";
	case WASM_EXTERN_TABLE: return "table";
	case WASM_EXTERN_MEMORY: return "memory";
	case WASM_EXTERN_GLOBAL: return "global";
	case WASM_EXTERN_TAG: return "tag";
	default: return "unknown";
	}
}

const char *wasm_valtype_name(int t)
{
	switch (t) {
	case WASM_I32: return "i32";
	case WASM_I64: return "i64";
	case WASM_F32: return "f32";
	case WASM_F64: return "f64";
	case WASM_V128: return "v128";
	case WASM_FUNCREF: return "funcref";
	case WASM_EXTERNREF: return "externref";
	case WASM_EXNREF: return "exnref";
	default: return "ref";
	}
}

const char *wasm_section_name(int id)
{
	static const char *names[] = {
		"custom", "type", "import", "function", "table", "memory", "global",
		"export", "start", "element", "code", "data", "datacount", "tag",
	};
	if (id >= 0 && (size_t)id < sizeof(names) / sizeof(names[0]))
		return names[id];
	return "unknown";
}

static void format_types(const uint8_t *t, uint32_t n, char *buf, size_t size)
{
	size_t used = strlen(buf);
	uint32_t i;

	if (used + 1 >= size)
		return;
	snprintf(buf + used, size - used, "(");
	for (i = 0; i < n; i++) {
		used = strlen(buf);
		snprintf(buf + used, size - used, "%s%s", i ? ", " : "", wasm_valtype_name(t[i]));
	}
	used = strlen(buf);
	snprintf(buf + used, size - used, ")");
}

void wasm_functype_format(const struct wasm_functype *t, char *buf, size_t size)
{
	if (!size)
		return;
	buf[0] = '\0';
	format_types(t->params, t->nparams, buf, size);
	snprintf(buf + strlen(buf), size - strlen(buf), " -> ");
	format_types(t->results, t->nresults, buf, size);
}
