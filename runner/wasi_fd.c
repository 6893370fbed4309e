/*
 * wasi_fd.c - the guest's descriptor table (layer 2 of the WASI host).
 *
 * Guest descriptor numbers map to host descriptors the host opened itself
 * (preopens, path_open, sock_accept) or borrowed (stdio).  Each carries
 * base rights (what calls it allows) and inheriting rights (what
 * descriptors opened through it may get), the CloudABI model WASI
 * preview1 inherited: rights are checked here, before any host call, and
 * can only ever shrink.  The table knows which entries are preopens; it
 * knows nothing of paths beyond their names, nor of guest memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/error.h"
#include "wasi_impl.h"

/* A sane ceiling on guest descriptors (the host's RLIMIT_NOFILE usually
 * bites first). */
#define WASI_MAX_FDS 65536

#define RIGHTS_FILE                                                                             \
	(WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_READ | WASI_RIGHT_FD_SEEK |                     \
	 WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_TELL |             \
	 WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_ADVISE | WASI_RIGHT_FD_ALLOCATE |                  \
	 WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_SIZE |                         \
	 WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_POLL_FD_READWRITE)
/* No data rights: opening a directory with FD_WRITE or FD_DATASYNC asks the
 * host for write access, which directories refuse (EISDIR). */
#define RIGHTS_DIR                                                                              \
	(WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_SYNC | WASI_RIGHT_FD_ADVISE |           \
	 WASI_RIGHT_PATH_CREATE_DIRECTORY | WASI_RIGHT_PATH_CREATE_FILE |                       \
	 WASI_RIGHT_PATH_LINK_SOURCE | WASI_RIGHT_PATH_LINK_TARGET | WASI_RIGHT_PATH_OPEN |     \
	 WASI_RIGHT_FD_READDIR | WASI_RIGHT_PATH_READLINK | WASI_RIGHT_PATH_RENAME_SOURCE |     \
	 WASI_RIGHT_PATH_RENAME_TARGET | WASI_RIGHT_PATH_FILESTAT_GET |                         \
	 WASI_RIGHT_PATH_FILESTAT_SET_SIZE | WASI_RIGHT_PATH_FILESTAT_SET_TIMES |               \
	 WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_FD_FILESTAT_SET_TIMES | WASI_RIGHT_PATH_SYMLINK | \
	 WASI_RIGHT_PATH_REMOVE_DIRECTORY | WASI_RIGHT_PATH_UNLINK_FILE |                       \
	 WASI_RIGHT_POLL_FD_READWRITE)
/* Terminals: no seek/tell (wasi-libc's isatty() relies on that). */
#define RIGHTS_TTY                                                                              \
	(WASI_RIGHT_FD_READ | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_WRITE |            \
	 WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE)
#define RIGHTS_STREAM                                                                           \
	(WASI_RIGHT_FD_READ | WASI_RIGHT_FD_FDSTAT_SET_FLAGS | WASI_RIGHT_FD_WRITE |            \
	 WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE)
#define RIGHTS_SOCKET (RIGHTS_STREAM | WASI_RIGHT_SOCK_SHUTDOWN | WASI_RIGHT_SOCK_ACCEPT)
/* Stdio is the host's open file (`>> app.log`, a terminal the shell
 * shares, even a directory with `< /`): a stream one way, as in wasmtime.
 * No seek, tell, pread/pwrite, truncation, flags, or directory rights. */
#define RIGHTS_STDIO (WASI_RIGHT_FD_FILESTAT_GET | WASI_RIGHT_POLL_FD_READWRITE)

