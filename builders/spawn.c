/*
 * spawn.c - the plan of commands a build runs, and running them.
 *
 * Every mutating command a builder runs is first added to the plan, so
 * `--dry-run` can show exactly what a real build would run.  Commands run
 * with fork/exec; their stdout and stderr go through one pipe to the
 * output callback as they arrive (stdout of wasmpack carries only the
 * result, so compiler chatter must never reach it), and the tail is kept
 * for error diagnosis (C++ `throw` without exceptions).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/error.h"
#include "internal.h"

#define TAIL_MAX (64 * 1024)

extern char **environ;

int set_str(char **dst, const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		return wp_error_set(WP_ENOMEM, "out of memory");
	free(*dst);
	*dst = d;
	return 0;
}

/* Shell-quote one word when it needs it. */
static void quote(struct wp_buf *b, const char *s)
{
	const char *p;

	if (*s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%_+=:,./-")]) {
		wp_buf_puts(b, s);
		return;
	}
	wp_buf_puts(b, "'");
	for (p = s; *p; p++) {
		if (*p == '\'')
			wp_buf_puts(b, "'\\''");
		else
			wp_buf_append(b, p, 1);
	}
	wp_buf_puts(b, "'");
}

char *step_format(const struct step *s)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	size_t i;

	if (s->cwd) {
		wp_buf_puts(&b, "cd ");
		quote(&b, s->cwd);
		wp_buf_puts(&b, " && ");
	}
	for (i = 0; i < s->env.n; i++) {
		const char *eq = strchr(s->env.v[i], '=');
		wp_buf_append(&b, s->env.v[i], (size_t)(eq - s->env.v[i] + 1));
		quote(&b, eq + 1);
		wp_buf_puts(&b, " ");
	}
	for (i = 0; i < s->argv.n; i++) {
		if (i)
			wp_buf_puts(&b, " ");
		quote(&b, s->argv.v[i]);
	}
	if (!b.data)
		return strdup("");
	return (char *)wp_buf_detach(&b, NULL);
}

