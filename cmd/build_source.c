/*
 * build_source.c - builder options and wasmpack.json defaults for
 * `wasmpack build` (see build_source.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/error.h"
#include "build_source.h"
#include "cmd.h"

void build_source_output(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	fwrite(data, 1, len, stderr);
	fflush(stderr);
}

const char *build_source_conflict(const struct build_source *s)
{
	if (s->builder)
		return "--builder";
	if (s->debug)
		return "--debug";
	if (s->keep_debug)
		return "--keep-debug";
	if (s->optimize)
		return "--optimize";
	if (s->bin)
		return "--bin";
	if (s->target)
		return "--target";
	if (s->allow_imports.n)
		return "--allow-import";
	if (s->dry_run)
		return "--dry-run";
	if (s->strict_wasi)
		return "--strict-wasi";
	if (s->exceptions)
		return "--exceptions";
	if (s->stack_size)
		return "--stack-size";
	return NULL;
}

int build_source_defaults(const struct builder_config *cfg, struct wp_strv *args, struct wp_strv *env,
			  struct oci_kvlist *labels)
{
	struct wp_strv merged = { NULL, 0 };
	size_t i;
	int err = 0;

	if (!cfg->present)
		return 0;
	if (args->n == 0)
		for (i = 0; i < cfg->nargs && err == 0; i++)
			err = wp_strv_add(args, cfg->args[i]);
	/* env: the file's entries, then the command line's, so that
	 * `--env K=V` overrides the file's K */
	for (i = 0; i < cfg->nenv && err == 0; i++)
		err = wp_strv_addf(&merged, "%s=%s", cfg->env[i].key, cfg->env[i].value);
	for (i = 0; i < env->n && err == 0; i++)
		err = wp_strv_setenv(&merged, env->v[i]);
	if (err < 0) {
		wp_strv_release(&merged);
		return err;
	}
	wp_strv_release(env);
	*env = merged;
	for (i = 0; i < cfg->nlabels && err == 0; i++)
		if (!oci_kvlist_get(labels, cfg->labels[i].key))
			err = oci_kvlist_set(labels, cfg->labels[i].key, cfg->labels[i].value);
	return err;
}

char **build_source_excludes(char *const *outputs, size_t n)
{
	char **v = calloc(n + 1, sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *p = strchr(outputs[i], ':');
		p = p ? p + 1 : outputs[i];
		/* oci:DIR:TAG and oci-archive:FILE:TAG: the path ends at the tag */
		v[i] = strndup(p, strcspn(p, ":"));
		if (!v[i]) {
			build_source_free_excludes(v, i);
			return NULL;
		}
	}
	return v;
}

void build_source_free_excludes(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static json_t *plan_json(const struct builder_result *br)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < br->nplan; i++)
		json_array_append_new(a, json_string(br->plan[i]));
	return a;
}

int build_source_print_plan(const struct builder_result *br, int json)
{
	size_t i;

	if (json) {
		json_t *j = json_pack("{s:s, s:s?, s:s?, s:s?, s:s, s:o}", "builder", br->builder, "toolchain",
				      br->toolchain, "name", br->name, "version", br->version, "dir", br->dir,
				      "plan", plan_json(br));
		int status = j ? cmd_print_json(j) : EXIT_FAIL;
		json_decref(j);
		return status;
	}
	fprintf(stderr, "wasmpack: dry run: builder %s%s%s%s, in %s\n", br->builder, br->toolchain ? " (" : "",
		br->toolchain ? br->toolchain : "", br->toolchain ? ")" : "", br->dir);
	for (i = 0; i < br->nplan; i++)
		printf("%s\n", br->plan[i]);
	return EXIT_OK;
}

void build_source_json(json_t *summary, const struct builder_result *br)
{
	json_t *b = json_pack("{s:s, s:s?, s:s?, s:b, s:I, s:I, s:o}", "builder", br->builder, "toolchain",
			      br->toolchain, "version", br->version, "cached", br->cache_hit, "sizeBuilt",
			      (json_int_t)br->size_built, "sizeFinal", (json_int_t)br->size_final, "plan",
			      plan_json(br));

	if (b)
		json_object_set_new(summary, "build", b);
	if (br->version)
		json_object_set_new(summary, "version", json_string(br->version));
	if (br->toolchain)
		json_object_set_new(summary, "toolchain", json_string(br->toolchain));
}