void wasi_fd_type_rights(uint8_t type, int is_tty, uint64_t *base, uint64_t *inheriting)
{
	*inheriting = 0;
	switch (type) {
	case WASI_FILETYPE_DIRECTORY:
		*base = RIGHTS_DIR;
		*inheriting = WASI_RIGHTS_ALL;
		break;
	case WASI_FILETYPE_REGULAR_FILE:
	case WASI_FILETYPE_BLOCK_DEVICE:
		*base = RIGHTS_FILE;
		break;
	case WASI_FILETYPE_CHARACTER_DEVICE:
		*base = is_tty ? RIGHTS_TTY : RIGHTS_FILE;
		break;
	case WASI_FILETYPE_SOCKET_STREAM:
	case WASI_FILETYPE_SOCKET_DGRAM:
		*base = RIGHTS_SOCKET;
		*inheriting = RIGHTS_SOCKET;
		break;
	default: /* pipes and the unknown */
		*base = RIGHTS_STREAM;
		break;
	}
}

uint16_t wasi_fd_get(struct wasi_ctx *w, uint32_t fd, uint64_t rights, struct wasi_fd **out)
{
	struct wasi_fd *e;

	if (fd >= w->nfds || w->fds[fd].host < 0)
		return WASI_EBADF;
	e = &w->fds[fd];
	if ((e->base & rights) != rights)
		return WASI_ENOTCAPABLE;
	*out = e;
	return 0;
}

static void release_entry(struct wasi_fd *e)
{
	if (e->host >= 0 && !e->borrowed)
		close(e->host);
	free(e->preopen);
	wasi_sys_dir_free(e->dir);
	memset(e, 0, sizeof(*e));
	e->host = -1;
}

/* Make room for descriptor number `fd`. */
static uint16_t reserve(struct wasi_ctx *w, uint32_t fd)
{
	uint32_t cap = w->cap ? w->cap : 16, i;
	struct wasi_fd *n;

	if (fd >= WASI_MAX_FDS)
		return WASI_EMFILE;
	while (cap <= fd)
		cap *= 2;
	if (cap > w->cap) {
		if (!(n = realloc(w->fds, sizeof(*n) * cap)))
			return WASI_ENOMEM;
		w->fds = n;
		w->cap = cap;
	}
	for (i = w->nfds; i <= fd; i++) {
		memset(&w->fds[i], 0, sizeof(w->fds[i]));
		w->fds[i].host = -1;
	}
	if (w->nfds <= fd)
		w->nfds = fd + 1;
	return 0;
}

/* Enter `host` at the lowest free number from `min` on. */
static uint16_t add_from(struct wasi_ctx *w, uint32_t min, int host, uint8_t type, uint16_t flags,
			 uint64_t base, uint64_t inheriting, uint32_t *out)
{
	uint32_t fd;
	uint16_t err;

	for (fd = min; fd < w->nfds && w->fds[fd].host >= 0; fd++)
		;
	if ((err = reserve(w, fd)) != 0) {
		close(host);
		return err;
	}
	w->fds[fd].host = host;
	w->fds[fd].type = type;
	w->fds[fd].flags = flags;
	w->fds[fd].base = base;
	w->fds[fd].inheriting = inheriting;
	*out = fd;
	return 0;
}

uint16_t wasi_fd_add(struct wasi_ctx *w, int host, uint8_t type, uint16_t flags, uint64_t base,
		     uint64_t inheriting, uint32_t *out)
{
	return add_from(w, 0, host, type, flags, base, inheriting, out);
}

uint16_t wasi_fd_close(struct wasi_ctx *w, uint32_t fd)
{
	struct wasi_fd *e;
	uint16_t err = wasi_fd_get(w, fd, 0, &e);

	if (err)
		return err;
	release_entry(e);
	while (w->nfds > 0 && w->fds[w->nfds - 1].host < 0)
		w->nfds--;
	return 0;
}

uint16_t wasi_fd_renumber(struct wasi_ctx *w, uint32_t from, uint32_t to)
{
	struct wasi_fd *a, *b;
	uint16_t err;

	if ((err = wasi_fd_get(w, from, 0, &a)) != 0 || (err = wasi_fd_get(w, to, 0, &b)) != 0)
		return err;
	if (from == to)
		return 0;
	release_entry(b);
	*b = *a;
	memset(a, 0, sizeof(*a));
	a->host = -1;
	while (w->nfds > 0 && w->fds[w->nfds - 1].host < 0)
		w->nfds--;
	return 0;
}

