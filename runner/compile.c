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
 *   - compare + br_if / if become one fused compare-and-branch;
 *   - binary ops with a constant right operand get an immediate form;
 *   - every branch target is resolved to a relative offset.
 * Fuel: a LOOP_CHECK at each loop header charges the loop body's
 * instruction count and polls the interrupt flag; function entry charges
 * the instructions outside loops.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
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
	int64_t patch_word;     /* dst operand of the last op (result on top) */
	int64_t cmp_ins;        /* last op was a fusable compare producing the top */
	uint16_t cmp_op;
	uint8_t cmp_imm;
	uint32_t cmp_a, cmp_b;
	const struct wasm_functype *ft;
	struct rcode *out;
	uint32_t loop_depth;
	/* constants read inside loops live in pool slots (between the locals
	 * and the operand stack) set once by a prologue, instead of being
	 * re-materialized on every iteration */
	uint32_t pool_base, npool;
	uint8_t pool_type[POOL_SLOTS];
	uint64_t pool_val[POOL_SLOTS];
};

static int oom(void)
{
	return wp_error_set(WP_ENOMEM, "out of memory");
}

static int grow(void **p, uint32_t *cap, uint32_t need, size_t size)
{
	void *n;
	uint32_t c;

	if (need <= *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	while (c < need)
		c *= 2;
	n = realloc(*p, (size_t)c * size);
	if (!n)
		return oom();
	*p = n;
	*cap = c;
	return 0;
}

/* ---- emission ---- */

static int reserve(struct comp *c, uint32_t n)
{
	return grow((void **)&c->code, &c->cap, c->len + n, sizeof(uint32_t));
}

/* Start an instruction of up to `words` words; returns its position. */
static int64_t ins_begin(struct comp *c, uint32_t op, uint32_t words)
{
	if (reserve(c, words) < 0)
		return -1;
	c->patch_word = -1;
	c->cmp_ins = -1;
	c->code[c->len++] = op;
	return c->len - 1;
}

static void put(struct comp *c, uint32_t w)
{
	c->code[c->len++] = w;
}

static void put64(struct comp *c, uint64_t v)
{
	put(c, (uint32_t)v);
	put(c, (uint32_t)(v >> 32));
}

static int add_fixup(struct cframe *f, uint32_t ins, uint32_t word)
{
	int err;

	if ((err = grow((void **)&f->fix, &f->capfix, f->nfix + 1, sizeof(*f->fix))) < 0)
		return err;
	f->fix[f->nfix].ins = ins;
	f->fix[f->nfix].word = word;
	f->nfix++;
	return 0;
}

/* A label was bound here: nothing before may be patched or fused. */
static void label_here(struct comp *c)
{
	c->patch_word = -1;
	c->cmp_ins = -1;
}

/* ---- the virtual stack ---- */

static struct cframe *top_frame(struct comp *c)
{
	return &c->cf[c->ncf - 1];
}

static uint32_t next_slot(struct comp *c)
{
	struct cframe *f = top_frame(c);

	if (c->nvs > f->height) {
		struct ventry *e = &c->vs[c->nvs - 1];
		return e->slot + rslots_of(e->type);
	}
	return f->floor_slot;
}

static int push_entry(struct comp *c, uint8_t kind, uint8_t type, uint32_t src, uint64_t k)
{
	struct ventry *e;
	int err;

	if ((err = grow((void **)&c->vs, &c->capvs, c->nvs + 1, sizeof(*e))) < 0)
		return err;
	e = &c->vs[c->nvs];
	e->slot = next_slot(c);
	e->kind = kind;
	e->type = type;
	e->src = src;
	e->c = k;
	c->nvs++;
	if (LAZY(kind))
		c->nlocal_refs++;
	if (e->slot + rslots_of(type) > c->max_slot)
		c->max_slot = e->slot + rslots_of(type);
	return 0;
}

static void pop_entries(struct comp *c, uint32_t n)
{
	while (n-- > 0) {
		c->nvs--;
		if (LAZY(c->vs[c->nvs].kind))
			c->nlocal_refs--;
	}
}

/* Emit code that puts entry e's value into slot dst. */
static int emit_copy(struct comp *c, const struct ventry *e, uint32_t dst)
{
	if (e->kind == V_CONST) {
		if (e->type == WASM_I32 || e->type == WASM_F32) {
			if (ins_begin(c, IOP_CONST32, 3) < 0)
				return oom();
			put(c, dst);
			put(c, (uint32_t)e->c);
		} else {
			if (ins_begin(c, IOP_CONST64, 4) < 0)
				return oom();
			put(c, dst);
			put64(c, e->c);
		}
		return 0;
	}
	if (e->kind == V_ADD2) {
		if (ins_begin(c, 0x6a, 4) < 0)
			return oom();
		put(c, dst);
		put(c, e->src);
		put(c, e->src2);
		return 0;
	}
	if (e->kind == V_ADDK) {
		if (ins_begin(c, IOP_IMM + 0x6a, 4) < 0)
			return oom();
		put(c, dst);
		put(c, e->src);
		put(c, (uint32_t)e->c);
		return 0;
	}
	{
		uint32_t src = e->kind == V_LOCAL ? e->src : e->slot;
		if (src == dst)
			return 0;
		if (ins_begin(c, e->type == WASM_V128 ? IOP_MOV2 : IOP_MOV, 3) < 0)
			return oom();
		put(c, dst);
		put(c, src);
	}
	return 0;
}

static int materialize(struct comp *c, uint32_t i)
{
	struct ventry *e = &c->vs[i];
	int err;

	if (e->kind == V_SLOT)
		return 0;
	if ((err = emit_copy(c, e, e->slot)) < 0)
		return err;
	if (LAZY(e->kind))
		c->nlocal_refs--;
	e->kind = V_SLOT;
	return 0;
}

static int materialize_from(struct comp *c, uint32_t from)
{
	uint32_t i;
	int err;

	for (i = from; i < c->nvs; i++)
		if ((err = materialize(c, i)) < 0)
			return err;
	return 0;
}

/* The slot an operand can be read from (constants are materialized). */
/* The pool slot holding constant e, or -1 (not in a loop, pool full). */
static int64_t pool_slot(struct comp *c, const struct ventry *e)
{
	uint32_t k;

	if (!c->loop_depth || e->type == WASM_V128)
		return -1;
	for (k = 0; k < c->npool; k++)
		if (c->pool_val[k] == e->c && rslots_of(c->pool_type[k]) == 1 &&
		    (c->pool_type[k] == WASM_I64 || c->pool_type[k] == WASM_F64 ||
		     c->pool_type[k] == WASM_FUNCREF || c->pool_type[k] == WASM_EXTERNREF) ==
			    (e->type == WASM_I64 || e->type == WASM_F64 ||
			     e->type == WASM_FUNCREF || e->type == WASM_EXTERNREF))
			return c->pool_base + k;
	if (c->npool == POOL_SLOTS)
		return -1;
	c->pool_type[c->npool] = e->type;
	c->pool_val[c->npool] = e->c;
	return c->pool_base + c->npool++;
}

static int operand(struct comp *c, uint32_t i, uint32_t *slot)
{
	struct ventry *e = &c->vs[i];
	int err;

	if (e->kind == V_CONST) {
		int64_t p = pool_slot(c, e);
		if (p >= 0) {
			*slot = (uint32_t)p;
			return 0;
		}
	}

	if ((e->kind == V_CONST || e->kind == V_ADDK || e->kind == V_ADD2) &&
	    (err = materialize(c, i)) < 0)
		return err;
	*slot = e->kind == V_LOCAL ? e->src : e->slot;
	return 0;
}

/* Before local `lslot` is written: entries still reading it get copies. */
static int protect_local(struct comp *c, uint32_t lslot, uint32_t upto)
{
	uint32_t i;
	int err;

	if (!c->nlocal_refs)
		return 0;
	for (i = 0; i < upto; i++)
		if (LAZY(c->vs[i].kind) &&
		    (c->vs[i].src == lslot || (c->vs[i].kind == V_ADD2 && c->vs[i].src2 == lslot)) &&
		    (err = materialize(c, i)) < 0)
			return err;
	return 0;
}

static int has_local_ref(struct comp *c, uint32_t lslot, uint32_t upto)
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

/* ---- control ---- */

static int push_frame(struct comp *c, const struct wasm_instr *in, int dead)
{
	struct cframe *f;
	uint32_t base = 0, owner = 0;
	int err;

	if ((err = grow((void **)&c->cf, &c->capcf, c->ncf + 1, sizeof(*f))) < 0)
		return err;
	if (c->ncf) {
		owner = top_frame(c)->cost_owner;
		if (!dead)
			base = in->bt_nparams ? c->vs[c->nvs - in->bt_nparams].slot : next_slot(c);
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
	f->cost_owner = owner;
	f->height = dead ? c->nvs : c->nvs - f->np;
	f->base_slot = f->floor_slot = base;
	c->ncf++;
	return 0;
}

static void label_arity(const struct cframe *f, const uint8_t **t, uint32_t *n)
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
static int copy_top_to(struct comp *c, uint32_t n, uint32_t dst)
{
	uint32_t i;
	int err;

	for (i = 0; i < n; i++) {
		const struct ventry *e = &c->vs[c->nvs - n + i];
		if ((err = emit_copy(c, e, dst)) < 0)
			return err;
		dst += rslots_of(e->type);
	}
	return 0;
}

static int emit_return(struct comp *c)
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
	if (hazard && (err = materialize_from(c, c->nvs - n)) < 0)
		return err;
	if (n == 1 && c->ft->results[0] != WASM_V128 && c->vs[c->nvs - 1].kind != V_CONST &&
	    c->vs[c->nvs - 1].kind != V_ADDK && c->vs[c->nvs - 1].kind != V_ADD2) {
		/* one result: copy and return in one instruction */
		const struct ventry *e = &c->vs[c->nvs - 1];
		if (ins_begin(c, IOP_RETURN1, 2) < 0)
			return oom();
		put(c, e->kind == V_LOCAL ? e->src : e->slot);
		return 0;
	}
	if ((err = copy_top_to(c, n, 0)) < 0)
		return err;
	if (ins_begin(c, IOP_RETURN, 1) < 0)
		return oom();
	return 0;
}

/* Jump to the label of frame f from an instruction whose offset word is
 * `word` (instruction start `ins`). */
static int link_label(struct comp *c, struct cframe *f, uint32_t ins, uint32_t word)
{
	if (f->op == 0x03) {
		c->code[word] = (uint32_t)((int64_t)f->start - (int64_t)ins);
		return 0;
	}
	return add_fixup(f, ins, word);
}

static int needs_copies(struct comp *c, struct cframe *f, uint32_t skip)
{
	const uint8_t *t;
	uint32_t n, i, dst = f->base_slot;

	label_arity(f, &t, &n);
	for (i = 0; i < n; i++) {
		const struct ventry *e = &c->vs[c->nvs - skip - n + i];
		if (e->kind != V_SLOT || e->slot != dst)
			return 1;
		dst += rslots_of(e->type);
	}
	return 0;
}

/* An unconditional branch to depth d (values on top of the stack). */
static int emit_br(struct comp *c, uint32_t depth)
{
	struct cframe *f = &c->cf[c->ncf - 1 - depth];
	const uint8_t *t;
	uint32_t n;
	int64_t ins;
	int err;

	if (depth == c->ncf - 1)
		return emit_return(c);
	label_arity(f, &t, &n);
	if ((err = copy_top_to(c, n, f->base_slot)) < 0)
		return err;
	if ((ins = ins_begin(c, IOP_BR, 2)) < 0)
		return oom();
	put(c, 0);
	return link_label(c, f, (uint32_t)ins, (uint32_t)ins + 1);
}

static uint16_t invert_cmp(uint16_t op)
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

/* Emit a conditional jump on the fused compare (already rewound): taken
 * when the compare `op` holds.  Returns the offset word position. */
static int64_t emit_fused(struct comp *c, uint16_t op, int imm, uint32_t a, uint32_t b)
{
	int64_t ins;

	if (op == 0x45 || op == 0x145 || op == 0x50 || op == 0x150) {
		uint32_t iop = op == 0x45 ? IOP_BR_UNLESS : op == 0x145 ? IOP_BR_IF :
			       op == 0x50 ? IOP_BR_EQZ64 : IOP_BR_NEZ64;
		if ((ins = ins_begin(c, iop, 3)) < 0)
			return -1;
		put(c, a);
		put(c, 0);
		return ins;
	}
	if (op <= 0x4f)
		ins = ins_begin(c, (imm ? IOP_BR_CMP32I : IOP_BR_CMP32) + (op - 0x46u), 4);
	else
		ins = ins_begin(c, IOP_BR_CMP64 + (op - 0x51u), 4);
	if (ins < 0)
		return -1;
	put(c, a);
	put(c, b);
	put(c, 0);
	return ins;
}

/*
 * A conditional jump on the top entry, in two steps so that code can be
 * placed between the condition and the jump: cond_take() pops the
 * condition (rewinding a compare that can be fused), cond_emit() emits the
 * jump, taken when the condition is true (`when` = 1) or false (0), and
 * returns the instruction start (the offset is its last word).
 */
struct condj {
	int fused;
	uint16_t op;
	uint8_t imm;
	uint32_t a, b;
};

static int cond_take(struct comp *c, struct condj *j)
{
	int err;

	memset(j, 0, sizeof(*j));
	if (c->cmp_ins >= 0) {
		j->fused = 1;
		j->op = c->cmp_op;
		j->imm = c->cmp_imm;
		j->a = c->cmp_a;
		j->b = c->cmp_b;
		c->len = (uint32_t)c->cmp_ins;
		c->cmp_ins = c->patch_word = -1;
	} else if ((err = operand(c, c->nvs - 1, &j->a)) < 0) {
		return err;
	}
	pop_entries(c, 1);
	return 0;
}

static int64_t cond_emit(struct comp *c, const struct condj *j, int when)
{
	int64_t ins;

	if (j->fused)
		return emit_fused(c, when ? j->op : invert_cmp(j->op), j->imm, j->a, j->b);
	if ((ins = ins_begin(c, when ? IOP_BR_IF : IOP_BR_UNLESS, 3)) < 0)
		return -1;
	put(c, j->a);
	put(c, 0);
	return ins;
}

static int64_t emit_cond_jump(struct comp *c, int when)
{
	struct condj j;

	if (cond_take(c, &j) < 0)
		return -1;
	return cond_emit(c, &j, when);
}

static uint32_t ins_last_word(struct comp *c)
{
	return c->len - 1;
}

static int do_br_if(struct comp *c, uint32_t depth)
{
	struct cframe *f = &c->cf[c->ncf - 1 - depth];
	int64_t ins;
	int err;

	if (depth != c->ncf - 1 && !needs_copies(c, f, 1)) {
		if ((ins = emit_cond_jump(c, 1)) < 0)
			return oom();
		return link_label(c, f, (uint32_t)ins, ins_last_word(c));
	}
	if ((ins = emit_cond_jump(c, 0)) < 0)
		return oom();
	{
		uint32_t word = ins_last_word(c);
		if ((err = emit_br(c, depth)) < 0)
			return err;
		c->code[word] = c->len - (uint32_t)ins;
		label_here(c);
	}
	return 0;
}

static int do_br_table(struct comp *c, const struct wasm_instr *in)
{
	uint32_t idx, i, n = in->ntargets;
	int64_t ins;
	int err;

	if ((err = operand(c, c->nvs - 1, &idx)) < 0)
		return err;
	pop_entries(c, 1);
	if ((ins = ins_begin(c, IOP_BR_TABLE, 3 + n + 1)) < 0)
		return oom();
	put(c, idx);
	put(c, n);
	for (i = 0; i <= n; i++)
		put(c, 0);
	for (i = 0; i <= n; i++) {
		uint32_t depth = in->targets[i], word = (uint32_t)ins + 3 + i;
		struct cframe *f = &c->cf[c->ncf - 1 - depth];
		if (depth != c->ncf - 1 && !needs_copies(c, f, 0)) {
			if ((err = link_label(c, f, (uint32_t)ins, word)) < 0)
				return err;
			continue;
		}
		/* a stub after the table moves the values, then branches */
		c->code[word] = c->len - (uint32_t)ins;
		if ((err = emit_br(c, depth)) < 0)
			return err;
	}
	return 0;
}

static void bind_fixups(struct comp *c, struct cframe *f)
{
	uint32_t i;

	for (i = 0; i < f->nfix; i++)
		c->code[f->fix[i].word] = c->len - f->fix[i].ins;
	label_here(c);
}

static int do_block(struct comp *c, const struct wasm_instr *in)
{
	int err;

	if ((err = materialize_from(c, 0)) < 0 || (err = push_frame(c, in, 0)) < 0)
		return err;
	if (in->op == 0x03) {
		struct cframe *f = top_frame(c);
		int64_t ins;
		c->loop_depth++;
		label_here(c);
		f->start = c->len;
		f->cost_owner = c->ncf - 1;
		if ((ins = ins_begin(c, IOP_LOOP_CHECK, 2)) < 0)
			return oom();
		put(c, 0);
		f->cost_word = (uint32_t)ins + 1;
	}
	return 0;
}

static int do_if(struct comp *c, const struct wasm_instr *in)
{
	struct condj j;
	struct cframe *f;
	int64_t ins;
	uint32_t i;
	int err;

	/* condition first, then the values below are laid out in their
	 * slots (both paths need them), then the jump to the else part */
	if ((err = cond_take(c, &j)) < 0 || (err = materialize_from(c, 0)) < 0)
		return err;
	if ((ins = cond_emit(c, &j, 0)) < 0)
		return oom();
	if ((err = push_frame(c, in, 0)) < 0)
		return err;
	f = top_frame(c);
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
			if (ins_begin(c, e->type == WASM_V128 ? IOP_MOV2 : IOP_MOV, 3) < 0)
				return oom();
			put(c, e->slot);
			put(c, old);
			if (e->slot + rslots_of(e->type) > c->max_slot)
				c->max_slot = e->slot + rslots_of(e->type);
		}
	}
	return 0;
}

