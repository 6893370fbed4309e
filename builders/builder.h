/*
 * builder.h - turn a project directory into one clean .wasm file plus the
 * facts the image records (ko's pkg/build: a builder returns an artifact
 * and metadata; packaging is someone else's job).
 *
 * Builders are tried in a documented order; each has a detect step that
 * passes or fails with a reason, so `wasmpack detect` can show why.
 */
#ifndef BUILDERS_BUILDER_H
#define BUILDERS_BUILDER_H

struct builder_opts {
	const char *dir;     /* project directory */
	const char *builder; /* force a builder by name, or NULL */
};

struct builder_result {
	char *wasm_path; /* the produced module */
	char *name;      /* project name (image title, module file name) */
	char *version;   /* project version or NULL */
	char *builder;   /* name of the builder that ran */
	char *toolchain; /* toolchain and version, or NULL */
};

/* Detect and build.  WP_ENOTFOUND when no builder applies, with a message
 * listing what was looked for. */
int builder_build(const struct builder_opts *opts, struct builder_result *out);
void builder_result_release(struct builder_result *r);

/* A name usable as the module file name and image title, derived from
 * `s` (a file or directory name): lowercase letters, digits, '.', '_' and
 * '-', at most 64 characters, never empty.  Malloc'ed. */
char *builder_sanitize_name(const char *s);

#endif
