/*
 * wasi2_host.c - the WASI 0.2 host (wasi2.h): the functions of the
 * wasi:cli/command world a command component calls, on the component
 * model's values (struct cval, lifted and lowered by component_inst.c).
 *
 * Same sandbox as the preview1 host: the guest sees the arguments and the
 * environment it is given, stdio, and the directories preopened for it
 * (wasi2_fs.c), and the TCP listeners granted with --tcplisten
 * (wasi2_sock.c).  The handle table is wasi2_table.c's.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/error.h"
#include "wasi2_impl.h"


/* ---- wasi:cli ------------------------------------------------------- */

static int get_arguments(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	size_t i;

	(void)a;
	if (cval_list(r, (uint32_t)w->cfg.argc) < 0)
		return OOM(c);
	for (i = 0; i < w->cfg.argc; i++)
		if (cval_string(&r->elems[i], w->cfg.argv[i], strlen(w->cfg.argv[i])) < 0)
			return OOM(c);
	return 0;
}

static int get_environment(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	size_t i;

	(void)a;
	if (cval_list(r, (uint32_t)w->cfg.nenv) < 0)
		return OOM(c);
	for (i = 0; i < w->cfg.nenv; i++) {
		const char *e = w->cfg.env[i], *eq = strchr(e, '=');
		size_t n = eq ? (size_t)(eq - e) : strlen(e);
		if (cval_list(&r->elems[i], 2) < 0 || cval_string(&r->elems[i].elems[0], e, n) < 0 ||
		    cval_string(&r->elems[i].elems[1], eq ? eq + 1 : "", eq ? strlen(eq + 1) : 0) < 0)
			return OOM(c);
	}
	return 0;
}

static int none(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)w, (void)c, (void)a;
	memset(r, 0, sizeof(*r)); /* option: none / empty list */
	return 0;
}

static int exit_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)w, (void)r;
	return runner_caller_exit(c, a[0].disc == 0 ? 0 : 1);
}

static int exit_with_code(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)w, (void)r;
	return runner_caller_exit(c, (int)(a[0].u & 0xff));
}

static int stdio_handle(wasi2_host *w, runner_caller *c, int fd, uint8_t kind, struct cval *r)
{
	uint32_t h;

	if (wasi2_new_handle(w, kind, w->cfg.stdio[fd], &h) < 0)
		return OOM(c);
	*r = cval_u(h);
	return 0;
}

static int get_stdin(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)a;
	return stdio_handle(w, c, 0, H_IN, r);
}

static int get_stdout(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)a;
	return stdio_handle(w, c, 1, H_OUT, r);
}

static int get_stderr(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)a;
	return stdio_handle(w, c, 2, H_OUT, r);
}

/* ---- wasi:io -------------------------------------------------------- */

/* result<T, stream-error>: err(last-operation-failed(error)) or err(closed) */
int wasi2_stream_error(wasi2_host *w, runner_caller *c, int err, struct cval *r)
{
	uint32_t h;

	if (cval_case(r, 1, 1) < 0)
		return OOM(c);
	if (err == 0) { /* closed */
		r->elems[0].disc = 1;
		return 0;
	}
	if (wasi2_new_handle(w, H_ERROR, -1, &h) < 0 || cval_case(&r->elems[0], 0, 1) < 0)
		return OOM(c);
	w->h[h - 1].err = err;
	r->elems[0].elems[0] = cval_u(h);
	return 0;
}

static int check_write(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *s = wasi2_get(w, a[0].u, H_OUT);

	if (!s)
		return runner_caller_trap(c, "unknown output-stream handle %u", (unsigned)a[0].u);
	if (s->fd < 0)
		return wasi2_stream_error(w, c, 0, r);
	if (cval_case(r, 0, 1) < 0)
		return OOM(c);
	r->elems[0] = cval_u(1 << 20);
	return 0;
}

