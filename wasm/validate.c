/*
 * validate.c - WebAssembly 2.0 validation of function bodies (see validate.h);
 * the module-level rules are in validate_module.c.
 *
 * Module-level rules are checked first (types, limits, index spaces,
 * constant expressions, start, exports, segments); then each function body
 * is decoded once and type-checked with the spec's algorithm (appendix
 * "Validation Algorithm"): a value stack of types where 0 means "unknown"
 * (produced by popping in unreachable code) and a control stack of frames.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "opcodes.h"
#include "reader.h"
#include "validate.h"
#include "validate_internal.h"

#define MAX_LOCALS 50000

struct ctrl {
	uint16_t op;
	uint8_t unreachable;
	uint32_t height;
	const uint8_t *params, *results;
	uint32_t nparams, nresults;
};

struct vstate {
	const struct wasm_module *m;
	const struct wasm_validate_hooks *hooks;
	struct wasm_reader r;
	uint32_t at; /* offset of the current instruction */
	uint8_t *vals;
	uint32_t nvals, capvals;
	struct ctrl *ctrls;
	uint32_t nctrls, capctrls;
	uint8_t *locals;
	uint32_t nlocals;
	uint32_t *targets;
	uint32_t captargets;
	uint8_t *tmp; /* popped label values */
	uint32_t captmp;
	uint8_t *refs; /* functions declared for ref.func */
};

/* Block types of one value point into this table. */
static const uint8_t single[256] = {
	[WASM_I32] = WASM_I32, [WASM_I64] = WASM_I64, [WASM_F32] = WASM_F32,
	[WASM_F64] = WASM_F64, [WASM_V128] = WASM_V128, [WASM_FUNCREF] = WASM_FUNCREF,
	[WASM_EXTERNREF] = WASM_EXTERNREF,
};

/* ---- the operand and control stacks ---- */

static int push(struct vstate *s, uint8_t t)
{
	int err;

	if (s->nvals == s->capvals &&
	    (err = wp_array_grow((void **)&s->vals, &s->capvals, s->nvals + 1, 1)) < 0)
		return err;
	s->vals[s->nvals++] = t;
	return 0;
}

/* Pop a value that must be `expect` (0: any); the popped type goes to *got. */
static int pop(struct vstate *s, uint8_t expect, uint8_t *got)
{
	struct ctrl *c = &s->ctrls[s->nctrls - 1];
	uint8_t t;

	if (s->nvals == c->height) {
		if (c->unreachable) {
			if (got)
				*got = UNKNOWN;
			return 0;
		}
		return wasm_vfail_at(s->at, "type mismatch");
	}
	t = s->vals[--s->nvals];
	if (expect && t && t != expect)
		return wasm_vfail_at(s->at, "type mismatch");
	if (got)
		*got = t;
	return 0;
}

static int pop_vals(struct vstate *s, const uint8_t *types, uint32_t n, uint8_t *out)
{
	uint32_t i;
	int err;

	for (i = n; i-- > 0;)
		if ((err = pop(s, types[i], out ? &out[i] : NULL)) < 0)
			return err;
	return 0;
}

static int push_vals(struct vstate *s, const uint8_t *types, uint32_t n)
{
	uint32_t i;
	int err;

	for (i = 0; i < n; i++)
		if ((err = push(s, types[i])) < 0)
			return err;
	return 0;
}

static int push_ctrl(struct vstate *s, uint16_t op, const uint8_t *params, uint32_t np,
		     const uint8_t *results, uint32_t nr)
{
	struct ctrl *c;
	int err;

	if ((err = wp_array_grow((void **)&s->ctrls, &s->capctrls, s->nctrls + 1, sizeof(*c))) < 0)
		return err;
	c = &s->ctrls[s->nctrls++];
	c->op = op;
	c->unreachable = 0;
	c->height = s->nvals;
	c->params = params;
	c->nparams = np;
	c->results = results;
	c->nresults = nr;
	return push_vals(s, params, np);
}

static void set_unreachable(struct vstate *s)
{
	struct ctrl *c = &s->ctrls[s->nctrls - 1];

	s->nvals = c->height;
	c->unreachable = 1;
}