static int reset_to_params(struct comp *c, struct cframe *f, const uint8_t *t, uint32_t n)
{
	uint32_t i, slot = f->base_slot;
	int err;

	pop_entries(c, c->nvs - f->height);
	if ((err = grow((void **)&c->vs, &c->capvs, c->nvs + n, sizeof(*c->vs))) < 0)
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

static int do_else(struct comp *c)
{
	struct cframe *f = top_frame(c);
	int64_t ins;
	int err;

	if (f->dead)
		return 0;
	if (!f->unreachable) {
		if ((err = copy_top_to(c, f->nr, f->base_slot)) < 0)
			return err;
		if ((ins = ins_begin(c, IOP_BR, 2)) < 0)
			return oom();
		put(c, 0);
		if ((err = add_fixup(f, (uint32_t)ins, (uint32_t)ins + 1)) < 0)
			return err;
	}
	c->code[f->else_fix_word] = c->len - (uint32_t)f->else_fix_ins;
	f->else_fix_ins = f->else_fix_word = -1;
	label_here(c);
	f->had_else = 1;
	f->unreachable = 0;
	f->floor_slot = f->base_slot;
	return reset_to_params(c, f, f->params, f->np);
}

static int do_end(struct comp *c)
{
	struct cframe *f = top_frame(c);
	int reach;
	int err;

	if (c->ncf == 1) {
		if (!f->unreachable && (err = emit_return(c)) < 0)
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
	if (reach && (err = copy_top_to(c, f->nr, f->base_slot)) < 0)
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
	bind_fixups(c, f);
	free(f->fix);
	f->floor_slot = f->base_slot;
	if ((err = reset_to_params(c, f, f->results, f->nr)) < 0)
		return err;
	c->ncf--;
	top_frame(c)->unreachable = (uint8_t)!reach;
	return 0;
}

/* ---- instructions ---- */

/* i32.add of a constant: no code yet, the entry becomes V_ADDK. */
static int fold_addk(struct comp *c)
{
	struct ventry *k = &c->vs[c->nvs - 1], *b = &c->vs[c->nvs - 2];
	uint32_t kv = (uint32_t)k->c;

	pop_entries(c, 1);
	b = &c->vs[c->nvs - 1];
	if (b->kind == V_ADD2 && materialize(c, c->nvs - 1) < 0)
		return oom();
	if (b->kind == V_ADDK) {
		b->c = (uint32_t)(b->c + kv);
	} else {
		uint32_t src = b->kind == V_LOCAL ? b->src : b->slot;
		pop_entries(c, 1);
		if (push_entry(c, V_ADDK, WASM_I32, src, kv) < 0)
			return oom();
	}
	c->patch_word = -1;
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
	pop_entries(c, 2);
	if (push_entry(c, V_ADD2, WASM_I32, a, 0) < 0)
		return oom();
	c->vs[c->nvs - 1].src2 = b;
	c->patch_word = -1;
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
		if ((ins = ins_begin(c, IOP_ADD2_CONST + in->op, 5)) < 0)
			return oom();
		put(c, a.src);
		put(c, a.src2);
		put(c, (uint32_t)c->vs[first + 1].c);
		put(c, (uint32_t)in->memoffset);
		pop_entries(c, 2);
		return 0;
	}
	if (o->npop == 2 && (err = operand(c, first + 1, &val)) < 0)
		return err;
	if ((ins = ins_begin(c, IOP_ADD2 + in->op, 5)) < 0)
		return oom();
	if (o->push) {
		put(c, dst);
		put(c, a.src);
		put(c, a.src2);
	} else {
		put(c, a.src);
		put(c, a.src2);
		put(c, val);
	}
	put(c, (uint32_t)in->memoffset);
	pop_entries(c, o->npop);
	if (!o->push)
		return 0;
	if ((err = push_entry(c, V_SLOT, o->push, 0, 0)) < 0)
		return err;
	c->patch_word = ins + 1;
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
		if ((ins = ins_begin(c, IOP_STOREK_CONST + in->op, 5)) < 0)
			return oom();
		put(c, a.src);
		put(c, (uint32_t)a.c);
		put(c, (uint32_t)c->vs[first + 1].c);
		put(c, (uint32_t)in->memoffset);
		pop_entries(c, 2);
		return 0;
	}
	if (o->npop == 2 && (err = operand(c, first + 1, &val)) < 0)
		return err;
	if ((ins = ins_begin(c, IOP_IMM + in->op, 5)) < 0)
		return oom();
	put(c, o->push ? dst : a.src);
	put(c, o->push ? a.src : val);
	put(c, (uint32_t)a.c);
	put(c, (uint32_t)in->memoffset);
	pop_entries(c, o->npop);
	if (!o->push)
		return 0;
	if ((err = push_entry(c, V_SLOT, o->push, 0, 0)) < 0)
		return err;
	c->patch_word = ins + 1;
	return 0;
}

