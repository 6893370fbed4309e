/*
 * compile.c - translate validated function bodies into internal code
 * (see internal.h for the format).
 *
 * The validator (wasm/validate.c) decodes each instruction once and hands
 * it here through its hooks.  We keep a virtual operand stack whose entries
 * say where a value is: in its own frame slot (SLOT), still in a local
 * (LOCAL: local.get emits nothing) or a known constant (CONST).  Operands
 * are read where they are; a value is copied to its stack slot
 * ("materialized") only when it must be: a local is about to be written,
 * a block boundary, a call's arguments, a branch's values.  Other tricks:
 *   - local.set after an op rewrites that op's destination to the local;
 *   - compare + br_if / if become one fused compare-and-branch, and an
 *     i32.add (or i32.sub of a constant) just before it joins it too: a
 *     loop's `i += step; if (i < n) continue` is one instruction;
 *   - an f64 add/sub/mul and the f64 add/sub/mul reading its result are
 *     one instruction;
 *   - binary ops with a constant right operand get an immediate form;
 *   - every branch target is resolved to a relative offset.
 * Fuel: a LOOP_CHECK at each loop header charges the loop body's
 * instruction count and polls the interrupt flag; function entry charges
 * the instructions outside loops.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "compile.h"

/* ---- instructions ---- */

/* i32.add of a constant: no code yet, the entry becomes V_ADDK. */
static int fold_addk(struct comp *c)
{
	struct ventry *k = &c->vs[c->nvs - 1], *b = &c->vs[c->nvs - 2];
	uint32_t kv = (uint32_t)k->c;

	rc_pop_entries(c, 1);
	b = &c->vs[c->nvs - 1];
	if (b->kind == V_ADD2 && rc_materialize(c, c->nvs - 1) < 0)
		return rc_oom();
	if (b->kind == V_ADDK) {
		b->c = (uint32_t)(b->c + kv);
	} else {
		uint32_t src = b->kind == V_LOCAL ? b->src : b->slot;
		rc_pop_entries(c, 1);
		if (rc_push_entry(c, V_ADDK, WASM_I32, src, kv) < 0)
			return rc_oom();
	}
	c->patch_ins = -1;
	c->cmp_ins = -1;
	return 0;
}

/* i32.add of a local to a value: no code yet, the entry becomes V_ADD2 (a
 * stack slot can only be the first operand: it is the entry's own slot). */
static int fold_add2(struct comp *c)
{
	uint32_t b = c->vs[c->nvs - 1].src, a;
	struct ventry *e = &c->vs[c->nvs - 2];

	a = e->kind == V_LOCAL ? e->src : e->slot;
	rc_pop_entries(c, 2);
	if (rc_push_entry(c, V_ADD2, WASM_I32, a, 0) < 0)
		return rc_oom();
	c->vs[c->nvs - 1].src2 = b;
	c->patch_ins = -1;
	c->cmp_ins = -1;
	return 0;
}

/* A load or store whose address is a V_ADD2. */
static int emit_mem_add2(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o)
{
	uint32_t first = c->nvs - o->npop, val = 0, dst = c->vs[first].slot;
	struct ventry a = c->vs[first];
	int64_t ins;
	int err;

	if (!o->push && c->vs[first + 1].kind == V_CONST &&
	    rexec_supports(IOP_ADD2_CONST + in->op)) {
		if ((ins = rc_ins_begin(c, IOP_ADD2_CONST + in->op, a.src, 4)) < 0)
			return rc_oom();
		rc_put(c, a.src2);
		rc_put(c, (uint32_t)c->vs[first + 1].c);
		rc_put(c, (uint32_t)in->memoffset);
		rc_pop_entries(c, 2);
		return 0;
	}
	if (o->npop == 2 && (err = rc_operand(c, first + 1, &val)) < 0)
		return err;
	if ((ins = rc_ins_begin(c, IOP_ADD2 + in->op, o->push ? dst : a.src, 4)) < 0)
		return rc_oom();
	if (o->push) {
		rc_put(c, a.src);
		rc_put(c, a.src2);
	} else {
		rc_put(c, a.src2);
		rc_put(c, val);
	}
	rc_put(c, (uint32_t)in->memoffset);
	rc_pop_entries(c, o->npop);
	if (!o->push)
		return 0;
	if ((err = rc_push_entry(c, V_SLOT, o->push, 0, 0)) < 0)
		return err;
	c->patch_ins = ins;
	return 0;
}

