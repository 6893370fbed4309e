/*
 * wasi_sys.c - the thin host calls of the WASI host (layer 3): errno and
 * stat conversion, clocks, randomness, times, flags, seeking, advice,
 * allocation and directory reading, all on host descriptors.  Nothing here
 * knows about rights or guest memory; every function returns a WASI errno.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wasi_impl.h"

uint16_t wasi_sys_errno(int e)
{
	switch (e) {
	case 0: return WASI_ESUCCESS;
	case E2BIG: return WASI_E2BIG;
	case EACCES: return WASI_EACCES;
	case EADDRINUSE: return WASI_EADDRINUSE;
	case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
	case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
	case EAGAIN: return WASI_EAGAIN;
	case EALREADY: return WASI_EALREADY;
	case EBADF: return WASI_EBADF;
	case EBADMSG: return WASI_EBADMSG;
	case EBUSY: return WASI_EBUSY;
	case ECANCELED: return WASI_ECANCELED;
	case ECHILD: return WASI_ECHILD;
	case ECONNABORTED: return WASI_ECONNABORTED;
	case ECONNREFUSED: return WASI_ECONNREFUSED;
	case ECONNRESET: return WASI_ECONNRESET;
	case EDEADLK: return WASI_EDEADLK;
	case EDESTADDRREQ: return WASI_EDESTADDRREQ;
	case EDOM: return WASI_EDOM;
	case EDQUOT: return WASI_EDQUOT;
	case EEXIST: return WASI_EEXIST;
	case EFAULT: return WASI_EFAULT;
	case EFBIG: return WASI_EFBIG;
	case EHOSTUNREACH: return WASI_EHOSTUNREACH;
	case EIDRM: return WASI_EIDRM;
	case EILSEQ: return WASI_EILSEQ;
	case EINPROGRESS: return WASI_EINPROGRESS;
	case EINTR: return WASI_EINTR;
	case EINVAL: return WASI_EINVAL;
	case EIO: return WASI_EIO;
	case EISCONN: return WASI_EISCONN;
	case EISDIR: return WASI_EISDIR;
	case ELOOP: return WASI_ELOOP;
	case EMFILE: return WASI_EMFILE;
	case EMLINK: return WASI_EMLINK;
	case EMSGSIZE: return WASI_EMSGSIZE;
	case EMULTIHOP: return WASI_EMULTIHOP;
	case ENAMETOOLONG: return WASI_ENAMETOOLONG;
	case ENETDOWN: return WASI_ENETDOWN;
	case ENETRESET: return WASI_ENETRESET;
	case ENETUNREACH: return WASI_ENETUNREACH;
	case ENFILE: return WASI_ENFILE;
	case ENOBUFS: return WASI_ENOBUFS;
	case ENODEV: return WASI_ENODEV;
	case ENOENT: return WASI_ENOENT;
	case ENOEXEC: return WASI_ENOEXEC;
	case ENOLCK: return WASI_ENOLCK;
	case ENOLINK: return WASI_ENOLINK;
	case ENOMEM: return WASI_ENOMEM;
	case ENOMSG: return WASI_ENOMSG;
	case ENOPROTOOPT: return WASI_ENOPROTOOPT;
	case ENOSPC: return WASI_ENOSPC;
	case ENOSYS: return WASI_ENOSYS;
	case ENOTCONN: return WASI_ENOTCONN;
	case ENOTDIR: return WASI_ENOTDIR;
	case ENOTEMPTY: return WASI_ENOTEMPTY;
	case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
	case ENOTSOCK: return WASI_ENOTSOCK;
	case EOPNOTSUPP: return WASI_ENOTSUP; /* == ENOTSUP on Linux */
	case ENOTTY: return WASI_ENOTTY;
	case ENXIO: return WASI_ENXIO;
	case EOVERFLOW: return WASI_EOVERFLOW;
	case EOWNERDEAD: return WASI_EOWNERDEAD;
	case EPERM: return WASI_EPERM;
	case EPIPE: return WASI_EPIPE;
	case EPROTO: return WASI_EPROTO;
	case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
	case EPROTOTYPE: return WASI_EPROTOTYPE;
	case ERANGE: return WASI_ERANGE;
	case EROFS: return WASI_EROFS;
	case ESPIPE: return WASI_ESPIPE;
	case ESRCH: return WASI_ESRCH;
	case ESTALE: return WASI_ESTALE;
	case ETIMEDOUT: return WASI_ETIMEDOUT;
	case ETXTBSY: return WASI_ETXTBSY;
	case EXDEV: return WASI_EXDEV;
	}
	return WASI_EIO;
}

