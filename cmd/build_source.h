/*
 * build_source.h - the part of `wasmpack build` that compiles a project:
 * builder options, wasmpack.json defaults, the dry-run plan.  Kept apart
 * from build.c so the packaging and publishing flow there stays readable.
 */
#ifndef CMD_BUILD_SOURCE_H
#define CMD_BUILD_SOURCE_H

#include <jansson.h>

#include "../builders/builder.h"
#include "../builders/config.h"
#include "../common/strv.h"
#include "../oci/image.h"

struct build_source {
	const char *builder;
	int debug, keep_debug, optimize, no_cache, dry_run, strict_wasi;
	int exceptions; /* builder_opts.exceptions */
	uint64_t stack_size;
	const char *bin;
	const char *target;
	struct wp_strv allow_imports;
	struct builder_config config;
};

/* Streams compiler output and notes to stderr (never stdout). */
void build_source_output(void *ctx, const char *data, size_t len);

/* Options exclusive to source builds were given with --wasm. */
const char *build_source_conflict(const struct build_source *s);

/* Merge wasmpack.json's defaults under the command line's: args only when
 * no --arg was given; env and labels key by key, the command line winning. */
int build_source_defaults(const struct builder_config *cfg, struct wp_strv *args, struct wp_strv *env,
			  struct oci_kvlist *labels);

/* The path part of each -o destination, which must never count as an
 * input of the build (a layout written into the project directory). */
char **build_source_excludes(char *const *outputs, size_t n);
void build_source_free_excludes(char **v, size_t n);

/* The dry-run result: the plan, one command a line, or JSON. */
int build_source_print_plan(const struct builder_result *br, int json);

/* Facts of the build for the --json summary. */
void build_source_json(json_t *summary, const struct builder_result *br);

#endif
