/*
 * instance.c - instantiation (linking imports, allocating memories,
 * tables and globals, running segments and the start function) and calls
 * into instances.
 *
 * Linear memory is a reservation of address space (PROT_NONE) made once
 * for the memory's maximum, of which the current size is made accessible:
 * memory.grow never moves it, so host pointers stay valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../common/error.h"
#include "linker.h"

#define PAGE 65536ull
#define DEFAULT_DEPTH 20000
#define DEFAULT_STACK (8u << 20)

/* ---- memories and tables ---- */

#define MAX_PAGES_IMPL 65536ull

static int memory_init(struct rmemory *m, const struct wasm_limits *l, const struct runner_config *cfg)
{
	uint64_t max = l->has_max ? l->max : l->is64 ? (uint64_t)1 << 48 : 65536, limit = max;
	void *p;

	memset(m, 0, sizeof(*m));
	m->is64 = l->is64;
	/* a 64-bit memory grows to 4 GiB here (an implementation limit: a
	 * memory.grow past it returns -1, as the spec allows) */
	if (limit > MAX_PAGES_IMPL)
		limit = MAX_PAGES_IMPL;
	if (cfg->max_memory_bytes && cfg->max_memory_bytes / PAGE < limit)
		limit = cfg->max_memory_bytes / PAGE;
	if (l->min > limit)
		return wp_error_set(WP_ENOMEM, "memory limit exceeded: the module needs %llu pages",
				    (unsigned long long)l->min);
	m->module_max_pages = max;
	m->max_pages = limit;
	/* never a NULL base, even for a memory that can hold nothing: a
	 * zero-length access computes base + 0 */
	m->reserved = (limit ? limit : 1) * PAGE;
	if (m->reserved) {
		p = mmap(NULL, m->reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return wp_error_errno(WP_ENOMEM, "cannot reserve linear memory");
		m->base = p;
		if (l->min && mprotect(m->base, l->min * PAGE, PROT_READ | PROT_WRITE) < 0)
			return wp_error_errno(WP_ENOMEM, "cannot allocate linear memory");
	}
	m->size = l->min * PAGE;
	return 0;
}

static void memory_release(struct rmemory *m)
{
	if (m->base)
		munmap(m->base, m->reserved);
	m->base = NULL;
}

/* 0 grown, 1 refused (-1 to the guest), 2 over the configured limit (trap). */
int rinst_memory_grow(struct rmemory *m, uint32_t delta, uint32_t *old)
{
	uint64_t pages = m->size / PAGE, want = pages + delta;

	*old = (uint32_t)pages;
	if (delta == 0)
		return 0;
	if (want > m->module_max_pages || want > MAX_PAGES_IMPL)
		return 1;
	if (want > m->max_pages)
		return 2;
	if (mprotect(m->base + m->size, (uint64_t)delta * PAGE, PROT_READ | PROT_WRITE) < 0)
		return 1;
	m->size = want * PAGE;
	return 0;
}

/* 0 grown, 1 refused (-1 to the guest), 2 over the configured limit (trap). */
int rinst_table_grow(struct rtable *t, uint32_t delta, void *init, uint32_t *old)
{
	uint64_t want = (uint64_t)t->size + delta;
	void **n;
	uint32_t i;

	*old = t->size;
	if (want > t->module_max)
		return 1;
	if (want > t->max)
		return 2;
	if (delta == 0)
		return 0;
	n = realloc(t->elems, sizeof(void *) * (size_t)(want ? want : 1));
	if (!n)
		return 1;
	t->elems = n;
	for (i = t->size; i < want; i++)
		t->elems[i] = init;
	t->size = (uint32_t)want;
	return 0;
}

/* A value type of module rm as a key comparable across modules: a plain
 * type is its byte; a typed reference packs its nullability, its heap type
 * and, for a function type, that type's process-wide id. */
static uint64_t type_key(const struct runner_module *rm, uint8_t code)
{
	struct wasm_reftype r;

	if (code < WASM_REF_FIRST || !wasm_ref_desc(rm->wasm, code, &r))
		return code;
	return 0x100u | (uint64_t)r.nullable << 9 | (uint64_t)r.heap << 10 |
	       (r.heap == WASM_HEAP_TYPE ? (uint64_t)rm->type_ids[r.index] << 32 : 0);
}

static int key_desc(uint64_t k, struct wasm_reftype *r)
{
	if (k < 0x100) {
		r->nullable = 1;
		r->heap = (uint8_t)k;
		r->index = 0;
		return wasm_is_reftype((uint8_t)k);
	}
	r->nullable = (k >> 9) & 1;
	r->heap = (uint8_t)(k >> 10);
	r->index = (uint32_t)(k >> 32);
	return 1;
}

/* Whether a value of exact type a (a key) may be used as b. */
static int key_sub(uint64_t a, uint64_t b)
{
	struct wasm_reftype x, y;

	if (a == b)
		return 1;
	return key_desc(a, &x) && key_desc(b, &y) && wasm_reftype_sub(&x, &y);
}

static int table_init(struct rtable *t, const struct wasm_tabletype *tt, const struct runner_config *cfg)
{
	t->type = tt->reftype;
	t->is64 = tt->limits.is64;
	/* a table64 grows to 2^32-1 elements here (an implementation limit) */
	if (tt->limits.min > UINT32_MAX - 1)
		return wp_error_set(WP_ENOMEM, "table limit exceeded: the module needs %llu elements",
				    (unsigned long long)tt->limits.min);
	t->size = (uint32_t)tt->limits.min;
	t->max = tt->limits.has_max && tt->limits.max < UINT32_MAX ? (uint32_t)tt->limits.max : UINT32_MAX;
	t->module_max = t->max;
	if (cfg->max_table_elements && cfg->max_table_elements < t->max)
		t->max = cfg->max_table_elements;
	if (t->size > t->max)
		return wp_error_set(WP_ENOMEM, "table limit exceeded: the module needs %u elements", t->size);
	t->elems = calloc(t->size ? t->size : 1, sizeof(void *));
	if (!t->elems)
		return wp_error_set(WP_ENOMEM, "cannot allocate a table of %u elements", t->size);
	return 0;
}

/* ---- functions ---- */

/* The function object of defined function `idx`, made on its first use:
 * a module of many functions instantiates without touching them all
 * (fresh memory is the dominant cost of instantiating such a module). */
struct runner_func *rinst_func_init(struct runner_instance *inst, uint32_t idx)
{
	const struct runner_module *rm = inst->mod;
	const struct wasm_module *m = rm->wasm;
	uint32_t i = idx - m->nfunc_imports;
	struct runner_func *f = &inst->own_funcs[i];

	f->inst = inst;
	f->index = idx;
	f->type = rm->pub_types ? &rm->pub_types[m->funcs[i]] : &m->types[m->funcs[i]];
	f->type_id = rm->type_ids[m->funcs[i]];
	f->code = &rm->codes[i];
	inst->funcs[idx] = f;
	return f;
}

/* ---- exports ---- */

int rinst_export(struct runner_instance *inst, const char *name, struct rextern *out)
{
	const struct wasm_module *m = inst->mod->wasm;
	uint32_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < m->nexports; i++) {
		const struct wasm_export *e = &m->exports[i];
		if (strcmp(e->name, name))
			continue;
		out->kind = e->kind;
		switch (e->kind) {
		case WASM_EXTERN_FUNC: out->func = rinst_func(inst, e->index); break;
		case WASM_EXTERN_TABLE: out->table = inst->tables[e->index]; break;
		case WASM_EXTERN_MEMORY: out->memory = inst->mems[e->index]; break;
		case WASM_EXTERN_GLOBAL: out->global = inst->globals[e->index]; break;
		case WASM_EXTERN_TAG: out->tag = inst->tags[e->index]; break;
		}
		return 0;
	}
	return WP_ENOTFOUND;
}

