/*
 * compile_stack.c - code emission and the virtual operand stack of the
 * compiler (see compile.c for the overview).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "compile.h"

int rc_oom(void)
{
	return wp_error_set(WP_ENOMEM, "out of memory");
}

/* Slot indexes share the opcode word (internal.h): a bigger frame cannot
 * be encoded.  Reached only by a huge operand stack (the validator caps
 * locals at 50,000). */
int rc_frame_check(struct comp *c)
{
	if (c->max_slot <= RFRAME_MAX)
		return 0;
	return wp_error_set(WP_ETOOBIG,
			    "function %u needs more than %u frame slots (the engine's limit)",
			    c->func, RFRAME_MAX);
}

/* ---- emission ---- */

int rc_reserve(struct comp *c, uint32_t n)
{
	return wp_array_grow((void **)&c->code, &c->cap, c->len + n, sizeof(uint32_t));
}

/* Start an instruction of up to `words` words whose first slot operand
 * (0 when it has none) shares the opcode word; returns its position. */
int64_t rc_ins_begin(struct comp *c, uint32_t op, uint32_t slot, uint32_t words)
{
	if (rc_reserve(c, words) < 0)
		return -1;
	c->patch_ins = -1;
	c->cmp_ins = -1;
	c->prev_ins = c->last_ins;
	c->last_ins = c->len;
	c->code[c->len++] = riop_word(op, slot);
	return c->len - 1;
}

/* The start of the last instruction, when it is `words` long and nothing
 * was emitted or bound as a label after it; else -1. */
int64_t rc_last_ins(struct comp *c, uint32_t words)
{
	return c->last_ins >= 0 && (uint64_t)c->last_ins + words == c->len ? c->last_ins : -1;
}

/* Take back the last instruction (to emit it again, fused with the next). */
void rc_drop_last(struct comp *c)
{
	c->len = (uint32_t)c->last_ins;
	c->last_ins = c->prev_ins;
	c->prev_ins = -1;
	c->patch_ins = c->cmp_ins = -1;
}

void rc_put(struct comp *c, uint32_t w)
{
	c->code[c->len++] = w;
}

void rc_put64(struct comp *c, uint64_t v)
{
	rc_put(c, (uint32_t)v);
	rc_put(c, (uint32_t)(v >> 32));
}

int rc_add_fixup(struct cframe *f, uint32_t ins, uint32_t word)
{
	int err;

	if ((err = wp_array_grow((void **)&f->fix, &f->capfix, f->nfix + 1, sizeof(*f->fix))) < 0)
		return err;
	f->fix[f->nfix].ins = ins;
	f->fix[f->nfix].word = word;
	f->nfix++;
	return 0;
}

/* A label was bound here: nothing before may be patched or fused. */
void rc_label_here(struct comp *c)
{
	c->patch_ins = -1;
	c->cmp_ins = -1;
	c->last_ins = c->prev_ins = -1;
}

/* ---- the virtual stack ---- */

struct cframe *rc_top_frame(struct comp *c)
{
	return &c->cf[c->ncf - 1];
}

uint32_t rc_next_slot(struct comp *c)
{
	struct cframe *f = rc_top_frame(c);

	if (c->nvs > f->height) {
		struct ventry *e = &c->vs[c->nvs - 1];
		return e->slot + rslots_of(e->type);
	}
	return f->floor_slot;
}

int rc_push_entry(struct comp *c, uint8_t kind, uint8_t type, uint32_t src, uint64_t k)
{
	struct ventry *e;
	int err;

	if ((err = wp_array_grow((void **)&c->vs, &c->capvs, c->nvs + 1, sizeof(*e))) < 0)
		return err;
	e = &c->vs[c->nvs];
	e->slot = rc_next_slot(c);
	e->kind = kind;
	e->type = type;
	e->src = src;
	e->c = k;
	c->nvs++;
	if (LAZY(kind))
		c->nlocal_refs++;
	if (e->slot + rslots_of(type) > c->max_slot) {
		c->max_slot = e->slot + rslots_of(type);
		return rc_frame_check(c);
	}
	return 0;
}

void rc_pop_entries(struct comp *c, uint32_t n)
{
	while (n-- > 0) {
		c->nvs--;
		if (LAZY(c->vs[c->nvs].kind))
			c->nlocal_refs--;
	}
}

