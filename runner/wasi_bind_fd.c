/*
 * wasi_bind_fd.c - the fd_* bindings: decode the guest's arguments, check
 * its pointers, ask the descriptor table (rights), call the host.
 */
#include <stdint.h>
#include <unistd.h>

#include "wasi_bind.h"

static int b_fd_advise(struct wasi_call *k, const runner_val *a)
{
	struct wasi_fd *e;
	uint16_t err = wasi_fd_get(k->w, wasi_arg32(a, 0), WASI_RIGHT_FD_ADVISE, &e);

	if (err)
		return err;
	return wasi_sys_advise(e->host, wasi_arg64(a, 1), wasi_arg64(a, 2), (uint8_t)wasi_arg32(a, 3));
}

/* ENOTSUP after the descriptor checks, as wasmtime: posix_fallocate would
 * let a guest reserve gigabytes of the host's disk in milliseconds. */
static int b_fd_allocate(struct wasi_call *k, const runner_val *a)
{
	struct wasi_fd *e;
	uint16_t err = wasi_fd_get(k->w, wasi_arg32(a, 0), WASI_RIGHT_FD_ALLOCATE, &e);

	return err ? err : WASI_ENOTSUP;
}

static int b_fd_close(struct wasi_call *k, const runner_val *a)
{
	return wasi_fd_close(k->w, wasi_arg32(a, 0));
}

static int sync_fd(struct wasi_call *k, const runner_val *a, uint64_t right)
{
	struct wasi_fd *e;
	uint16_t err = wasi_fd_get(k->w, wasi_arg32(a, 0), right, &e);

	if (err)
		return err;
	return wasi_sys_sync(e->host, right == WASI_RIGHT_FD_DATASYNC);
}

static int b_fd_datasync(struct wasi_call *k, const runner_val *a)
{
	return sync_fd(k, a, WASI_RIGHT_FD_DATASYNC);
}

static int b_fd_sync(struct wasi_call *k, const runner_val *a)
{
	return sync_fd(k, a, WASI_RIGHT_FD_SYNC);
}

static int b_fd_fdstat_get(struct wasi_call *k, const runner_val *a)
{
	uint8_t *p = wasi_mem(k, wasi_arg32(a, 1), WASI_FDSTAT_SIZE);
	struct wasi_fd *e;
	uint16_t err;

	if (!p)
		return WASI_EFAULT;
	if ((err = wasi_fd_get(k->w, wasi_arg32(a, 0), 0, &e)) != 0)
		return err;
	memset(p, 0, WASI_FDSTAT_SIZE);
	wasi_put8(p, e->type);
	wasi_put16(p + 2, e->flags);
	wasi_put64(p + 8, e->base);
	wasi_put64(p + 16, e->inheriting);
	return 0;
}

static int b_fd_fdstat_set_flags(struct wasi_call *k, const runner_val *a)
{
	struct wasi_fd *e;
	uint16_t flags = (uint16_t)wasi_arg32(a, 1);
	uint16_t err = wasi_fd_get(k->w, wasi_arg32(a, 0), WASI_RIGHT_FD_FDSTAT_SET_FLAGS, &e);

	if (err)
		return err;
	if (wasi_arg32(a, 1) > 0xffff)
		return WASI_EINVAL;
	if ((err = wasi_sys_set_fdflags(e->host, e->flags, flags)) != 0)
		return err;
	e->flags = flags;
	return 0;
}

static int b_fd_fdstat_set_rights(struct wasi_call *k, const runner_val *a)
{
	return wasi_fd_set_rights(k->w, wasi_arg32(a, 0), wasi_arg64(a, 1), wasi_arg64(a, 2));
}

static int b_fd_filestat_get(struct wasi_call *k, const runner_val *a)
{
	uint8_t *p = wasi_mem(k, wasi_arg32(a, 1), wasi_filestat_size(k));
	struct wasi_filestat st;
	struct wasi_fd *e;
	uint16_t err;

	if (!p)
		return WASI_EFAULT;
	if ((err = wasi_fd_get(k->w, wasi_arg32(a, 0), WASI_RIGHT_FD_FILESTAT_GET, &e)) != 0 ||
	    (err = wasi_sys_fstat(e->host, &st)) != 0)
		return err;
	wasi_put_filestat(k, p, &st);
	return 0;
}

static int b_fd_filestat_set_size(struct wasi_call *k, const runner_val *a)
{
	struct wasi_fd *e;
	uint64_t size = wasi_arg64(a, 1);
	uint16_t err = wasi_fd_get(k->w, wasi_arg32(a, 0), WASI_RIGHT_FD_FILESTAT_SET_SIZE, &e);

	if (err)
		return err;
	return wasi_sys_truncate(e->host, size);
}

