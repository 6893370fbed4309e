/*
 * component_wit.c - a component's world as WIT-like text (what `wasmpack
 * inspect` shows): interface imports and exports by their qualified names
 * ("import wasi:cli/environment@0.2.12;", the lines `jco wit` prints for
 * them), functions with their WIT signatures, plain-named instances with
 * their functions, and type imports/exports.
 */
#include <stdio.h>
#include <string.h>

#include "component.h"

struct out {
	char *p;
	size_t left;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->left <= 1)
		return;
	if (n >= o->left)
		n = o->left - 1;
	memcpy(o->p, s, n);
	o->p += n;
	o->left -= n;
	*o->p = '\0';
}

static const char *prim_name(uint8_t p)
{
	switch (p) {
	case WC_BOOL: return "bool";
	case WC_S8: return "s8";
	case WC_U8: return "u8";
	case WC_S16: return "s16";
	case WC_U16: return "u16";
	case WC_S32: return "s32";
	case WC_U32: return "u32";
	case WC_S64: return "s64";
	case WC_U64: return "u64";
	case WC_F32: return "f32";
	case WC_F64: return "f64";
	case WC_CHAR: return "char";
	case WC_STRING: return "string";
	case WC_ERROR_CONTEXT: return "error-context";
	}
	return "?";
}

static void fmt_valtype(struct out *o, struct wc_valtype vt, int depth);

static void fmt_opt(struct out *o, uint8_t has, struct wc_valtype vt, int depth)
{
	if (has)
		fmt_valtype(o, vt, depth);
	else
		put(o, "_");
}

static void fmt_fields(struct out *o, const struct wc_type *t, int labels, int types, int depth)
{
	uint32_t k;

	for (k = 0; k < t->nfields; k++) {
		if (k)
			put(o, ", ");
		if (labels && t->fields[k].name)
			put(o, t->fields[k].name);
		if (types && t->fields[k].has_type) {
			if (labels)
				put(o, t->kind == WC_T_VARIANT ? "(" : ": ");
			fmt_valtype(o, t->fields[k].vt, depth + 1);
			if (labels && t->kind == WC_T_VARIANT)
				put(o, ")");
		}
	}
}

static void fmt_type(struct out *o, const struct wc_type *t, int depth)
{
	char num[16];

	switch (t->kind) {
	case WC_T_PRIM: put(o, prim_name(t->prim)); return;
	case WC_T_LIST:
		put(o, "list<");
		fmt_valtype(o, t->a, depth + 1);
		if (t->len) {
			snprintf(num, sizeof(num), ", %u", t->len);
			put(o, num);
		}
		put(o, ">");
		return;
	case WC_T_OPTION: put(o, "option<"); fmt_valtype(o, t->a, depth + 1); put(o, ">"); return;
	case WC_T_RESULT:
		put(o, "result");
		if (!t->has_a && !t->has_b)
			return;
		put(o, "<");
		fmt_opt(o, t->has_a, t->a, depth + 1);
		if (t->has_b) {
			put(o, ", ");
			fmt_valtype(o, t->b, depth + 1);
		}
		put(o, ">");
		return;
	case WC_T_TUPLE: put(o, "tuple<"); fmt_fields(o, t, 0, 1, depth); put(o, ">"); return;
	case WC_T_RECORD: put(o, "record { "); fmt_fields(o, t, 1, 1, depth); put(o, " }"); return;
	case WC_T_VARIANT: put(o, "variant { "); fmt_fields(o, t, 1, 1, depth); put(o, " }"); return;
	case WC_T_ENUM: put(o, "enum { "); fmt_fields(o, t, 1, 0, depth); put(o, " }"); return;
	case WC_T_FLAGS: put(o, "flags { "); fmt_fields(o, t, 1, 0, depth); put(o, " }"); return;
	case WC_T_OWN:
	case WC_T_BORROW:
		if (t->kind == WC_T_BORROW)
			put(o, "borrow<");
		put(o, t->resource && t->resource->name ? t->resource->name : "resource");
		if (t->kind == WC_T_BORROW)
			put(o, ">");
		return;
	case WC_T_STREAM: case WC_T_FUTURE:
		put(o, t->kind == WC_T_STREAM ? "stream" : "future");
		if (t->has_a) {
			put(o, "<");
			fmt_valtype(o, t->a, depth + 1);
			put(o, ">");
		}
		return;
	case WC_T_MAP:
		put(o, "map<");
		fmt_valtype(o, t->a, depth + 1);
		put(o, ", ");
		fmt_valtype(o, t->b, depth + 1);
		put(o, ">");
		return;
	case WC_T_FUNC:
		put(o, t->async ? "async func(" : "func(");
		fmt_fields(o, t, 1, 1, depth);
		put(o, ")");
		if (t->has_a) {
			put(o, " -> ");
			fmt_valtype(o, t->a, depth + 1);
		}
		return;
	case WC_T_RESOURCE: case WC_T_ABSTRACT: put(o, "resource"); return;
	case WC_T_INSTANCE: put(o, "interface"); return;
	case WC_T_COMPONENT: put(o, "component"); return;
	}
	put(o, "core");
}

