/*
 * config.c - wasmpack.json (see config.h).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "builder.h"
#include "config.h"

#define CONFIG_MAX (1024 * 1024)

static int dup_string(const struct builder_config *c, json_t *v, const char *key, char **out)
{
	if (!json_is_string(v) || !json_string_length(v))
		return wp_error_set(WP_EINVALID, "%s: \"%s\" must be a non-empty string", c->path, key);
	if (!(*out = strdup(json_string_value(v))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	return 0;
}

static int dup_strings(const struct builder_config *c, json_t *v, const char *key, char ***out,
		       size_t *n)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return wp_error_set(WP_EINVALID, "%s: \"%s\" must be an array of strings", c->path, key);
	*out = calloc(json_array_size(v) + 1, sizeof(**out));
	if (!*out)
		return wp_error_set(WP_ENOMEM, "out of memory");
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			return wp_error_set(WP_EINVALID, "%s: \"%s\"[%zu] must be a string", c->path, key, i);
		if (!((*out)[i] = strdup(json_string_value(e))))
			return wp_error_set(WP_ENOMEM, "out of memory");
		(*n)++;
	}
	return 0;
}

/* {"K": "V"} (or, for env, ["K=V", ...]) */
static int dup_map(const struct builder_config *c, json_t *v, const char *key, struct builder_kv **out,
		   size_t *n)
{
	const char *k;
	json_t *e;
	size_t i, count = json_is_object(v) ? json_object_size(v) : json_is_array(v) ? json_array_size(v) : 0;

	if (!json_is_object(v) && !(json_is_array(v) && !strcmp(key, "env")))
		return wp_error_set(WP_EINVALID, "%s: \"%s\" must be an object of strings", c->path, key);
	*out = calloc(count + 1, sizeof(**out));
	if (!*out)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			const char *s = json_string_value(e), *eq = s ? strchr(s, '=') : NULL;
			if (!eq || eq == s)
				return wp_error_set(WP_EINVALID, "%s: \"env\"[%zu] must be a \"NAME=VALUE\" string",
						    c->path, i);
			(*out)[*n].key = strndup(s, (size_t)(eq - s));
			(*out)[*n].value = strdup(eq + 1);
			if (!(*out)[*n].key || !(*out)[(*n)++].value)
				return wp_error_set(WP_ENOMEM, "out of memory");
		}
		return 0;
	}
	json_object_foreach(v, k, e) {
		if (!json_is_string(e))
			return wp_error_set(WP_EINVALID, "%s: \"%s\".\"%s\" must be a string", c->path, key, k);
		if (!*k || (!strcmp(key, "env") && strchr(k, '=')))
			return wp_error_set(WP_EINVALID, "%s: \"%s\" has an invalid name \"%s\"", c->path, key, k);
		(*out)[*n].key = strdup(k);
		(*out)[*n].value = strdup(json_string_value(e));
		if (!(*out)[*n].key || !(*out)[(*n)++].value)
			return wp_error_set(WP_ENOMEM, "out of memory");
	}
	return 0;
}

static int parse(struct builder_config *c, json_t *root)
{
	const char *k;
	json_t *v;
	int err = 0;

	if (!json_is_object(root))
		return wp_error_set(WP_EINVALID, "%s: the top level must be an object", c->path);
	json_object_foreach(root, k, v) {
		if (!strcmp(k, "builder")) {
			if ((err = dup_string(c, v, k, &c->builder)) < 0)
				return err;
			if (!builder_known(c->builder))
				return wp_error_set(WP_EINVALID, "%s: unknown builder \"%s\" (expected one of %s)",
						    c->path, c->builder, BUILDER_ORDER);
		} else if (!strcmp(k, "wasm")) {
			err = dup_string(c, v, k, &c->wasm);
		} else if (!strcmp(k, "bin")) {
			err = dup_string(c, v, k, &c->bin);
		} else if (!strcmp(k, "target")) {
			err = dup_string(c, v, k, &c->target);
		} else if (!strcmp(k, "name")) {
			err = dup_string(c, v, k, &c->name);
		} else if (!strcmp(k, "buildArgs")) {
			err = dup_strings(c, v, k, &c->build_args, &c->nbuild_args);
		} else if (!strcmp(k, "args")) {
			err = dup_strings(c, v, k, &c->args, &c->nargs);
		} else if (!strcmp(k, "env")) {
			err = dup_map(c, v, k, &c->env, &c->nenv);
		} else if (!strcmp(k, "labels")) {
			err = dup_map(c, v, k, &c->labels, &c->nlabels);
		} else {
			return wp_error_set(WP_EINVALID,
					    "%s: unknown key \"%s\" (known: builder, wasm, bin, target, buildArgs, name, args, env, labels)",
					    c->path, k);
		}
		if (err < 0)
			return err;
	}
	return 0;
}

int builder_config_load(const char *dir, struct builder_config *c)
{
	struct wp_buf text = WP_BUF_INIT(CONFIG_MAX);
	json_error_t jerr;
	json_t *root = NULL;
	int err = 0;

	memset(c, 0, sizeof(*c));
	if (!(c->path = wp_path_join(dir, BUILDER_CONFIG_FILE)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (!wp_fs_exists(c->path))
		return 0;
	c->present = 1;
	if ((err = wp_fs_read_file(c->path, CONFIG_MAX, &text)) < 0)
		goto done;
	root = json_loadb((const char *)text.data, text.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		err = wp_error_set(WP_EINVALID, "%s:%d:%d: %s", c->path, jerr.line, jerr.column, jerr.text);
		goto done;
	}
	err = parse(c, root);
done:
	json_decref(root);
	wp_buf_release(&text);
	if (err < 0) {
		char *path = c->path;
		c->path = NULL;
		builder_config_release(c);
		free(path);
	}
	return err;
}

static void free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_map(struct builder_kv *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(m[i].key);
		free(m[i].value);
	}
	free(m);
}

void builder_config_release(struct builder_config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->builder);
	free(c->wasm);
	free(c->bin);
	free(c->target);
	free(c->name);
	free_strings(c->build_args, c->nbuild_args);
	free_strings(c->args, c->nargs);
	free_map(c->env, c->nenv);
	free_map(c->labels, c->nlabels);
	memset(c, 0, sizeof(*c));
}