static int b_fd_filestat_set_times(struct wasi_call *k, const runner_val *a)
{
	struct wasi_fd *e;
	uint16_t err = wasi_fd_get(k->w, wasi_arg32(a, 0), WASI_RIGHT_FD_FILESTAT_SET_TIMES, &e);

	if (err)
		return err;
	return wasi_sys_set_times(e->host, NULL, wasi_arg64(a, 1), wasi_arg64(a, 2),
				  (uint16_t)wasi_arg32(a, 3));
}

/* fd_read, fd_write, fd_pread, fd_pwrite: (fd, iovs, n, [offset,] result). */
static int rw(struct wasi_call *k, const runner_val *a, int write, int positional)
{
	struct iovec iov[WASI_IOV_MAX];
	uint64_t right = write ? WASI_RIGHT_FD_WRITE : WASI_RIGHT_FD_READ;
	uint64_t off = positional ? wasi_arg64(a, 3) : 0;
	uint8_t *res = wasi_mem(k, wasi_arg32(a, positional ? 4 : 3), 4);
	struct wasi_fd *e;
	uint16_t err;
	size_t n;
	int cnt;

	if (!res)
		return WASI_EFAULT;
	if ((err = wasi_fd_get(k->w, wasi_arg32(a, 0), right | (positional ? WASI_RIGHT_FD_SEEK : 0),
			       &e)) != 0 ||
	    (err = wasi_iovecs(k, wasi_arg32(a, 1), wasi_arg32(a, 2), iov, &cnt)) != 0)
		return err;
	if (positional && off > INT64_MAX)
		return WASI_EINVAL;
	err = wasi_sys_rw(e->host, iov, cnt, write, positional ? (int64_t)off : -1, k->w->interrupt,
			  &n);
	if (err == WASI_EINTR)
		return wasi_trap_interrupted(k);
	if (err)
		return err;
	wasi_put32(res, (uint32_t)n);
	return 0;
}

static int b_fd_read(struct wasi_call *k, const runner_val *a) { return rw(k, a, 0, 0); }
static int b_fd_write(struct wasi_call *k, const runner_val *a) { return rw(k, a, 1, 0); }
static int b_fd_pread(struct wasi_call *k, const runner_val *a) { return rw(k, a, 0, 1); }
static int b_fd_pwrite(struct wasi_call *k, const runner_val *a) { return rw(k, a, 1, 1); }

static int b_fd_prestat_get(struct wasi_call *k, const runner_val *a)
{
	uint8_t *p = wasi_mem(k, wasi_arg32(a, 1), WASI_PRESTAT_SIZE);
	struct wasi_fd *e;
	uint16_t err;

	if (!p)
		return WASI_EFAULT;
	if ((err = wasi_fd_get(k->w, wasi_arg32(a, 0), 0, &e)) != 0)
		return err;
	if (!e->preopen)
		return WASI_EBADF;
	memset(p, 0, WASI_PRESTAT_SIZE);
	wasi_put8(p, WASI_PREOPENTYPE_DIR);
	wasi_put32(p + 4, (uint32_t)strlen(e->preopen));
	return 0;
}

static int b_fd_prestat_dir_name(struct wasi_call *k, const runner_val *a)
{
	uint32_t len = wasi_arg32(a, 2);
	uint8_t *p = wasi_mem(k, wasi_arg32(a, 1), len);
	struct wasi_fd *e;
	uint16_t err;
	size_t n;

	if (!p)
		return WASI_EFAULT;
	if ((err = wasi_fd_get(k->w, wasi_arg32(a, 0), 0, &e)) != 0)
		return err;
	if (!e->preopen)
		return WASI_EBADF;
	n = strlen(e->preopen);
	if (len < n)
		return WASI_ENAMETOOLONG;
	memcpy(p, e->preopen, n);
	return 0;
}

/* Entries from `cookie` on, each a dirent header and its name; the last
 * one is cut at the end of the buffer, which tells the guest to read on. */
