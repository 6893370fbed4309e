/*
 * validate.c - WebAssembly 2.0 validation of function bodies (see
 * validate.h); the module-level rules are in validate_module.c and the
 * driver over all bodies (in parallel on big modules) in validate_run.c.
 *
 * Each body is type-checked with the spec's algorithm (appendix
 * "Validation Algorithm"): a value stack of types where 0 means "unknown"
 * (produced by popping in unreachable code) and a control stack of frames.
 *
 * Speed matters here: a module is validated in full at load (the spec
 * rejects invalid modules there), so this loop runs over every byte of
 * code before anything executes.  The hottest instructions are checked
 * inline in one switch, everything else through the opcode table
 * (opcodes.h: immediates and stack effects); no allocation happens per
 * instruction or per function once the scratch stacks have grown.  The
 * loop exists twice, with and without the compiler's hooks (the plain
 * one fills no `struct wasm_instr`).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "opcodes.h"
#include "reader.h"
#include "validate.h"
#include "validate_internal.h"

#define MAX_LOCALS 50000
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Block types of one value point into this table. */
static const uint8_t single[256] = {
	[WASM_I32] = WASM_I32, [WASM_I64] = WASM_I64, [WASM_F32] = WASM_F32,
	[WASM_F64] = WASM_F64, [WASM_V128] = WASM_V128, [WASM_FUNCREF] = WASM_FUNCREF,
	[WASM_EXTERNREF] = WASM_EXTERNREF, [WASM_EXNREF] = WASM_EXNREF,
	[WASM_NULLFUNCREF] = WASM_NULLFUNCREF, [WASM_NULLEXTERNREF] = WASM_NULLEXTERNREF,
	[WASM_NULLEXNREF] = WASM_NULLEXNREF,
};
/* ... and of a typed reference into this one (each code is itself) */
static uint8_t ident[256];

/* ---- the operand and control stacks ---- */

static int grow_vals(struct vfunc *s, uint32_t n)
{
	return wp_array_grow((void **)&s->vals, &s->capvals, s->nvals + n, 1);
}

static inline int push(struct vfunc *s, uint8_t t)
{
	int err;

	if (UNLIKELY(s->nvals == s->capvals) && (err = grow_vals(s, 1)) < 0)
		return err;
	s->vals[s->nvals++] = t;
	return 0;
}

/* Pop a value that must be `expect` (0: any); the popped type goes to *got. */
static inline int pop(struct vfunc *s, uint8_t expect, uint8_t *got)
{
	struct ctrl *c = &s->ctrls[s->nctrls - 1];
	uint8_t t;

	if (UNLIKELY(s->nvals == c->height)) {
		if (c->unreachable) {
			if (got)
				*got = UNKNOWN;
			return 0;
		}
		return wasm_vfail_at(s->at, "type mismatch");
	}
	t = s->vals[--s->nvals];
	if (UNLIKELY(t != expect) && expect && t && !wasm_subtype(s->m, t, expect))
		return wasm_vfail_at(s->at, "type mismatch");
	if (got)
		*got = t;
	return 0;
}

static int pop_vals(struct vfunc *s, const uint8_t *types, uint32_t n, uint8_t *out)
{
	uint32_t i;
	int err;

	for (i = n; i-- > 0;)
		if ((err = pop(s, types[i], out ? &out[i] : NULL)) < 0)
			return err;
	return 0;
}

static int push_vals(struct vfunc *s, const uint8_t *types, uint32_t n)
{
	int err;

	if (s->nvals + n > s->capvals && (err = grow_vals(s, n)) < 0)
		return err;
	if (n)
		memcpy(s->vals + s->nvals, types, n);
	s->nvals += n;
	return 0;
}

static int push_ctrl(struct vfunc *s, uint16_t op, const uint8_t *params, uint32_t np,
		     const uint8_t *results, uint32_t nr)
{
	struct ctrl *c;
	int err;

	if (UNLIKELY(s->nctrls == s->capctrls) &&
	    (err = wp_array_grow((void **)&s->ctrls, &s->capctrls, s->nctrls + 1, sizeof(*c))) < 0)
		return err;
	c = &s->ctrls[s->nctrls++];
	c->op = op;
	c->unreachable = 0;
	c->height = s->nvals;
	c->init_height = s->ninits;
	c->params = params;
	c->nparams = np;
	c->results = results;
	c->nresults = nr;
	return push_vals(s, params, np);
}

