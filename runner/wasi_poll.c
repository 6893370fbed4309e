/*
 * wasi_poll.c - waiting and sockets (layer 3): poll_oneoff on top of
 * ppoll(2) with clock deadlines, and the socket calls the guest may make
 * on the sockets it was given.  A timer's interrupt flag ends any wait:
 * the signal it comes with makes the blocking call return EINTR, and we
 * report WASI_EINTR instead of waiting again.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi_impl.h"

static uint64_t mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* A clock subscription's deadline on the monotonic clock, or an error. */
static uint16_t clock_deadline(const struct wasi_poll_sub *s, uint64_t now, uint64_t *deadline)
{
	uint64_t rel = s->timeout, cur;
	uint16_t err;

	if (s->clock != WASI_CLOCK_REALTIME && s->clock != WASI_CLOCK_MONOTONIC)
		return WASI_ENOTSUP;
	if (s->clock_flags & WASI_SUBCLOCK_ABSTIME) {
		if ((err = wasi_sys_clock_time(s->clock, &cur)) != 0)
			return err;
		rel = s->timeout > cur ? s->timeout - cur : 0;
	}
	*deadline = rel > UINT64_MAX - now ? UINT64_MAX : now + rel;
	return 0;
}

/* Bytes ready to read: what is left of a regular file, else FIONREAD. */
static uint64_t readable_bytes(int fd, int regular)
{
	struct stat st;
	off_t pos;
	int n = 0;

	if (regular) {
		if (fstat(fd, &st) < 0 || (pos = lseek(fd, 0, SEEK_CUR)) < 0)
			return 0;
		return st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
	}
	return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (uint64_t)n : 0;
}

static void add_event(struct wasi_poll_event *ev, size_t *n, const struct wasi_poll_sub *s,
		      uint16_t error, uint64_t nbytes, uint16_t flags)
{
	struct wasi_poll_event *e = &ev[(*n)++];

	e->userdata = s->userdata;
	e->type = s->type;
	e->error = error;
	e->nbytes = nbytes;
	e->flags = flags;
}

uint16_t wasi_poll_wait(struct wasi_poll_sub *subs, size_t n, volatile sig_atomic_t *interrupt,
			struct wasi_poll_event *events, size_t *nevents)
{
	struct pollfd *pfd = calloc(n ? n : 1, sizeof(*pfd));
	uint64_t *deadline = calloc(n ? n : 1, sizeof(*deadline));
	uint64_t now = mono_now(), first = UINT64_MAX;
	size_t i, np = 0;
	int immediate = 0;
	uint16_t err = 0;

	*nevents = 0;
	if (!pfd || !deadline) {
		err = WASI_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++) {
		struct wasi_poll_sub *s = &subs[i];
		if (s->type == WASI_EVENT_CLOCK) {
			if ((s->error = clock_deadline(s, now, &deadline[i])) == 0 && deadline[i] < first)
				first = deadline[i];
		}
		if (s->error || s->regular) {
			immediate = 1; /* errors and regular files are ready at once */
			continue;
		}
		if (s->type != WASI_EVENT_CLOCK) {
			pfd[np].fd = s->host;
			pfd[np].events = s->type == WASI_EVENT_FD_READ ? POLLIN : POLLOUT;
			np++;
		}
	}
	for (;;) {
		struct timespec ts, *tp = NULL;
		int r;

		now = mono_now();
		if (immediate || first <= now) {
			ts.tv_sec = 0, ts.tv_nsec = 0, tp = &ts;
		} else if (first != UINT64_MAX) {
			ts.tv_sec = (time_t)((first - now) / 1000000000u);
			ts.tv_nsec = (long)((first - now) % 1000000000u);
			tp = &ts;
		}
		if ((r = ppoll(pfd, np, tp, NULL)) < 0) {
			if (errno != EINTR) {
				err = wasi_sys_errno(errno);
				goto done;
			}
			if (interrupt && *interrupt) {
				err = WASI_EINTR;
				goto done;
			}
			continue;
		}
		now = mono_now();
		for (i = 0, np = 0; i < n; i++) {
			struct wasi_poll_sub *s = &subs[i];
			if (s->error) {
				add_event(events, nevents, s, s->error, 0, 0);
			} else if (s->type == WASI_EVENT_CLOCK) {
				if (deadline[i] <= now)
					add_event(events, nevents, s, 0, 0, 0);
			} else if (s->regular) {
				add_event(events, nevents, s, 0,
					  s->type == WASI_EVENT_FD_READ ? readable_bytes(s->host, 1) : 0, 0);
			} else {
				short re = pfd[np++].revents;
				if (re & POLLNVAL)
					add_event(events, nevents, s, WASI_EBADF, 0, 0);
				else if (re & (POLLIN | POLLOUT | POLLHUP | POLLERR))
					add_event(events, nevents, s, 0,
						  s->type == WASI_EVENT_FD_READ ? readable_bytes(s->host, 0) : 0,
						  (re & POLLHUP) ? WASI_EVENT_FD_HANGUP : 0);
			}
		}
		if (*nevents > 0)
			break;
	}
done:
	free(pfd);
	free(deadline);
	return err;
}

/* ---- sockets ---- */

uint16_t wasi_sys_accept(int fd, int nonblock, volatile sig_atomic_t *interrupt, int *out)
{
	for (;;) {
		*out = accept4(fd, NULL, NULL, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
		if (*out >= 0)
			return 0;
		if (errno != EINTR)
			return wasi_sys_errno(errno);
		if (interrupt && *interrupt)
			return WASI_EINTR;
	}
}

uint16_t wasi_sys_recv(int fd, struct iovec *iov, int cnt, int flags,
		       volatile sig_atomic_t *interrupt, size_t *n, int *truncated)
{
	struct msghdr m = { 0 };
	ssize_t r;

	m.msg_iov = iov;
	m.msg_iovlen = (size_t)cnt;
	while ((r = recvmsg(fd, &m, flags)) < 0) {
		if (errno != EINTR)
			return wasi_sys_errno(errno);
		if (interrupt && *interrupt)
			return WASI_EINTR;
	}
	*n = (size_t)r;
	*truncated = (m.msg_flags & MSG_TRUNC) != 0;
	return 0;
}

uint16_t wasi_sys_send(int fd, const struct iovec *iov, int cnt, volatile sig_atomic_t *interrupt,
		       size_t *n)
{
	struct msghdr m = { 0 };
	ssize_t r;

	m.msg_iov = (struct iovec *)iov;
	m.msg_iovlen = (size_t)cnt;
	while ((r = sendmsg(fd, &m, MSG_NOSIGNAL)) < 0) {
		if (errno != EINTR)
			return wasi_sys_errno(errno);
		if (interrupt && *interrupt)
			return WASI_EINTR;
	}
	*n = (size_t)r;
	return 0;
}

uint16_t wasi_sys_shutdown(int fd, int how)
{
	return shutdown(fd, how) < 0 ? wasi_sys_errno(errno) : 0;
}