/* A load or store whose address is a V_ADDK: the add happens in the access. */
static int emit_mem_addk(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o)
{
	uint32_t first = c->nvs - o->npop, val = 0, dst = c->vs[first].slot;
	struct ventry a = c->vs[first];
	int64_t ins;
	int err;

	if (!o->push && c->vs[first + 1].kind == V_CONST &&
	    rexec_supports(IOP_STOREK_CONST + in->op)) {
		if ((ins = rc_ins_begin(c, IOP_STOREK_CONST + in->op, a.src, 4)) < 0)
			return rc_oom();
		rc_put(c, (uint32_t)a.c);
		rc_put(c, (uint32_t)c->vs[first + 1].c);
		rc_put(c, (uint32_t)in->memoffset);
		rc_pop_entries(c, 2);
		return 0;
	}
	if (o->npop == 2 && (err = rc_operand(c, first + 1, &val)) < 0)
		return err;
	if ((ins = rc_ins_begin(c, IOP_IMM + in->op, o->push ? dst : a.src, 4)) < 0)
		return rc_oom();
	rc_put(c, o->push ? a.src : val);
	rc_put(c, (uint32_t)a.c);
	rc_put(c, (uint32_t)in->memoffset);
	rc_pop_entries(c, o->npop);
	if (!o->push)
		return 0;
	if ((err = rc_push_entry(c, V_SLOT, o->push, 0, 0)) < 0)
		return err;
	c->patch_ins = ins;
	return 0;
}

/* An f64 add/sub/mul that reads the result of the f64 add/sub/mul just
 * emitted (no label between) is emitted with it as one instruction
 * (IOP_FF64): the first still writes its destination (a temporary, or a
 * local it was tee'd to), the second takes the value from a register. */
static int fuse_f64(struct comp *c, uint32_t op, const uint32_t *srcs, uint32_t dst)
{
	int64_t at = rc_last_ins(c, 3), ins;
	uint32_t p, t, x, y, fop;

	if (at < 0)
		return 1;
	p = riop_op(c->code[at]);
	if (p < 0xa0 || p > 0xa2)
		return 1;
	t = riop_slot(c->code[at]);
	if (srcs[0] != t && srcs[1] != t)
		return 1;
	fop = IOP_FF64 + (srcs[0] == t ? 0 : IOP_FF64_SECOND) + 3 * (p - 0xa0) + (op - 0xa0);
	if (!rexec_supports(fop))
		return 1;
	x = c->code[at + 1];
	y = c->code[at + 2];
	rc_drop_last(c);
	if ((ins = rc_ins_begin(c, fop, dst, 5)) < 0)
		return rc_oom();
	rc_put(c, x);
	rc_put(c, y);
	rc_put(c, t);
	rc_put(c, srcs[0] == t ? srcs[1] : srcs[0]);
	rc_pop_entries(c, 2);
	if (rc_push_entry(c, V_SLOT, WASM_F64, 0, 0) < 0)
		return -1;
	c->patch_ins = ins;
	return 0;
}

