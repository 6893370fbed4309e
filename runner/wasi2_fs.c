/*
 * wasi2_fs.c - wasi:filesystem/{types,preopens} for the WASI 0.2 host.
 *
 * Descriptors are handles holding a host descriptor; every path is
 * resolved beneath one by the preview1 host's wasi_path.c (component by
 * component, symlinks expanded by us, never above the preopen), and the
 * host calls are wasi_sys.c's, so both hosts keep one sandbox.  A
 * descriptor's flags are its rights: read, write, and mutate-directory for
 * creating, removing and renaming beneath a directory (a preopen has
 * read and mutate-directory; what open-at opens has what it asked for).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/error.h"
#include "wasi2_impl.h"
#include "wasi_impl.h"

enum { DF_READ = 1, DF_WRITE = 2, DF_FSYNC = 4, DF_DSYNC = 8, DF_RSYNC = 16, DF_MUTATE = 32 };
enum { EC_ACCESS = 0, EC_BAD_DESCRIPTOR = 3, EC_INVALID = 12, EC_IO = 13, EC_NOT_DIRECTORY = 24,
       EC_NOT_PERMITTED = 31 };
enum { DT_UNKNOWN = 0, DT_DIRECTORY = 3, DT_REGULAR = 6 };

/* preview1 errno -> wasi:filesystem error-code (the enum's order) */
static uint32_t error_code(uint16_t e)
{
	static const struct { uint16_t e; uint8_t c; } map[] = {
		{WASI_EACCES, 0}, {WASI_EAGAIN, 1}, {WASI_EALREADY, 2}, {WASI_EBADF, 3}, {WASI_EBUSY, 4},
		{WASI_EDEADLK, 5}, {WASI_EDQUOT, 6}, {WASI_EEXIST, 7}, {WASI_EFBIG, 8}, {WASI_EILSEQ, 9},
		{WASI_EINPROGRESS, 10}, {WASI_EINTR, 11}, {WASI_EINVAL, 12}, {WASI_EIO, 13}, {WASI_EISDIR, 14},
		{WASI_ELOOP, 15}, {WASI_EMLINK, 16}, {WASI_EMSGSIZE, 17}, {WASI_ENAMETOOLONG, 18},
		{WASI_ENODEV, 19}, {WASI_ENOENT, 20}, {WASI_ENOLCK, 21}, {WASI_ENOMEM, 22}, {WASI_ENOSPC, 23},
		{WASI_ENOTDIR, 24}, {WASI_ENOTEMPTY, 25}, {WASI_ENOTRECOVERABLE, 26}, {WASI_ENOTSUP, 27},
		{WASI_ENOSYS, 27}, {WASI_ENOTTY, 28}, {WASI_ENXIO, 29}, {WASI_EOVERFLOW, 30}, {WASI_EPERM, 31},
		{WASI_ENOTCAPABLE, 31}, {WASI_EPIPE, 32}, {WASI_EROFS, 33}, {WASI_ESPIPE, 34},
		{WASI_ETXTBSY, 35}, {WASI_EXDEV, 36},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].e == e)
			return map[i].c;
	return EC_IO;
}

static uint8_t desc_type(uint8_t filetype)
{
	switch (filetype) {
	case WASI_FILETYPE_BLOCK_DEVICE: return 1;
	case WASI_FILETYPE_CHARACTER_DEVICE: return 2;
	case WASI_FILETYPE_DIRECTORY: return DT_DIRECTORY;
	case WASI_FILETYPE_SYMBOLIC_LINK: return 5;
	case WASI_FILETYPE_REGULAR_FILE: return DT_REGULAR;
	case WASI_FILETYPE_SOCKET_DGRAM: case WASI_FILETYPE_SOCKET_STREAM: return 7;
	}
	return DT_UNKNOWN;
}

/* result: ok (with a payload slot when has) / err(error-code) */
static int ok(runner_caller *c, struct cval *r, int has)
{
	return cval_case(r, 0, has) < 0 ? OOM(c) : 0;
}

static int fail_code(runner_caller *c, struct cval *r, uint32_t code)
{
	if (cval_case(r, 1, 1) < 0)
		return OOM(c);
	r->elems[0].disc = code;
	return 0;
}

static int fail_errno(runner_caller *c, struct cval *r, uint16_t e)
{
	return fail_code(c, r, error_code(e));
}

