/*
 * internal.h - structures shared by the runner's stages (not an API).
 *
 * compile.c turns each validated function into `struct rcode`: a stream of
 * 32-bit words.  Each instruction starts with an opcode word: the internal
 * opcode (< IOP_COUNT) in its low half and, in its high half, the
 * instruction's first frame-slot operand: its destination, or its first
 * source when it has none (a store's address, a branch's condition, a
 * call's argument base); 0 for instructions without one.  The other
 * operands follow, one word each: further slots, immediates (64-bit ones
 * in two words, low first), memory offsets, table/function/type indexes,
 * branch offsets relative to the instruction's first word.  The layouts
 * are listed with the opcodes below as "[op|packed] word word...".
 * Packing the first slot saves a word on nearly every instruction (the
 * internal code of a module stays under 3x its code section), and both
 * halves are read with plain 16-bit loads, so dispatch costs what it did
 * with a whole word per opcode.  The price is a limit: a frame has at
 * most 65535 slots (RFRAME_MAX; the compiler refuses bigger ones).
 * Slots are 64-bit cells relative to the frame pointer: parameters, then
 * locals, then a small constant pool, then operand-stack temporaries; a
 * v128 takes two.  Locals and constants are read in place instead of being
 * pushed.  exec.c runs that code with threaded dispatch; instance.c owns
 * linking, instantiation and the API of runner.h.
 */
#ifndef RUNNER_INTERNAL_H
#define RUNNER_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "../wasm/module.h"
#include "../wasm/validate.h"
#include "runner.h"

typedef union slot {
	uint64_t u64;
	int64_t i64;
	uint32_t u32;
	int32_t i32;
	float f32;
	double f64;
	void *ref;
} slot_t;

/* ---- the opcode word ----
 * Two 16-bit halves: the opcode (< IOP_COUNT) low, the packed slot high,
 * so that each is read with one plain 16-bit load (no shift, no mask). */
#define IOP_BITS 11
#define RSLOT_SHIFT 16
#define RFRAME_MAX 0xffffu /* most slots of a frame: indexes fit the packed half */

static inline uint32_t riop_word(uint32_t op, uint32_t slot)
{
	return op | slot << RSLOT_SHIFT;
}

static inline uint32_t riop_op(uint32_t w)
{
	return w & 0xffffu;
}

static inline uint32_t riop_slot(uint32_t w)
{
	return w >> RSLOT_SHIFT;
}

/* ---- internal opcodes (beyond the wasm op indices 0..0x2ff) ----
 * Wasm ops keep their index: [op|dst] a b (binary), [op|dst] a (unary),
 * loads [op|dst] addr offset, stores [op|addr] value offset, SIMD as in
 * exec_simd.inc; memory.size [op|dst], memory.grow [op|dst] delta,
 * memory.copy/fill [op|d] s/val n. */