/* ---- linking ---- */

static void describe_import(const struct wasm_module *m, const struct wasm_import *im, char *buf,
			    size_t size)
{
	switch (im->kind) {
	case WASM_EXTERN_FUNC: {
		char sig[256];
		wasm_functype_format(&m->types[im->desc.func_type], sig, sizeof(sig));
		snprintf(buf, size, "func %s", sig);
		break;
	}
	case WASM_EXTERN_GLOBAL:
		snprintf(buf, size, "global %s%s", im->desc.global.mutable_ ? "mut " : "",
			 wasm_valtype_name(im->desc.global.valtype));
		break;
	case WASM_EXTERN_TABLE:
		snprintf(buf, size, "table %s min %llu", wasm_valtype_name(im->desc.table.reftype),
			 (unsigned long long)im->desc.table.limits.min);
		break;
	case WASM_EXTERN_TAG: {
		char sig[256];
		wasm_functype_format(&m->types[im->desc.tag_type], sig, sizeof(sig));
		snprintf(buf, size, "tag %s", sig);
		break;
	}
	default:
		snprintf(buf, size, "memory min %llu pages", (unsigned long long)im->desc.memory.min);
	}
}

static int limits_match(uint64_t cur, uint64_t has_max, uint64_t max, const struct wasm_limits *want)
{
	if (cur < want->min)
		return 0;
	if (want->has_max && (!has_max || max > want->max))
		return 0;
	return 1;
}

