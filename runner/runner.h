/*
 * runner.h - the embedding API of wasmpack's WebAssembly 2.0 engine.
 *
 * Stages: runner_module_load() decodes (wasm/module.h) and validates
 * (wasm/validate.h) the module; each function is compiled into the
 * engine's internal code on its first call; a runner_linker collects what imports resolve to (host
 * functions, exports of other instances); runner_instantiate() links,
 * allocates memories/tables/globals, runs the segments and the start
 * function; runner_call() invokes an export.
 *
 * Errors follow common/error.h: 0 ok, negative WP_E* code with the message
 * in the thread-local error slot.  Running guest code can end three ways:
 *   0             the call returned normally;
 *   RUNNER_ETRAP  the guest trapped: struct runner_trap says why and where;
 *   RUNNER_EEXIT  a host function asked to terminate (proc_exit): the wasm
 *                 stack was unwound and trap->exit_code holds the code.
 *
 * Ownership: *_new / *_load / runner_instantiate results belong to the
 * caller and have a *_free (NULL accepted).  An instance borrows its module
 * and the linker's host functions' env pointers: free instances first.
 * One instance is used by one thread at a time; only the interrupt flag
 * may be written from elsewhere (another thread or a signal handler).
 *
 * API stability: additive changes only; anything else is announced in a
 * commit message starting "runner API:".
 */
#ifndef RUNNER_H
#define RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "../wasm/module.h"

#define RUNNER_ETRAP (-100) /* the guest trapped */
#define RUNNER_EEXIT (-101) /* a host function requested exit (proc_exit) */

/* Value types: the binary encodings of wasm/module.h. */
enum runner_valtype {
	RUNNER_I32 = WASM_I32,
	RUNNER_I64 = WASM_I64,
	RUNNER_F32 = WASM_F32,
	RUNNER_F64 = WASM_F64,
	RUNNER_V128 = WASM_V128,
	RUNNER_FUNCREF = WASM_FUNCREF,
	RUNNER_EXTERNREF = WASM_EXTERNREF,
};

typedef struct runner_module runner_module;
typedef struct runner_linker runner_linker;
typedef struct runner_instance runner_instance;
typedef struct runner_func runner_func;   /* a function of an instance or a host function */
typedef struct runner_caller runner_caller; /* what a host function may touch */

/* A typed value.  Floats are carried as bit patterns (NaN payloads are
 * exact); runner_val_f32()/runner_val_f64() build them from C floats.
 * funcref: a runner_func* or NULL; externref: any host pointer-sized value,
 * 0 being ref.null extern. */
typedef struct runner_val {
	uint8_t type; /* enum runner_valtype */
	union {
		int32_t i32;
		int64_t i64;
		uint32_t f32; /* bits */
		uint64_t f64; /* bits */
		uint8_t v128[16];
		runner_func *func;
		uintptr_t ext;
	} of;
} runner_val;

runner_val runner_val_i32(int32_t v);
runner_val runner_val_i64(int64_t v);
runner_val runner_val_f32(float v);
runner_val runner_val_f64(double v);
float runner_val_as_f32(const runner_val *v);
double runner_val_as_f64(const runner_val *v);

/* ---- traps ---- */

