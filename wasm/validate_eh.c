/*
 * validate_eh.c - validation of the exception-handling instructions, both
 * forms (see validate.c for the algorithm and its stacks):
 *
 *   standard  throw x, throw_ref, try_table bt catch* ... end, where a
 *             catch clause is (catch x l), (catch_ref x l), (catch_all l)
 *             or (catch_all_ref l) and sends the payload (plus the exnref
 *             for the _ref forms) to label l;
 *   legacy    try bt ... (catch x ... | catch_all ...)* end, try bt ...
 *             delegate l, rethrow l: what LLVM and emscripten still emit
 *             by default.
 *
 * A tag's type is a function type without results; its parameters are
 * the exception's payload.  The labels of try_table's clauses are
 * resolved outside the try_table (its own label is not yet in scope).
 * Control frames of the legacy form keep their opcode: 0x06 while in the
 * try body, 0x07 / 0x19 once in a catch / catch_all (rethrow must name
 * one of those).
 */
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "opcodes.h"
#include "validate_internal.h"

static int need_tag(struct vfunc *s, uint32_t idx, const struct wasm_functype **t)
{
	if (idx >= s->v->ntags)
		return wasm_vfail_at(s->at, "unknown tag");
	*t = s->v->tag_types[idx];
	return 0;
}

/* The types a clause sends to its label: payload (if any), then exnref
 * (the _ref forms), in s->catch_types. */
static int clause_types(struct vfunc *s, const struct wasm_catch *k, uint32_t *n)
{
	const struct wasm_functype *t = NULL;
	uint32_t np = 0;
	int err;

	if (k->kind == WASM_CATCH || k->kind == WASM_CATCH_REF) {
		if ((err = need_tag(s, k->tag, &t)) < 0)
			return err;
		np = t->nparams;
	}
	if ((err = wp_array_grow((void **)&s->catch_types, &s->capcatch_types, np + 2, 1)) < 0)
		return err;
	if (np)
		memcpy(s->catch_types, t->params, np);
	if (k->kind == WASM_CATCH_REF || k->kind == WASM_CATCH_ALL_REF)
		s->catch_types[np++] = WASM_EXNREF;
	*n = np;
	return 0;
}

int wasm_vread_try_table(struct vfunc *s, struct wasm_instr *in)
{
	uint32_t n, i;
	int err;

	if ((err = wasm_vread_blocktype(s, in)) < 0 || (err = wasm_read_count(&s->r, 2, &n)) < 0)
		return err;
	if ((err = wp_array_grow((void **)&s->catches, &s->capcatches, n + 1, sizeof(*s->catches))) < 0)
		return err;
	for (i = 0; i < n; i++) {
		struct wasm_catch *k = &s->catches[i];
		if ((err = wasm_read_u8(&s->r, &k->kind)) < 0)
			return err;
		if (k->kind > WASM_CATCH_ALL_REF)
			return wasm_vfail_at(s->at, "malformed catch clause");
		k->tag = 0;
		if (k->kind <= WASM_CATCH_REF && (err = wasm_read_u32(&s->r, &k->tag)) < 0)
			return err;
		if ((err = wasm_read_u32(&s->r, &k->label)) < 0)
			return err;
	}
	in->catches = s->catches;
	in->ncatches = n;
	return 0;
}

/* Each clause's values must be exactly its label's types. */
static int check_clauses(struct vfunc *s, const struct wasm_instr *in)
{
	uint32_t i, n, nl;
	const uint8_t *lt;
	int err;

	for (i = 0; i < in->ncatches; i++) {
		const struct wasm_catch *k = &in->catches[i];
		if ((err = clause_types(s, k, &n)) < 0)
			return err;
		if (k->label >= s->nctrls)
			return wasm_vfail_at(s->at, "unknown label");
		wasm_vlabel_types(&s->ctrls[s->nctrls - 1 - k->label], &lt, &nl);
		if (nl != n || (n && memcmp(lt, s->catch_types, n)))
			return wasm_vfail_at(s->at, "type mismatch");
	}
	return 0;
}

