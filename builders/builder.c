/*
 * builder.c - the builder registry: detection order, selection, and the
 * build pipeline around the language builders:
 *
 *   select -> toolchain -> cache key -> (hit: reuse) -> facts -> compile
 *          -> find module -> strip -> wasm-opt -> cache store
 *
 * Order (first match wins, see builder.h): rust, go, tinygo,
 * assemblyscript, cpp, c, emscripten, prebuilt.  Manifest-driven
 * ecosystems come first because their directories often hold C sources
 * too (a Rust crate with a C shim, an AssemblyScript project with a
 * Makefile); cpp precedes c because a C++ project usually has C files as
 * well; emscripten follows the WASI clang builders and is chosen when no
 * WASI clang is installed; prebuilt is the last resort.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "../oci/digest.h"
#include "../wasm/module.h"
#include "../wasm/strip.h"
#include "builder.h"
#include "cache.h"
#include "inputs.h"
#include "workspace.h"
#include "internal.h"

#define CACHE_FORMAT "wasmpack-build-cache 2"
#define MODULE_MAX (1024UL * 1024 * 1024)

static const struct builder_ops *const order[BUILDER_COUNT] = {
	&builder_rust, &builder_go, &builder_tinygo, &builder_assemblyscript,
	&builder_cpp, &builder_c, &builder_emscripten, &builder_prebuilt,
};

int builder_known(const char *name)
{
	size_t i;

	for (i = 0; i < BUILDER_COUNT; i++)
		if (!strcmp(order[i]->name, name))
			return 1;
	return 0;
}

char *builder_sanitize_name(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out;

	if (n > 5 && !strcmp(s + n - 5, ".wasm"))
		n -= 5;
	out = malloc(n + 8);
	if (!out)
		return NULL;
	for (i = 0; i < n && o < 64; i++) {
		unsigned char ch = (unsigned char)tolower((unsigned char)s[i]);
		if (isalnum(ch) || ch == '_' || ch == '-' || (ch == '.' && o > 0))
			out[o++] = (char)ch;
		else if (o > 0 && out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o > 0 && (out[o - 1] == '-' || out[o - 1] == '.'))
		o--;
	if (o == 0)
		memcpy(out, "app", 4);
	else
		out[o] = '\0';
	return out;
}

const char *builder_nothing_message(void)
{
	return "looked for Cargo.toml (rust), go.mod (go, tinygo), package.json depending on "
	       "assemblyscript (assemblyscript), CMakeLists.txt, a Makefile or *.c/*.cpp in the "
	       "directory or src/ (cpp, c, emscripten), exactly one .wasm (prebuilt)";
}

void builder_result_release(struct builder_result *r)
{
	size_t i;

	if (r->tmp_dir)
		wp_fs_remove_tree(r->tmp_dir);
	free(r->tmp_dir);
	free(r->wasm_path);
	free(r->name);
	free(r->version);
	free(r->builder);
	free(r->toolchain);
	free(r->dir);
	for (i = 0; i < r->nplan; i++)
		free(r->plan[i]);
	free(r->plan);
	memset(r, 0, sizeof(*r));
}

static int bctx_init(struct bctx *c, const struct builder_opts *o)
{
	char real[PATH_MAX];
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	memset(c, 0, sizeof(*c));
	c->o = o;
	c->jobs = n > 0 ? (int)n : 1;
	/* `build ./...` shares the cores among the builds it runs at once */
	if (getenv("WASMPACK_BUILD_JOBS") && atoi(getenv("WASMPACK_BUILD_JOBS")) > 0) {
		c->jobs = atoi(getenv("WASMPACK_BUILD_JOBS"));
		c->jobs_shared = 1;
	}
	wp_jobserver_from_env(&c->js);
	if (!realpath(o->dir, real))
		return wp_error_errno(WP_ENOTFOUND, "%s", o->dir);
	if (!(c->dir = strdup(real)) || !(c->dirname = wp_path_basename(real)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	c->bin = o->bin;
	c->target = o->target;
	if (o->config) {
		if (!c->bin)
			c->bin = o->config->bin;
		if (!c->target)
			c->target = o->config->target;
		c->wasm = o->config->wasm;
		c->build_args = o->config->build_args;
		c->nbuild_args = o->config->nbuild_args;
	}
	return 0;
}

static void bctx_release(struct bctx *c)
{
	size_t i;

	toolchain_release(&c->tc);
	for (i = 0; i < c->nsteps; i++) {
		free(c->steps[i].cwd);
		wp_strv_release(&c->steps[i].env);
		wp_strv_release(&c->steps[i].argv);
	}
	free(c->steps);
	free(c->dir);
	free(c->dirname);
	free(c->name);
	free(c->version);
	free(c->artifact);
	free(c->tdir);
	free(c->compat_inc);
	free(c->compat_lib);
	free(c->target_list);
	free(c->target_choice);
	free(c->target_why);
	free(c->tname);
	/* out_dir belongs to the result */
	memset(c, 0, sizeof(*c));
}

int bctx_file_exists(struct bctx *c, const char *rel)
{
	char *p = wp_path_join(c->dir, rel);
	int r = p && wp_fs_exists(p);

	free(p);
	return r;
}

int bctx_read(struct bctx *c, const char *rel, struct wp_buf *out)
{
	char *p = wp_path_join(c->dir, rel);
	int err;

	if (!p)
		return wp_error_set(WP_ENOMEM, "out of memory");
	err = wp_fs_exists(p) ? wp_fs_read_file(p, 4 * 1024 * 1024, out)
			      : wp_error_set(WP_ENOTFOUND, "%s: not found", p);
	free(p);
	return err;
}

void builder_detection_release(struct builder_detection *d)
{
	size_t i;

	for (i = 0; i < BUILDER_COUNT; i++) {
		free(d->v[i].reason);
		free(d->v[i].toolchain);
		free(d->v[i].missing);
		free(d->v[i].note);
	}
	free(d->dir);
	free(d->name);
	free(d->version);
	free(d->targets);
	free(d->target);
	free(d->target_why);
	free(d->targets_error);
	memset(d, 0, sizeof(*d));
	d->selected = -1;
}

/* Detect one builder, and probe its toolchain when it passes; the
 * toolchain found is left in *t (the caller releases it). */
static int verdict(struct bctx *c, const struct builder_ops *ops, struct builder_verdict *v,
		   struct toolchain *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	v->name = ops->name;
	c->ops = ops;
	if ((r = ops->detect(c, &v->reason)) < 0)
		return r;
	v->pass = r;
	if (!v->pass)
		return 0;
	if (c->o->quick) {
		v->missing = strdup("not probed");
	} else if (ops->toolchain(c, t) == 0) {
		v->have_toolchain = 1;
		v->toolchain = t->display ? strdup(t->display) : NULL;
		v->note = t->note ? strdup(t->note) : NULL;
	} else {
		v->missing = strdup(wp_error_last());
		wp_error_clear();
		toolchain_release(t);
	}
	return 0;
}

/*
 * The builder to use: the forced one, else the first that passes with a
 * toolchain present, else the first that passes (it will say what to
 * install).  *idx is -1 when nothing passes.
 */
static int choose(struct builder_detection *d, int *idx)
{
	int i;

	*idx = -1;
	for (i = 0; i < BUILDER_COUNT; i++)
		if (d->v[i].pass && d->v[i].have_toolchain) {
			*idx = i;
			return 0;
		}
	for (i = 0; i < BUILDER_COUNT; i++)
		if (d->v[i].pass) {
			*idx = i;
			return 0;
		}
	return 0;
}

static int forced_name(const struct builder_opts *o, const char **name)
{
	*name = o->builder ? o->builder : (o->config ? o->config->builder : NULL);
	if (*name && !builder_known(*name))
		return wp_error_set(WP_EUSAGE, "unknown builder '%s' (expected one of %s)", *name, BUILDER_ORDER);
	return 0;
}

static int index_of(const char *name)
{
	int i;

	for (i = 0; i < BUILDER_COUNT; i++)
		if (!strcmp(order[i]->name, name))
			return i;
	return -1;
}

/* For a C/C++ project with its toolchain: configure it as a build would
 * (the CMake tree is kept for the build) and record the executables. */
static int list_targets(struct bctx *c, struct builder_detection *d)
{
	int err;

	if (c->ops != &builder_c && c->ops != &builder_cpp && c->ops != &builder_emscripten)
		return 0;
	if (!c->tc.cc)
		return 0;
	if ((err = wp_fs_mkdtemp("wasmpack-detect", &c->out_dir)) < 0)
		return err;
	c->list_only = 1;
	if (c->ops->build(c) < 0) {
		d->targets_error = strdup(wp_error_last());
		wp_error_clear();
	} else {
		d->targets = c->target_list ? strdup(c->target_list) : NULL;
		d->target = c->target_choice ? strdup(c->target_choice) : NULL;
		d->target_why = c->target_why ? strdup(c->target_why) : NULL;
	}
	wp_fs_remove_tree(c->out_dir);
	free(c->out_dir);
	c->out_dir = NULL;
	return 0;
}

int builder_detect(const struct builder_opts *o, struct builder_detection *d)
{
	struct bctx c;
	const char *forced;
	int i, err;

	memset(d, 0, sizeof(*d));
	memset(&c, 0, sizeof(c));
	d->selected = -1;
	if ((err = forced_name(o, &forced)) < 0 || (err = bctx_init(&c, o)) < 0)
		goto done;
	for (i = 0; i < BUILDER_COUNT; i++) {
		struct toolchain t;
		err = verdict(&c, order[i], &d->v[i], &t);
		toolchain_release(&t);
		if (err < 0)
			goto done;
	}
	if (forced)
		d->selected = index_of(forced);
	else
		choose(d, &d->selected);
	d->dir = strdup(c.dir);
	if (d->selected >= 0 && o->quick < 2) {
		c.ops = order[d->selected];
		/* the facts and the target list may need the toolchain (cargo
		 * metadata, a configure run); `build ./...` discovery (quick)
		 * starts none: a builder whose facts need it (Rust) probes it
		 * itself */
		if (!o->quick && c.ops->toolchain(&c, &c.tc) < 0)
			wp_error_clear(); /* facts from files still work */
		if (c.ops->facts(&c) == 0) {
			d->name = builder_sanitize_name(c.o->config && c.o->config->name ? c.o->config->name
					      : c.name ? c.name : c.dirname);
			d->version = c.version ? strdup(c.version) : NULL;
		} else {
			wp_error_clear();
			d->name = builder_sanitize_name(c.dirname);
		}
		if (o->list_targets && (err = list_targets(&c, d)) < 0)
			goto done;
	}
done:
	bctx_release(&c);
	if (err < 0)
		builder_detection_release(d);
	return err;
}

/* --- the build --- */

static int wasm_opt_path(char **out)
{
	*out = tc_which("wasm-opt");
	return *out != NULL;
}

/* The digest of everything the module depends on. */
static int cache_key(struct bctx *c, char out[OCI_DIGEST_SIZE])
{
	struct inputs in;
	struct oci_hasher h;
	struct wp_buf k = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char *opt = NULL, compat[OCI_DIGEST_SIZE], *ws = NULL;
	const char *root = c->dir;
	size_t i;
	int err = 0;

	memset(&in, 0, sizeof(in));
	/* a Cargo or npm workspace member reads the whole workspace (path
	 * dependencies, the root's manifest and lock file) */
	if (c->ops == &builder_rust)
		err = workspace_cargo_root(c->dir, &ws);
	else if (c->ops == &builder_assemblyscript)
		err = workspace_npm_root(c->dir, &ws, &opt);
	free(opt);
	opt = NULL;
	if (err < 0)
		return err;
	if (ws)
		root = ws;
	if ((err = inputs_list(root, c->o->exclude, c->o->nexclude, &in)) < 0) {
		free(ws);
		return err;
	}
	wp_buf_printf(&k, "%s\nbuilder %s\ntoolchain %s\n", CACHE_FORMAT, c->ops->name,
		      c->tc.identity ? c->tc.identity : "-");
	wp_buf_printf(&k, "profile %s\nkeep-debug %d\nbin %s\nwasm %s\ndir %s\nname %s\n",
		      c->o->debug ? "debug" : "release", c->o->keep_debug, c->bin ? c->bin : "-",
		      c->wasm ? c->wasm : "-", c->dirname,
		      c->o->config && c->o->config->name ? c->o->config->name : "-");
	if ((err = compat_digest(compat)) < 0)
		goto done;
	wp_buf_printf(&k, "compat %s\n", compat);
	wp_buf_printf(&k, "exceptions %d\n", c->o->exceptions);
	wp_buf_printf(&k, "strict-wasi %d\nstack %llu\ntarget %s\n", c->o->strict_wasi,
		      (unsigned long long)c->o->stack_size, c->target ? c->target : "-");
	wp_buf_printf(&k, "optimize %d ", c->o->optimize);
	if (c->o->optimize && wasm_opt_path(&opt))
		tc_fingerprint(&k, opt);
	free(opt);
	wp_buf_puts(&k, "\n");
	for (i = 0; i < c->nbuild_args; i++)
		wp_buf_printf(&k, "arg %s\n", c->build_args[i]);
	for (i = 0; i < c->o->nallow_imports; i++)
		wp_buf_printf(&k, "allow-import %s\n", c->o->allow_imports[i]);
	if (!k.data) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = oci_hasher_init(&h)) < 0)
		goto done;
	if ((err = oci_hasher_update(&h, k.data, k.len)) == 0 && (err = inputs_digest(root, &in, &h)) == 0)
		err = oci_hasher_final(&h, out);
	oci_hasher_release(&h);