static int b_fd_readdir(struct wasi_call *k, const runner_val *a)
{
	uint32_t len = wasi_arg32(a, 2);
	uint8_t *buf = wasi_mem(k, wasi_arg32(a, 1), len);
	uint8_t *used = wasi_mem(k, wasi_arg32(a, 4), 4);
	uint64_t cookie = wasi_arg64(a, 3);
	struct wasi_fd *e;
	uint32_t off = 0;
	uint16_t err;

	if (!buf || !used)
		return WASI_EFAULT;
	if ((err = wasi_fd_get(k->w, wasi_arg32(a, 0), WASI_RIGHT_FD_READDIR, &e)) != 0)
		return err;
	if (e->type != WASI_FILETYPE_DIRECTORY)
		return WASI_ENOTDIR;
	while (off < len) {
		uint8_t head[WASI_DIRENT_SIZE];
		struct wasi_dirent d;
		uint32_t n;
		int end;

		if ((err = wasi_sys_dir_entry(&e->dir, e->host, cookie, &d, &end)) != 0)
			return err;
		if (end)
			break;
		memset(head, 0, sizeof(head));
		wasi_put64(head, cookie + 1);
		wasi_put64(head + 8, d.ino);
		wasi_put32(head + 16, (uint32_t)d.namlen);
		wasi_put8(head + 20, d.type);
		n = len - off < WASI_DIRENT_SIZE ? len - off : WASI_DIRENT_SIZE;
		memcpy(buf + off, head, n);
		off += n;
		n = len - off < d.namlen ? len - off : (uint32_t)d.namlen;
		memcpy(buf + off, d.name, n);
		off += n;
		cookie++;
	}
	wasi_put32(used, off);
	return 0;
}

static int b_fd_renumber(struct wasi_call *k, const runner_val *a)
{
	return wasi_fd_renumber(k->w, wasi_arg32(a, 0), wasi_arg32(a, 1));
}

static int b_fd_seek(struct wasi_call *k, const runner_val *a)
{
	static const int p1[] = { SEEK_SET, SEEK_CUR, SEEK_END }, p0[] = { SEEK_CUR, SEEK_END, SEEK_SET };
	int64_t off = (int64_t)wasi_arg64(a, 1);
	uint32_t whence = wasi_arg32(a, 2);
	uint8_t *res = wasi_mem(k, wasi_arg32(a, 3), 8);
	struct wasi_fd *e;
	uint64_t right, pos;
	uint16_t err;
	int w;

	if (!res)
		return WASI_EFAULT;
	if (whence > 2)
		return WASI_EINVAL;
	w = k->unstable ? p0[whence] : p1[whence];
	/* asking where we are is only "tell" */
	right = off == 0 && w == SEEK_CUR ? WASI_RIGHT_FD_TELL : WASI_RIGHT_FD_SEEK;
	if ((err = wasi_fd_get(k->w, wasi_arg32(a, 0), right, &e)) != 0 ||
	    (err = wasi_sys_seek(e->host, off, w, &pos)) != 0)
		return err;
	wasi_put64(res, pos);
	return 0;
}

static int b_fd_tell(struct wasi_call *k, const runner_val *a)
{
	uint8_t *res = wasi_mem(k, wasi_arg32(a, 1), 8);
	struct wasi_fd *e;
	uint64_t pos;
	uint16_t err;

	if (!res)
		return WASI_EFAULT;
	if ((err = wasi_fd_get(k->w, wasi_arg32(a, 0), WASI_RIGHT_FD_TELL, &e)) != 0 ||
	    (err = wasi_sys_seek(e->host, 0, SEEK_CUR, &pos)) != 0)
		return err;
	wasi_put64(res, pos);
	return 0;
}

const struct wasi_binding wasi_bind_fd[] = {
	{ "fd_advise", "iIIi->i", b_fd_advise, 0 },
	{ "fd_allocate", "iII->i", b_fd_allocate, 0 },
	{ "fd_close", "i->i", b_fd_close, 0 },
	{ "fd_datasync", "i->i", b_fd_datasync, 0 },
	{ "fd_fdstat_get", "ii->i", b_fd_fdstat_get, 0 },
	{ "fd_fdstat_set_flags", "ii->i", b_fd_fdstat_set_flags, 0 },
	{ "fd_fdstat_set_rights", "iII->i", b_fd_fdstat_set_rights, 0 },
	{ "fd_filestat_get", "ii->i", b_fd_filestat_get, 0 },
	{ "fd_filestat_set_size", "iI->i", b_fd_filestat_set_size, 0 },
	{ "fd_filestat_set_times", "iIIi->i", b_fd_filestat_set_times, 0 },
	{ "fd_pread", "iiiIi->i", b_fd_pread, 0 },
	{ "fd_prestat_get", "ii->i", b_fd_prestat_get, 0 },
	{ "fd_prestat_dir_name", "iii->i", b_fd_prestat_dir_name, 0 },
	{ "fd_pwrite", "iiiIi->i", b_fd_pwrite, 0 },
	{ "fd_read", "iiii->i", b_fd_read, 0 },
	{ "fd_readdir", "iiiIi->i", b_fd_readdir, 0 },
	{ "fd_renumber", "ii->i", b_fd_renumber, 0 },
	{ "fd_seek", "iIii->i", b_fd_seek, 0 },
	{ "fd_sync", "i->i", b_fd_sync, 0 },
	{ "fd_tell", "ii->i", b_fd_tell, 0 },
	{ "fd_write", "iiii->i", b_fd_write, 0 },
	{ NULL, NULL, NULL, 0 },
};