static int emit_simple(struct comp *c, const struct wasm_instr *in, const struct wasm_opinfo *o)
{
	uint32_t srcs[3], i, dst, first = c->nvs - o->npop;
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
		if ((err = operand(c, first, &addr)) < 0)
			return err;
		if ((ins = ins_begin(c, IOP_STORE_CONST + in->op, 4)) < 0)
			return oom();
		put(c, addr);
		put(c, (uint32_t)c->vs[c->nvs - 1].c);
		put(c, (uint32_t)in->memoffset);
		pop_entries(c, 2);
		return 0;
	}
	if (o->npop == 2 && o->imm == WASM_IMM_NONE && c->vs[c->nvs - 1].kind == V_CONST &&
	    c->vs[c->nvs - 1].type != WASM_V128 && rexec_supports(IOP_IMM + in->op))
		imm = 1;
	for (i = 0; i + (uint32_t)imm < o->npop; i++)
		if ((err = operand(c, first + i, &srcs[i])) < 0)
			return err;
	dst = o->npop ? c->vs[first].slot : next_slot(c);
	if ((ins = ins_begin(c, imm ? IOP_IMM + in->op : in->op, 12)) < 0)
		return oom();
	if (o->push)
		put(c, dst);
	for (i = 0; i + (uint32_t)imm < o->npop; i++)
		put(c, srcs[i]);
	if (imm) {
		const struct ventry *k = &c->vs[c->nvs - 1];
		if (k->type == WASM_I32 || k->type == WASM_F32)
			put(c, (uint32_t)k->c);
		else
			put64(c, k->c);
	}
	switch (o->imm) {
	case WASM_IMM_MEMARG:
		put(c, (uint32_t)in->memoffset);
		break;
	case WASM_IMM_MEMARG_LANE:
		put(c, (uint32_t)in->memoffset);
		put(c, in->lane);
		break;
	case WASM_IMM_LANE:
		put(c, in->lane);
		break;
	case WASM_IMM_SHUFFLE:
		for (i = 0; i < 16; i += 4)
			put(c, (uint32_t)in->imm.v128[i] | (uint32_t)in->imm.v128[i + 1] << 8 |
				       (uint32_t)in->imm.v128[i + 2] << 16 |
				       (uint32_t)in->imm.v128[i + 3] << 24);
		break;
	}
	pop_entries(c, o->npop);
	if (!o->push)
		return 0;
	if ((err = push_entry(c, V_SLOT, o->push, 0, 0)) < 0)
		return err;
	c->patch_word = ins + 1;
	if ((in->op >= 0x45 && in->op <= 0x5a) && !(imm && in->op >= 0x50)) {
		c->cmp_ins = ins;
		c->cmp_op = in->op;
		c->cmp_imm = (uint8_t)imm;
		c->cmp_a = c->code[ins + 2];
		c->cmp_b = (in->op == 0x45 || in->op == 0x50) ? 0 : c->code[ins + 3];
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
			pop_entries(c, 1);
		return 0;
	}
	if (e->kind == V_SLOT && c->patch_word >= 0 && !has_local_ref(c, lslot, top)) {
		/* the op that produced the top writes the local directly */
		c->code[c->patch_word] = lslot;
		c->patch_word = -1;
		c->cmp_ins = -1;
		if (in->op == 0x22) {
			e->kind = V_LOCAL;
			e->src = lslot;
			c->nlocal_refs++;
		} else {
			pop_entries(c, 1);
		}
		return 0;
	}
	if ((err = protect_local(c, lslot, top)) < 0)
		return err;
	e = &c->vs[top];
	if ((err = emit_copy(c, e, lslot)) < 0)
		return err;
	if (in->op == 0x21) {
		pop_entries(c, 1);
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
	if ((err = materialize_from(c, first)) < 0)
		return err;
	if (indirect && (err = operand(c, c->nvs - 1, &idx)) < 0)
		return err;
	base = nparams ? c->vs[first].slot : (indirect ? c->vs[c->nvs - 1].slot : next_slot(c));
	if ((ins = ins_begin(c, op, 5)) < 0)
		return oom();
	put(c, a);
	if (indirect) {
		put(c, b);
		put(c, idx);
	}
	put(c, base);
	pop_entries(c, nparams + (uint32_t)indirect);
	for (i = 0; i < t->nresults; i++)
		if ((err = push_entry(c, V_SLOT, t->results[i], 0, 0)) < 0)
			return err;
	(void)base;
	return 0;
}