enum runner_trap_kind {
	RUNNER_TRAP_NONE = 0,
	RUNNER_TRAP_UNREACHABLE,       /* "unreachable" */
	RUNNER_TRAP_MEMORY_OOB,        /* "out of bounds memory access" */
	RUNNER_TRAP_TABLE_OOB,         /* "out of bounds table access" / "undefined element" */
	RUNNER_TRAP_INDIRECT_TYPE,     /* "indirect call type mismatch" */
	RUNNER_TRAP_NULL_FUNC,         /* "uninitialized element" (null funcref called) */
	RUNNER_TRAP_INT_OVERFLOW,      /* "integer overflow" */
	RUNNER_TRAP_DIV_ZERO,          /* "integer divide by zero" */
	RUNNER_TRAP_BAD_CONVERSION,    /* "invalid conversion to integer" */
	RUNNER_TRAP_STACK_EXHAUSTED,   /* "call stack exhausted" */
	RUNNER_TRAP_MEMORY_LIMIT,      /* "memory limit exceeded" (only with a configured limit) */
	RUNNER_TRAP_OUT_OF_FUEL,       /* "all fuel consumed" */
	RUNNER_TRAP_INTERRUPTED,       /* "interrupted" (the interrupt flag was set) */
	RUNNER_TRAP_HOST,              /* a host function trapped (its message) */
	RUNNER_TRAP_EXIT,              /* not a trap: a host function requested exit */
	RUNNER_TRAP_TABLE_LIMIT,       /* "table limit exceeded" (table.grow past max_table_elements) */
	RUNNER_TRAP_EXCEPTION,         /* "uncaught wasm exception" (also reaching a host function) */
	RUNNER_TRAP_NULL_REFERENCE,    /* "null exception reference" (throw_ref of null),
	                                  "null function reference" (call_ref), "null reference" */
};

#define RUNNER_BACKTRACE_MAX 32

struct runner_frame {
	uint32_t func;    /* function index in its module (imports first) */
	const char *name; /* from the "name" section, or NULL; borrowed from the module */
};

/* Filled by every call that runs guest code (the caller provides it). */
struct runner_trap {
	enum runner_trap_kind kind;
	int exit_code;      /* RUNNER_TRAP_EXIT only */
	char message[256];  /* the reason, e.g. "integer divide by zero" */
	uint32_t func;      /* function index where it happened (innermost frame) */
	uint32_t nframes;   /* backtrace, innermost first, at most RUNNER_BACKTRACE_MAX */
	struct runner_frame frames[RUNNER_BACKTRACE_MAX];
};

/* "wasm backtrace:\n    0: func[12] name\n ..." lines; returns chars written
 * (like snprintf). */
int runner_trap_format_backtrace(const struct runner_trap *t, char *buf, size_t size);

/* ---- modules ---- */

/* Decode and validate `len` bytes.  The module keeps its own copy of what
 * it needs (the input may be freed after the call: the code and the data
 * segments, not custom sections).  On failure the error
 * names the reason and the byte offset.  Functions are compiled on their
 * first call (a module may be used from several threads). */
int runner_module_load(const uint8_t *data, size_t len, runner_module **out);
void runner_module_free(runner_module *m);
/* Compile every function now (for predictable call latency, or to measure
 * the internal code size). */
int runner_module_compile_all(runner_module *m);
/* The decoded module: imports (with their type indices), exports, types.
 * Of its bytes, only the code and data sections' are kept. */
const struct wasm_module *runner_module_wasm(const runner_module *m);
/* Bytes of internal code of the functions compiled so far / bytes of the
 * code section. */
size_t runner_module_code_size(const runner_module *m);
size_t runner_module_wasm_code_size(const runner_module *m);
/* The name of function `func` from the "name" section, or NULL. */
const char *runner_module_func_name(const runner_module *m, uint32_t func);

/* ---- linking host functions ---- */

/*
 * A host function.  args/results are typed as declared; write every result.
 * Return 0, or the value of runner_caller_trap() / runner_caller_exit().
 */
typedef int (*runner_host_fn)(runner_caller *caller, void *env, const runner_val *args,
			      runner_val *results);

int runner_linker_new(runner_linker **out);
void runner_linker_free(runner_linker *l);

/*
 * Define module.name as a host function.  `sig` spells the signature with
 * one letter per value, params "->" results: i=i32 I=i64 f=f32 F=f64 V=v128
 * r=funcref e=externref; e.g. "iiii->i", "i->", "->I".  A later definition
 * of the same name replaces the earlier one.
 */
int runner_linker_define_func(runner_linker *l, const char *module, const char *name,
			      const char *sig, runner_host_fn fn, void *env);

/* Make every export of `inst` importable as `module`.<export name> (the
 * spec harness's `register`).  The instance must outlive the linker's use. */
int runner_linker_define_instance(runner_linker *l, const char *module, runner_instance *inst);

