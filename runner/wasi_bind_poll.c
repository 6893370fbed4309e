/*
 * wasi_bind_poll.c - poll_oneoff and the sock_* bindings.  Sockets exist in
 * the guest only when they were handed to it (a listening socket from the
 * command line, and the connections accepted on it); on anything else the
 * sock_* calls say ENOTSOCK (or EBADF for no descriptor at all).
 */
#include <stdlib.h>
#include <sys/socket.h>

#include "wasi_bind.h"

/* More subscriptions than this in one call is refused (each costs host
 * memory; no real program comes near it). */
#define WASI_POLL_MAX 65536

static void decode_sub(struct wasi_call *k, const uint8_t *p, struct wasi_poll_sub *s)
{
	uint32_t fd;
	struct wasi_fd *e;

	s->userdata = wasi_get64(p);
	s->type = p[8];
	s->host = -1;
	if (s->type == WASI_EVENT_CLOCK) {
		const uint8_t *c = p + (k->unstable ? 24 : 16); /* wasi_unstable: identifier first */
		s->clock = wasi_get32(c);
		s->timeout = wasi_get64(c + 8);
		s->clock_flags = wasi_get16(c + 24);
		return;
	}
	fd = wasi_get32(p + 16);
	s->error = wasi_fd_get(k->w, fd, WASI_RIGHT_POLL_FD_READWRITE, &e);
	if (s->error)
		return;
	s->host = e->host;
	s->regular = e->type == WASI_FILETYPE_REGULAR_FILE;
}

/* poll_oneoff(in, out, nsubscriptions, *nevents) */
static int b_poll_oneoff(struct wasi_call *k, const runner_val *a)
{
	uint32_t n = wasi_arg32(a, 2);
	uint64_t ssize = k->unstable ? WASI0_SUBSCRIPTION_SIZE : WASI_SUBSCRIPTION_SIZE;
	const uint8_t *in = wasi_mem(k, wasi_arg32(a, 0), (uint64_t)n * ssize);
	uint8_t *out = wasi_mem(k, wasi_arg32(a, 1), (uint64_t)n * WASI_EVENT_SIZE);
	uint8_t *nout = wasi_mem(k, wasi_arg32(a, 3), 4);
	struct wasi_poll_event *ev = NULL;
	struct wasi_poll_sub *subs = NULL;
	size_t i, nev = 0;
	uint16_t err = 0;

	if (!in || !out || !nout)
		return WASI_EFAULT;
	if (n == 0 || n > WASI_POLL_MAX)
		return WASI_EINVAL;
	subs = calloc(n, sizeof(*subs));
	ev = calloc(n, sizeof(*ev));
	if (!subs || !ev) {
		err = WASI_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++) {
		decode_sub(k, in + i * ssize, &subs[i]);
		if (subs[i].type > WASI_EVENT_FD_WRITE) {
			err = WASI_EINVAL;
			goto done;
		}
	}
	err = wasi_poll_wait(subs, n, k->w->interrupt, ev, &nev);
	if (err == WASI_EINTR) {
		free(subs);
		free(ev);
		return wasi_trap_interrupted(k);
	}
	if (err)
		goto done;
	for (i = 0; i < nev; i++) {
		uint8_t *p = out + i * WASI_EVENT_SIZE;
		memset(p, 0, WASI_EVENT_SIZE);
		wasi_put64(p, ev[i].userdata);
		wasi_put16(p + 8, ev[i].error);
		wasi_put8(p + 10, ev[i].type);
		wasi_put64(p + 16, ev[i].nbytes);
		wasi_put16(p + 24, ev[i].flags);
	}
	wasi_put32(nout, (uint32_t)nev);
done:
	free(subs);
	free(ev);
	return err;
}

/* The socket descriptor `fd`: EBADF, then ENOTSOCK, then ENOTCAPABLE. */
static uint16_t sock_get(struct wasi_call *k, uint32_t fd, uint64_t rights, struct wasi_fd **out)
{
	uint16_t err = wasi_fd_get(k->w, fd, 0, out);

	if (err)
		return err;
	if ((*out)->type != WASI_FILETYPE_SOCKET_STREAM && (*out)->type != WASI_FILETYPE_SOCKET_DGRAM)
		return WASI_ENOTSOCK;
	return wasi_fd_get(k->w, fd, rights, out);
}