static struct handle *desc(wasi2_host *w, runner_caller *c, uint64_t h)
{
	struct handle *d = wasi2_get(w, h, H_DESC);

	if (!d)
		runner_caller_trap(c, "unknown descriptor handle %llu", (unsigned long long)h);
	return d;
}

/* Resolve a guest path beneath descriptor d. */
static uint16_t resolve(struct handle *d, const struct cval *path, int follow, struct wasi_path *p)
{
	uint16_t e;

	if (d->type != DT_DIRECTORY)
		return WASI_ENOTDIR;
	if ((e = wasi_path_check(path->str ? path->str : "", (size_t)path->u)) != 0)
		return e;
	return wasi_path_resolve(d->fd, path->str, follow, p);
}

static int new_desc(wasi2_host *w, runner_caller *c, int fd, uint8_t type, uint8_t flags, struct cval *v)
{
	uint32_t h;

	if (wasi2_new_owned(w, H_DESC, fd, &h) < 0)
		return OOM(c);
	w->h[h - 1].type = type;
	w->h[h - 1].dflags = flags;
	*v = cval_u(h);
	return 0;
}

/* ---- preopens ------------------------------------------------------- */

static int get_directories(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	size_t i;
	int fd, rc;

	(void)a;
	if (cval_list(r, (uint32_t)w->cfg.ndirs) < 0)
		return OOM(c);
	for (i = 0; i < w->cfg.ndirs; i++) {
		const char *g = w->cfg.dirs[i].guest ? w->cfg.dirs[i].guest : w->cfg.dirs[i].host;
		if ((fd = fcntl(w->preopen_fds[i], F_DUPFD_CLOEXEC, 0)) < 0)
			return runner_caller_trap(c, "get-directories: %s", strerror(errno));
		if (cval_list(&r->elems[i], 2) < 0 || cval_string(&r->elems[i].elems[1], g, strlen(g)) < 0)
			return OOM(c);
		if ((rc = new_desc(w, c, fd, DT_DIRECTORY, DF_READ | DF_MUTATE, &r->elems[i].elems[0])) != 0)
			return rc;
	}
	return 0;
}

/* ---- descriptors ---------------------------------------------------- */

static int open_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u);
	uint64_t oflags = a[3].u, flags = a[4].u;
	struct wasi_path p;
	int host = O_CLOEXEC, fd, tty, rc;
	uint8_t type;
	uint16_t e;

	if (!d)
		return RUNNER_ETRAP;
	if (((oflags & (WASI_O_CREAT | WASI_O_TRUNC)) || (flags & DF_WRITE)) && !(d->dflags & DF_MUTATE))
		return fail_code(c, r, EC_NOT_PERMITTED);
	if ((flags & DF_MUTATE) && !(d->dflags & DF_MUTATE))
		return fail_code(c, r, EC_NOT_PERMITTED);
	host |= (flags & DF_READ) && (flags & DF_WRITE) ? O_RDWR : (flags & DF_WRITE) ? O_WRONLY : O_RDONLY;
	if (oflags & WASI_O_CREAT) host |= O_CREAT;
	if (oflags & WASI_O_EXCL) host |= O_EXCL;
	if (oflags & WASI_O_TRUNC) host |= O_TRUNC;
	if (oflags & WASI_O_DIRECTORY) host |= O_DIRECTORY;
	if (flags & DF_FSYNC) host |= O_SYNC;
	if (flags & DF_DSYNC) host |= O_DSYNC;
	if (flags & DF_RSYNC) host |= O_RSYNC;
	if ((e = resolve(d, &a[2], (int)(a[1].u & 1), &p)) != 0)
		return fail_errno(c, r, e);
	e = wasi_path_open(&p, host, &fd, &type, &tty);
	wasi_path_release(&p);
	if (e)
		return fail_errno(c, r, e);
	if ((rc = ok(c, r, 1)) != 0) {
		close(fd);
		return rc;
	}
	/* a directory opened beneath one keeps its right to change the tree */
	return new_desc(w, c, fd, desc_type(type),
			(uint8_t)((flags & (DF_READ | DF_WRITE | DF_FSYNC | DF_DSYNC | DF_RSYNC | DF_MUTATE)) |
				  (type == WASI_FILETYPE_DIRECTORY ? (d->dflags & DF_MUTATE) : 0)),
			&r->elems[0]);
}

