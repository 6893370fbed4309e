/*
 * wasi2_sock.c - wasi:sockets for the WASI 0.2 host, limited to what
 * `--tcplisten` grants: a component may create a TCP socket, bind it to
 * one of the addresses the user granted (the host opened and bound those
 * listeners before the guest ran, so it never binds or connects anything
 * itself), listen, accept connections and use their streams.  Everything
 * else a socket can do on the network is answered access-denied, as WASI
 * says a host without the permission answers: outgoing connections,
 * binding any other address, UDP, name lookup; without --tcplisten even
 * creating a TCP socket is.
 *
 * A tcp-socket is a real socket from create-tcp-socket on, so its options
 * (keep-alive, hop limit, buffer sizes) are read and set on it; binding a
 * granted address moves the options set so far onto the granted listener
 * and puts that listener in the socket's place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wasi2_impl.h"

/* wasi:sockets/network's error-code cases */
enum {
	E_UNKNOWN = 0, E_ACCESS = 1, E_NOTSUP = 2, E_INVAL = 3, E_NOMEM = 4, E_NOT_IN_PROGRESS = 7,
	E_WOULD_BLOCK = 8, E_STATE = 9, E_SOCKET_LIMIT = 10, E_ADDR_IN_USE = 12, E_RESET = 15,
	E_ABORTED = 16,
};

enum tcp_state { T_UNBOUND, T_BIND_STARTED, T_BOUND, T_LISTEN_STARTED, T_LISTENING, T_CONNECTED };

static int ok(runner_caller *c, struct cval *r, int has_payload)
{
	return cval_case(r, 0, has_payload) < 0 ? OOM(c) : 0;
}

static int fail(runner_caller *c, struct cval *r, uint32_t code)
{
	if (cval_case(r, 1, 1) < 0)
		return OOM(c);
	r->elems[0].disc = code; /* an enum is its case */
	return 0;
}

static uint32_t code_of(int err)
{
	switch (err) {
	case EACCES: case EPERM: return E_ACCESS;
	case EINVAL: return E_INVAL;
	case ENOMEM: case ENOBUFS: return E_NOMEM;
	case EAGAIN: return E_WOULD_BLOCK;
	case EMFILE: case ENFILE: return E_SOCKET_LIMIT;
	case EADDRINUSE: return E_ADDR_IN_USE;
	case ECONNRESET: return E_RESET;
	case ECONNABORTED: return E_ABORTED;
	}
	return E_UNKNOWN;
}

static struct handle *tcp(wasi2_host *w, runner_caller *c, const struct cval *a)
{
	struct handle *s = wasi2_get(w, a[0].u, H_TCP);

	if (!s)
		runner_caller_trap(c, "unknown tcp-socket handle %u", (unsigned)a[0].u);
	return s;
}

#define TCP(s)                                                                                     \
	struct handle *s = tcp(w, c, a);                                                           \
	if (!s)                                                                                    \
		return RUNNER_ETRAP

/* ---- addresses ------------------------------------------------------ */

/* ip-socket-address -> sockaddr: 0, or -1 when the case is not the family's */
static int to_sockaddr(const struct cval *v, struct sockaddr_storage *ss, socklen_t *len)
{
	const struct cval *rec = v->n ? &v->elems[0] : NULL;
	uint32_t i;

	memset(ss, 0, sizeof(*ss));
	if (!rec || rec->n < 2)
		return -1;
	if (v->disc == 0) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		uint8_t *b = (uint8_t *)&in->sin_addr;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)rec->elems[0].u);
		for (i = 0; i < 4 && i < rec->elems[1].n; i++)
			b[i] = (uint8_t)rec->elems[1].elems[i].u;
		*len = sizeof(*in);
		return 0;
	}
	if (rec->n < 4)
		return -1;
	{
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)rec->elems[0].u);
		in6->sin6_flowinfo = htonl((uint32_t)rec->elems[1].u);
		for (i = 0; i < 8 && i < rec->elems[2].n; i++) {
			uint16_t u = htons((uint16_t)rec->elems[2].elems[i].u);
			memcpy(&in6->sin6_addr.s6_addr[2 * i], &u, 2);
		}
		in6->sin6_scope_id = (uint32_t)rec->elems[3].u;
		*len = sizeof(*in6);
	}
	return 0;
}