/* Emit code that puts entry e's value into slot dst. */
int rc_emit_copy(struct comp *c, const struct ventry *e, uint32_t dst)
{
	if (e->kind == V_CONST) {
		if (e->type == WASM_I32 || e->type == WASM_F32) {
			if (rc_ins_begin(c, IOP_CONST32, dst, 2) < 0)
				return rc_oom();
			rc_put(c, (uint32_t)e->c);
		} else {
			if (rc_ins_begin(c, IOP_CONST64, dst, 3) < 0)
				return rc_oom();
			rc_put64(c, e->c);
		}
		return 0;
	}
	if (e->kind == V_ADD2) {
		if (rc_ins_begin(c, 0x6a, dst, 3) < 0)
			return rc_oom();
		rc_put(c, e->src);
		rc_put(c, e->src2);
		return 0;
	}
	if (e->kind == V_ADDK) {
		if (rc_ins_begin(c, IOP_IMM + 0x6a, dst, 3) < 0)
			return rc_oom();
		rc_put(c, e->src);
		rc_put(c, (uint32_t)e->c);
		return 0;
	}
	{
		uint32_t src = e->kind == V_LOCAL ? e->src : e->slot;
		if (src == dst)
			return 0;
		if (rc_ins_begin(c, e->type == WASM_V128 ? IOP_MOV2 : IOP_MOV, dst, 2) < 0)
			return rc_oom();
		rc_put(c, src);
	}
	return 0;
}

int rc_materialize(struct comp *c, uint32_t i)
{
	struct ventry *e = &c->vs[i];
	int err;

	if (e->kind == V_SLOT)
		return 0;
	if ((err = rc_emit_copy(c, e, e->slot)) < 0)
		return err;
	if (LAZY(e->kind))
		c->nlocal_refs--;
	e->kind = V_SLOT;
	return 0;
}

int rc_materialize_from(struct comp *c, uint32_t from)
{
	uint32_t i;
	int err;

	for (i = from; i < c->nvs; i++)
		if ((err = rc_materialize(c, i)) < 0)
			return err;
	return 0;
}

/* The slot an operand can be read from (constants are materialized). */
/* Whether a constant of type t fills its whole slot (64-bit values and
 * references: the pool sets those with a 64-bit write). */
static int wide(uint8_t t)
{
	return t == WASM_I64 || t == WASM_F64 || wasm_is_reftype(t);
}

/* The pool slot holding constant e, or -1 (not in a loop, pool full). */
int64_t rc_pool_slot(struct comp *c, const struct ventry *e)
{
	uint32_t k;

	if (!c->loop_depth || e->type == WASM_V128)
		return -1;
	for (k = 0; k < c->npool; k++)
		if (c->pool_val[k] == e->c && rslots_of(c->pool_type[k]) == 1 &&
		    wide(c->pool_type[k]) == wide(e->type))
			return c->pool_base + k;
	if (c->npool == POOL_SLOTS)
		return -1;
	c->pool_type[c->npool] = e->type;
	c->pool_val[c->npool] = e->c;
	return c->pool_base + c->npool++;
}

int rc_operand(struct comp *c, uint32_t i, uint32_t *slot)
{
	struct ventry *e = &c->vs[i];
	int err;

	if (e->kind == V_CONST) {
		int64_t p = rc_pool_slot(c, e);
		if (p >= 0) {
			*slot = (uint32_t)p;
			return 0;
		}
	}

	if ((e->kind == V_CONST || e->kind == V_ADDK || e->kind == V_ADD2) &&
	    (err = rc_materialize(c, i)) < 0)
		return err;
	*slot = e->kind == V_LOCAL ? e->src : e->slot;
	return 0;
}

/* Before local `lslot` is written: entries still reading it get copies. */
int rc_protect_local(struct comp *c, uint32_t lslot, uint32_t upto)
{
	uint32_t i;
	int err;

	if (!c->nlocal_refs)
		return 0;
	for (i = 0; i < upto; i++)
		if (LAZY(c->vs[i].kind) &&
		    (c->vs[i].src == lslot || (c->vs[i].kind == V_ADD2 && c->vs[i].src2 == lslot)) &&
		    (err = rc_materialize(c, i)) < 0)
			return err;
	return 0;
}

int rc_has_local_ref(struct comp *c, uint32_t lslot, uint32_t upto)
{
	uint32_t i;

	if (!c->nlocal_refs)
		return 0;
	for (i = 0; i < upto; i++)
		if (LAZY(c->vs[i].kind) &&
		    (c->vs[i].src == lslot || (c->vs[i].kind == V_ADD2 && c->vs[i].src2 == lslot)))
			return 1;
	return 0;
}