static void set_unreachable(struct vfunc *s)
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

static int read_blocktype(struct vfunc *s, struct wasm_instr *in)
{
	int64_t bt;
	int err;

	in->bt_params = in->bt_results = NULL;
	in->bt_nparams = in->bt_nresults = 0;
	if (LIKELY(s->r.p < s->r.end && *s->r.p >= 0x40 && *s->r.p < 0x80)) {
		bt = (int64_t)*s->r.p++ - 0x80; /* one-byte negative s33 */
	} else if ((err = wasm_read_s33(&s->r, &bt)) < 0) {
		return err;
	}
	if (bt == -64)
		return 0;
	if (bt < 0) {
		uint8_t t = (uint8_t)(bt & 0x7f);
		if ((t == 0x63 || t == 0x64) && bt >= -64) {
			/* a typed reference: its heap type follows */
			if ((err = wasm_read_heaptype_ref(&s->r, s->m, t == 0x63, 0, &t)) < 0)
				return err;
			in->bt_results = &ident[t];
			in->bt_nresults = 1;
			return 0;
		}
		if (!single[t])
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

/* memarg: alignment flags (bit 6: a memory index follows, multi-memory),
 * then the offset, a u64 that a 32-bit memory bounds to 2^32-1. */
static int read_memarg(struct vfunc *s, struct wasm_instr *in, const struct wasm_opinfo *o)
{
	uint32_t align, mem = 0;
	uint64_t off;
	int err;

	if ((err = wasm_read_u32(&s->r, &align)) < 0)
		return err;
	if (align >= 128)
		return wasm_vfail_at(s->at, "malformed memop flags");
	if (align & 64) {
		align &= 63;
		if ((err = wasm_read_u32(&s->r, &mem)) < 0)
			return err;
	}
	if ((err = wasm_read_u64(&s->r, &off)) < 0)
		return err;
	if (mem >= s->v->nmems)
		return wasm_vfail_at(s->at, mem ? "unknown memory" : "unknown memory 0");
	if (UNLIKELY(align > wasm_op_max_align(o)))
		return wasm_vfail_at(s->at, "alignment must not be larger than natural");
	if (!s->v->mem64[mem] && off > UINT32_MAX)
		return wasm_vfail_at(s->at, "offset out of range");
	in->align = align;
	in->memoffset = off;
	in->mem = mem;
	return 0;
}

static int read_memidx(struct vfunc *s, uint32_t *mem)
{
	int err;

	if ((err = wasm_read_u32(&s->r, mem)) < 0)
		return err;
	if (*mem >= s->v->nmems)
		return wasm_vfail_at(s->at, *mem ? "unknown memory" : "unknown memory 0");
	return 0;
}

static int read_br_table(struct vfunc *s, struct wasm_instr *in)
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

static int read_lane(struct vfunc *s, struct wasm_instr *in, unsigned lanes)
{
	int err;

	if ((err = wasm_read_u8(&s->r, &in->lane)) < 0)
		return err;
	if (in->lane >= lanes)
		return wasm_vfail_at(s->at, "invalid lane index");
	return 0;
}

static int read_v128(struct vfunc *s, struct wasm_instr *in, int shuffle)
{
	const uint8_t *p = NULL;
	int err, k;

	if ((err = wasm_read_bytes(&s->r, 16, &p)) < 0)
		return err;
	memcpy(in->imm.v128, p, 16);
	if (shuffle)
		for (k = 0; k < 16; k++)
			if (p[k] >= 32)
				return wasm_vfail_at(s->at, "invalid lane index");
	return 0;
}

/* A value type in a body (select, locals): typed references intern. */
static int read_vtype(struct vfunc *s, uint8_t *t)
{
	int err;

	if ((err = wasm_read_u8(&s->r, t)) < 0)
		return err;
	if (*t == 0x63 || *t == 0x64)
		return wasm_read_heaptype_ref(&s->r, s->m, *t == 0x63, 0, t);
	if (!single[*t])
		return wasm_vfail_at(s->at, "malformed value type");
	return 0;
}

static int read_select_t(struct vfunc *s, struct wasm_instr *in)
{
	uint32_t n;
	int err;

	if ((err = wasm_read_u32(&s->r, &n)) < 0)
		return err;
	if (n != 1)
		return wasm_vfail_at(s->at, "invalid result arity");
	return read_vtype(s, &in->type);
}

static int read_immediates(struct vfunc *s, struct wasm_instr *in, const struct wasm_opinfo *o)
{
	int err = 0;

	switch (o->imm) {
	case WASM_IMM_NONE:
		return 0;
	case WASM_IMM_BLOCK:
		return read_blocktype(s, in);
	case WASM_IMM_LABEL: case WASM_IMM_FUNC: case WASM_IMM_LOCAL: case WASM_IMM_GLOBAL:
	case WASM_IMM_TABLE: case WASM_IMM_DATA: case WASM_IMM_ELEM: case WASM_IMM_TAG:
		return wasm_read_u32(&s->r, &in->a);
	case WASM_IMM_TRY_TABLE:
		return wasm_vread_try_table(s, in);
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
		return read_memidx(s, &in->mem);
	case WASM_IMM_MEMINIT:
		if ((err = wasm_read_u32(&s->r, &in->a)) < 0)
			return err;
		return read_memidx(s, &in->mem);
	case WASM_IMM_MEMCOPY:
		if ((err = read_memidx(s, &in->mem)) < 0)
			return err;
		return read_memidx(s, &in->mem2);
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
		return read_v128(s, in, o->imm == WASM_IMM_SHUFFLE);
	case WASM_IMM_SELECT_T:
		return read_select_t(s, in);
	case WASM_IMM_REFTYPE: /* a heap type */
		return wasm_read_heaptype_ref(&s->r, s->m, 1, 0, &in->type);
	case WASM_IMM_TYPE:
		if ((err = wasm_read_u32(&s->r, &in->a)) < 0)
			return err;
		return in->a < s->m->ntypes ? 0 : wasm_vfail_at(s->at, "unknown type");
	}
	return wasm_vfail_at(s->at, "illegal opcode");
}

/* ---- instructions ---- */

static int check_branch(struct vfunc *s, uint32_t depth, int keep)
{
	const uint8_t *t;
	uint32_t n;
	int err;

	if (UNLIKELY(depth >= s->nctrls))
		return wasm_vfail_at(s->at, "unknown label");
	label_types(&s->ctrls[s->nctrls - 1 - depth], &t, &n);
	if (n == 0)
		return 0;
	if (n == 1 && keep) {
		/* the common br_if with one value: check it in place */
		const struct ctrl *c = &s->ctrls[s->nctrls - 1];
		if (s->nvals > c->height && s->vals[s->nvals - 1] == t[0])
			return 0;
	}
	if ((err = wp_array_grow((void **)&s->tmp, &s->captmp, n + 1, 1)) < 0)
		return err;
	if ((err = pop_vals(s, t, n, s->tmp)) < 0)
		return err;
	if (keep)
		return push_vals(s, t, n);
	return 0;
}

static int check_br_table(struct vfunc *s, struct wasm_instr *in)
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

/* Whether each of a[0..n) may be used as b[i]. */
static int subtypes(const struct vfunc *s, const uint8_t *a, const uint8_t *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!wasm_subtype(s->m, a[i], b[i]))
			return 0;
	return 1;
}

static int check_end(struct vfunc *s)
{
	struct ctrl *c = &s->ctrls[s->nctrls - 1];
	const uint8_t *res = c->results;
	uint32_t nres = c->nresults;
	int err;

	wasm_vreset_inits(s, c);
	if (nres == 0 && s->nvals == c->height && c->op != 0x04) {
		s->nctrls--; /* the common empty block */
		return 0;
	}
	if ((err = pop_vals(s, c->results, c->nresults, NULL)) < 0)
		return err;
	if (s->nvals != c->height)
		return wasm_vfail_at(s->at, "type mismatch");
	if (c->op == 0x04 && (c->nparams != c->nresults || !subtypes(s, c->params, c->results, c->nparams)))
		return wasm_vfail_at(s->at, "type mismatch");
	s->nctrls--;
	return push_vals(s, res, nres);
}

static int check_else(struct vfunc *s)
{
	struct ctrl *c = &s->ctrls[s->nctrls - 1];
	int err;

	if (c->op != 0x04)
		return wasm_vfail_at(s->at, "else without if");
	if ((err = pop_vals(s, c->results, c->nresults, NULL)) < 0)
		return err;
	if (s->nvals != c->height)
		return wasm_vfail_at(s->at, "type mismatch");
	wasm_vreset_inits(s, c);
	c->op = 0x05;
	c->unreachable = 0;
	return push_vals(s, c->params, c->nparams);
}

static int check_call(struct vfunc *s, const struct wasm_functype *t)
{
	int err;

	if ((err = pop_vals(s, t->params, t->nparams, NULL)) < 0)
		return err;
	return push_vals(s, t->results, t->nresults);
}

/* return_call*: the callee's results are the function's own (the
 * outermost frame's label), then nothing after it is reachable. */
static int check_tail_call(struct vfunc *s, const struct wasm_functype *t)
{
	const struct ctrl *fr = &s->ctrls[0];
	int err;

	if (t->nresults != fr->nresults || !subtypes(s, t->results, fr->results, t->nresults))
		return wasm_vfail_at(s->at, "type mismatch");
	if ((err = pop_vals(s, t->params, t->nparams, NULL)) < 0)
		return err;
	set_unreachable(s);
	return 0;
}

static int need_table(struct vfunc *s, uint32_t idx, uint8_t *reftype)
{
	if (idx >= s->v->ntables)
		return wasm_vfail_at(s->at, "unknown table");
	*reftype = s->v->table_types[idx];
	return 0;
}

/* The index type of table idx (a valid index): i64 for table64. */
static uint8_t table_at(struct vfunc *s, uint32_t idx)
{
	return s->v->table64[idx] ? WASM_I64 : WASM_I32;
}

static int need_elem(struct vfunc *s, uint32_t idx)
{
	return idx < s->m->nelems ? 0 : wasm_vfail_at(s->at, "unknown elem segment");
}

static int need_data(struct vfunc *s, uint32_t idx)
{
	if (!s->m->has_datacount)
		return wasm_vfail_at(s->at, "data count section required");
	return idx < s->m->datacount ? 0 : wasm_vfail_at(s->at, "unknown data segment");
}

static int pop3(struct vfunc *s, uint8_t d, uint8_t src, uint8_t n)
{
	int err;

	if ((err = pop(s, n, NULL)) < 0 || (err = pop(s, src, NULL)) < 0)
		return err;
	return pop(s, d, NULL);
}

static int check_table_op(struct vfunc *s, struct wasm_instr *in)
{
	uint8_t tt = 0, t2 = 0, at, at2;
	int err;

	switch (in->op) {
	case 0x25: /* table.get */
		if ((err = need_table(s, in->a, &tt)) < 0 || (err = pop(s, table_at(s, in->a), NULL)) < 0)
			return err;
		in->type = tt;
		return push(s, tt);
	case 0x26: /* table.set */
		if ((err = need_table(s, in->a, &tt)) < 0 || (err = pop(s, tt, NULL)) < 0)
			return err;
		in->type = tt;
		return pop(s, table_at(s, in->a), NULL);
	case WASM_OP_PREFIX_FC + 0x0c: /* table.init elem table */
		if ((err = need_elem(s, in->a)) < 0 || (err = need_table(s, in->b, &tt)) < 0)
			return err;
		if (!wasm_subtype(s->m, s->m->elems[in->a].reftype, tt))
			return wasm_vfail_at(s->at, "type mismatch");
		return pop3(s, table_at(s, in->b), WASM_I32, WASM_I32);
	case WASM_OP_PREFIX_FC + 0x0d: /* elem.drop */
		return need_elem(s, in->a);
	case WASM_OP_PREFIX_FC + 0x0e: /* table.copy dst src */
		if ((err = need_table(s, in->a, &tt)) < 0 || (err = need_table(s, in->b, &t2)) < 0)
			return err;
		if (!wasm_subtype(s->m, t2, tt))
			return wasm_vfail_at(s->at, "type mismatch");
		at = table_at(s, in->a);
		at2 = table_at(s, in->b);
		return pop3(s, at, at2, at == WASM_I64 && at2 == WASM_I64 ? WASM_I64 : WASM_I32);
	case WASM_OP_PREFIX_FC + 0x0f: /* table.grow */
		if ((err = need_table(s, in->a, &tt)) < 0 || (err = pop(s, table_at(s, in->a), NULL)) < 0 ||
		    (err = pop(s, tt, NULL)) < 0)
			return err;
		in->type = tt;
		return push(s, table_at(s, in->a));
	case WASM_OP_PREFIX_FC + 0x10: /* table.size */
		if ((err = need_table(s, in->a, &tt)) < 0)
			return err;
		return push(s, table_at(s, in->a));
	case WASM_OP_PREFIX_FC + 0x11: /* table.fill */
		if ((err = need_table(s, in->a, &tt)) < 0 ||
		    (err = pop(s, table_at(s, in->a), NULL)) < 0 || (err = pop(s, tt, NULL)) < 0)
			return err;
		in->type = tt;
		return pop(s, table_at(s, in->a), NULL);
	}
	return wasm_vfail_at(s->at, "illegal opcode");
}

static int check_select(struct vfunc *s, struct wasm_instr *in)
{
	uint8_t t1 = 0, t2 = 0;
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

static int check_local(struct vfunc *s, struct wasm_instr *in)
{
	int err;

	if (UNLIKELY(in->a >= s->nlocals))
		return wasm_vfail_at(s->at, "unknown local");
	in->type = s->locals[in->a];
	if (in->op == 0x20) {
		if (s->nondef && !s->linit[in->a])
			return wasm_vfail_at(s->at, "uninitialized local");
		return push(s, in->type);
	}
	if ((err = pop(s, in->type, NULL)) < 0)
		return err;
	if (s->nondef && !s->linit[in->a]) {
		if (s->ninits == s->capinits &&
		    (err = wp_array_grow((void **)&s->inits, &s->capinits, s->ninits + 1, sizeof(uint32_t))) < 0)
			return err;
		s->linit[in->a] = 1;
		s->inits[s->ninits++] = in->a;
	}
	return in->op == 0x22 ? push(s, in->type) : 0;
}

/* call_ref, return_call_ref, ref.as_non_null, br_on_null, br_on_non_null
 * (typed function references).  in->type gets the reference's type. */
static int check_typed_ref(struct vfunc *s, struct wasm_instr *in)
{
	const uint8_t *lt;
	uint8_t t = 0, nn;
	uint32_t n;
	int err;

	if (in->op == 0x14 || in->op == 0x15) { /* the reference: (ref null $t) */
		uint8_t want = wasm_ref_intern(s->m, 1, WASM_HEAP_TYPE, in->a);
		if (!want)
			return WP_EINVALID;
		if ((err = pop(s, want, NULL)) < 0)
			return err;
		in->type = want;
		return in->op == 0x15 ? check_tail_call(s, &s->m->types[in->a])
				      : check_call(s, &s->m->types[in->a]);
	}
	if ((err = pop(s, 0, &t)) < 0)
		return err;
	if (t && !wasm_vis_ref(t))
		return wasm_vfail_at(s->at, "type mismatch");
	in->type = t;
	nn = t ? wasm_ref_non_null(s->m, t) : 0;
	if (t && !nn)
		return WP_EINVALID;
	switch (in->op) {
	case 0xd4: /* ref.as_non_null */
		return push(s, nn);
	case 0xd5: /* br_on_null l: the label gets the values below the reference */
		if ((err = check_branch(s, in->a, 1)) < 0)
			return err;
		return push(s, nn);
	default: /* br_on_non_null l: the label's last value is the reference */
		if (in->a >= s->nctrls)
			return wasm_vfail_at(s->at, "unknown label");
		wasm_vlabel_types(&s->ctrls[s->nctrls - 1 - in->a], &lt, &n);
		if (n == 0 || (nn && !wasm_subtype(s->m, nn, lt[n - 1])))
			return wasm_vfail_at(s->at, "type mismatch");
		if ((err = pop_vals(s, lt, n - 1, NULL)) < 0)
			return err;
		return push_vals(s, lt, n - 1);
	}
}

static int check_special(struct vfunc *s, struct wasm_instr *in)
{
	const struct wasm_validator *v = s->v;
	uint8_t t = 0;
	int err;

	switch (in->op) {
	case 0x00: /* unreachable */
		set_unreachable(s);
		return 0;
	case 0x01:
		return 0;
	case 0x02: case 0x03: /* block, loop */
		if (in->bt_nparams && (err = pop_vals(s, in->bt_params, in->bt_nparams, NULL)) < 0)
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
		if (in->a >= v->nfuncs)
			return wasm_vfail_at(s->at, "unknown function");
		return check_call(s, wasm_vfunc_type(v, in->a));
	case 0x11:
	case 0x13:
		if ((err = need_table(s, in->b, &t)) < 0)
			return err;
		if (!wasm_subtype(s->m, t, WASM_FUNCREF))
			return wasm_vfail_at(s->at, "type mismatch");
		if (in->a >= s->m->ntypes)
			return wasm_vfail_at(s->at, "unknown type");
		if ((err = pop(s, table_at(s, in->b), NULL)) < 0)
			return err;
		return in->op == 0x13 ? check_tail_call(s, &s->m->types[in->a]) : check_call(s, &s->m->types[in->a]);
	case 0x12:
		if (in->a >= v->nfuncs)
			return wasm_vfail_at(s->at, "unknown function");
		return check_tail_call(s, wasm_vfunc_type(v, in->a));
	case 0x1a:
		if ((err = pop(s, 0, &t)) < 0)
			return err;
		in->type = t;
		return 0;
	case 0x1b: case 0x1c:
		return check_select(s, in);
	case 0x20: case 0x21: case 0x22:
		return check_local(s, in);
	case 0x23: case 0x24:
		if (in->a >= v->nglobals)
			return wasm_vfail_at(s->at, "unknown global");
		in->type = v->global_types[in->a];
		if (in->op == 0x23)
			return push(s, in->type);
		if (!v->global_mut[in->a])
			return wasm_vfail_at(s->at, "global is immutable");
		return pop(s, in->type, NULL);
	case 0xd0:
		return push(s, in->type);
	case 0xd1:
		if ((err = pop(s, 0, &t)) < 0)
			return err;
		if (t && !wasm_vis_ref(t))
			return wasm_vfail_at(s->at, "type mismatch");
		in->type = t;
		return push(s, WASM_I32);
	case 0xd2: /* ref.func: (ref $t) of the function's type */
		if (in->a >= v->nfuncs)
			return wasm_vfail_at(s->at, "unknown function");
		if (!v->refs[in->a])
			return wasm_vfail_at(s->at, "undeclared function reference");
		if (!(t = wasm_ref_intern(s->m, 0, WASM_HEAP_TYPE, wasm_vfunc_type_index(s->m, in->a))))
			return WP_EINVALID;
		in->type = t;
		return push(s, t);
	case 0x14: case 0x15: case 0xd4: case 0xd5: case 0xd6:
		return check_typed_ref(s, in);
	case WASM_OP_PREFIX_FC + 0x09:
		return need_data(s, in->a);
	case 0x06: case 0x07: case 0x08: case 0x09: case 0x0a: case 0x18: case 0x19: case 0x1f:
		return wasm_vcheck_eh(s, in);
	}
	return check_table_op(s, in);
}

/* "pop these, push that" from the opcode table. */
static inline int check_simple(struct vfunc *s, const struct wasm_opinfo *o)
{
	const struct ctrl *c = &s->ctrls[s->nctrls - 1];
	uint32_t k, n = o->npop;
	int err;

	/* fast path: all operands present and room for the result */
	if (LIKELY(s->nvals >= c->height + n && s->nvals < s->capvals)) {
		uint8_t *base = s->vals + s->nvals - n;
		for (k = 0; k < n; k++)
			if (UNLIKELY(base[k] != o->pop[k]) && base[k] != UNKNOWN)
				return wasm_vfail_at(s->at, "type mismatch");
		s->nvals -= n;
		if (o->push)
			s->vals[s->nvals++] = o->push;
		return 0;
	}
	if ((err = pop_vals(s, o->pop, n, NULL)) < 0)
		return err;
	return o->push ? push(s, o->push) : 0;
}

static int check_memory_op(struct vfunc *s, const struct wasm_instr *in)
{
	if (!s->v->has_memory)
		return wasm_vfail_at(s->at, "unknown memory 0");
	if (in->op == WASM_OP_PREFIX_FC + 0x08)
		return need_data(s, in->a);
	return 0;
}

/* A memory instruction on a 64-bit memory (memory64): its addresses and
 * sizes are i64 (memory.copy between a 64-bit and a 32-bit memory counts
 * in i32), the table's operand types otherwise. */
static int check_memory64(struct vfunc *s, const struct wasm_instr *in, const struct wasm_opinfo *o)
{
	const uint8_t *m64 = s->v->mem64;
	uint8_t at = m64[in->mem] ? WASM_I64 : WASM_I32, pop[3], push = o->push;
	uint32_t n = o->npop;

	memcpy(pop, o->pop, sizeof(pop));
	switch (in->op) {
	case 0x3f: /* memory.size */
		push = at;
		break;
	case 0x40: /* memory.grow */
		pop[0] = push = at;
		break;
	case WASM_OP_PREFIX_FC + 0x0a: /* memory.copy d s n */
		pop[0] = at;
		pop[1] = m64[in->mem2] ? WASM_I64 : WASM_I32;
		pop[2] = m64[in->mem] && m64[in->mem2] ? WASM_I64 : WASM_I32;
		break;
	case WASM_OP_PREFIX_FC + 0x0b: /* memory.fill d val n */
		pop[0] = pop[2] = at;
		break;
	default: /* memory.init d s n, loads and stores: the address */
		pop[0] = at;
	}
	if (n) {
		int err = pop_vals(s, pop, n, NULL);
		if (err < 0)
			return err;
	}
	return push ? push_vals(s, &push, 1) : 0;
}

static int read_prefixed(struct vfunc *s, uint8_t b, uint16_t *op)
{
	uint32_t sub;
	int err;

	if ((err = wasm_read_u32(&s->r, &sub)) < 0)
		return err;
	if (b == 0xfd)
		return wasm_simd_index(sub, op) < 0 ? wasm_vfail_at(s->at, "illegal opcode") : 0;
	if (sub > 0x11u)
		return wasm_vfail_at(s->at, "illegal opcode");
	*op = (uint16_t)(WASM_OP_PREFIX_FC + sub);
	return 0;
}

/* Any instruction, through the table. */
static int check_generic(struct vfunc *s, uint8_t b, struct wasm_instr *in)
{
	const struct wasm_opinfo *o;
	int err;

	in->op = b;
	if ((b == 0xfc || b == 0xfd) && (err = read_prefixed(s, b, &in->op)) < 0)
		return err;
	o = &wasm_ops[in->op];
	if (!o->name)
		return wasm_vfail_at(s->at, "illegal opcode");
	if ((err = read_immediates(s, in, o)) < 0)
		return err;
	if (o->flags & WASM_OPF_SPECIAL)
		return check_special(s, in);
	if (o->flags & WASM_OPF_MEMORY) {
		if ((err = check_memory_op(s, in)) < 0)
			return err;
		if (s->v->mem64[in->mem] || (in->op == WASM_OP_PREFIX_FC + 0x0a && s->v->mem64[in->mem2]))
			return check_memory64(s, in, o);
	}
	return check_simple(s, o);
}

/* A local of a non-nullable reference type has no default: it must be set
 * before it is read.  Tracked only in functions that have one. */
static int track_inits(struct vfunc *s, uint32_t nparams)
{
	uint32_t i;
	int err;

	s->nondef = 0;
	s->ninits = 0;
	for (i = nparams; i < s->nlocals && !s->nondef; i++)
		if (!wasm_defaultable(s->m, s->locals[i]))
			s->nondef = 1;
	if (!s->nondef)
		return 0;
	if (s->nlocals > s->caplinit &&
	    (err = wp_array_grow((void **)&s->linit, &s->caplinit, s->nlocals, 1)) < 0)
		return err;
	for (i = 0; i < s->nlocals; i++)
		s->linit[i] = i < nparams || wasm_defaultable(s->m, s->locals[i]);
	return 0;
}

static int read_locals(struct vfunc *s, const struct wasm_functype *ft)
{
	uint32_t ngroups, g, total = ft->nparams;
	int err;

	if ((err = wasm_read_count(&s->r, 2, &ngroups)) < 0)
		return err;
	if (total + 1 > s->caplocals &&
	    (err = wp_array_grow((void **)&s->locals, &s->caplocals, total + 1, 1)) < 0)
		return err;
	memcpy(s->locals, ft->params, ft->nparams);
	for (g = 0; g < ngroups; g++) {
		uint32_t n;
		uint8_t t;
		if ((err = wasm_read_u32(&s->r, &n)) < 0)
			return err;
		if ((uint64_t)total + n > MAX_LOCALS)
			return wasm_reader_fail(&s->r, "too many locals");
		if ((err = wasm_read_u8(&s->r, &t)) < 0)
			return err;
		if (t == 0x63 || t == 0x64) {
			if ((err = wasm_read_heaptype_ref(&s->r, s->m, t == 0x63, 0, &t)) < 0)
				return err;
		} else if (!single[t]) {
			return wasm_reader_fail(&s->r, "malformed value type");
		}
		if (total + n + 1 > s->caplocals &&
		    (err = wp_array_grow((void **)&s->locals, &s->caplocals, total + n + 1, 1)) < 0)
			return err;
		memset(s->locals + total, t, n);
		total += n;
	}
	s->nlocals = total;
	return track_inits(s, ft->nparams);
}

/* ---- for validate_eh.c ---- */

int wasm_vpop_vals(struct vfunc *s, const uint8_t *types, uint32_t n)
{
	return pop_vals(s, types, n, NULL);
}

int wasm_vpop_any(struct vfunc *s, uint8_t expect)
{
	return pop(s, expect, NULL);
}

int wasm_vpush_vals(struct vfunc *s, const uint8_t *types, uint32_t n)
{
	return push_vals(s, types, n);
}

int wasm_vpush_ctrl(struct vfunc *s, uint16_t op, const uint8_t *params, uint32_t np,
		    const uint8_t *results, uint32_t nr)
{
	return push_ctrl(s, op, params, np, results, nr);
}

void wasm_vset_unreachable(struct vfunc *s)
{
	set_unreachable(s);
}

void wasm_vlabel_types(const struct ctrl *c, const uint8_t **t, uint32_t *n)
{
	label_types(c, t, n);
}

int wasm_vread_blocktype(struct vfunc *s, struct wasm_instr *in)
{
	return read_blocktype(s, in);
}

int wasm_vend_region(struct vfunc *s)
{
	struct ctrl *c = &s->ctrls[s->nctrls - 1];
	int err;

	if ((err = pop_vals(s, c->results, c->nresults, NULL)) < 0)
		return err;
	if (s->nvals != c->height)
		return wasm_vfail_at(s->at, "type mismatch");
	wasm_vreset_inits(s, c);
	return 0;
}

/* What the loop does for each opcode byte (the hot ones; the rest go
 * through the table); filled once from wasm_ops[]. */
enum {
	K_GENERIC, K_SIMPLE, K_LOCAL_GET, K_LOCAL_SET, K_I32_CONST, K_I64_CONST, K_FCONST,
	K_MEM, K_BLOCK, K_END, K_BR, K_BR_IF, K_CALL, K_PREFIX_FC, K_COUNT
};
static uint8_t kind_of[256];
static pthread_once_t kind_once = PTHREAD_ONCE_INIT;

static void kind_init(void)
{
	unsigned b;

	for (b = 0; b < 256; b++)
		ident[b] = (uint8_t)b;
	for (b = 0; b < 256; b++) {
		const struct wasm_opinfo *o = &wasm_ops[b];
		if (o->name && !(o->flags & WASM_OPF_SPECIAL) && o->imm == WASM_IMM_NONE)
			kind_of[b] = K_SIMPLE;
		else if (o->name && o->imm == WASM_IMM_MEMARG)
			kind_of[b] = K_MEM;
	}
	kind_of[0x20] = K_LOCAL_GET;
	kind_of[0x21] = kind_of[0x22] = K_LOCAL_SET;
	kind_of[0x41] = K_I32_CONST;
	kind_of[0x42] = K_I64_CONST;
	kind_of[0x43] = kind_of[0x44] = K_FCONST;
	kind_of[0x02] = kind_of[0x03] = K_BLOCK;
	kind_of[0x0b] = K_END;
	kind_of[0x0c] = K_BR;
	kind_of[0x0d] = K_BR_IF;
	kind_of[0xfc] = K_PREFIX_FC;
	kind_of[0x10] = K_CALL;
}

#define VLOOP_NAME body_plain
#define VLOOP_HOOKS 0
#include "validate_loop.inc"
#define VLOOP_NAME body_hooked
#define VLOOP_HOOKS 1
#include "validate_loop.inc"

int wasm_vbody(struct vfunc *s, uint32_t fidx, const struct wasm_validate_hooks *h)
{
	const struct wasm_module *m = s->m;
	const struct wasm_code *code = &m->codes[fidx - m->nfunc_imports];
	const struct wasm_functype *ft = wasm_vfunc_type(s->v, fidx);
	int err;

	pthread_once(&kind_once, kind_init);
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
	if ((err = grow_vals(s, 16)) < 0 ||
	    (s->capctrls < 8 &&
	     (err = wp_array_grow((void **)&s->ctrls, &s->capctrls, 8, sizeof(struct ctrl))) < 0))
		return err;
	err = h ? body_hooked(s, h) : body_plain(s, NULL);
	if (err < 0)
		return err;
	if (!wasm_reader_eof(&s->r))
		return wasm_reader_fail(&s->r, "section size mismatch: operators after the end of the function");
	if (h && h->func_end && (err = h->func_end(h->ctx, fidx)) < 0)
		return err;
	return 0;
}
