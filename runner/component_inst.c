/*
 * component_inst.c - instantiating and calling a component (component.h).
 *
 * The decoder (wasm/component_decode.c) recorded every definition in
 * order; instantiation replays that order, growing runtime index spaces
 * that line up with the decoder's: core instances are real engine
 * instances (or bags of another instance's exports), core functions are
 * engine functions or host functions made by `canon lower` (the canonical
 * ABI between the core signature and the WASI 0.2 host), component
 * functions are host imports or `canon lift`ed core functions.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "component_impl.h"


static int instantiate(const struct wasm_component *c, wasi2_host *h, const struct runner_config *cfg,
		       struct runner_cinstance *parent, const struct wc_instance *args,
		       struct runner_cinstance **out, struct runner_trap *trap);

uint32_t cexport_index(const struct wasm_component *c, int sort, uint32_t e)
{
	uint32_t k;

	for (k = 0; k < c->nspace[sort]; k++)
		if (c->space[sort][k].origin == WC_FROM_EXPORT && c->space[sort][k].item == e)
			return k;
	return UINT32_MAX;
}

/* The export `name` of sort FUNC or INSTANCE of a bag or a child instance:
 * its index in the owning instance's space, and that owner. */
static int inst_export(struct runner_cinstance *ci, const struct cinst *in, const char *name, int sort,
		       struct runner_cinstance **owner, uint32_t *idx)
{
	uint32_t k;

	if (in->kind == CI_BAG) {
		for (k = 0; k < in->bag->nargs; k++)
			if (!strcmp(in->bag->args[k].name, name) && in->bag->args[k].sort == sort) {
				*owner = ci;
				*idx = in->bag->args[k].idx;
				return 0;
			}
		return WP_ENOTFOUND;
	}
	if (in->kind == CI_CHILD) {
		const struct wasm_component *cc = in->child->c;
		for (k = 0; k < cc->nexports; k++)
			if (!strcmp(cc->exports[k].name, name) && cc->exports[k].sort == sort) {
				*owner = in->child;
				*idx = cexport_index(cc, sort, k);
				return *idx == UINT32_MAX ? WP_ENOTFOUND : 0;
			}
	}
	return WP_ENOTFOUND;
}

static void strip_version(char *dst, size_t size, const char *name)
{
	const char *at = strchr(name, '@');
	size_t n = at ? (size_t)(at - name) : strlen(name);

	if (n >= size)
		n = size - 1;
	memcpy(dst, name, n);
	dst[n] = '\0';
}

/* ---- lowered host functions ------------------------------------------ */

static uint32_t param_offsets_load(struct cabi_ctx *cx, const struct wc_type *ft, uint32_t ptr,
				   struct cval *params)
{
	uint32_t k, off = 0;

	for (k = 0; k < ft->nfields; k++) {
		uint32_t a = cabi_align(ft->fields[k].vt);
		off = (off + a - 1) / a * a;
		if (cabi_load(cx, ft->fields[k].vt, ptr + off, &params[k]) < 0)
			return 1;
		off += cabi_size(ft->fields[k].vt);
	}
	return 0;
}

static int call_lifted(struct cfunc *f, struct cval *args, struct cval *result,
		       struct runner_cinstance *caller, struct call_scope *sc, struct runner_trap *trap);

/* A lowered import that another component's lifted export satisfies:
 * the arguments, already lifted out of the caller, have their handles
 * moved or lent into the callee's table, and are lowered into the callee
 * through its own options (string encoding, memory, realloc). */
static int call_component(struct lower_env *e, runner_caller *caller, struct cval *params,
			  struct cval *result)
{
	const struct wc_type *ft = e->f.type;
	struct call_scope sc;
	struct runner_trap tr;
	char msg[200];
	uint32_t k;

	memset(&tr, 0, sizeof(tr));
	memset(&sc, 0, sizeof(sc));
	for (k = 0; k < ft->nfields; k++)
		if (cres_transfer(e->ci, e->callee.ci, ft->fields[k].vt, &params[k], &sc, msg, sizeof(msg)) < 0) {
			cres_exit(&sc, tr.message, sizeof(tr.message));
			return runner_caller_trap(caller, "%s", msg);
		}
	if (call_lifted(&e->callee, params, result, e->ci, &sc, &tr) == 0)
		return 0;
	return runner_caller_trap(caller, "%s", tr.message[0] ? tr.message : "the called component trapped");
}

