/*
 * internal.h - structures shared by the runner's stages (not an API).
 *
 * compile.c turns each validated function into `struct rcode`: a stream of
 * 32-bit words, each instruction an internal opcode followed by its
 * operands.  Operands name frame slots (64-bit cells relative to the frame
 * pointer: parameters, then locals, then operand-stack temporaries; a v128
 * takes two), so locals and constants are read in place instead of being
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

/* ---- internal opcodes (beyond the wasm op indices 0..0x2ff) ---- */
enum {
	IOP_MOV = 0x300,    /* dst src */
	IOP_MOV2,           /* dst src (two slots: v128) */
	IOP_CONST32,        /* dst imm */
	IOP_CONST64,        /* dst lo hi */
	IOP_CONST128,       /* dst w0 w1 w2 w3 */
	IOP_BR,             /* off (relative to the instruction) */
	IOP_BR_IF,          /* cond off */
	IOP_BR_UNLESS,      /* cond off */
	IOP_BR_TABLE,       /* idx n off0..offn */
	IOP_RETURN,
	IOP_CALL,           /* func base */
	IOP_CALL_INDIRECT,  /* type table idx base */
	IOP_UNREACHABLE,
	IOP_LOOP_CHECK,     /* cost: fuel and interrupt check at a loop header */
	IOP_SELECT,         /* dst a b cond */
	IOP_SELECT128,      /* dst a b cond */
	IOP_GLOBAL_GET,     /* dst idx */
	IOP_GLOBAL_SET,     /* idx src */
	IOP_GLOBAL_GET128,
	IOP_GLOBAL_SET128,
	IOP_TABLE_GET,      /* dst table idx */
	IOP_TABLE_SET,      /* table idx val */
	IOP_TABLE_SIZE,     /* dst table */
	IOP_TABLE_GROW,     /* dst table val n */
	IOP_TABLE_FILL,     /* table i val n */
	IOP_TABLE_COPY,     /* dsttable srctable d s n */
	IOP_TABLE_INIT,     /* table elem d s n */
	IOP_ELEM_DROP,      /* elem */
	IOP_MEMORY_INIT,    /* data d s n */
	IOP_DATA_DROP,      /* data */
	IOP_REF_NULL,       /* dst */
	IOP_REF_IS_NULL,    /* dst a */
	IOP_REF_FUNC,       /* dst func */
	IOP_BR_EQZ64,       /* a off: jump when the i64 is zero */
	IOP_BR_NEZ64,       /* a off */
	IOP_RETURN1,        /* src: move one slot to fp[0] and return */
	/* fused compare + branch: base + (wasm compare op - first compare) */
	IOP_BR_CMP32 = 0x330, /* a b off, ops 0x46..0x4f */
	IOP_BR_CMP32I = 0x340, /* a imm off */
	IOP_BR_CMP64 = 0x350, /* a b off, ops 0x51..0x5a */
	IOP_LAST = 0x360,
	IOP_IMM = 0x400,    /* + wasm binary op: second operand is an immediate;
	                       + load/store op: address + constant folded in */
	IOP_STORE_CONST = 0x700,   /* + store op: [addr value offset] */
	IOP_STOREK_CONST = 0x740,  /* + store op: [addr k value offset] */
	IOP_ADD2 = 0x780 - 0x28,        /* + load op: [dst a b offset], store op: [a b val offset] */
	IOP_ADD2_CONST = 0x7c0 - 0x28,  /* + store op: [a b value offset] */
	IOP_COUNT = 0x800,
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
};

struct comp;

struct runner_module {
	uint8_t *bytes;              /* our copy of the binary */
	struct wasm_module *wasm;
	uint32_t *type_ids;          /* canonical id of each type index */
	struct rcode *codes;         /* one per defined function, compiled lazily */
	pthread_mutex_t lock;        /* held while compiling */
	struct wasm_validator *validator; /* for compiling one function at a time */
	struct comp *comp;           /* the compiler's scratch state */
	char **func_names;           /* per function index, from the name section, or NULL */
	size_t code_bytes;           /* internal code size (compiled so far) */
	size_t wasm_code_bytes;      /* code section size */
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
	uint8_t type;
};

struct rmemory {
	uint8_t *base;
	uint64_t size;      /* bytes */
	uint64_t max_pages; /* effective maximum (module max and config limit) */
	uint64_t module_max_pages;
	uint64_t reserved;  /* bytes of address space reserved */
};

struct rglobal {
	slot_t v[2];
	uint8_t type;
	uint8_t mut;
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
};

struct runner_instance {
	struct runner_module *mod;
	struct runner_func **funcs;   /* imports, then own functions (NULL until used) */
	struct runner_func *own_funcs;
	struct rtable **tables;
	struct rtable *own_tables;
	uint32_t ntables;
	struct rmemory *mem;     /* memory 0 or NULL */
	struct rmemory own_mem;
	int has_own_mem;
	struct rglobal **globals;
	struct rglobal *own_globals;
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