static void label_types(const struct ctrl *c, const uint8_t **t, uint32_t *n)
{
	if (c->op == 0x03) {
		*t = c->params;
		*n = c->nparams;
	} else {
		*t = c->results;
		*n = c->nresults;
	}
}

/* ---- immediates ---- */

static int read_blocktype(struct vstate *s, struct wasm_instr *in)
{
	int64_t bt;
	int err;

	if ((err = wasm_read_s33(&s->r, &bt)) < 0)
		return err;
	in->bt_params = in->bt_results = NULL;
	in->bt_nparams = in->bt_nresults = 0;
	if (bt == -64)
		return 0;
	if (bt < 0) {
		uint8_t t = (uint8_t)(bt & 0x7f);
		if (!wasm_vis_num(t) && !wasm_vis_ref(t))
			return wasm_vfail_at(s->at, "malformed value type");
		in->bt_results = &single[t];
		in->bt_nresults = 1;
		return 0;
	}
	if ((uint64_t)bt >= s->m->ntypes)
		return wasm_vfail_at(s->at, "unknown type");
	in->bt_params = s->m->types[bt].params;
	in->bt_nparams = s->m->types[bt].nparams;
	in->bt_results = s->m->types[bt].results;
	in->bt_nresults = s->m->types[bt].nresults;
	return 0;
}

static int read_memarg(struct vstate *s, struct wasm_instr *in, const struct wasm_opinfo *o)
{
	uint32_t align, off;
	int err;

	if ((err = wasm_read_u32(&s->r, &align)) < 0 || (err = wasm_read_u32(&s->r, &off)) < 0)
		return err;
	if (align > wasm_op_max_align(o))
		return wasm_vfail_at(s->at, "alignment must not be larger than natural");
	in->align = align;
	in->memoffset = off;
	return 0;
}

static int read_zero(struct vstate *s)
{
	uint8_t z;
	int err;

	if ((err = wasm_read_u8(&s->r, &z)) < 0)
		return err;
	if (z != 0)
		return wasm_vfail_at(s->at, "zero byte expected");
	return 0;
}

static int read_br_table(struct vstate *s, struct wasm_instr *in)
{
	uint32_t n, i;
	int err;

	if ((err = wasm_read_count(&s->r, 1, &n)) < 0)
		return err;
	if ((err = wp_array_grow((void **)&s->targets, &s->captargets, n + 1, sizeof(uint32_t))) < 0)
		return err;
	for (i = 0; i <= n; i++)
		if ((err = wasm_read_u32(&s->r, &s->targets[i])) < 0)
			return err;
	in->targets = s->targets;
	in->ntargets = n;
	return 0;
}

static int read_lane(struct vstate *s, struct wasm_instr *in, unsigned lanes)
{
	int err;

	if ((err = wasm_read_u8(&s->r, &in->lane)) < 0)
		return err;
	if (in->lane >= lanes)
		return wasm_vfail_at(s->at, "invalid lane index");
	return 0;
}

