/*
 * component_res.c - resources between component instances: which
 * run-time resource type a type index stands for, and each instance's
 * table of handles with the canonical ABI's rules (CanonicalABI.md:
 * "Handle state", lift/lower of own and borrow, resource.new/rep/drop).
 *
 * Resource types are generative: every instantiation of a definition is a
 * new type (struct rres), and an imported or aliased type is resolved to
 * the definition that instantiation wired to it (an argument of the
 * parent's instantiation, an export of a child instance).  A handle is an
 * index into the table of the instance that holds it: an own handle moves
 * out of the caller's table into the callee's; a borrow of an own handle
 * lends it for the call (it cannot be dropped or moved until the call
 * returns) and becomes, in the callee, either the representation itself
 * (the callee defined the type) or a borrow handle that the callee must
 * drop before it returns.  Host resources (WASI's streams, pollables,
 * descriptors) follow the same rules: the host hands out and takes its own
 * handle numbers as representations, and each instance sees only the
 * handles in its own table, so one component cannot reach another's
 * streams by guessing numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "component_impl.h"

#define MAX_HANDLES (1u << 28) /* CanonicalABI.md's MAX_LENGTH */

static struct rres *resolve(struct runner_cinstance *ci, const struct wc_type *t, int depth);
static struct rres *host_type(struct runner_cinstance *ci, const char *name);

/* The type behind index k of ci's type space. */
static struct rres *type_at(struct runner_cinstance *ci, uint32_t k, int depth)
{
	const struct wasm_component *c = ci->c;
	const struct wc_def *d;
	uint32_t j;

	if (k >= c->nspace[WC_TYPE] || depth > 64)
		return NULL;
	d = &c->space[WC_TYPE][k];
	switch (d->origin) {
	case WC_FROM_DEF:
		return resolve(ci, d->type, depth + 1);
	case WC_FROM_EXPORT:
		return type_at(ci, c->exports[d->item].idx, depth + 1);
	case WC_FROM_IMPORT: { /* from the parent's arguments; the host's otherwise */
		const char *name = c->imports[d->item].name;
		for (j = 0; ci->args && j < ci->args->nargs; j++)
			if (ci->args->args[j].sort == WC_TYPE && !strcmp(ci->args->args[j].name, name))
				return type_at(ci->parent, ci->args->args[j].idx, depth + 1);
		return ci->args ? NULL : host_type(ci, name); /* a type the host provides */
	}
	case WC_FROM_ALIAS: {
		const struct wc_alias *a = &c->aliases[d->item];
		struct runner_cinstance *o = ci;
		const struct cinst *in;
		if (a->kind == WC_ALIAS_OUTER) {
			for (j = 0; j < a->instance && o; j++)
				o = o->parent;
			return o ? type_at(o, a->idx, depth + 1) : NULL;
		}
		if (a->kind != WC_ALIAS_EXPORT || a->instance >= ci->ninsts)
			return NULL;
		in = &ci->insts[a->instance];
		if (in->kind == CI_BAG) {
			for (j = 0; j < in->bag->nargs; j++)
				if (in->bag->args[j].sort == WC_TYPE && !strcmp(in->bag->args[j].name, a->name))
					return type_at(ci, in->bag->args[j].idx, depth + 1);
		} else if (in->kind == CI_CHILD) {
			const struct wasm_component *cc = in->child->c;
			for (j = 0; j < cc->nexports; j++)
				if (cc->exports[j].sort == WC_TYPE && !strcmp(cc->exports[j].name, a->name))
					return type_at(in->child, cexport_index(cc, WC_TYPE, j), depth + 1);
		}
		return in->kind == CI_HOST ? host_type(ci, a->name) : NULL;
	}
	}
	return NULL;
}

