/*
 * validate_run.c - validating a whole module (see validate.h): the
 * module-level rules, then every function body; big modules spread the
 * bodies over the machine's cores.
 *
 * Parallel validation stays deterministic: workers take chunks of
 * functions in increasing index order and stop only at functions past the
 * smallest failing index found so far, so every function below the final
 * smallest failure has been checked and that failure's message is the one
 * reported, exactly as a sequential run would.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/error.h"
#include "validate_internal.h"

/* Below this much code a second thread costs more than it saves
 * (validation runs at a few hundred MB/s; starting a thread ~50 us). */
#define PARALLEL_MIN_CODE (192u << 10)
#define MAX_THREADS 8

static unsigned max_threads; /* 0: one per core */

void wasm_validate_set_threads(unsigned n)
{
	__atomic_store_n(&max_threads, n, __ATOMIC_RELAXED);
}

/* ---- the validator (per-module facts) ---- */

static void vfunc_release(struct vfunc *s)
{
	free(s->vals);
	free(s->ctrls);
	free(s->locals);
	free(s->targets);
	free(s->tmp);
	free(s->catches);
	free(s->catch_types);
	free(s->linit);
	free(s->inits);
	memset(s, 0, sizeof(*s));
}

int wasm_validator_new(const struct wasm_module *m, struct wasm_validator **out)
{
	struct wasm_validator *v;
	uint32_t i, nf = 0, ng = 0, nt = 0, nm = 0;
	int err = WP_ENOMEM;

	*out = NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return wp_error_set(WP_ENOMEM, "out of memory");
	v->m = m;
	v->nfuncs = wasm_vtotal_funcs(m);
	v->nglobals = wasm_vtotal_globals(m);
	v->ntables = wasm_vtotal_tables(m);
	v->nmems = m->nmemories + m->nmemory_imports;
	v->has_memory = v->nmems > 0;
	v->mem64 = calloc(v->nmems + 1, 1);
	v->refs = calloc(v->nfuncs + 1, 1);
	v->import_types = calloc(m->nfunc_imports + 1, sizeof(*v->import_types));
	v->global_types = malloc(v->nglobals + 1);
	v->global_mut = malloc(v->nglobals + 1);
	v->table_types = malloc(v->ntables + 1);
	v->table64 = calloc(v->ntables + 1, 1);
	v->ntags = m->ntag_imports + m->ntags;
	v->tag_types = calloc(v->ntags + 1, sizeof(*v->tag_types));
	v->scratch = calloc(1, sizeof(*v->scratch));
	if (!v->refs || !v->import_types || !v->global_types || !v->global_mut ||
	    !v->table_types || !v->tag_types || !v->scratch || !v->mem64 ||
	    !v->table64)
		goto fail;
	for (i = 0; i < v->ntags; i++)
		v->tag_types[i] = &m->types[wasm_vtag_type_index(m, i)];
	wasm_vcollect_refs(m, v->refs);
	for (i = 0; i < m->nimports; i++) {
		const struct wasm_import *im = &m->imports[i];
		switch (im->kind) {
		case WASM_EXTERN_FUNC:
			v->import_types[nf++] = &m->types[im->desc.func_type];
			break;
		case WASM_EXTERN_GLOBAL:
			v->global_types[ng] = im->desc.global.valtype;
			v->global_mut[ng++] = im->desc.global.mutable_;
			break;
		case WASM_EXTERN_TABLE:
			v->table64[nt] = im->desc.table.limits.is64;
			v->table_types[nt++] = im->desc.table.reftype;
			break;
		case WASM_EXTERN_MEMORY:
			v->mem64[nm++] = im->desc.memory.is64;
			break;
		}
	}
	for (i = 0; i < m->nmemories; i++)
		v->mem64[nm++] = m->memories[i].is64;
	v->mem0_64 = v->mem64[0];
	for (i = 0; i < m->nglobals; i++) {
		v->global_types[ng] = m->globals[i].type.valtype;
		v->global_mut[ng++] = m->globals[i].type.mutable_;
	}
	for (i = 0; i < m->ntables; i++) {
		v->table64[nt] = m->tables[i].limits.is64;
		v->table_types[nt++] = m->tables[i].reftype;
	}
	v->scratch->v = v;
	v->scratch->m = m;
	*out = v;
	return 0;
fail:
	wasm_validator_free(v);
	return wp_error_set(err, "out of memory");
}