enum {
	IOP_MOV = 0x300,    /* [op|dst] src */
	IOP_MOV2,           /* [op|dst] src (two slots: v128) */
	IOP_CONST32,        /* [op|dst] imm */
	IOP_CONST64,        /* [op|dst] lo hi */
	IOP_CONST128,       /* [op|dst] w0 w1 w2 w3 */
	IOP_BR,             /* [op] off */
	IOP_BR_IF,          /* [op|cond] off */
	IOP_BR_UNLESS,      /* [op|cond] off */
	IOP_BR_TABLE,       /* [op|idx] n off0..offn */
	IOP_RETURN,         /* [op] */
	IOP_CALL,           /* [op|base] func (arguments from base, results to base) */
	IOP_CALL_INDIRECT,  /* [op|base] type table idx */
	IOP_RETURN_CALL,    /* [op|base] func: the callee takes this frame */
	IOP_RETURN_CALL_INDIRECT, /* [op|base] type table idx */
	IOP_UNREACHABLE,    /* [op] */
	IOP_LOOP_CHECK,     /* [op] cost: fuel and interrupt check at a loop header */
	IOP_SELECT,         /* [op|dst] a b cond */
	IOP_SELECT128,      /* [op|dst] a b cond */
	IOP_GLOBAL_GET,     /* [op|dst] idx */
	IOP_GLOBAL_SET,     /* [op|src] idx */
	IOP_GLOBAL_GET128,  /* [op|dst] idx */
	IOP_GLOBAL_SET128,  /* [op|src] idx */
	IOP_TABLE_GET,      /* [op|dst] table idx */
	IOP_TABLE_SET,      /* [op|idx] table val */
	IOP_TABLE_SIZE,     /* [op|dst] table */
	IOP_TABLE_GROW,     /* [op|dst] table val n */
	IOP_TABLE_FILL,     /* [op|i] table val n */
	IOP_TABLE_COPY,     /* [op|d] dsttable srctable s n */
	IOP_TABLE_INIT,     /* [op|d] table elem s n */
	IOP_ELEM_DROP,      /* [op] elem */
	IOP_MEMORY_INIT,    /* [op|d] data s n */
	IOP_DATA_DROP,      /* [op] data */
	IOP_REF_NULL,       /* (unused: ref.null is a constant) */
	IOP_REF_IS_NULL,    /* [op|dst] a */
	IOP_REF_FUNC,       /* [op|dst] func */
	IOP_BR_EQZ64,       /* [op|a] off: jump when the i64 is zero */
	IOP_BR_NEZ64,       /* [op|a] off */
	IOP_RETURN1,        /* [op|src]: move one slot to fp[0] and return */
	IOP_THROW,          /* [op|base] tag: payload in slots from base */
	IOP_THROW_REF,      /* [op|src]: throw_ref, legacy rethrow */
	/* fused compare + branch: base + (wasm compare op - first compare) */
	IOP_BR_CMP32 = 0x330, /* [op|a] b off, ops 0x46..0x4f */
	IOP_BR_CMP32I = 0x340, /* [op|a] imm off */
	IOP_BR_CMP64 = 0x350, /* [op|a] b off, ops 0x51..0x5a */
	/* float compare + branch, ops 0x5b..0x66: taken when the compare holds,
	 * or (NCMPF) when it does not: NaN makes both senses needed */
	IOP_BR_CMPF = 0x360,  /* [op|a] b off */
	IOP_BR_NCMPF = 0x370, /* [op|a] b off */
	/* i32.add fused with the conditional branch after it (the add is
	 * done first): [op|dst] x y a b off (compare with b, ops 0x46..0x4f),
	 * [op|dst] x y a imm off (compare with an immediate), [op|dst] x y a
	 * off (br_if / br_unless on a); y is a slot, or with IOP_ADD_IMM
	 * added to the opcode an immediate */
	IOP_ADD_BR_CMP32 = 0x380,
	IOP_ADD_BR_IF = 0x38a,
	IOP_ADD_BR_UNLESS = 0x38b,
	IOP_ADD_BR_CMP32I = 0x390,
	IOP_ADD_IMM = 0x20,
	IOP_BR_CMP64I = 0x3c0, /* [op|a] lo hi off, ops 0x51..0x5a */
	/* an f64 add/sub/mul P, then an f64 add/sub/mul B reading its
	 * result: [op|dst] x y t z is t = x P y, then dst = t B z, or with
	 * IOP_FF64_SECOND dst = z B t; + 3 * (P - 0xa0) + (B - 0xa0) */
	IOP_FF64 = 0x3d0,
	IOP_FF64_SECOND = 0x10,
	/* WebAssembly 3.0 */
	/* multi-memory and memory64: an access to memory k is the memory 0
	 * instruction between IOP_MEMSEL k and IOP_MEMSEL 0 (the loop's
	 * memory registers point at k meanwhile); a 64-bit address is
	 * narrowed first by IOP_ADDR64 (which traps when the access cannot
	 * be in bounds: memories here are at most 4 GiB) */
	IOP_MEMSEL = 0x3f0, /* [op|k] */
	IOP_ADDR64,         /* [op|dst] src lo hi: dst = src + offset, < 2^32 */
	IOP_MEMSIZE64,      /* [op|dst] */
	IOP_MEMGROW64,      /* [op|dst] delta */
	IOP_MEMCOPYX,       /* [op|d] s n dstmem srcmem: between two memories */
	/* table64: an i64 index or size saturates to 2^32-1, which no table
	 * here reaches (so the table instruction's own check traps); an i32
	 * result (table.size, table.grow's old size or -1) widens to i64 */
	IOP_IDX64,          /* [op|dst] src */
	IOP_WIDEN32,        /* [op|x]: x = (u64)x, with -1 kept -1 */
	/* typed function references */
	IOP_CALL_REF,       /* [op|base] type 0 ref */
	IOP_RETURN_CALL_REF, /* [op|base] type 0 ref */
	IOP_REF_AS_NON_NULL, /* [op|x]: traps when x is null */
	IOP_REF_NON_NULL,   /* [op|dst] a: a != null */
	IOP_IMM = 0x400,    /* + wasm binary op: [op|dst] a imm (i64: two words);
	                       + load op: [op|dst] addr k offset (address + constant folded in),
	                       + store op: [op|addr] value k offset */
	IOP_STORE_CONST = 0x700,   /* + store op: [op|addr] value offset */
	IOP_STOREK_CONST = 0x740,  /* + store op: [op|addr] k value offset */
	IOP_ADD2 = 0x780 - 0x28,        /* + load op: [op|dst] a b offset, store op: [op|a] b val offset */
	IOP_ADD2_CONST = 0x7c0 - 0x28,  /* + store op: [op|a] b value offset */
	IOP_COUNT = 0x800,
};
_Static_assert(IOP_REF_NON_NULL < IOP_IMM, "the 3.0 block fits below IOP_IMM");
_Static_assert(IOP_COUNT == 1u << IOP_BITS && IOP_BITS <= RSLOT_SHIFT,
	       "opcodes fit the low half of the opcode word");

