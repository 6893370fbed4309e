/*
 * run_target.c - find what `wasmpack run` is asked to run: a module file,
 * an image in a layout or archive, or an image in a registry, and for
 * images the module inside (any of the three formats), its Cmd and Env.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "../oci/image.h"
#include "../oci/layout.h"
#include "../registry/reference.h"
#include "run.h"

static void free_vec(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void run_target_release(struct run_target *t)
{
	wp_buf_release(&t->wasm);
	free(t->argv0);
	free(t->origin);
	free_vec(t->entry);
	free_vec(t->cmd);
	free_vec(t->env);
	memset(t, 0, sizeof(*t));
}

/* A JSON array of strings as a NULL-terminated vector (NULL when absent). */
static int string_vec(json_t *arr, const char *what, char ***out, size_t *n)
{
	json_t *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return wp_error_set(WP_EINVALID, "image config: %s is not an array", what);
	if (!(*out = calloc(json_array_size(arr) + 1, sizeof(char *))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return wp_error_set(WP_EINVALID, "image config: %s[%zu] is not a string", what, i);
		if (!((*out)[i] = strdup(json_string_value(v))))
			return wp_error_set(WP_ENOMEM, "out of memory");
		*n = i + 1;
	}
	return 0;
}

/* Entrypoint (past the module), Cmd and Env of the `image` format's config
 * (the other formats have none). */
static int image_exec_config(const struct oci_image *img, struct run_target *t)
{
	json_t *cfg = NULL, *c;
	char **ep = NULL;
	size_t nep = 0;
	int err;

	if (img->format != OCI_FORMAT_IMAGE)
		return 0;
	if ((err = oci_json_load(img->config.data, img->config.size, "image config", &cfg)) < 0)
		return err;
	c = json_object_get(cfg, "config");
	if ((err = string_vec(json_object_get(c, "Cmd"), "Cmd", &t->cmd, &t->ncmd)) == 0 &&
	    (err = string_vec(json_object_get(c, "Env"), "Env", &t->env, &t->nenv)) == 0)
		err = string_vec(json_object_get(c, "Entrypoint"), "Entrypoint", &ep, &nep);
	/* as a container runtime: argv is the Entrypoint, then Cmd (or ARGS) */
	if (err == 0 && nep > 1) {
		t->entry = ep;
		t->nentry = nep - 1;
		free(ep[0]);
		memmove(ep, ep + 1, nep * sizeof(char *)); /* with its NULL */
		ep = NULL;
	}
	free_vec(ep);
	json_decref(cfg);
	return err;
}

static int from_image(const struct oci_image *img, const char *origin, struct run_target *t)
{
	int err;

	if ((err = oci_image_module(img, &t->wasm, &t->argv0)) < 0)
		return wp_error_wrap(err, "%s", origin);
	if ((err = image_exec_config(img, t)) < 0)
		return wp_error_wrap(err, "%s", origin);
	return 0;
}

static int load_layout(const char *target, struct run_target *t)
{
	char *kind = NULL, *path = NULL, *tag = NULL;
	struct oci_store *s = NULL;
	struct oci_image *img = NULL;
	int err;

	if ((err = oci_dest_parse(target, &kind, &path, &tag)) < 0)
		goto done;
	if (!strcmp(kind, "docker-archive")) {
		err = wp_error_set(WP_EUSAGE, "run reads oci: and oci-archive: images, not docker-archive");
		goto done;
	}
	err = !strcmp(kind, "oci") ? oci_store_open_dir(path, &s) : oci_store_open_archive(path, &s);
	if (err < 0 || (err = oci_store_read_image(s, tag, NULL, &img)) < 0)
		goto done;
	if (asprintf(&t->origin, "%s:%s@%s", kind, path, img->manifest.digest) < 0) {
		t->origin = NULL;
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	err = from_image(img, t->origin, t);
done:
	oci_image_free(img);
	oci_store_free(s);
	free(kind);
	free(path);
	free(tag);
	return err;
}

static int load_ref(const char *target, const struct registry_opts *ro, struct run_target *t)
{
	struct oci_image *img = NULL;
	int err;

	if ((err = registry_pull(target, ro, &img, &t->origin)) == 0)
		err = from_image(img, t->origin, t);
	oci_image_free(img);
	return err;
}

static int load_file(const char *target, struct run_target *t)
{
	int err = wp_fs_read_file(target, OCI_WASM_MAX, &t->wasm);

	if (err < 0)
		return err;
	if (!(t->argv0 = wp_path_basename(target)) || !(t->origin = strdup(target)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	return 0;
}

/* 1 if TARGET can only mean a local file: it starts with '.' or '/', ends
 * in ".wasm", or its first component is a local directory ("build/app"). */
static int looks_like_path(const char *target)
{
	size_t len = strlen(target);
	const char *slash = strchr(target, '/');
	char *first;
	int dir;

	if (target[0] == '.' || target[0] == '/' || (len > 5 && !strcmp(target + len - 5, ".wasm")))
		return 1;
	if (!slash || !(first = strndup(target, (size_t)(slash - target))))
		return 0;
	dir = wp_fs_is_dir(first);
	free(first);
	return dir;
}

/*
 * A file when it exists or looks like a path (then a missing one is an
 * error, never a pull: `run build/app` must not fetch docker.io/build/app
 * and give it the grants meant for a local file); a registry only when the
 * reference names its registry host.
 */
int run_target_load(const char *target, const struct registry_opts *ro, struct run_target *out)
{
	struct registry_ref *ref = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	wp_buf_init(&out->wasm, OCI_WASM_MAX);
	if (!strncmp(target, "oci:", 4) || !strncmp(target, "oci-archive:", 12) ||
	    !strncmp(target, "docker-archive:", 15))
		err = load_layout(target, out);
	else if (wp_fs_exists(target))
		err = load_file(target, out);
	else if (looks_like_path(target))
		err = wp_error_set(WP_ENOTFOUND, "%s: no such file", target);
	else if (registry_ref_parse(target, &ref) < 0)
		err = wp_error_set(WP_ENOTFOUND,
				   "%s: no such file, and not an image reference (oci:DIR, "
				   "oci-archive:FILE or host/repo:tag)",
				   target);
	else if (!ref->named_registry)
		err = wp_error_set(WP_EUSAGE,
				   "%s: no such file; to run an image from a registry, name the "
				   "registry (e.g. docker.io/%s)",
				   target, target);
	else
		err = load_ref(target, ro, out);
	registry_ref_free(ref);
	if (err < 0)
		run_target_release(out);
	return err;
}
