/*
 * opcodes.h - the one table of WebAssembly opcode facts (2.0, tail calls,
 * exception handling).
 *
 * Every instruction has an index into wasm_ops[]: plain opcodes are their
 * byte (0x00..0xff), 0xfc-prefixed ones are 0x100 + sub-opcode and SIMD
 * (0xfd) ones are 0x200 + sub-opcode.  An entry names the instruction, the
 * kind of immediate that follows it, and for "simple" instructions (every
 * numeric, memory and SIMD op) the operand types it pops and the one it
 * pushes, so the validator type-checks them from the table and the
 * compiler emits them generically.  Control, variable, reference, table
 * and bulk-memory instructions have flag WASM_OPF_SPECIAL and are handled
 * one by one.
 */
#ifndef WASM_OPCODES_H
#define WASM_OPCODES_H

#include <stdint.h>

#define WASM_OP_PREFIX_FC 0x100
#define WASM_OP_PREFIX_FD 0x200
#define WASM_OP_COUNT 0x300

/*
 * Relaxed SIMD (0xfd 0x100..0x113, WebAssembly 3.0) has no room of its own
 * in 0x200..0x2ff: each relaxed instruction decodes to the index of the
 * instruction whose result this engine gives for it (its deterministic
 * choice: swizzle, trunc_sat, bitselect, min/max, q15mulr_sat), or, for
 * the six with no 2.0 counterpart (madd/nmadd, the two dot products), to
 * one of the sub-opcodes 2.0 leaves unassigned, which are then refused in
 * their own encoding.  *op gets the index; -1 when SUB is no instruction.
 */
int wasm_simd_index(uint32_t sub, uint16_t *op);

enum wasm_imm {
	WASM_IMM_NONE = 0,
	WASM_IMM_BLOCK,      /* block type */
	WASM_IMM_LABEL,      /* br, br_if */
	WASM_IMM_BR_TABLE,
	WASM_IMM_FUNC,       /* call, ref.func */
	WASM_IMM_CALL_INDIRECT, /* type index, table index */
	WASM_IMM_LOCAL,
	WASM_IMM_GLOBAL,
	WASM_IMM_TABLE,      /* table.get/set/size/grow/fill */
	WASM_IMM_MEMARG,     /* align, offset */
	WASM_IMM_MEMIDX,     /* memory.size/grow/fill: one memory index (0) */
	WASM_IMM_I32,
	WASM_IMM_I64,
	WASM_IMM_F32,
	WASM_IMM_F64,
	WASM_IMM_SELECT_T,   /* vec(valtype) */
	WASM_IMM_REFTYPE,    /* ref.null */
	WASM_IMM_MEMINIT,    /* data index, memory 0 */
	WASM_IMM_DATA,       /* data.drop */
	WASM_IMM_MEMCOPY,    /* memory 0, memory 0 */
	WASM_IMM_TABLEINIT,  /* elem index, table index */
	WASM_IMM_ELEM,       /* elem.drop */
	WASM_IMM_TABLECOPY,  /* table index, table index */
	WASM_IMM_V128,       /* 16 bytes */
	WASM_IMM_SHUFFLE,    /* 16 lane indices < 32 */
	WASM_IMM_LANE,       /* one lane index */
	WASM_IMM_MEMARG_LANE, /* memarg then lane index */
	WASM_IMM_TAG,        /* throw, catch: tag index */
	WASM_IMM_TRY_TABLE,  /* block type, vec(catch clause) */
	WASM_IMM_TYPE        /* call_ref, return_call_ref: type index */
};

#define WASM_OPF_SPECIAL 0x01 /* type rule is not "pop these, push that" */
#define WASM_OPF_MEMORY  0x02 /* needs memory 0 */
#define WASM_OPF_RELAXED 0x04 /* relaxed SIMD kept in a slot 2.0 leaves
			       * unassigned: no instruction in that slot's
			       * own encoding (wasm_simd_index) */

struct wasm_opinfo {
	const char *name;  /* NULL: not an instruction */
	uint8_t imm;       /* enum wasm_imm */
	uint8_t flags;
	uint8_t npop;
	uint8_t pop[3];    /* valtypes, in stack order (pop[npop-1] is the top) */
	uint8_t push;      /* valtype or 0 */
	uint8_t width;     /* memory access size in bytes (loads/stores), or lanes
	                      count for lane immediates */
};

extern const struct wasm_opinfo wasm_ops[WASM_OP_COUNT];

/* Natural alignment (log2 of the access size) bound for memarg ops. */
static inline unsigned wasm_op_max_align(const struct wasm_opinfo *o)
{
	unsigned w = o->width, a = 0;
	while (w > 1) {
		w >>= 1;
		a++;
	}
	return a;
}

#endif