/* A lowered import the WASI 0.2 host implements: handles in the
 * arguments become the host's representations (own handles leave the
 * caller's table, borrows are lent for the call), own handles in the
 * result enter the caller's table. */
static int call_host(struct lower_env *e, runner_caller *caller, struct cval *params, struct cval *result)
{
	const struct wc_type *ft = e->f.type;
	struct call_scope sc;
	char msg[200];
	uint32_t k;
	int rc = 0;

	memset(&sc, 0, sizeof(sc));
	for (k = 0; k < ft->nfields && rc == 0; k++)
		if (cres_transfer(e->ci, NULL, ft->fields[k].vt, &params[k], &sc, msg, sizeof(msg)) < 0)
			rc = runner_caller_trap(caller, "%s", msg);
	if (rc == 0)
		rc = e->fn(e->ci->h, caller, params, result);
	if (rc == 0 && ft->has_a && cres_transfer(NULL, e->ci, ft->a, result, &sc, msg, sizeof(msg)) < 0)
		rc = runner_caller_trap(caller, "%s", msg);
	cres_exit(&sc, msg, sizeof(msg));
	return rc;
}

static int lowered_call(runner_caller *caller, void *env, const runner_val *args, runner_val *results)
{
	struct lower_env *e = env;
	const struct wc_type *ft = e->f.type;
	struct cabi_ctx cx = e->f.opts;
	uint8_t flat[CABI_MAX_FLAT];
	uint32_t np = cabi_flatten_params(ft, flat), nr = cabi_flatten_results(ft, flat), i = 0, k;
	struct cval *params = NULL, result;
	int rc = 0;

	memset(&result, 0, sizeof(result));
	if (!e->fn && e->callee.kind != CF_LIFTED)
		return runner_caller_trap(caller, "%s#%s is not implemented by wasmpack's WASI 0.2 host",
					  e->f.iface, e->f.name);
	if (e->ci->no_leave)
		return runner_caller_trap(caller, "cannot leave component instance: an import called while values are lowered into it");
	if (ft->nfields && !(params = calloc(ft->nfields, sizeof(*params))))
		return runner_caller_trap(caller, "out of memory");
	cx.message[0] = '\0';
	if (np <= CABI_MAX_FLAT_PARAMS) {
		for (k = 0; k < ft->nfields && rc == 0; k++)
			if (cabi_lift_flat(&cx, ft->fields[k].vt, args, np, &i, &params[k]) < 0)
				rc = -1;
	} else if (param_offsets_load(&cx, ft, (uint32_t)args[0].of.i32, params)) {
		rc = -1;
	}
	if (rc == 0) {
		uint8_t was = e->ci->no_enter;
		e->ci->no_enter = 1; /* calling out: nothing may call back in */
		rc = e->fn ? call_host(e, caller, params, &result) : call_component(e, caller, params, &result);
		e->ci->no_enter = was;
	}
	e->ci->no_leave = 1;
	if (rc == 0 && ft->has_a) {
		i = 0;
		if (nr <= CABI_MAX_FLAT_RESULTS) {
			if (cabi_lower_flat(&cx, ft->a, &result, results, nr, &i) < 0)
				rc = -1;
		} else if (cabi_store(&cx, ft->a, &result,
				      (uint32_t)args[np <= CABI_MAX_FLAT_PARAMS ? np : 1].of.i32) < 0) {
			rc = -1;
		}
	}
	e->ci->no_leave = 0;
	if (rc == -1)
		rc = runner_caller_trap(caller, "%s", cx.message[0] ? cx.message : "canonical ABI error");
	for (k = 0; k < ft->nfields; k++)
		cval_release(&params[k]);
	free(params);
	cval_release(&result);
	return rc;
}

static int resource_call(runner_caller *caller, void *env, const runner_val *args, runner_val *results)
{
	struct lower_env *e = env;
	uint32_t h = (uint32_t)args[0].of.i32;

	return cres_builtin(e->ci, caller, e->op, e->resource, h, results);
}

static void sig_letters(const uint8_t *t, uint32_t n, char *out)
{
	uint32_t k;

	for (k = 0; k < n; k++)
		out[k] = t[k] == WASM_I64 ? 'I' : t[k] == WASM_F32 ? 'f' : t[k] == WASM_F64 ? 'F' : 'i';
	out[n] = '\0';
}