static int write_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *s = wasi2_get(w, a[0].u, H_OUT);
	const char *p = a[1].str;
	size_t left = (size_t)a[1].u;

	if (!s)
		return runner_caller_trap(c, "unknown output-stream handle %u", (unsigned)a[0].u);
	if (s->fd < 0)
		return wasi2_stream_error(w, c, 0, r);
	if (s->off == WASI2_APPEND) { /* append-via-stream: at the end, each time */
		struct stat st;
		if (fstat(s->fd, &st) == 0)
			s->pos = (uint64_t)st.st_size;
	}
	while (left) {
		ssize_t n = s->off != -1 ? pwrite(s->fd, p, left, (off_t)s->pos) : write(s->fd, p, left);
		if (n < 0 && errno == EINTR) {
			if (w->cfg.interrupt && *w->cfg.interrupt)
				return runner_caller_trap(c, "interrupted");
			continue;
		}
		if (n < 0)
			return wasi2_stream_error(w, c, errno == EPIPE ? 0 : errno, r);
		p += n;
		left -= (size_t)n;
		s->pos += (uint64_t)n;
	}
	memset(r, 0, sizeof(*r)); /* ok */
	return 0;
}

static int flush(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	if (!wasi2_get(w, a[0].u, H_OUT))
		return runner_caller_trap(c, "unknown output-stream handle %u", (unsigned)a[0].u);
	memset(r, 0, sizeof(*r));
	return 0;
}

/* read and blocking-read: a socket's read returns what has arrived (an
 * empty list when nothing has); files and stdio block in either. */
static int read_stream(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, int wait)
{
	struct handle *s = wasi2_get(w, a[0].u, H_IN);
	size_t want = a[1].u > (1 << 20) ? (1 << 20) : (size_t)a[1].u;
	char *buf;
	ssize_t n;

	if (!s)
		return runner_caller_trap(c, "unknown input-stream handle %u", (unsigned)a[0].u);
	if (s->fd < 0)
		return wasi2_stream_error(w, c, 0, r);
	if (!(buf = malloc(want + 1)))
		return OOM(c);
	for (;;) {
		if (!want)
			n = 0;
		else if (s->sock)
			n = recv(s->fd, buf, want, wait ? 0 : MSG_DONTWAIT);
		else
			n = s->off >= 0 ? pread(s->fd, buf, want, (off_t)s->pos) : read(s->fd, buf, want);
		if (n < 0 && s->sock && !wait && (errno == EAGAIN || errno == EWOULDBLOCK))
			n = want = 0; /* nothing yet: ok(empty) */
		if (n < 0 && errno == EINTR) {
			if (w->cfg.interrupt && *w->cfg.interrupt) {
				free(buf);
				return runner_caller_trap(c, "interrupted");
			}
			continue;
		}
		break;
	}
	if (n <= 0 && want) {
		free(buf);
		return wasi2_stream_error(w, c, n < 0 ? errno : 0, r);
	}
	if (n > 0)
		s->pos += (uint64_t)n;
	if (cval_case(r, 0, 1) < 0 || cval_string(&r->elems[0], buf, (size_t)(n < 0 ? 0 : n)) < 0) {
		free(buf);
		return OOM(c);
	}
	free(buf);
	return 0;
}

static int read_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return read_stream(w, c, a, r, 0);
}