static int from_sockaddr(const struct sockaddr_storage *ss, struct cval *v)
{
	struct cval *rec;
	uint32_t i;

	if (cval_case(v, ss->ss_family == AF_INET6, 1) < 0)
		return -1;
	rec = &v->elems[0];
	if (ss->ss_family != AF_INET6) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		const uint8_t *b = (const uint8_t *)&in->sin_addr;
		if (cval_list(rec, 2) < 0 || cval_list(&rec->elems[1], 4) < 0)
			return -1;
		rec->elems[0] = cval_u(ntohs(in->sin_port));
		for (i = 0; i < 4; i++)
			rec->elems[1].elems[i] = cval_u(b[i]);
		return 0;
	}
	{
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		if (cval_list(rec, 4) < 0 || cval_list(&rec->elems[2], 8) < 0)
			return -1;
		rec->elems[0] = cval_u(ntohs(in6->sin6_port));
		rec->elems[1] = cval_u(ntohl(in6->sin6_flowinfo));
		for (i = 0; i < 8; i++) {
			uint16_t u;
			memcpy(&u, &in6->sin6_addr.s6_addr[2 * i], 2);
			rec->elems[2].elems[i] = cval_u(ntohs(u));
		}
		rec->elems[3] = cval_u(in6->sin6_scope_id);
	}
	return 0;
}

static int same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	{
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
	}
}

/* ---- options -------------------------------------------------------- */

enum opt_kind { O_BOOL, O_SECONDS, O_U32, O_U8, O_BUF };

