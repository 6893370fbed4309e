/*
 * wasi_impl.h - what the three layers of the WASI host share (not an API;
 * see wasi.h for the design).
 *
 * Layer 2 (wasi_fd.c): the descriptor table.  Functions return a WASI
 * errno (0 = success), never touch guest memory, and check rights.
 * Layer 3 (wasi_sys.c, wasi_path.c, wasi_poll.c): thin host calls on host
 * descriptors, returning WASI errnos; they know neither rights nor guest
 * memory.
 */
#ifndef RUNNER_WASI_IMPL_H
#define RUNNER_WASI_IMPL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "wasi.h"
#include "wasi_abi.h"

/* ---- layer 2: descriptors ---- */

struct wasi_dir; /* readdir state (wasi_sys.c) */

struct wasi_fd {
	int host;             /* host descriptor; -1 marks a free slot */
	uint8_t type;         /* WASI filetype */
	uint8_t borrowed;     /* stdio: the host fd is not ours to close */
	uint16_t flags;       /* fdflags as opened or last set */
	uint64_t base;        /* rights of this descriptor */
	uint64_t inheriting;  /* rights descriptors opened through it may get */
	char *preopen;        /* guest name of a preopened directory, else NULL */
	struct wasi_dir *dir; /* readdir position, created by the first fd_readdir */
};

struct wasi_call;
/* A binding: decodes arguments, returns a WASI errno, or a negative
 * RUNNER_E* after runner_caller_exit()/runner_caller_trap(). */
typedef int (*wasi_op)(struct wasi_call *k, const runner_val *args);

/* What a host function finds in its env pointer (wasi_unstable differs
 * from preview1 in a few layouts). */
struct wasi_env {
	struct wasi_ctx *w;
	wasi_op op;
	int unstable;
	int noresult; /* proc_exit returns nothing */
};

struct wasi_ctx {
	struct wasi_fd *fds;
	uint32_t nfds; /* slots in use or free, the highest open fd + 1 at most */
	uint32_t cap;
	char **argv;
	size_t argc, argv_bytes; /* bytes including each string's NUL */
	char **env;
	size_t nenv, env_bytes;
	volatile sig_atomic_t *interrupt;
	int stdio_host[3];       /* the borrowed host stdio descriptors */
	int stdio_fl[3];         /* their file status flags at start, restored at free */
	struct wasi_env *envs;   /* one per defined import (wasi_ctx_link) */
	size_t nenvs;
};

/* The most a descriptor of `type` may hold. */
void wasi_fd_type_rights(uint8_t type, int is_tty, uint64_t *base, uint64_t *inheriting);
/* The open descriptor `fd` holding every right in `rights`: EBADF when it is
 * not open, ENOTCAPABLE when a right is missing. */
uint16_t wasi_fd_get(struct wasi_ctx *w, uint32_t fd, uint64_t rights, struct wasi_fd **out);
/* Enter a host descriptor (taken over) at the lowest free number. */
uint16_t wasi_fd_add(struct wasi_ctx *w, int host, uint8_t type, uint16_t flags, uint64_t base,
		     uint64_t inheriting, uint32_t *out);
uint16_t wasi_fd_close(struct wasi_ctx *w, uint32_t fd);
/* Move `from` onto `to` (both open), closing what `to` held. */
uint16_t wasi_fd_renumber(struct wasi_ctx *w, uint32_t from, uint32_t to);
/* Narrow the rights of `fd`; asking for a right it lacks is ENOTCAPABLE. */
uint16_t wasi_fd_set_rights(struct wasi_ctx *w, uint32_t fd, uint64_t base, uint64_t inheriting);
/* Set up stdio, preopens and sockets; 0 or a WP_E* error naming what failed. */
int wasi_fd_table_init(struct wasi_ctx *w, const struct wasi_config *cfg);
void wasi_fd_table_release(struct wasi_ctx *w);

/* ---- layer 3: host calls ---- */

struct wasi_filestat {
	uint64_t dev, ino, nlink, size, atim, mtim, ctim;
	uint8_t filetype;
};

uint16_t wasi_sys_errno(int host_errno);
uint8_t wasi_sys_filetype(mode_t mode);
uint16_t wasi_sys_fstat(int fd, struct wasi_filestat *out);
/* Stat the entry `name` of directory `dirfd` without following a symlink. */
uint16_t wasi_sys_fstatat(int dirfd, const char *name, struct wasi_filestat *out);
/* The type of an open descriptor and whether it is a terminal. */
uint16_t wasi_sys_fd_type(int fd, uint8_t *type, int *is_tty);
uint16_t wasi_sys_clock_res(uint32_t id, uint64_t *out);
uint16_t wasi_sys_clock_time(uint32_t id, uint64_t *out);
uint16_t wasi_sys_random(void *buf, size_t len);
/* Set atim/mtim per fstflags on `fd` itself (name NULL) or on the entry
 * `name` in directory `dirfd`, never following a symlink. */