/* Open a block of type bt (try, try_table): its params move into it. */
static int open_block(struct vfunc *s, const struct wasm_instr *in)
{
	int err;

	if (in->bt_nparams && (err = wasm_vpop_vals(s, in->bt_params, in->bt_nparams)) < 0)
		return err;
	return wasm_vpush_ctrl(s, in->op, in->bt_params, in->bt_nparams, in->bt_results,
			       in->bt_nresults);
}

/* catch x / catch_all: close the try body (or the previous catch) and
 * start a handler whose stack holds the payload. */
static int begin_catch(struct vfunc *s, struct wasm_instr *in)
{
	struct ctrl *c = &s->ctrls[s->nctrls - 1];
	const struct wasm_functype *t = NULL;
	int err;

	if (c->op != 0x06 && c->op != 0x07)
		return wasm_vfail_at(s->at, in->op == 0x07 ? "catch without try" : "catch_all without try");
	if (in->op == 0x07 && (err = need_tag(s, in->a, &t)) < 0)
		return err;
	if ((err = wasm_vend_region(s)) < 0)
		return err;
	c = &s->ctrls[s->nctrls - 1];
	c->op = in->op;
	c->unreachable = 0;
	in->tag_params = NULL;
	in->tag_nparams = 0;
	if (!t)
		return 0;
	in->tag_params = t->params;
	in->tag_nparams = t->nparams;
	return wasm_vpush_vals(s, t->params, t->nparams);
}

/* try ... delegate l: the try frame ends like a block; l names a label of
 * the frames around it (the function's outermost label: the caller). */
static int check_delegate(struct vfunc *s, const struct wasm_instr *in)
{
	const struct ctrl *c = &s->ctrls[s->nctrls - 1];
	const uint8_t *res = c->results;
	uint32_t nres = c->nresults;
	int err;

	if (c->op != 0x06)
		return wasm_vfail_at(s->at, "delegate without try");
	if ((err = wasm_vend_region(s)) < 0)
		return err;
	s->nctrls--;
	if (in->a >= s->nctrls)
		return wasm_vfail_at(s->at, "unknown label");
	return wasm_vpush_vals(s, res, nres);
}

int wasm_vcheck_eh(struct vfunc *s, struct wasm_instr *in)
{
	const struct wasm_functype *t = NULL;
	int err;

	switch (in->op) {
	case 0x06: /* try */
		return open_block(s, in);
	case 0x1f: /* try_table */
		if ((err = check_clauses(s, in)) < 0)
			return err;
		return open_block(s, in);
	case 0x07: case 0x19:
		return begin_catch(s, in);
	case 0x18:
		return check_delegate(s, in);
	case 0x08: /* throw x */
		if ((err = need_tag(s, in->a, &t)) < 0 ||
		    (err = wasm_vpop_vals(s, t->params, t->nparams)) < 0)
			return err;
		in->tag_params = t->params;
		in->tag_nparams = t->nparams;
		wasm_vset_unreachable(s);
		return 0;
	case 0x09: { /* rethrow l: l must be a catch or catch_all */
		const struct ctrl *c;
		if (in->a >= s->nctrls)
			return wasm_vfail_at(s->at, "unknown label");
		c = &s->ctrls[s->nctrls - 1 - in->a];
		if (c->op != 0x07 && c->op != 0x19)
			return wasm_vfail_at(s->at, "invalid rethrow label");
		wasm_vset_unreachable(s);
		return 0;
	}
	case 0x0a: /* throw_ref */
		if ((err = wasm_vpop_any(s, WASM_EXNREF)) < 0)
			return err;
		wasm_vset_unreachable(s);
		return 0;
	}
	return wasm_vfail_at(s->at, "illegal opcode");
}