void wasm_validator_free(struct wasm_validator *v)
{
	if (!v)
		return;
	if (v->scratch)
		vfunc_release(v->scratch);
	free(v->scratch);
	free(v->refs);
	free(v->import_types);
	free(v->global_types);
	free(v->global_mut);
	free(v->table_types);
	free(v->mem64);
	free(v->table64);
	free(v->tag_types);
	free(v);
}

int wasm_validator_func(struct wasm_validator *v, uint32_t func,
			const struct wasm_validate_hooks *hooks)
{
	if (func < v->m->nfunc_imports || func >= v->nfuncs)
		return wp_error_set(WP_EINVALID, "function %u has no body", func);
	return wasm_vbody(v->scratch, func, hooks);
}

/* ---- all bodies ---- */

struct par {
	const struct wasm_validator *v;
	uint32_t next;      /* first function of the next chunk (atomic) */
	uint32_t first_bad; /* smallest failing function so far (atomic) */
	uint32_t chunk;
};

struct worker {
	struct par *p;
	pthread_t tid;
	int started;
	uint32_t bad; /* the function that failed here, or UINT32_MAX */
	int err;
	char msg[512];
};

static void note_bad(struct par *p, uint32_t f)
{
	uint32_t cur = __atomic_load_n(&p->first_bad, __ATOMIC_RELAXED);

	while (f < cur && !__atomic_compare_exchange_n(&p->first_bad, &cur, f, 0, __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED))
		;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct par *p = w->p;
	const struct wasm_module *m = p->v->m;
	struct vfunc s;
	uint32_t i, start, end;
	int err;

	memset(&s, 0, sizeof(s));
	s.v = p->v;
	s.m = m;
	for (;;) {
		start = __atomic_fetch_add(&p->next, p->chunk, __ATOMIC_RELAXED);
		if (start >= m->nfuncs)
			break;
		end = start + p->chunk < m->nfuncs ? start + p->chunk : m->nfuncs;
		for (i = start; i < end; i++) {
			if (i >= __atomic_load_n(&p->first_bad, __ATOMIC_RELAXED))
				goto out;
			if ((err = wasm_vbody(&s, m->nfunc_imports + i, NULL)) < 0) {
				w->bad = i;
				w->err = err;
				snprintf(w->msg, sizeof(w->msg), "%s", wp_error_last());
				note_bad(p, i);
				goto out;
			}
		}
	}
out:
	vfunc_release(&s);
	return NULL;
}

static unsigned thread_count(const struct wasm_module *m)
{
	unsigned want = __atomic_load_n(&max_threads, __ATOMIC_RELAXED);
	uint64_t code = 0;
	long n;
	uint32_t i;

	for (i = 0; i < m->ncodes; i++)
		code += m->codes[i].size;
	if (code < PARALLEL_MIN_CODE || m->nfuncs < 64)
		return 1;
	n = want ? (long)want : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static int bodies_parallel(const struct wasm_validator *v, unsigned nthreads)
{
	struct worker w[MAX_THREADS];
	struct par p;
	unsigned i, best = 0;

	p.v = v;
	p.next = 0;
	p.first_bad = UINT32_MAX;
	p.chunk = v->m->nfuncs / (nthreads * 32) + 1;
	for (i = 0; i < nthreads; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].p = &p;
		w[i].bad = UINT32_MAX;
	}
	/* the calling thread is worker 0; if a thread cannot start, the
	 * others simply take its share */
	for (i = 1; i < nthreads; i++)
		w[i].started = pthread_create(&w[i].tid, NULL, work, &w[i]) == 0;
	work(&w[0]);
	for (i = 1; i < nthreads; i++)
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
	for (i = 1; i < nthreads; i++)
		if (w[i].bad < w[best].bad)
			best = i;
	if (w[best].bad == UINT32_MAX)
		return 0;
	return wp_error_set(w[best].err, "%s", w[best].msg);
}

int wasm_validate(const struct wasm_module *m, const struct wasm_validate_hooks *hooks)
{
	struct wasm_validator *v = NULL;
	unsigned nthreads;
	uint32_t i;
	int err;

	if ((err = wasm_vmodule_rules(m)) < 0)
		return err;
	if ((err = wasm_validator_new(m, &v)) < 0)
		return err;
	nthreads = hooks ? 1 : thread_count(m);
	if (nthreads > 1) {
		err = bodies_parallel(v, nthreads);
	} else {
		for (i = 0; i < m->nfuncs && err == 0; i++)
			err = wasm_vbody(v->scratch, m->nfunc_imports + i, hooks);
	}
	wasm_validator_free(v);
	return err;
}
