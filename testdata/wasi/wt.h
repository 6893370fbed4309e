/*
 * wt.h - helpers for the WASI test programs under testdata/wasi/.  They are
 * compiled at test time with clang --target=wasm32-wasi and run under
 * `wasmpack run` and under node's WASI; each prints "label: result" lines
 * that the tests compare.  Results are WASI errno names, so a line reads
 * the same whichever host produced it.
 */
#ifndef WT_H
#define WT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static const char *wt_errname(int e)
{
	static const char *names[] = {
		"ok", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EAGAIN",
		"EALREADY", "EBADF", "EBADMSG", "EBUSY", "ECANCELED", "ECHILD", "ECONNABORTED",
		"ECONNREFUSED", "ECONNRESET", "EDEADLK", "EDESTADDRREQ", "EDOM", "EDQUOT", "EEXIST",
		"EFAULT", "EFBIG", "EHOSTUNREACH", "EIDRM", "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL",
		"EIO", "EISCONN", "EISDIR", "ELOOP", "EMFILE", "EMLINK", "EMSGSIZE", "EMULTIHOP",
		"ENAMETOOLONG", "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENFILE", "ENOBUFS", "ENODEV",
		"ENOENT", "ENOEXEC", "ENOLCK", "ENOLINK", "ENOMEM", "ENOMSG", "ENOPROTOOPT", "ENOSPC",
		"ENOSYS", "ENOTCONN", "ENOTDIR", "ENOTEMPTY", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP",
		"ENOTTY", "ENXIO", "EOVERFLOW", "EOWNERDEAD", "EPERM", "EPIPE", "EPROTO",
		"EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE", "EROFS", "ESPIPE", "ESRCH", "ESTALE",
		"ETIMEDOUT", "ETXTBSY", "EXDEV", "ENOTCAPABLE",
	};
	return e >= 0 && e < (int)(sizeof(names) / sizeof(names[0])) ? names[e] : "E?";
}

/* "label: ok" or "label: ENAME" */
static void wt_show(const char *label, int err)
{
	printf("%s: %s\n", label, wt_errname(err));
}

/* Escape attempts and rights violations may be refused with either of the
 * two errors WASI allows for them; print one word for both. */
static void wt_refused(const char *label, int err)
{
	if (err == __WASI_ERRNO_NOTCAPABLE || err == __WASI_ERRNO_PERM)
		printf("%s: refused\n", label);
	else
		wt_show(label, err);
}

#define WT_RIGHTS_ALL ((__wasi_rights_t)0x3fffffff)

/* Open path beneath dir with every right its directory can hand down. */
static int wt_open(__wasi_fd_t dir, const char *path, __wasi_oflags_t of, __wasi_fd_t *fd)
{
	__wasi_fdstat_t st;
	int e = __wasi_fd_fdstat_get(dir, &st);

	if (e)
		return e;
	return __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, of,
				st.fs_rights_inheriting, st.fs_rights_inheriting, 0, fd);
}

/* The raw imports, for arguments the libc wrappers would not let through
 * (explicit lengths, pointers outside memory). */
#define WT_IMPORT(name) __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__(name)))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
		      int64_t base, int64_t inheriting, int32_t fdflags, int32_t fd_out) WT_IMPORT("path_open");

/* The first preopened directory (fd 3 on every host the tests use). */
#define WT_DIR 3

#endif
