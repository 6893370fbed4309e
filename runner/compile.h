/*
 * compile.h - the compiler's shared state (internal to runner/compile*.c).
 *
 * compile_stack.c: code emission and the virtual operand stack;
 * compile_control.c: blocks, branches, returns;
 * compile.c: instructions and the validator hooks.
 */
#ifndef RUNNER_COMPILE_H
#define RUNNER_COMPILE_H

#include <stdint.h>

#include "../wasm/opcodes.h"
#include "../wasm/validate.h"
#include "internal.h"

/* V_ADDK: src + c (an i32.add of a constant not emitted yet: a load or
 * store folds it into its address; anything else materializes it) */
/* V_ADD2: src + src2 (two operands, src2 a local), folded the same way */
enum { V_SLOT, V_LOCAL, V_CONST, V_ADDK, V_ADD2 };
#define LAZY(k) ((k) == V_LOCAL || (k) == V_ADDK || (k) == V_ADD2)

struct ventry {
	uint8_t kind;
	uint8_t type;
	uint32_t slot; /* where the value lives once materialized */
	uint32_t src;  /* V_LOCAL: the local's slot */
	uint32_t src2; /* V_ADD2: the second operand's (local) slot */
	uint64_t c;    /* V_CONST */
};

struct fixup {
	uint32_t ins;  /* instruction start */
	uint32_t word; /* word holding the offset */
};

struct cframe {
	uint16_t op;
	uint8_t dead;        /* entered in unreachable code: emit nothing */
	uint8_t unreachable;
	uint8_t had_else;
	uint32_t height;     /* vstack index of the first param */
	uint32_t base_slot;  /* slot of the first param / result */
	uint32_t floor_slot; /* first slot pushes may use when the frame is empty */
	const uint8_t *params, *results;
	uint32_t np, nr;
	uint32_t start;      /* loop: position of the header */
	uint32_t cost_word;  /* loop: LOOP_CHECK cost operand */
	uint32_t ninstr;
	uint32_t cost_owner; /* nearest enclosing loop (or 0: the function) */
	int64_t else_fix_ins, else_fix_word;
	int32_t scope;       /* try / try_table: its handler scope (-1: none) */
	int32_t inner_scope; /* the scope covering code directly inside (-1: none) */
	int32_t last_clause; /* legacy try: its last catch clause so far (-1: none) */
	struct fixup *fix;
	uint32_t nfix, capfix;
};

#define POOL_SLOTS 8

struct comp {
	const struct wasm_module *m;
	struct runner_module *rm;
	uint32_t *code;
	uint32_t len, cap;
	struct ventry *vs;
	uint32_t nvs, capvs;
	struct cframe *cf;
	uint32_t ncf, capcf;
	uint32_t *local_slot;
	uint32_t nlocals;
	uint32_t stack_base;
	uint32_t max_slot;
	uint32_t nlocal_refs;   /* V_LOCAL entries on the stack */
	int64_t patch_ins;      /* the last op, whose packed slot is its destination (the top) */
	int64_t cmp_ins;        /* last op was a fusable compare producing the top */
	uint16_t cmp_op;
	uint8_t cmp_imm;
	uint32_t cmp_a, cmp_b, cmp_bhi; /* cmp_bhi: high word of an i64 immediate */
	/* start of the last instruction emitted and of the one before it
	 * (-1: none, or a label was bound after it): an i32.add followed by a
	 * conditional branch becomes one instruction */
	int64_t last_ins, prev_ins;
	const struct wasm_functype *ft;
	uint32_t func;          /* index of the function being compiled */
	struct rcode *out;
	uint32_t loop_depth;
	/* constants read inside loops live in pool slots (between the locals
	 * and the operand stack) set once by a prologue, instead of being
	 * re-materialized on every iteration */
	uint32_t pool_base, npool;
	uint8_t pool_type[POOL_SLOTS];
	uint64_t pool_val[POOL_SLOTS];
	/* exception handlers of the function (compile_eh.c) */
	struct rscope *scopes;
	uint32_t nscopes, capscopes;
	struct rclause *clauses;
	uint32_t nclauses, capclauses;
};

struct condj {
	int fused;
	uint16_t op;
	uint8_t imm;
	uint32_t a, b, bhi;
};