/* A host function in the holder linker, returned as an engine function. */
static int make_host_func(struct runner_cinstance *ci, const char *sig, runner_host_fn fn,
			  struct lower_env *env, struct rextern *out)
{
	char name[16];
	int err;

	snprintf(name, sizeof(name), "%u", ci->nlowered++);
	if ((err = runner_linker_define_func(ci->holder, "lower", name, sig, fn, env)) < 0)
		return err;
	return rlinker_resolve(ci->holder, "lower", name, WASM_EXTERN_FUNC, out);
}

static struct lower_env *new_env(struct runner_cinstance *ci)
{
	struct lower_env *e = calloc(1, sizeof(*e));

	if (!e) {
		wp_error_set(WP_ENOMEM, "out of memory");
		return NULL;
	}
	e->ci = ci;
	e->next = ci->envs;
	ci->envs = e;
	return e;
}

/* ---- canonical options ---------------------------------------------- */

static void set_opts(struct runner_cinstance *ci, const struct wc_canon *cn, struct cabi_ctx *o,
		     struct runner_func **post)
{
	memset(o, 0, sizeof(*o));
	o->encoding = cn->encoding;
	if (cn->memory >= 0)
		o->mem = ci->core[WC_CORE_MEMORY][cn->memory].memory;
	if (cn->realloc >= 0)
		o->realloc = ci->core[WC_CORE_FUNC][cn->realloc].func;
	if (post)
		*post = cn->post_return >= 0 ? ci->core[WC_CORE_FUNC][cn->post_return].func : NULL;
}

static int canon(struct runner_cinstance *ci, const struct wc_canon *cn)
{
	uint8_t flat[CABI_MAX_FLAT], res[CABI_MAX_FLAT];
	char sig[2 * CABI_MAX_FLAT + 8], rs[8];
	struct lower_env *e;
	struct rextern x;
	uint32_t np, nr;
	int err;

	if (cn->op == WC_CANON_LIFT) {
		struct cfunc *f = &ci->funcs[ci->nfuncs++];
		memset(f, 0, sizeof(*f));
		f->kind = CF_LIFTED;
		f->type = cn->type;
		f->core = ci->core[WC_CORE_FUNC][cn->func].func;
		f->ci = ci;
		set_opts(ci, cn, &f->opts, &f->post_return);
		return 0;
	}
	if (!(e = new_env(ci)))
		return WP_ENOMEM;
	e->op = cn->op;
	if (cn->op == WC_CANON_LOWER) {
		e->f = ci->funcs[cn->func];
		if (e->f.kind == CF_LIFTED)
			e->callee = e->f;
		else if (e->f.kind != CF_HOST)
			return wp_error_set(WP_EINVALID, "component: lowering this kind of function is not supported");
		/* the caller's view of the type: its own resource types */
		if (ci->c->space[WC_FUNC][cn->func].type)
			e->f.type = ci->c->space[WC_FUNC][cn->func].type;
		set_opts(ci, cn, &e->f.opts, NULL);
		e->fn = e->f.kind == CF_HOST ? wasi2_lookup(e->f.iface, e->f.name) : NULL;
		np = cabi_flatten_params(e->f.type, flat);
		nr = cabi_flatten_results(e->f.type, res);
		if (np > CABI_MAX_FLAT_PARAMS) {
			flat[0] = WASM_I32;
			np = 1;
		}
		if (nr > CABI_MAX_FLAT_RESULTS) {
			flat[np++] = WASM_I32; /* the return area */
			nr = 0;
		}
		sig_letters(flat, np, sig);
		sig_letters(res, nr, rs);
		strcat(sig, "->");
		strcat(sig, rs);
		err = make_host_func(ci, sig, lowered_call, e, &x);
	} else if (cn->op <= WC_CANON_RESOURCE_REP) {
		e->resource = cn->type;
		err = make_host_func(ci, cn->op == WC_CANON_RESOURCE_DROP ? "i->" : "i->i", resource_call, e, &x);
	} else {
		return wp_error_set(WP_EINVALID, "component: canonical built-in 0x%02x (async, streams, threads) is not supported",
				    cn->op);
	}
	if (err < 0)
		return err;
	ci->core[WC_CORE_FUNC][ci->ncore[WC_CORE_FUNC]++] = x;
	return 0;
}

/* ---- core instances ------------------------------------------------- */