/* Emit `op` with a destination (if `push`) and `npop` operands, then extra words. */
static int emit_generic(struct comp *c, uint32_t op, uint32_t npop, uint8_t push,
			const uint32_t *extra, uint32_t nextra, int extra_first)
{
	uint32_t srcs[5], i, first = c->nvs - npop, dst;
	int64_t ins;
	int err;

	for (i = 0; i < npop; i++)
		if ((err = operand(c, first + i, &srcs[i])) < 0)
			return err;
	dst = npop ? c->vs[first].slot : next_slot(c);
	if ((ins = ins_begin(c, op, 2 + npop + nextra)) < 0)
		return oom();
	if (push)
		put(c, dst);
	if (extra_first)
		for (i = 0; i < nextra; i++)
			put(c, extra[i]);
	for (i = 0; i < npop; i++)
		put(c, srcs[i]);
	if (!extra_first)
		for (i = 0; i < nextra; i++)
			put(c, extra[i]);
	pop_entries(c, npop);
	if (push) {
		if ((err = push_entry(c, V_SLOT, push, 0, 0)) < 0)
			return err;
		c->patch_word = ins + 1;
	}
	return 0;
}

static int do_special(struct comp *c, const struct wasm_instr *in)
{
	const struct wasm_module *m = c->m;
	struct cframe *f = top_frame(c);
	uint32_t x[2];
	int err;

	switch (in->op) {
	case 0x00:
		if (ins_begin(c, IOP_UNREACHABLE, 1) < 0)
			return oom();
		f->unreachable = 1;
		return 0;
	case 0x01:
		return 0;
	case 0x0c:
		if ((err = emit_br(c, in->a)) < 0)
			return err;
		f->unreachable = 1;
		return 0;
	case 0x0d:
		return do_br_if(c, in->a);
	case 0x0e:
		if ((err = do_br_table(c, in)) < 0)
			return err;
		f->unreachable = 1;
		return 0;
	case 0x0f:
		if ((err = emit_return(c)) < 0)
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
	case 0x1a:
		pop_entries(c, 1);
		return 0;
	case 0x1b: case 0x1c:
		return emit_generic(c, in->type == WASM_V128 ? IOP_SELECT128 : IOP_SELECT, 3,
				    in->type ? in->type : WASM_I32, NULL, 0, 0);
	case 0x20:
		return push_entry(c, V_LOCAL, in->type, c->local_slot[in->a], 0);
	case 0x21: case 0x22:
		return do_local_set(c, in);
	case 0x23:
		x[0] = in->a;
		return emit_generic(c, in->type == WASM_V128 ? IOP_GLOBAL_GET128 : IOP_GLOBAL_GET, 0,
				    in->type, x, 1, 0);
	case 0x24:
		x[0] = in->a;
		return emit_generic(c, in->type == WASM_V128 ? IOP_GLOBAL_SET128 : IOP_GLOBAL_SET, 1,
				    0, x, 1, 1);
	case 0x25:
		x[0] = in->a;
		return emit_generic(c, IOP_TABLE_GET, 1, in->type, x, 1, 1);
	case 0x26:
		x[0] = in->a;
		return emit_generic(c, IOP_TABLE_SET, 2, 0, x, 1, 1);
	case 0xd0:
		return push_entry(c, V_CONST, in->type, 0, 0);
	case 0xd1:
		return emit_generic(c, IOP_REF_IS_NULL, 1, WASM_I32, NULL, 0, 0);
	case 0xd2:
		x[0] = in->a;
		return emit_generic(c, IOP_REF_FUNC, 0, WASM_FUNCREF, x, 1, 0);
	case WASM_OP_PREFIX_FC + 0x08:
		x[0] = in->a;
		return emit_generic(c, IOP_MEMORY_INIT, 3, 0, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x09:
		x[0] = in->a;
		return emit_generic(c, IOP_DATA_DROP, 0, 0, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x0c:
		x[0] = in->b;
		x[1] = in->a;
		return emit_generic(c, IOP_TABLE_INIT, 3, 0, x, 2, 1);
	case WASM_OP_PREFIX_FC + 0x0d:
		x[0] = in->a;
		return emit_generic(c, IOP_ELEM_DROP, 0, 0, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x0e:
		x[0] = in->a;
		x[1] = in->b;
		return emit_generic(c, IOP_TABLE_COPY, 3, 0, x, 2, 1);
	case WASM_OP_PREFIX_FC + 0x0f:
		x[0] = in->a;
		return emit_generic(c, IOP_TABLE_GROW, 2, WASM_I32, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x10:
		x[0] = in->a;
		return emit_generic(c, IOP_TABLE_SIZE, 0, WASM_I32, x, 1, 1);
	case WASM_OP_PREFIX_FC + 0x11:
		x[0] = in->a;
		return emit_generic(c, IOP_TABLE_FILL, 3, 0, x, 1, 1);
	}
	return wp_error_set(WP_EINVALID, "unsupported instruction at offset %u", in->offset);
}

static int on_instr(void *ctx, const struct wasm_instr *in)
{
	struct comp *c = ctx;
	struct cframe *f = top_frame(c);
	const struct wasm_opinfo *o = &wasm_ops[in->op];

	c->cf[f->cost_owner].ninstr++;
	switch (in->op) {
	case 0x02: case 0x03: case 0x04:
		if (f->unreachable)
			return push_frame(c, in, 1);
		return in->op == 0x04 ? do_if(c, in) : do_block(c, in);
	case 0x05:
		return do_else(c);
	case 0x0b:
		return do_end(c);
	}
	if (f->unreachable)
		return 0;
	switch (in->op) {
	case 0x41:
		return push_entry(c, V_CONST, WASM_I32, 0, (uint32_t)in->imm.i32);
	case 0x42:
		return push_entry(c, V_CONST, WASM_I64, 0, (uint64_t)in->imm.i64);
	case 0x43:
		return push_entry(c, V_CONST, WASM_F32, 0, in->imm.f32);
	case 0x44:
		return push_entry(c, V_CONST, WASM_F64, 0, in->imm.f64);
	case WASM_OP_PREFIX_FD + 0x0c: {
		int64_t ins;
		int err;
		uint32_t k;
		if ((err = push_entry(c, V_SLOT, WASM_V128, 0, 0)) < 0)
			return err;
		if ((ins = ins_begin(c, IOP_CONST128, 6)) < 0)
			return oom();
		put(c, c->vs[c->nvs - 1].slot);
		for (k = 0; k < 16; k += 4)
			put(c, (uint32_t)in->imm.v128[k] | (uint32_t)in->imm.v128[k + 1] << 8 |
				       (uint32_t)in->imm.v128[k + 2] << 16 |
				       (uint32_t)in->imm.v128[k + 3] << 24);
		c->patch_word = ins + 1;
		return 0;
	}
	}
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
	c->out = &c->rm->codes[func - c->m->nfunc_imports];
	free(c->local_slot);
	c->local_slot = malloc(sizeof(uint32_t) * (nlocals ? nlocals : 1));
	if (!c->local_slot)
		return oom();
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
	c->patch_word = c->cmp_ins = -1;
	memset(&top, 0, sizeof(top));
	top.op = 0x02;
	top.bt_results = c->ft->results;
	top.bt_nresults = c->ft->nresults;
	if ((err = push_frame(c, &top, 0)) < 0)
		return err;
	c->cf[0].floor_slot = c->cf[0].base_slot = slot;
	return 0;
}

static int on_func_end(void *ctx, uint32_t func)
{
	struct comp *c = ctx;
	struct rcode *out = c->out;

	uint32_t k, pro = 0, w;

	(void)func;
	/* the prologue fills the constant pool; branch offsets are relative,
	 * so prepending it moves nothing */
	for (k = 0; k < c->npool; k++)
		pro += rslots_of(c->pool_type[k]) == 1 &&
		       (c->pool_type[k] == WASM_I32 || c->pool_type[k] == WASM_F32) ? 3 : 4;
	out->ops = malloc(sizeof(uint32_t) * (c->len + pro ? c->len + pro : 1));
	if (!out->ops)
		return oom();
	for (k = 0, w = 0; k < c->npool; k++) {
		if (c->pool_type[k] == WASM_I32 || c->pool_type[k] == WASM_F32) {
			out->ops[w++] = IOP_CONST32;
			out->ops[w++] = c->pool_base + k;
			out->ops[w++] = (uint32_t)c->pool_val[k];
		} else {
			out->ops[w++] = IOP_CONST64;
			out->ops[w++] = c->pool_base + k;
			out->ops[w++] = (uint32_t)c->pool_val[k];
			out->ops[w++] = (uint32_t)(c->pool_val[k] >> 32);
		}
	}
	memcpy(out->ops + w, c->code, sizeof(uint32_t) * c->len);
	out->len = c->len + w;
	out->frame_slots = c->max_slot;
	c->rm->code_bytes += sizeof(uint32_t) * out->len;
	return 0;
}

int rcompile_module(struct runner_module *rm)
{
	struct wasm_validate_hooks hooks;
	struct comp c;
	uint32_t i;
	int err;

	memset(&c, 0, sizeof(c));
	c.m = rm->wasm;
	c.rm = rm;
	rm->codes = calloc(rm->wasm->nfuncs + 1, sizeof(*rm->codes));
	if (!rm->codes)
		return oom();
	hooks.ctx = &c;
	hooks.func_begin = on_func_begin;
	hooks.instr = on_instr;
	hooks.func_end = on_func_end;
	err = wasm_validate(rm->wasm, &hooks);
	for (i = 0; i < c.ncf; i++)
		free(c.cf[i].fix);
	free(c.code);
	free(c.vs);
	free(c.cf);
	free(c.local_slot);
	return err;
}

void rcode_free(struct rcode *c)
{
	if (c)
		free(c->ops);
}