static int emit_simple(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o)
{
	uint32_t srcs[3], i, dst, nsrc, first = c->nvs - o->npop;
	int64_t ins;
	int imm = 0, err;

	if (!rexec_supports(in->op))
		return wp_error_set(WP_EINVALID, "unsupported instruction %s at offset %u", o->name,
				    in->offset);
	if (in->op == 0x6a && c->vs[c->nvs - 1].kind == V_CONST && c->vs[c->nvs - 2].kind != V_CONST)
		return fold_addk(c);
	if (in->op == 0x6a && c->vs[c->nvs - 1].kind == V_LOCAL &&
	    (c->vs[c->nvs - 2].kind == V_LOCAL || c->vs[c->nvs - 2].kind == V_SLOT))
		return fold_add2(c);
	if (o->imm == WASM_IMM_MEMARG && c->vs[first].kind == V_ADD2 &&
	    rexec_supports(IOP_ADD2 + in->op))
		return emit_mem_add2(c, in, o);
	if (o->imm == WASM_IMM_MEMARG && c->vs[first].kind == V_ADDK &&
	    rexec_supports(IOP_IMM + in->op))
		return emit_mem_addk(c, in, o);
	if (o->imm == WASM_IMM_MEMARG && !o->push && c->vs[c->nvs - 1].kind == V_CONST &&
	    rexec_supports(IOP_STORE_CONST + in->op)) {
		uint32_t addr;
		if ((err = rc_operand(c, first, &addr)) < 0)
			return err;
		if ((ins = rc_ins_begin(c, IOP_STORE_CONST + in->op, addr, 3)) < 0)
			return rc_oom();
		rc_put(c, (uint32_t)c->vs[c->nvs - 1].c);
		rc_put(c, (uint32_t)in->memoffset);
		rc_pop_entries(c, 2);
		return 0;
	}
	if (o->npop == 2 && o->imm == WASM_IMM_NONE && c->vs[c->nvs - 1].kind == V_CONST &&
	    c->vs[c->nvs - 1].type != WASM_V128 && rexec_supports(IOP_IMM + in->op))
		imm = 1;
	for (i = 0; i + (uint32_t)imm < o->npop; i++)
		if ((err = rc_operand(c, first + i, &srcs[i])) < 0)
			return err;
	dst = o->npop ? c->vs[first].slot : rc_next_slot(c);
	if (in->op >= 0xa0 && in->op <= 0xa2 && !imm) {
		int err2 = fuse_f64(c, in->op, srcs, dst);
		if (err2 <= 0)
			return err2;
	}
	/* the first slot operand (the destination, else the first source)
	 * shares the opcode word */
	nsrc = o->npop - (uint32_t)imm;
	if ((ins = rc_ins_begin(c, imm ? IOP_IMM + in->op : in->op,
				o->push ? dst : nsrc ? srcs[0] : 0, 12)) < 0)
		return rc_oom();
	for (i = o->push ? 0 : 1; i < nsrc; i++)
		rc_put(c, srcs[i]);
	if (imm) {
		const struct ventry *k = &c->vs[c->nvs - 1];
		if (k->type == WASM_I32 || k->type == WASM_F32)
			rc_put(c, (uint32_t)k->c);
		else
			rc_put64(c, k->c);
	}
	switch (o->imm) {
	case WASM_IMM_MEMARG:
		rc_put(c, (uint32_t)in->memoffset);
		break;
	case WASM_IMM_MEMARG_LANE:
		rc_put(c, (uint32_t)in->memoffset);
		rc_put(c, in->lane);
		break;
	case WASM_IMM_LANE:
		rc_put(c, in->lane);
		break;
	case WASM_IMM_SHUFFLE:
		for (i = 0; i < 16; i += 4)
			rc_put(c, (uint32_t)in->imm.v128[i] | (uint32_t)in->imm.v128[i + 1] << 8 |
				       (uint32_t)in->imm.v128[i + 2] << 16 |
				       (uint32_t)in->imm.v128[i + 3] << 24);
		break;
	}
	rc_pop_entries(c, o->npop);
	if (!o->push)
		return 0;
	if ((err = rc_push_entry(c, V_SLOT, o->push, 0, 0)) < 0)
		return err;
	c->patch_ins = ins;
	if ((in->op >= 0x45 && in->op <= 0x66) && !(imm && in->op >= 0x5b)) {
		c->cmp_ins = ins;
		c->cmp_op = in->op;
		c->cmp_imm = (uint8_t)imm;
		c->cmp_a = c->code[ins + 1];
		c->cmp_b = (in->op == 0x45 || in->op == 0x50) ? 0 : c->code[ins + 2];
		c->cmp_bhi = imm && in->op > 0x50 ? c->code[ins + 3] : 0;
	}
	return 0;
}

static int do_local_set(struct comp *c, const struct wasm_instr *in)
{
	uint32_t lslot = c->local_slot[in->a], top = c->nvs - 1;
	struct ventry *e = &c->vs[top];
	int err;

	if (e->kind == V_LOCAL && e->src == lslot) {
		if (in->op == 0x21)
			rc_pop_entries(c, 1);
		return 0;
	}
	if (e->kind == V_SLOT && c->patch_ins >= 0 && !rc_has_local_ref(c, lslot, top)) {
		/* the op that produced the top writes the local directly */
		c->code[c->patch_ins] = riop_word(riop_op(c->code[c->patch_ins]), lslot);
		c->patch_ins = -1;
		c->cmp_ins = -1;
		if (in->op == 0x22) {
			e->kind = V_LOCAL;
			e->src = lslot;
			c->nlocal_refs++;
		} else {
			rc_pop_entries(c, 1);
		}
		return 0;
	}
	if ((err = rc_protect_local(c, lslot, top)) < 0)
		return err;
	e = &c->vs[top];
	if ((err = rc_emit_copy(c, e, lslot)) < 0)
		return err;
	if (in->op == 0x21) {
		rc_pop_entries(c, 1);
	} else if (e->kind == V_ADDK || e->kind == V_ADD2 || e->kind == V_CONST) {
		/* the local now holds the value (and an ADDK may have read it) */
		if (e->kind == V_CONST)
			c->nlocal_refs++;
		e->kind = V_LOCAL;
		e->src = lslot;
	}
	return 0;
}

