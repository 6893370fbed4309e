/*
 * compile_control.c - blocks, loops, if/else, branches (with the values
 * they carry) and returns, for the compiler (see compile.c).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "compile.h"

/* ---- control ---- */

int rc_push_frame(struct comp *c, const struct wasm_instr *in, int dead)
{
	struct cframe *f;
	uint32_t base = 0, owner = 0;
	int err;

	if ((err = wp_array_grow((void **)&c->cf, &c->capcf, c->ncf + 1, sizeof(*f))) < 0)
		return err;
	if (c->ncf) {
		owner = rc_top_frame(c)->cost_owner;
		if (!dead)
			base = in->bt_nparams ? c->vs[c->nvs - in->bt_nparams].slot : rc_next_slot(c);
	}
	f = &c->cf[c->ncf];
	memset(f, 0, sizeof(*f));
	f->op = in->op;
	f->dead = (uint8_t)dead;
	f->unreachable = (uint8_t)dead;
	f->params = in->bt_params;
	f->np = in->bt_nparams;
	f->results = in->bt_results;
	f->nr = in->bt_nresults;
	f->else_fix_ins = f->else_fix_word = -1;
	f->scope = f->last_clause = -1;
	f->inner_scope = c->ncf ? rc_top_frame(c)->inner_scope : -1;
	f->cost_owner = owner;
	f->height = dead ? c->nvs : c->nvs - f->np;
	f->base_slot = f->floor_slot = base;
	c->ncf++;
	return 0;
}

void rc_label_arity(const struct cframe *f, const uint8_t **t, uint32_t *n)
{
	if (f->op == 0x03) {
		*t = f->params;
		*n = f->np;
	} else {
		*t = f->results;
		*n = f->nr;
	}
}

/* Copy the top n entries to the slots starting at `dst` (ascending). */
int rc_copy_top_to(struct comp *c, uint32_t n, uint32_t dst)
{
	uint32_t i;
	int err;

	for (i = 0; i < n; i++) {
		const struct ventry *e = &c->vs[c->nvs - n + i];
		if ((err = rc_emit_copy(c, e, dst)) < 0)
			return err;
		dst += rslots_of(e->type);
	}
	return 0;
}

int rc_emit_return(struct comp *c)
{
	uint32_t n = c->ft->nresults, i, j, dst = 0, hazard = 0;
	int err;

	/* a result copied into a local's slot must not clobber a later source */
	for (i = 0; i < n && !hazard; i++) {
		const struct ventry *e = &c->vs[c->nvs - n + i];
		uint32_t w = rslots_of(e->type);
		for (j = i + 1; j < n; j++) {
			const struct ventry *s = &c->vs[c->nvs - n + j];
			if (LAZY(s->kind) && s->src + rslots_of(s->type) > dst && s->src < dst + w)
				hazard = 1;
			if (s->kind == V_ADD2 && s->src2 + 1 > dst && s->src2 < dst + w)
				hazard = 1;
		}
		dst += w;
	}
	if (hazard && (err = rc_materialize_from(c, c->nvs - n)) < 0)
		return err;
	if (n == 1 && c->ft->results[0] != WASM_V128 && c->vs[c->nvs - 1].kind != V_CONST &&
	    c->vs[c->nvs - 1].kind != V_ADDK && c->vs[c->nvs - 1].kind != V_ADD2) {
		/* one result: copy and return in one instruction */
		const struct ventry *e = &c->vs[c->nvs - 1];
		if (rc_ins_begin(c, IOP_RETURN1, e->kind == V_LOCAL ? e->src : e->slot, 1) < 0)
			return rc_oom();
		return 0;
	}
	if ((err = rc_copy_top_to(c, n, 0)) < 0)
		return err;
	if (rc_ins_begin(c, IOP_RETURN, 0, 1) < 0)
		return rc_oom();
	return 0;
}

/* Jump to the label of frame f from an instruction whose offset word is
 * `word` (instruction start `ins`). */
int rc_link_label(struct comp *c, struct cframe *f, uint32_t ins, uint32_t word)
{
	if (f->op == 0x03) {
		c->code[word] = (uint32_t)((int64_t)f->start - (int64_t)ins);
		return 0;
	}
	return rc_add_fixup(f, ins, word);
}

int rc_needs_copies(struct comp *c, struct cframe *f, uint32_t skip)
{
	const uint8_t *t;
	uint32_t n, i, dst = f->base_slot;

	rc_label_arity(f, &t, &n);
	for (i = 0; i < n; i++) {
		const struct ventry *e = &c->vs[c->nvs - skip - n + i];
		if (e->kind != V_SLOT || e->slot != dst)
			return 1;
		dst += rslots_of(e->type);
	}
	return 0;
}