static int stream_of(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, uint8_t kind,
		     int64_t off)
{
	struct handle *d = desc(w, c, a[0].u);
	uint32_t h;
	int fd;

	if (!d)
		return RUNNER_ETRAP;
	if (!(d->dflags & (kind == H_IN ? DF_READ : DF_WRITE)))
		return fail_code(c, r, EC_BAD_DESCRIPTOR);
	if (d->type == DT_DIRECTORY)
		return fail_errno(c, r, WASI_EISDIR);
	if ((fd = fcntl(d->fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return fail_errno(c, r, wasi_sys_errno(errno));
	if (wasi2_new_handle(w, kind, fd, &h) < 0 || ok(c, r, 1) != 0) {
		close(fd);
		return OOM(c);
	}
	w->h[h - 1].owned = 1;
	w->h[h - 1].off = off;
	w->h[h - 1].pos = off >= 0 ? (uint64_t)off : 0;
	r->elems[0] = cval_u(h);
	return 0;
}

static int read_via_stream(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return stream_of(w, c, a, r, H_IN, (int64_t)(a[1].u & INT64_MAX));
}

static int write_via_stream(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return stream_of(w, c, a, r, H_OUT, (int64_t)(a[1].u & INT64_MAX));
}

static int append_via_stream(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return stream_of(w, c, a, r, H_OUT, WASI2_APPEND);
}

static int get_type(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u);

	if (!d || ok(c, r, 1) != 0)
		return RUNNER_ETRAP;
	r->elems[0].disc = d->type;
	return 0;
}

static int get_flags(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u);

	if (!d || ok(c, r, 1) != 0)
		return RUNNER_ETRAP;
	r->elems[0] = cval_u(d->dflags);
	return 0;
}

static int datetime(struct cval *v, uint64_t ns)
{
	if (cval_case(v, 1, 1) < 0 || cval_list(&v->elems[0], 2) < 0)
		return -1;
	v->elems[0].elems[0] = cval_u(ns / 1000000000u);
	v->elems[0].elems[1] = cval_u(ns % 1000000000u);
	return 0;
}

static int stat_result(runner_caller *c, const struct wasi_filestat *st, struct cval *r)
{
	struct cval *s;

	if (ok(c, r, 1) != 0 || cval_list(&r->elems[0], 6) < 0)
		return OOM(c);
	s = r->elems[0].elems;
	s[0].disc = desc_type(st->filetype);
	s[1] = cval_u(st->nlink);
	s[2] = cval_u(st->size);
	if (datetime(&s[3], st->atim) < 0 || datetime(&s[4], st->mtim) < 0 || datetime(&s[5], st->ctim) < 0)
		return OOM(c);
	return 0;
}

typedef int (*stat_emit)(runner_caller *c, const struct wasi_filestat *st, struct cval *r);

/* stat / stat-at / metadata-hash / metadata-hash-at: the descriptor itself
 * or (at) the path a[2] with path-flags a[1] beneath it, given to emit. */
static int stat_with(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, int at,
		     stat_emit emit)
{
	struct handle *d = desc(w, c, a[0].u);
	struct wasi_filestat st;
	struct wasi_path p;
	uint16_t e;

	if (!d)
		return RUNNER_ETRAP;
	if (!at) {
		e = wasi_sys_fstat(d->fd, &st);
	} else if ((e = resolve(d, &a[2], (int)(a[1].u & 1), &p)) == 0) {
		e = wasi_path_stat(&p, &st);
		wasi_path_release(&p);
	}
	return e ? fail_errno(c, r, e) : emit(c, &st, r);
}

static int stat_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return stat_with(w, c, a, r, 0, stat_result);
}

static int stat_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return stat_with(w, c, a, r, 1, stat_result);
}

/* create-directory-at, remove-directory-at, unlink-file-at */
static int path_op(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r,
		   uint16_t (*op)(const struct wasi_path *))
{
	struct handle *d = desc(w, c, a[0].u);
	struct wasi_path p;
	uint16_t e;

	if (!d)
		return RUNNER_ETRAP;
	if (!(d->dflags & DF_MUTATE))
		return fail_code(c, r, EC_NOT_PERMITTED);
	if ((e = resolve(d, &a[1], 0, &p)) != 0)
		return fail_errno(c, r, e);
	e = op(&p);
	wasi_path_release(&p);
	return e ? fail_errno(c, r, e) : ok(c, r, 0);
}