uint8_t wasi_sys_filetype(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
	case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
	case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
	case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
	case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
	case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
	}
	return WASI_FILETYPE_UNKNOWN; /* FIFOs have no WASI type */
}

static uint64_t ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

static void stat_conv(const struct stat *st, struct wasi_filestat *out)
{
	out->dev = (uint64_t)st->st_dev;
	out->ino = (uint64_t)st->st_ino;
	out->filetype = wasi_sys_filetype(st->st_mode);
	out->nlink = (uint64_t)st->st_nlink;
	out->size = (uint64_t)st->st_size;
	out->atim = ts_ns(&st->st_atim);
	out->mtim = ts_ns(&st->st_mtim);
	out->ctim = ts_ns(&st->st_ctim);
}

uint16_t wasi_sys_fstat(int fd, struct wasi_filestat *out)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return wasi_sys_errno(errno);
	stat_conv(&st, out);
	return 0;
}

uint16_t wasi_sys_fstatat(int dirfd, const char *name, struct wasi_filestat *out)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return wasi_sys_errno(errno);
	stat_conv(&st, out);
	return 0;
}

uint16_t wasi_sys_fd_type(int fd, uint8_t *type, int *is_tty)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return wasi_sys_errno(errno);
	*type = wasi_sys_filetype(st.st_mode);
	*is_tty = S_ISCHR(st.st_mode) && isatty(fd);
	return 0;
}

static int host_clock(uint32_t id, clockid_t *out)
{
	switch (id) {
	case WASI_CLOCK_REALTIME: *out = CLOCK_REALTIME; return 0;
	case WASI_CLOCK_MONOTONIC: *out = CLOCK_MONOTONIC; return 0;
	case WASI_CLOCK_PROCESS_CPUTIME: *out = CLOCK_PROCESS_CPUTIME_ID; return 0;
	case WASI_CLOCK_THREAD_CPUTIME: *out = CLOCK_THREAD_CPUTIME_ID; return 0;
	}
	return -1;
}

uint16_t wasi_sys_clock_res(uint32_t id, uint64_t *out)
{
	struct timespec ts;
	clockid_t c;

	if (host_clock(id, &c) < 0)
		return WASI_EINVAL;
	if (clock_getres(c, &ts) < 0)
		return wasi_sys_errno(errno);
	*out = ts_ns(&ts);
	return 0;
}

uint16_t wasi_sys_clock_time(uint32_t id, uint64_t *out)
{
	struct timespec ts;
	clockid_t c;

	if (host_clock(id, &c) < 0)
		return WASI_EINVAL;
	if (clock_gettime(c, &ts) < 0)
		return wasi_sys_errno(errno);
	*out = ts_ns(&ts);
	return 0;
}

uint16_t wasi_sys_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return wasi_sys_errno(errno);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static struct timespec fst_time(uint64_t ns, int set, int now)
{
	struct timespec t = { 0, UTIME_OMIT };

	if (now) {
		t.tv_nsec = UTIME_NOW;
	} else if (set) {
		t.tv_sec = (time_t)(ns / 1000000000u);
		t.tv_nsec = (long)(ns % 1000000000u);
	}
	return t;
}

uint16_t wasi_sys_set_times(int fd, const char *name, uint64_t atim, uint64_t mtim, uint16_t fst)
{
	struct timespec ts[2];
	int r;

	if ((fst & ~0xf) || ((fst & WASI_FST_ATIM) && (fst & WASI_FST_ATIM_NOW)) ||
	    ((fst & WASI_FST_MTIM) && (fst & WASI_FST_MTIM_NOW)))
		return WASI_EINVAL;
	ts[0] = fst_time(atim, fst & WASI_FST_ATIM, fst & WASI_FST_ATIM_NOW);
	ts[1] = fst_time(mtim, fst & WASI_FST_MTIM, fst & WASI_FST_MTIM_NOW);
	r = name ? utimensat(fd, name, ts, AT_SYMLINK_NOFOLLOW) : futimens(fd, ts);
	return r < 0 ? wasi_sys_errno(errno) : 0;
}

uint16_t wasi_sys_set_fdflags(int fd, uint16_t old, uint16_t flags)
{
	int fl;

	if (flags & ~WASI_FDFLAGS_ALL)
		return WASI_EINVAL;
	/* Linux ignores O_SYNC/O_DSYNC in F_SETFL: refuse rather than pretend */
	if ((old ^ flags) & (WASI_FDFLAG_DSYNC | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC))
		return WASI_ENOTSUP;
	if ((fl = fcntl(fd, F_GETFL)) < 0)
		return wasi_sys_errno(errno);
	fl &= ~(O_APPEND | O_NONBLOCK);
	if (flags & WASI_FDFLAG_APPEND)
		fl |= O_APPEND;
	if (flags & WASI_FDFLAG_NONBLOCK)
		fl |= O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl) < 0 ? wasi_sys_errno(errno) : 0;
}

