/*
 * module.h - the decoded structure of a WebAssembly binary.
 *
 * wasm_module_decode() walks every section of a core module or component,
 * bounds-checked through reader.h, and returns its structure: types,
 * imports, functions, tables, memories, globals, exports, start, element
 * and data segments, and the byte ranges of function bodies.  Packaging uses
 * the facts (kind, imports, exports, WASI level); the runner's validator and
 * compiler build on the same structure instead of decoding twice.
 *
 * Two strictness levels:
 *   WASM_DECODE_STRICT   WebAssembly 3.0 without garbage collection
 *                        (what the runner executes); anything else is
 *                        refused;
 *   WASM_DECODE_FACTS    structure must be well formed, but constructs of
 *                        proposals the runner lacks (GC's reference types,
 *                        shared memories) are tolerated where they can be skipped
 *                        (what the packager needs: we package modules we
 *                        cannot run).
 *
 * The module borrows the input bytes (code bodies, data segments and custom
 * sections point into them): keep the binary alive while the module is used.
 */
#ifndef WASM_MODULE_H
#define WASM_MODULE_H

#include <stddef.h>
#include <stdint.h>

struct wasm_component;

enum wasm_kind { WASM_KIND_MODULE = 1, WASM_KIND_COMPONENT = 2 };
enum wasm_wasi { WASM_WASI_NONE = 0, WASM_WASI_PREVIEW1 = 1, WASM_WASI_PREVIEW2 = 2 };
enum wasm_decode_mode { WASM_DECODE_STRICT = 0, WASM_DECODE_FACTS = 1 };

enum wasm_valtype {
	WASM_I32 = 0x7f,
	WASM_I64 = 0x7e,
	WASM_F32 = 0x7d,
	WASM_F64 = 0x7c,
	WASM_V128 = 0x7b,
	WASM_FUNCREF = 0x70,
	WASM_EXTERNREF = 0x6f,
	WASM_EXNREF = 0x69,   /* exception handling: a caught exception */
	WASM_OTHERREF = 0x01, /* FACTS mode: a reference type of a later proposal */
	/* the nullable bottom types of 3.0 (typed function references) */
	WASM_NULLFUNCREF = 0x73,   /* (ref null nofunc) */
	WASM_NULLEXTERNREF = 0x72, /* (ref null noextern) */
	WASM_NULLEXNREF = 0x74,    /* (ref null noexn) */
};

/*
 * Typed function references (WebAssembly 3.0).  A value type stays one
 * byte: the reference types with a shorthand keep it (funcref is (ref
 * null func), ...), and every other one, a non-nullable reference or one
 * to a concrete function type, is a code from WASM_REF_FIRST that indexes
 * the module's own table of them (wasm_ref_intern; reftype.c).  A module
 * may use at most WASM_REF_MAX of those: an implementation limit, far
 * above what function references need without GC.  Codes are per module:
 * compare types of two modules through their descriptions.
 */
#define WASM_REF_FIRST 0x80
#define WASM_REF_MAX 128
#define WASM_HEAP_TYPE 0 /* heap type: a type index */
struct wasm_reftype {
	uint8_t nullable;
	uint8_t heap;    /* abstract: 0x70 func, 0x6f extern, 0x69 exn, 0x73
			  * nofunc, 0x72 noextern, 0x74 noexn; or WASM_HEAP_TYPE */
	uint32_t index;  /* WASM_HEAP_TYPE: the (canonical) type index */
};
struct wasm_reftypes;

enum wasm_extern_kind {
	WASM_EXTERN_FUNC = 0,
	WASM_EXTERN_TABLE = 1,
	WASM_EXTERN_MEMORY = 2,
	WASM_EXTERN_GLOBAL = 3,
	WASM_EXTERN_TAG = 4, /* exception handling: an exception tag */
};

enum wasm_section_id {
	WASM_SEC_CUSTOM = 0,
	WASM_SEC_TYPE = 1,
	WASM_SEC_IMPORT = 2,
	WASM_SEC_FUNCTION = 3,
	WASM_SEC_TABLE = 4,
	WASM_SEC_MEMORY = 5,
	WASM_SEC_GLOBAL = 6,
	WASM_SEC_EXPORT = 7,
	WASM_SEC_START = 8,
	WASM_SEC_ELEMENT = 9,
	WASM_SEC_CODE = 10,
	WASM_SEC_DATA = 11,
	WASM_SEC_DATACOUNT = 12,
	WASM_SEC_TAG = 13,
};

struct wasm_functype {
	uint32_t nparams;
	uint32_t nresults;
	uint8_t *params;  /* valtypes */
	uint8_t *results; /* valtypes */
};