static int mkdir_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return path_op(w, c, a, r, wasi_path_mkdir);
}

static int rmdir_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return path_op(w, c, a, r, wasi_path_rmdir);
}

static int unlink_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return path_op(w, c, a, r, wasi_path_unlink);
}

/* rename-at(self, old, new-descriptor, new) / link-at(self, flags, old, new-descriptor, new) */
static int two_paths(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, int link)
{
	struct handle *d = desc(w, c, a[0].u), *d2;
	struct wasi_path from, to;
	uint16_t e;

	if (!d || !(d2 = desc(w, c, a[link ? 3 : 2].u)))
		return RUNNER_ETRAP;
	if (!(d->dflags & DF_MUTATE) || !(d2->dflags & DF_MUTATE))
		return fail_code(c, r, EC_NOT_PERMITTED);
	if ((e = resolve(d, &a[link ? 2 : 1], link ? (int)(a[1].u & 1) : 0, &from)) != 0)
		return fail_errno(c, r, e);
	if ((e = resolve(d2, &a[link ? 4 : 3], 0, &to)) != 0) {
		wasi_path_release(&from);
		return fail_errno(c, r, e);
	}
	e = link ? wasi_path_link(&from, &to) : wasi_path_rename(&from, &to);
	wasi_path_release(&from);
	wasi_path_release(&to);
	return e ? fail_errno(c, r, e) : ok(c, r, 0);
}

static int rename_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return two_paths(w, c, a, r, 0);
}

static int link_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return two_paths(w, c, a, r, 1);
}

static int symlink_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u);
	struct wasi_path p;
	uint16_t e;

	if (!d)
		return RUNNER_ETRAP;
	if (!(d->dflags & DF_MUTATE))
		return fail_code(c, r, EC_NOT_PERMITTED);
	if (a[1].u && a[1].str[0] == '/') /* an absolute target would leave the sandbox */
		return fail_errno(c, r, WASI_EPERM);
	if ((e = wasi_path_check(a[1].str ? a[1].str : "", (size_t)a[1].u)) != 0 ||
	    (e = resolve(d, &a[2], 0, &p)) != 0)
		return fail_errno(c, r, e);
	e = wasi_path_symlink(a[1].str, &p);
	wasi_path_release(&p);
	return e ? fail_errno(c, r, e) : ok(c, r, 0);
}

static int readlink_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u);
	char buf[WASI_PATH_MAX];
	struct wasi_path p;
	size_t used = 0;
	uint16_t e;

	if (!d)
		return RUNNER_ETRAP;
	if ((e = resolve(d, &a[1], 0, &p)) != 0)
		return fail_errno(c, r, e);
	e = wasi_path_readlink(&p, buf, sizeof(buf), &used);
	wasi_path_release(&p);
	if (e)
		return fail_errno(c, r, e);
	if (ok(c, r, 1) != 0 || cval_string(&r->elems[0], buf, used) < 0)
		return OOM(c);
	return 0;
}

static int read_directory(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u);
	uint32_t h;
	int fd;

	if (!d)
		return RUNNER_ETRAP;
	if (d->type != DT_DIRECTORY)
		return fail_code(c, r, EC_NOT_DIRECTORY);
	if ((fd = fcntl(d->fd, F_DUPFD_CLOEXEC, 0)) < 0)
		return fail_errno(c, r, wasi_sys_errno(errno));
	if (wasi2_new_handle(w, H_DIRSTREAM, fd, &h) < 0 || ok(c, r, 1) != 0) {
		close(fd);
		return OOM(c);
	}
	w->h[h - 1].owned = 1;
	r->elems[0] = cval_u(h);
	return 0;
}