static struct rres *define(struct runner_cinstance *ci, const struct wc_type *t)
{
	struct rres *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->def = t;
	r->impl = ci;
	if (t->dtor >= 0 && (uint64_t)t->dtor < ci->ncore[WC_CORE_FUNC])
		r->dtor = ci->core[WC_CORE_FUNC][t->dtor].func;
	r->next = ci->rdefs;
	ci->rdefs = r;
	return r;
}

/* The host's resource type named `name`, kept by the outermost instance
 * (one per name: the host's resource names are distinct). */
static struct rres *host_type(struct runner_cinstance *ci, const char *name)
{
	struct rres *r;

	while (ci->parent)
		ci = ci->parent;
	for (r = ci->rdefs; r; r = r->next)
		if (!r->impl && !strcmp(r->host, name))
			return r;
	if (!(r = calloc(1, sizeof(*r))))
		return NULL;
	r->host = name;
	r->next = ci->rdefs;
	ci->rdefs = r;
	return r;
}

static struct rres *resolve(struct runner_cinstance *ci, const struct wc_type *t, int depth)
{
	const struct wasm_component *c = ci->c;
	uint32_t k, any = UINT32_MAX;
	struct rres *r = NULL;
	void *n;

	if (!t)
		return NULL;
	for (k = 0; k < ci->nrmap; k++)
		if (ci->rmap[k].t == t)
			return ci->rmap[k].r;
	for (k = 0; k < c->nspace[WC_TYPE]; k++) {
		if (c->space[WC_TYPE][k].type != t)
			continue;
		if (c->space[WC_TYPE][k].origin == WC_FROM_DEF)
			break;
		if (any == UINT32_MAX)
			any = k;
	}
	if (k < c->nspace[WC_TYPE])
		r = t->kind == WC_T_RESOURCE ? define(ci, t) : NULL;
	else if (any != UINT32_MAX)
		r = type_at(ci, any, depth + 1);
	if (!r && t->kind == WC_T_ABSTRACT) /* not wired to a component's: the host's */
		r = host_type(ci, t->name ? t->name : "");
	if ((n = realloc(ci->rmap, (ci->nrmap + 1) * sizeof(*ci->rmap)))) {
		ci->rmap = n;
		ci->rmap[ci->nrmap].t = t;
		ci->rmap[ci->nrmap++].r = r;
	}
	return r;
}

struct rres *cres_of(struct runner_cinstance *ci, const struct wc_type *t)
{
	return resolve(ci, t, 0);
}

/* ---- the handle table ----------------------------------------------- */

int cres_add(struct runner_cinstance *ci, struct rres *rt, uint32_t rep, int own,
	     struct call_scope *sc, uint32_t *h)
{
	struct rhandle *e;

	if (ci->nfree) {
		*h = ci->free[--ci->nfree];
	} else {
		if (ci->nhandles >= MAX_HANDLES - 1)
			return -1;
		if (!(e = realloc(ci->handles, (ci->nhandles + 1) * sizeof(*e))))
			return -1;
		ci->handles = e;
		*h = ++ci->nhandles;
	}
	e = &ci->handles[*h - 1];
	memset(e, 0, sizeof(*e));
	e->rt = rt;
	e->rep = rep;
	e->live = 1;
	e->own = (uint8_t)own;
	e->scope = sc;
	return 0;
}

static struct rhandle *get(struct runner_cinstance *ci, uint64_t h, const struct rres *rt)
{
	struct rhandle *e = h && h <= ci->nhandles ? &ci->handles[h - 1] : NULL;

	return e && e->live && e->rt == rt ? e : NULL;
}

static void release(struct runner_cinstance *ci, uint32_t h)
{
	uint32_t *n = realloc(ci->free, (ci->nfree + 1) * sizeof(*n));

	ci->handles[h - 1].live = 0;
	if (n) { /* without memory the slot is simply never reused */
		ci->free = n;
		ci->free[ci->nfree++] = h;
	}
}

static const char *type_name(const struct rres *rt)
{
	return rt->host ? rt->host : rt->def && rt->def->name ? rt->def->name : "resource";
}

