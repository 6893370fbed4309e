/*
 * load.c - runner_module_load(): decode, validate and compile a module;
 * canonical function type ids; the "name" section for backtraces.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../wasm/reader.h"
#include "internal.h"

/* ---- canonical type ids: equal signatures get equal ids, process-wide,
 * so call_indirect compares one integer even across instances ---- */

static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wasm_functype *types;
static uint32_t ntypes, captypes;
/* ids by signature hash (open addressing, UINT32_MAX free, at most half
 * full): a module of many distinct types interns in linear time */
static uint32_t *slots;
static size_t nslots;

static int type_equal(const struct wasm_functype *a, const struct wasm_functype *b)
{
	return a->nparams == b->nparams && a->nresults == b->nresults &&
	       !memcmp(a->params, b->params, a->nparams) &&
	       !memcmp(a->results, b->results, a->nresults);
}

static uint64_t type_hash(const struct wasm_functype *t)
{
	uint64_t h = 0xcbf29ce484222325ull ^ t->nparams ^ (uint64_t)t->nresults << 32;
	uint32_t i;

	for (i = 0; i < t->nparams; i++)
		h = (h ^ t->params[i]) * 0x100000001b3ull;
	h = (h ^ 0xff) * 0x100000001b3ull;
	for (i = 0; i < t->nresults; i++)
		h = (h ^ t->results[i]) * 0x100000001b3ull;
	return h;
}

/* The slot holding t's id, or the free slot where it goes. */
static size_t find_slot(const struct wasm_functype *t)
{
	size_t h = (size_t)type_hash(t) & (nslots - 1);

	while (slots[h] != UINT32_MAX && !type_equal(&types[slots[h]], t))
		h = (h + 1) & (nslots - 1);
	return h;
}

static int grow_slots(void)
{
	size_t n = nslots ? nslots * 2 : 256, i, old = nslots;
	uint32_t *prev = slots;

	if (!(slots = malloc(n * sizeof(*slots)))) {
		slots = prev;
		return -1;
	}
	memset(slots, 0xff, n * sizeof(*slots));
	nslots = n;
	for (i = 0; i < old; i++)
		if (prev[i] != UINT32_MAX)
			slots[find_slot(&types[prev[i]])] = prev[i];
	free(prev);
	return 0;
}

uint32_t rtype_intern(const struct wasm_functype *t)
{
	uint32_t id = UINT32_MAX;
	size_t h;

	pthread_mutex_lock(&types_lock);
	if ((2 * ((size_t)ntypes + 1) > nslots) && grow_slots() < 0)
		goto done;
	h = find_slot(t);
	if (slots[h] != UINT32_MAX) {
		id = slots[h];
		goto done;
	}
	if (ntypes == captypes) {
		uint32_t cap = captypes ? captypes * 2 : 64;
		struct wasm_functype *n = realloc(types, sizeof(*n) * cap);
		if (!n)
			goto done;
		types = n;
		captypes = cap;
	}
	types[ntypes].nparams = t->nparams;
	types[ntypes].nresults = t->nresults;
	types[ntypes].params = malloc(t->nparams + 1);
	types[ntypes].results = malloc(t->nresults + 1);
	if (!types[ntypes].params || !types[ntypes].results) {
		free(types[ntypes].params);
		free(types[ntypes].results);
		goto done;
	}
	memcpy(types[ntypes].params, t->params, t->nparams);
	memcpy(types[ntypes].results, t->results, t->nresults);
	id = ntypes++;
	slots[h] = id;
done:
	pthread_mutex_unlock(&types_lock);
	return id;
}

/* ---- typed references ---- */

/* A reference type beyond funcref, externref and exnref. */
static int is_typed(uint8_t c)
{
	return wasm_is_reftype(c) && c != WASM_FUNCREF && c != WASM_EXTERNREF && c != WASM_EXNREF;
}

static int has_typed(const struct wasm_functype *t)
{
	uint32_t k;

	for (k = 0; k < t->nparams; k++)
		if (is_typed(t->params[k]))
			return 1;
	for (k = 0; k < t->nresults; k++)
		if (is_typed(t->results[k]))
			return 1;
	return 0;
}

/* A type with typed references is identified by its structure spelled out
 * (wasm_functype_key): equivalent types of two modules get one id. */
static uint32_t typed_intern(const struct wasm_module *m, uint32_t i, const uint32_t *ids)
{
	struct wasm_functype key;
	static const uint8_t marker = 0xff;
	uint8_t small[256], *buf = small;
	size_t n;
	uint32_t id;

	if (!has_typed(&m->types[i]))
		return rtype_intern(&m->types[i]);
	n = wasm_functype_key(m, i, ids, small, sizeof(small));
	if (n > sizeof(small)) {
		if (!(buf = malloc(n)))
			return UINT32_MAX;
		wasm_functype_key(m, i, ids, buf, n);
	}
	/* no signature of plain types has the result 0xff */
	key.nparams = (uint32_t)n;
	key.params = buf;
	key.nresults = 1;
	key.results = (uint8_t *)&marker;
	id = rtype_intern(&key);
	if (buf != small)
		free(buf);
	return id;
}

