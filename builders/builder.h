/*
 * builder.h - turn a project directory into one clean .wasm file plus the
 * facts the image records (ko's pkg/build: a builder returns an artifact
 * and metadata; packaging is someone else's job).
 *
 * Builders are tried in a documented order (BUILDER_ORDER below); each has
 * a detect step that passes or fails with a reason, and a toolchain step
 * that finds (never downloads) what it needs.  The first builder whose
 * detect passes and whose toolchain is present wins; when detect passes
 * somewhere but no toolchain is present, the first such builder reports
 * what to install.  `--builder` (or wasmpack.json's "builder") forces one.
 *
 * After the compile the module is stripped of debug sections (unless
 * keep_debug), optionally run through wasm-opt, and stored in the build
 * cache; an unchanged project reuses the cached module without compiling.
 *
 * Nothing here prints: compiler output and notes go to opts->output.
 */
#ifndef BUILDERS_BUILDER_H
#define BUILDERS_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* The detection order, documented for users (README, `wasmpack detect`). */
#define BUILDER_ORDER "rust, go, tinygo, assemblyscript, cpp, c, emscripten, prebuilt"
#define BUILDER_COUNT 8

/* The stack C-family modules are linked with: wasi-sdk's and emscripten's
 * 64 KiB default overflow in real CLIs (rapidjson's pretty); 1 MiB ran
 * every program tried. */
#define BUILDER_STACK_SIZE (1024 * 1024)

/* Receives compiler output (as it happens) and wasmpack's own notes
 * (whole lines starting with "wasmpack: note: "). */
typedef void (*builder_output_fn)(void *ctx, const char *data, size_t len);

/* builder_opts.exceptions: the WebAssembly exception-handling instructions
 * for setjmp/longjmp (clang: -mllvm -wasm-enable-sjlj) and C++ exceptions
 * (emscripten: -fwasm-exceptions). */
enum { BUILDER_EXCEPTIONS_AUTO = 0, BUILDER_EXCEPTIONS_WASM = 1, BUILDER_EXCEPTIONS_NONE = 2 };

struct builder_opts {
	const char *dir;        /* project directory */
	const char *builder;    /* force a builder by name, or NULL */
	int debug;              /* debug profile instead of release */
	int keep_debug;         /* keep DWARF and the name section */
	int optimize;           /* run wasm-opt -O2 when installed */
	int strict_wasi;        /* no WASI emulation libraries, no compat shims */
	int exceptions;         /* BUILDER_EXCEPTIONS_*: setjmp/C++ exceptions as wasm EH */
	uint64_t stack_size;    /* linked stack size in bytes; 0: BUILDER_STACK_SIZE */
	int no_cache;           /* neither read nor write the build cache */
	int dry_run;            /* plan only: run nothing that writes */
	int list_targets;       /* detect: configure C/C++ projects to list their targets */
	int quick;              /* detect, for `build ./...`'s discovery: 1 = no toolchain
				 * discovery but the selected builder's (the builder is
				 * the first that passes); 2 = neither its facts (the name) */
	const char *bin;        /* the binary to build (Rust) or NULL */
	const char *target;     /* the CMake/make target to build, or NULL */
	const char *const *allow_imports; /* "MODULE.NAME" / "MODULE.*" beyond WASI */
	size_t nallow_imports;
	const struct builder_config *config; /* wasmpack.json, or NULL */
	const char *const *exclude; /* paths that are never inputs (outputs) */
	size_t nexclude;
	builder_output_fn output; /* NULL: discard */
	void *output_ctx;
};

struct builder_result {
	char *wasm_path; /* the produced module (in tmp_dir), NULL for a dry run */
	char *name;      /* project name (image title, module file name) */
	char *version;   /* project version or NULL */
	char *builder;   /* name of the builder that ran */
	char *toolchain; /* toolchain and version, or NULL */
	char *dir;       /* project directory (absolute) */
	char *tmp_dir;   /* private directory removed by release, or NULL */
	int cache_hit;   /* the compile was skipped */
	char **plan;     /* the commands run (or, for a dry run, to run) */
	size_t nplan;
	size_t size_built, size_final; /* module bytes before/after post-processing */
};

/* Detect and build.  WP_ENOTFOUND when no builder applies, with a message
 * listing what was looked for.  A failed compile is WP_ERROR naming the
 * command that failed. */
int builder_build(const struct builder_opts *opts, struct builder_result *out);
void builder_result_release(struct builder_result *r);

/* One builder's verdict on a directory. */
struct builder_verdict {
	const char *name;   /* static */
	int pass;           /* detect passed */
	char *reason;       /* why it passed or failed */
	int have_toolchain; /* probed only when detect passed */
	char *toolchain;    /* "clang 16.0.6 (wasi-libc)" when found */
	char *missing;      /* what to install when not found */
	char *note;         /* e.g. which fallback toolchain is used */
};

struct builder_detection {
	struct builder_verdict v[BUILDER_COUNT];
	int selected;  /* index into v, -1 when nothing applies */
	char *dir;     /* absolute */
	char *name;    /* project facts of the selected builder */
	char *version;
	/* with opts->list_targets, for C/C++ projects: the executables the
	 * build system defines ("a (dir), b (dir)", "-" when it does not say),
	 * the one a build would build (NULL: none without --target) and why;
	 * targets_error when the project could not be configured */
	char *targets, *target, *target_why, *targets_error;
};

/* Run every builder's detect step (and toolchain discovery for those that
 * pass).  Nothing detected is not an error here: selected is -1 and
 * builder_nothing_message() says what was looked for. */
int builder_detect(const struct builder_opts *opts, struct builder_detection *out);
void builder_detection_release(struct builder_detection *d);
const char *builder_nothing_message(void);

/* 1 if `name` is a builder name. */
int builder_known(const char *name);

/* A name usable as the module file name and image title, derived from
 * `s` (a file or directory name): lowercase letters, digits, '.', '_' and
 * '-', at most 64 characters, never empty.  Malloc'ed. */
char *builder_sanitize_name(const char *s);

#endif
