/*
 * validate.h - the WebAssembly validator: 2.0 and the 3.0 features the
 * engine runs (everything but garbage collection).
 *
 * wasm_validate() checks a decoded module (module.h) against the spec's
 * validation rules: index spaces, limits, constant expressions, the start
 * function, export and element/data rules, and every function body's
 * operand-stack typing (including unreachable code and block types).
 * A failure returns WP_EINVALID with "<reason> at offset N".
 *
 * Function bodies are decoded only here.  A consumer that needs the
 * instruction stream (the runner's compiler) passes hooks: each
 * instruction arrives decoded (immediates, resolved block types) after it
 * has been type-checked, so the compiler never parses bytes itself.  A
 * consumer may also validate every body at once without hooks (fast, on
 * several threads for big modules) and later run one body at a time
 * through the hooks (wasm_validator_func: the runner compiles a function
 * on its first call).
 */
#ifndef WASM_VALIDATE_H
#define WASM_VALIDATE_H

#include <stdint.h>

#include "module.h"

/* A catch clause of try_table (exception handling). */
enum wasm_catch_kind { WASM_CATCH = 0, WASM_CATCH_REF = 1, WASM_CATCH_ALL = 2, WASM_CATCH_ALL_REF = 3 };
struct wasm_catch {
	uint8_t kind;   /* enum wasm_catch_kind */
	uint32_t tag;   /* WASM_CATCH, WASM_CATCH_REF */
	uint32_t label; /* depth, relative to the try_table's enclosing block */
};

struct wasm_instr {
	uint16_t op;          /* index into wasm_ops[] (opcodes.h) */
	uint8_t unreachable;  /* the instruction is in unreachable code */
	uint8_t type;         /* select/drop operand type, ref.null type,
	                         local/global value type; 0 when unknown */
	uint32_t offset;      /* byte offset of the opcode in the binary */
	uint32_t a, b;        /* indices: local, global, function, label depth,
	                         table (a), type (a) + table (b) of call_indirect,
	                         data/elem (a) + table (b), table.copy dst (a) src (b) */
	uint32_t align;       /* memarg (log2) */
	uint64_t memoffset;   /* memarg */
	uint32_t mem, mem2;   /* memory index of a memory instruction (multi-
	                         memory); memory.copy: dst (mem) src (mem2) */
	uint8_t lane;
	union {
		int32_t i32;
		int64_t i64;
		uint32_t f32;
		uint64_t f64;
		uint8_t v128[16]; /* v128.const, i8x16.shuffle lanes */
	} imm;
	/* block, loop, if: the resolved block type */
	const uint8_t *bt_params, *bt_results;
	uint32_t bt_nparams, bt_nresults;
	/* br_table: ntargets label depths then the default at targets[ntargets] */
	const uint32_t *targets;
	uint32_t ntargets;
	/* try_table: its catch clauses (the block type is in bt_*); throw,
	 * catch: the tag's payload types (its function type's parameters) */
	const struct wasm_catch *catches;
	uint32_t ncatches;
	const uint8_t *tag_params;
	uint32_t tag_nparams;
};

struct wasm_validate_hooks {
	void *ctx;
	/* locals[0..nlocals) are the parameter then local types */
	int (*func_begin)(void *ctx, uint32_t func, const uint8_t *locals, uint32_t nlocals,
			  uint32_t nparams);
	int (*instr)(void *ctx, const struct wasm_instr *in);
	int (*func_end)(void *ctx, uint32_t func);
};

/* Validate `m` (decoded in STRICT mode).  hooks may be NULL.  A hook
 * returning < 0 stops validation with that error.  Without hooks, the
 * bodies of a big module are checked on several threads; the error
 * reported is still the one of the first invalid function by index. */
int wasm_validate(const struct wasm_module *m, const struct wasm_validate_hooks *hooks);

/* How many threads wasm_validate() may use for the bodies of a big module:
 * 0 (the default) one per online core, 1 the calling thread only. */
void wasm_validate_set_threads(unsigned n);

/* One function at a time: a validator for `m` (which must already have
 * passed wasm_validate) runs the body of function `func` (index space with
 * imports first; a defined function) through `hooks`.  Not thread-safe:
 * one caller at a time per validator.  The module must outlive it. */
struct wasm_validator;
int wasm_validator_new(const struct wasm_module *m, struct wasm_validator **out);
int wasm_validator_func(struct wasm_validator *v, uint32_t func,
			const struct wasm_validate_hooks *hooks);
void wasm_validator_free(struct wasm_validator *v);

/* Validate a constant expression of type `type` (globals, segments). */
int wasm_validate_const(const struct wasm_module *m, const struct wasm_const_expr *e,
			uint8_t type, uint32_t nglobals_visible);

#endif
