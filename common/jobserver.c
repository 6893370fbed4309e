/*
 * jobserver.c - a GNU make jobserver (see jobserver.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "jobserver.h"

/* fd moved above stderr (a build started with stdin closed must not get
 * the pipe as fd 0: every tool's stdin is /dev/null), close-on-exec. */
static int above_stdio(int fd)
{
	int moved;

	if (fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return moved;
}

int wp_jobserver_create(struct wp_jobserver *js)
{
	int p[2];

	js->rfd = js->wfd = js->own = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return wp_error_errno(WP_EIO, "pipe");
	js->rfd = above_stdio(p[0]);
	js->wfd = above_stdio(p[1]);
	if (js->rfd < 0 || js->wfd < 0) {
		wp_jobserver_close(js);
		return wp_error_errno(WP_EIO, "jobserver pipe");
	}
	return 0;
}

int wp_jobserver_put(const struct wp_jobserver *js, int n)
{
	char token = '+';

	for (; js->wfd >= 0 && n > 0; n--)
		while (write(js->wfd, &token, 1) != 1)
			if (errno != EINTR)
				return wp_error_errno(WP_EIO, "jobserver pipe");
	return 0;
}

/* fd is open on a pipe for reading (or writing); its inode in *ino. */
static int pipe_end(int fd, int writing, ino_t *ino)
{
	struct stat st;
	int fl;

	if (fd <= 2 || (fl = fcntl(fd, F_GETFL)) < 0 || fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
		return 0;
	*ino = st.st_ino;
	fl &= O_ACCMODE;
	return fl == O_RDWR || fl == (writing ? O_WRONLY : O_RDONLY);
}

int wp_jobserver_from_env(struct wp_jobserver *js)
{
	const char *v = getenv(WP_JOBSERVER_ENV);
	char path[64], end;
	ino_t ri, wi;
	int r, w;

	js->rfd = js->wfd = js->own = -1;
	if (!v || sscanf(v, "%d,%d%c", &r, &w, &end) != 2 || !pipe_end(r, 0, &ri) || !pipe_end(w, 1, &wi) || ri != wi)
		return 0;
	/* tokens are taken through an open of our own, non-blocking whatever
	 * the shared one is (make 4.3 sets it non-blocking, make 4.2 wants it
	 * blocking): a take must never wait */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", r);
	if ((js->own = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return 0;
	/* the shared ends reach only the steps told about them (spawn.c) */
	fcntl(r, F_SETFD, FD_CLOEXEC);
	fcntl(w, F_SETFD, FD_CLOEXEC);
	js->rfd = r;
	js->wfd = w;
	return 0;
}

int wp_jobserver_try_take(const struct wp_jobserver *js)
{
	char token;
	ssize_t n;

	if (js->own < 0)
		return 0;
	do
		n = read(js->own, &token, 1);
	while (n < 0 && errno == EINTR);
	return n == 1;
}

void wp_jobserver_give(const struct wp_jobserver *js)
{
	if (wp_jobserver_put(js, 1) < 0)
		wp_error_clear(); /* a token lost costs parallelism, not correctness */
}

void wp_jobserver_close(struct wp_jobserver *js)
{
	if (js->rfd >= 0)
		close(js->rfd);
	if (js->wfd >= 0 && js->wfd != js->rfd)
		close(js->wfd);
	if (js->own >= 0)
		close(js->own);
	js->rfd = js->wfd = js->own = -1;
}