int rc_oom(void);
int rc_frame_check(struct comp *c);
int rc_reserve(struct comp *c, uint32_t n);
int64_t rc_ins_begin(struct comp *c, uint32_t op, uint32_t slot, uint32_t words);
int64_t rc_last_ins(struct comp *c, uint32_t words);
void rc_drop_last(struct comp *c);
void rc_put(struct comp *c, uint32_t w);
void rc_put64(struct comp *c, uint64_t v);
int rc_add_fixup(struct cframe *f, uint32_t ins, uint32_t word);
void rc_label_here(struct comp *c);
struct cframe *rc_top_frame(struct comp *c);
uint32_t rc_next_slot(struct comp *c);
int rc_push_entry(struct comp *c, uint8_t kind, uint8_t type, uint32_t src, uint64_t k);
void rc_pop_entries(struct comp *c, uint32_t n);
int rc_emit_copy(struct comp *c, const struct ventry *e, uint32_t dst);
int rc_materialize(struct comp *c, uint32_t i);
int rc_materialize_from(struct comp *c, uint32_t from);
int64_t rc_pool_slot(struct comp *c, const struct ventry *e);
int rc_operand(struct comp *c, uint32_t i, uint32_t *slot);
int rc_protect_local(struct comp *c, uint32_t lslot, uint32_t upto);
int rc_has_local_ref(struct comp *c, uint32_t lslot, uint32_t upto);
int rc_push_frame(struct comp *c, const struct wasm_instr *in, int dead);
void rc_label_arity(const struct cframe *f, const uint8_t **t, uint32_t *n);
int rc_copy_top_to(struct comp *c, uint32_t n, uint32_t dst);
int rc_emit_return(struct comp *c);
int rc_link_label(struct comp *c, struct cframe *f, uint32_t ins, uint32_t word);
int rc_needs_copies(struct comp *c, struct cframe *f, uint32_t skip);
int rc_emit_br(struct comp *c, uint32_t depth);
uint16_t rc_invert_cmp(uint16_t op);
int64_t rc_emit_fused(struct comp *c, uint16_t op, const struct condj *j);
int rc_cond_take(struct comp *c, struct condj *j);
int64_t rc_cond_emit(struct comp *c, const struct condj *j, int when);
int64_t rc_emit_cond_jump(struct comp *c, int when);
uint32_t rc_ins_last_word(struct comp *c);
int rc_do_br_if(struct comp *c, uint32_t depth);
int rc_do_br_table(struct comp *c, const struct wasm_instr *in);
void rc_bind_fixups(struct comp *c, struct cframe *f);
int rc_do_block(struct comp *c, const struct wasm_instr *in);
int rc_do_if(struct comp *c, const struct wasm_instr *in);
int rc_reset_to_params(struct comp *c, struct cframe *f, const uint8_t *t, uint32_t n);
int rc_end_part(struct comp *c, struct cframe *f);
int rc_do_else(struct comp *c);
int rc_do_end(struct comp *c);

/* compile.c: one instruction as for memory 0 (what rc_do_memory wraps);
 * `op` with a destination (if `push`) and `npop` operands, then extra words */
int rc_emit_instr(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o);
int rc_emit_generic(struct comp *c, uint32_t op, uint32_t npop, uint8_t push,
		    const uint32_t *extra, uint32_t nextra, int extra_first);

/* compile_mem.c: memory instructions on a memory other than memory 0 or
 * on a 64-bit memory (rc_mem_other says which). */
int rc_mem_other(const struct comp *c, const struct wasm_instr *in);
int rc_do_memory(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o);
/* ... and table instructions on a 64-bit table (table64) */
int rc_table_other(const struct comp *c, const struct wasm_instr *in);
int rc_do_table(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o);
/* ... and ref.as_non_null, br_on_null, br_on_non_null */
int rc_do_ref_branch(struct comp *c, const struct wasm_instr *in);

/* compile_eh.c: try, catch, catch_all, delegate, try_table, throw,
 * throw_ref, rethrow; rc_eh_end closes a try's scope at its `end`;
 * rc_eh_finish hands the handler tables to the compiled code (their
 * offsets moved by `shift` words of prologue). */
int rc_do_eh(struct comp *c, const struct wasm_instr *in);
void rc_eh_end(struct comp *c);
int rc_eh_finish(struct comp *c, struct rcode *out, uint32_t shift);

#endif