static int core_lookup(struct runner_cinstance *ci, uint32_t inst, const char *name, struct rextern *x)
{
	struct core_inst *k = &ci->cinsts[inst];
	uint32_t i;

	if (k->inst)
		return rinst_export(k->inst, name, x);
	for (i = 0; i < k->nbag; i++)
		if (!strcmp(k->bag[i].name, name)) {
			*x = k->bag[i].x;
			return 0;
		}
	return WP_ENOTFOUND;
}

static int core_instance(struct runner_cinstance *ci, const struct wc_instance *in,
			 struct runner_trap *trap)
{
	const struct wasm_component *c = ci->c;
	struct core_inst *k = &ci->cinsts[ci->ncinsts];
	runner_linker *l = NULL;
	uint32_t i, j;
	int err;

	memset(k, 0, sizeof(*k));
	if (in->inline_exports) {
		if (in->nargs && !(k->bag = calloc(in->nargs, sizeof(*k->bag))))
			return wp_error_set(WP_ENOMEM, "out of memory");
		for (i = 0; i < in->nargs; i++) {
			k->bag[i].name = in->args[i].name;
			if (in->args[i].sort > WC_CORE_TAG)
				return wp_error_set(WP_EINVALID, "component: core instance exports a %s",
						    wasm_component_sort_name(in->args[i].sort));
			k->bag[i].x = ci->core[in->args[i].sort][in->args[i].idx];
		}
		k->nbag = in->nargs;
		ci->ncinsts++;
		return 0;
	}
	{
		const struct wc_def *md = &c->space[WC_CORE_MODULE][in->of];
		const struct wasm_module *wm;
		if (md->origin != WC_FROM_DEF)
			return wp_error_set(WP_EINVALID, "component: instantiating an imported core module is not supported");
		wm = c->modules[md->item];
		if (!ci->modules[md->item] &&
		    (err = runner_module_load(wm->bytes, wm->size, &ci->modules[md->item])) < 0)
			return err;
		if ((err = runner_linker_new(&l)) < 0)
			return err;
		for (i = 0; i < in->nargs && err == 0; i++) {
			struct core_inst *a = &ci->cinsts[in->args[i].idx];
			if (a->inst)
				err = runner_linker_define_instance(l, in->args[i].name, a->inst);
			for (j = 0; j < a->nbag && err == 0; j++)
				err = rlinker_define_extern(l, in->args[i].name, a->bag[j].name, &a->bag[j].x);
		}
		if (err == 0)
			err = runner_instantiate(l, ci->modules[md->item], &ci->cfg, &k->inst, trap);
		runner_linker_free(l);
		if (err < 0)
			return err;
	}
	ci->ncinsts++;
	return 0;
}

/* ---- component-level definitions ------------------------------------ */

static int alias(struct runner_cinstance *ci, const struct wc_alias *a)
{
	struct rextern x;
	uint32_t k;

	if (a->kind == WC_ALIAS_OUTER)
		return 0; /* types, modules, components: nothing at run time */
	if (a->kind == WC_ALIAS_CORE_EXPORT) {
		if (core_lookup(ci, a->instance, a->name, &x) < 0)
			return wp_error_set(WP_EINVALID, "component: core instance %u has no export \"%s\"",
					    a->instance, a->name);
		ci->core[a->sort][ci->ncore[a->sort]++] = x;
		return 0;
	}
	if (a->sort != WC_FUNC && a->sort != WC_INSTANCE)
		return 0;
	{
		struct cinst *in = &ci->insts[a->instance];
		if (in->kind == CI_HOST) {
			if (a->sort == WC_INSTANCE)
				return wp_error_set(WP_EINVALID, "component: nested host instances are not supported");
			struct cfunc *f = &ci->funcs[ci->nfuncs];
			memset(f, 0, sizeof(*f));
			f->kind = CF_HOST;
			snprintf(f->iface, sizeof(f->iface), "%s", in->iface);
			f->name = a->name;
			f->type = ci->c->space[WC_FUNC][ci->nfuncs].type;
			ci->nfuncs++;
			return 0;
		}
		struct runner_cinstance *owner;
		if (inst_export(ci, in, a->name, a->sort, &owner, &k) < 0)
			return wp_error_set(WP_EINVALID, "component: instance %u has no %s export \"%s\"", a->instance,
					    wasm_component_sort_name(a->sort), a->name);
		if (a->sort == WC_FUNC)
			ci->funcs[ci->nfuncs++] = owner->funcs[k];
		else
			ci->insts[ci->ninsts++] = owner->insts[k];
	}
	return 0;
}