static int read_immediates(struct vstate *s, struct wasm_instr *in, const struct wasm_opinfo *o)
{
	const uint8_t *p = NULL;
	uint32_t n;
	int err = 0, k;

	switch (o->imm) {
	case WASM_IMM_NONE:
		return 0;
	case WASM_IMM_BLOCK:
		return read_blocktype(s, in);
	case WASM_IMM_LABEL: case WASM_IMM_FUNC: case WASM_IMM_LOCAL: case WASM_IMM_GLOBAL:
	case WASM_IMM_TABLE: case WASM_IMM_DATA: case WASM_IMM_ELEM:
		return wasm_read_u32(&s->r, &in->a);
	case WASM_IMM_BR_TABLE:
		return read_br_table(s, in);
	case WASM_IMM_CALL_INDIRECT:
	case WASM_IMM_TABLEINIT:
	case WASM_IMM_TABLECOPY:
		if ((err = wasm_read_u32(&s->r, &in->a)) < 0)
			return err;
		return wasm_read_u32(&s->r, &in->b);
	case WASM_IMM_MEMARG:
		return read_memarg(s, in, o);
	case WASM_IMM_MEMARG_LANE:
		if ((err = read_memarg(s, in, o)) < 0)
			return err;
		return read_lane(s, in, 16 / o->width);
	case WASM_IMM_LANE:
		return read_lane(s, in, o->width);
	case WASM_IMM_MEMIDX:
		return read_zero(s);
	case WASM_IMM_MEMINIT:
		if ((err = wasm_read_u32(&s->r, &in->a)) < 0)
			return err;
		return read_zero(s);
	case WASM_IMM_MEMCOPY:
		if ((err = read_zero(s)) < 0)
			return err;
		return read_zero(s);
	case WASM_IMM_I32:
		return wasm_read_s32(&s->r, &in->imm.i32);
	case WASM_IMM_I64:
		return wasm_read_s64(&s->r, &in->imm.i64);
	case WASM_IMM_F32:
		return wasm_read_fixed32(&s->r, &in->imm.f32);
	case WASM_IMM_F64:
		return wasm_read_fixed64(&s->r, &in->imm.f64);
	case WASM_IMM_V128:
	case WASM_IMM_SHUFFLE:
		if ((err = wasm_read_bytes(&s->r, 16, &p)) < 0)
			return err;
		memcpy(in->imm.v128, p, 16);
		if (o->imm == WASM_IMM_SHUFFLE)
			for (k = 0; k < 16; k++)
				if (p[k] >= 32)
					return wasm_vfail_at(s->at, "invalid lane index");
		return 0;
	case WASM_IMM_SELECT_T:
		if ((err = wasm_read_u32(&s->r, &n)) < 0)
			return err;
		if (n != 1)
			return wasm_vfail_at(s->at, "invalid result arity");
		if ((err = wasm_read_u8(&s->r, &in->type)) < 0)
			return err;
		if (!wasm_vis_num(in->type) && !wasm_vis_ref(in->type))
			return wasm_vfail_at(s->at, "malformed value type");
		return 0;
	case WASM_IMM_REFTYPE:
		if ((err = wasm_read_u8(&s->r, &in->type)) < 0)
			return err;
		if (!wasm_vis_ref(in->type))
			return wasm_vfail_at(s->at, "malformed reference type");
		return 0;
	}
	return wasm_vfail_at(s->at, "illegal opcode");
}

/* ---- instructions ---- */

static int check_branch(struct vstate *s, uint32_t depth, int keep)
{
	const uint8_t *t;
	uint32_t n;
	int err;

	if (depth >= s->nctrls)
		return wasm_vfail_at(s->at, "unknown label");
	label_types(&s->ctrls[s->nctrls - 1 - depth], &t, &n);
	if ((err = wp_array_grow((void **)&s->tmp, &s->captmp, n + 1, 1)) < 0)
		return err;
	if ((err = pop_vals(s, t, n, s->tmp)) < 0)
		return err;
	if (keep)
		return push_vals(s, t, n);
	return 0;
}

static int check_br_table(struct vstate *s, struct wasm_instr *in)
{
	const uint8_t *t;
	uint32_t n, k, i, dflt = in->targets[in->ntargets];
	int err;

	if ((err = pop(s, WASM_I32, NULL)) < 0)
		return err;
	if (dflt >= s->nctrls)
		return wasm_vfail_at(s->at, "unknown label");
	label_types(&s->ctrls[s->nctrls - 1 - dflt], &t, &n);
	for (i = 0; i < in->ntargets; i++) {
		const uint8_t *tt;
		uint32_t nn;
		if (in->targets[i] >= s->nctrls)
			return wasm_vfail_at(s->at, "unknown label");
		label_types(&s->ctrls[s->nctrls - 1 - in->targets[i]], &tt, &nn);
		if (nn != n)
			return wasm_vfail_at(s->at, "type mismatch");
		if ((err = wp_array_grow((void **)&s->tmp, &s->captmp, nn + 1, 1)) < 0)
			return err;
		if ((err = pop_vals(s, tt, nn, s->tmp)) < 0)
			return err;
		for (k = 0; k < nn; k++)
			if ((err = push(s, s->tmp[k])) < 0)
				return err;
	}
	if ((err = pop_vals(s, t, n, NULL)) < 0)
		return err;
	set_unreachable(s);
	return 0;
}

