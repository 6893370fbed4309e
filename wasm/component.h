/*
 * component.h - a WebAssembly component binary, decoded completely.
 *
 * wasm_component_parse() walks every section of the component binary
 * format (design/mvp/Binary.md of the component model): core modules (each
 * decoded and kept), core instances, core types, nested components,
 * instances, aliases, types (value types, function, component and instance
 * types, resources), canonical functions, start, imports and exports.  All
 * reads go through the bounds-checked reader; every index is checked
 * against the index space it names as the space is built, in section order,
 * and the facts a runner relies on are validated on the way (core
 * instantiation arguments supply every import a module needs, aliases name
 * exports that exist with the right sort, canonical options name a memory
 * and a realloc that exist, lift/lower types are function types, handles
 * point at resources).
 *
 * Everything a component owns is carved from one arena that
 * wasm_component_free() releases at once; names are NUL-terminated copies,
 * core modules borrow the input bytes.
 */
#ifndef WASM_COMPONENT_H
#define WASM_COMPONENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "module.h"
#include "reader.h"

/* Index spaces (one per sort). */
enum wc_sort {
	WC_CORE_FUNC,
	WC_CORE_TABLE,
	WC_CORE_MEMORY,
	WC_CORE_GLOBAL,
	WC_CORE_TAG,
	WC_CORE_TYPE,
	WC_CORE_MODULE,
	WC_CORE_INSTANCE,
	WC_FUNC,
	WC_VALUE,
	WC_TYPE,
	WC_COMPONENT,
	WC_INSTANCE,
	WC_NSORTS
};

/* Primitive value types keep their binary code (0x7f bool .. 0x73 string,
 * 0x64 error-context). */
enum wc_prim {
	WC_BOOL = 0x7f, WC_S8 = 0x7e, WC_U8 = 0x7d, WC_S16 = 0x7c, WC_U16 = 0x7b,
	WC_S32 = 0x7a, WC_U32 = 0x79, WC_S64 = 0x78, WC_U64 = 0x77, WC_F32 = 0x76,
	WC_F64 = 0x75, WC_CHAR = 0x74, WC_STRING = 0x73, WC_ERROR_CONTEXT = 0x64,
};

enum wc_type_kind {
	WC_T_PRIM = 1,     /* a defvaltype that is just a primitive */
	WC_T_RECORD,
	WC_T_VARIANT,
	WC_T_LIST,         /* len > 0: fixed-length list */
	WC_T_TUPLE,
	WC_T_FLAGS,
	WC_T_ENUM,
	WC_T_OPTION,
	WC_T_RESULT,
	WC_T_OWN,
	WC_T_BORROW,
	WC_T_STREAM,
	WC_T_FUTURE,
	WC_T_MAP,
	WC_T_FUNC,
	WC_T_COMPONENT,
	WC_T_INSTANCE,
	WC_T_RESOURCE,     /* defined here: rep i32, optional destructor */
	WC_T_ABSTRACT,     /* imported or exported (sub resource) */
	WC_T_CORE_FUNC,
	WC_T_CORE_MODULE,
};

struct wc_type;

/* A value type: a primitive (prim != 0) or a defined type. */
struct wc_valtype {
	uint8_t prim;
	const struct wc_type *t;
};

/* A labelled member: record field, variant case, function parameter, flag
 * or enum label (no type), tuple element (no label). */
struct wc_field {
	const char *name;
	uint8_t has_type;
	struct wc_valtype vt;
};

/* The sort of an import/export and its type (externdesc). */
struct wc_extern {
	const char *name;
	uint8_t is_import;       /* in component types: import vs export decl */
	uint8_t sort;            /* enum wc_sort: FUNC, VALUE, TYPE, COMPONENT, INSTANCE, CORE_MODULE */
	const struct wc_type *type; /* resolved; for TYPE the type itself */
};

struct wc_type {
	uint8_t kind; /* enum wc_type_kind */
	uint8_t prim; /* WC_T_PRIM */
	uint8_t async; /* WC_T_FUNC */
	uint8_t has_a, has_b;
	struct wc_valtype a, b; /* list/option/stream/future element, result ok/err,
				   map key/value, func result (has_a) */
	uint32_t len;           /* fixed-length list */
	struct wc_field *fields; /* record, variant, tuple, flags, enum, func params */
	uint32_t nfields;
	struct wc_extern *decls; /* component/instance types: imports and exports */
	uint32_t ndecls;
	const struct wc_type *resource; /* own/borrow: the resource type */
	int64_t dtor;           /* WC_T_RESOURCE: core func index, or -1 */
	uint32_t core_params, core_results; /* WC_T_CORE_FUNC counts */
	uint8_t *core_types;    /* params then results (core valtypes) */
	const char *name;       /* the first name it was imported/exported under */
};

