/*
 * linker.c - what imports resolve to (host functions, registered
 * instances), the host-call bridge and what host functions may do.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "linker.h"

struct lentry {
	char *module;
	char *name;              /* NULL: every export of `inst` */
	struct runner_func *func; /* a host function (owned) */
	struct runner_instance *inst;
	int has_ext;              /* name -> an extern of some instance */
	struct rextern ext;
};

struct runner_linker {
	struct lentry *v;
	uint32_t n, cap;
};

runner_val runner_val_i32(int32_t v)
{
	runner_val r;
	memset(&r, 0, sizeof(r));
	r.type = RUNNER_I32;
	r.of.i32 = v;
	return r;
}

runner_val runner_val_i64(int64_t v)
{
	runner_val r;
	memset(&r, 0, sizeof(r));
	r.type = RUNNER_I64;
	r.of.i64 = v;
	return r;
}

runner_val runner_val_f32(float v)
{
	runner_val r;
	memset(&r, 0, sizeof(r));
	r.type = RUNNER_F32;
	memcpy(&r.of.f32, &v, 4);
	return r;
}

runner_val runner_val_f64(double v)
{
	runner_val r;
	memset(&r, 0, sizeof(r));
	r.type = RUNNER_F64;
	memcpy(&r.of.f64, &v, 8);
	return r;
}

float runner_val_as_f32(const runner_val *v)
{
	float f;
	memcpy(&f, &v->of.f32, 4);
	return f;
}

double runner_val_as_f64(const runner_val *v)
{
	double f;
	memcpy(&f, &v->of.f64, 8);
	return f;
}

int runner_linker_new(runner_linker **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

void runner_linker_free(runner_linker *l)
{
	uint32_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].module);
		free(l->v[i].name);
		if (l->v[i].func) {
			free(l->v[i].func->host_type.params);
			free(l->v[i].func->host_type.results);
			free(l->v[i].func);
		}
	}
	free(l->v);
	free(l);
}

static int add_entry(runner_linker *l, struct lentry *e)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 16;
		struct lentry *n = realloc(l->v, sizeof(*n) * cap);
		if (!n)
			return wp_error_set(WP_ENOMEM, "out of memory");
		l->v = n;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

static int sig_type(char c, uint8_t *t)
{
	switch (c) {
	case 'i': *t = WASM_I32; return 0;
	case 'I': *t = WASM_I64; return 0;
	case 'f': *t = WASM_F32; return 0;
	case 'F': *t = WASM_F64; return 0;
	case 'V': *t = WASM_V128; return 0;
	case 'r': *t = WASM_FUNCREF; return 0;
	case 'e': *t = WASM_EXTERNREF; return 0;
	}
	return -1;
}

/* Parse "ii->i" into a function type (arrays malloc'ed). */
static int parse_sig(const char *sig, struct wasm_functype *t)
{
	const char *arrow = strstr(sig, "->");
	size_t np = arrow ? (size_t)(arrow - sig) : strlen(sig);
	size_t nr = arrow ? strlen(arrow + 2) : 0, i;

	memset(t, 0, sizeof(*t));
	t->params = malloc(np + 1);
	t->results = malloc(nr + 1);
	if (!t->params || !t->results)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < np; i++)
		if (sig_type(sig[i], &t->params[i]) < 0)
			return wp_error_set(WP_EUSAGE, "bad signature \"%s\"", sig);
	for (i = 0; i < nr; i++)
		if (sig_type(arrow[2 + i], &t->results[i]) < 0)
			return wp_error_set(WP_EUSAGE, "bad signature \"%s\"", sig);
	t->nparams = (uint32_t)np;
	t->nresults = (uint32_t)nr;
	return 0;
}

int runner_linker_define_func(runner_linker *l, const char *module, const char *name,
			      const char *sig, runner_host_fn fn, void *env)
{
	struct runner_func *f = calloc(1, sizeof(*f));
	struct lentry e;
	int err;

	memset(&e, 0, sizeof(e));
	if (!f)
		return wp_error_set(WP_ENOMEM, "out of memory");
	e.func = f;
	if ((err = parse_sig(sig, &f->host_type)) < 0)
		goto fail;
	f->type = &f->host_type;
	f->type_id = rtype_intern(&f->host_type);
	f->host = fn;
	f->env = env;
	e.module = strdup(module);
	e.name = strdup(name);
	if (!e.module || !e.name || f->type_id == UINT32_MAX) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto fail;
	}
	if ((err = add_entry(l, &e)) < 0)
		goto fail;
	return 0;
fail:
	free(e.module);
	free(e.name);
	free(f->host_type.params);
	free(f->host_type.results);
	free(f);
	return err;
}

int runner_linker_define_instance(runner_linker *l, const char *module, runner_instance *inst)
{
	struct lentry e;
	int err;

	memset(&e, 0, sizeof(e));
	e.module = strdup(module);
	e.inst = inst;
	if (!e.module)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = add_entry(l, &e)) < 0)
		free(e.module);
	return err;
}

int rlinker_define_extern(runner_linker *l, const char *module, const char *name,
			  const struct rextern *x)
{
	struct lentry e;
	int err;

	memset(&e, 0, sizeof(e));
	e.module = strdup(module);
	e.name = strdup(name);
	e.has_ext = 1;
	e.ext = *x;
	if (!e.module || !e.name) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto fail;
	}
	if ((err = add_entry(l, &e)) == 0)
		return 0;
fail:
	free(e.module);
	free(e.name);
	return err;
}