static int check_end(struct vstate *s)
{
	struct ctrl *c = &s->ctrls[s->nctrls - 1];
	const uint8_t *res = c->results;
	uint32_t nres = c->nresults;
	int err;

	if ((err = pop_vals(s, c->results, c->nresults, NULL)) < 0)
		return err;
	if (s->nvals != c->height)
		return wasm_vfail_at(s->at, "type mismatch");
	if (c->op == 0x04 && (c->nparams != c->nresults || (c->nparams &&
			      memcmp(c->params, c->results, c->nparams) != 0)))
		return wasm_vfail_at(s->at, "type mismatch");
	s->nctrls--;
	return push_vals(s, res, nres);
}

static int check_else(struct vstate *s)
{
	struct ctrl *c = &s->ctrls[s->nctrls - 1];
	int err;

	if (c->op != 0x04)
		return wasm_vfail_at(s->at, "else without if");
	if ((err = pop_vals(s, c->results, c->nresults, NULL)) < 0)
		return err;
	if (s->nvals != c->height)
		return wasm_vfail_at(s->at, "type mismatch");
	c->op = 0x05;
	c->unreachable = 0;
	return push_vals(s, c->params, c->nparams);
}

static int check_call(struct vstate *s, const struct wasm_functype *t)
{
	int err;

	if ((err = pop_vals(s, t->params, t->nparams, NULL)) < 0)
		return err;
	return push_vals(s, t->results, t->nresults);
}

static int need_table(struct vstate *s, uint32_t idx, struct wasm_tabletype *tt)
{
	if (idx >= wasm_vtotal_tables(s->m))
		return wasm_vfail_at(s->at, "unknown table");
	*tt = wasm_vtable_type(s->m, idx);
	return 0;
}

static int need_elem(struct vstate *s, uint32_t idx)
{
	return idx < s->m->nelems ? 0 : wasm_vfail_at(s->at, "unknown elem segment");
}

static int need_data(struct vstate *s, uint32_t idx)
{
	if (!s->m->has_datacount)
		return wasm_vfail_at(s->at, "data count section required");
	return idx < s->m->datacount ? 0 : wasm_vfail_at(s->at, "unknown data segment");
}

static int pop3_i32(struct vstate *s)
{
	int err;

	if ((err = pop(s, WASM_I32, NULL)) < 0 || (err = pop(s, WASM_I32, NULL)) < 0)
		return err;
	return pop(s, WASM_I32, NULL);
}

static int check_table_op(struct vstate *s, struct wasm_instr *in)
{
	struct wasm_tabletype tt = { 0 }, t2 = { 0 };
	int err;

	switch (in->op) {
	case 0x25: /* table.get */
		if ((err = need_table(s, in->a, &tt)) < 0 || (err = pop(s, WASM_I32, NULL)) < 0)
			return err;
		in->type = tt.reftype;
		return push(s, tt.reftype);
	case 0x26: /* table.set */
		if ((err = need_table(s, in->a, &tt)) < 0 || (err = pop(s, tt.reftype, NULL)) < 0)
			return err;
		in->type = tt.reftype;
		return pop(s, WASM_I32, NULL);
	case WASM_OP_PREFIX_FC + 0x0c: /* table.init elem table */
		if ((err = need_elem(s, in->a)) < 0 || (err = need_table(s, in->b, &tt)) < 0)
			return err;
		if (s->m->elems[in->a].reftype != tt.reftype)
			return wasm_vfail_at(s->at, "type mismatch");
		return pop3_i32(s);
	case WASM_OP_PREFIX_FC + 0x0d: /* elem.drop */
		return need_elem(s, in->a);
	case WASM_OP_PREFIX_FC + 0x0e: /* table.copy dst src */
		if ((err = need_table(s, in->a, &tt)) < 0 || (err = need_table(s, in->b, &t2)) < 0)
			return err;
		if (tt.reftype != t2.reftype)
			return wasm_vfail_at(s->at, "type mismatch");
		return pop3_i32(s);
	case WASM_OP_PREFIX_FC + 0x0f: /* table.grow */
		if ((err = need_table(s, in->a, &tt)) < 0 || (err = pop(s, WASM_I32, NULL)) < 0 ||
		    (err = pop(s, tt.reftype, NULL)) < 0)
			return err;
		in->type = tt.reftype;
		return push(s, WASM_I32);
	case WASM_OP_PREFIX_FC + 0x10: /* table.size */
		if ((err = need_table(s, in->a, &tt)) < 0)
			return err;
		return push(s, WASM_I32);
	case WASM_OP_PREFIX_FC + 0x11: /* table.fill */
		if ((err = need_table(s, in->a, &tt)) < 0 || (err = pop(s, WASM_I32, NULL)) < 0 ||
		    (err = pop(s, tt.reftype, NULL)) < 0)
			return err;
		in->type = tt.reftype;
		return pop(s, WASM_I32, NULL);
	}
	return wasm_vfail_at(s->at, "illegal opcode");
}

