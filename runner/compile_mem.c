/*
 * compile_mem.c - memory instructions beyond memory 0 with 32-bit
 * addresses: multi-memory and memory64.
 *
 * The interpreter keeps memory 0 in registers and every memory handler
 * reads them.  An instruction on memory k is compiled as the memory 0
 * instruction between IOP_MEMSEL k and IOP_MEMSEL 0, so that loads,
 * stores, SIMD accesses and bulk operations on any memory share their
 * handlers (and the address folding of the compiler).  A 64-bit address
 * (or size) is narrowed first by IOP_ADDR64, which adds the offset and
 * traps when the sum cannot be in bounds: a memory here is at most 4 GiB,
 * so the access itself then sees an ordinary 32-bit address and offset 0.
 * memory.size and memory.grow of a 64-bit memory have their own handlers
 * (i64 results); memory.copy between two memories too.
 *
 * table64 is simpler: a table here has fewer than 2^32-1 elements, so an
 * i64 index saturated to 2^32-1 (IOP_IDX64) fails the table instruction's
 * own bounds check exactly when the i64 would, with its own message; the
 * i32 results of table.size and table.grow widen to i64 (IOP_WIDEN32).
 */
#include <string.h>

#include "../common/error.h"
#include "compile.h"

static int is64(const struct comp *c, uint32_t idx)
{
	const struct wasm_module *m = c->m;
	uint32_t i, k = 0;

	if (idx >= m->nmemory_imports)
		return m->memories[idx - m->nmemory_imports].is64;
	for (i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_MEMORY && k++ == idx)
			return m->imports[i].desc.memory.is64;
	return 0;
}

int rc_mem_other(const struct comp *c, const struct wasm_instr *in)
{
	if (in->op == WASM_OP_PREFIX_FC + 0x0a && (in->mem2 || is64(c, in->mem2)))
		return 1;
	return in->mem != 0 || is64(c, in->mem);
}

/* Replace the i64 of stack entry i by an i32 made from it by `op`:
 * IOP_ADDR64 (value + off, trapping where that cannot be an address in
 * bounds) or IOP_IDX64 (saturated to 2^32-1). */
static int narrow(struct comp *c, uint32_t i, uint32_t op, uint64_t off)
{
	struct ventry *e;
	uint32_t src;
	int err;

	if ((err = rc_operand(c, i, &src)) < 0)
		return err;
	e = &c->vs[i];
	if (rc_ins_begin(c, op, e->slot, op == IOP_ADDR64 ? 4 : 2) < 0)
		return rc_oom();
	rc_put(c, src);
	if (op == IOP_ADDR64)
		rc_put64(c, off);
	if (LAZY(e->kind))
		c->nlocal_refs--;
	e->kind = V_SLOT;
	e->type = WASM_I32;
	return 0;
}

#define ADDR(i, off) narrow(c, (i), IOP_ADDR64, (off))
#define SATURATE(i) narrow(c, (i), IOP_IDX64, 0)

static int select_memory(struct comp *c, uint32_t k)
{
	if (rc_ins_begin(c, IOP_MEMSEL, k, 1) < 0)
		return rc_oom();
	return 0;
}

int rc_do_memory(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o)
{
	struct wasm_instr x = *in;
	uint32_t first = c->nvs - o->npop, extra[2];
	int wide = is64(c, in->mem), err = 0;
	int64_t keep;

	if (in->mem > RFRAME_MAX || in->mem2 > RFRAME_MAX)
		return wp_error_set(WP_EINVALID, "memory index %u too large at offset %u",
				    in->mem > in->mem2 ? in->mem : in->mem2, in->offset);
	switch (in->op) {
	case 0x3f: /* memory.size */
	case 0x40: /* memory.grow */
		break;
	case WASM_OP_PREFIX_FC + 0x0a: { /* memory.copy d s n */
		int wide2 = is64(c, in->mem2);
		if ((wide && (err = ADDR(first, 0)) < 0) ||
		    (wide2 && (err = ADDR(first + 1, 0)) < 0) ||
		    (wide && wide2 && (err = ADDR(first + 2, 0)) < 0))
			return err;
		if (in->mem != in->mem2) {
			extra[0] = in->mem;
			extra[1] = in->mem2;
			return rc_emit_generic(c, IOP_MEMCOPYX, 3, 0, extra, 2, 0);
		}
		break;
	}
	case WASM_OP_PREFIX_FC + 0x0b: /* memory.fill d val n */
		if (wide && ((err = ADDR(first, 0)) < 0 || (err = ADDR(first + 2, 0)) < 0))
			return err;
		break;
	case WASM_OP_PREFIX_FC + 0x08: /* memory.init d s n */
		if (wide && (err = ADDR(first, 0)) < 0)
			return err;
		break;
	default: /* loads and stores: the offset goes into the address */
		if (wide) {
			if ((err = ADDR(first, in->memoffset)) < 0)
				return err;
			x.memoffset = 0;
		}
	}
	if (in->mem && (err = select_memory(c, in->mem)) < 0)
		return err;
	if (wide && in->op == 0x3f)
		err = rc_emit_generic(c, IOP_MEMSIZE64, 0, WASM_I64, NULL, 0, 0);
	else if (wide && in->op == 0x40)
		err = rc_emit_generic(c, IOP_MEMGROW64, 1, WASM_I64, NULL, 0, 0);
	else
		err = rc_emit_instr(c, &x, o);
	if (err < 0 || !in->mem)
		return err;
	/* the access's destination may still be retargeted by a local.set */
	keep = c->patch_ins;
	if ((err = select_memory(c, 0)) < 0)
		return err;
	c->patch_ins = keep;
	return 0;
}

