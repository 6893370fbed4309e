/*
 * wasi_path.c - paths strictly beneath a directory descriptor (layer 3).
 *
 * The kernel never sees a guest path.  We walk it ourselves, one component
 * at a time: every directory is opened with openat(O_PATH | O_NOFOLLOW |
 * O_DIRECTORY) relative to the previous one, a symlink is read with
 * readlinkat() and its (relative) target spliced into the rest of the
 * path, and ".." pops our own stack of descriptors instead of asking the
 * kernel, so it can never climb above the starting directory, whatever
 * the host does to the tree meanwhile.  The last component is handed to a
 * *at() call with no-follow semantics (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW,
 * linkat without AT_SYMLINK_FOLLOW), and never with a trailing slash, which
 * would make the kernel follow a symlink there: trailing slashes are
 * remembered and their POSIX meaning applied here.
 *
 * This is what openat2(RESOLVE_BENEATH) does in the kernel; doing it in user
 * space works on every kernel and seccomp profile, and gives the symlink
 * and ".." rules of wasmtime (cap-std) exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wasi_impl.h"

#define MAX_DEPTH 512
#define MAX_SYMLINKS 40

static int utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n, k;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

uint16_t wasi_path_check(const char *path, size_t len)
{
	if (len == 0)
		return WASI_ENOENT;
	if (len >= WASI_PATH_MAX)
		return WASI_ENAMETOOLONG;
	if (memchr(path, '\0', len))
		return WASI_EINVAL;
	if (!utf8_valid((const unsigned char *)path, len))
		return WASI_EILSEQ;
	return 0;
}

void wasi_path_release(struct wasi_path *p)
{
	if (p->owned && p->dirfd >= 0)
		close(p->dirfd);
	p->owned = 0;
	p->dirfd = -1;
}

/* Replace rest[at..] by target + rest[after..]; rest holds WASI_PATH_MAX. */
static uint16_t splice_link(char *rest, size_t after, const char *target, size_t tlen)
{
	size_t tail = strlen(rest + after);

	if (tlen == 0)
		return WASI_ENOENT;
	if (target[0] == '/')
		return WASI_ENOTCAPABLE; /* absolute symlinks lead out of the sandbox */
	if (tlen + tail + 1 > WASI_PATH_MAX)
		return WASI_ENAMETOOLONG;
	memmove(rest + tlen, rest + after, tail + 1);
	memcpy(rest, target, tlen);
	return 0;
}

uint16_t wasi_path_resolve(int base, const char *path, int follow, struct wasi_path *out)
{
	char rest[WASI_PATH_MAX], target[WASI_PATH_MAX];
	int stack[MAX_DEPTH];
	size_t pos = 0, d = 0;
	unsigned links = 0;
	uint16_t err = 0;

	out->dirfd = -1;
	out->owned = 0;
	out->trailing = 0;
	out->name[0] = '\0';
	if (strlen(path) >= sizeof(rest))
		return WASI_ENAMETOOLONG;
	if (path[0] == '/')
		return WASI_ENOTCAPABLE;
	strcpy(rest, path);
	stack[0] = base;
	for (;;) {
		size_t start, clen, after;
		int last, slash_after;
		ssize_t n;

		while (rest[pos] == '/')
			pos++;
		if (!rest[pos]) { /* nothing left: the current directory itself */
			strcpy(out->name, ".");
			break;
		}
		start = pos;
		while (rest[pos] && rest[pos] != '/')
			pos++;
		clen = pos - start;
		after = pos;
		while (rest[pos] == '/')
			pos++;
		last = rest[pos] == '\0';
		slash_after = after != pos;
		if (clen == 1 && rest[start] == '.') {
			if (last) {
				strcpy(out->name, ".");
				break;
			}
			continue;
		}
		if (clen == 2 && rest[start] == '.' && rest[start + 1] == '.') {
			if (d == 0) {
				err = WASI_ENOTCAPABLE; /* above the directory we started from */
				goto fail;
			}
			close(stack[d--]);
			if (last) {
				strcpy(out->name, ".");
				break;
			}
			continue;
		}
		if (clen >= sizeof(out->name)) {
			err = WASI_ENAMETOOLONG;
			goto fail;
		}
		memcpy(out->name, rest + start, clen);
		out->name[clen] = '\0';
		if (last && !follow) {
			out->trailing = slash_after;
			break;
		}
		if (!last) {
			int fd = openat(stack[d], out->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0) {
				if (d + 1 >= MAX_DEPTH) {
					close(fd);
					err = WASI_ENAMETOOLONG;
					goto fail;
				}
				stack[++d] = fd;
				continue;
			}
			if (errno != ENOTDIR && errno != ELOOP) {
				err = wasi_sys_errno(errno);
				goto fail;
			}
		}
		/* a symlink here is expanded; anything else ends (last) or fails */
		n = readlinkat(stack[d], out->name, target, sizeof(target) - 1);
		if (n < 0) {
			if (last) {
				out->trailing = slash_after;
				break;
			}
			err = WASI_ENOTDIR;
			goto fail;
		}
		if (++links > MAX_SYMLINKS) {
			err = WASI_ELOOP;
			goto fail;
		}
		target[n] = '\0';
		/* the target replaces the component; what followed it stays */
		if ((err = splice_link(rest, after, target, (size_t)n)) != 0)
			goto fail;
		pos = 0;
	}
	for (pos = 1; pos < d; pos++)
		close(stack[pos]); /* the ancestors; the last one is the result */
	out->dirfd = stack[d];
	out->owned = d > 0;
	return 0;
fail:
	while (d > 0)
		close(stack[d--]);
	out->name[0] = '\0';
	return err;
}