static int check_select(struct vstate *s, struct wasm_instr *in)
{
	uint8_t t1, t2;
	int err;

	if ((err = pop(s, WASM_I32, NULL)) < 0)
		return err;
	if (in->op == 0x1c) {
		if ((err = pop(s, in->type, NULL)) < 0 || (err = pop(s, in->type, NULL)) < 0)
			return err;
		return push(s, in->type);
	}
	if ((err = pop(s, 0, &t1)) < 0 || (err = pop(s, 0, &t2)) < 0)
		return err;
	if (wasm_vis_ref(t1) || wasm_vis_ref(t2))
		return wasm_vfail_at(s->at, "type mismatch");
	if (t1 && t2 && t1 != t2)
		return wasm_vfail_at(s->at, "type mismatch");
	in->type = t1 ? t1 : t2;
	return push(s, in->type);
}

static int check_special(struct vstate *s, struct wasm_instr *in)
{
	const struct wasm_module *m = s->m;
	struct wasm_globaltype gt;
	struct wasm_tabletype tt;
	uint8_t t;
	int err;

	switch (in->op) {
	case 0x00: /* unreachable */
		set_unreachable(s);
		return 0;
	case 0x01:
		return 0;
	case 0x02: case 0x03: /* block, loop */
		if ((err = pop_vals(s, in->bt_params, in->bt_nparams, NULL)) < 0)
			return err;
		return push_ctrl(s, in->op, in->bt_params, in->bt_nparams, in->bt_results,
				 in->bt_nresults);
	case 0x04: /* if */
		if ((err = pop(s, WASM_I32, NULL)) < 0 ||
		    (err = pop_vals(s, in->bt_params, in->bt_nparams, NULL)) < 0)
			return err;
		return push_ctrl(s, in->op, in->bt_params, in->bt_nparams, in->bt_results,
				 in->bt_nresults);
	case 0x05:
		return check_else(s);
	case 0x0b:
		return check_end(s);
	case 0x0c:
		if ((err = check_branch(s, in->a, 0)) < 0)
			return err;
		set_unreachable(s);
		return 0;
	case 0x0d:
		if ((err = pop(s, WASM_I32, NULL)) < 0)
			return err;
		return check_branch(s, in->a, 1);
	case 0x0e:
		return check_br_table(s, in);
	case 0x0f: /* return: the outermost frame's label is the function's results */
		if ((err = check_branch(s, s->nctrls - 1, 0)) < 0)
			return err;
		set_unreachable(s);
		return 0;
	case 0x10:
		if (in->a >= wasm_vtotal_funcs(m))
			return wasm_vfail_at(s->at, "unknown function");
		return check_call(s, wasm_module_func_type(m, in->a));
	case 0x11:
		if ((err = need_table(s, in->b, &tt)) < 0)
			return err;
		if (tt.reftype != WASM_FUNCREF)
			return wasm_vfail_at(s->at, "type mismatch");
		if (in->a >= m->ntypes)
			return wasm_vfail_at(s->at, "unknown type");
		if ((err = pop(s, WASM_I32, NULL)) < 0)
			return err;
		return check_call(s, &m->types[in->a]);
	case 0x1a:
		if ((err = pop(s, 0, &t)) < 0)
			return err;
		in->type = t;
		return 0;
	case 0x1b: case 0x1c:
		return check_select(s, in);
	case 0x20: case 0x21: case 0x22:
		if (in->a >= s->nlocals)
			return wasm_vfail_at(s->at, "unknown local");
		in->type = s->locals[in->a];
		if (in->op == 0x20)
			return push(s, in->type);
		if ((err = pop(s, in->type, NULL)) < 0)
			return err;
		return in->op == 0x22 ? push(s, in->type) : 0;
	case 0x23: case 0x24:
		if (in->a >= wasm_vtotal_globals(m))
			return wasm_vfail_at(s->at, "unknown global");
		gt = wasm_vglobal_type(m, in->a);
		in->type = gt.valtype;
		if (in->op == 0x23)
			return push(s, gt.valtype);
		if (!gt.mutable_)
			return wasm_vfail_at(s->at, "global is immutable");
		return pop(s, gt.valtype, NULL);
	case 0xd0:
		return push(s, in->type);
	case 0xd1:
		if ((err = pop(s, 0, &t)) < 0)
			return err;
		if (t && !wasm_vis_ref(t))
			return wasm_vfail_at(s->at, "type mismatch");
		in->type = t;
		return push(s, WASM_I32);
	case 0xd2:
		if (in->a >= wasm_vtotal_funcs(m))
			return wasm_vfail_at(s->at, "unknown function");
		if (!s->refs[in->a])
			return wasm_vfail_at(s->at, "undeclared function reference");
		return push(s, WASM_FUNCREF);
	case WASM_OP_PREFIX_FC + 0x09:
		return need_data(s, in->a);
	}
	return check_table_op(s, in);
}