int rlinker_resolve(runner_linker *l, const char *module, const char *name, int kind,
		    struct rextern *out)
{
	uint32_t i;

	memset(out, 0, sizeof(*out));
	if (!l)
		return WP_ENOTFOUND;
	for (i = l->n; i-- > 0;) {
		struct lentry *e = &l->v[i];
		if (strcmp(e->module, module))
			continue;
		if (e->name) {
			if (strcmp(e->name, name))
				continue;
			if (e->has_ext) {
				*out = e->ext;
				return out->kind == kind ? 0 : WP_EINVALID;
			}
			out->kind = WASM_EXTERN_FUNC;
			out->func = e->func;
			return out->kind == kind ? 0 : WP_EINVALID;
		}
		if (rinst_export(e->inst, name, out) == 0)
			return out->kind == kind ? 0 : WP_EINVALID;
	}
	return WP_ENOTFOUND;
}

/* ---- host calls ---- */

static void slot_to_val(const slot_t *s, uint8_t t, runner_val *v)
{
	memset(v, 0, sizeof(*v));
	v->type = t;
	switch (t) {
	case WASM_I32: case WASM_F32: v->of.i32 = s->i32; break;
	case WASM_V128: memcpy(v->of.v128, s, 16); break;
	case WASM_FUNCREF: v->of.func = s->ref; break;
	case WASM_EXTERNREF: v->of.ext = (uintptr_t)s->ref; break;
	default: v->of.i64 = s->i64; break;
	}
}

static void val_to_slot(const runner_val *v, uint8_t t, slot_t *s)
{
	switch (t) {
	case WASM_I32: case WASM_F32: s->u64 = (uint32_t)v->of.i32; break;
	case WASM_V128: memcpy(s, v->of.v128, 16); break;
	case WASM_FUNCREF: s->ref = v->of.func; break;
	case WASM_EXTERNREF: s->ref = (void *)v->of.ext; break;
	default: s->i64 = v->of.i64; break;
	}
}

void rvals_from_slots(const slot_t *fp, const uint8_t *types, uint32_t n, runner_val *out)
{
	uint32_t i, k = 0;

	for (i = 0; i < n; i++) {
		slot_to_val(&fp[k], types[i], &out[i]);
		k += rslots_of(types[i]);
	}
}

void rvals_to_slots(const runner_val *v, const uint8_t *types, uint32_t n, slot_t *fp)
{
	uint32_t i, k = 0;

	for (i = 0; i < n; i++) {
		val_to_slot(&v[i], types[i], &fp[k]);
		k += rslots_of(types[i]);
	}
}

int rhost_call(struct runner_instance *inst, struct rexec *ex, struct runner_func *f,
	       slot_t *fp, struct runner_caller *caller)
{
	const struct wasm_functype *t = f->type;
	runner_val small[16], *args = small, *res;
	uint32_t n = t->nparams + t->nresults, i;
	int rc;

	(void)inst;
	(void)ex;
	if (n > 16) {
		args = calloc(n, sizeof(*args));
		if (!args) {
			caller->kind = RUNNER_TRAP_HOST;
			snprintf(caller->message, sizeof(caller->message), "out of memory");
			return RUNNER_ETRAP;
		}
	}
	res = args + t->nparams;
	rvals_from_slots(fp, t->params, t->nparams, args);
	for (i = 0; i < t->nresults; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].type = t->results[i];
	}
	rc = f->host(caller, f->env, args, res);
	if (rc == 0)
		rvals_to_slots(res, t->results, t->nresults, fp);
	else if (rc != RUNNER_EEXIT && caller->kind == RUNNER_TRAP_NONE) {
		caller->kind = RUNNER_TRAP_HOST;
		snprintf(caller->message, sizeof(caller->message), "%s", wp_error_last());
	}
	if (args != small)
		free(args);
	return rc == 0 ? 0 : (rc == RUNNER_EEXIT ? RUNNER_EEXIT : RUNNER_ETRAP);
}

uint8_t *runner_caller_memory(runner_caller *c, uint64_t *size)
{
	struct rmemory *m = c->inst ? c->inst->mem : NULL;

	*size = m ? m->size : 0;
	return m ? m->base : NULL;
}

void *runner_caller_mem_check(runner_caller *c, uint64_t ptr, uint64_t len)
{
	struct rmemory *m = c->inst ? c->inst->mem : NULL;

	if (!m || ptr > m->size || len > m->size - ptr)
		return NULL;
	return m->base + ptr;
}

int runner_caller_trap(runner_caller *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
	c->kind = RUNNER_TRAP_HOST;
	return RUNNER_ETRAP;
}

int runner_caller_exit(runner_caller *c, int code)
{
	c->exit_code = code;
	c->kind = RUNNER_TRAP_EXIT;
	return RUNNER_EEXIT;
}

runner_instance *runner_caller_instance(runner_caller *c)
{
	return c->inst;
}

int runner_trap_format_backtrace(const struct runner_trap *t, char *buf, size_t size)
{
	size_t used = 0;
	uint32_t i;
	int n;

	if (size)
		buf[0] = '\0';
	n = snprintf(buf, size, "wasm backtrace:\n");
	if (n > 0)
		used += (size_t)n;
	for (i = 0; i < t->nframes; i++) {
		n = snprintf(used < size ? buf + used : NULL, used < size ? size - used : 0,
			     "    %u: func[%u]%s%s\n", i, t->frames[i].func,
			     t->frames[i].name ? " " : "", t->frames[i].name ? t->frames[i].name : "");
		if (n > 0)
			used += (size_t)n;
	}
	return (int)used;
}
