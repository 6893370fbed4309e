/*
 * wasi_sys.c - the thin host calls: errno and stat conversion, clocks,
 * randomness, times and flags validation, directory reading by cookie,
 * poll_oneoff's waiting, and interruption of blocking calls by the
 * timeout flag.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "../../common/fs.h"
#include "../../runner/wasi_impl.h"

static void test_errno(void **state)
{
	(void)state;
	assert_int_equal(wasi_sys_errno(ENOENT), WASI_ENOENT);
	assert_int_equal(wasi_sys_errno(EOPNOTSUPP), WASI_ENOTSUP);
	assert_int_equal(wasi_sys_errno(ELOOP), WASI_ELOOP);
	assert_int_equal(wasi_sys_errno(ENOTEMPTY), WASI_ENOTEMPTY);
	assert_int_equal(wasi_sys_errno(0), 0);
	assert_int_equal(wasi_sys_errno(12345), WASI_EIO); /* unknown: EIO, never garbage */
	assert_int_equal(wasi_sys_filetype(S_IFIFO), WASI_FILETYPE_UNKNOWN);
	assert_int_equal(wasi_sys_filetype(S_IFLNK), WASI_FILETYPE_SYMBOLIC_LINK);
}

static void test_clocks_random(void **state)
{
	uint64_t v, w;
	uint8_t buf[4096];
	int i, nz = 0;

	(void)state;
	for (i = 0; i < 4; i++) {
		assert_int_equal(wasi_sys_clock_res((uint32_t)i, &v), 0);
		assert_true(v > 0);
		assert_int_equal(wasi_sys_clock_time((uint32_t)i, &v), 0);
	}
	assert_int_equal(wasi_sys_clock_res(4, &v), WASI_EINVAL);
	assert_int_equal(wasi_sys_clock_time(UINT32_MAX, &v), WASI_EINVAL);
	assert_int_equal(wasi_sys_clock_time(WASI_CLOCK_MONOTONIC, &v), 0);
	assert_int_equal(wasi_sys_clock_time(WASI_CLOCK_MONOTONIC, &w), 0);
	assert_true(w >= v);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(wasi_sys_random(buf, sizeof(buf)), 0);
	for (i = 0; i < (int)sizeof(buf); i++)
		nz += buf[i] != 0;
	assert_true(nz > 3900);
	assert_int_equal(wasi_sys_random(buf, 0), 0);
}

static void test_times_flags(void **state)
{
	char *dir, path[4096];
	struct wasi_filestat st;
	int fd, dfd, fl;

	(void)state;
	assert_int_equal(wp_fs_mkdtemp("wasi-sys", &dir), 0);
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_CREAT | O_RDWR, 0644);
	assert_true(fd >= 0);
	assert_int_equal(wasi_sys_set_times(fd, NULL, 0, 0, WASI_FST_ATIM | WASI_FST_ATIM_NOW), WASI_EINVAL);
	assert_int_equal(wasi_sys_set_times(fd, NULL, 0, 0, WASI_FST_MTIM | WASI_FST_MTIM_NOW), WASI_EINVAL);
	assert_int_equal(wasi_sys_set_times(fd, NULL, 0, 0, 0x10), WASI_EINVAL);
	assert_int_equal(wasi_sys_set_times(fd, NULL, 5000000000ull, 7000000001ull,
					    WASI_FST_ATIM | WASI_FST_MTIM), 0);
	assert_int_equal(wasi_sys_fstat(fd, &st), 0);
	assert_int_equal(st.atim, 5000000000ull);
	assert_int_equal(st.mtim, 7000000001ull);
	assert_int_equal(st.filetype, WASI_FILETYPE_REGULAR_FILE);
	/* by name, the entry itself: a symlink's own times */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(symlinkat("f", dfd, "l"), 0);
	assert_int_equal(wasi_sys_set_times(dfd, "l", 0, 9000000000ull, WASI_FST_MTIM), 0);
	assert_int_equal(wasi_sys_fstatat(dfd, "l", &st), 0);
	assert_int_equal(st.mtim, 9000000000ull);
	assert_int_equal(st.filetype, WASI_FILETYPE_SYMBOLIC_LINK);
	close(dfd);
	assert_int_equal(wasi_sys_fstat(fd, &st), 0);
	assert_int_equal(st.mtim, 7000000001ull); /* the target is untouched */

	assert_int_equal(wasi_sys_set_fdflags(fd, 0, WASI_FDFLAG_APPEND), 0);
	fl = fcntl(fd, F_GETFL);
	assert_true(fl & O_APPEND);
	assert_int_equal(wasi_sys_set_fdflags(fd, WASI_FDFLAG_APPEND, 0), 0);
	assert_false(fcntl(fd, F_GETFL) & O_APPEND);
	assert_int_equal(wasi_sys_set_fdflags(fd, 0, WASI_FDFLAG_SYNC), WASI_ENOTSUP);
	assert_int_equal(wasi_sys_set_fdflags(fd, 0, 0x40), WASI_EINVAL);
	assert_int_equal(wasi_sys_advise(fd, 0, 0, 6), WASI_EINVAL);
	assert_int_equal(wasi_sys_truncate(fd, (uint64_t)INT64_MAX + 1), WASI_EINVAL);
	close(fd);
	wp_fs_remove_tree(dir);
	free(dir);
}