static int check_simple(struct vstate *s, struct wasm_instr *in, const struct wasm_opinfo *o)
{
	int err;

	if ((o->flags & WASM_OPF_MEMORY) && s->m->nmemories + s->m->nmemory_imports == 0)
		return wasm_vfail_at(s->at, "unknown memory 0");
	if (in->op == WASM_OP_PREFIX_FC + 0x08 && (err = need_data(s, in->a)) < 0)
		return err;
	{
		/* fast path: all operands present (no polymorphic stack) */
		const struct ctrl *c = &s->ctrls[s->nctrls - 1];
		uint32_t k, base = s->nvals - o->npop;
		if (s->nvals >= c->height + o->npop && s->nvals < s->capvals) {
			for (k = 0; k < o->npop; k++)
				if (s->vals[base + k] != o->pop[k] && s->vals[base + k] != UNKNOWN)
					return wasm_vfail_at(s->at, "type mismatch");
			s->nvals = base;
			if (o->push)
				s->vals[s->nvals++] = o->push;
			return 0;
		}
	}
	if ((err = pop_vals(s, o->pop, o->npop, NULL)) < 0)
		return err;
	return o->push ? push(s, o->push) : 0;
}

static int read_opcode(struct vstate *s, uint16_t *op)
{
	uint8_t b;
	uint32_t sub;
	int err;

	if ((err = wasm_read_u8(&s->r, &b)) < 0)
		return err;
	if (b == 0xfc || b == 0xfd) {
		if ((err = wasm_read_u32(&s->r, &sub)) < 0)
			return err;
		if (sub > (b == 0xfc ? 0x11u : 0xffu))
			return wasm_vfail_at(s->at, "illegal opcode");
		*op = (uint16_t)((b == 0xfc ? WASM_OP_PREFIX_FC : WASM_OP_PREFIX_FD) + sub);
	} else {
		*op = b;
	}
	if (!wasm_ops[*op].name)
		return wasm_vfail_at(s->at, "illegal opcode");
	return 0;
}