static int import(struct runner_cinstance *ci, const struct wc_extern *e)
{
	uint32_t k;

	if (ci->args && e->sort != WC_TYPE) { /* a nested component: from the parent */
		for (k = 0; k < ci->args->nargs; k++)
			if (!strcmp(ci->args->args[k].name, e->name) && ci->args->args[k].sort == e->sort)
				break;
		if (k == ci->args->nargs)
			return wp_error_set(WP_EINVALID, "component: no argument for import \"%s\"", e->name);
		if (e->sort == WC_FUNC)
			ci->funcs[ci->nfuncs++] = ci->parent->funcs[ci->args->args[k].idx];
		else if (e->sort == WC_INSTANCE)
			ci->insts[ci->ninsts++] = ci->parent->insts[ci->args->args[k].idx];
		else
			return wp_error_set(WP_EINVALID, "component: passing a %s to a nested component is not supported",
					    wasm_component_sort_name(e->sort));
		return 0;
	}
	if (e->sort == WC_INSTANCE) {
		struct cinst *in = &ci->insts[ci->ninsts++];
		memset(in, 0, sizeof(*in));
		in->kind = CI_HOST;
		strip_version(in->iface, sizeof(in->iface), e->name);
		return 0;
	}
	if (e->sort == WC_FUNC) {
		struct cfunc *f = &ci->funcs[ci->nfuncs++];
		memset(f, 0, sizeof(*f));
		f->kind = CF_HOST;
		f->name = e->name;
		f->type = e->type;
		return 0;
	}
	if (e->sort == WC_TYPE)
		return 0;
	return wp_error_set(WP_EINVALID, "component: importing a %s (\"%s\") is not supported",
			    wasm_component_sort_name(e->sort), e->name);
}

static int item(struct runner_cinstance *ci, const struct wc_item *it, struct runner_trap *trap)
{
	const struct wasm_component *c = ci->c;

	switch (it->section) {
	case 2: return core_instance(ci, &c->core_instances[it->idx], trap);
	case 5: {
		const struct wc_instance *in = &c->instances[it->idx];
		struct runner_cinstance *child, **n;
		const struct wc_def *cd;
		int err;
		if (in->inline_exports) {
			ci->insts[ci->ninsts].kind = CI_BAG;
			ci->insts[ci->ninsts++].bag = in;
			return 0;
		}
		cd = &c->space[WC_COMPONENT][in->of];
		if (cd->origin != WC_FROM_DEF)
			return wp_error_set(WP_EINVALID, "component: instantiating an imported or aliased component is not supported");
		if (!(n = realloc(ci->children, (ci->nchildren + 1) * sizeof(*n))))
			return wp_error_set(WP_ENOMEM, "out of memory");
		ci->children = n;
		if ((err = instantiate(c->components[cd->item], ci->h, &ci->cfg, ci, in, &child, trap)) != 0)
			return err;
		ci->children[ci->nchildren++] = child;
		ci->insts[ci->ninsts].kind = CI_CHILD;
		ci->insts[ci->ninsts++].child = child;
		return 0;
	}
	case 6: return alias(ci, &c->aliases[it->idx]);
	case 8: return canon(ci, &c->canons[it->idx]);
	case 9: return wp_error_set(WP_EINVALID, "component: start functions are not supported");
	case 10: return import(ci, &c->imports[it->idx]);
	case 11: {
		const struct wc_export *e = &c->exports[it->idx];
		if (e->sort == WC_FUNC)
			ci->funcs[ci->nfuncs++] = ci->funcs[e->idx];
		else if (e->sort == WC_INSTANCE)
			ci->insts[ci->ninsts++] = ci->insts[e->idx];
		return 0;
	}
	}
	return 0; /* modules, types, components: nothing to do until used */
}

int runner_component_instantiate(const struct wasm_component *c, wasi2_host *h,
				 const struct runner_config *cfg, runner_cinstance **out,
				 struct runner_trap *trap)
{
	if (trap)
		memset(trap, 0, sizeof(*trap));
	return instantiate(c, h, cfg, NULL, NULL, out, trap);
}

static int instantiate(const struct wasm_component *c, wasi2_host *h, const struct runner_config *cfg,
		       struct runner_cinstance *parent, const struct wc_instance *args,
		       struct runner_cinstance **out, struct runner_trap *trap)
{
	struct runner_cinstance *ci = calloc(1, sizeof(*ci));
	uint32_t i;
	int err = 0;

