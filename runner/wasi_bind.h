/*
 * wasi_bind.h - helpers of the binding layer (layer 1 of the WASI host):
 * one call's view of guest memory, bounds-checked pointers, little-endian
 * loads and stores, and the binding tables of each file.
 *
 * Every guest pointer goes through wasi_mem() before it is used: a range
 * outside linear memory is EFAULT for the guest, never a host access.
 * Result pointers are checked before the operation runs, so a bad one
 * fails the call with nothing done.
 */
#ifndef RUNNER_WASI_BIND_H
#define RUNNER_WASI_BIND_H

#include <string.h>
#include <sys/uio.h>

#include "wasi_impl.h"

struct wasi_call {
	struct wasi_ctx *w;
	runner_caller *c;
	uint8_t *mem;  /* linear memory 0 (NULL when the module has none) */
	uint64_t size; /* its size: host calls never grow it */
	int unstable;  /* called through wasi_unstable */
};

struct wasi_binding {
	const char *name;
	const char *sig;
	wasi_op op;
	unsigned flags;
};

#define WASI_B_NORESULT 1 /* no i32 errno result (proc_exit) */
#define WASI_B_P1_ONLY 2  /* not in wasi_unstable (sock_accept) */

extern const struct wasi_binding wasi_bind_misc[], wasi_bind_fd[], wasi_bind_path[],
	wasi_bind_poll[];

/* [ptr, ptr+len) inside linear memory, or NULL. */
static inline void *wasi_mem(const struct wasi_call *k, uint32_t ptr, uint64_t len)
{
	if (!k->mem || (uint64_t)ptr + len > k->size)
		return NULL;
	return k->mem + ptr;
}

static inline uint32_t wasi_arg32(const runner_val *a, int i) { return (uint32_t)a[i].of.i32; }
static inline uint64_t wasi_arg64(const runner_val *a, int i) { return (uint64_t)a[i].of.i64; }

/* Little-endian access (wasm memory is little-endian, and so are the hosts
 * this builds on; memcpy keeps unaligned guest pointers legal). */
static inline void wasi_put8(void *p, uint8_t v) { memcpy(p, &v, 1); }
static inline void wasi_put16(void *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void wasi_put32(void *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void wasi_put64(void *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint16_t wasi_get16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t wasi_get32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t wasi_get64(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }

#define WASI_IOV_MAX 1024

/* Decode `n` iovecs at `iovs` into host iovecs (at most WASI_IOV_MAX are
 * used: a short read or write is legal), every buffer bounds-checked. */
uint16_t wasi_iovecs(const struct wasi_call *k, uint32_t iovs, uint32_t n, struct iovec *out,
		     int *count);

/* Copy the guest string (ptr, len) into buf (NUL-terminated), checked as a
 * path: in memory, not empty, no NUL, UTF-8, not too long. */
uint16_t wasi_path_arg(const struct wasi_call *k, uint32_t ptr, uint32_t len, char *buf);

/* The directory descriptor `fd`: EBADF, ENOTDIR, then ENOTCAPABLE. */
uint16_t wasi_dir_get(const struct wasi_call *k, uint32_t fd, uint64_t rights,
		      struct wasi_fd **out);

/* 1 when the run was interrupted (timeout); the binding then traps. */
int wasi_interrupted(const struct wasi_call *k);
int wasi_trap_interrupted(struct wasi_call *k);

/* Write a filestat in the layout of the calling module. */
void wasi_put_filestat(const struct wasi_call *k, uint8_t *p, const struct wasi_filestat *st);
static inline uint64_t wasi_filestat_size(const struct wasi_call *k)
{
	return k->unstable ? WASI0_FILESTAT_SIZE : WASI_FILESTAT_SIZE;
}

#endif
