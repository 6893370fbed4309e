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

int wp_jobserver_create(struct wp_jobserver *js)
{
	int p[2];

	js->rfd = js->wfd = -1;
	if (pipe(p) < 0)
		return wp_error_errno(WP_EIO, "pipe");
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		close(p[0]);
		close(p[1]);
		return wp_error_errno(WP_EIO, "jobserver pipe");
	}
	js->rfd = p[0];
	js->wfd = p[1];
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

static int is_pipe(int fd)
{
	struct stat st;

	return fd >= 0 && fcntl(fd, F_GETFD) >= 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

int wp_jobserver_from_env(struct wp_jobserver *js)
{
	const char *v = getenv(WP_JOBSERVER_ENV);
	int r, w;
	char end;

	js->rfd = js->wfd = -1;
	if (!v || sscanf(v, "%d,%d%c", &r, &w, &end) != 2 || !is_pipe(r) || !is_pipe(w))
		return 0;
	js->rfd = r;
	js->wfd = w;
	return 0;
}

int wp_jobserver_try_take(const struct wp_jobserver *js)
{
	char token;
	ssize_t n;

	if (js->rfd < 0)
		return 0;
	do
		n = read(js->rfd, &token, 1);
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
	if (js->wfd >= 0)
		close(js->wfd);
	js->rfd = js->wfd = -1;
}
