/*
 * validate_internal.h - what validate.c (function bodies),
 * validate_module.c (module-level rules) and validate_run.c (the driver)
 * share.  Not an API.
 */
#ifndef WASM_VALIDATE_INTERNAL_H
#define WASM_VALIDATE_INTERNAL_H

#include <stdint.h>

#include "module.h"
#include "reader.h"
#include "validate.h"

#define UNKNOWN 0 /* a type popped from a polymorphic (unreachable) stack */

/* What every body needs to know of its module, resolved once (imports
 * make the index spaces irregular). */
struct wasm_validator {
	const struct wasm_module *m;
	uint8_t *refs;                     /* C.refs: functions ref.func may name */
	const struct wasm_functype **import_types; /* of each imported function */
	uint8_t *global_types, *global_mut;
	uint8_t *table_types;              /* reference type of each table */
	uint8_t *table64;                  /* each table: i64 indices (table64) */
	const struct wasm_functype **tag_types; /* of each tag (imports first) */
	uint32_t nfuncs, nglobals, ntables, ntags;
	int has_memory;
	int mem0_64;                       /* memory 0 has 64-bit addresses */
	uint8_t *mem64;                    /* each memory: 64-bit addresses (memory64) */
	uint32_t nmems;
	struct vfunc *scratch;             /* wasm_validator_func()'s stacks */
};

struct ctrl {
	uint16_t op;
	uint8_t unreachable;
	uint32_t height;
	uint32_t init_height; /* s->ninits when the block began */
	const uint8_t *params, *results;
	uint32_t nparams, nresults;
};

/* The state of validating one body: one per thread, reused across bodies. */
struct vfunc {
	const struct wasm_validator *v;
	const struct wasm_module *m;
	struct wasm_reader r;
	uint32_t at; /* offset of the current instruction */
	uint8_t *vals;
	uint32_t nvals, capvals;
	struct ctrl *ctrls;
	uint32_t nctrls, capctrls;
	uint8_t *locals;
	uint32_t nlocals, caplocals;
	uint32_t *targets;
	uint32_t captargets;
	uint8_t *tmp; /* popped label values */
	uint32_t captmp;
	struct wasm_catch *catches; /* try_table's clauses */
	uint32_t capcatches;
	uint8_t *catch_types; /* a clause's label types (payload + exnref) */
	uint32_t capcatch_types;
	/* non-defaultable locals (typed references): which are set, and the
	 * ones set so far in the open blocks (unset again at their end) */
	int nondef;
	uint8_t *linit;
	uint32_t caplinit;
	uint32_t *inits;
	uint32_t ninits, capinits;
};

/* Unset the locals first set inside the current block (its end, else,
 * catch). */
static inline void wasm_vreset_inits(struct vfunc *s, const struct ctrl *c)
{
	while (s->ninits > c->init_height)
		s->linit[s->inits[--s->ninits]] = 0;
}

/* Validate the body of function `fidx` (imports first), calling h's hooks
 * when h is not NULL.  validate.c */
int wasm_vbody(struct vfunc *s, uint32_t fidx, const struct wasm_validate_hooks *h);

/* The stack primitives of validate.c, for validate_eh.c. */
int wasm_vpop_vals(struct vfunc *s, const uint8_t *types, uint32_t n);
int wasm_vpop_any(struct vfunc *s, uint8_t expect);
int wasm_vpush_vals(struct vfunc *s, const uint8_t *types, uint32_t n);
int wasm_vpush_ctrl(struct vfunc *s, uint16_t op, const uint8_t *params, uint32_t np,
		    const uint8_t *results, uint32_t nr);
void wasm_vset_unreachable(struct vfunc *s);
void wasm_vlabel_types(const struct ctrl *c, const uint8_t **t, uint32_t *n);
int wasm_vread_blocktype(struct vfunc *s, struct wasm_instr *in);
/* The end of the current block's body: its results on the stack at its
 * height (what `end` and `else` check first). */
int wasm_vend_region(struct vfunc *s);

/* Exception handling (validate_eh.c): try_table's immediates, and the
 * rules of try, catch, catch_all, delegate, rethrow, throw, throw_ref,
 * try_table. */
int wasm_vread_try_table(struct vfunc *s, struct wasm_instr *in);
int wasm_vcheck_eh(struct vfunc *s, struct wasm_instr *in);
/* The function type of tag `idx` (imports first) of a decoded module. */
uint32_t wasm_vtag_type_index(const struct wasm_module *m, uint32_t idx);

/* Record "<what> at offset N"; returns WP_EINVALID. */
int wasm_vfail_at(uint32_t off, const char *what);
int wasm_vis_ref(uint8_t t);
uint32_t wasm_vfunc_type_index(const struct wasm_module *m, uint32_t f);
int wasm_vis_num(uint8_t t);
/* Sizes of the index spaces (imports first). */
uint32_t wasm_vtotal_globals(const struct wasm_module *m);
uint32_t wasm_vtotal_tables(const struct wasm_module *m);
uint32_t wasm_vtotal_funcs(const struct wasm_module *m);
struct wasm_globaltype wasm_vglobal_type(const struct wasm_module *m, uint32_t idx);
struct wasm_tabletype wasm_vtable_type(const struct wasm_module *m, uint32_t idx);
struct wasm_limits wasm_vmemory_type(const struct wasm_module *m, uint32_t idx);
/* Everything but function bodies. */
int wasm_vmodule_rules(const struct wasm_module *m);
/* Mark in refs[] the functions ref.func may name (C.refs). */
void wasm_vcollect_refs(const struct wasm_module *m, uint8_t *refs);

/* The type of function `f` (f < v->nfuncs). */
static inline const struct wasm_functype *wasm_vfunc_type(const struct wasm_validator *v, uint32_t f)
{
	uint32_t ni = v->m->nfunc_imports;

	return f < ni ? v->import_types[f] : &v->m->types[v->m->funcs[f - ni]];
}

#endif