static void test_readdir_cookies(void **state)
{
	char *dir, path[4096];
	struct wasi_dir *d = NULL;
	struct wasi_dirent e;
	char seen[8][16];
	int fd, end, i, n, dots = 0;

	(void)state;
	assert_int_equal(wp_fs_mkdtemp("wasi-dir", &dir), 0);
	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/e%d", dir, i);
		close(open(path, O_CREAT | O_WRONLY, 0644));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	for (n = 0;; n++) {
		assert_int_equal(wasi_sys_dir_entry(&d, fd, (uint64_t)n, &e, &end), 0);
		if (end)
			break;
		assert_true(n < 8);
		snprintf(seen[n], sizeof(seen[n]), "%s", e.name);
		dots += !strcmp(e.name, ".") || !strcmp(e.name, "..");
		/* the entry just read can be read again (a guest buffer cut it) */
		assert_int_equal(wasi_sys_dir_entry(&d, fd, (uint64_t)n, &e, &end), 0);
		assert_string_equal(e.name, seen[n]);
	}
	assert_int_equal(n, 7); /* five files, "." and ".." */
	assert_int_equal(dots, 2);
	/* an earlier cookie rewinds and finds the same entry */
	assert_int_equal(wasi_sys_dir_entry(&d, fd, 2, &e, &end), 0);
	assert_string_equal(e.name, seen[2]);
	assert_int_equal(wasi_sys_dir_entry(&d, fd, 1000, &e, &end), 0);
	assert_true(end);
	wasi_sys_dir_free(d);
	close(fd);
	wp_fs_remove_tree(dir);
	free(dir);
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void test_poll(void **state)
{
	struct wasi_poll_sub s[3];
	struct wasi_poll_event ev[3];
	size_t n;
	uint64_t t0;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	memset(s, 0, sizeof(s));
	s[0].type = WASI_EVENT_CLOCK, s[0].userdata = 1, s[0].clock = WASI_CLOCK_MONOTONIC;
	s[0].timeout = 30000000;
	s[1].type = WASI_EVENT_FD_READ, s[1].userdata = 2, s[1].host = p[0];
	t0 = now_ns();
	assert_int_equal(wasi_poll_wait(s, 2, NULL, ev, &n), 0);
	assert_true(now_ns() - t0 >= 30000000); /* nothing to read: the clock */
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].userdata, 1);
	assert_int_equal(write(p[1], "abc", 3), 3);
	s[0].timeout = 5000000000ull;
	assert_int_equal(wasi_poll_wait(s, 2, NULL, ev, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].userdata, 2);
	assert_int_equal(ev[0].nbytes, 3);
	close(p[1]);
	s[2].type = WASI_EVENT_FD_WRITE, s[2].userdata = 3, s[2].error = WASI_EBADF;
	assert_int_equal(wasi_poll_wait(s + 2, 1, NULL, ev, &n), 0);
	assert_int_equal(ev[0].error, WASI_EBADF);
	s[0].clock = WASI_CLOCK_PROCESS_CPUTIME;
	assert_int_equal(wasi_poll_wait(s, 1, NULL, ev, &n), 0);
	assert_int_equal(ev[0].error, WASI_ENOTSUP);
	close(p[0]);
}

static volatile sig_atomic_t flag;
static void on_alarm(int sig)
{
	(void)sig;
	flag = 1;
}

static void test_interrupt(void **state)
{
	struct sigaction sa;
	struct itimerval it;
	struct wasi_poll_sub s;
	struct wasi_poll_event ev;
	struct iovec iov;
	char c;
	size_t n;
	int p[2];

	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 50000;
	it.it_interval.tv_usec = 10000;
	setitimer(ITIMER_REAL, &it, NULL);
	memset(&s, 0, sizeof(s));
	s.type = WASI_EVENT_CLOCK, s.clock = WASI_CLOCK_MONOTONIC, s.timeout = 60000000000ull;
	assert_int_equal(wasi_poll_wait(&s, 1, &flag, &ev, &n), WASI_EINTR);
	/* a read that would block forever */
	assert_int_equal(pipe(p), 0);
	iov.iov_base = &c;
	iov.iov_len = 1;
	assert_int_equal(wasi_sys_rw(p[0], &iov, 1, 0, -1, &flag, &n), WASI_EINTR);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errno),	      cmocka_unit_test(test_clocks_random),
		cmocka_unit_test(test_times_flags),   cmocka_unit_test(test_readdir_cookies),
		cmocka_unit_test(test_poll),	      cmocka_unit_test(test_interrupt),
	};
	return cmocka_run_group_tests_name("wasi_sys", tests, NULL, NULL);
}
