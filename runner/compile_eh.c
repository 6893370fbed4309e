/*
 * compile_eh.c - exception handling in the compiler (see compile.c): the
 * handler tables of internal.h (struct rscope, struct rclause) and the
 * code of throw, throw_ref, rethrow.
 *
 * Nothing is emitted for a handler on the normal path: a try body is plain
 * code whose range is recorded as a scope; the catch code is reached only
 * by the unwinder (exception.c), which writes the payload (and the
 * exception reference) into the clause's slots and jumps to its target.
 *
 *   legacy   try opens a scope; each catch / catch_all ends the previous
 *            part (its results go to the block's slots and it jumps to
 *            the end, like `else`) and starts a handler whose exception
 *            reference lives in the block's first slot (for rethrow) with
 *            the payload above it; `delegate l` closes the scope with no
 *            clauses and label l's scope as the next one searched.
 *   standard try_table's clauses branch to labels: each gets a stub
 *            before the body (a br to its label, or a return for the
 *            function's label), the values land directly in the label's
 *            slots; a jump skips the stubs on entry.
 * Every scope start and end and every handler is a label for the peephole
 * fusions (rc_label_here): no instruction straddles them.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "compile.h"

static uint32_t width_of(const uint8_t *t, uint32_t n)
{
	uint32_t i, w = 0;

	for (i = 0; i < n; i++)
		w += rslots_of(t[i]);
	return w;
}

static void need_slots(struct comp *c, uint32_t end)
{
	if (end > c->max_slot)
		c->max_slot = end;
}

/* The payload types of tag `idx` of the module. */
static const struct wasm_functype *tag_type(const struct comp *c, uint32_t idx)
{
	const struct wasm_module *m = c->m;
	uint32_t i, n = idx;

	if (idx >= m->ntag_imports)
		return &m->types[m->tags[idx - m->ntag_imports]];
	for (i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == WASM_EXTERN_TAG && n-- == 0)
			break;
	return &m->types[m->imports[i].desc.tag_type];
}

/* A new scope starting here, inside the current one; returns its index. */
static int32_t open_scope(struct comp *c, int32_t parent)
{
	struct rscope *s;

	if (wp_array_grow((void **)&c->scopes, &c->capscopes, c->nscopes + 1, sizeof(*s)) < 0)
		return -1;
	rc_label_here(c);
	s = &c->scopes[c->nscopes];
	s->start = c->len;
	s->end = c->len;
	s->parent = parent;
	s->first = -1;
	return (int32_t)c->nscopes++;
}

static void close_scope(struct comp *c, int32_t scope)
{
	c->scopes[scope].end = c->len;
	rc_label_here(c);
}

/* Append a clause to scope `scope` after clause `*last` (-1: the first). */
static int add_clause(struct comp *c, int32_t scope, int32_t *last, uint32_t tag, uint32_t target,
		      uint32_t payload_slot, uint32_t exn_slot)
{
	struct rclause *k;
	int32_t idx = (int32_t)c->nclauses;

	if (wp_array_grow((void **)&c->clauses, &c->capclauses, c->nclauses + 1, sizeof(*k)) < 0)
		return rc_oom();
	k = &c->clauses[c->nclauses++];
	k->next = -1;
	k->tag = tag;
	k->target = target;
	k->payload_slot = payload_slot;
	k->exn_slot = exn_slot;
	if (*last < 0)
		c->scopes[scope].first = idx;
	else
		c->clauses[*last].next = idx;
	*last = idx;
	return 0;
}

/* try bt / try_table bt: a block whose body is a new scope. */
static int open_try(struct comp *c, const struct wasm_instr *in)
{
	int32_t parent = rc_top_frame(c)->inner_scope, scope;
	struct cframe *f;
	int err;

	if ((err = rc_do_block(c, in)) < 0)
		return err;
	if ((scope = open_scope(c, parent)) < 0)
		return rc_oom();
	f = rc_top_frame(c);
	f->scope = f->inner_scope = scope;
	return 0;
}