/* ---- what a host function may do ---- */

/* The calling instance's memory 0: base and current size in bytes (base is
 * NULL when it has none).  Valid until the guest runs again (memory.grow). */
uint8_t *runner_caller_memory(runner_caller *c, uint64_t *size);
/* A pointer to guest bytes [ptr, ptr+len) if they lie inside memory 0, else
 * NULL (the host should then return an error such as EFAULT or trap). */
void *runner_caller_mem_check(runner_caller *c, uint64_t ptr, uint64_t len);
/* Trap with a message; return its result from the host function. */
int runner_caller_trap(runner_caller *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Request termination with an exit code (proc_exit): unwinds the wasm stack;
 * the call returns RUNNER_EEXIT.  Return its result from the host function. */
int runner_caller_exit(runner_caller *c, int code);
/* The instance the host function was called from. */
runner_instance *runner_caller_instance(runner_caller *c);

/* ---- instances ---- */

struct runner_config {
	uint64_t max_memory_bytes; /* per memory; 0 = only the module's own max (4 GiB) */
	uint64_t fuel;             /* instruction budget; 0 = unlimited.  Bulk memory and
				    * table operations cost one unit per 64 bytes */
	volatile sig_atomic_t *interrupt; /* nonzero -> trap "interrupted"; may be NULL */
	uint32_t max_call_depth;   /* 0 = default (10000 frames) */
	size_t max_stack_bytes;    /* wasm value stack; 0 = default (8 MiB) */
	uint32_t max_table_elements; /* per table; 0 = the module's own max.  table.grow
				      * past it traps RUNNER_TRAP_TABLE_LIMIT */
};

/*
 * Link `m`'s imports against `l` and instantiate: memories, tables, globals,
 * element and data segments, then the start function.  Link errors
 * ("unknown import", "incompatible import type") name module, field and
 * the expected type and happen before anything runs.  A trap while
 * initialising or in the start function returns RUNNER_ETRAP with `trap`
 * filled (trap may be NULL).  `cfg` may be NULL (defaults).
 */
int runner_instantiate(runner_linker *l, runner_module *m, const struct runner_config *cfg,
		       runner_instance **out, struct runner_trap *trap);
void runner_instance_free(runner_instance *inst);
const runner_module *runner_instance_module(const runner_instance *inst);

/* Remaining fuel (when configured), and refuelling. */
uint64_t runner_instance_fuel(const runner_instance *inst);
void runner_instance_set_fuel(runner_instance *inst, uint64_t fuel);

/* The exported function `name`, or NULL (no error set). */
runner_func *runner_instance_func(runner_instance *inst, const char *name);
/* The same for a name of `len` bytes (export names may hold NUL bytes). */
runner_func *runner_instance_func_n(runner_instance *inst, const char *name, size_t len);
/* Parameter and result types of a function (borrowed). */
const struct wasm_functype *runner_func_type(const runner_func *f);

/*
 * Call a function.  nargs/nresults must match its type (else WP_EINVALID);
 * argument types are checked.  Returns 0, RUNNER_ETRAP or RUNNER_EEXIT
 * (trap filled, may be NULL), or a negative WP_E* error.
 */
int runner_func_call(runner_func *f, const runner_val *args, size_t nargs, runner_val *results,
		     size_t nresults, struct runner_trap *trap);
/* Look up export `name` and call it. */
int runner_call(runner_instance *inst, const char *name, const runner_val *args, size_t nargs,
		runner_val *results, size_t nresults, struct runner_trap *trap);

/* Memory `name` (NULL: the first memory of the instance, exported or not):
 * base and size in bytes.  0, or WP_ENOTFOUND.  The base stays valid for
 * the instance's lifetime (memories never move); the size changes with
 * memory.grow. */
int runner_instance_memory(runner_instance *inst, const char *name, uint8_t **base,
			   uint64_t *size);

/* Exported global `name`: its current value.  0 or WP_ENOTFOUND. */
int runner_instance_global(runner_instance *inst, const char *name, runner_val *out);

#endif
