/*
 * wasi2.h - the WASI 0.2 host for the wasi:cli/command world: arguments,
 * environment, exit, stdio streams (wasi:io/streams, error, poll),
 * terminals (none: stdio is reported as not a terminal), wall and
 * monotonic clocks, random, the filesystem beneath the preopened
 * directories (wasi2_fs.c: paths resolved by the preview1 host's
 * wasi_path.c, never above a preopen), TCP sockets limited to the
 * listening addresses granted with --tcplisten (wasi2_sock.c: binding one
 * of them, listening and accepting; every other use of the network is
 * access-denied).  Handles of host resources live in one table; dropping
 * one frees it.
 */
#ifndef RUNNER_WASI2_H
#define RUNNER_WASI2_H

#include <signal.h>
#include <stddef.h>

#include "cabi.h"
#include "runner.h"

struct wasi_preopen;

struct wasi2_config {
	const struct wasi_preopen *dirs; /* --dir: host directory, guest name */
	size_t ndirs;
	const char *const *argv;
	size_t argc;
	const char *const *env; /* "NAME=VALUE" */
	size_t nenv;
	int stdio[3];           /* host fds behind stdin/stdout/stderr, -1: closed */
	const int *listeners;   /* --tcplisten: listening sockets, taken over by the host */
	size_t nlisteners;
	volatile sig_atomic_t *interrupt;
};

typedef struct wasi2_host wasi2_host;

int wasi2_host_new(const struct wasi2_config *cfg, wasi2_host **out);
void wasi2_host_free(wasi2_host *h);

/* A host function: lifted arguments in, the result (if the function has
 * one) out.  Returns 0, or the value of runner_caller_trap()/_exit(). */
typedef int (*wasi2_fn)(wasi2_host *h, runner_caller *caller, const struct cval *args,
			struct cval *result);

/* The implementation of `name` in interface `iface` (version removed:
 * "wasi:io/streams"), or NULL when the host has none. */
wasi2_fn wasi2_lookup(const char *iface, const char *name);
/* The i-th interface the host implements ("wasi:io/streams", version
 * removed), or NULL past the last: what `wasmpack check` lists. */
const char *wasi2_interface(size_t i);
/* Drop a host resource handle (canon resource.drop of an imported
 * resource type named `resource`: "output-stream", "pollable", ...).  0,
 * or -1 when the handle is not a live one of that resource. */
int wasi2_drop(wasi2_host *h, const char *resource, uint32_t handle);

#endif
