/* poll.c - poll_oneoff: relative clocks, readiness of a file and of
 * stdout, errors reported in events, and the call's own errors;
 * sched_yield on the way.  With the argument "all", also absolute deadlines
 * and descriptors: node's poll_oneoff never returns for a deadline in the
 * past and refuses descriptor subscriptions (EPERM), so the comparison
 * with node runs without it. */
#include <stdint.h>
#include <stdlib.h>

#include "wt.h"

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id, __wasi_timestamp_t t, int abs)
{
	__wasi_subscription_t s;

	memset(&s, 0, sizeof(s));
	s.userdata = ud;
	s.u.tag = __WASI_EVENTTYPE_CLOCK;
	s.u.u.clock.id = id;
	s.u.u.clock.timeout = t;
	s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
	return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd)
{
	__wasi_subscription_t s;

	memset(&s, 0, sizeof(s));
	s.userdata = ud;
	s.u.tag = type;
	s.u.u.fd_read.file_descriptor = fd;
	return s;
}

static int by_userdata(const void *a, const void *b)
{
	const __wasi_event_t *x = a, *y = b;
	return x->userdata < y->userdata ? -1 : x->userdata > y->userdata;
}

static void poll(const char *label, __wasi_subscription_t *in, int n)
{
	__wasi_event_t out[8];
	__wasi_size_t got = 0;
	int e = __wasi_poll_oneoff(in, out, (__wasi_size_t)n, &got), i;

	if (e) {
		wt_show(label, e);
		return;
	}
	qsort(out, got, sizeof(out[0]), by_userdata);
	printf("%s:", label);
	for (i = 0; i < (int)got; i++)
		printf(" [ud %llu type %d %s nbytes %llu]", (unsigned long long)out[i].userdata, out[i].type,
		       wt_errname(out[i].error), (unsigned long long)out[i].fd_readwrite.nbytes);
	printf("\n");
}

static __wasi_timestamp_t now(__wasi_clockid_t id)
{
	__wasi_timestamp_t t = 0;
	(void)__wasi_clock_time_get(id, 1, &t);
	return t;
}

int main(int argc, char **argv)
{
	__wasi_subscription_t s[4];
	__wasi_timestamp_t t0;
	__wasi_fd_t fd;
	__wasi_size_t n;
	__wasi_filesize_t pos;
	__wasi_ciovec_t v = { (const uint8_t *)"0123456789", 10 };
	int all = argc > 1 && !strcmp(argv[1], "all");

	t0 = now(__WASI_CLOCKID_MONOTONIC);
	s[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 20000000, 0);
	poll("sleep 20ms", s, 1);
	printf("slept at least 20ms: %s\n", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 20000000 ? "yes" : "no");
	if (all) {
		t0 = now(__WASI_CLOCKID_MONOTONIC);
		s[0] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, t0 + 10000000, 1);
		poll("monotonic deadline in 10ms", s, 1);
		printf("waited for the deadline: %s\n", now(__WASI_CLOCKID_MONOTONIC) >= t0 + 10000000 ? "yes" : "no");
		s[0] = clock_sub(3, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) - 1000000000, 1);
		poll("realtime deadline in the past", s, 1);
	}
	s[0] = clock_sub(4, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
	s[1] = clock_sub(5, __WASI_CLOCKID_MONOTONIC, 1000000, 0);
	t0 = now(__WASI_CLOCKID_MONOTONIC);
	poll("two clocks, the first to expire wins", s, 2);
	printf("did not wait for the long one: %s\n", now(__WASI_CLOCKID_MONOTONIC) - t0 < 2000000000 ? "yes" : "no");

	if (all) {
		wt_show("path_open", wt_open(WT_DIR, "p.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, &fd));
		(void)__wasi_fd_write(fd, &v, 1, &n);
		(void)__wasi_fd_seek(fd, 3, __WASI_WHENCE_SET, &pos);
		s[0] = fd_sub(10, __WASI_EVENTTYPE_FD_READ, fd);
		s[1] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
		poll("a file is ready to read at once", s, 2);
		s[0] = fd_sub(12, __WASI_EVENTTYPE_FD_WRITE, 1);
		poll("stdout is ready to write", s, 2);
		s[0] = fd_sub(13, __WASI_EVENTTYPE_FD_WRITE, fd);
		s[1] = fd_sub(14, __WASI_EVENTTYPE_FD_READ, fd);
		poll("a file for reading and writing", s, 2);
		s[0] = fd_sub(15, __WASI_EVENTTYPE_FD_READ, 99);
		s[1] = clock_sub(16, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
		poll("a bad descriptor is an event", s, 2);
		(void)__wasi_fd_close(fd);
		(void)__wasi_path_unlink_file(WT_DIR, "p.txt");
	}
	wt_show("no subscriptions", __wasi_poll_oneoff(s, (__wasi_event_t *)&s[2], 0, &n));
	wt_show("sched_yield", __wasi_sched_yield());
	return 0;
}