/* An unconditional branch to depth d (values on top of the stack). */
int rc_emit_br(struct comp *c, uint32_t depth)
{
	struct cframe *f = &c->cf[c->ncf - 1 - depth];
	const uint8_t *t;
	uint32_t n;
	int64_t ins;
	int err;

	if (depth == c->ncf - 1)
		return rc_emit_return(c);
	rc_label_arity(f, &t, &n);
	if ((err = rc_copy_top_to(c, n, f->base_slot)) < 0)
		return err;
	if ((ins = rc_ins_begin(c, IOP_BR, 0, 2)) < 0)
		return rc_oom();
	rc_put(c, 0);
	return rc_link_label(c, f, (uint32_t)ins, (uint32_t)ins + 1);
}

uint16_t rc_invert_cmp(uint16_t op)
{
	static const uint8_t inv[10] = { 1, 0, 8, 9, 6, 7, 4, 5, 2, 3 };

	if (op >= 0x46 && op <= 0x4f)
		return (uint16_t)(0x46 + inv[op - 0x46]);
	if (op >= 0x51 && op <= 0x5a)
		return (uint16_t)(0x51 + inv[op - 0x51]);
	if (op == 0x45)
		return 0x145; /* pseudo: i32 "nez" */
	if (op == 0x145)
		return 0x45;
	if (op == 0x50)
		return 0x150;
	return 0x50;
}

/* Fuse the i32.add just emitted (register or immediate form; an i32.sub
 * of a constant is an add of its negation) into the conditional branch
 * `bop` being emitted: [bop|dst] a b|imm then the branch's operands
 * (without its opcode word) and its offset.  The add still writes its
 * destination first, so the branch may read it.  Returns the fused
 * instruction's start, -2 when the last instruction is no such add, -1
 * when out of memory. */
static int64_t fuse_add(struct comp *c, uint32_t bop, uint32_t a, const uint32_t *w, uint32_t nw)
{
	int64_t at = rc_last_ins(c, 3);
	uint32_t op, fop, dst, x, y, i;

	if (at < 0)
		return -2;
	op = riop_op(c->code[at]);
	if (op != 0x6a && op != IOP_IMM + 0x6a && op != IOP_IMM + 0x6b)
		return -2;
	if (bop >= IOP_BR_CMP32 && bop < IOP_BR_CMP32 + 10)
		fop = IOP_ADD_BR_CMP32 + (bop - IOP_BR_CMP32);
	else if (bop >= IOP_BR_CMP32I && bop < IOP_BR_CMP32I + 10)
		fop = IOP_ADD_BR_CMP32I + (bop - IOP_BR_CMP32I);
	else if (bop == IOP_BR_IF || bop == IOP_BR_UNLESS)
		fop = bop == IOP_BR_IF ? IOP_ADD_BR_IF : IOP_ADD_BR_UNLESS;
	else
		return -2;
	if (op != 0x6a)
		fop += IOP_ADD_IMM;
	if (!rexec_supports(fop))
		return -2;
	dst = riop_slot(c->code[at]);
	x = c->code[at + 1];
	y = op == IOP_IMM + 0x6b ? 0u - c->code[at + 2] : c->code[at + 2];
	rc_drop_last(c);
	if (rc_ins_begin(c, fop, dst, 4 + nw) < 0)
		return -1;
	rc_put(c, x);
	rc_put(c, y);
	rc_put(c, a);
	for (i = 0; i < nw; i++)
		rc_put(c, w[i]);
	return at;
}

/* Emit a conditional jump on the fused compare (already rewound): taken
 * when the compare `op` holds, on the operands of j.  Returns the
 * instruction start; the offset is its last word. */
int64_t rc_emit_fused(struct comp *c, uint16_t op, const struct condj *j)
{
	uint32_t w[3], nw = 0, bop;
	int64_t ins;

	if (op == 0x45 || op == 0x145 || op == 0x50 || op == 0x150) {
		bop = op == 0x45 ? IOP_BR_UNLESS : op == 0x145 ? IOP_BR_IF :
		      op == 0x50 ? IOP_BR_EQZ64 : IOP_BR_NEZ64;
	} else if (op <= 0x4f) {
		bop = (j->imm ? IOP_BR_CMP32I : IOP_BR_CMP32) + (op - 0x46u);
		w[nw++] = j->b;
	} else {
		bop = (j->imm ? IOP_BR_CMP64I : IOP_BR_CMP64) + (op - 0x51u);
		w[nw++] = j->b;
		if (j->imm)
			w[nw++] = j->bhi;
	}
	w[nw++] = 0; /* the offset */
	if ((ins = fuse_add(c, bop, j->a, w, nw)) != -2)
		return ins;
	if ((ins = rc_ins_begin(c, bop, j->a, 1 + nw)) < 0)
		return -1;
	for (uint32_t i = 0; i < nw; i++)
		rc_put(c, w[i]);
	return ins;
}

