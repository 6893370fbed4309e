/*
 * fs.c - file-system helpers (see fs.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fs.h"

/* Read `path` (opened with `flags` added); `regular`: refuse anything but
 * a regular file, a symlink included, without blocking on it. */
static int read_file(const char *path, int flags, int regular, size_t max, struct wp_buf *out)
{
	uint8_t chunk[65536];
	struct stat st;
	size_t total = 0;
	int fd, err = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	if (fd < 0 && errno == ELOOP && (flags & O_NOFOLLOW))
		return wp_error_set(WP_EINVALID, "%s: is a symbolic link, expected a regular file (not followed)",
				    path);
	if (fd < 0)
		return wp_error_errno(errno == ENOENT ? WP_ENOTFOUND : WP_EIO, "%s", path);
	if (fstat(fd, &st) < 0) {
		err = wp_error_errno(WP_EIO, "%s", path);
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		err = wp_error_set(WP_EINVALID, "%s: is a directory, expected a file", path);
		goto done;
	}
	if (regular && !S_ISREG(st.st_mode)) {
		err = wp_error_set(WP_EINVALID, "%s: is not a regular file (a FIFO, socket or device)", path);
		goto done;
	}
	/* Regular files are sized up front so the data is read once, in place. */
	if (S_ISREG(st.st_mode) && (size_t)st.st_size <= max &&
	    (err = wp_buf_grow(out, (size_t)st.st_size)) < 0)
		goto done;
	for (;;) {
		/* straight into the buffer while it has room (within its cap),
		 * else through `chunk` (growing it, or finding the end) */
		size_t room = out->cap > out->len + 1 ? out->cap - out->len - 1 : 0;
		uint8_t *dst;
		if (room > out->max - out->len)
			room = out->max - out->len;
		dst = room ? out->data + out->len : chunk;
		n = read(fd, dst, room ? room : sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = wp_error_errno(WP_EIO, "%s", path);
			goto done;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > max) {
			err = wp_error_set(WP_ETOOBIG, "%s: larger than %zu bytes", path, max);
			goto done;
		}
		if (dst != chunk)
			out->len += (size_t)n;
		else if ((err = wp_buf_append(out, chunk, (size_t)n)) < 0)
			goto done;
	}
	if ((err = wp_buf_grow(out, 0)) < 0)
		goto done;
	out->data[out->len] = '\0';
done:
	close(fd);
	return err;
}

int wp_fs_read_file(const char *path, size_t max, struct wp_buf *out)
{
	return read_file(path, 0, 0, max, out);
}

int wp_fs_read_regular(const char *path, size_t max, struct wp_buf *out)
{
	return read_file(path, O_NOFOLLOW | O_NONBLOCK, 1, max, out);
}

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The pid in a temporary name "<path>.tmp-<pid>-XXXXXX" of
 * wp_fs_write_atomic, or 0 if `name` is not one. */
static long tmp_name_pid(const char *name)
{
	const char *p = NULL, *q;
	char *end;
	long pid;

	for (q = strstr(name, ".tmp-"); q; q = strstr(q + 1, ".tmp-"))
		p = q;
	if (!p || p == name)
		return 0;
	pid = strtol(p + 5, &end, 10);
	if (end == p + 5 || *end != '-' || strlen(end + 1) != 6 || pid <= 0)
		return 0;
	return pid;
}

void wp_fs_remove_stale_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		long pid = tmp_name_pid(e->d_name);
		/* our own pid: a file of this process's (another thread's) write */
		if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

int wp_fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 32);
	int fd, err = 0;

	if (!tmp)
		return wp_error_set(WP_ENOMEM, "out of memory");
	snprintf(tmp, plen + 32, "%s.tmp-%ld-XXXXXX", path, (long)getpid());
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = wp_error_errno(WP_EIO, "cannot write %s", path);
		free(tmp);
		return err;
	}
	if (write_all(fd, data, len) < 0 || fchmod(fd, mode) < 0) {
		err = wp_error_errno(WP_EIO, "cannot write %s", path);
		close(fd);
		unlink(tmp);
		free(tmp);
		return err;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		err = wp_error_errno(WP_EIO, "cannot write %s", path);
		unlink(tmp);
	}
	free(tmp);
	return err;
}

int wp_fs_mkdirs(const char *path, mode_t mode, char **created)
{
	char *p = strdup(path), *s;
	int err = 0;

	if (created)
		*created = NULL;
	if (!p)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (s = p + 1;; s++) {
		char c = *s;
		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, mode) == 0) {
			if (created && !*created)
				*created = strdup(p);
		} else if (errno != EEXIST) {
			err = wp_error_errno(WP_EIO, "cannot create directory %s", p);
			break;
		} else if (!wp_fs_is_dir(p)) {
			err = wp_error_set(WP_EINVALID, "%s: exists and is not a directory", p);
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return err;
}

int wp_fs_remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : wp_error_errno(WP_EIO, "%s", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return wp_error_errno(WP_EIO, "cannot remove %s", path);
		return 0;
	}
	d = opendir(path);
	if (!d)
		return wp_error_errno(WP_EIO, "%s", path);
	while ((e = readdir(d))) {
		char *child;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		child = wp_path_join(path, e->d_name);
		if (!child) {
			closedir(d);
			return wp_error_set(WP_ENOMEM, "out of memory");
		}
		wp_fs_remove_tree(child);
		free(child);
	}
	closedir(d);
	if (rmdir(path) < 0 && errno != ENOENT)
		return wp_error_errno(WP_EIO, "cannot remove %s", path);
	return 0;
}

int wp_fs_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int wp_fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int wp_fs_lock_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return wp_error_errno(WP_EIO, "cannot open %s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int err = wp_error_errno(WP_EIO, "cannot lock %s", path);
			close(fd);
			return err;
		}
	}
	return fd;
}

void wp_fs_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

char *wp_path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p;

	while (la > 1 && a[la - 1] == '/')
		la--;
	p = malloc(la + lb + 2);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

int wp_path_climbs(const char *path)
{
	const char *p;

	for (p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

char *wp_path_basename(const char *path)
{
	size_t len = strlen(path);
	const char *start;

	while (len > 1 && path[len - 1] == '/')
		len--;
	start = path + len;
	while (start > path && start[-1] != '/')
		start--;
	return strndup(start, (size_t)(path + len - start));
}

int wp_fs_mkdtemp(const char *prefix, char **out)
{
	const char *tmpdir = getenv("TMPDIR");
	char *p;
	size_t n;

	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	n = strlen(tmpdir) + strlen(prefix) + 16;
	p = malloc(n);
	if (!p)
		return wp_error_set(WP_ENOMEM, "out of memory");
	snprintf(p, n, "%s/%s-XXXXXX", tmpdir, prefix);
	if (!mkdtemp(p)) {
		int err = wp_error_errno(WP_EIO, "cannot create a temporary directory in %s", tmpdir);
		free(p);
		return err;
	}
	*out = p;
	return 0;
}