/* result<option<directory-entry>, error-code>; "." and ".." are left out */
static int read_directory_entry(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *s = wasi2_get(w, a[0].u, H_DIRSTREAM);
	struct wasi_dirent e;
	int end = 0;
	uint16_t err;

	if (!s)
		return runner_caller_trap(c, "unknown directory-entry-stream %llu", (unsigned long long)a[0].u);
	do {
		if ((err = wasi_sys_dir_entry(&s->dir, s->fd, s->pos++, &e, &end)) != 0)
			return fail_errno(c, r, err);
	} while (!end && ((e.namlen == 1 && e.name[0] == '.') ||
			  (e.namlen == 2 && e.name[0] == '.' && e.name[1] == '.')));
	if (ok(c, r, 1) != 0)
		return OOM(c);
	if (end)
		return 0; /* none */
	if (cval_case(&r->elems[0], 1, 1) < 0 || cval_list(&r->elems[0].elems[0], 2) < 0 ||
	    cval_string(&r->elems[0].elems[0].elems[1], e.name, e.namlen) < 0)
		return OOM(c);
	r->elems[0].elems[0].elems[0].disc = desc_type(e.type);
	return 0;
}

/* read(self, length, offset) -> result<tuple<list<u8>, bool>> */
static int read_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u);
	size_t want = a[1].u > (16u << 20) ? (16u << 20) : (size_t)a[1].u, done = 0;
	struct iovec iov;
	char *buf;
	uint16_t e;

	if (!d)
		return RUNNER_ETRAP;
	if (!(d->dflags & DF_READ))
		return fail_code(c, r, EC_BAD_DESCRIPTOR);
	if (!(buf = malloc(want + 1)))
		return OOM(c);
	iov.iov_base = buf;
	iov.iov_len = want;
	if ((e = wasi_sys_rw(d->fd, &iov, 1, 0, (int64_t)(a[2].u & INT64_MAX), w->cfg.interrupt, &done))) {
		free(buf);
		return fail_errno(c, r, e);
	}
	if (ok(c, r, 1) != 0 || cval_list(&r->elems[0], 2) < 0 ||
	    cval_string(&r->elems[0].elems[0], buf, done) < 0) {
		free(buf);
		return OOM(c);
	}
	free(buf);
	r->elems[0].elems[1] = cval_u(done == 0 && want > 0);
	return 0;
}

static int write_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u);
	struct iovec iov;
	size_t done = 0;
	uint16_t e;

	if (!d)
		return RUNNER_ETRAP;
	if (!(d->dflags & DF_WRITE))
		return fail_code(c, r, EC_BAD_DESCRIPTOR);
	iov.iov_base = a[1].str;
	iov.iov_len = (size_t)a[1].u;
	if ((e = wasi_sys_rw(d->fd, &iov, 1, 1, (int64_t)(a[2].u & INT64_MAX), w->cfg.interrupt, &done)))
		return fail_errno(c, r, e);
	if (ok(c, r, 1) != 0)
		return OOM(c);
	r->elems[0] = cval_u(done);
	return 0;
}

static int set_size(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u);
	uint16_t e;

	if (!d)
		return RUNNER_ETRAP;
	if (!(d->dflags & DF_WRITE))
		return fail_code(c, r, EC_BAD_DESCRIPTOR);
	e = wasi_sys_truncate(d->fd, a[1].u);
	return e ? fail_errno(c, r, e) : ok(c, r, 0);
}

static int sync_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, int data)
{
	struct handle *d = desc(w, c, a[0].u);
	uint16_t e;

	if (!d)
		return RUNNER_ETRAP;
	e = wasi_sys_sync(d->fd, data);
	return e ? fail_errno(c, r, e) : ok(c, r, 0);
}

static int sync_all(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return sync_(w, c, a, r, 0);
}

static int sync_data(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return sync_(w, c, a, r, 1);
}

static int advise(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return desc(w, c, a[0].u) ? ok(c, r, 0) : RUNNER_ETRAP;
}

/* new-timestamp: no-change | now | timestamp(datetime) -> preview1 fstflags */
static uint16_t fst_of(const struct cval *t, uint64_t *ns, uint16_t set, uint16_t now)
{
	*ns = 0;
	if (t->disc == 1)
		return now;
	if (t->disc == 2 && t->n) {
		*ns = t->elems[0].elems[0].u * 1000000000u + t->elems[0].elems[1].u;
		return set;
	}
	return 0;
}