int bctx_step(struct bctx *c, const char *cwd, char *const *env, char *const *argv)
{
	struct step *v = realloc(c->steps, (c->nsteps + 1) * sizeof(*v)), *s;
	int err = 0;

	if (!v)
		return wp_error_set(WP_ENOMEM, "out of memory");
	c->steps = v;
	s = &v[c->nsteps];
	memset(s, 0, sizeof(*s));
	c->nsteps++;
	if (cwd && !(s->cwd = strdup(cwd)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (; env && *env && err == 0; env++)
		err = wp_strv_add(&s->env, *env);
	for (; *argv && err == 0; argv++)
		err = wp_strv_add(&s->argv, *argv);
	return err < 0 ? err : (int)(c->nsteps - 1);
}

void bctx_note(struct bctx *c, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n = snprintf(line, sizeof(line), "wasmpack: note: ");

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	if (c->o->output)
		c->o->output(c->o->output_ctx, line, strlen(line));
}

/* environ plus overrides (a later NAME= wins), for execve. */
static char **make_env(char *const *env)
{
	size_t n = 0, m = 0, i, j;
	char **out;

	while (environ[n])
		n++;
	while (env && env[m])
		m++;
	out = calloc(n + m + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0, j = 0; i < n; i++) {
		size_t k, len = strcspn(environ[i], "=");
		int over = 0;
		for (k = 0; k < m; k++)
			over |= !strncmp(env[k], environ[i], len) && env[k][len] == '=';
		if (!over)
			out[j++] = environ[i];
	}
	for (i = 0; i < m; i++)
		out[j++] = env[i];
	out[j] = NULL;
	return out;
}

/*
 * Fork and exec; the child's stdout goes to `out_fd` and its stderr to
 * `err_fd`.  Everything the child needs is prepared before fork, so the
 * child only calls async-signal-safe functions.
 */
static int start(const char *cwd, char *const *env, char *const *argv, int out_fd, int err_fd,
		 pid_t *pid)
{
	char **envp = make_env(env);
	int cpipe[2];
	ssize_t r;
	int child_errno = 0;

	if (!envp)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (pipe2(cpipe, O_CLOEXEC) < 0) {
		free(envp);
		return wp_error_errno(WP_EIO, "pipe");
	}
	*pid = fork();
	if (*pid < 0) {
		free(envp);
		close(cpipe[0]);
		close(cpipe[1]);
		return wp_error_errno(WP_EIO, "fork");
	}
	if (*pid == 0) {
		int e;
		if (dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0 || (cwd && chdir(cwd) < 0))
			goto fail;
		{
			int devnull = open("/dev/null", O_RDONLY);
			if (devnull >= 0)
				dup2(devnull, 0);
		}
		signal(SIGXFSZ, SIG_DFL); /* as a compiler expects it (main ignores it) */
		execvpe(argv[0], argv, envp);
fail:
		e = errno;
		if (write(cpipe[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	free(envp);
	close(cpipe[1]);
	do
		r = read(cpipe[0], &child_errno, sizeof(child_errno));
	while (r < 0 && errno == EINTR);
	close(cpipe[0]);
	if (r == (ssize_t)sizeof(child_errno)) {
		waitpid(*pid, NULL, 0);
		errno = child_errno;
		return wp_error_errno(WP_ENOTFOUND, "cannot run %s%s%s", argv[0], cwd ? " in " : "",
				      cwd ? cwd : "");
	}
	return 0;
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return wp_error_errno(WP_EIO, "waitpid");
	return 0;
}

static void tail_keep(struct wp_buf *tail, const char *data, size_t len)
{
	if (!tail)
		return;
	if (tail->len + len > TAIL_MAX) {
		size_t drop = tail->len + len - TAIL_MAX;
		if (drop >= tail->len) {
			wp_buf_reset(tail);
			if (len > TAIL_MAX) {
				data += len - TAIL_MAX;
				len = TAIL_MAX;
			}
		} else {
			memmove(tail->data, tail->data + drop, tail->len - drop);
			tail->len -= drop;
		}
	}
	wp_buf_append(tail, data, len);
}

static int status_error(int status, const struct step *s)
{
	char *cmd = step_format(s);
	int err;

	if (WIFEXITED(status))
		err = wp_error_set(WP_ERROR, "build command failed (exit status %d): %s", WEXITSTATUS(status),
				   cmd ? cmd : s->argv.v[0]);
	else
		err = wp_error_set(WP_ERROR, "build command killed by signal %d: %s", WTERMSIG(status),
				   cmd ? cmd : s->argv.v[0]);
	free(cmd);
	return err;
}

int bctx_run(struct bctx *c, int i, struct wp_buf *tail)
{
	const struct step *s = &c->steps[i];
	char buf[8192];
	int p[2], status, err;
	pid_t pid;
	ssize_t n;

	if (c->o->dry_run)
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return wp_error_errno(WP_EIO, "pipe");
	err = start(s->cwd, s->env.v, s->argv.v, p[1], p[1], &pid);
	close(p[1]);
	if (err < 0) {
		close(p[0]);
		return err;
	}
	for (;;) {
		n = read(p[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (c->o->output)
			c->o->output(c->o->output_ctx, buf, (size_t)n);
		tail_keep(tail, buf, (size_t)n);
	}
	close(p[0]);
	if ((err = wait_child(pid, &status)) < 0)
		return err;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return status_error(status, s);
	return 0;
}

int bctx_exec(struct bctx *c, const char *cwd, char *const *env, char *const *argv)
{
	int i = bctx_step(c, cwd, env, argv);

	return i < 0 ? i : bctx_run(c, i, NULL);
}

/* Read all of fd into b (capped by b's max). */
static int drain(int fd, struct wp_buf *b)
{
	char buf[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? wp_error_errno(WP_EIO, "read") : 0;
		if (b && wp_buf_append(b, buf, (size_t)n) < 0)
			b = NULL; /* keep draining so the child is not blocked */
	}
}

int spawn_capture(const char *cwd, char *const *env, char *const *argv, struct wp_buf *out)
{
	struct wp_buf errs = WP_BUF_INIT(64 * 1024);
	FILE *ef = NULL;
	int p[2], status, err, efd;
	pid_t pid;

	/* stderr to an unlinked temporary file: two pipes would need poll */
	if (!(ef = tmpfile()))
		return wp_error_errno(WP_EIO, "tmpfile");
	efd = fileno(ef);
	if (pipe2(p, O_CLOEXEC) < 0) {
		fclose(ef);
		return wp_error_errno(WP_EIO, "pipe");
	}
	err = start(cwd, env, argv, p[1], efd, &pid);
	close(p[1]);
	if (err < 0)
		goto done;
	err = drain(p[0], out);
	if (wait_child(pid, &status) < 0 && err == 0)
		err = WP_EIO;
	if (err < 0)
		goto done;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *line;
		lseek(efd, 0, SEEK_SET);
		drain(efd, &errs);
		line = tc_first_line(wp_buf_cstr(&errs));
		err = wp_error_set(WP_ERROR, "%s failed%s%s", argv[0], line && *line ? ": " : "",
				   line ? line : "");
		free(line);
	}
done:
	close(p[0]);
	fclose(ef);
	wp_buf_release(&errs);
	return err;
}
