/*
 * wasi.h - the WASI preview1 host: what a guest may see of the machine.
 *
 * The host is capability based (the CloudABI / WAMR design): the guest gets
 * its arguments, the environment it is given (nothing else), stdio, the
 * directories preopened for it and, optionally, listening sockets; every
 * path resolves beneath one of its directory descriptors and every
 * descriptor carries rights checked before each call.
 *
 * It is built in three layers (STYLE.md item 10), each in its own files:
 *   wasi_bind*.c   the binding table: import name, signature, the decoding
 *                  of guest arguments and the bounds checks of every guest
 *                  pointer and length (EFAULT, never a host fault);
 *   wasi_fd.c      the descriptor table: host fd, type, rights, preopens;
 *                  it checks rights and knows nothing of guest memory;
 *   wasi_sys.c,    thin host calls on host descriptors: path resolution
 *   wasi_path.c,   beneath a directory, stat conversion, clocks, random,
 *   wasi_poll.c    poll; they know neither rights nor guest memory.
 *
 * Both `wasi_snapshot_preview1` and the older `wasi_unstable` names are
 * defined; the latter differ in a few layouts (filestat, subscription) and
 * in the numbering of `whence`.
 */
#ifndef RUNNER_WASI_H
#define RUNNER_WASI_H

#include <signal.h>
#include <stddef.h>

#include "runner.h"

struct wasi_preopen {
	const char *host;  /* directory on the host */
	const char *guest; /* the name the guest sees (fd_prestat_dir_name) */
};

struct wasi_config {
	const char *const *argv; /* guest arguments, argv[0] included */
	size_t argc;
	const char *const *env;  /* "NAME=VALUE" strings: the whole environment */
	size_t nenv;
	const struct wasi_preopen *dirs;
	size_t ndirs;
	const int *sockets;      /* listening host sockets; the host takes them over */
	size_t nsockets;
	int stdio[3];            /* host fds behind guest fds 0, 1, 2 (borrowed, never closed) */
	/* Set from elsewhere (a timer) to end the run: blocking host calls
	 * (poll_oneoff, reads, accept) then trap instead of waiting on. */
	volatile sig_atomic_t *interrupt;
};

typedef struct wasi_ctx wasi_ctx;

/* Open the preopened directories and set up the descriptor table.  A
 * directory that cannot be opened is an error naming it.  The context
 * copies what it keeps from `cfg`. */
int wasi_ctx_new(const struct wasi_config *cfg, wasi_ctx **out);
/* Close every descriptor the guest still holds (not stdio) and restore the
 * stdio file status flags the guest changed.  NULL accepted. */
void wasi_ctx_free(wasi_ctx *w);
/* Put back the stdio file status flags (O_APPEND, O_NONBLOCK) that changed
 * since `w` was made: they belong to a file the shell shares.  Only
 * fcntl(), so a handler of a fatal signal may call it.  NULL accepted. */
void wasi_ctx_restore_stdio(const wasi_ctx *w);

/* Define every wasi_snapshot_preview1 and wasi_unstable function in `l`.
 * The context must outlive the instances linked with it. */
int wasi_ctx_link(wasi_ctx *w, runner_linker *l);

/* The import modules the host provides; 1 if `module` is one of them. */
int wasi_is_module(const char *module);
/* 1 if wasi_ctx_link() defines MODULE.NAME (sock_accept is preview1's
 * only, not wasi_unstable's). */
int wasi_host_provides(const char *module, const char *name);
/* The i-th function wasi_ctx_link() defines, NULL past the last. */
const char *wasi_host_function(size_t i);

#endif