uint16_t wasi_sys_set_times(int fd, const char *name, uint64_t atim, uint64_t mtim, uint16_t fst);
uint16_t wasi_sys_set_fdflags(int fd, uint16_t old, uint16_t flags);
/* readv/writev (off < 0) or preadv/pwritev at `off`, retried after other
 * signals; WASI_EINTR when `interrupt` was set meanwhile. */
uint16_t wasi_sys_rw(int fd, const struct iovec *iov, int cnt, int write, int64_t off,
		     volatile sig_atomic_t *interrupt, size_t *done);
uint16_t wasi_sys_sync(int fd, int data_only);
uint16_t wasi_sys_truncate(int fd, uint64_t size);
uint16_t wasi_sys_seek(int fd, int64_t off, int whence, uint64_t *pos);
uint16_t wasi_sys_advise(int fd, uint64_t off, uint64_t len, uint8_t advice);

/* One directory entry as fd_readdir reports it (name borrowed until the
 * next call on the same state). */
struct wasi_dirent {
	uint64_t ino;
	uint8_t type;
	const char *name;
	size_t namlen;
};

/* The entry number `index` of directory `fd` ("." and ".." included);
 * *end set when there is none.  Sequential reads are O(1) each. */
uint16_t wasi_sys_dir_entry(struct wasi_dir **state, int fd, uint64_t index,
			    struct wasi_dirent *out, int *end);
void wasi_sys_dir_free(struct wasi_dir *d);

/* ---- layer 3: paths beneath a directory (wasi_path.c) ---- */

#define WASI_PATH_MAX 4096

/* A path resolved beneath a directory: the directory holding its last
 * component and that component's name ("." for the directory itself). */
struct wasi_path {
	int dirfd;
	int owned;    /* dirfd was opened by the resolution: close it */
	int trailing; /* the path ended in '/' */
	char name[256];
};

/* Check that (path, len) is a usable path: not empty, no NUL, valid UTF-8. */
uint16_t wasi_path_check(const char *path, size_t len);
/*
 * Resolve `path` (NUL-terminated, relative) component by component beneath
 * `base`: each directory opened with O_NOFOLLOW, symlinks expanded by us
 * (relative targets only, at most 40), ".." popping our own stack and never
 * above `base`.  `follow`: expand a symlink in the last component too.
 */
uint16_t wasi_path_resolve(int base, const char *path, int follow, struct wasi_path *out);
void wasi_path_release(struct wasi_path *p);

/* The operations on resolved paths (their trailing-slash rules included). */
/* Open with `host_flags` (O_NOFOLLOW added); the new descriptor's type and
 * whether it is a terminal come back with it. */
uint16_t wasi_path_open(const struct wasi_path *p, int host_flags, int *fd, uint8_t *type,
			int *is_tty);
uint16_t wasi_path_stat(const struct wasi_path *p, struct wasi_filestat *out);
uint16_t wasi_path_mkdir(const struct wasi_path *p);
uint16_t wasi_path_rmdir(const struct wasi_path *p);
uint16_t wasi_path_unlink(const struct wasi_path *p);
uint16_t wasi_path_symlink(const char *target, const struct wasi_path *p);
uint16_t wasi_path_link(const struct wasi_path *from, const struct wasi_path *to);
uint16_t wasi_path_rename(const struct wasi_path *from, const struct wasi_path *to);
/* readlink into buf (truncated to len); *used = bytes written. */
uint16_t wasi_path_readlink(const struct wasi_path *p, char *buf, size_t len, size_t *used);

/* ---- layer 3: poll (wasi_poll.c) ---- */

struct wasi_poll_sub {
	uint64_t userdata;
	uint8_t type;        /* WASI_EVENT_* */
	int host;            /* fd subscriptions: host descriptor, -1 after an error */
	uint8_t regular;     /* a regular file: always ready */
	uint16_t error;      /* an error to report instead of waiting */
	uint32_t clock;      /* clock subscriptions */
	uint64_t timeout;
	uint16_t clock_flags;
};

struct wasi_poll_event {
	uint64_t userdata;
	uint16_t error;
	uint8_t type;
	uint64_t nbytes;
	uint16_t flags;
};

/*
 * Wait until a subscription is ready (fds by poll(2), clocks by deadline)
 * and fill `events` (room for n) with every ready one.  Returns 0 or a WASI
 * errno; WASI_EINTR when `interrupt` was set meanwhile.
 */
uint16_t wasi_poll_wait(struct wasi_poll_sub *subs, size_t n, volatile sig_atomic_t *interrupt,
			struct wasi_poll_event *events, size_t *nevents);

/* Sockets: accept4, recvmsg, sendmsg (MSG_NOSIGNAL), shutdown; WASI_EINTR
 * when `interrupt` was set during a wait. */
uint16_t wasi_sys_accept(int fd, int nonblock, volatile sig_atomic_t *interrupt, int *out);
uint16_t wasi_sys_recv(int fd, struct iovec *iov, int cnt, int flags,
		       volatile sig_atomic_t *interrupt, size_t *n, int *truncated);
uint16_t wasi_sys_send(int fd, const struct iovec *iov, int cnt, volatile sig_atomic_t *interrupt,
		       size_t *n);
uint16_t wasi_sys_shutdown(int fd, int how);

#endif