static int do_call(struct comp *c, uint32_t nparams, const struct wasm_functype *t, uint32_t op,
		   uint32_t a, uint32_t b, int indirect)
{
	uint32_t first, base, idx = 0, i;
	int64_t ins;
	int err;

	first = c->nvs - nparams - (uint32_t)indirect;
	if ((err = rc_materialize_from(c, first)) < 0)
		return err;
	if (indirect && (err = rc_operand(c, c->nvs - 1, &idx)) < 0)
		return err;
	base = nparams ? c->vs[first].slot : (indirect ? c->vs[c->nvs - 1].slot : rc_next_slot(c));
	if ((ins = rc_ins_begin(c, op, base, 4)) < 0)
		return rc_oom();
	rc_put(c, a);
	if (indirect) {
		rc_put(c, b);
		rc_put(c, idx);
	}
	rc_pop_entries(c, nparams + (uint32_t)indirect);
	for (i = 0; i < t->nresults; i++)
		if ((err = rc_push_entry(c, V_SLOT, t->results[i], 0, 0)) < 0)
			return err;
	(void)base;
	return 0;
}

/* Emit `op` with a destination (if `push`) and `npop` operands, then extra words. */
int rc_emit_generic(struct comp *c, uint32_t op, uint32_t npop, uint8_t push,
			const uint32_t *extra, uint32_t nextra, int extra_first)
{
	uint32_t srcs[5], i, first = c->nvs - npop, dst;
	int64_t ins;
	int err;

	for (i = 0; i < npop; i++)
		if ((err = rc_operand(c, first + i, &srcs[i])) < 0)
			return err;
	dst = npop ? c->vs[first].slot : rc_next_slot(c);
	/* the first slot operand shares the opcode word */
	if ((ins = rc_ins_begin(c, op, push ? dst : npop ? srcs[0] : 0, 1 + npop + nextra)) < 0)
		return rc_oom();
	if (extra_first)
		for (i = 0; i < nextra; i++)
			rc_put(c, extra[i]);
	for (i = push || !npop ? 0 : 1; i < npop; i++)
		rc_put(c, srcs[i]);
	if (!extra_first)
		for (i = 0; i < nextra; i++)
			rc_put(c, extra[i]);
	rc_pop_entries(c, npop);
	if (push) {
		if ((err = rc_push_entry(c, V_SLOT, push, 0, 0)) < 0)
			return err;
		c->patch_ins = ins;
	}
	return 0;
}