static int link_one(struct runner_instance *inst, runner_linker *l, const struct wasm_import *im,
		    uint32_t *nf, uint32_t *nt, uint32_t *ng, uint32_t *ntag, uint32_t *nm)
{
	const struct runner_module *rm = inst->mod;
	struct rextern x;
	char want[300];
	uint64_t want_key, got_key;
	int rc, ok = 0;

	rc = rlinker_resolve(l, im->module, im->name, im->kind, &x);
	describe_import(rm->wasm, im, want, sizeof(want));
	if (rc == WP_ENOTFOUND)
		return wp_error_set(WP_ENOTFOUND, "unknown import: %s.%s (expected %s)", im->module,
				    im->name, want);
	if (rc == 0) {
		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			ok = x.func->type_id == rm->type_ids[im->desc.func_type];
			inst->funcs[(*nf)++] = x.func;
			break;
		case WASM_EXTERN_TABLE:
			/* table types are invariant */
			ok = (x.table->tkey ? x.table->tkey : x.table->type) == type_key(rm, im->desc.table.reftype) &&
			     x.table->is64 == im->desc.table.limits.is64 &&
			     limits_match(x.table->size, x.table->max != UINT32_MAX || 1,
					  x.table->max, &im->desc.table.limits);
			if (ok && im->desc.table.limits.has_max && x.table->max == UINT32_MAX &&
			    im->desc.table.limits.max != UINT32_MAX)
				ok = 0;
			inst->tables[(*nt)++] = x.table;
			break;
		case WASM_EXTERN_MEMORY:
			ok = x.memory->is64 == im->desc.memory.is64 &&
			     limits_match(x.memory->size / PAGE, 1, x.memory->module_max_pages,
					  &im->desc.memory);
			if (ok && im->desc.memory.has_max && x.memory->module_max_pages == 65536 &&
			    im->desc.memory.max < 65536)
				ok = 0;
			inst->mems[(*nm)++] = x.memory;
			break;
		case WASM_EXTERN_GLOBAL:
			/* an immutable global may be of a subtype, a mutable
			 * one is of exactly the type */
			want_key = type_key(rm, im->desc.global.valtype);
			got_key = x.global->tkey ? x.global->tkey : x.global->type;
			ok = x.global->mut == im->desc.global.mutable_ &&
			     (x.global->mut ? got_key == want_key : key_sub(got_key, want_key));
			inst->globals[(*ng)++] = x.global;
			break;
		case WASM_EXTERN_TAG:
			ok = x.tag->type_id == rm->type_ids[im->desc.tag_type];
			inst->tags[(*ntag)++] = x.tag;
			break;
		}
	}
	if (!ok)
		return wp_error_set(WP_EINVALID, "incompatible import type for %s.%s (expected %s)",
				    im->module, im->name, want);
	return 0;
}

/* ---- constant expressions ---- */

static void eval_one(struct runner_instance *inst, const struct wasm_const_expr *e, slot_t *out)
{
	memset(out, 0, 2 * sizeof(slot_t));
	switch (e->op) {
	case 0x41: out->u64 = (uint32_t)e->u.i32; break;
	case 0x42: out->i64 = e->u.i64; break;
	case 0x43: out->u64 = e->u.f32; break;
	case 0x44: out->u64 = e->u.f64; break;
	case WASM_OP_V128_CONST: memcpy(out, e->u.v128, 16); break;
	case 0xd0: out->ref = NULL; break;
	case 0xd2: out->ref = rinst_func(inst, e->u.index); break;
	case 0x23: memcpy(out, inst->globals[e->u.index]->v, 16); break;
	}
}

/* A validated constant expression's value.  An extended one only moves
 * i32 and i64 values (wrapping arithmetic, i32 results zero-extended as
 * i32.const's). */
