/* unstable.c - a module importing only the old `wasi_unstable` names, whose
 * layouts differ from preview1: whence numbering (CUR=0, END=1, SET=2),
 * filestat (nlink is a u32 at 20, size at 24), and clock subscriptions
 * (an identifier before the clock id).  Built without libc
 * (-nostdlib, its own _start), so it imports nothing else. */
#include <stdint.h>

#define U(name) __attribute__((__import_module__("wasi_unstable"), __import_name__(name)))
int32_t u_fd_write(int32_t fd, int32_t iovs, int32_t n, int32_t nwritten) U("fd_write");
int32_t u_fd_seek(int32_t fd, int64_t off, int32_t whence, int32_t newoff) U("fd_seek");
int32_t u_fd_filestat_get(int32_t fd, int32_t buf) U("fd_filestat_get");
int32_t u_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t len, int32_t buf) U("path_filestat_get");
int32_t u_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags, int64_t base,
		    int64_t inh, int32_t fdflags, int32_t fd_out) U("path_open");
int32_t u_fd_close(int32_t fd) U("fd_close");
int32_t u_path_unlink_file(int32_t fd, int32_t path, int32_t len) U("path_unlink_file");
int32_t u_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t nevents) U("poll_oneoff");
int32_t u_args_sizes_get(int32_t argc, int32_t size) U("args_sizes_get");
int32_t u_clock_time_get(int32_t id, int64_t precision, int32_t out) U("clock_time_get");
void u_proc_exit(int32_t code) U("proc_exit");

static uint32_t iov[2];
static uint32_t n32, written;
static uint64_t n64;
static uint8_t st[64], sub[56], ev[32];

static uint32_t len(const char *s)
{
	uint32_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void out(const char *s)
{
	iov[0] = (uint32_t)s;
	iov[1] = len(s);
	u_fd_write(1, (int32_t)iov, 1, (int32_t)&written);
}

static void num(uint64_t v)
{
	char b[24];
	int i = 23;
	b[i] = '\0';
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	out(b + i);
}

static void line(const char *label, uint64_t v)
{
	out(label);
	out(": ");
	num(v);
	out("\n");
}

static uint64_t u64at(const uint8_t *p) { uint64_t v = 0; for (int i = 7; i >= 0; i--) v = v << 8 | p[i]; return v; }
static uint32_t u32at(const uint8_t *p) { return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

void _start(void)
{
	static const char name[] = "u.txt", text[] = "0123456789";
	static uint32_t iov2[2];
	int32_t fd = 0;

	line("args_sizes_get", (uint64_t)u_args_sizes_get((int32_t)&n32, (int32_t)&n64));
	line("argc", n32);
	line("path_open", (uint64_t)u_path_open(3, 0, (int32_t)name, 5, 1 | 8, 0xffffff, 0, 0, (int32_t)&fd));
	iov2[0] = (uint32_t)text;
	iov2[1] = 10;
	line("fd_write", (uint64_t)u_fd_write(fd, (int32_t)iov2, 1, (int32_t)&n32));
	line("fd_seek(4, whence 2 = SET)", (uint64_t)u_fd_seek(fd, 4, 2, (int32_t)&n64));
	line("position", n64);
	line("fd_seek(1, whence 0 = CUR)", (uint64_t)u_fd_seek(fd, 1, 0, (int32_t)&n64));
	line("position", n64);
	line("fd_seek(-2, whence 1 = END)", (uint64_t)u_fd_seek(fd, -2, 1, (int32_t)&n64));
	line("position", n64);
	for (int i = 0; i < 64; i++)
		st[i] = 0xee;
	line("fd_filestat_get", (uint64_t)u_fd_filestat_get(fd, (int32_t)st));
	line("filetype", st[16]);
	line("nlink (u32 at 20)", u32at(st + 20));
	line("size (at 24)", u64at(st + 24));
	line("bytes past the 56-byte struct untouched", st[56] == 0xee && st[63] == 0xee);
	line("path_filestat_get", (uint64_t)u_path_filestat_get(3, 0, (int32_t)name, 5, (int32_t)st));
	line("size (at 24)", u64at(st + 24));
	line("fd_close", (uint64_t)u_fd_close(fd));
	line("path_unlink_file", (uint64_t)u_path_unlink_file(3, (int32_t)name, 5));
	/* a 5 ms relative clock: userdata, tag 0, identifier, id, timeout */
	sub[0] = 7;
	sub[8] = 0;
	sub[16] = 99;  /* identifier (ignored) */
	sub[24] = 1;   /* MONOTONIC */
	sub[34] = 0x4c; /* timeout = 0x4c0000 ns ~ 5 ms */
	line("poll_oneoff", (uint64_t)u_poll_oneoff((int32_t)sub, (int32_t)ev, 1, (int32_t)&n32));
	line("events", n32);
	line("event userdata", u64at(ev));
	line("event type", ev[10]);
	line("clock_time_get", (uint64_t)u_clock_time_get(1, 1, (int32_t)&n64));
	u_proc_exit(9);
}
