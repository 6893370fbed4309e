/*
 * config.h - wasmpack.json, the optional project file (read with jansson).
 *
 *   {
 *     "builder": "c",                 force a builder
 *     "wasm": "out/app",              the module to pick up, relative to the
 *                                     build's output root (the project, or
 *                                     CMake's build directory)
 *     "bin": "server",                the binary to build (Rust)
 *     "target": "app",                the CMake/make target to build (C, C++)
 *     "buildArgs": ["-DX=1"],         extra arguments for the build command
 *     "name": "app",                  module / image name
 *     "args": ["--port", "80"],       default arguments (image Cmd)
 *     "env": {"K": "V"},              default environment
 *     "labels": {"k": "v"}            labels
 *   }
 *
 * Command-line options win over these.  A malformed file is an error
 * naming the file, line and column; unknown keys and wrong types are
 * errors too (a typo should not be silently ignored).
 */
#ifndef BUILDERS_CONFIG_H
#define BUILDERS_CONFIG_H

#include <stddef.h>

#define BUILDER_CONFIG_FILE "wasmpack.json"

struct builder_kv {
	char *key;
	char *value;
};

struct builder_config {
	int present;    /* the file exists */
	char *path;     /* its path, for messages */
	char *builder;
	char *wasm;
	char *bin;
	char *target;   /* the build system's target to build (CMake, make) */
	char *name;
	char **build_args;
	size_t nbuild_args;
	char **args;
	size_t nargs;
	struct builder_kv *env;
	size_t nenv;
	struct builder_kv *labels;
	size_t nlabels;
};

/* Read DIR/wasmpack.json into *out.  A missing file is not an error
 * (out->present = 0). */
int builder_config_load(const char *dir, struct builder_config *out);
void builder_config_release(struct builder_config *c);

#endif
