/*
 * run.h - what `wasmpack run` needs from its target, whatever it is: the
 * module's bytes, the name the guest sees as argv[0], and for images the
 * default arguments (Cmd) and environment (Env) a container runtime would
 * use.
 */
#ifndef CMD_RUN_H
#define CMD_RUN_H

#include <stddef.h>
#include <stdio.h>

#include "../common/buf.h"
#include "../registry/registry.h"
#include "../runner/runner.h"
#include "../runner/wasi.h"
#include "../wasm/component.h"

struct run_target {
	struct wp_buf wasm; /* the module */
	char *argv0;        /* basename of FILE, or the module's path in the image */
	char *origin;       /* what ran, for messages: the file, or ref@digest */
	char **entry;       /* image Entrypoint after the module itself: fixed arguments */
	size_t nentry;
	char **cmd;         /* image Cmd (NULL-terminated), or NULL */
	size_t ncmd;
	char **env;         /* image Env "NAME=VALUE" (NULL-terminated), or NULL */
	size_t nenv;
};

/* --max-table-elements unless given: 80 MB of references, far above what
 * real programs use (a few thousand functions), far below the 4G elements
 * (32 GB) one table.grow could ask for. */
#define RUN_MAX_TABLE_DEFAULT 10000000u

/* The parsed command line; strings are borrowed from argv. */
struct run_args {
	const char *target;
	char **args; /* guest ARGS (argv pointers), NULL when none were given */
	size_t nargs;
	int have_args;
	struct wasi_preopen *dirs;
	size_t ndirs;
	char **envs; /* --env values, in order */
	size_t nenvs;
	int inherit_env;
	uint64_t max_memory, fuel;
	uint32_t max_table;
	double timeout;
	const char *timeout_text;
	const char *invoke;
	char **listen;
	size_t nlisten;
	struct registry_opts ro;
	const char *verify_key; /* --verify-key: a public key that must have signed the image */
	char verified[OCI_DIGEST_SIZE]; /* the digest it verified */
	int stdio_closed[3]; /* closed on the host when we started */
};

/* Run the loaded target as `a` says; returns the exit status. */
int run_exec(const struct run_args *a, struct run_target *t);

/* --invoke: 0 when called (results printed, *status 0); 1 after a usage
 * error it reported (*status set); else the engine's RUNNER_E* or WP_E*. */
int run_invoke(const struct run_args *a, runner_instance *inst, struct runner_trap *tr,
	       int *status);

/* WAVE text (run_wave.c).  parse_call: "name(arg, ...)" -> name, and
 * with ft (the function's type) its arguments (*args: ft->nfields values,
 * the caller releases them); 1 when ft is NULL (name only), 0, or -1 with
 * `why`.  print: one value of type t. */
struct cval;
int run_wave_parse_call(const char *text, const struct wc_type *ft, char *name, size_t size,
			struct cval **args, char *why, size_t whysize);
int run_wave_parse_value(const char *text, struct wc_valtype t, struct cval *out, char *why,
			 size_t whysize);
void run_wave_print(FILE *f, struct wc_valtype t, const struct cval *v);

/*
 * Load TARGET: FILE.wasm | oci:DIR[:TAG] | oci-archive:FILE[:TAG] | REF
 * (pulled with `ro`, every digest verified).  Images are read in memory;
 * nothing is extracted to disk.
 */
int run_target_load(const char *target, const struct registry_opts *ro, struct run_target *out);
void run_target_release(struct run_target *t);

#endif