/*
 * A conditional jump on the top entry, in two steps so that code can be
 * placed between the condition and the jump: rc_cond_take() pops the
 * condition (rewinding a compare that can be fused), rc_cond_emit() emits the
 * jump, taken when the condition is true (`when` = 1) or false (0), and
 * returns the instruction start (the offset is its last word).
 */

int rc_cond_take(struct comp *c, struct condj *j)
{
	int err;

	memset(j, 0, sizeof(*j));
	if (c->cmp_ins >= 0) {
		j->fused = 1;
		j->op = c->cmp_op;
		j->imm = c->cmp_imm;
		j->a = c->cmp_a;
		j->b = c->cmp_b;
		j->bhi = c->cmp_bhi;
		rc_drop_last(c); /* the compare: cmp_ins is the last instruction */
	} else if ((err = rc_operand(c, c->nvs - 1, &j->a)) < 0) {
		return err;
	}
	rc_pop_entries(c, 1);
	return 0;
}

int64_t rc_cond_emit(struct comp *c, const struct condj *j, int when)
{
	int64_t ins;

	if (j->fused && j->op >= 0x5b) {
		/* a float compare: its negation is no compare (NaN) */
		ins = rc_ins_begin(c, (when ? IOP_BR_CMPF : IOP_BR_NCMPF) + (j->op - 0x5bu), j->a, 3);
		if (ins < 0)
			return -1;
		rc_put(c, j->b);
		rc_put(c, 0);
		return ins;
	}
	if (j->fused)
		return rc_emit_fused(c, when ? j->op : rc_invert_cmp(j->op), j);
	return rc_emit_fused(c, when ? 0x145 : 0x45, j);
}

int64_t rc_emit_cond_jump(struct comp *c, int when)
{
	struct condj j;

	if (rc_cond_take(c, &j) < 0)
		return -1;
	return rc_cond_emit(c, &j, when);
}

uint32_t rc_ins_last_word(struct comp *c)
{
	return c->len - 1;
}

int rc_do_br_if(struct comp *c, uint32_t depth)
{
	struct cframe *f = &c->cf[c->ncf - 1 - depth];
	int64_t ins;
	int err;

	if (depth != c->ncf - 1 && !rc_needs_copies(c, f, 1)) {
		if ((ins = rc_emit_cond_jump(c, 1)) < 0)
			return rc_oom();
		return rc_link_label(c, f, (uint32_t)ins, rc_ins_last_word(c));
	}
	if ((ins = rc_emit_cond_jump(c, 0)) < 0)
		return rc_oom();
	{
		uint32_t word = rc_ins_last_word(c);
		if ((err = rc_emit_br(c, depth)) < 0)
			return err;
		c->code[word] = c->len - (uint32_t)ins;
		rc_label_here(c);
	}
	return 0;
}

int rc_do_br_table(struct comp *c, const struct wasm_instr *in)
{
	uint32_t idx, i, n = in->ntargets;
	int64_t ins;
	int err;

	if ((err = rc_operand(c, c->nvs - 1, &idx)) < 0)
		return err;
	rc_pop_entries(c, 1);
	if ((ins = rc_ins_begin(c, IOP_BR_TABLE, idx, 2 + n + 1)) < 0)
		return rc_oom();
	rc_put(c, n);
	for (i = 0; i <= n; i++)
		rc_put(c, 0);
	for (i = 0; i <= n; i++) {
		uint32_t depth = in->targets[i], word = (uint32_t)ins + 2 + i;
		struct cframe *f = &c->cf[c->ncf - 1 - depth];
		if (depth != c->ncf - 1 && !rc_needs_copies(c, f, 0)) {
			if ((err = rc_link_label(c, f, (uint32_t)ins, word)) < 0)
				return err;
			continue;
		}
		/* a stub after the table moves the values, then branches */
		c->code[word] = c->len - (uint32_t)ins;
		if ((err = rc_emit_br(c, depth)) < 0)
			return err;
	}
	return 0;
}

void rc_bind_fixups(struct comp *c, struct cframe *f)
{
	uint32_t i;

	for (i = 0; i < f->nfix; i++)
		c->code[f->fix[i].word] = c->len - f->fix[i].ins;
	rc_label_here(c);
}

int rc_do_block(struct comp *c, const struct wasm_instr *in)
{
	int err;

	if ((err = rc_materialize_from(c, 0)) < 0 || (err = rc_push_frame(c, in, 0)) < 0)
		return err;
	if (in->op == 0x03) {
		struct cframe *f = rc_top_frame(c);
		int64_t ins;
		c->loop_depth++;
		rc_label_here(c);
		f->start = c->len;
		f->cost_owner = c->ncf - 1;
		if ((ins = rc_ins_begin(c, IOP_LOOP_CHECK, 0, 2)) < 0)
			return rc_oom();
		rc_put(c, 0);
		f->cost_word = (uint32_t)ins + 1;
	}
	return 0;
}