uint16_t wasi_fd_set_rights(struct wasi_ctx *w, uint32_t fd, uint64_t base, uint64_t inheriting)
{
	struct wasi_fd *e;
	uint16_t err = wasi_fd_get(w, fd, 0, &e);

	if (err)
		return err;
	if ((base & ~e->base) || (inheriting & ~e->inheriting))
		return WASI_ENOTCAPABLE;
	e->base = base;
	e->inheriting = inheriting;
	return 0;
}

/* Guest fds 0-2 are the host's stdio, borrowed, with stream rights only:
 * read on stdin, write on stdout and stderr. */
static int add_stdio(struct wasi_ctx *w, const struct wasi_config *cfg)
{
	int i, tty;

	if (reserve(w, 2) != 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < 3; i++) {
		struct wasi_fd *e = &w->fds[i];
		uint8_t type;
		int fl;

		w->stdio_fl[i] = -1;
		w->stdio_host[i] = -1;
		if (cfg->stdio[i] < 0 || wasi_sys_fd_type(cfg->stdio[i], &type, &tty) != 0)
			continue; /* closed on the host: closed in the guest */
		fl = fcntl(cfg->stdio[i], F_GETFL);
		w->stdio_fl[i] = fl;
		w->stdio_host[i] = cfg->stdio[i];
		e->host = cfg->stdio[i];
		e->borrowed = 1;
		e->type = type;
		e->flags = (fl >= 0 && (fl & O_APPEND)) ? WASI_FDFLAG_APPEND : 0;
		if (fl >= 0 && (fl & O_NONBLOCK))
			e->flags |= WASI_FDFLAG_NONBLOCK;
		e->base = RIGHTS_STDIO | (i == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE);
		e->inheriting = 0;
	}
	return 0;
}

static int add_preopen(struct wasi_ctx *w, const struct wasi_preopen *p)
{
	uint64_t base, inh;
	uint32_t fd;
	int host = open(p->host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (host < 0)
		return wp_error_errno(errno == ENOTDIR ? WP_EUSAGE : WP_ENOTFOUND,
				      "cannot preopen directory %s", p->host);
	wasi_fd_type_rights(WASI_FILETYPE_DIRECTORY, 0, &base, &inh);
	/* from 3 on even when some stdio is closed: that is where guests look */
	if (add_from(w, 3, host, WASI_FILETYPE_DIRECTORY, 0, base, inh, &fd) != 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (!(w->fds[fd].preopen = strdup(p->guest)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	return 0;
}

int wasi_fd_table_init(struct wasi_ctx *w, const struct wasi_config *cfg)
{
	size_t i;
	int err;

	if ((err = add_stdio(w, cfg)) < 0)
		goto fail_all;
	/* Directories first: wasi-libc stops scanning for preopens at the first
	 * descriptor fd_prestat_get refuses. */
	for (i = 0; i < cfg->ndirs; i++)
		if ((err = add_preopen(w, &cfg->dirs[i])) < 0)
			goto fail_all;
	for (i = 0; i < cfg->nsockets; i++) {
		uint64_t base, inh;
		uint32_t fd;
		wasi_fd_type_rights(WASI_FILETYPE_SOCKET_STREAM, 0, &base, &inh);
		if (add_from(w, 3, cfg->sockets[i], WASI_FILETYPE_SOCKET_STREAM, 0, base, inh, &fd)) {
			i++;
			err = wp_error_set(WP_ENOMEM, "out of memory");
			goto fail;
		}
	}
	return 0;
fail_all:
	i = 0;
fail:
	for (; i < cfg->nsockets; i++) /* taken over in every case */
		close(cfg->sockets[i]);
	return err;
}

void wasi_fd_table_release(struct wasi_ctx *w)
{
	uint32_t i;

	for (i = 0; i < w->nfds; i++)
		release_entry(&w->fds[i]);
	free(w->fds);
	w->fds = NULL;
	w->nfds = w->cap = 0;
}
