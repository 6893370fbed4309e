/*
 * check.h - the runtime check `wasmpack check` makes, for `build
 * --check-runtime` too (check.c).
 */
#ifndef CMD_CHECK_H
#define CMD_CHECK_H

struct wasm_module;

/* 0 when RUNTIME is a known runtime name, else the usage error (2) for
 * command CMD, printed with the list of known names. */
int check_runtime_known(const char *cmd, const char *runtime);

/* Check `m` (called `what` in messages) against RUNTIME (known): one line
 * on stderr per import not provided, and a summary; returns 0 when all is
 * provided, else 1. */
int check_build_module(const struct wasm_module *m, const char *runtime, const char *what);

#endif
