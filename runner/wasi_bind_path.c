/*
 * wasi_bind_path.c - the path_* bindings.  Each copies the guest's path out
 * of linear memory, checks the directory descriptor and its rights, and
 * resolves the path strictly beneath it (wasi_path.c) before the host sees
 * anything.
 */
#include <fcntl.h>

#include "wasi_bind.h"

/* How the last component is treated: as a name (unlink, rename, create),
 * or looked up (open, stat), where POSIX has a trailing slash follow a
 * symlink there too. */
#define NAME 0
#define FOLLOW 1
#define LOOKUP 2

/* The path argument at (a[i], a[i+1]) resolved beneath directory fd `fd`
 * holding `rights`. */
static uint16_t resolve(struct wasi_call *k, uint32_t fd, uint64_t rights, const runner_val *a,
			int i, int follow, struct wasi_path *out)
{
	char path[WASI_PATH_MAX];
	struct wasi_fd *e;
	uint16_t err;

	out->dirfd = -1;
	out->owned = 0;
	if ((err = wasi_path_arg(k, wasi_arg32(a, i), wasi_arg32(a, i + 1), path)) != 0 ||
	    (err = wasi_dir_get(k, fd, rights, &e)) != 0)
		return err;
	if ((follow & LOOKUP) && path[strlen(path) - 1] == '/')
		follow |= FOLLOW;
	return wasi_path_resolve(e->host, path, follow & FOLLOW, out);
}

static int b_path_create_directory(struct wasi_call *k, const runner_val *a)
{
	struct wasi_path p;
	uint16_t err = resolve(k, wasi_arg32(a, 0), WASI_RIGHT_PATH_CREATE_DIRECTORY, a, 1, NAME, &p);

	if (!err)
		err = wasi_path_mkdir(&p);
	wasi_path_release(&p);
	return err;
}

static int b_path_remove_directory(struct wasi_call *k, const runner_val *a)
{
	struct wasi_path p;
	uint16_t err = resolve(k, wasi_arg32(a, 0), WASI_RIGHT_PATH_REMOVE_DIRECTORY, a, 1, NAME, &p);

	if (!err)
		err = wasi_path_rmdir(&p);
	wasi_path_release(&p);
	return err;
}

static int b_path_unlink_file(struct wasi_call *k, const runner_val *a)
{
	struct wasi_path p;
	uint16_t err = resolve(k, wasi_arg32(a, 0), WASI_RIGHT_PATH_UNLINK_FILE, a, 1, NAME, &p);

	if (!err)
		err = wasi_path_unlink(&p);
	wasi_path_release(&p);
	return err;
}

static int b_path_filestat_get(struct wasi_call *k, const runner_val *a)
{
	uint8_t *out = wasi_mem(k, wasi_arg32(a, 4), wasi_filestat_size(k));
	int follow = LOOKUP | (wasi_arg32(a, 1) & WASI_LOOKUP_SYMLINK_FOLLOW ? FOLLOW : 0);
	struct wasi_filestat st;
	struct wasi_path p;
	uint16_t err;

	if (!out)
		return WASI_EFAULT;
	err = resolve(k, wasi_arg32(a, 0), WASI_RIGHT_PATH_FILESTAT_GET, a, 2, follow, &p);
	if (!err)
		err = wasi_path_stat(&p, &st);
	wasi_path_release(&p);
	if (!err)
		wasi_put_filestat(k, out, &st);
	return err;
}

static int b_path_filestat_set_times(struct wasi_call *k, const runner_val *a)
{
	int follow = LOOKUP | (wasi_arg32(a, 1) & WASI_LOOKUP_SYMLINK_FOLLOW ? FOLLOW : 0);
	struct wasi_filestat st;
	struct wasi_path p;
	uint16_t err;

	err = resolve(k, wasi_arg32(a, 0), WASI_RIGHT_PATH_FILESTAT_SET_TIMES, a, 2, follow, &p);
	if (!err && p.trailing)
		err = wasi_path_stat(&p, &st); /* "x/" must be a directory */
	if (!err)
		err = wasi_sys_set_times(p.dirfd, p.name, wasi_arg64(a, 4), wasi_arg64(a, 5),
					 (uint16_t)wasi_arg32(a, 6));
	wasi_path_release(&p);
	return err;
}