/* ---- table64 ---- */

static int table_is64(const struct comp *c, uint32_t idx)
{
	const struct wasm_module *m = c->m;
	uint32_t i, k = 0;

	if (idx >= m->ntable_imports)
		return m->tables[idx - m->ntable_imports].limits.is64;
	for (i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_TABLE && k++ == idx)
			return m->imports[i].desc.table.limits.is64;
	return 0;
}

int rc_table_other(const struct comp *c, const struct wasm_instr *in)
{
	switch (in->op) {
	case 0x11: case 0x13: case WASM_OP_PREFIX_FC + 0x0c:
		return table_is64(c, in->b);
	case 0x25: case 0x26: case WASM_OP_PREFIX_FC + 0x0f: case WASM_OP_PREFIX_FC + 0x10:
	case WASM_OP_PREFIX_FC + 0x11:
		return table_is64(c, in->a);
	case WASM_OP_PREFIX_FC + 0x0e:
		return table_is64(c, in->a) || table_is64(c, in->b);
	}
	return 0;
}

int rc_do_table(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o)
{
	uint32_t top = c->nvs - 1;
	int err = 0, d64 = 0, s64 = 0;

	switch (in->op) {
	case 0x11: case 0x13: case 0x25: /* the index on top */
		err = SATURATE(top);
		break;
	case 0x26: /* table.set i val */
		err = SATURATE(top - 1);
		break;
	case WASM_OP_PREFIX_FC + 0x0f: /* table.grow val n */
		err = SATURATE(top);
		break;
	case WASM_OP_PREFIX_FC + 0x11: /* table.fill i val n */
		if ((err = SATURATE(top - 2)) >= 0)
			err = SATURATE(top);
		break;
	case WASM_OP_PREFIX_FC + 0x0c: /* table.init d s n */
		err = SATURATE(top - 2);
		break;
	case WASM_OP_PREFIX_FC + 0x0e: /* table.copy d s n */
		d64 = table_is64(c, in->a);
		s64 = table_is64(c, in->b);
		if ((d64 && (err = SATURATE(top - 2)) < 0) || (s64 && (err = SATURATE(top - 1)) < 0))
			return err;
		if (d64 && s64)
			err = SATURATE(top);
		break;
	}
	if (err < 0 || (err = rc_emit_instr(c, in, o)) < 0)
		return err;
	if (in->op == WASM_OP_PREFIX_FC + 0x0f || in->op == WASM_OP_PREFIX_FC + 0x10) {
		struct ventry *e = &c->vs[c->nvs - 1];
		if (rc_ins_begin(c, IOP_WIDEN32, e->slot, 1) < 0)
			return rc_oom();
		e->type = WASM_I64;
	}
	return 0;
}

/* ---- typed function references ---- */

/* ref.as_non_null, br_on_null, br_on_non_null.  A branch on the reference
 * computes its condition into a slot above it, then branches as br_if:
 * br_on_non_null leaves the reference on the stack as the label's last
 * value (and drops it after); br_on_null takes it off the stack around the
 * branch (the label gets the values below it) and puts it back after, in
 * the slot it never left. */
int rc_do_ref_branch(struct comp *c, const struct wasm_instr *in)
{
	uint32_t top = c->nvs - 1, r;
	struct ventry e;
	int err;

	if ((err = rc_operand(c, top, &r)) < 0)
		return err;
	if (in->op == 0xd4) {
		if (rc_ins_begin(c, IOP_REF_AS_NON_NULL, r, 1) < 0)
			return rc_oom();
		return 0;
	}
	if ((err = rc_push_entry(c, V_SLOT, WASM_I32, 0, 0)) < 0)
		return err;
	if (rc_ins_begin(c, in->op == 0xd5 ? IOP_REF_IS_NULL : IOP_REF_NON_NULL, c->vs[top + 1].slot, 2) < 0)
		return rc_oom();
	rc_put(c, r);
	if (in->op == 0xd6) {
		if ((err = rc_do_br_if(c, in->a)) < 0)
			return err;
		rc_pop_entries(c, 1);
		return 0;
	}
	e = c->vs[top];
	c->vs[top] = c->vs[top + 1];
	c->nvs--;
	if (LAZY(e.kind))
		c->nlocal_refs--;
	if ((err = rc_do_br_if(c, in->a)) < 0)
		return err;
	if ((err = rc_push_entry(c, e.kind, e.type, e.src, e.c)) < 0)
		return err;
	c->vs[c->nvs - 1].src2 = e.src2;
	return c->vs[c->nvs - 1].slot == e.slot ? 0
		: wp_error_set(WP_EINVALID, "br_on_null: operand stack out of place at offset %u", in->offset);
}