static int eval_const(struct runner_instance *inst, const struct wasm_const_expr *e, slot_t *out)
{
	uint64_t *stack;
	uint32_t i, depth = 0;

	if (e->op != WASM_OP_EXTENDED) {
		eval_one(inst, e, out);
		return 0;
	}
	if (!(stack = malloc(e->nmore * sizeof(*stack))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < e->nmore; i++) {
		const struct wasm_const_expr *x = &e->more[i];
		uint64_t a, b;
		if (!wasm_const_arith(x->op)) {
			slot_t v[2];
			eval_one(inst, x, v);
			stack[depth++] = v[0].u64;
			continue;
		}
		b = stack[--depth];
		a = stack[depth - 1];
		switch (x->op) {
		case 0x6a: case 0x7c: a += b; break;
		case 0x6b: case 0x7d: a -= b; break;
		default: a *= b; break;
		}
		stack[depth - 1] = x->op <= 0x6c ? (uint32_t)a : a;
	}
	memset(out, 0, 2 * sizeof(slot_t));
	out->u64 = stack[0];
	free(stack);
	return 0;
}

/* ---- instantiation ---- */

static int alloc_all(struct runner_instance *inst)
{
	const struct wasm_module *m = inst->mod->wasm;
	uint32_t nfuncs = m->nfunc_imports + m->nfuncs;

	inst->ntables = m->ntable_imports + m->ntables;
	inst->funcs = calloc(nfuncs + 1, sizeof(*inst->funcs));
	inst->own_funcs = calloc(m->nfuncs + 1, sizeof(*inst->own_funcs));
	inst->tables = calloc(inst->ntables + 1, sizeof(*inst->tables));
	inst->own_tables = calloc(m->ntables + 1, sizeof(*inst->own_tables));
	inst->globals = calloc(m->nglobal_imports + m->nglobals + 1, sizeof(*inst->globals));
	inst->own_globals = calloc(m->nglobals + 1, sizeof(*inst->own_globals));
	inst->tags = calloc(m->ntag_imports + m->ntags + 1, sizeof(*inst->tags));
	inst->own_tags = calloc(m->ntags + 1, sizeof(*inst->own_tags));
	inst->elem_items = calloc(m->nelems + 1, sizeof(*inst->elem_items));
	inst->elem_len = calloc(m->nelems + 1, sizeof(*inst->elem_len));
	inst->elem_dropped = calloc(m->nelems + 1, 1);
	inst->data_dropped = calloc(m->ndatas + 1, 1);
	inst->nmems = m->nmemory_imports + m->nmemories;
	inst->mems = calloc(inst->nmems + 1, sizeof(*inst->mems));
	inst->own_mems = calloc(m->nmemories + 1, sizeof(*inst->own_mems));
	if (!inst->funcs || !inst->own_funcs || !inst->tables || !inst->own_tables ||
	    !inst->globals || !inst->own_globals || !inst->elem_items || !inst->elem_len ||
	    !inst->elem_dropped || !inst->data_dropped || !inst->tags || !inst->own_tags ||
	    !inst->mems || !inst->own_mems)
		return wp_error_set(WP_ENOMEM, "out of memory");
	return 0;
}

static int define_own(struct runner_instance *inst)
{
	const struct runner_module *rm = inst->mod;
	const struct wasm_module *m = rm->wasm;
	uint32_t i;
	int err;

	/* functions are set up on first use: rinst_func() */
	for (i = 0; i < m->ntables; i++) {
		if ((err = table_init(&inst->own_tables[i], &m->tables[i], &inst->cfg)) < 0)
			return err;
		inst->own_tables[i].type = wasm_ref_top(m, m->tables[i].reftype);
		inst->own_tables[i].tkey = type_key(rm, m->tables[i].reftype);
		inst->tables[m->ntable_imports + i] = &inst->own_tables[i];
	}
	for (i = 0; i < m->nmemories; i++) {
		if ((err = memory_init(&inst->own_mems[i], &m->memories[i], &inst->cfg)) < 0)
			return err;
		inst->mems[m->nmemory_imports + i] = &inst->own_mems[i];
	}
	inst->mem = inst->mems[0];
	for (i = 0; i < m->ntags; i++) {
		struct rtag *t = &inst->own_tags[i];
		uint32_t k;
		t->type = &m->types[m->tags[i]];
		t->type_id = rm->type_ids[m->tags[i]];
		for (k = 0; k < t->type->nparams; k++)
			t->nslots += rslots_of(t->type->params[k]);
		inst->tags[m->ntag_imports + i] = t;
	}
	for (i = 0; i < m->nglobals; i++) {
		struct rglobal *g = &inst->own_globals[i];
		g->type = wasm_ref_top(m, m->globals[i].type.valtype);
		g->tkey = type_key(rm, m->globals[i].type.valtype);
		g->mut = m->globals[i].type.mutable_;
		if ((err = eval_const(inst, &m->globals[i].init, g->v)) < 0)
			return err;
		inst->globals[m->nglobal_imports + i] = g;
	}
	for (i = 0; m->table_inits && i < m->ntables; i++) {
		struct rtable *t = &inst->own_tables[i];
		slot_t v[2];
		uint32_t k;
		if (m->table_inits[i].op == WASM_OP_NONE)
			continue;
		if ((err = eval_const(inst, &m->table_inits[i], v)) < 0)
			return err;
		for (k = 0; k < t->size; k++)
			t->elems[k] = v[0].ref;
	}
	for (i = 0; i < m->nelems; i++) {
		const struct wasm_elem *e = &m->elems[i];
		uint32_t k;
		inst->elem_items[i] = calloc(e->count + 1, sizeof(void *));
		if (!inst->elem_items[i])
			return wp_error_set(WP_ENOMEM, "out of memory");
		inst->elem_len[i] = e->count;
		for (k = 0; k < e->count; k++) {
			slot_t v[2];
			if ((err = eval_const(inst, &e->items[k], v)) < 0)
				return err;
			inst->elem_items[i][k] = v[0].ref;
		}
	}
	return 0;
}

static int segments(struct runner_instance *inst, struct runner_trap *trap)
{
	const struct wasm_module *m = inst->mod->wasm;
	uint32_t i;
	int err;

	for (i = 0; i < m->nelems; i++) {
		const struct wasm_elem *e = &m->elems[i];
		slot_t off[2];
		struct rtable *t;
		uint64_t at;
		if (e->mode != WASM_SEGMENT_ACTIVE) {
			if (e->mode == WASM_SEGMENT_DECLARATIVE)
				inst->elem_dropped[i] = 1;
			continue;
		}
		if ((err = eval_const(inst, &e->offset, off)) < 0)
			return err;
		t = inst->tables[e->table];
		at = t->is64 ? off[0].u64 : off[0].u32;
		if (at > t->size || e->count > t->size - at)
			goto table_oob;
		if (e->count)
			memcpy(&t->elems[at], inst->elem_items[i], sizeof(void *) * e->count);
		inst->elem_dropped[i] = 1;
	}
	for (i = 0; i < m->ndatas; i++) {
		const struct wasm_data *d = &m->datas[i];
		struct rmemory *mem;
		slot_t off[2];
		uint64_t at;
		if (d->mode != WASM_SEGMENT_ACTIVE)
			continue;
		if ((err = eval_const(inst, &d->offset, off)) < 0)
			return err;
		mem = inst->mems[d->memory];
		at = mem->is64 ? off[0].u64 : off[0].u32;
		if (at > mem->size || d->len > mem->size - at)
			goto memory_oob;
		if (d->len)
			memcpy(mem->base + at, d->bytes, d->len);
		inst->data_dropped[i] = 1;
	}
	return 0;
table_oob:
	if (trap) {
		memset(trap, 0, sizeof(*trap));
		trap->kind = RUNNER_TRAP_TABLE_OOB;
		snprintf(trap->message, sizeof(trap->message), "out of bounds table access");
	}
	return RUNNER_ETRAP;
memory_oob:
	if (trap) {
		memset(trap, 0, sizeof(*trap));
		trap->kind = RUNNER_TRAP_MEMORY_OOB;
		snprintf(trap->message, sizeof(trap->message), "out of bounds memory access");
	}
	return RUNNER_ETRAP;
}

static int exec_get(struct runner_instance *inst, struct rexec **out)
{
	struct rexec *ex = inst->exec;
	size_t bytes = inst->cfg.max_stack_bytes ? inst->cfg.max_stack_bytes : DEFAULT_STACK;
	void *p;

	if (ex) {
		*out = ex;
		return 0;
	}
	ex = calloc(1, sizeof(*ex));
	if (!ex)
		return wp_error_set(WP_ENOMEM, "out of memory");
	ex->max_depth = inst->cfg.max_call_depth ? inst->cfg.max_call_depth : DEFAULT_DEPTH;
	ex->frames = calloc(ex->max_depth + 1, sizeof(*ex->frames));
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!ex->frames || p == MAP_FAILED) {
		free(ex->frames);
		free(ex);
		return wp_error_set(WP_ENOMEM, "cannot allocate the wasm stack");
	}
	ex->slots = p;
	ex->slots_end = ex->slots + bytes / sizeof(slot_t);
	ex->top = ex->slots;
	inst->exec = ex;
	*out = ex;
	return 0;
}