/* path_link(old_fd, old_flags, old_path, old_len, new_fd, new_path, new_len) */
static int b_path_link(struct wasi_call *k, const runner_val *a)
{
	int follow = wasi_arg32(a, 1) & WASI_LOOKUP_SYMLINK_FOLLOW ? FOLLOW : NAME;
	struct wasi_path from, to;
	uint16_t err;

	to.dirfd = -1;
	to.owned = 0;
	err = resolve(k, wasi_arg32(a, 0), WASI_RIGHT_PATH_LINK_SOURCE, a, 2, follow, &from);
	if (!err)
		err = resolve(k, wasi_arg32(a, 4), WASI_RIGHT_PATH_LINK_TARGET, a, 5, NAME, &to);
	if (!err)
		err = wasi_path_link(&from, &to);
	wasi_path_release(&from);
	wasi_path_release(&to);
	return err;
}

/* path_rename(fd, old_path, old_len, new_fd, new_path, new_len) */
static int b_path_rename(struct wasi_call *k, const runner_val *a)
{
	struct wasi_path from, to;
	uint16_t err;

	to.dirfd = -1;
	to.owned = 0;
	err = resolve(k, wasi_arg32(a, 0), WASI_RIGHT_PATH_RENAME_SOURCE, a, 1, NAME, &from);
	if (!err)
		err = resolve(k, wasi_arg32(a, 3), WASI_RIGHT_PATH_RENAME_TARGET, a, 4, NAME, &to);
	if (!err)
		err = wasi_path_rename(&from, &to);
	wasi_path_release(&from);
	wasi_path_release(&to);
	return err;
}

/* path_symlink(old_path, old_len, fd, new_path, new_len): old_path is the
 * link's contents, stored as given but never absolute. */
static int b_path_symlink(struct wasi_call *k, const runner_val *a)
{
	char target[WASI_PATH_MAX];
	struct wasi_path p;
	uint16_t err;

	if ((err = wasi_path_arg(k, wasi_arg32(a, 0), wasi_arg32(a, 1), target)) != 0)
		return err;
	if (target[0] == '/')
		return WASI_ENOTCAPABLE;
	err = resolve(k, wasi_arg32(a, 2), WASI_RIGHT_PATH_SYMLINK, a, 3, NAME, &p);
	if (!err)
		err = wasi_path_symlink(target, &p);
	wasi_path_release(&p);
	return err;
}

/* path_readlink(fd, path, len, buf, buf_len, bufused) */
static int b_path_readlink(struct wasi_call *k, const runner_val *a)
{
	uint32_t len = wasi_arg32(a, 4);
	char *buf = wasi_mem(k, wasi_arg32(a, 3), len);
	uint8_t *used = wasi_mem(k, wasi_arg32(a, 5), 4);
	struct wasi_path p;
	size_t n = 0;
	uint16_t err;

	if (!buf || !used)
		return WASI_EFAULT;
	err = resolve(k, wasi_arg32(a, 0), WASI_RIGHT_PATH_READLINK, a, 1, NAME, &p);
	if (!err)
		err = wasi_path_readlink(&p, buf, len, &n);
	wasi_path_release(&p);
	if (!err)
		wasi_put32(used, (uint32_t)n);
	return err;
}

/* The host open(2) flags for what path_open asks: write access exactly
 * when a write-like right is requested (or append). */