static int read_locals(struct vstate *s, const struct wasm_functype *ft)
{
	uint32_t ngroups, g, total = ft->nparams;
	struct wasm_reader save;
	int err;

	/* first pass: count, so the array is allocated once */
	if ((err = wasm_read_count(&s->r, 2, &ngroups)) < 0)
		return err;
	save = s->r;
	for (g = 0; g < ngroups; g++) {
		uint32_t n;
		uint8_t t;
		if ((err = wasm_read_u32(&s->r, &n)) < 0 || (err = wasm_read_u8(&s->r, &t)) < 0)
			return err;
		if ((uint64_t)total + n > MAX_LOCALS)
			return wasm_reader_fail(&s->r, "too many locals");
		if (!wasm_vis_num(t) && !wasm_vis_ref(t))
			return wasm_reader_fail(&s->r, "malformed value type");
		total += n;
	}
	free(s->locals);
	s->locals = malloc(total ? total : 1);
	if (!s->locals)
		return wp_error_set(WP_ENOMEM, "out of memory");
	memcpy(s->locals, ft->params, ft->nparams);
	s->nlocals = ft->nparams;
	s->r = save;
	for (g = 0; g < ngroups; g++) {
		uint32_t n;
		uint8_t t;
		wasm_read_u32(&s->r, &n);
		wasm_read_u8(&s->r, &t);
		memset(s->locals + s->nlocals, t, n);
		s->nlocals += n;
	}
	return 0;
}

static int validate_body(struct vstate *s, uint32_t fidx)
{
	const struct wasm_module *m = s->m;
	const struct wasm_code *code = &m->codes[fidx - m->nfunc_imports];
	const struct wasm_functype *ft = wasm_module_func_type(m, fidx);
	const struct wasm_validate_hooks *h = s->hooks;
	int err;

	wasm_reader_init(&s->r, m->bytes, m->size);
	s->r.p = code->body;
	s->r.end = code->body + code->size;
	if ((err = read_locals(s, ft)) < 0)
		return err;
	if (h && h->func_begin &&
	    (err = h->func_begin(h->ctx, fidx, s->locals, s->nlocals, ft->nparams)) < 0)
		return err;
	s->nvals = s->nctrls = 0;
	if ((err = push_ctrl(s, 0x02, NULL, 0, ft->results, ft->nresults)) < 0)
		return err;
	s->nvals = 0;
	while (s->nctrls > 0) {
		struct wasm_instr in;
		const struct wasm_opinfo *o;

		/* no memset: each consumer reads only the fields its opcode sets */
		in.type = 0;
		in.a = in.b = 0;
		in.lane = 0;
		in.memoffset = 0;
		s->at = (uint32_t)wasm_reader_offset(&s->r);
		if (wasm_reader_eof(&s->r))
			return wasm_vfail_at(s->at, "unexpected end of section or function");
		if ((err = read_opcode(s, &in.op)) < 0)
			return err;
		o = &wasm_ops[in.op];
		in.offset = s->at;
		in.unreachable = s->ctrls[s->nctrls - 1].unreachable;
		if ((err = read_immediates(s, &in, o)) < 0)
			return err;
		if (o->flags & WASM_OPF_SPECIAL)
			err = check_special(s, &in);
		else
			err = check_simple(s, &in, o);
		if (err < 0)
			return err;
		if (h && h->instr && (err = h->instr(h->ctx, &in)) < 0)
			return err;
	}
	if (!wasm_reader_eof(&s->r))
		return wasm_reader_fail(&s->r, "section size mismatch: operators after the end of the function");
	if (h && h->func_end && (err = h->func_end(h->ctx, fidx)) < 0)
		return err;
	return 0;
}

int wasm_validate(const struct wasm_module *m, const struct wasm_validate_hooks *hooks)
{
	struct vstate s;
	uint32_t i;
	int err;

	if ((err = wasm_vmodule_rules(m)) < 0)
		return err;
	memset(&s, 0, sizeof(s));
	s.m = m;
	s.hooks = hooks;
	s.refs = calloc(wasm_vtotal_funcs(m) + 1, 1);
	if (!s.refs)
		return wp_error_set(WP_ENOMEM, "out of memory");
	wasm_vcollect_refs(m, s.refs);
	for (i = 0; i < m->nfuncs && err == 0; i++)
		err = validate_body(&s, m->nfunc_imports + i);
	free(s.refs);
	free(s.vals);
	free(s.ctrls);
	free(s.locals);
	free(s.targets);
	free(s.tmp);
	return err;
}
