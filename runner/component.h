/*
 * component.h - running a WebAssembly component: instantiation (its core
 * modules, core instances, aliases and canonical functions, replayed in
 * the order the binary defines them), the canonical ABI between the core
 * code and the host (cabi.h), and the WASI 0.2 host that implements what a
 * wasi:cli/command component imports (wasi2.h).
 *
 * Supported: nested components (an import satisfied by another
 * component's export), imports of host instances and functions,
 * lift/lower in every string encoding, resources of the host and of the
 * components with the canonical ABI's handle rules (component_res.c: own
 * handles move, borrows are lent for a call and must be dropped before it
 * returns, an instance calling out cannot be re-entered).  What is not
 * supported (async, streams, futures, threads, start functions) is
 * refused with an error naming it before anything runs.
 */
#ifndef RUNNER_COMPONENT_H
#define RUNNER_COMPONENT_H

#include "../wasm/component.h"
#include "runner.h"
#include "wasi2.h"

typedef struct runner_cinstance runner_cinstance;

/* Instantiate component `c` (decoded from bytes that must stay alive)
 * with the WASI 0.2 host `h`.  Link errors (an import the host lacks)
 * happen before any code runs. */
int runner_component_instantiate(const struct wasm_component *c, wasi2_host *h,
				 const struct runner_config *cfg, runner_cinstance **out,
				 struct runner_trap *trap);
void runner_cinstance_free(runner_cinstance *ci);

/* Call the wasi:cli/run export's `run`: 0 with *ok set (1: the guest
 * returned ok), RUNNER_EEXIT (trap->exit_code), RUNNER_ETRAP, or a
 * negative error (WP_ENOTFOUND: not a command component). */
int runner_component_run(runner_cinstance *ci, int *ok, struct runner_trap *trap);

/* The type of exported function `name` (a lifted function), or NULL. */
const struct wc_type *runner_component_export_type(runner_cinstance *ci, const char *name);
/* Call exported function `name` with one value per parameter; *result
 * (released by the caller with cval_release) gets its result.  0,
 * RUNNER_ETRAP/RUNNER_EEXIT (trap filled), or WP_ENOTFOUND. */
int runner_component_invoke(runner_cinstance *ci, const char *name, const struct cval *args,
			    struct cval *result, struct runner_trap *trap);

#endif