/* Why handle h is not one of type rt in ci's table (msg, returned). */
static const char *why_not(struct runner_cinstance *ci, uint32_t h, const struct rres *rt, char *msg,
			   size_t size)
{
	const struct rhandle *e = h && h <= ci->nhandles ? &ci->handles[h - 1] : NULL;

	if (e && e->live && strcmp(type_name(e->rt), "resource"))
		snprintf(msg, size, "handle %u is a %s, not a %s", h, type_name(e->rt), type_name(rt));
	else if (e && e->live)
		snprintf(msg, size, "handle %u is of another resource type, not a %s", h, type_name(rt));
	else
		snprintf(msg, size, "unknown handle index %u", h);
	return msg;
}

int cres_builtin(struct runner_cinstance *ci, runner_caller *caller, uint8_t op,
		 const struct wc_type *t, uint32_t h, runner_val *result)
{
	struct rres *rt = cres_of(ci, t);
	struct rhandle *e;
	uint32_t rep;
	char msg[160];

	if (op == WC_CANON_RESOURCE_NEW) {
		if (!rt || rt->impl != ci)
			return runner_caller_trap(caller, "resource.new: the resource type is not defined by this component");
		if (cres_add(ci, rt, h, 1, NULL, &rep) < 0)
			return runner_caller_trap(caller, "resource.new: the handle table is full");
		*result = runner_val_i32((int32_t)rep);
		return 0;
	}
	if (!rt)
		return runner_caller_trap(caller, "out of memory");
	if (op == WC_CANON_RESOURCE_REP && rt->impl != ci)
		return runner_caller_trap(caller, "resource.rep: the resource type is not defined by this component");
	if (!(e = get(ci, h, rt)))
		return runner_caller_trap(caller, "%s", why_not(ci, h, rt, msg, sizeof(msg)));
	if (op == WC_CANON_RESOURCE_REP) {
		*result = runner_val_i32((int32_t)e->rep);
		return 0;
	}
	if (!e->own) { /* a borrow: its call has one fewer to wait for */
		if (e->scope)
			e->scope->borrows--;
		release(ci, h);
		return 0;
	}
	if (e->lend)
		return runner_caller_trap(caller, "resource.drop: handle %u is lent to a call that has not returned", h);
	rep = e->rep;
	release(ci, h);
	if (!rt->impl && wasi2_drop(ci->h, rt->host, rep) < 0)
		return runner_caller_trap(caller, "resource.drop: %u is not a live %s", rep, rt->host);
	if (rt->dtor) {
		runner_val a = runner_val_i32((int32_t)rep);
		struct runner_trap tr;
		if (rt->impl->no_enter)
			return runner_caller_trap(caller, "cannot enter component instance (its destructor) recursively");
		if (runner_func_call(rt->dtor, &a, 1, NULL, 0, &tr) != 0)
			return runner_caller_trap(caller, "%s", tr.message);
	}
	return 0;
}

/* ---- handles crossing a call ---------------------------------------- */

static int xfail(char *msg, size_t size, const char *what, uint64_t h)
{
	snprintf(msg, size, what, (unsigned)h);
	return -1;
}

static int lend(struct call_scope *sc, struct runner_cinstance *ci, uint32_t h)
{
	void *n = realloc(sc->lends, (sc->nlends + 1) * sizeof(*sc->lends));

	if (!n)
		return -1;
	sc->lends = n;
	sc->lends[sc->nlends].ci = ci;
	sc->lends[sc->nlends++].h = h;
	ci->handles[h - 1].lend++;
	return 0;
}

static int handle(struct runner_cinstance *src, struct runner_cinstance *dst, const struct wc_type *t,
		  struct cval *v, struct call_scope *sc, char *msg, size_t size)
{
	struct rres *rt = cres_of(src ? src : dst, t->resource);
	struct rhandle *e;
	uint32_t h = (uint32_t)v->u, nh;