	if (!ci)
		return wp_error_set(WP_ENOMEM, "out of memory");
	ci->c = c;
	ci->h = h;
	ci->parent = parent;
	ci->args = args;
	if (cfg)
		ci->cfg = *cfg;
	for (i = 0; i <= WC_CORE_TAG; i++)
		if (!(ci->core[i] = calloc(c->nspace[i] + 1, sizeof(struct rextern))))
			err = WP_ENOMEM;
	ci->cinsts = calloc(c->nspace[WC_CORE_INSTANCE] + 1, sizeof(*ci->cinsts));
	ci->funcs = calloc(c->nspace[WC_FUNC] + 1, sizeof(*ci->funcs));
	ci->insts = calloc(c->nspace[WC_INSTANCE] + 1, sizeof(*ci->insts));
	ci->modules = calloc(c->nmodules + 1, sizeof(*ci->modules));
	if (err || !ci->cinsts || !ci->funcs || !ci->insts || !ci->modules ||
	    runner_linker_new(&ci->holder) < 0) {
		runner_cinstance_free(ci);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	for (i = 0; i < c->nitems && err == 0; i++)
		err = item(ci, &c->items[i], trap);
	if (err < 0) {
		runner_cinstance_free(ci);
		return err;
	}
	*out = ci;
	return 0;
}

void runner_cinstance_free(runner_cinstance *ci)
{
	uint32_t i;

	if (!ci)
		return;
	for (i = ci->nchildren; i-- > 0;)
		runner_cinstance_free(ci->children[i]);
	free(ci->children);
	for (i = ci->ncinsts; i-- > 0;) {
		runner_instance_free(ci->cinsts[i].inst);
		free(ci->cinsts[i].bag);
	}
	for (i = 0; ci->modules && i < ci->c->nmodules; i++)
		runner_module_free(ci->modules[i]);
	while (ci->envs) {
		struct lower_env *n = ci->envs->next;
		free(ci->envs);
		ci->envs = n;
	}
	runner_linker_free(ci->holder);
	for (i = 0; i <= WC_CORE_TAG; i++)
		free(ci->core[i]);
	free(ci->cinsts);
	free(ci->funcs);
	free(ci->insts);
	free(ci->modules);
	cres_free(ci);
	free(ci);
}

/* ---- calling exports ------------------------------------------------ */

/* Call a lifted function: parameters lowered (flat, or through realloc
 * into memory past 16 flat values), the result lifted into *result and
 * its handles moved to the caller's table (NULL: the host).  The call
 * ends (post-return, then scope sc's lends given back and its borrows
 * checked) before this returns. */
static int call_lifted(struct cfunc *f, struct cval *args, struct cval *result,
		       struct runner_cinstance *caller, struct call_scope *sc, struct runner_trap *trap)
{
	const struct wc_type *ft = f->type;
	uint8_t flat[CABI_MAX_FLAT];
	uint32_t np = cabi_flatten_params(ft, flat), nr = cabi_flatten_results(ft, flat), i = 0, k, ptr;
	runner_val vals[CABI_MAX_FLAT_PARAMS], res[1];
	struct cabi_ctx cx = f->opts;
	struct call_scope own_scope;
	char left[80];
	int err = 0;