/* try_table: the stubs of its clauses, then the block. */
static int do_try_table(struct comp *c, const struct wasm_instr *in)
{
	uint32_t i, ns = in->ncatches;
	int64_t skip, ins;
	uint32_t *target, *payload, *exn;
	int32_t last = -1;
	struct cframe *f;
	int err = 0;

	if ((err = rc_materialize_from(c, 0)) < 0)
		return err;
	target = calloc(3 * (size_t)ns + 1, sizeof(uint32_t));
	if (!target)
		return rc_oom();
	payload = target + ns;
	exn = payload + ns;
	if ((skip = rc_ins_begin(c, IOP_BR, 0, 2)) < 0)
		goto oom;
	rc_put(c, 0);
	for (i = 0; i < ns; i++) {
		const struct wasm_catch *k = &in->catches[i];
		struct cframe *l = &c->cf[c->ncf - 1 - k->label];
		int is_func = k->label == c->ncf - 1;
		uint32_t base = is_func ? 0 : l->base_slot, w = 0;
		if (k->kind == WASM_CATCH || k->kind == WASM_CATCH_REF) {
			const struct wasm_functype *t = tag_type(c, k->tag);
			w = width_of(t->params, t->nparams);
		}
		payload[i] = k->kind == WASM_CATCH || k->kind == WASM_CATCH_REF ? base : RCLAUSE_NONE;
		exn[i] = k->kind == WASM_CATCH_REF || k->kind == WASM_CATCH_ALL_REF ? base + w : RCLAUSE_NONE;
		need_slots(c, base + w + (exn[i] != RCLAUSE_NONE));
		rc_label_here(c);
		target[i] = c->len;
		if (is_func) {
			if (rc_ins_begin(c, IOP_RETURN, 0, 1) < 0)
				goto oom;
			continue;
		}
		if ((ins = rc_ins_begin(c, IOP_BR, 0, 2)) < 0)
			goto oom;
		rc_put(c, 0);
		if ((err = rc_link_label(c, l, (uint32_t)ins, (uint32_t)ins + 1)) < 0)
			goto done;
	}
	c->code[skip + 1] = c->len - (uint32_t)skip;
	if ((err = open_try(c, in)) < 0)
		goto done;
	f = rc_top_frame(c);
	for (i = 0; i < ns && err == 0; i++) {
		const struct wasm_catch *k = &in->catches[i];
		uint32_t tag = k->kind == WASM_CATCH || k->kind == WASM_CATCH_REF ? k->tag : RCLAUSE_ALL;
		err = add_clause(c, f->scope, &last, tag, target[i], payload[i], exn[i]);
	}
	goto done;
oom:
	err = rc_oom();
done:
	free(target);
	return err;
}

/* catch x / catch_all of a legacy try: end the part before (as `else`
 * does), then the handler: exception reference at the block's base slot,
 * payload above it. */
static int do_catch(struct comp *c, const struct wasm_instr *in)
{
	struct cframe *f = rc_top_frame(c);
	uint32_t i, slot;
	int err;

	if (f->dead) {
		f->op = in->op;
		return 0;
	}
	if (f->op == 0x06) { /* the try body ends */
		close_scope(c, f->scope);
		f->inner_scope = c->scopes[f->scope].parent;
	}
	f->op = in->op;
	if ((err = rc_end_part(c, f)) < 0)
		return err;
	rc_label_here(c);
	if ((err = add_clause(c, f->scope, &f->last_clause, in->op == 0x07 ? in->a : RCLAUSE_ALL,
			      c->len, in->op == 0x07 ? f->base_slot + 1 : RCLAUSE_NONE, f->base_slot)) < 0)
		return err;
	f->unreachable = 0;
	f->floor_slot = f->base_slot + 1;
	rc_pop_entries(c, c->nvs - f->height);
	if ((err = wp_array_grow((void **)&c->vs, &c->capvs, c->nvs + in->tag_nparams + 1,
				 sizeof(*c->vs))) < 0)
		return err;
	slot = f->floor_slot;
	need_slots(c, slot);
	for (i = 0; i < in->tag_nparams; i++) {
		struct ventry *e = &c->vs[c->nvs++];
		memset(e, 0, sizeof(*e));
		e->kind = V_SLOT;
		e->type = in->tag_params[i];
		e->slot = slot;
		slot += rslots_of(e->type);
		need_slots(c, slot);
	}
	return 0;
}