static int blocking_read(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return read_stream(w, c, a, r, 1);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int pollable_at(wasi2_host *w, runner_caller *c, uint64_t deadline, struct cval *r)
{
	uint32_t h;

	if (wasi2_new_handle(w, H_POLL, -1, &h) < 0)
		return OOM(c);
	w->h[h - 1].deadline = deadline;
	*r = cval_u(h);
	return 0;
}

/* Sleep until `deadline` (monotonic ns); a timeout interrupt traps. */
static int sleep_until(wasi2_host *w, runner_caller *c, uint64_t deadline)
{
	uint64_t now;

	while ((now = mono_ns()) < deadline) {
		uint64_t d = deadline - now;
		struct timespec ts = {(time_t)(d / 1000000000u), (long)(d % 1000000000u)};
		if (nanosleep(&ts, NULL) < 0 && w->cfg.interrupt && *w->cfg.interrupt)
			return runner_caller_trap(c, "interrupted");
	}
	return 0;
}

int wasi2_fd_pollable(wasi2_host *w, runner_caller *c, int fd, short events, struct cval *r)
{
	uint32_t h;

	if (wasi2_new_handle(w, H_POLL, fd, &h) < 0)
		return OOM(c);
	w->h[h - 1].events = events;
	*r = cval_u(h);
	return 0;
}

/* A file or stdio stream's pollable is always ready (the call itself
 * blocks); a socket's is ready when the socket is. */
static int in_pollable(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *s = wasi2_get(w, a[0].u, H_IN);

	if (s && s->sock)
		return wasi2_fd_pollable(w, c, s->fd, POLLIN, r);
	return pollable_at(w, c, 0, r);
}

static int out_pollable(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *s = wasi2_get(w, a[0].u, H_OUT);

	if (s && s->sock)
		return wasi2_fd_pollable(w, c, s->fd, POLLOUT, r);
	return pollable_at(w, c, 0, r);
}

static int subscribe_duration(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	uint64_t now = mono_ns();

	return pollable_at(w, c, a[0].u > UINT64_MAX - now ? UINT64_MAX : now + a[0].u, r);
}

static int subscribe_instant(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return pollable_at(w, c, a[0].u ? a[0].u : 1, r);
}

/* Which of the n pollables are ready (ready[i] set); with `wait`, first
 * wait until one is: poll(2) on the sockets' descriptors, bounded by the
 * earliest timer.  A timeout interrupt traps. */
static int wait_ready(wasi2_host *w, runner_caller *c, struct handle **ps, uint32_t n, int wait,
		      uint8_t *ready)
{
	struct pollfd *fds = calloc(n, sizeof(*fds));
	uint32_t i, nfd, any;
	uint64_t now, first;
	int timeout, rc;

	if (!fds)
		return OOM(c);
	for (;;) {
		now = mono_ns();
		first = UINT64_MAX;
		for (i = nfd = any = 0; i < n; i++) {
			ready[i] = 0;
			if (ps[i]->events) {
				fds[nfd].fd = ps[i]->fd;
				fds[nfd].events = ps[i]->events;
				fds[nfd++].revents = 0;
			} else if ((ready[i] = ps[i]->deadline <= now)) {
				any = 1;
			} else if (ps[i]->deadline < first) {
				first = ps[i]->deadline;
			}
		}
		timeout = !wait || any ? 0 : first == UINT64_MAX ? -1
			: (first - now) / 1000000u >= INT_MAX ? INT_MAX : (int)((first - now + 999999u) / 1000000u);
		if (nfd) {
			rc = poll(fds, nfd, timeout);
			if (rc < 0 && errno == EINTR && w->cfg.interrupt && *w->cfg.interrupt)
				rc = runner_caller_trap(c, "interrupted");
			else
				rc = 0;
		} else {
			rc = timeout > 0 ? sleep_until(w, c, first) : 0;
		}
		if (rc) {
			free(fds);
			return rc;
		}
		now = mono_ns();
		for (i = nfd = 0; i < n; i++) {
			if (ps[i]->events)
				ready[i] = fds[nfd++].revents != 0;
			else
				ready[i] = ps[i]->deadline <= now;
			any |= ready[i];
		}
		if (any || !wait) {
			free(fds);
			return 0;
		}
	}
}

/* poll(list<borrow<pollable>>) -> list<u32>: the indices ready, waiting
 * until one is. */
static int poll_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle **ps;
	uint8_t *ready;
	uint32_t i, n = 0;
	int rc;

	if (a[0].n == 0)
		return runner_caller_trap(c, "poll: an empty list of pollables");
	ps = calloc(a[0].n, sizeof(*ps));
	ready = calloc(a[0].n, 1);
	if (!ps || !ready || cval_list(r, a[0].n) < 0) {
		free(ps);
		free(ready);
		return OOM(c);
	}
	for (i = 0; i < a[0].n; i++)
		if (!(ps[i] = wasi2_get(w, a[0].elems[i].u, H_POLL))) {
			free(ps);
			free(ready);
			return runner_caller_trap(c, "poll: unknown pollable %u", (unsigned)a[0].elems[i].u);
		}
	if ((rc = wait_ready(w, c, ps, a[0].n, 1, ready)) == 0)
		for (i = 0; i < a[0].n; i++)
			if (ready[i])
				r->elems[n++] = cval_u(i);
	r->n = n;
	free(ps);
	free(ready);
	return rc;
}