	memset(result, 0, sizeof(*result));
	memset(&own_scope, 0, sizeof(own_scope));
	if (!sc)
		sc = &own_scope;
	cx.message[0] = '\0';
	if (f->ci->no_enter) {
		err = cabi_fail(&cx, "cannot enter component instance recursively");
		goto out;
	}
	f->ci->no_leave = 1; /* realloc may run: it must not call out */
	if (np <= CABI_MAX_FLAT_PARAMS) {
		for (k = 0; k < ft->nfields && err == 0; k++)
			err = cabi_lower_flat(&cx, ft->fields[k].vt, &args[k], vals, np, &i);
	} else {
		uint32_t size = 0, align = 1, off = 0;
		for (k = 0; k < ft->nfields; k++) {
			uint32_t a = cabi_align(ft->fields[k].vt);
			size = (size + a - 1) / a * a + cabi_size(ft->fields[k].vt);
			if (a > align)
				align = a;
		}
		err = cabi_alloc(&cx, align, size, &ptr);
		for (k = 0; k < ft->nfields && err == 0; k++) {
			uint32_t a = cabi_align(ft->fields[k].vt);
			off = (off + a - 1) / a * a;
			err = cabi_store(&cx, ft->fields[k].vt, &args[k], ptr + off);
			off += cabi_size(ft->fields[k].vt);
		}
		vals[0] = runner_val_i32((int32_t)ptr);
		np = 1;
	}
	f->ci->no_leave = 0;
	if (err == 0 && (err = runner_func_call(f->core, vals, np, res, nr ? 1 : 0, trap)) != 0) {
		cres_exit(sc, left, sizeof(left));
		return err;
	}
	i = 0;
	if (err == 0 && ft->has_a)
		err = nr <= CABI_MAX_FLAT_RESULTS ? cabi_lift_flat(&cx, ft->a, res, 1, &i, result)
						  : cabi_load(&cx, ft->a, (uint32_t)res[0].of.i32, result);
	if (err == 0 && ft->has_a)
		err = cres_transfer(f->ci, caller, ft->a, result, sc, cx.message, sizeof(cx.message));
	if (err == 0 && f->post_return &&
	    (err = runner_func_call(f->post_return, res, nr ? 1 : 0, NULL, 0, trap)) != 0) {
		cres_exit(sc, left, sizeof(left));
		return err;
	}
out:
	if (cres_exit(sc, left, sizeof(left)) < 0 && err == 0)
		err = cabi_fail(&cx, left);
	if (err < 0) {
		if (trap) {
			trap->kind = RUNNER_TRAP_HOST;
			snprintf(trap->message, sizeof(trap->message), "%s", cx.message);
		}
		return RUNNER_ETRAP;
	}
	return 0;
}

static int call_lifted0(struct cfunc *f, struct cval *result, struct runner_trap *trap)
{
	if (f->type->nfields)
		return wp_error_set(WP_EINVALID, "component: run takes parameters");
	return call_lifted(f, NULL, result, NULL, NULL, trap);
}

const struct wc_type *runner_component_export_type(runner_cinstance *ci, const char *name)
{
	const struct wasm_component *c = ci->c;
	uint32_t i, idx;

	for (i = 0; i < c->nexports; i++)
		if (c->exports[i].sort == WC_FUNC && !strcmp(c->exports[i].name, name)) {
			idx = cexport_index(c, WC_FUNC, i);
			if (idx != UINT32_MAX && ci->funcs[idx].kind == CF_LIFTED)
				return ci->funcs[idx].type;
		}
	return NULL;
}

int runner_component_invoke(runner_cinstance *ci, const char *name, const struct cval *args,
			    struct cval *result, struct runner_trap *trap)
{
	const struct wasm_component *c = ci->c;
	uint32_t i, idx;

	if (trap)
		memset(trap, 0, sizeof(*trap));
	for (i = 0; i < c->nexports; i++)
		if (c->exports[i].sort == WC_FUNC && !strcmp(c->exports[i].name, name)) {
			idx = cexport_index(c, WC_FUNC, i);
			if (idx != UINT32_MAX && ci->funcs[idx].kind == CF_LIFTED)
				return call_lifted(&ci->funcs[idx], (struct cval *)args, result, NULL, NULL, trap);
		}
	return wp_error_set(WP_ENOTFOUND, "the component exports no function \"%s\"", name);
}

int runner_component_run(runner_cinstance *ci, int *ok, struct runner_trap *trap)
{
	const struct wasm_component *c = ci->c;
	struct cval result;
	uint32_t i, k, idx;
	int err;

	for (i = 0; i < c->nexports; i++)
		if (c->exports[i].sort == WC_INSTANCE && !strncmp(c->exports[i].name, "wasi:cli/run@0.2.", 17))
			break;
	if (i == c->nexports)
		return wp_error_set(WP_ENOTFOUND, "not a command component: no wasi:cli/run@0.2 export");
	idx = cexport_index(c, WC_INSTANCE, i);
	{
		struct runner_cinstance *owner;
		struct cfunc *f = NULL;
		if (idx != UINT32_MAX && inst_export(ci, &ci->insts[idx], "run", WC_FUNC, &owner, &k) == 0)
			f = &owner->funcs[k];
		if (!f || f->kind != CF_LIFTED || !f->type)
			return wp_error_set(WP_EINVALID, "not a command component: its wasi:cli/run export has no run function");
		if ((err = call_lifted0(f, &result, trap)) != 0)
			return err;
		*ok = result.disc == 0;
		cval_release(&result);
	}
	return 0;
}