static int set_times(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, int at)
{
	struct handle *d = desc(w, c, a[0].u);
	const struct cval *t = at ? &a[3] : &a[1];
	struct wasi_path p;
	uint64_t atim, mtim;
	uint16_t fst, e;

	if (!d)
		return RUNNER_ETRAP;
	fst = fst_of(&t[0], &atim, 1, 2) | fst_of(&t[1], &mtim, 4, 8);
	if (!at) {
		e = wasi_sys_set_times(d->fd, NULL, atim, mtim, fst);
		return e ? fail_errno(c, r, e) : ok(c, r, 0);
	}
	if ((e = resolve(d, &a[2], (int)(a[1].u & 1), &p)) != 0)
		return fail_errno(c, r, e);
	e = wasi_sys_set_times(p.dirfd, p.name, atim, mtim, fst);
	wasi_path_release(&p);
	return e ? fail_errno(c, r, e) : ok(c, r, 0);
}

static int set_times_fd(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return set_times(w, c, a, r, 0);
}

static int set_times_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return set_times(w, c, a, r, 1);
}

static int hash_result(runner_caller *c, const struct wasi_filestat *st, struct cval *r)
{
	if (ok(c, r, 1) != 0 || cval_list(&r->elems[0], 2) < 0)
		return OOM(c);
	r->elems[0].elems[0] = cval_u(st->ino);
	r->elems[0].elems[1] = cval_u(st->dev);
	return 0;
}

static int metadata_hash(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return stat_with(w, c, a, r, 0, hash_result);
}

static int metadata_hash_at(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return stat_with(w, c, a, r, 1, hash_result);
}

static int is_same_object(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *d = desc(w, c, a[0].u), *d2;
	struct wasi_filestat s1, s2;

	if (!d || !(d2 = desc(w, c, a[1].u)))
		return RUNNER_ETRAP;
	*r = cval_u(wasi_sys_fstat(d->fd, &s1) == 0 && wasi_sys_fstat(d2->fd, &s2) == 0 &&
		    s1.dev == s2.dev && s1.ino == s2.ino);
	return 0;
}

/* filesystem-error-code(borrow<error>) -> option<error-code> */
static int fs_error_code(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *e = wasi2_get(w, a[0].u, H_ERROR);

	memset(r, 0, sizeof(*r));
	if (!e || !e->err)
		return 0;
	if (cval_case(r, 1, 1) < 0)
		return OOM(c);
	r->elems[0].disc = error_code(wasi_sys_errno(e->err));
	return 0;
}

static const struct {
	const char *name;
	wasi2_fn fn;
} types[] = {
	{"[method]descriptor.open-at", open_at},
	{"[method]descriptor.read-via-stream", read_via_stream},
	{"[method]descriptor.write-via-stream", write_via_stream},
	{"[method]descriptor.append-via-stream", append_via_stream},
	{"[method]descriptor.get-type", get_type},
	{"[method]descriptor.get-flags", get_flags},
	{"[method]descriptor.stat", stat_},
	{"[method]descriptor.stat-at", stat_at},
	{"[method]descriptor.create-directory-at", mkdir_at},
	{"[method]descriptor.remove-directory-at", rmdir_at},
	{"[method]descriptor.unlink-file-at", unlink_at},
	{"[method]descriptor.rename-at", rename_at},
	{"[method]descriptor.link-at", link_at},
	{"[method]descriptor.symlink-at", symlink_at},
	{"[method]descriptor.readlink-at", readlink_at},
	{"[method]descriptor.read-directory", read_directory},
	{"[method]directory-entry-stream.read-directory-entry", read_directory_entry},
	{"[method]descriptor.read", read_},
	{"[method]descriptor.write", write_},
	{"[method]descriptor.set-size", set_size},
	{"[method]descriptor.sync", sync_all},
	{"[method]descriptor.sync-data", sync_data},
	{"[method]descriptor.advise", advise},
	{"[method]descriptor.set-times", set_times_fd},
	{"[method]descriptor.set-times-at", set_times_at},
	{"[method]descriptor.metadata-hash", metadata_hash},
	{"[method]descriptor.metadata-hash-at", metadata_hash_at},
	{"[method]descriptor.is-same-object", is_same_object},
	{"filesystem-error-code", fs_error_code},
};

wasi2_fn wasi2_fs_lookup(const char *iface, const char *name)
{
	size_t i;

	if (!strcmp(iface, "wasi:filesystem/preopens"))
		return strcmp(name, "get-directories") ? NULL : get_directories;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(types[i].name, name))
			return types[i].fn;
	return NULL;
}