/* ---- operations on a resolved path ---- */

uint16_t wasi_path_open(const struct wasi_path *p, int host_flags, int *fd, uint8_t *type,
			int *is_tty)
{
	int flags = host_flags | O_NOFOLLOW | O_CLOEXEC;
	uint16_t err;

	if (p->trailing)
		flags |= O_DIRECTORY;
	if ((*fd = openat(p->dirfd, p->name, flags, 0666)) < 0)
		return wasi_sys_errno(errno);
	if ((err = wasi_sys_fd_type(*fd, type, is_tty)) != 0) {
		close(*fd);
		*fd = -1;
	}
	return err;
}

uint16_t wasi_path_stat(const struct wasi_path *p, struct wasi_filestat *out)
{
	uint16_t err = wasi_sys_fstatat(p->dirfd, p->name, out);

	if (!err && p->trailing && out->filetype != WASI_FILETYPE_DIRECTORY)
		return WASI_ENOTDIR;
	return err;
}

uint16_t wasi_path_mkdir(const struct wasi_path *p)
{
	return mkdirat(p->dirfd, p->name, 0777) < 0 ? wasi_sys_errno(errno) : 0;
}

uint16_t wasi_path_rmdir(const struct wasi_path *p)
{
	return unlinkat(p->dirfd, p->name, AT_REMOVEDIR) < 0 ? wasi_sys_errno(errno) : 0;
}

/* What a trailing slash on an existing non-directory means: ENOTDIR. */
static uint16_t must_be_dir(const struct wasi_path *p, uint16_t if_dir)
{
	struct wasi_filestat st;
	uint16_t err = wasi_sys_fstatat(p->dirfd, p->name, &st);

	if (err)
		return err;
	return st.filetype == WASI_FILETYPE_DIRECTORY ? if_dir : WASI_ENOTDIR;
}

uint16_t wasi_path_unlink(const struct wasi_path *p)
{
	if (p->trailing)
		return must_be_dir(p, WASI_EISDIR);
	return unlinkat(p->dirfd, p->name, 0) < 0 ? wasi_sys_errno(errno) : 0;
}

/* A new name with a trailing slash can only be a directory to create:
 * ENOENT when free, EEXIST when taken. */
static uint16_t new_name_with_slash(const struct wasi_path *p)
{
	struct wasi_filestat st;
	uint16_t err = wasi_sys_fstatat(p->dirfd, p->name, &st);

	return err ? err : WASI_EEXIST;
}

uint16_t wasi_path_symlink(const char *target, const struct wasi_path *p)
{
	if (p->trailing)
		return new_name_with_slash(p);
	return symlinkat(target, p->dirfd, p->name) < 0 ? wasi_sys_errno(errno) : 0;
}

uint16_t wasi_path_link(const struct wasi_path *from, const struct wasi_path *to)
{
	uint16_t err;

	if (from->trailing && (err = must_be_dir(from, WASI_EPERM)) != 0)
		return err;
	if (to->trailing)
		return new_name_with_slash(to);
	if (linkat(from->dirfd, from->name, to->dirfd, to->name, 0) < 0)
		return wasi_sys_errno(errno);
	return 0;
}

uint16_t wasi_path_rename(const struct wasi_path *from, const struct wasi_path *to)
{
	uint16_t err;

	if ((from->trailing || to->trailing) && (err = must_be_dir(from, 0)) != 0)
		return err;
	if (renameat(from->dirfd, from->name, to->dirfd, to->name) < 0)
		return wasi_sys_errno(errno);
	return 0;
}

uint16_t wasi_path_readlink(const struct wasi_path *p, char *buf, size_t len, size_t *used)
{
	char tmp[WASI_PATH_MAX];
	ssize_t n;

	if (p->trailing) {
		uint16_t err = must_be_dir(p, WASI_EINVAL);
		return err;
	}
	if ((n = readlinkat(p->dirfd, p->name, tmp, sizeof(tmp))) < 0)
		return wasi_sys_errno(errno);
	*used = (size_t)n < len ? (size_t)n : len;
	memcpy(buf, tmp, *used);
	return 0;
}