/* Exception handlers of a compiled function (compile_eh.c), searched only
 * when an exception is thrown (exception.c): nothing runs for them on the
 * normal path.  A scope is a range of code [start, end) (word offsets in
 * ops) with a chain of catch clauses; when none matches, the search goes
 * on in `parent` (the enclosing scope, or for `try ... delegate l` the
 * scope of label l), -1 meaning the caller.  Scopes are in the order
 * they were opened, so the innermost scope holding a pc is the last one
 * that holds it. */
struct rscope {
	uint32_t start, end;
	int32_t parent;
	int32_t first; /* first clause, -1: none */
};

#define RCLAUSE_ALL UINT32_MAX  /* tag of catch_all / catch_all_ref */
#define RCLAUSE_NONE UINT32_MAX /* no slot */
struct rclause {
	int32_t next;          /* the scope's next clause, -1: last */
	uint32_t tag;          /* tag index in the module, or RCLAUSE_ALL */
	uint32_t target;       /* word offset of the handler code */
	uint32_t payload_slot; /* where the payload goes (RCLAUSE_NONE: dropped) */
	uint32_t exn_slot;     /* where the exception reference goes, or RCLAUSE_NONE */
};

/* A compiled function.  ops is NULL until its first call compiles it
 * (then published atomically: see rcompile_func). */
struct rcode {
	uint32_t *ops;
	uint32_t len;         /* words */
	uint32_t param_slots;
	uint32_t local_slots; /* non-parameter locals, zeroed at entry */
	uint32_t frame_slots; /* params + locals + deepest operand stack */
	uint32_t result_slots;
	uint32_t entry_cost;  /* fuel charged at entry */
	struct rscope *scopes; /* exception handlers (NULL: none) */
	struct rclause *clauses;
	uint32_t nscopes;
};

struct comp;

struct runner_module {
	uint8_t *bytes;              /* our copy of the binary */
	struct wasm_module *wasm;
	uint32_t *type_ids;          /* canonical id of each type index */
	struct wasm_functype *pub_types; /* the types with typed references as
					  * funcref/externref/exnref (what
					  * host calls and the API see); NULL:
					  * the module has none */
	struct rcode *codes;         /* one per defined function, compiled lazily */
	pthread_mutex_t lock;        /* held while compiling */
	struct wasm_validator *validator; /* for compiling one function at a time */
	struct comp *comp;           /* the compiler's scratch state */
	char **func_names;           /* per function index, from the name section, or NULL */
	size_t code_bytes;           /* internal code size (compiled so far) */
	size_t wasm_code_bytes;      /* code section size */
	int exn_escapes;             /* exnref in a global, table, tag or import/export type */
};

struct runner_func {
	struct runner_instance *inst; /* NULL for host functions */
	const struct wasm_functype *type;
	uint32_t type_id;
	uint32_t index;               /* in its module */
	const struct rcode *code;     /* NULL for host functions */
	runner_host_fn host;
	void *env;
	struct wasm_functype host_type; /* storage for host signatures */
};

struct rtable {
	void **elems;  /* funcref: struct runner_func*, externref: the value */
	uint32_t size;
	uint32_t max;  /* effective maximum */
	uint32_t module_max; /* the module's own (UINT32_MAX when none) */
	uint8_t type;  /* a typed reference: its family's top type */
	uint8_t is64;  /* i64 indices (table64) */
	uint64_t tkey; /* the exact element type, comparable across modules (0: type) */
};

struct rmemory {
	uint8_t *base;
	uint8_t is64;       /* 64-bit addresses (memory64) */
	uint64_t size;      /* bytes */
	uint64_t max_pages; /* effective maximum (module max and config limit) */
	uint64_t module_max_pages;
	uint64_t reserved;  /* bytes of address space reserved */
};

struct rglobal {
	slot_t v[2];
	uint8_t type;  /* a typed reference: its family's top type */
	uint8_t mut;
	uint64_t tkey; /* the exact type, comparable across modules (0: type) */
};

/* An exception tag: its identity is its address (a tag imported by
 * another instance is the same object). */