/* pub_types: every type with its references as their family's top type. */
static int typed_types(struct runner_module *rm)
{
	const struct wasm_module *m = rm->wasm;
	uint32_t i, k, any = 0;

	for (i = 0; i < m->ntypes && !any; i++)
		any = has_typed(&m->types[i]);
	if (!any)
		return 0;
	rm->pub_types = calloc(m->ntypes + 1, sizeof(*rm->pub_types));
	if (!rm->pub_types)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < m->ntypes; i++) {
		const struct wasm_functype *t = &m->types[i];
		struct wasm_functype *p = &rm->pub_types[i];
		p->nparams = t->nparams;
		p->nresults = t->nresults;
		p->params = malloc(t->nparams + 1);
		p->results = malloc(t->nresults + 1);
		if (!p->params || !p->results)
			return wp_error_set(WP_ENOMEM, "out of memory");
		for (k = 0; k < t->nparams; k++)
			p->params[k] = wasm_ref_top(m, t->params[k]);
		for (k = 0; k < t->nresults; k++)
			p->results[k] = wasm_ref_top(m, t->results[k]);
	}
	return 0;
}

/* ---- the name section (subsection 1: function names); a malformed one
 * is ignored, as engines do ---- */

static void read_names(struct runner_module *rm)
{
	const struct wasm_module *m = rm->wasm;
	uint32_t nfuncs = m->nfunc_imports + m->nfuncs, i;

	for (i = 0; i < m->nsections; i++) {
		const struct wasm_section *s = &m->sections[i];
		struct wasm_reader r;
		const char *name;
		uint32_t len;

		if (s->id != WASM_SEC_CUSTOM || !s->name || strcmp(s->name, "name"))
			continue;
		wasm_reader_init(&r, m->bytes, m->size);
		r.p = m->bytes + s->content_offset;
		r.end = r.p + s->content_size;
		if (wasm_read_name(&r, &name, &len) < 0)
			return;
		while (!wasm_reader_eof(&r)) {
			uint8_t id;
			uint32_t size, n, k;
			struct wasm_reader sub;
			if (wasm_read_u8(&r, &id) < 0 || wasm_read_u32(&r, &size) < 0 ||
			    wasm_reader_sub(&r, size, &sub) < 0)
				return;
			if (id != 1)
				continue;
			if (wasm_read_u32(&sub, &n) < 0)
				return;
			for (k = 0; k < n; k++) {
				uint32_t idx;
				if (wasm_read_u32(&sub, &idx) < 0 || wasm_read_name(&sub, &name, &len) < 0)
					return;
				if (idx < nfuncs && !rm->func_names[idx])
					rm->func_names[idx] = strndup(name, len);
			}
		}
		return;
	}
}

/*
 * Keep what the module needs once loaded: the code section (functions are
 * compiled on their first call) and the data section (instantiation copies
 * the segments), each at its offset in a block as big as the binary, so
 * the decoded module's pointers and offsets stay meaningful.  The rest
 * (custom sections: debug info is often most of a release binary) is not
 * copied; calloc'd memory that is never written costs no page of memory.
 */
static int keep_bytes(struct runner_module *rm, const uint8_t *data, size_t len)
{
	struct wasm_module *m = rm->wasm;
	uint32_t i;

	rm->bytes = calloc(len ? len : 1, 1);
	if (!rm->bytes)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < m->nsections; i++) {
		const struct wasm_section *s = &m->sections[i];
		if (s->id == WASM_SEC_CODE || s->id == WASM_SEC_DATA)
			memcpy(rm->bytes + s->content_offset, data + s->content_offset,
			       s->content_size);
	}
	for (i = 0; i < m->ncodes; i++)
		m->codes[i].body = rm->bytes + (m->codes[i].body - data);
	for (i = 0; i < m->ndatas; i++)
		if (m->datas[i].bytes)
			m->datas[i].bytes = rm->bytes + (m->datas[i].bytes - data);
	m->bytes = rm->bytes;
	return 0;
}

/* exnref, or a typed reference to an exception (3.0) */
static int exnish(const struct wasm_module *m, uint8_t t)
{
	return wasm_is_reftype(t) && wasm_ref_top(m, t) == WASM_EXNREF;
}

static int has_exnref(const struct wasm_module *m, const uint8_t *t, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (exnish(m, t[i]))
			return 1;
	return 0;
}

static int type_has_exnref(const struct wasm_module *m, uint32_t type)
{
	const struct wasm_functype *t = &m->types[type];

	return has_exnref(m, t->params, t->nparams) || has_exnref(m, t->results, t->nresults);
}

/* Whether exception references can be kept outside the wasm stack (see
 * exception.c): exnref globals or tables, tags with an exnref in their
 * payload, imported or exported functions that pass exnrefs. */