struct wasm_limits {
	uint64_t min;
	uint64_t max;
	uint8_t has_max;
	uint8_t shared;   /* threads proposal, FACTS mode */
	uint8_t is64;     /* memory64 proposal, FACTS mode */
};

struct wasm_tabletype {
	uint8_t reftype;
	struct wasm_limits limits;
};

struct wasm_globaltype {
	uint8_t valtype;
	uint8_t mutable_;
};

/* A constant expression.  The usual one is a single constant instruction
 * before `end`: `op` is its opcode (0x41 i32.const, 0x42 i64.const,
 * 0x43 f32.const, 0x44 f64.const, 0xd0 ref.null, 0xd2 ref.func,
 * 0x23 global.get, WASM_OP_V128_CONST for v128.const).  An extended
 * constant expression (WebAssembly 3.0: i32/i64 add, sub and mul) has
 * op WASM_OP_EXTENDED and its instructions, each a single-instruction
 * expression (the arithmetic ones with that opcode), in `more`.
 * WASM_OP_NONE when the expression is empty or not a single constant
 * (FACTS mode only). */
#define WASM_OP_V128_CONST 0xfd0c
#define WASM_OP_EXTENDED 0xfff0
#define WASM_OP_NONE 0
struct wasm_const_expr {
	uint16_t op;
	uint8_t reftype; /* for ref.null */
	union {
		int32_t i32;
		int64_t i64;
		uint32_t f32; /* bit pattern */
		uint64_t f64; /* bit pattern */
		uint8_t v128[16];
		uint32_t index; /* ref.func / global.get */
	} u;
	uint32_t offset; /* byte offset of the expression, for errors */
	uint32_t nmore;
	struct wasm_const_expr *more; /* WASM_OP_EXTENDED: nmore instructions */
};

/* 1 when OP is an arithmetic instruction of extended constant expressions */
static inline int wasm_const_arith(uint16_t op)
{
	return (op >= 0x6a && op <= 0x6c) || (op >= 0x7c && op <= 0x7e);
}

struct wasm_import {
	char *module; /* NUL-terminated copies; *_len counts embedded NULs */
	char *name;
	uint32_t module_len;
	uint32_t name_len;
	uint8_t kind; /* enum wasm_extern_kind */
	union {
		uint32_t func_type; /* type index */
		struct wasm_tabletype table;
		struct wasm_limits memory;
		struct wasm_globaltype global;
		uint32_t tag_type;
	} desc;
};

struct wasm_export {
	char *name;
	uint32_t name_len;
	uint8_t kind;
	uint32_t index;
};

struct wasm_global {
	struct wasm_globaltype type;
	struct wasm_const_expr init;
};

enum wasm_segment_mode {
	WASM_SEGMENT_ACTIVE = 0,
	WASM_SEGMENT_PASSIVE = 1,
	WASM_SEGMENT_DECLARATIVE = 2,
};

struct wasm_elem {
	uint8_t mode;
	uint8_t reftype;
	uint32_t table;
	struct wasm_const_expr offset; /* active only */
	uint32_t count;
	struct wasm_const_expr *items; /* each ref.func / ref.null / global.get */
};

struct wasm_data {
	uint8_t mode;
	uint32_t memory;
	struct wasm_const_expr offset; /* active only */
	const uint8_t *bytes;          /* borrowed from the binary */
	uint32_t len;
};

/* A function body: the locals declaration and code, borrowed. */
struct wasm_code {
	uint32_t offset; /* of the body (after its size) in the binary */
	uint32_t size;
	const uint8_t *body;
};

struct wasm_section {
	uint8_t id;
	uint32_t offset; /* of the section id byte */
	uint32_t size;   /* whole section: id, size field and contents */
	uint32_t content_offset;
	uint32_t content_size;
	char *name;      /* custom sections: the name (NUL-terminated), else NULL */
};

struct wasm_module {
	const uint8_t *bytes; /* borrowed */
	size_t size;
	uint8_t kind;    /* enum wasm_kind */
	uint8_t wasi;    /* enum wasm_wasi */
	uint32_t version;

	struct wasm_section *sections;
	uint32_t nsections;

	/* core modules */
	struct wasm_functype *types;
	uint32_t ntypes;
	uint32_t *type_canon;  /* each type: the first index of an equivalent one */
	struct wasm_reftypes *reftypes; /* interned reference types (reftype.c) */
	struct wasm_import *imports;
	uint32_t nimports;
	uint32_t nfunc_imports, ntable_imports, nmemory_imports, nglobal_imports;
	uint32_t ntag_imports;
	uint32_t *funcs; /* type index of each defined function */
	uint32_t nfuncs;
	struct wasm_tabletype *tables; /* defined tables */
	struct wasm_const_expr *table_inits; /* each defined table's initial
					      * element (WebAssembly 3.0), op
					      * WASM_OP_NONE: null */
	uint32_t ntables;
	struct wasm_limits *memories; /* defined memories */
	uint32_t nmemories;
	uint32_t *tags;  /* type index of each defined tag (exception handling) */
	uint32_t ntags;
	struct wasm_global *globals; /* defined globals */
	uint32_t nglobals;
	struct wasm_export *exports;
	uint32_t nexports;
	uint8_t has_start;
	uint32_t start;
	struct wasm_elem *elems;
	uint32_t nelems;
	uint8_t has_datacount;
	uint32_t datacount;
	struct wasm_code *codes;
	uint32_t ncodes;
	struct wasm_data *datas;
	uint32_t ndatas;

