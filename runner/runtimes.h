/*
 * runtimes.h - what each WebAssembly runtime provides to a guest, and the
 * check of a module or component against one (`wasmpack check`, `build
 * --check-runtime`).
 *
 * The tables (runtimes.c) are data, each citing the runtime release it
 * describes; wasmpack's own entry is not a table but the real host asked
 * function by function (wasi_host_provides(), wasi2_lookup()), so it
 * cannot drift from what `wasmpack run` links.
 *
 * Version rule for WIT interfaces (docs/runtimes.md): an import of
 * ns:pkg/iface@X.Y.Z is provided by a runtime providing ns:pkg/iface@A.B.C
 * when both are on the same semver track (X == A, and Y == B when X is 0;
 * 0.0.z versions and pre-releases match only themselves) and Z <= C:
 * a newer patch may add functions the runtime lacks.  Unversioned names
 * match only unversioned names.
 */
#ifndef RUNNER_RUNTIMES_H
#define RUNNER_RUNTIMES_H

#include <stddef.h>

struct wasm_module;
struct runtime;

enum runtime_item_kind {
	RUNTIME_IMPORT = 0, /* an import the runtime must provide */
	RUNTIME_EXPORT = 1, /* an export the runtime calls (Spin's trigger, WAGI's _start) */
	RUNTIME_FORMAT = 2, /* the binary itself: a component where only modules run */
};

/* One import (or one export the runtime needs) and its verdict. */
struct runtime_item {
	char *name;     /* "wasi_snapshot_preview1.fd_write", "wasi:cli/stdout@0.2.3",
			   "export wasi:http/incoming-handler@0.2" */
	int provided;   /* 1 provided / met, 0 not */
	char *reason;   /* why not (NULL when provided) */
	int kind;       /* enum runtime_item_kind */
};

struct runtime_report {
	const struct runtime *rt;
	struct runtime_item *items;
	size_t nitems;
	size_t nimports; /* items that are imports (the rest are export requirements) */
	size_t missing;  /* items not provided / not met */
};

/* The runtime called `name` (or one of its aliases), or NULL. */
const struct runtime *runtime_find(const char *name);
/* "wasmtime, wasmpack, spin, runwasi, node, browser": for error messages. */
const char *runtime_names(void);
const char *runtime_name(const struct runtime *rt);
/* The release the table describes and where it comes from. */
const char *runtime_describes(const struct runtime *rt);
const char *runtime_source(const struct runtime *rt);

/* Check the decoded module or component `m` against `rt`: every import,
 * then what the runtime needs exported.  *out is the caller's (free with
 * runtime_report_free).  0, or WP_ENOMEM. */
int runtime_check(const struct wasm_module *m, const struct runtime *rt, struct runtime_report **out);
void runtime_report_free(struct runtime_report *r);

/* The version rule above: 1 when an import at `want` is satisfied by a
 * runtime at `have` (either may be NULL: unversioned). */
int runtime_version_ok(const char *want, const char *have);

/* 1 when the runtime's table (wasmpack: its WASI 0.2 host) has interface
 * NAME ("wasi:io/streams@0.2.3") by the rule above. */
int runtime_provides_interface(const struct runtime *rt, const char *name);

#endif