int runner_instantiate(runner_linker *l, runner_module *rm, const struct runner_config *cfg,
		       runner_instance **out, struct runner_trap *trap)
{
	const struct wasm_module *m = rm->wasm;
	struct runner_instance *inst;
	uint32_t i, nf = 0, nt = 0, ng = 0, ntag = 0, nm = 0;
	int err;

	*out = NULL;
	if (trap)
		memset(trap, 0, sizeof(*trap));
	inst = calloc(1, sizeof(*inst));
	if (!inst)
		return wp_error_set(WP_ENOMEM, "out of memory");
	inst->mod = rm;
	if (cfg)
		inst->cfg = *cfg;
	inst->fuel = inst->cfg.fuel ? (int64_t)(inst->cfg.fuel > INT64_MAX ? INT64_MAX : inst->cfg.fuel)
				    : INT64_MAX;
	if ((err = alloc_all(inst)) < 0)
		goto fail;
	for (i = 0; i < m->nimports; i++)
		if ((err = link_one(inst, l, &m->imports[i], &nf, &nt, &ng, &ntag, &nm)) < 0)
			goto fail;
	if ((err = define_own(inst)) < 0)
		goto fail;
	if (rm->exn_escapes)
		rexn_disable_gc();
	/* from here on the instance may be referenced from imported tables:
	 * it is handed out even when initialisation traps */
	*out = inst;
	if ((err = segments(inst, trap)) < 0)
		return err;
	if (m->has_start) {
		runner_val none;
		return runner_func_call(rinst_func(inst, m->start), NULL, 0, &none, 0, trap);
	}
	return 0;
fail:
	runner_instance_free(inst);
	return err;
}