static int do_special(struct comp *c, const struct wasm_instr *in)
{
	const struct wasm_module *m = c->m;
	struct cframe *f = rc_top_frame(c);
	uint32_t x[2];
	int err;

	switch (in->op) {
	case 0x00:
		if (rc_ins_begin(c, IOP_UNREACHABLE, 0, 1) < 0)
			return rc_oom();
		f->unreachable = 1;
		return 0;
	case 0x01:
		return 0;
	case 0x0c:
		if ((err = rc_emit_br(c, in->a)) < 0)
			return err;
		f->unreachable = 1;
		return 0;
	case 0x0d:
		return rc_do_br_if(c, in->a);
	case 0x0e:
		if ((err = rc_do_br_table(c, in)) < 0)
			return err;
		f->unreachable = 1;
		return 0;
	case 0x0f:
		if ((err = rc_emit_return(c)) < 0)
			return err;
		f->unreachable = 1;
		return 0;
	case 0x10: {
		const struct wasm_functype *t = wasm_module_func_type(m, in->a);
		return do_call(c, t->nparams, t, IOP_CALL, in->a, 0, 0);
	}
	case 0x11:
		return do_call(c, m->types[in->a].nparams, &m->types[in->a], IOP_CALL_INDIRECT,
			       in->a, in->b, 1);
	case 0x12: { /* return_call: a call that replaces this frame */
		const struct wasm_functype *t = wasm_module_func_type(m, in->a);
		if ((err = do_call(c, t->nparams, t, IOP_RETURN_CALL, in->a, 0, 0)) < 0)
			return err;
		f->unreachable = 1;
		return 0;
	}
	case 0x13:
		if ((err = do_call(c, m->types[in->a].nparams, &m->types[in->a], IOP_RETURN_CALL_INDIRECT,
				   in->a, in->b, 1)) < 0)
			return err;
		f->unreachable = 1;
		return 0;
	case 0x1a:
		rc_pop_entries(c, 1);
		return 0;
	case 0x1b: case 0x1c:
		return rc_emit_generic(c, in->type == WASM_V128 ? IOP_SELECT128 : IOP_SELECT, 3,
				    in->type ? in->type : WASM_I32, NULL, 0, 0);
	case 0x20:
		return rc_push_entry(c, V_LOCAL, in->type, c->local_slot[in->a], 0);
	case 0x21: case 0x22:
		return do_local_set(c, in);
	case 0x23:
		x[0] = in->a;
		return rc_emit_generic(c, in->type == WASM_V128 ? IOP_GLOBAL_GET128 : IOP_GLOBAL_GET, 0,
				    in->type, x, 1, 0);
	case 0x24:
		x[0] = in->a;
		return rc_emit_generic(c, in->type == WASM_V128 ? IOP_GLOBAL_SET128 : IOP_GLOBAL_SET, 1,
				    0, x, 1, 1);
	case 0x25:
		x[0] = in->a;
		return rc_emit_generic(c, IOP_TABLE_GET, 1, in->type, x, 1, 1);
	case 0x26:
		x[0] = in->a;
		return rc_emit_generic(c, IOP_TABLE_SET, 2, 0, x, 1, 1);
	case 0xd0:
		return rc_push_entry(c, V_CONST, in->type, 0, 0);
	case 0xd1:
		return rc_emit_generic(c, IOP_REF_IS_NULL, 1, WASM_I32, NULL, 0, 0);
	case 0xd2:
		x[0] = in->a;
		return rc_emit_generic(c, IOP_REF_FUNC, 0, in->type, x, 1, 0);
	case 0x14: /* call_ref: the reference is the callee */
		return do_call(c, m->types[in->a].nparams, &m->types[in->a], IOP_CALL_REF, in->a, 0, 1);
	case 0x15:
		if ((err = do_call(c, m->types[in->a].nparams, &m->types[in->a], IOP_RETURN_CALL_REF,
				   in->a, 0, 1)) < 0)
			return err;
		f->unreachable = 1;
		return 0;
	case 0xd4: case 0xd5: case 0xd6:
		return rc_do_ref_branch(c, in);
	case WASM_OP_PREFIX_FC + 0x08:
		x[0] = in->a;
		return rc_emit_generic(c, IOP_MEMORY_INIT, 3, 0, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x09:
		x[0] = in->a;
		return rc_emit_generic(c, IOP_DATA_DROP, 0, 0, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x0c:
		x[0] = in->b;
		x[1] = in->a;
		return rc_emit_generic(c, IOP_TABLE_INIT, 3, 0, x, 2, 1);
	case WASM_OP_PREFIX_FC + 0x0d:
		x[0] = in->a;
		return rc_emit_generic(c, IOP_ELEM_DROP, 0, 0, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x0e:
		x[0] = in->a;
		x[1] = in->b;
		return rc_emit_generic(c, IOP_TABLE_COPY, 3, 0, x, 2, 1);
	case WASM_OP_PREFIX_FC + 0x0f:
		x[0] = in->a;
		return rc_emit_generic(c, IOP_TABLE_GROW, 2, WASM_I32, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x10:
		x[0] = in->a;
		return rc_emit_generic(c, IOP_TABLE_SIZE, 0, WASM_I32, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x11:
		x[0] = in->a;
		return rc_emit_generic(c, IOP_TABLE_FILL, 3, 0, x, 1, 1);
	}
	return wp_error_set(WP_EINVALID, "unsupported instruction at offset %u", in->offset);
}

static int on_instr(void *ctx, const struct wasm_instr *in)
{
	struct comp *c = ctx;
	struct cframe *f = rc_top_frame(c);
	const struct wasm_opinfo *o = &wasm_ops[in->op];

	c->cf[f->cost_owner].ninstr++;
	switch (in->op) {
	case 0x02: case 0x03: case 0x04:
		if (f->unreachable)
			return rc_push_frame(c, in, 1);
		return in->op == 0x04 ? rc_do_if(c, in) : rc_do_block(c, in);
	case 0x05:
		return rc_do_else(c);
	case 0x0b:
		rc_eh_end(c);
		return rc_do_end(c);
	case 0x06: case 0x07: case 0x08: case 0x09: case 0x0a: case 0x18: case 0x19: case 0x1f:
		return rc_do_eh(c, in);
	}
	if (f->unreachable)
		return 0;
	switch (in->op) {
	case 0x41:
		return rc_push_entry(c, V_CONST, WASM_I32, 0, (uint32_t)in->imm.i32);
	case 0x42:
		return rc_push_entry(c, V_CONST, WASM_I64, 0, (uint64_t)in->imm.i64);
	case 0x43:
		return rc_push_entry(c, V_CONST, WASM_F32, 0, in->imm.f32);
	case 0x44:
		return rc_push_entry(c, V_CONST, WASM_F64, 0, in->imm.f64);
	case WASM_OP_PREFIX_FD + 0x0c: {
		int64_t ins;
		int err;
		uint32_t k;
		if ((err = rc_push_entry(c, V_SLOT, WASM_V128, 0, 0)) < 0)
			return err;
		if ((ins = rc_ins_begin(c, IOP_CONST128, c->vs[c->nvs - 1].slot, 5)) < 0)
			return rc_oom();
		for (k = 0; k < 16; k += 4)
			rc_put(c, (uint32_t)in->imm.v128[k] | (uint32_t)in->imm.v128[k + 1] << 8 |
				       (uint32_t)in->imm.v128[k + 2] << 16 |
				       (uint32_t)in->imm.v128[k + 3] << 24);
		c->patch_ins = ins;
		return 0;
	}
	}
	if ((o->flags & WASM_OPF_MEMORY) && rc_mem_other(c, in))
		return rc_do_memory(c, in, o);
	if ((o->flags & WASM_OPF_SPECIAL) && (c->m->ntables || c->m->ntable_imports) && rc_table_other(c, in))
		return rc_do_table(c, in, o);
	return rc_emit_instr(c, in, o);
}

int rc_emit_instr(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o)
{
	if ((o->flags & WASM_OPF_SPECIAL) || in->op == WASM_OP_PREFIX_FC + 0x08)
		return do_special(c, in);
	return emit_simple(c, in, o);
}

static int on_func_begin(void *ctx, uint32_t func, const uint8_t *locals, uint32_t nlocals,
			 uint32_t nparams)
{
	struct comp *c = ctx;
	struct wasm_instr top;
	uint32_t i, slot = 0;
	int err;

	c->ft = wasm_module_func_type(c->m, func);
	c->func = func;
	c->out = &c->rm->codes[func - c->m->nfunc_imports];
	memset(c->out, 0, sizeof(*c->out));
	free(c->local_slot);
	c->local_slot = malloc(sizeof(uint32_t) * (nlocals ? nlocals : 1));
	if (!c->local_slot)
		return rc_oom();
	for (i = 0; i < nlocals; i++) {
		c->local_slot[i] = slot;
		slot += rslots_of(locals[i]);
		if (i + 1 == nparams)
			c->out->param_slots = slot;
	}
	c->nlocals = nlocals;
	c->out->local_slots = slot - c->out->param_slots;
	c->pool_base = slot;
	c->npool = 0;
	c->loop_depth = 0;
	slot += POOL_SLOTS;
	c->stack_base = slot;
	c->max_slot = slot;
	for (i = 0; i < c->ft->nresults; i++)
		c->out->result_slots += rslots_of(c->ft->results[i]);
	if (c->out->result_slots > c->max_slot)
		c->max_slot = c->out->result_slots;
	c->len = 0;
	c->nvs = 0;
	c->ncf = 0;
	c->nlocal_refs = 0;
	c->patch_ins = c->cmp_ins = -1;
	c->last_ins = c->prev_ins = -1;
	c->nscopes = c->nclauses = 0;
	memset(&top, 0, sizeof(top));
	top.op = 0x02;
	top.bt_results = c->ft->results;
	top.bt_nresults = c->ft->nresults;
	if ((err = rc_push_frame(c, &top, 0)) < 0)
		return err;
	c->cf[0].floor_slot = c->cf[0].base_slot = slot;
	return 0;
}

static int on_func_end(void *ctx, uint32_t func)
{
	struct comp *c = ctx;
	struct rcode *out = c->out;

	uint32_t k, pro = 0, w, *ops;
	int err;

	(void)func;
	if ((err = rc_frame_check(c)) < 0)
		return err;
	/* the prologue fills the constant pool; branch offsets are relative,
	 * so prepending it moves nothing */
	for (k = 0; k < c->npool; k++)
		pro += c->pool_type[k] == WASM_I32 || c->pool_type[k] == WASM_F32 ? 2 : 3;
	ops = malloc(sizeof(uint32_t) * (c->len + pro ? c->len + pro : 1));
	if (!ops)
		return rc_oom();
	for (k = 0, w = 0; k < c->npool; k++) {
		if (c->pool_type[k] == WASM_I32 || c->pool_type[k] == WASM_F32) {
			ops[w++] = riop_word(IOP_CONST32, c->pool_base + k);
			ops[w++] = (uint32_t)c->pool_val[k];
		} else {
			ops[w++] = riop_word(IOP_CONST64, c->pool_base + k);
			ops[w++] = (uint32_t)c->pool_val[k];
			ops[w++] = (uint32_t)(c->pool_val[k] >> 32);
		}
	}
	memcpy(ops + w, c->code, sizeof(uint32_t) * c->len);
	if ((err = rc_eh_finish(c, out, w)) < 0) {
		free(ops);
		return err;
	}
	out->len = c->len + w;
	out->frame_slots = c->max_slot;
	c->rm->code_bytes += sizeof(uint32_t) * out->len;
	/* last: a running thread that sees the code sees all of it */
	__atomic_store_n(&out->ops, ops, __ATOMIC_RELEASE);
	return 0;
}

static void comp_reset(struct comp *c)
{
	uint32_t i;

	/* frames left open by a failed compile */
	for (i = 0; i < c->ncf; i++)
		free(c->cf[i].fix);
	c->ncf = 0;
}

static void comp_free(struct comp *c)
{
	if (!c)
		return;
	comp_reset(c);
	free(c->code);
	free(c->vs);
	free(c->cf);
	free(c->local_slot);
	free(c->scopes);
	free(c->clauses);
	free(c);
}

/* Compile defined function `def` (index without imports), unless another
 * call did it first.  Called with rm->lock held. */
static int compile_locked(struct runner_module *rm, uint32_t def)
{
	struct wasm_validate_hooks hooks;
	struct comp *c;
	int err;

	if (rm->codes[def].ops)
		return 0;
	if (!rm->validator && (err = wasm_validator_new(rm->wasm, &rm->validator)) < 0)
		return err;
	if (!rm->comp) {
		rm->comp = calloc(1, sizeof(*rm->comp));
		if (!rm->comp)
			return rc_oom();
		rm->comp->m = rm->wasm;
		rm->comp->rm = rm;
	}
	c = rm->comp;
	hooks.ctx = c;
	hooks.func_begin = on_func_begin;
	hooks.instr = on_instr;
	hooks.func_end = on_func_end;
	err = wasm_validator_func(rm->validator, rm->wasm->nfunc_imports + def, &hooks);
	comp_reset(c);
	return err;
}

int rcompile_func(struct runner_module *rm, uint32_t def)
{
	int err;

	pthread_mutex_lock(&rm->lock);
	err = compile_locked(rm, def);
	pthread_mutex_unlock(&rm->lock);
	return err;
}

int rcompile_all(struct runner_module *rm)
{
	uint32_t i;
	int err = 0;

	pthread_mutex_lock(&rm->lock);
	for (i = 0; i < rm->wasm->nfuncs && err == 0; i++)
		err = compile_locked(rm, i);
	pthread_mutex_unlock(&rm->lock);
	return err;
}

void rcompile_release(struct runner_module *rm)
{
	comp_free(rm->comp);
	rm->comp = NULL;
	wasm_validator_free(rm->validator);
	rm->validator = NULL;
}

void rcode_free(struct rcode *c)
{
	if (!c)
		return;
	free(c->ops);
	free(c->scopes);
	free(c->clauses);
}