struct rtag {
	const struct wasm_functype *type;
	uint32_t type_id;
	uint32_t nslots; /* payload slots */
};

/* A thrown exception: what an exnref points to.  Allocated by throw,
 * owned by the execution stack (struct rexec) that threw it, freed with
 * it, or earlier by the collector (exception.c) once nothing refers to it. */
struct rexn {
	struct rexn *next;
	struct rtag *tag;
	uint8_t pinned;  /* escaped where the collector does not look */
	uint8_t mark;
	slot_t payload[];
};

/* One wasm execution stack: value slots and call frames. */
struct rframe {
	const uint32_t *pc;
	slot_t *fp;
	struct runner_func *fn;
};

struct rexec {
	slot_t *slots;
	slot_t *slots_end;
	struct rframe *frames;
	uint32_t depth, max_depth;
	slot_t *top;        /* first free slot (for nested entries from host calls) */
	runner_val *argbuf; /* host call conversion buffer */
	struct rexn *exns;  /* exceptions thrown on this stack (exception.c) */
	uint32_t nexns, gc_at;
};

struct runner_instance {
	struct runner_module *mod;
	struct runner_func **funcs;   /* imports, then own functions (NULL until used) */
	struct runner_func *own_funcs;
	struct rtable **tables;
	struct rtable *own_tables;
	uint32_t ntables;
	struct rmemory *mem;     /* memory 0 or NULL */
	struct rmemory **mems;   /* every memory: imports, then own (multi-memory) */
	struct rmemory *own_mems;
	uint32_t nmems;
	struct rglobal **globals;
	struct rglobal *own_globals;
	struct rtag **tags;      /* imports, then own */
	struct rtag *own_tags;
	void ***elem_items;      /* evaluated references of each element segment */
	uint32_t *elem_len;
	uint8_t *elem_dropped;
	uint8_t *data_dropped;
	struct runner_config cfg;
	int64_t fuel;            /* remaining; INT64_MAX when unlimited */
	struct rexec *exec;
};

struct runner_caller {
	struct runner_instance *inst;
	struct rexec *ex;
	int exit_code;
	enum runner_trap_kind kind;
	char message[256];
};

/* compile.c: functions are validated at load and compiled on first call
 * (def: index among the defined functions). */
int rcompile_func(struct runner_module *rm, uint32_t def);
int rcompile_all(struct runner_module *rm);
void rcompile_release(struct runner_module *rm);
void rcode_free(struct rcode *c);

/* exec.c */
int rexec_supports(uint32_t op);
/* Run f with its arguments in fp[0..]; results land in fp[0..]. */
int rexec_call(struct runner_instance *inst, struct rexec *ex, struct runner_func *f,
	       slot_t *fp, struct runner_trap *trap);

/* exception.c: throw allocates the exception (NULL: out of memory);
 * rexn_unwind searches the handlers from the current frame (cur, pc at
 * the throwing instruction, fp) outward to the frame that entered this
 * invocation: on a match it sets ex->depth, *pc, *fp, *cur to the
 * handler, stores the payload and reference, and returns 1; 0 when
 * nothing catches (the state is left as it was: the backtrace is the
 * thrower's).  A host function's frame is never crossed: the search stops
 * at entry_depth, where the host that called in gets a trap. */
struct rexn *rexn_new(struct rexec *ex, struct rtag *tag, const slot_t *payload,
		      const slot_t *live_end);
int rexn_unwind(struct rexec *ex, uint32_t entry_depth, struct rexn *exn, const uint32_t **pc,
		slot_t **fp, struct runner_func **cur);
void rexn_free_all(struct rexec *ex);
/* A module whose exception references can leave the wasm stack was
 * instantiated: the collector stops for good. */
void rexn_disable_gc(void);

/* instance.c helpers used by exec.c */
struct runner_func *rinst_func_init(struct runner_instance *inst, uint32_t idx);
/* Function `idx` of inst (imports first). */
static inline struct runner_func *rinst_func(struct runner_instance *inst, uint32_t idx)
{
	struct runner_func *f = inst->funcs[idx];

	return __builtin_expect(f != NULL, 1) ? f : rinst_func_init(inst, idx);
}
int rinst_memory_grow(struct rmemory *m, uint32_t delta, uint32_t *old);
int rinst_table_grow(struct rtable *t, uint32_t delta, void *init, uint32_t *old);
uint32_t rtype_intern(const struct wasm_functype *t);
int rhost_call(struct runner_instance *inst, struct rexec *ex, struct runner_func *f,
	       slot_t *fp, struct runner_caller *caller);

static inline uint32_t rslots_of(uint8_t t)
{
	return t == WASM_V128 ? 2 : 1;
}

#endif