void runner_instance_free(runner_instance *inst)
{
	const struct wasm_module *m;
	uint32_t i;

	if (!inst)
		return;
	m = inst->mod->wasm;
	if (inst->own_tables)
		for (i = 0; i < m->ntables; i++)
			free(inst->own_tables[i].elems);
	if (inst->elem_items)
		for (i = 0; i < m->nelems; i++)
			free(inst->elem_items[i]);
	for (i = 0; inst->own_mems && i < inst->mod->wasm->nmemories; i++)
		memory_release(&inst->own_mems[i]);
	if (inst->exec) {
		munmap(inst->exec->slots,
		       (size_t)(inst->exec->slots_end - inst->exec->slots) * sizeof(slot_t));
		free(inst->exec->frames);
		rexn_free_all(inst->exec);
		free(inst->exec);
	}
	free(inst->funcs);
	free(inst->own_funcs);
	free(inst->tables);
	free(inst->own_tables);
	free(inst->globals);
	free(inst->own_globals);
	free(inst->tags);
	free(inst->own_tags);
	free(inst->elem_items);
	free(inst->elem_len);
	free(inst->elem_dropped);
	free(inst->data_dropped);
	free(inst->mems);
	free(inst->own_mems);
	free(inst);
}

const runner_module *runner_instance_module(const runner_instance *inst)
{
	return inst->mod;
}

uint64_t runner_instance_fuel(const runner_instance *inst)
{
	return inst->fuel < 0 ? 0 : (uint64_t)inst->fuel;
}

void runner_instance_set_fuel(runner_instance *inst, uint64_t fuel)
{
	inst->fuel = fuel > INT64_MAX ? INT64_MAX : (int64_t)fuel;
}

runner_func *runner_instance_func(runner_instance *inst, const char *name)
{
	struct rextern x;

	if (rinst_export(inst, name, &x) < 0 || x.kind != WASM_EXTERN_FUNC)
		return NULL;
	return x.func;
}