static int ready(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *p = wasi2_get(w, a[0].u, H_POLL);
	uint8_t yes = 0;
	int rc;

	if (!p)
		return runner_caller_trap(c, "unknown pollable %u", (unsigned)a[0].u);
	if ((rc = wait_ready(w, c, &p, 1, 0, &yes)) != 0)
		return rc;
	*r = cval_u(yes);
	return 0;
}

static int block(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *p = wasi2_get(w, a[0].u, H_POLL);
	uint8_t yes = 0;

	(void)r;
	if (!p)
		return runner_caller_trap(c, "unknown pollable %u", (unsigned)a[0].u);
	return wait_ready(w, c, &p, 1, 1, &yes);
}

static int error_debug(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct handle *e = wasi2_get(w, a[0].u, H_ERROR);
	const char *s = e ? strerror(e->err) : "unknown error";

	return cval_string(r, s, strlen(s)) < 0 ? OOM(c) : 0;
}

/* ---- clocks, random ------------------------------------------------- */

static int wall_now(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct timespec ts;

	(void)w, (void)a;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (cval_list(r, 2) < 0)
		return OOM(c);
	r->elems[0] = cval_u((uint64_t)ts.tv_sec);
	r->elems[1] = cval_u((uint64_t)ts.tv_nsec);
	return 0;
}

static int wall_resolution(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)w, (void)a;
	if (cval_list(r, 2) < 0)
		return OOM(c);
	r->elems[1] = cval_u(1);
	return 0;
}

static int mono_now(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)w, (void)c, (void)a;
	*r = cval_u(mono_ns());
	return 0;
}

static int mono_resolution(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)w, (void)c, (void)a;
	*r = cval_u(1);
	return 0;
}

static int random_bytes(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	size_t n = (size_t)a[0].u, got = 0;
	char *buf;

	(void)w;
	if (a[0].u > (64u << 20))
		return runner_caller_trap(c, "get-random-bytes: %llu bytes is too many",
					  (unsigned long long)a[0].u);
	if (!(buf = malloc(n + 1)))
		return OOM(c);
	while (got < n) {
		ssize_t k = getrandom(buf + got, n - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(buf);
			return runner_caller_trap(c, "getrandom failed");
		}
		got += (size_t)k;
	}
	if (cval_string(r, buf, n) < 0) {
		free(buf);
		return OOM(c);
	}
	free(buf);
	return 0;
}

static int random_u64(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	uint64_t v = 0;

	(void)w, (void)a;
	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		return runner_caller_trap(c, "getrandom failed");
	*r = cval_u(v);
	return 0;
}

static int insecure_seed(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	uint64_t v[2] = {0, 0};

	(void)w, (void)a;
	if (getrandom(v, sizeof(v), 0) != sizeof(v) || cval_list(r, 2) < 0)
		return runner_caller_trap(c, "getrandom failed");
	r->elems[0] = cval_u(v[0]);
	r->elems[1] = cval_u(v[1]);
	return 0;
}

/* ---- the table ------------------------------------------------------ */

