/*
 * component_impl.h - what the files of the component runtime share (not an
 * API; see component.h): a component instance's index spaces, its
 * functions and instances, and its table of resource handles with the
 * canonical ABI's rules (component_res.c).
 */
#ifndef RUNNER_COMPONENT_IMPL_H
#define RUNNER_COMPONENT_IMPL_H

#include "component.h"
#include "linker.h"

enum { CF_HOST = 1, CF_LIFTED = 2 };
enum { CI_HOST = 1, CI_BAG = 2, CI_CHILD = 3 };

struct cfunc {
	uint8_t kind;
	char iface[128];              /* CF_HOST: the interface, version removed */
	const char *name;
	const struct wc_type *type;
	struct runner_func *core;     /* CF_LIFTED */
	struct runner_func *post_return;
	struct cabi_ctx opts;
	struct runner_cinstance *ci;  /* CF_LIFTED: the instance it runs in */
};

struct cinst {
	uint8_t kind;
	char iface[128];              /* CI_HOST */
	const struct wc_instance *bag; /* CI_BAG: inline exports */
	struct runner_cinstance *child; /* CI_CHILD: a nested component's instance */
};

struct bag_entry {
	const char *name;
	struct rextern x;
};

struct core_inst {
	runner_instance *inst;        /* NULL for a bag */
	struct bag_entry *bag;
	uint32_t nbag;
};

/* What a core function made by canon lower / resource.* carries. */
struct lower_env {
	struct runner_cinstance *ci;
	struct cfunc f;               /* the component function lowered */
	wasi2_fn fn;                  /* its host implementation, or NULL */
	struct cfunc callee;          /* a lifted function of another component (kind CF_LIFTED) */
	uint8_t op;                   /* enum wc_canon_op */
	const struct wc_type *resource;
	struct lower_env *next;
};

/* A resource type at run time: each instantiation of a definition makes
 * a new one (resource types are generative).  A host resource type (one
 * of the WASI 0.2 host's: output-stream, pollable, ...) has no defining
 * instance; its representation is the host's own handle number. */
struct rres {
	const struct wc_type *def;     /* its definition (WC_T_RESOURCE) */
	struct runner_cinstance *impl; /* the instance that defined it; NULL: the host's */
	struct runner_func *dtor;      /* NULL when it has none */
	const char *host;              /* a host resource type's name */
	struct rres *next;             /* impl's list (the outermost instance's for the host's) */
};

/* One entry of an instance's handle table (CanonicalABI.md's handle
 * elements): an own handle may be lent out for the duration of calls; a
 * borrow handle belongs to the call (scope) that lowered it. */
struct rhandle {
	struct rres *rt;
	uint32_t rep;
	uint8_t live, own;
	uint32_t lend;
	struct call_scope *scope;
};

/* A call between components: the borrows lowered into the callee, which
 * must all be dropped before it returns, and the caller's own handles
 * lent to it, given back when it returns. */
struct call_scope {
	uint32_t borrows;
	struct { struct runner_cinstance *ci; uint32_t h; } *lends;
	uint32_t nlends;
};

struct runner_cinstance {
	const struct wasm_component *c;
	wasi2_host *h;
	struct runner_config cfg;
	struct core_inst *cinsts;
	uint32_t ncinsts;
	struct rextern *core[WC_CORE_TAG + 1];
	uint32_t ncore[WC_CORE_TAG + 1];
	struct cfunc *funcs;
	uint32_t nfuncs;
	struct cinst *insts;
	uint32_t ninsts;
	runner_module **modules;
	runner_linker *holder;        /* owns the host functions made here */
	struct lower_env *envs;
	struct rhandle *handles;       /* handle i is handles[i - 1] */
	uint32_t nhandles;
	uint32_t *free;               /* dead slots, reused last-freed first */
	uint32_t nfree;
	struct rres *rdefs;           /* resource types defined here */
	struct { const struct wc_type *t; struct rres *r; } *rmap; /* resolved so far */
	uint32_t nrmap;
	uint8_t no_enter;             /* calling out through an import */
	uint8_t no_leave;             /* realloc running while values are lowered */
	uint32_t nlowered;
	/* a nested component's instance: its imports come from these
	 * arguments of the parent's instantiation */
	struct runner_cinstance *parent;
	const struct wc_instance *args;
	struct runner_cinstance **children;
	uint32_t nchildren;
};

/* The runtime index of export `e` of component c in the space of its sort
 * (UINT32_MAX when none). */
uint32_t cexport_index(const struct wasm_component *c, int sort, uint32_t e);

/* The run-time resource type behind `t` (an own/borrow's resource, or a
 * resource.* built-in's type) as instance ci sees it; NULL only when out
 * of memory. */
struct rres *cres_of(struct runner_cinstance *ci, const struct wc_type *t);
/* A new handle for rep in ci's table: 0 or -1 (table full). */
int cres_add(struct runner_cinstance *ci, struct rres *rt, uint32_t rep, int own,
	     struct call_scope *sc, uint32_t *h);
/* canon resource.new / .rep / .drop on handle h of type t; 0 or a trap. */
int cres_builtin(struct runner_cinstance *ci, runner_caller *caller, uint8_t op,
		 const struct wc_type *t, uint32_t h, runner_val *result);
/* Move the handles inside v (a value of type t as src sees it) out of
 * src's table into dst's for the call `sc`: own handles move, borrows are
 * lent.  Either side may be the host (NULL), which holds
 * representations, not handles.  0, or -1 with msg set. */
int cres_transfer(struct runner_cinstance *src, struct runner_cinstance *dst, struct wc_valtype t,
		  struct cval *v, struct call_scope *sc, char *msg, size_t size);
/* The end of call `sc`: the lent handles given back; -1 with msg set
 * when the callee still holds a borrow. */
int cres_exit(struct call_scope *sc, char *msg, size_t size);
void cres_free(struct runner_cinstance *ci);

#endif
