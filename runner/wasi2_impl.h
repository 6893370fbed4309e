/*
 * wasi2_impl.h - what the files of the WASI 0.2 host share (not an API;
 * see wasi2.h): the host, its one table of resource handles (streams,
 * pollables, errors, descriptors, directory streams), and the helpers the
 * interface files use.
 */
#ifndef RUNNER_WASI2_IMPL_H
#define RUNNER_WASI2_IMPL_H

#include "wasi2.h"

enum { H_FREE = 0, H_IN, H_OUT, H_POLL, H_ERROR, H_DESC, H_DIRSTREAM, H_NET, H_TCP };

#define WASI2_APPEND (-2) /* handle.off of an append-via-stream output */

struct wasi_dir;

struct handle {
	uint8_t kind;
	uint8_t owned;     /* fd is ours to close */
	uint8_t type;      /* H_DESC: the WASI 0.2 descriptor-type */
	uint8_t dflags;    /* H_DESC: descriptor-flags (read 1, write 2, mutate-directory 32) */
	int fd;
	int err;           /* H_ERROR: the errno */
	int64_t off;       /* streams: -1 sequential, >= 0 positional, WASI2_APPEND */
	uint64_t pos;      /* positional streams: the next offset; H_DIRSTREAM: the entry */
	uint64_t deadline; /* H_POLL: monotonic ns when ready (0: always ready) */
	struct wasi_dir *dir; /* H_DIRSTREAM */
	uint8_t sock;      /* H_IN/H_OUT: a socket's stream (reads may not block) */
	short events;      /* H_POLL on fd: POLLIN or POLLOUT (deadline unused) */
	uint8_t state;     /* H_TCP: enum tcp_state (wasi2_sock.c) */
	uint8_t family;    /* H_TCP: 0 ipv4, 1 ipv6 */
	uint8_t optmask;   /* H_TCP: the options the guest set (a bit per wasi2_sock.c opts[]) */
};

struct wasi2_host {
	struct wasi2_config cfg;
	struct handle *h;
	uint32_t n;
	int *preopen_fds;  /* opened at start, one per cfg.dirs */
	int *listen_fds;   /* cfg.listeners taken over; -1 once a socket claims one */
};

#define OOM(c) runner_caller_trap((c), "out of memory")

/* A new handle of `kind` for `fd` (index + 1; 0 is never a handle);
 * -1 when the table is full. */
int wasi2_new_handle(wasi2_host *w, uint8_t kind, int fd, uint32_t *out);
/* The same for a descriptor the handle owns from now on (closed when the
 * handle is dropped, or here when the table is full). */
int wasi2_new_owned(wasi2_host *w, uint8_t kind, int fd, uint32_t *out);
/* The live handle `h` of `kind`, or NULL. */
struct handle *wasi2_get(wasi2_host *w, uint64_t h, uint8_t kind);
/* Release what a handle holds and free its slot. */
void wasi2_handle_close(struct handle *h);
/* r = err(stream-error): last-operation-failed(error) for errno `err`, or
 * closed when err is 0. */
int wasi2_stream_error(wasi2_host *w, runner_caller *c, int err, struct cval *r);
/* wasi:filesystem's functions (wasi2_fs.c). */
wasi2_fn wasi2_fs_lookup(const char *iface, const char *name);
/* wasi:sockets' functions (wasi2_sock.c). */
wasi2_fn wasi2_sock_lookup(const char *iface, const char *name);
/* r = a new pollable: ready when fd has `events` (POLLIN, POLLOUT). */
int wasi2_fd_pollable(wasi2_host *w, runner_caller *c, int fd, short events, struct cval *r);

#endif