static const struct opt {
	int level, name, level6, name6;
	uint8_t kind;
} opts[] = {
	{SOL_SOCKET, SO_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE, O_BOOL},
	{IPPROTO_TCP, TCP_KEEPIDLE, IPPROTO_TCP, TCP_KEEPIDLE, O_SECONDS},
	{IPPROTO_TCP, TCP_KEEPINTVL, IPPROTO_TCP, TCP_KEEPINTVL, O_SECONDS},
	{IPPROTO_TCP, TCP_KEEPCNT, IPPROTO_TCP, TCP_KEEPCNT, O_U32},
	{IPPROTO_IP, IP_TTL, IPPROTO_IPV6, IPV6_UNICAST_HOPS, O_U8},
	{SOL_SOCKET, SO_RCVBUF, SOL_SOCKET, SO_RCVBUF, O_BUF},
	{SOL_SOCKET, SO_SNDBUF, SOL_SOCKET, SO_SNDBUF, O_BUF},
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static int opt_raw(int fd, const struct opt *o, int family, int *v)
{
	socklen_t n = sizeof(*v);

	return getsockopt(fd, family ? o->level6 : o->level, family ? o->name6 : o->name, v, &n);
}

static int opt_set_raw(int fd, const struct opt *o, int family, int v)
{
	return setsockopt(fd, family ? o->level6 : o->level, family ? o->name6 : o->name, &v, sizeof(v));
}

static int opt_get(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, int k)
{
	const struct opt *o = &opts[k];
	int v = 0;
	TCP(s);

	if (opt_raw(s->fd, o, s->family, &v) < 0)
		return fail(c, r, code_of(errno));
	if (ok(c, r, 1) < 0)
		return RUNNER_ETRAP;
	r->elems[0] = cval_u(o->kind == O_SECONDS ? (uint64_t)v * 1000000000u : (uint64_t)(uint32_t)v);
	return 0;
}

static int opt_set(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, int k)
{
	const struct opt *o = &opts[k];
	uint64_t v = a[1].u;
	TCP(s);

	if (o->kind == O_SECONDS) /* a duration in ns, set in whole seconds (rounded up) */
		v = v / 1000000000u + (v % 1000000000u != 0);
	else if (o->kind == O_BUF && v > INT_MAX / 2)
		v = INT_MAX / 2;
	if ((o->kind != O_BOOL && v == 0) || v > INT_MAX)
		return fail(c, r, E_INVAL);
	if (opt_set_raw(s->fd, o, s->family, (int)v) < 0)
		return fail(c, r, code_of(errno));
	s->optmask |= (uint8_t)(1u << k); /* moved onto a granted listener at bind */
	return ok(c, r, 0);
}

#define OPT(k, get, set)                                                                            \
	static int get(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)      \
	{                                                                                          \
		return opt_get(w, c, a, r, k);                                                     \
	}                                                                                          \
	static int set(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)      \
	{                                                                                          \
		return opt_set(w, c, a, r, k);                                                     \
	}
OPT(0, keepalive_get, keepalive_set)
OPT(1, keepidle_get, keepidle_set)
OPT(2, keepintvl_get, keepintvl_set)
OPT(3, keepcnt_get, keepcnt_set)
OPT(4, hops_get, hops_set)
OPT(5, rcvbuf_get, rcvbuf_set)
OPT(6, sndbuf_get, sndbuf_set)

/* ---- the socket's life ---------------------------------------------- */

static int instance_network(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	uint32_t h;

	(void)a;
	if (wasi2_new_handle(w, H_NET, -1, &h) < 0)
		return OOM(c);
	*r = cval_u(h);
	return 0;
}

static int create_tcp(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	uint32_t h;
	int fd;

	if (!w->cfg.nlisteners)
		return fail(c, r, E_ACCESS);
	if (a[0].disc > 1)
		return fail(c, r, E_INVAL);
	if ((fd = socket(a[0].disc ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return fail(c, r, code_of(errno));
	if (wasi2_new_owned(w, H_TCP, fd, &h) < 0)
		return OOM(c);
	w->h[h - 1].family = (uint8_t)a[0].disc;
	if (ok(c, r, 1) < 0)
		return RUNNER_ETRAP;
	r->elems[0] = cval_u(h);
	return 0;
}

static int denied(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	(void)w, (void)a;
	return fail(c, r, E_ACCESS);
}

/* start-bind(network, local-address): only to an address --tcplisten
 * granted and no other socket has taken. */
static int start_bind(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	struct sockaddr_storage want, have;
	socklen_t len, hl;
	size_t i;
	uint32_t k;
	int v;
	TCP(s);

	if (!wasi2_get(w, a[1].u, H_NET))
		return runner_caller_trap(c, "unknown network handle %u", (unsigned)a[1].u);
	if (s->state != T_UNBOUND)
		return fail(c, r, E_STATE);
	if ((int)a[2].disc != s->family || to_sockaddr(&a[2], &want, &len) < 0)
		return fail(c, r, E_INVAL);
	for (i = 0; i < w->cfg.nlisteners; i++) {
		hl = sizeof(have);
		if (w->listen_fds[i] >= 0 && getsockname(w->listen_fds[i], (struct sockaddr *)&have, &hl) == 0 &&
		    same_address(&want, &have))
			break;
	}
	if (i == w->cfg.nlisteners)
		return fail(c, r, E_ACCESS);
	for (k = 0; k < NOPTS; k++) /* what the guest set so far */
		if ((s->optmask >> k & 1) && opt_raw(s->fd, &opts[k], s->family, &v) == 0)
			opt_set_raw(w->listen_fds[i], &opts[k], s->family, opts[k].kind == O_BUF ? v / 2 : v);
	if (dup3(w->listen_fds[i], s->fd, O_CLOEXEC) < 0)
		return fail(c, r, code_of(errno));
	close(w->listen_fds[i]);
	w->listen_fds[i] = -1;
	s->state = T_BIND_STARTED;
	return ok(c, r, 0);
}

static int finish(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, uint8_t from,
		  uint8_t to)
{
	TCP(s);

	(void)w;
	if (s->state != from)
		return fail(c, r, E_NOT_IN_PROGRESS);
	s->state = to;
	if (to == T_LISTENING)
		fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK); /* accept never blocks */
	return ok(c, r, 0);
}

static int finish_bind(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return finish(w, c, a, r, T_BIND_STARTED, T_BOUND);
}

static int finish_listen(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return finish(w, c, a, r, T_LISTEN_STARTED, T_LISTENING);
}

/* The granted listener already listens: listening is a state change. */
static int start_listen(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	TCP(s);

	(void)w;
	if (s->state != T_BOUND)
		return fail(c, r, s->state == T_UNBOUND || s->state >= T_LISTEN_STARTED ? E_STATE : E_NOT_IN_PROGRESS);
	s->state = T_LISTEN_STARTED;
	return ok(c, r, 0);
}

static int start_connect(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	TCP(s);

	if (!wasi2_get(w, a[1].u, H_NET))
		return runner_caller_trap(c, "unknown network handle %u", (unsigned)a[1].u);
	return fail(c, r, s->state >= T_LISTEN_STARTED ? E_STATE : E_ACCESS);
}

static int finish_connect(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	TCP(s);

	(void)w, (void)s;
	return fail(c, r, E_NOT_IN_PROGRESS);
}

/* A stream of a connection: its own descriptor, so dropping the socket
 * and its streams may happen in any order. */
static int stream(wasi2_host *w, int fd, uint8_t kind, uint32_t *h)
{
	int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (d < 0 || wasi2_new_owned(w, kind, d, h) < 0)
		return -1;
	w->h[*h - 1].sock = 1;
	return 0;
}

/* accept() -> result<tuple<own<tcp-socket>, own<input-stream>, own<output-stream>>, error-code> */
static int accept_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	uint32_t hs, hi, ho;
	uint8_t family;
	int fd;
	TCP(s);

	if (s->state != T_LISTENING)
		return fail(c, r, E_STATE);
	family = s->family;
	do
		fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
	while (fd < 0 && errno == EINTR && !(w->cfg.interrupt && *w->cfg.interrupt));
	if (fd < 0)
		return fail(c, r, errno == EWOULDBLOCK ? E_WOULD_BLOCK : code_of(errno));
	if (wasi2_new_owned(w, H_TCP, fd, &hs) < 0)
		return OOM(c);
	w->h[hs - 1].family = family;
	w->h[hs - 1].state = T_CONNECTED;
	if (stream(w, fd, H_IN, &hi) < 0 || stream(w, fd, H_OUT, &ho) < 0 || ok(c, r, 1) < 0 ||
	    cval_list(&r->elems[0], 3) < 0)
		return OOM(c);
	r->elems[0].elems[0] = cval_u(hs);
	r->elems[0].elems[1] = cval_u(hi);
	r->elems[0].elems[2] = cval_u(ho);
	return 0;
}

static int address(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r, int peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	TCP(s);

	(void)w;
	if (peer ? s->state != T_CONNECTED : s->state == T_UNBOUND)
		return fail(c, r, E_STATE);
	memset(&ss, 0, sizeof(ss));
	if ((peer ? getpeername(s->fd, (struct sockaddr *)&ss, &len) : getsockname(s->fd, (struct sockaddr *)&ss, &len)) < 0)
		return fail(c, r, code_of(errno));
	if (ok(c, r, 1) < 0 || from_sockaddr(&ss, &r->elems[0]) < 0)
		return OOM(c);
	return 0;
}

static int local_address(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return address(w, c, a, r, 0);
}

static int remote_address(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	return address(w, c, a, r, 1);
}

static int is_listening(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	TCP(s);

	(void)w;
	*r = cval_u(s->state == T_LISTENING);
	return 0;
}

static int address_family(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	TCP(s);

	(void)w;
	memset(r, 0, sizeof(*r));
	r->disc = s->family;
	return 0;
}

static int backlog(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	TCP(s);

	(void)w;
	if (a[1].u == 0)
		return fail(c, r, E_INVAL);
	if (s->state == T_CONNECTED)
		return fail(c, r, E_STATE);
	if (s->state == T_LISTENING && listen(s->fd, a[1].u > 4096 ? 4096 : (int)a[1].u) < 0)
		return fail(c, r, code_of(errno));
	return ok(c, r, 0);
}

static int subscribe(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	TCP(s);

	return wasi2_fd_pollable(w, c, s->fd, s->state == T_LISTENING ? POLLIN : POLLIN | POLLOUT, r);
}

static int shutdown_(wasi2_host *w, runner_caller *c, const struct cval *a, struct cval *r)
{
	static const int how[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
	TCP(s);

	(void)w;
	if (s->state != T_CONNECTED)
		return fail(c, r, E_STATE);
	if (a[1].disc > 2)
		return fail(c, r, E_INVAL);
	if (shutdown(s->fd, how[a[1].disc]) < 0 && errno != ENOTCONN)
		return fail(c, r, code_of(errno));
	return ok(c, r, 0);
}

/* ---- the table ------------------------------------------------------ */

#define M(x) "[method]tcp-socket." x
static const struct {
	const char *iface, *name;
	wasi2_fn fn;
} table[] = {
	{"wasi:sockets/instance-network", "instance-network", instance_network},
	{"wasi:sockets/tcp-create-socket", "create-tcp-socket", create_tcp},
	{"wasi:sockets/udp-create-socket", "create-udp-socket", denied},
	{"wasi:sockets/ip-name-lookup", "resolve-addresses", denied},
	{"wasi:sockets/tcp", M("start-bind"), start_bind},
	{"wasi:sockets/tcp", M("finish-bind"), finish_bind},
	{"wasi:sockets/tcp", M("start-connect"), start_connect},
	{"wasi:sockets/tcp", M("finish-connect"), finish_connect},
	{"wasi:sockets/tcp", M("start-listen"), start_listen},
	{"wasi:sockets/tcp", M("finish-listen"), finish_listen},
	{"wasi:sockets/tcp", M("accept"), accept_},
	{"wasi:sockets/tcp", M("local-address"), local_address},
	{"wasi:sockets/tcp", M("remote-address"), remote_address},
	{"wasi:sockets/tcp", M("is-listening"), is_listening},
	{"wasi:sockets/tcp", M("address-family"), address_family},
	{"wasi:sockets/tcp", M("set-listen-backlog-size"), backlog},
	{"wasi:sockets/tcp", M("keep-alive-enabled"), keepalive_get},
	{"wasi:sockets/tcp", M("set-keep-alive-enabled"), keepalive_set},
	{"wasi:sockets/tcp", M("keep-alive-idle-time"), keepidle_get},
	{"wasi:sockets/tcp", M("set-keep-alive-idle-time"), keepidle_set},
	{"wasi:sockets/tcp", M("keep-alive-interval"), keepintvl_get},
	{"wasi:sockets/tcp", M("set-keep-alive-interval"), keepintvl_set},
	{"wasi:sockets/tcp", M("keep-alive-count"), keepcnt_get},
	{"wasi:sockets/tcp", M("set-keep-alive-count"), keepcnt_set},
	{"wasi:sockets/tcp", M("hop-limit"), hops_get},
	{"wasi:sockets/tcp", M("set-hop-limit"), hops_set},
	{"wasi:sockets/tcp", M("receive-buffer-size"), rcvbuf_get},
	{"wasi:sockets/tcp", M("set-receive-buffer-size"), rcvbuf_set},
	{"wasi:sockets/tcp", M("send-buffer-size"), sndbuf_get},
	{"wasi:sockets/tcp", M("set-send-buffer-size"), sndbuf_set},
	{"wasi:sockets/tcp", M("subscribe"), subscribe},
	{"wasi:sockets/tcp", M("shutdown"), shutdown_},
};

wasi2_fn wasi2_sock_lookup(const char *iface, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].iface, iface) && !strcmp(table[i].name, name))
			return table[i].fn;
	return NULL;
}