static void fmt_valtype(struct out *o, struct wc_valtype vt, int depth)
{
	if (vt.prim) {
		put(o, prim_name(vt.prim));
		return;
	}
	if (!vt.t) {
		put(o, "?");
		return;
	}
	if (vt.t->name && vt.t->kind != WC_T_PRIM && depth > 0) {
		put(o, vt.t->name);
		return;
	}
	if (depth > 16) {
		put(o, "...");
		return;
	}
	fmt_type(o, vt.t, depth + 1);
}

void wasm_component_format_valtype(struct wc_valtype vt, char *buf, size_t size)
{
	struct out o = {buf, size};

	if (size)
		buf[0] = '\0';
	fmt_valtype(&o, vt, 1);
}

static void format_type(const struct wc_type *t, char *buf, size_t size)
{
	struct out o = {buf, size};

	if (size)
		buf[0] = '\0';
	fmt_type(&o, t, 0);
}

/* An interface name has a namespace ("wasi:cli/run@0.2.12"); a plain
 * name is a kebab-case label ("run", "[method]file.read"). */
static int is_interface_name(const char *s)
{
	return strchr(s, ':') != NULL;
}

static void print_extern(FILE *f, const char *kw, const char *name, int sort,
			 const struct wc_type *t, const char *indent)
{
	char buf[2048];
	uint32_t k;

	if (sort == WC_TYPE) {
		if (!t || t->kind == WC_T_ABSTRACT || t->kind == WC_T_RESOURCE) {
			fprintf(f, "%s%s resource %s;\n", indent, kw, name);
		} else {
			format_type(t, buf, sizeof(buf));
			fprintf(f, "%s%s type %s = %s;\n", indent, kw, name, buf);
		}
		return;
	}
	if (sort == WC_INSTANCE && is_interface_name(name)) {
		fprintf(f, "%s%s %s;\n", indent, kw, name);
		return;
	}
	if (sort == WC_FUNC && t) {
		format_type(t, buf, sizeof(buf));
		fprintf(f, "%s%s %s: %s;\n", indent, kw, name, buf);
		return;
	}
	if (sort == WC_INSTANCE && t && t->kind == WC_T_INSTANCE) {
		fprintf(f, "%s%s %s: interface {\n", indent, kw, name);
		for (k = 0; k < t->ndecls; k++) {
			const struct wc_extern *e = &t->decls[k];
			if (e->sort == WC_FUNC && e->type) {
				format_type(e->type, buf, sizeof(buf));
				fprintf(f, "%s    %s: %s;\n", indent, e->name, buf);
			} else {
				fprintf(f, "%s    %s: %s;\n", indent, e->name,
					e->sort == WC_TYPE ? "type" : wasm_component_sort_name(e->sort));
			}
		}
		fprintf(f, "%s  }\n", indent);
		return;
	}
	fprintf(f, "%s%s %s: %s;\n", indent, kw, name, wasm_component_sort_name(sort));
}

void wasm_component_print_world(const struct wasm_component *c, FILE *f)
{
	uint32_t i;

	fprintf(f, "world root {\n");
	for (i = 0; i < c->nimports; i++)
		print_extern(f, "import", c->imports[i].name, c->imports[i].sort, c->imports[i].type, "  ");
	if (c->nimports && c->nexports)
		fprintf(f, "\n");
	for (i = 0; i < c->nexports; i++)
		print_extern(f, "export", c->exports[i].name, c->exports[i].sort, c->exports[i].type, "  ");
	fprintf(f, "}\n");
}