runner_func *runner_instance_func_n(runner_instance *inst, const char *name, size_t len)
{
	const struct wasm_module *m = inst->mod->wasm;
	uint32_t i;

	for (i = 0; i < m->nexports; i++) {
		const struct wasm_export *e = &m->exports[i];
		if (e->kind == WASM_EXTERN_FUNC && e->name_len == len && !memcmp(e->name, name, len))
			return rinst_func(inst, e->index);
	}
	return NULL;
}

const struct wasm_functype *runner_func_type(const runner_func *f)
{
	return f->type;
}

static int host_direct(runner_func *f, const runner_val *args, runner_val *results,
		       struct runner_trap *trap)
{
	struct runner_caller caller;
	int rc;

	memset(&caller, 0, sizeof(caller));
	rc = f->host(&caller, f->env, args, results);
	if (rc == 0)
		return 0;
	if (trap) {
		memset(trap, 0, sizeof(*trap));
		trap->kind = rc == RUNNER_EEXIT ? RUNNER_TRAP_EXIT : RUNNER_TRAP_HOST;
		trap->exit_code = caller.exit_code;
		snprintf(trap->message, sizeof(trap->message), "%s", caller.message);
	}
	return rc == RUNNER_EEXIT ? RUNNER_EEXIT : RUNNER_ETRAP;
}

int runner_func_call(runner_func *f, const runner_val *args, size_t nargs, runner_val *results,
		     size_t nresults, struct runner_trap *trap)
{
	const struct wasm_functype *t = f->type;
	struct rexec *ex = NULL;
	slot_t *fp, *save;
	uint32_t i, need = 0, rneed = 0;
	int err;

	if (trap)
		memset(trap, 0, sizeof(*trap));
	if (nargs != t->nparams || nresults != t->nresults)
		return wp_error_set(WP_EINVALID, "wrong number of arguments or results");
	for (i = 0; i < nargs; i++)
		if (args[i].type != t->params[i])
			return wp_error_set(WP_EINVALID, "argument %u: expected %s", i,
					    wasm_valtype_name(t->params[i]));
	if (!f->inst)
		return host_direct(f, args, results, trap);
	if ((err = exec_get(f->inst, &ex)) < 0)
		return err;
	for (i = 0; i < t->nparams; i++)
		need += rslots_of(t->params[i]);
	for (i = 0; i < t->nresults; i++)
		rneed += rslots_of(t->results[i]);
	fp = ex->depth ? ex->top : ex->slots;
	if (fp + (need > rneed ? need : rneed) > ex->slots_end) {
		if (trap) {
			trap->kind = RUNNER_TRAP_STACK_EXHAUSTED;
			snprintf(trap->message, sizeof(trap->message), "call stack exhausted");
		}
		return RUNNER_ETRAP;
	}
	save = ex->top;
	rvals_to_slots(args, t->params, t->nparams, fp);
	err = rexec_call(f->inst, ex, f, fp, trap);
	ex->top = save;
	if (err == 0) {
		rvals_from_slots(fp, t->results, t->nresults, results);
	}
	return err;
}

int runner_call(runner_instance *inst, const char *name, const runner_val *args, size_t nargs,
		runner_val *results, size_t nresults, struct runner_trap *trap)
{
	runner_func *f = runner_instance_func(inst, name);

	if (!f)
		return wp_error_set(WP_ENOTFOUND, "no exported function \"%s\"", name);
	return runner_func_call(f, args, nargs, results, nresults, trap);
}

int runner_instance_memory(runner_instance *inst, const char *name, uint8_t **base, uint64_t *size)
{
	struct rmemory *m = inst->mem;
	struct rextern x;

	if (name) {
		if (rinst_export(inst, name, &x) < 0 || x.kind != WASM_EXTERN_MEMORY)
			return wp_error_set(WP_ENOTFOUND, "no exported memory \"%s\"", name);
		m = x.memory;
	}
	if (!m)
		return wp_error_set(WP_ENOTFOUND, "the instance has no memory");
	*base = m->base;
	*size = m->size;
	return 0;
}

int runner_instance_global(runner_instance *inst, const char *name, runner_val *out)
{
	struct rextern x;

	if (rinst_export(inst, name, &x) < 0 || x.kind != WASM_EXTERN_GLOBAL)
		return wp_error_set(WP_ENOTFOUND, "no exported global \"%s\"", name);
	rvals_from_slots(x.global->v, &x.global->type, 1, out);
	return 0;
}