static const struct {
	const char *iface, *name;
	wasi2_fn fn;
} table[] = {
	{"wasi:cli/environment", "get-arguments", get_arguments},
	{"wasi:cli/environment", "get-environment", get_environment},
	{"wasi:cli/environment", "initial-cwd", none},
	{"wasi:cli/exit", "exit", exit_},
	{"wasi:cli/exit", "exit-with-code", exit_with_code},
	{"wasi:cli/stdin", "get-stdin", get_stdin},
	{"wasi:cli/stdout", "get-stdout", get_stdout},
	{"wasi:cli/stderr", "get-stderr", get_stderr},
	{"wasi:cli/terminal-stdin", "get-terminal-stdin", none},
	{"wasi:cli/terminal-stdout", "get-terminal-stdout", none},
	{"wasi:cli/terminal-stderr", "get-terminal-stderr", none},
	{"wasi:io/streams", "[method]output-stream.check-write", check_write},
	{"wasi:io/streams", "[method]output-stream.write", write_},
	{"wasi:io/streams", "[method]output-stream.blocking-write-and-flush", write_},
	{"wasi:io/streams", "[method]output-stream.flush", flush},
	{"wasi:io/streams", "[method]output-stream.blocking-flush", flush},
	{"wasi:io/streams", "[method]output-stream.subscribe", out_pollable},
	{"wasi:io/streams", "[method]input-stream.read", read_},
	{"wasi:io/streams", "[method]input-stream.blocking-read", blocking_read},
	{"wasi:io/streams", "[method]input-stream.subscribe", in_pollable},
	{"wasi:io/poll", "poll", poll_},
	{"wasi:io/poll", "[method]pollable.ready", ready},
	{"wasi:io/poll", "[method]pollable.block", block},
	{"wasi:io/error", "[method]error.to-debug-string", error_debug},
	{"wasi:clocks/wall-clock", "now", wall_now},
	{"wasi:clocks/wall-clock", "resolution", wall_resolution},
	{"wasi:clocks/monotonic-clock", "now", mono_now},
	{"wasi:clocks/monotonic-clock", "resolution", mono_resolution},
	{"wasi:clocks/monotonic-clock", "subscribe-duration", subscribe_duration},
	{"wasi:clocks/monotonic-clock", "subscribe-instant", subscribe_instant},
	{"wasi:random/random", "get-random-bytes", random_bytes},
	{"wasi:random/random", "get-random-u64", random_u64},
	{"wasi:random/insecure", "get-insecure-random-bytes", random_bytes},
	{"wasi:random/insecure", "get-insecure-random-u64", random_u64},
	{"wasi:random/insecure-seed", "insecure-seed", insecure_seed},
};

/* The interfaces of the table in order (it is grouped by interface), then
 * the filesystem's (wasi2_fs.c) and the sockets' (wasi2_sock.c). */
const char *wasi2_interface(size_t i)
{
	static const char *const more[] = {
		"wasi:filesystem/types", "wasi:filesystem/preopens", "wasi:sockets/network",
		"wasi:sockets/instance-network", "wasi:sockets/tcp", "wasi:sockets/tcp-create-socket",
		"wasi:sockets/udp-create-socket", "wasi:sockets/ip-name-lookup",
	};
	size_t k, n = 0;

	for (k = 0; k < sizeof(table) / sizeof(table[0]); k++) {
		if (k && !strcmp(table[k].iface, table[k - 1].iface))
			continue;
		if (n++ == i)
			return table[k].iface;
	}
	return i - n < sizeof(more) / sizeof(more[0]) ? more[i - n] : NULL;
}

wasi2_fn wasi2_lookup(const char *iface, const char *name)
{
	size_t i;

	if (!strcmp(iface, "wasi:filesystem/types") || !strcmp(iface, "wasi:filesystem/preopens"))
		return wasi2_fs_lookup(iface, name);
	if (!strncmp(iface, "wasi:sockets/", 13))
		return wasi2_sock_lookup(iface, name);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].iface, iface) && !strcmp(table[i].name, name))
			return table[i].fn;
	return NULL;
}
