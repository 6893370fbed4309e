/*
 * wasi_abi.h - the numbers and memory layouts of WASI preview1
 * (wasi_snapshot_preview1) and of its predecessor wasi_unstable, as the
 * guest sees them.  Values come from the witx definitions; layouts are
 * byte offsets in little-endian linear memory (guests may pass unaligned
 * pointers, so the host reads and writes through memcpy).
 */
#ifndef RUNNER_WASI_ABI_H
#define RUNNER_WASI_ABI_H

#include <stdint.h>

/* errno */
enum {
	WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3,
	WASI_EADDRNOTAVAIL = 4, WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7,
	WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10, WASI_ECANCELED = 11,
	WASI_ECHILD = 12, WASI_ECONNABORTED = 13, WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15,
	WASI_EDEADLK = 16, WASI_EDESTADDRREQ = 17, WASI_EDOM = 18, WASI_EDQUOT = 19,
	WASI_EEXIST = 20, WASI_EFAULT = 21, WASI_EFBIG = 22, WASI_EHOSTUNREACH = 23,
	WASI_EIDRM = 24, WASI_EILSEQ = 25, WASI_EINPROGRESS = 26, WASI_EINTR = 27,
	WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31,
	WASI_ELOOP = 32, WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35,
	WASI_EMULTIHOP = 36, WASI_ENAMETOOLONG = 37, WASI_ENETDOWN = 38, WASI_ENETRESET = 39,
	WASI_ENETUNREACH = 40, WASI_ENFILE = 41, WASI_ENOBUFS = 42, WASI_ENODEV = 43,
	WASI_ENOENT = 44, WASI_ENOEXEC = 45, WASI_ENOLCK = 46, WASI_ENOLINK = 47,
	WASI_ENOMEM = 48, WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50, WASI_ENOSPC = 51,
	WASI_ENOSYS = 52, WASI_ENOTCONN = 53, WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55,
	WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58, WASI_ENOTTY = 59,
	WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63,
	WASI_EPIPE = 64, WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67,
	WASI_ERANGE = 68, WASI_EROFS = 69, WASI_ESPIPE = 70, WASI_ESRCH = 71,
	WASI_ESTALE = 72, WASI_ETIMEDOUT = 73, WASI_ETXTBSY = 74, WASI_EXDEV = 75,
	WASI_ENOTCAPABLE = 76,
};

/* rights */
#define WASI_RIGHT_FD_DATASYNC (1ull << 0)
#define WASI_RIGHT_FD_READ (1ull << 1)
#define WASI_RIGHT_FD_SEEK (1ull << 2)
#define WASI_RIGHT_FD_FDSTAT_SET_FLAGS (1ull << 3)
#define WASI_RIGHT_FD_SYNC (1ull << 4)
#define WASI_RIGHT_FD_TELL (1ull << 5)
#define WASI_RIGHT_FD_WRITE (1ull << 6)
#define WASI_RIGHT_FD_ADVISE (1ull << 7)
#define WASI_RIGHT_FD_ALLOCATE (1ull << 8)
#define WASI_RIGHT_PATH_CREATE_DIRECTORY (1ull << 9)
#define WASI_RIGHT_PATH_CREATE_FILE (1ull << 10)
#define WASI_RIGHT_PATH_LINK_SOURCE (1ull << 11)
#define WASI_RIGHT_PATH_LINK_TARGET (1ull << 12)
#define WASI_RIGHT_PATH_OPEN (1ull << 13)
#define WASI_RIGHT_FD_READDIR (1ull << 14)
#define WASI_RIGHT_PATH_READLINK (1ull << 15)
#define WASI_RIGHT_PATH_RENAME_SOURCE (1ull << 16)
#define WASI_RIGHT_PATH_RENAME_TARGET (1ull << 17)
#define WASI_RIGHT_PATH_FILESTAT_GET (1ull << 18)
#define WASI_RIGHT_PATH_FILESTAT_SET_SIZE (1ull << 19)
#define WASI_RIGHT_PATH_FILESTAT_SET_TIMES (1ull << 20)
#define WASI_RIGHT_FD_FILESTAT_GET (1ull << 21)
#define WASI_RIGHT_FD_FILESTAT_SET_SIZE (1ull << 22)
#define WASI_RIGHT_FD_FILESTAT_SET_TIMES (1ull << 23)
#define WASI_RIGHT_PATH_SYMLINK (1ull << 24)
#define WASI_RIGHT_PATH_REMOVE_DIRECTORY (1ull << 25)
#define WASI_RIGHT_PATH_UNLINK_FILE (1ull << 26)
#define WASI_RIGHT_POLL_FD_READWRITE (1ull << 27)
#define WASI_RIGHT_SOCK_SHUTDOWN (1ull << 28)
#define WASI_RIGHT_SOCK_ACCEPT (1ull << 29)
#define WASI_RIGHTS_ALL ((1ull << 30) - 1)