enum wc_canon_op {
	WC_CANON_LIFT = 0x00,
	WC_CANON_LOWER = 0x01,
	WC_CANON_RESOURCE_NEW = 0x02,
	WC_CANON_RESOURCE_DROP = 0x03,
	WC_CANON_RESOURCE_REP = 0x04,
	/* async, stream, future, waitable, thread built-ins keep their opcode */
};

enum wc_string_encoding { WC_UTF8 = 0, WC_UTF16 = 1, WC_LATIN1_UTF16 = 2 };

struct wc_canon {
	uint8_t op;
	uint32_t func;  /* lift: core func; lower: component func */
	const struct wc_type *type; /* lift: functype; resource.*: the resource */
	uint8_t encoding;
	int64_t memory, realloc, post_return, callback; /* -1 when absent */
	uint8_t async;
};

/* One argument of an instantiation or one inline export. */
struct wc_arg {
	const char *name;
	uint8_t sort; /* enum wc_sort */
	uint32_t idx;
};

struct wc_instance {
	uint8_t inline_exports; /* 0: instantiate `of` with args; 1: a bag of exports */
	uint32_t of;            /* module or component index */
	struct wc_arg *args;
	uint32_t nargs;
};

enum wc_alias_kind { WC_ALIAS_EXPORT = 0, WC_ALIAS_CORE_EXPORT = 1, WC_ALIAS_OUTER = 2 };

struct wc_alias {
	uint8_t sort; /* enum wc_sort */
	uint8_t kind; /* enum wc_alias_kind */
	uint32_t instance; /* export: the (core) instance; outer: the scope count */
	uint32_t idx;      /* outer: the index in that scope */
	const char *name;  /* export: the name */
};

struct wc_export {
	const char *name;
	uint8_t sort;
	uint32_t idx;
	const struct wc_type *type; /* the optional ascribed type, or NULL */
};

/* Where each entry of an index space comes from. */
enum wc_origin {
	WC_FROM_IMPORT, WC_FROM_ALIAS, WC_FROM_DEF, WC_FROM_CANON, WC_FROM_EXPORT,
	WC_FROM_START,
};

struct wc_def {
	uint8_t origin;        /* enum wc_origin */
	uint32_t item;         /* index into the origin's array (DEF: the section's array) */
	const struct wc_type *type; /* func: functype; instance: instancetype;
				       type: the type; component: componenttype;
				       NULL when not known statically */
};

/* The order definitions appear in (what instantiation replays). */
struct wc_item {
	uint8_t section; /* 1..11 */
	uint32_t idx;    /* into the array of that section's kind */
};

struct wasm_component {
	struct wasm_component *parent;
	struct wc_arena *arena; /* everything this component decoded */

	struct wasm_module **modules; /* decoded core modules (FACTS mode) */
	uint32_t nmodules;
	struct wasm_component **components;
	uint32_t ncomponents;
	struct wc_instance *core_instances;
	uint32_t ncore_instances;
	struct wc_instance *instances;
	uint32_t ninstances;
	struct wc_alias *aliases;
	uint32_t naliases;
	struct wc_canon *canons;
	uint32_t ncanons;
	struct wc_extern *imports;
	uint32_t nimports;
	struct wc_export *exports;
	uint32_t nexports;
	uint8_t has_start;
	uint32_t start_func;

	struct wc_def *space[WC_NSORTS];
	uint32_t nspace[WC_NSORTS];

	struct wc_item *items;
	uint32_t nitems;
};

/* Decode and validate the component in `r` (positioned after the 8-byte
 * preamble) into *out; free with wasm_component_free().  Errors name the
 * construct and byte offset. */
int wasm_component_parse(struct wasm_reader *r, struct wasm_component **out);
void wasm_component_free(struct wasm_component *c);

/* wasm_module_decode()'s entry for components: parse, then record the
 * top-level names and the WASI level in `m` (which takes ownership of the
 * parsed component as m->component). */
int wasm_component_decode(struct wasm_reader *r, struct wasm_module *m);

/* The WASI world the component targets, when its one export and all its
 * imports are those of wasi:cli/command or wasi:http/proxy 0.2.x: writes
 * "wasi:cli/command@0.2.12" (the version of its export) and returns 1;
 * else 0 (the CNCF config's `target` is then null). */
int wasm_component_target(const struct wasm_module *m, char *buf, size_t size);

/* The component's world as WIT-like text:
 *   world root {
 *     import wasi:cli/environment@0.2.12;
 *     import log: func(msg: string);
 *     export run: func() -> result;
 *   }
 * Written to f. */
void wasm_component_print_world(const struct wasm_component *c, FILE *f);
/* Format a value type ("list<u8>", "result<string, error-code>"). */
void wasm_component_format_valtype(struct wc_valtype vt, char *buf, size_t size);

/* Display name of a sort ("func", "core module" ...). */
const char *wasm_component_sort_name(int sort);

#endif