	if (!rt)
		return xfail(msg, size, "out of memory (handle %u)", h);
	if (!src) { /* from the host: its representation, always owned */
		if (dst && cres_add(dst, rt, h, 1, NULL, &nh) < 0)
			return xfail(msg, size, "the handle table is full (%u)", h);
		v->u = dst ? nh : h;
		return 0;
	}
	if (!(e = get(src, h, rt))) {
		why_not(src, h, rt, msg, size);
		return -1;
	}
	if (t->kind == WC_T_OWN) {
		if (!e->own)
			return xfail(msg, size, "handle %u is borrowed and cannot be passed as own", h);
		if (e->lend)
			return xfail(msg, size, "handle %u is lent to a call and cannot move", h);
		v->u = e->rep;
		release(src, h);
		if (dst && cres_add(dst, rt, (uint32_t)v->u, 1, NULL, &nh) < 0)
			return xfail(msg, size, "the handle table is full (%u)", h);
		if (dst)
			v->u = nh;
		return 0;
	}
	if (e->own && lend(sc, src, h) < 0)
		return xfail(msg, size, "out of memory lending handle %u", h);
	v->u = e->rep;
	if (!dst || rt->impl == dst)
		return 0; /* the defining instance sees the representation */
	if (cres_add(dst, rt, e->rep, 0, sc, &nh) < 0)
		return xfail(msg, size, "the handle table is full (%u)", h);
	sc->borrows++;
	v->u = nh;
	return 0;
}

int cres_transfer(struct runner_cinstance *src, struct runner_cinstance *dst, struct wc_valtype t,
		  struct cval *v, struct call_scope *sc, char *msg, size_t size)
{
	uint8_t p;
	uint32_t i;
	int k = cabi_kind(t, &p);
	const struct wc_type *d = t.t;

	switch (k) {
	case WC_T_OWN:
	case WC_T_BORROW:
		return handle(src, dst, d, v, sc, msg, size);
	case WC_T_RECORD:
	case WC_T_TUPLE:
		for (i = 0; i < d->nfields && i < v->n; i++)
			if (cres_transfer(src, dst, d->fields[i].vt, &v->elems[i], sc, msg, size) < 0)
				return -1;
		return 0;
	case WC_T_LIST:
		for (i = 0; !v->str && i < v->n; i++)
			if (cres_transfer(src, dst, d->a, &v->elems[i], sc, msg, size) < 0)
				return -1;
		return 0;
	case WC_T_VARIANT:
		if (v->n && v->disc < d->nfields && d->fields[v->disc].has_type)
			return cres_transfer(src, dst, d->fields[v->disc].vt, &v->elems[0], sc, msg, size);
		return 0;
	case WC_T_OPTION:
		return v->n && v->disc == 1 ? cres_transfer(src, dst, d->a, &v->elems[0], sc, msg, size) : 0;
	case WC_T_RESULT:
		if (v->n && v->disc == 0 && d->has_a)
			return cres_transfer(src, dst, d->a, &v->elems[0], sc, msg, size);
		if (v->n && v->disc == 1 && d->has_b)
			return cres_transfer(src, dst, d->b, &v->elems[0], sc, msg, size);
		return 0;
	}
	return 0;
}

int cres_exit(struct call_scope *sc, char *msg, size_t size)
{
	uint32_t i;

	for (i = 0; i < sc->nlends; i++)
		sc->lends[i].ci->handles[sc->lends[i].h - 1].lend--;
	free(sc->lends);
	sc->lends = NULL;
	sc->nlends = 0;
	if (sc->borrows) {
		snprintf(msg, size, "borrow handles still remain at the end of the call");
		return -1;
	}
	return 0;
}

void cres_free(struct runner_cinstance *ci)
{
	while (ci->rdefs) {
		struct rres *n = ci->rdefs->next;
		free(ci->rdefs);
		ci->rdefs = n;
	}
	free(ci->handles);
	free(ci->free);
	free(ci->rmap);
}