done:
	wp_buf_release(&k);
	inputs_release(&in);
	free(ws);
	return err;
}

static int set_name(struct bctx *c, struct builder_result *r)
{
	const char *n = c->o->config && c->o->config->name ? c->o->config->name : c->name ? c->name : c->dirname;

	free(r->name);
	if (!(r->name = builder_sanitize_name(n)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	return 0;
}

static int from_cache(struct bctx *c, const char *key, struct builder_result *r, int *hit)
{
	struct wp_buf meta = WP_BUF_INIT(WP_BUF_UNLIMITED), wasm = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char digest[OCI_DIGEST_SIZE];
	json_t *j = NULL;
	char *path = NULL;
	int err = 0;

	*hit = 0;
	if (cache_lookup(key, &meta, &wasm) < 0) {
		wp_error_clear();
		goto done;
	}
	j = json_loadb((const char *)meta.data, meta.len, 0, NULL);
	/* a damaged or altered entry (its module does not have the digest
	 * recorded when it was stored) is a miss: built again, stored anew */
	if (!j || !json_is_string(json_object_get(j, "name")) ||
	    !json_is_string(json_object_get(j, "digest")) || oci_digest(wasm.data, wasm.len, digest) < 0 ||
	    strcmp(digest, json_string_value(json_object_get(j, "digest"))) != 0) {
		wp_error_clear();
		bctx_note(c, "build cache entry damaged (its module does not match the digest recorded when it was stored): building again");
		goto done;
	}
	free(c->name);
	free(c->version);
	c->name = strdup(json_string_value(json_object_get(j, "name")));
	c->version = json_is_string(json_object_get(j, "version"))
			     ? strdup(json_string_value(json_object_get(j, "version"))) : NULL;
	if ((err = set_name(c, r)) < 0 || !(path = malloc(strlen(c->out_dir) + strlen(r->name) + 8))) {
		err = err < 0 ? err : wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	sprintf(path, "%s/%s.wasm", c->out_dir, r->name);
	if ((err = wp_fs_write_atomic(path, wasm.data, wasm.len, 0644)) < 0)
		goto done;
	r->wasm_path = path;
	path = NULL;
	r->size_built = (size_t)json_integer_value(json_object_get(j, "sizeBuilt"));
	r->size_final = wasm.len;
	*hit = 1;
done:
	free(path);
	json_decref(j);
	wp_buf_release(&meta);
	wp_buf_release(&wasm);
	return err;
}

static int import_allowed(const struct builder_opts *o, const struct wasm_import *im)
{
	size_t i, n = im->module_len;

	for (i = 0; i < o->nallow_imports; i++) {
		const char *a = o->allow_imports[i];
		if (strlen(a) > n && !strncmp(a, im->module, n) && a[n] == '.' &&
		    (!strcmp(a + n + 1, "*") || !strcmp(a + n + 1, im->name)))
			return 1;
	}
	return 0;
}

/* A module that imports what no WASI runtime provides (an emscripten
 * env.* function, a host function of some embedder) would be pushed as
 * an image nobody can run: say so, naming the imports. */
static int check_imports(struct bctx *c, const struct wasm_module *m)
{
	struct wp_buf bad = WP_BUF_INIT(WP_BUF_UNLIMITED);
	uint32_t i, n = 0;
	int err = 0;

	if (m->kind != WASM_KIND_MODULE || c->ops == &builder_prebuilt)
		return 0;
	for (i = 0; i < m->nimports; i++) {
		const struct wasm_import *im = &m->imports[i];
		if ((im->kind == WASM_EXTERN_FUNC && wasm_wasi_p1_provides(im->module, im->name)) ||
		    import_allowed(c->o, im))
			continue;
		if (n++ < 8)
			wp_buf_printf(&bad, "%s%s.%s", n > 1 ? ", " : "", im->module, im->name);
	}
	if (n > 8)
		wp_buf_printf(&bad, " and %u more", n - 8);
	if (n)
		err = wp_error_set(WP_EINVALID, "the module imports what no WASI runtime provides: %s (define %s in the program, or package it anyway with --allow-import MODULE.NAME)",
				   wp_buf_cstr(&bad), n == 1 ? "it" : "them");
	wp_buf_release(&bad);
	return err;
}

/* Say which of the compat library's functions the module links. */
static int report_compat(struct bctx *c, const struct wp_buf *wasm)
{
	struct wp_buf names = WP_BUF_INIT(WP_BUF_UNLIMITED);
	int err = compat_linked(wasm->data, wasm->len, &names);

	if (err == 0 && names.len)
		bctx_note(c, "the module uses wasmpack's POSIX compat for %s (what each does: docs/builders.md; --strict-wasi builds without it)",
			  wp_buf_cstr(&names));
	wp_buf_release(&names);
	return err;
}

/* Strip and optimize the built module into r->wasm_path. */
static int postprocess(struct bctx *c, struct builder_result *r)
{
	struct wp_buf in = WP_BUF_INIT(MODULE_MAX), out = WP_BUF_INIT(MODULE_MAX);
	struct wasm_module *m = NULL;
	char *opt = NULL, *optin = NULL, *path = NULL;
	size_t removed = 0;
	int err;

	if ((err = wp_fs_read_file(c->artifact, MODULE_MAX, &in)) < 0)
		goto done;
	if (wasm_module_decode(in.data, in.len, WASM_DECODE_FACTS, &m) < 0) {
		err = wp_error_wrap(WP_EINVALID, "the build produced %s, which is not a usable module", c->artifact);
		goto done;
	}
	if ((err = check_imports(c, m)) < 0 || (err = report_compat(c, &in)) < 0)
		goto done;
	r->size_built = in.len;
	if (c->o->keep_debug) {
		err = wp_buf_append(&out, in.data, in.len);
	} else if ((err = wasm_strip_debug(in.data, in.len, 0, &out, &removed)) == 0 && removed) {
		bctx_note(c, "stripped %zu debug section%s: %zu -> %zu bytes (keep them with --keep-debug)",
			  removed, removed == 1 ? "" : "s", in.len, out.len);
	}
	if (err < 0)
		goto done;
	if (asprintf(&path, "%s/%s.wasm", c->out_dir, r->name) < 0 ||
	    asprintf(&optin, "%s/.%s.pre-opt.wasm", c->out_dir, r->name) < 0) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (c->o->optimize && !wasm_opt_path(&opt)) {
		bctx_note(c, "--optimize: wasm-opt (binaryen) is not installed, the module is left as built (apt-get install binaryen)");
	} else if (c->o->optimize) {
		char *argv[] = { opt, "-O2", optin, "-o", path, c->o->keep_debug ? "-g" : NULL, NULL };
		size_t before = out.len;
		if ((err = wp_fs_write_atomic(optin, out.data, out.len, 0644)) < 0 ||
		    (err = bctx_exec(c, NULL, NULL, argv)) < 0)
			goto done;
		wp_buf_reset(&out);
		if ((err = wp_fs_read_file(path, MODULE_MAX, &out)) < 0)
			goto done;
		unlink(optin);
		bctx_note(c, "wasm-opt -O2: %zu -> %zu bytes", before, out.len);
	}
	if ((err = wp_fs_write_atomic(path, out.data, out.len, 0644)) < 0)
		goto done;
	r->size_final = out.len;
	r->wasm_path = path;
	path = NULL;
done:
	free(opt);
	free(optin);
	free(path);
	wasm_module_free(m);
	wp_buf_release(&in);
	wp_buf_release(&out);
	return err;
}

static int store(struct bctx *c, const char *key, const struct builder_result *r)
{
	struct wp_buf wasm = WP_BUF_INIT(MODULE_MAX);
	char digest[OCI_DIGEST_SIZE];
	json_t *j = NULL;
	char *text = NULL;
	uint64_t max;
	int err;

	if ((err = wp_fs_read_file(r->wasm_path, MODULE_MAX, &wasm)) < 0 ||
	    (err = oci_digest(wasm.data, wasm.len, digest)) < 0)
		goto done;
	j = json_pack("{s:s, s:s?, s:s?, s:s, s:I, s:s}", "name", c->name ? c->name : c->dirname, "version",
		      c->version, "toolchain", r->toolchain, "builder", r->builder, "sizeBuilt",
		      (json_int_t)r->size_built, "digest", digest);
	if (!j || !(text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = cache_max(&max)) < 0)
		goto done;
	/* a cache that cannot be written is not a failed build */
	if (cache_store(key, wasm.data, wasm.len, text) < 0 || cache_evict(max) < 0) {
		bctx_note(c, "build cache not updated: %s", wp_error_last());
		wp_error_clear();
	}
done:
	free(text);
	json_decref(j);
	wp_buf_release(&wasm);
	return err;
}

static int select_builder(struct bctx *c, struct builder_detection *d, int *have_tc)
{
	const char *forced;
	int idx, err;

	if ((err = forced_name(c->o, &forced)) < 0)
		return err;
	if (forced) {
		c->ops = order[index_of(forced)];
		return 0;
	}
	for (idx = 0; idx < BUILDER_COUNT; idx++) {
		struct toolchain t;
		if ((err = verdict(c, order[idx], &d->v[idx], &t)) < 0)
			return err;
		if (d->v[idx].pass && d->v[idx].have_toolchain) {
			/* found: keep what was probed instead of probing again */
			c->ops = order[idx];
			c->tc = t;
			*have_tc = 1;
			return 0;
		}
		toolchain_release(&t);
	}
	choose(d, &idx);
	if (idx < 0)
		return wp_error_set(WP_ENOTFOUND, "nothing to build in %s: %s", c->o->dir, builder_nothing_message());
	c->ops = order[idx];
	return 0;
}

static int copy_plan(struct bctx *c, struct builder_result *r)
{
	size_t i;

	if (!c->nsteps)
		return 0;
	if (!(r->plan = calloc(c->nsteps, sizeof(*r->plan))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < c->nsteps; i++) {
		if (!(r->plan[i] = step_format(&c->steps[i])))
			return wp_error_set(WP_ENOMEM, "out of memory");
		r->nplan++;
	}
	return 0;
}

int builder_build(const struct builder_opts *o, struct builder_result *r)
{
	struct builder_detection d;
	struct bctx c;
	char key[OCI_DIGEST_SIZE];
	int err, hit = 0, use_cache, have_tc = 0;

	memset(r, 0, sizeof(*r));
	memset(&d, 0, sizeof(d));
	if ((err = bctx_init(&c, o)) < 0 || (err = select_builder(&c, &d, &have_tc)) < 0)
		goto done;
	if ((err = set_str(&r->builder, c.ops->name)) < 0 || (err = set_str(&r->dir, c.dir)) < 0)
		goto done;
	if (!have_tc && (err = c.ops->toolchain(&c, &c.tc)) < 0) {
		if (!o->dry_run)
			goto done;
		/* a dry run still shows what would run, with the tools missing */
		bctx_note(&c, "%s", wp_error_last());
		wp_error_clear();
		err = 0;
	}
	if (c.tc.note)
		bctx_note(&c, "%s", c.tc.note);
	if ((err = wp_fs_mkdtemp("wasmpack-build", &c.out_dir)) < 0)
		goto done;
	r->tmp_dir = c.out_dir;
	use_cache = !o->no_cache && !o->dry_run && c.ops != &builder_prebuilt;
	if (use_cache) {
		char *root = NULL;
		/* a cache another user could have written is not used at all */
		if (cache_root(&root) < 0) {
			bctx_note(&c, "build cache not used: %s", wp_error_last());
			wp_error_clear();
			use_cache = 0;
		}
		free(root);
	}
	if (use_cache) {
		uint64_t max;
		if ((err = cache_max(&max)) < 0 || (err = cache_key(&c, key)) < 0 || (err = from_cache(&c, oci_digest_hex(key), r, &hit)) < 0)
			goto done;
		if (hit) {
			r->cache_hit = 1;
			err = set_str(&r->version, c.version);
			goto done;
		}
	}
	if ((err = c.ops->facts(&c)) < 0 && o->dry_run) {
		bctx_note(&c, "%s", wp_error_last());
		wp_error_clear();
		err = 0;
	}
	if (err < 0 || (err = set_name(&c, r)) < 0 ||
	    (err = set_str(&r->version, c.version)) < 0)
		goto done;
	if ((err = c.ops->build(&c)) < 0)
		goto done;
	if (o->dry_run || c.ops == &builder_prebuilt) {
		/* prebuilt modules are packaged as they are, byte for byte */
		if (!o->dry_run && (err = set_str(&r->wasm_path, c.artifact)) == 0) {
			struct wp_buf b = WP_BUF_INIT(MODULE_MAX);
			if ((err = wp_fs_read_file(c.artifact, MODULE_MAX, &b)) == 0)
				r->size_built = r->size_final = b.len;
			wp_buf_release(&b);
		}
		goto done;
	}
	if ((err = postprocess(&c, r)) < 0)
		goto done;
	if (use_cache)
		err = store(&c, oci_digest_hex(key), r);
done:
	if (err == 0)
		err = copy_plan(&c, r);
	if (err == 0)
		err = set_str(&r->toolchain, c.tc.display);
	bctx_release(&c);
	builder_detection_release(&d);
	if (err < 0)
		builder_result_release(r);
	return err;
}