int rc_do_if(struct comp *c, const struct wasm_instr *in)
{
	struct condj j;
	struct cframe *f;
	int64_t ins;
	uint32_t i;
	int err;

	/* condition first, then the values below are laid out in their
	 * slots (both paths need them), then the jump to the else part */
	if ((err = rc_cond_take(c, &j)) < 0 || (err = rc_materialize_from(c, 0)) < 0)
		return err;
	if ((ins = rc_cond_emit(c, &j, 0)) < 0)
		return rc_oom();
	if ((err = rc_push_frame(c, in, 0)) < 0)
		return err;
	f = rc_top_frame(c);
	f->else_fix_ins = ins;
	f->else_fix_word = c->len - 1;
	if (f->np) {
		/* the then-branch works on copies above the params, so the else
		 * branch still finds them */
		uint32_t w = 0;
		for (i = 0; i < f->np; i++)
			w += rslots_of(f->params[i]);
		f->floor_slot = f->base_slot + w;
		for (i = 0; i < f->np; i++) {
			struct ventry *e = &c->vs[f->height + i];
			uint32_t old = e->slot;
			e->slot = old + w;
			if (rc_ins_begin(c, e->type == WASM_V128 ? IOP_MOV2 : IOP_MOV, e->slot, 2) < 0)
				return rc_oom();
			rc_put(c, old);
			if (e->slot + rslots_of(e->type) > c->max_slot)
				c->max_slot = e->slot + rslots_of(e->type);
		}
	}
	return 0;
}

int rc_reset_to_params(struct comp *c, struct cframe *f, const uint8_t *t, uint32_t n)
{
	uint32_t i, slot = f->base_slot;
	int err;

	rc_pop_entries(c, c->nvs - f->height);
	if ((err = wp_array_grow((void **)&c->vs, &c->capvs, c->nvs + n, sizeof(*c->vs))) < 0)
		return err;
	for (i = 0; i < n; i++) {
		struct ventry *e = &c->vs[c->nvs++];
		e->kind = V_SLOT;
		e->type = t[i];
		e->slot = slot;
		slot += rslots_of(t[i]);
		if (slot > c->max_slot)
			c->max_slot = slot;
	}
	return 0;
}

/* The then-part of an if, or a legacy try's body or catch, ends: its
 * results go to the block's slots and it jumps to the block's end. */
int rc_end_part(struct comp *c, struct cframe *f)
{
	int64_t ins;
	int err;

	if (f->unreachable)
		return 0;
	if ((err = rc_copy_top_to(c, f->nr, f->base_slot)) < 0)
		return err;
	if ((ins = rc_ins_begin(c, IOP_BR, 0, 2)) < 0)
		return rc_oom();
	rc_put(c, 0);
	return rc_add_fixup(f, (uint32_t)ins, (uint32_t)ins + 1);
}

int rc_do_else(struct comp *c)
{
	struct cframe *f = rc_top_frame(c);
	int err;

	if (f->dead)
		return 0;
	if ((err = rc_end_part(c, f)) < 0)
		return err;
	c->code[f->else_fix_word] = c->len - (uint32_t)f->else_fix_ins;
	f->else_fix_ins = f->else_fix_word = -1;
	rc_label_here(c);
	f->had_else = 1;
	f->unreachable = 0;
	f->floor_slot = f->base_slot;
	return rc_reset_to_params(c, f, f->params, f->np);
}

int rc_do_end(struct comp *c)
{
	struct cframe *f = rc_top_frame(c);
	int reach;
	int err;

	if (c->ncf == 1) {
		if (!f->unreachable && (err = rc_emit_return(c)) < 0)
			return err;
		c->out->entry_cost = f->ninstr;
		c->ncf--;
		return 0;
	}
	if (f->dead) {
		free(f->fix);
		c->ncf--;
		return 0;
	}
	reach = !f->unreachable;
	if (reach && (err = rc_copy_top_to(c, f->nr, f->base_slot)) < 0)
		return err;
	if (f->else_fix_ins >= 0) {
		c->code[f->else_fix_word] = c->len - (uint32_t)f->else_fix_ins;
		reach = 1;
	}
	if (f->op == 0x03) {
		c->code[f->cost_word] = f->ninstr + 1;
		c->loop_depth--;
	}
	else if (f->nfix)
		reach = 1;
	rc_bind_fixups(c, f);
	free(f->fix);
	f->floor_slot = f->base_slot;
	if ((err = rc_reset_to_params(c, f, f->results, f->nr)) < 0)
		return err;
	c->ncf--;
	rc_top_frame(c)->unreachable = (uint8_t)!reach;
	return 0;
}