/* sock_accept(fd, flags, *fd) */
static int b_sock_accept(struct wasi_call *k, const runner_val *a)
{
	uint16_t flags = (uint16_t)wasi_arg32(a, 1);
	uint8_t *res = wasi_mem(k, wasi_arg32(a, 2), 4);
	uint64_t base, inh;
	struct wasi_fd *e;
	uint32_t fd;
	uint16_t err;
	int host;

	if (!res)
		return WASI_EFAULT;
	if ((err = sock_get(k, wasi_arg32(a, 0), WASI_RIGHT_SOCK_ACCEPT, &e)) != 0)
		return err;
	if (wasi_arg32(a, 1) & ~(uint32_t)WASI_FDFLAG_NONBLOCK)
		return WASI_EINVAL;
	err = wasi_sys_accept(e->host, flags & WASI_FDFLAG_NONBLOCK, k->w->interrupt, &host);
	if (err == WASI_EINTR)
		return wasi_trap_interrupted(k);
	if (err)
		return err;
	wasi_fd_type_rights(WASI_FILETYPE_SOCKET_STREAM, 0, &base, &inh);
	base &= ~WASI_RIGHT_SOCK_ACCEPT; /* a connection accepts nothing */
	if ((err = wasi_fd_add(k->w, host, WASI_FILETYPE_SOCKET_STREAM, flags, base, 0, &fd)) != 0)
		return err;
	wasi_put32(res, fd);
	return 0;
}

/* sock_recv(fd, ri_data, ri_data_len, ri_flags, *ro_datalen, *ro_flags) */
static int b_sock_recv(struct wasi_call *k, const runner_val *a)
{
	struct iovec iov[WASI_IOV_MAX];
	uint32_t ri = wasi_arg32(a, 3);
	uint8_t *len = wasi_mem(k, wasi_arg32(a, 4), 4), *fl = wasi_mem(k, wasi_arg32(a, 5), 2);
	struct wasi_fd *e;
	uint16_t err;
	size_t n;
	int cnt, trunc, flags = 0;

	if (!len || !fl)
		return WASI_EFAULT;
	if ((err = sock_get(k, wasi_arg32(a, 0), WASI_RIGHT_FD_READ, &e)) != 0 ||
	    (err = wasi_iovecs(k, wasi_arg32(a, 1), wasi_arg32(a, 2), iov, &cnt)) != 0)
		return err;
	if (ri & ~(uint32_t)(WASI_RIFLAG_RECV_PEEK | WASI_RIFLAG_RECV_WAITALL))
		return WASI_EINVAL;
	if (ri & WASI_RIFLAG_RECV_PEEK)
		flags |= MSG_PEEK;
	if (ri & WASI_RIFLAG_RECV_WAITALL)
		flags |= MSG_WAITALL;
	err = wasi_sys_recv(e->host, iov, cnt, flags, k->w->interrupt, &n, &trunc);
	if (err == WASI_EINTR)
		return wasi_trap_interrupted(k);
	if (err)
		return err;
	wasi_put32(len, (uint32_t)n);
	wasi_put16(fl, trunc ? WASI_ROFLAG_RECV_DATA_TRUNCATED : 0);
	return 0;
}

/* sock_send(fd, si_data, si_data_len, si_flags, *so_datalen) */
static int b_sock_send(struct wasi_call *k, const runner_val *a)
{
	struct iovec iov[WASI_IOV_MAX];
	uint8_t *len = wasi_mem(k, wasi_arg32(a, 4), 4);
	struct wasi_fd *e;
	uint16_t err;
	size_t n;
	int cnt;

	if (!len)
		return WASI_EFAULT;
	if ((err = sock_get(k, wasi_arg32(a, 0), WASI_RIGHT_FD_WRITE, &e)) != 0 ||
	    (err = wasi_iovecs(k, wasi_arg32(a, 1), wasi_arg32(a, 2), iov, &cnt)) != 0)
		return err;
	if (wasi_arg32(a, 3) != 0) /* no send flags are defined */
		return WASI_EINVAL;
	err = wasi_sys_send(e->host, iov, cnt, k->w->interrupt, &n);
	if (err == WASI_EINTR)
		return wasi_trap_interrupted(k);
	if (err)
		return err;
	wasi_put32(len, (uint32_t)n);
	return 0;
}

/* sock_shutdown(fd, how) */
static int b_sock_shutdown(struct wasi_call *k, const runner_val *a)
{
	uint32_t how = wasi_arg32(a, 1);
	struct wasi_fd *e;
	uint16_t err = sock_get(k, wasi_arg32(a, 0), WASI_RIGHT_SOCK_SHUTDOWN, &e);

	if (err)
		return err;
	if (how == 0 || how > (WASI_SDFLAG_RD | WASI_SDFLAG_WR))
		return WASI_EINVAL;
	return wasi_sys_shutdown(e->host, how == WASI_SDFLAG_RD   ? SHUT_RD
					  : how == WASI_SDFLAG_WR ? SHUT_WR
								  : SHUT_RDWR);
}

const struct wasi_binding wasi_bind_poll[] = {
	{ "poll_oneoff", "iiii->i", b_poll_oneoff, 0 },
	{ "sock_accept", "iii->i", b_sock_accept, WASI_B_P1_ONLY },
	{ "sock_recv", "iiiiii->i", b_sock_recv, 0 },
	{ "sock_send", "iiiii->i", b_sock_send, 0 },
	{ "sock_shutdown", "ii->i", b_sock_shutdown, 0 },
	{ NULL, NULL, NULL, 0 },
};