/* try ... delegate l: the try's scope continues in label l's. */
static int do_delegate(struct comp *c, const struct wasm_instr *in)
{
	struct cframe *f = rc_top_frame(c);

	if (!f->dead) {
		close_scope(c, f->scope);
		/* l counts from the frame around the try */
		c->scopes[f->scope].parent = c->cf[c->ncf - 2 - in->a].inner_scope;
		f->scope = -1;
	}
	return rc_do_end(c);
}

void rc_eh_end(struct comp *c)
{
	struct cframe *f = rc_top_frame(c);

	if (f->scope >= 0 && (f->op == 0x06 || f->op == 0x1f))
		close_scope(c, f->scope);
}

int rc_do_eh(struct comp *c, const struct wasm_instr *in)
{
	struct cframe *f = rc_top_frame(c);
	uint32_t slot;
	int err;

	switch (in->op) {
	case 0x06: case 0x1f:
		if (f->unreachable)
			return rc_push_frame(c, in, 1);
		return in->op == 0x06 ? open_try(c, in) : do_try_table(c, in);
	case 0x07: case 0x19:
		return do_catch(c, in);
	case 0x18:
		return do_delegate(c, in);
	}
	if (f->unreachable)
		return 0;
	switch (in->op) {
	case 0x08: { /* throw x: the payload in consecutive slots */
		uint32_t first = c->nvs - in->tag_nparams;
		if ((err = rc_materialize_from(c, first)) < 0)
			return err;
		slot = in->tag_nparams ? c->vs[first].slot : rc_next_slot(c);
		if (rc_ins_begin(c, IOP_THROW, slot, 2) < 0)
			return rc_oom();
		rc_put(c, in->a);
		rc_pop_entries(c, in->tag_nparams);
		break;
	}
	case 0x0a: /* throw_ref */
		if ((err = rc_operand(c, c->nvs - 1, &slot)) < 0)
			return err;
		if (rc_ins_begin(c, IOP_THROW_REF, slot, 1) < 0)
			return rc_oom();
		rc_pop_entries(c, 1);
		break;
	case 0x09: /* rethrow l: the exception its catch saved */
		if (rc_ins_begin(c, IOP_THROW_REF, c->cf[c->ncf - 1 - in->a].base_slot, 1) < 0)
			return rc_oom();
		break;
	default:
		return wp_error_set(WP_EINVALID, "unsupported instruction at offset %u", in->offset);
	}
	f->unreachable = 1;
	return 0;
}

int rc_eh_finish(struct comp *c, struct rcode *out, uint32_t shift)
{
	uint32_t i;

	out->scopes = NULL;
	out->clauses = NULL;
	out->nscopes = 0;
	if (!c->nscopes)
		return 0;
	out->scopes = malloc(sizeof(*out->scopes) * c->nscopes);
	out->clauses = malloc(sizeof(*out->clauses) * (c->nclauses + 1));
	if (!out->scopes || !out->clauses) {
		free(out->scopes);
		free(out->clauses);
		out->scopes = NULL;
		out->clauses = NULL;
		return rc_oom();
	}
	for (i = 0; i < c->nscopes; i++) {
		out->scopes[i] = c->scopes[i];
		out->scopes[i].start += shift;
		out->scopes[i].end += shift;
	}
	for (i = 0; i < c->nclauses; i++) {
		out->clauses[i] = c->clauses[i];
		out->clauses[i].target += shift;
	}
	out->nscopes = c->nscopes;
	return 0;
}