/* filetype */
enum {
	WASI_FILETYPE_UNKNOWN = 0,
	WASI_FILETYPE_BLOCK_DEVICE = 1,
	WASI_FILETYPE_CHARACTER_DEVICE = 2,
	WASI_FILETYPE_DIRECTORY = 3,
	WASI_FILETYPE_REGULAR_FILE = 4,
	WASI_FILETYPE_SOCKET_DGRAM = 5,
	WASI_FILETYPE_SOCKET_STREAM = 6,
	WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* fdflags */
#define WASI_FDFLAG_APPEND 0x1
#define WASI_FDFLAG_DSYNC 0x2
#define WASI_FDFLAG_NONBLOCK 0x4
#define WASI_FDFLAG_RSYNC 0x8
#define WASI_FDFLAG_SYNC 0x10
#define WASI_FDFLAGS_ALL 0x1f

/* oflags */
#define WASI_O_CREAT 0x1
#define WASI_O_DIRECTORY 0x2
#define WASI_O_EXCL 0x4
#define WASI_O_TRUNC 0x8
#define WASI_OFLAGS_ALL 0xf

/* lookupflags */
#define WASI_LOOKUP_SYMLINK_FOLLOW 0x1

/* fstflags */
#define WASI_FST_ATIM 0x1
#define WASI_FST_ATIM_NOW 0x2
#define WASI_FST_MTIM 0x4
#define WASI_FST_MTIM_NOW 0x8

/* whence: preview1 and wasi_unstable number them differently */
enum { WASI_WHENCE_SET = 0, WASI_WHENCE_CUR = 1, WASI_WHENCE_END = 2 };
enum { WASI0_WHENCE_CUR = 0, WASI0_WHENCE_END = 1, WASI0_WHENCE_SET = 2 };

/* clockid */
enum {
	WASI_CLOCK_REALTIME = 0,
	WASI_CLOCK_MONOTONIC = 1,
	WASI_CLOCK_PROCESS_CPUTIME = 2,
	WASI_CLOCK_THREAD_CPUTIME = 3,
};

/* advice */
enum {
	WASI_ADVICE_NORMAL = 0, WASI_ADVICE_SEQUENTIAL = 1, WASI_ADVICE_RANDOM = 2,
	WASI_ADVICE_WILLNEED = 3, WASI_ADVICE_DONTNEED = 4, WASI_ADVICE_NOREUSE = 5,
};

/* poll */
enum { WASI_EVENT_CLOCK = 0, WASI_EVENT_FD_READ = 1, WASI_EVENT_FD_WRITE = 2 };
#define WASI_SUBCLOCK_ABSTIME 0x1
#define WASI_EVENT_FD_HANGUP 0x1

/* sockets */
#define WASI_RIFLAG_RECV_PEEK 0x1
#define WASI_RIFLAG_RECV_WAITALL 0x2
#define WASI_ROFLAG_RECV_DATA_TRUNCATED 0x1
#define WASI_SDFLAG_RD 0x1
#define WASI_SDFLAG_WR 0x2

#define WASI_PREOPENTYPE_DIR 0

/* ---- layouts (sizes and offsets in guest memory) ---- */

#define WASI_IOVEC_SIZE 8        /* buf u32 @0, buf_len u32 @4 */
#define WASI_FDSTAT_SIZE 24      /* filetype u8 @0, flags u16 @2, base u64 @8, inheriting u64 @16 */
#define WASI_PRESTAT_SIZE 8      /* tag u8 @0, name_len u32 @4 */
#define WASI_DIRENT_SIZE 24      /* next u64 @0, ino u64 @8, namlen u32 @16, type u8 @20 */
#define WASI_EVENT_SIZE 32       /* userdata u64 @0, error u16 @8, type u8 @10,
				  * nbytes u64 @16, flags u16 @24 */
/* filestat: dev @0, ino @8, filetype u8 @16, nlink u64 @24, size @32,
 * atim @40, mtim @48, ctim @56 */
#define WASI_FILESTAT_SIZE 64
/* wasi_unstable: nlink is a u32 @20, size @24, atim @32, mtim @40, ctim @48 */
#define WASI0_FILESTAT_SIZE 56
/* subscription: userdata u64 @0, tag u8 @8, then the union at 16:
 * clock {id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40},
 * fd_readwrite {fd u32 @16}. */
#define WASI_SUBSCRIPTION_SIZE 48
/* wasi_unstable's clock carries an identifier first: {identifier u64 @16,
 * id u32 @24, timeout u64 @32, precision u64 @40, flags u16 @48}. */
#define WASI0_SUBSCRIPTION_SIZE 56

#endif