uint16_t wasi_sys_rw(int fd, const struct iovec *iov, int cnt, int write, int64_t off,
		     volatile sig_atomic_t *interrupt, size_t *done)
{
	ssize_t n;

	for (;;) {
		if (off >= 0)
			n = write ? pwritev(fd, iov, cnt, (off_t)off) : preadv(fd, iov, cnt, (off_t)off);
		else
			n = write ? writev(fd, iov, cnt) : readv(fd, iov, cnt);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return wasi_sys_errno(errno);
		if (interrupt && *interrupt)
			return WASI_EINTR;
	}
	*done = (size_t)n;
	return 0;
}

uint16_t wasi_sys_sync(int fd, int data_only)
{
	return (data_only ? fdatasync(fd) : fsync(fd)) < 0 ? wasi_sys_errno(errno) : 0;
}

uint16_t wasi_sys_truncate(int fd, uint64_t size)
{
	if (size > INT64_MAX)
		return WASI_EINVAL;
	return ftruncate(fd, (off_t)size) < 0 ? wasi_sys_errno(errno) : 0;
}

uint16_t wasi_sys_seek(int fd, int64_t off, int whence, uint64_t *pos)
{
	off_t r = lseek(fd, (off_t)off, whence);

	if (r < 0)
		return wasi_sys_errno(errno);
	*pos = (uint64_t)r;
	return 0;
}

uint16_t wasi_sys_advise(int fd, uint64_t off, uint64_t len, uint8_t advice)
{
	static const int map[] = { POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
				   POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE };
	int r;

	if (advice > WASI_ADVICE_NOREUSE || off > INT64_MAX || len > INT64_MAX)
		return WASI_EINVAL;
	r = posix_fadvise(fd, (off_t)off, (off_t)len, map[advice]);
	return r ? wasi_sys_errno(r) : 0;
}

/* ---- directories ---- */

struct wasi_dir {
	DIR *d;
	uint64_t next;         /* index of the entry readdir() yields next */
	uint64_t held_index;   /* the last entry returned, kept for a re-read */
	int held;
	struct wasi_dirent ent;
	char name[256];
};

void wasi_sys_dir_free(struct wasi_dir *d)
{
	if (!d)
		return;
	if (d->d)
		closedir(d->d);
	free(d);
}

static uint8_t dtype_of(DIR *d, const struct dirent *e)
{
	struct stat st;

	switch (e->d_type) {
	case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
	case DT_DIR: return WASI_FILETYPE_DIRECTORY;
	case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
	case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
	case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
	case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
	case DT_FIFO: return WASI_FILETYPE_UNKNOWN;
	}
	if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return WASI_FILETYPE_UNKNOWN;
	return wasi_sys_filetype(st.st_mode);
}

/*
 * Cookies are entry indexes.  The guest reads sequentially, and re-reads
 * the one entry that did not fit its buffer: both are O(1).  Any other
 * cookie rewinds and skips.
 */
uint16_t wasi_sys_dir_entry(struct wasi_dir **state, int fd, uint64_t index,
			    struct wasi_dirent *out, int *end)
{
	struct wasi_dir *d = *state;
	struct dirent *e;

	*end = 0;
	if (!d) {
		int own = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (own < 0)
			return wasi_sys_errno(errno);
		if (!(d = calloc(1, sizeof(*d))) || !(d->d = fdopendir(own))) {
			int e2 = d ? errno : ENOMEM;
			close(own);
			free(d);
			return wasi_sys_errno(e2);
		}
		*state = d;
	}
	if (d->held && d->held_index == index) {
		*out = d->ent;
		return 0;
	}
	if (index < d->next) {
		rewinddir(d->d);
		d->next = 0;
	}
	d->held = 0;
	for (;;) {
		errno = 0;
		if (!(e = readdir(d->d))) {
			if (errno)
				return wasi_sys_errno(errno);
			*end = 1;
			return 0;
		}
		if (d->next++ == index)
			break;
	}
	snprintf(d->name, sizeof(d->name), "%s", e->d_name);
	d->ent.ino = (uint64_t)e->d_ino;
	d->ent.type = dtype_of(d->d, e);
	d->ent.name = d->name;
	d->ent.namlen = strlen(d->name);
	d->held = 1;
	d->held_index = index;
	*out = d->ent;
	return 0;
}