static int exn_escapes(const struct wasm_module *m)
{
	uint32_t i;

	for (i = 0; i < m->nimports; i++) {
		const struct wasm_import *im = &m->imports[i];
		if ((im->kind == WASM_EXTERN_FUNC && type_has_exnref(m, im->desc.func_type)) ||
		    (im->kind == WASM_EXTERN_TAG && type_has_exnref(m, im->desc.tag_type)) ||
		    (im->kind == WASM_EXTERN_GLOBAL && exnish(m, im->desc.global.valtype)) ||
		    (im->kind == WASM_EXTERN_TABLE && exnish(m, im->desc.table.reftype)))
			return 1;
	}
	for (i = 0; i < m->nexports; i++)
		if (m->exports[i].kind == WASM_EXTERN_FUNC &&
		    type_has_exnref(m, wasm_module_func_type(m, m->exports[i].index) - m->types))
			return 1;
	for (i = 0; i < m->ntags; i++)
		if (type_has_exnref(m, m->tags[i]))
			return 1;
	for (i = 0; i < m->nglobals; i++)
		if (exnish(m, m->globals[i].type.valtype))
			return 1;
	for (i = 0; i < m->ntables; i++)
		if (exnish(m, m->tables[i].reftype))
			return 1;
	return 0;
}

int runner_module_load(const uint8_t *data, size_t len, runner_module **out)
{
	struct runner_module *rm;
	uint32_t i;
	int err;

	*out = NULL;
	rm = calloc(1, sizeof(*rm));
	if (!rm)
		return wp_error_set(WP_ENOMEM, "out of memory");
	pthread_mutex_init(&rm->lock, NULL);
	if ((err = wasm_module_decode(data, len, WASM_DECODE_STRICT, &rm->wasm)) < 0)
		goto done;
	if (rm->wasm->kind != WASM_KIND_MODULE) {
		err = wp_error_set(WP_EINVALID, "a component, not a core module: cannot run it");
		goto done;
	}
	rm->type_ids = calloc(rm->wasm->ntypes + 1, sizeof(uint32_t));
	rm->func_names = calloc(rm->wasm->nfunc_imports + rm->wasm->nfuncs + 1, sizeof(char *));
	rm->codes = calloc(rm->wasm->nfuncs + 1, sizeof(*rm->codes));
	if (!rm->type_ids || !rm->func_names || !rm->codes) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = typed_types(rm)) < 0)
		goto done;
	for (i = 0; i < rm->wasm->ntypes; i++) {
		rm->type_ids[i] = rm->pub_types ? typed_intern(rm->wasm, i, rm->type_ids)
						: rtype_intern(&rm->wasm->types[i]);
		if (rm->type_ids[i] == UINT32_MAX) {
			err = wp_error_set(WP_ENOMEM, "out of memory");
			goto done;
		}
	}
	for (i = 0; i < rm->wasm->nsections; i++)
		if (rm->wasm->sections[i].id == WASM_SEC_CODE)
			rm->wasm_code_bytes = rm->wasm->sections[i].size;
	/* every body is checked now (invalid modules fail here, with the
	 * offset); each is compiled on its first call */
	if ((err = wasm_validate(rm->wasm, NULL)) < 0)
		goto done;
	read_names(rm);
	rm->exn_escapes = exn_escapes(rm->wasm);
	if ((err = keep_bytes(rm, data, len)) < 0)
		goto done;
	*out = rm;
	return 0;
done:
	runner_module_free(rm);
	return err;
}

void runner_module_free(runner_module *rm)
{
	uint32_t i;

	if (!rm)
		return;
	rcompile_release(rm);
	pthread_mutex_destroy(&rm->lock);
	if (rm->codes)
		for (i = 0; i < rm->wasm->nfuncs; i++)
			rcode_free(&rm->codes[i]);
	free(rm->codes);
	if (rm->func_names)
		for (i = 0; i < rm->wasm->nfunc_imports + rm->wasm->nfuncs; i++)
			free(rm->func_names[i]);
	free(rm->func_names);
	free(rm->type_ids);
	if (rm->pub_types) {
		for (i = 0; i < rm->wasm->ntypes; i++) {
			free(rm->pub_types[i].params);
			free(rm->pub_types[i].results);
		}
		free(rm->pub_types);
	}
	wasm_module_free(rm->wasm);
	free(rm->bytes);
	free(rm);
}

const struct wasm_module *runner_module_wasm(const runner_module *m)
{
	return m->wasm;
}

int runner_module_compile_all(runner_module *m)
{
	return rcompile_all(m);
}

size_t runner_module_code_size(const runner_module *m)
{
	return m->code_bytes;
}

size_t runner_module_wasm_code_size(const runner_module *m)
{
	return m->wasm_code_bytes;
}

const char *runner_module_func_name(const runner_module *m, uint32_t func)
{
	if (!m || func >= m->wasm->nfunc_imports + m->wasm->nfuncs)
		return NULL;
	return m->func_names[func];
}