	/* components: top-level import and export names */
	char **comp_imports;
	uint32_t ncomp_imports;
	char **comp_exports;
	uint32_t ncomp_exports;
	struct wasm_component *component; /* the whole decoded component */
};

/* Decode `len` bytes.  On success *out holds a module that borrows `data`;
 * free it with wasm_module_free().  On failure the error names what is
 * wrong and the byte offset ("section length past the end at offset 9"). */
int wasm_module_decode(const uint8_t *data, size_t len, enum wasm_decode_mode mode,
		       struct wasm_module **out);
void wasm_module_free(struct wasm_module *m);

/* Quick checks without decoding. */
int wasm_is_binary(const uint8_t *data, size_t len); /* "\0asm" magic */

/* Reference types (reftype.c).  wasm_ref_intern gives the code of a
 * reference type (thread-safe: validation interns too); 0 and an error
 * past WASM_REF_MAX.  wasm_ref_desc describes any reference code (0 when
 * `code` is no reference).  wasm_subtype: whether a value of type a may be
 * used where b is expected.  wasm_ref_top: funcref, externref or exnref,
 * the family's top type (what the runtime holds).  wasm_ref_non_null:
 * the code of the same reference without null. */
uint8_t wasm_ref_intern(const struct wasm_module *m, int nullable, uint8_t heap, uint32_t index);
int wasm_ref_desc(const struct wasm_module *m, uint8_t code, struct wasm_reftype *out);
int wasm_is_reftype(uint8_t code);
int wasm_subtype(const struct wasm_module *m, uint8_t a, uint8_t b);
/* The same on two descriptions whose concrete indices are comparable as
 * they are (e.g. process-wide type ids). */
int wasm_reftype_sub(const struct wasm_reftype *a, const struct wasm_reftype *b);
uint8_t wasm_ref_top(const struct wasm_module *m, uint8_t code);
/* Whether type t has a default value (every type but a non-nullable
 * reference): what a local starts as, what a table is filled with. */
int wasm_defaultable(const struct wasm_module *m, uint8_t t);
uint8_t wasm_ref_non_null(const struct wasm_module *m, uint8_t code);
/* Read a heap type (s33: an abstract type's byte or a type index) and
 * intern the reference type; FACTS mode maps GC's types to WASM_OTHERREF. */
struct wasm_reader;
int wasm_read_heaptype_ref(struct wasm_reader *r, const struct wasm_module *m, int nullable,
			   int facts, uint8_t *out);
/* Compute m->type_canon (after the type section). */
int wasm_types_canonicalize(struct wasm_module *m);
/* Write a function type's structure, for comparing types of two modules:
 * a reference to a concrete type as "itself" or as ids[its canonical
 * index] (the caller's process-wide id of that earlier type); returns the
 * length needed (bytes). */
size_t wasm_functype_key(const struct wasm_module *m, uint32_t type, const uint32_t *ids,
			 uint8_t *buf, size_t size);

/* Names for display. */
/* Whether MODULE.NAME is a function WASI preview1 defines (wasi_p1.c). */
int wasm_wasi_p1_provides(const char *module, const char *name);
/* The i-th function of WASI preview1 (sorted), NULL past the last. */
const char *wasm_wasi_p1_name(size_t i);

const char *wasm_kind_name(int kind);       /* "module" | "component" */
const char *wasm_wasi_name(int wasi);       /* "preview1" | "preview2" | "none" */
const char *wasm_extern_kind_name(int kind); /* "func" | "table" ... */
const char *wasm_valtype_name(int t);       /* "i32" ... */
const char *wasm_section_name(int id);

/* The export of that name and kind, or NULL. */
const struct wasm_export *wasm_module_find_export(const struct wasm_module *m,
						   const char *name, int kind);

/* The function type of function index `func` (imports first), or NULL. */
const struct wasm_functype *wasm_module_func_type(const struct wasm_module *m, uint32_t func);

/* Write "(i32, i64) -> (f32)" for a function type into buf. */
void wasm_functype_format(const struct wasm_functype *t, char *buf, size_t size);

#endif