static int open_flags(uint16_t oflags, uint64_t base, uint16_t fdflags)
{
	const uint64_t wr = WASI_RIGHT_FD_WRITE | WASI_RIGHT_FD_DATASYNC | WASI_RIGHT_FD_ALLOCATE |
			    WASI_RIGHT_FD_FILESTAT_SET_SIZE;
	int read = (base & (WASI_RIGHT_FD_READ | WASI_RIGHT_FD_READDIR)) != 0;
	int write = (base & wr) != 0 || (fdflags & WASI_FDFLAG_APPEND);
	int f = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;

	if (oflags & WASI_O_CREAT)
		f |= O_CREAT;
	if (oflags & WASI_O_DIRECTORY)
		f |= O_DIRECTORY;
	if (oflags & WASI_O_EXCL)
		f |= O_EXCL;
	if (oflags & WASI_O_TRUNC)
		f |= O_TRUNC;
	if (fdflags & WASI_FDFLAG_APPEND)
		f |= O_APPEND;
	if (fdflags & WASI_FDFLAG_DSYNC)
		f |= O_DSYNC;
	if (fdflags & WASI_FDFLAG_NONBLOCK)
		f |= O_NONBLOCK;
	if (fdflags & WASI_FDFLAG_RSYNC)
		f |= O_RSYNC;
	if (fdflags & WASI_FDFLAG_SYNC)
		f |= O_SYNC;
	return f;
}

/* path_open(fd, dirflags, path, len, oflags, base, inheriting, fdflags, *fd) */
static int b_path_open(struct wasi_call *k, const runner_val *a)
{
	uint32_t dirfd = wasi_arg32(a, 0), oflags = wasi_arg32(a, 4), fdflags = wasi_arg32(a, 7);
	uint64_t base = wasi_arg64(a, 5), inh = wasi_arg64(a, 6), max_base, max_inh;
	uint8_t *res = wasi_mem(k, wasi_arg32(a, 8), 4);
	uint64_t need = WASI_RIGHT_PATH_OPEN;
	struct wasi_fd *d;
	struct wasi_path p;
	uint32_t fd;
	uint8_t type;
	uint16_t err;
	int host = -1, tty;

	if (!res)
		return WASI_EFAULT;
	if (oflags & ~WASI_OFLAGS_ALL || fdflags & ~WASI_FDFLAGS_ALL)
		return WASI_EINVAL;
	if (oflags & WASI_O_CREAT)
		need |= WASI_RIGHT_PATH_CREATE_FILE;
	if (oflags & WASI_O_TRUNC)
		need |= WASI_RIGHT_PATH_FILESTAT_SET_SIZE;
	if ((err = wasi_dir_get(k, dirfd, need, &d)) != 0)
		return err;
	/* a descriptor cannot get more than its directory may hand down */
	if ((base | inh) & ~d->inheriting)
		return WASI_ENOTCAPABLE;
	err = resolve(k, dirfd, need, a, 2,
		      LOOKUP | (wasi_arg32(a, 1) & WASI_LOOKUP_SYMLINK_FOLLOW ? FOLLOW : 0), &p);
	if (!err)
		err = wasi_path_open(&p, open_flags((uint16_t)oflags, base, (uint16_t)fdflags), &host,
				     &type, &tty);
	wasi_path_release(&p);
	if (err)
		return err;
	wasi_fd_type_rights(type, tty, &max_base, &max_inh);
	if ((err = wasi_fd_add(k->w, host, type, (uint16_t)fdflags, base & max_base, inh & max_inh,
			       &fd)) != 0)
		return err;
	wasi_put32(res, fd);
	return 0;
}

const struct wasi_binding wasi_bind_path[] = {
	{ "path_create_directory", "iii->i", b_path_create_directory, 0 },
	{ "path_filestat_get", "iiiii->i", b_path_filestat_get, 0 },
	{ "path_filestat_set_times", "iiiiIIi->i", b_path_filestat_set_times, 0 },
	{ "path_link", "iiiiiii->i", b_path_link, 0 },
	{ "path_open", "iiiiiIIii->i", b_path_open, 0 },
	{ "path_readlink", "iiiiii->i", b_path_readlink, 0 },
	{ "path_remove_directory", "iii->i", b_path_remove_directory, 0 },
	{ "path_rename", "iiiiii->i", b_path_rename, 0 },
	{ "path_symlink", "iiiii->i", b_path_symlink, 0 },
	{ "path_unlink_file", "iii->i", b_path_unlink_file, 0 },
	{ NULL, NULL, NULL, 0 },
};
