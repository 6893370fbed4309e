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

int bctx_jobserver_env(struct bctx *c, const char *name, struct wp_strv *env)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	const char *user = getenv(name);
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	int err;

	if (c->js.rfd < 0)
		return 0;
	wp_buf_printf(&b, "%s= -j%ld --jobserver-auth=%d,%d", name, cores > 0 ? cores : 1, c->js.rfd, c->js.wfd);
	/* the user's own flags stay (-k, --no-print-directory, VAR=...), not
	 * a -j or another jobserver of theirs */
	while (user && *user) {
		size_t n;
		user += strspn(user, " ");
		n = strcspn(user, " ");
		if (n && strncmp(user, "-j", 2) && strncmp(user, "--jobserver-", 12))
			wp_buf_printf(&b, " %.*s", (int)n, user);
		user += n;
	}
	err = b.data ? wp_strv_add(env, wp_buf_cstr(&b)) : wp_error_set(WP_ENOMEM, "out of memory");
	wp_buf_release(&b);
	return err < 0 ? err : 1;
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
	int cpipe[2], js[2] = { -1, -1 };
	ssize_t r;
	int child_errno = 0;
	char *const *kv;

	/* the jobserver's ends (close-on-exec) go to a step told about them */
	for (kv = env; kv && *kv; kv++) {
		const char *a = strstr(*kv, "--jobserver-auth=");
		if (a && sscanf(a + strlen("--jobserver-auth="), "%d,%d", &js[0], &js[1]) != 2)
			js[0] = js[1] = -1;
	}

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
		if (js[0] > 2 && js[1] > 2 && (fcntl(js[0], F_SETFD, 0) < 0 || fcntl(js[1], F_SETFD, 0) < 0))
			goto fail;
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

/* Commands run side by side (make -j), each one's stdout and stderr in
 * an unlinked temporary file of its own. */
struct batch_cmd {
	const char *cwd;
	char *const *env, *const *argv;
	FILE *out;
	pid_t pid;
	int status;
	int token; /* it runs on a token taken from the jobserver */
};

/* ENDED(ctx, i, failed, out) is called for each command that ran, in
 * order, as it ends (the oldest running one is waited for: the compiles
 * of one build take about as long as each other). */
typedef void (*batch_ended_fn)(void *ctx, size_t i, int failed, FILE *out);

/* Run v[0..n), at most `max` at once, or with a jobserver (js not NULL)
 * one plus as many as it has tokens for.  After a command fails (or one
 * cannot start) no more start; those running finish.  Returns 0 when all
 * succeeded, 1 with *failed the first failure's index, or the error of a
 * command that could not start (after the others ended). */
static int batch_run(struct batch_cmd *v, size_t n, int max, const struct wp_jobserver *js, size_t *failed,
		     batch_ended_fn ended, void *ctx)
{
	size_t next = 0, oldest = 0;
	int err = 0, bad = 0;

	while (oldest < next || (next < n && !bad && err == 0)) {
		struct batch_cmd *b = &v[next];
		int fail, more = next < n && !bad && err == 0;
		/* the first runs on the build's own core; each more one on a
		 * token, or within max */
		if (more && next > oldest)
			more = js ? (b->token = wp_jobserver_try_take(js)) : next - oldest < (size_t)(max > 0 ? max : 1);
		if (more) {
			if (!(b->out = tmpfile()) || fcntl(fileno(b->out), F_SETFD, FD_CLOEXEC) < 0)
				err = wp_error_errno(WP_EIO, "tmpfile");
			else if ((err = start(b->cwd, b->env, b->argv, fileno(b->out), fileno(b->out), &b->pid)) == 0)
				next++;
			if (err < 0 && b->out)
				fclose(b->out);
			if (err < 0 && b->token)
				wp_jobserver_give(js);
			continue;
		}
		b = &v[oldest];
		if (wait_child(b->pid, &b->status) < 0)
			b->status = -1;
		if (b->token)
			wp_jobserver_give(js);
		fail = b->status == -1 || !WIFEXITED(b->status) || WEXITSTATUS(b->status) != 0;
		if (fail && !bad) {
			bad = 1;
			*failed = oldest;
		}
		rewind(b->out);
		if (ended)
			ended(ctx, oldest, fail, b->out);
		fclose(b->out);
		oldest++;
	}
	return bad ? 1 : err; /* a command's failure says more than a start error after it */
}

struct step_batch {
	struct bctx *c;
	int bad;
	struct wp_buf *tail;
};

/* A step's output goes on whole; the tail is the first failed one's. */
static void step_ended(void *ctx, size_t i, int failed, FILE *out)
{
	struct step_batch *sb = ctx;
	int keep = failed && !sb->bad;
	char buf[8192];
	size_t n;

	(void)i;
	while ((n = fread(buf, 1, sizeof(buf), out)) > 0) {
		if (sb->c->o->output)
			sb->c->o->output(sb->c->o->output_ctx, buf, n);
		if (keep)
			tail_keep(sb->tail, buf, n);
	}
	sb->bad |= failed;
}

int bctx_run_parallel(struct bctx *c, int first, int n, struct wp_buf *tail)
{
	struct step_batch sb = { c, 0, tail };
	struct batch_cmd *v;
	size_t i, bad = 0;
	int err;

	if (c->o->dry_run || n <= 0)
		return 0;
	if (!(v = calloc((size_t)n, sizeof(*v))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < (size_t)n; i++) {
		const struct step *s = &c->steps[first + (int)i];
		v[i].cwd = s->cwd;
		v[i].env = s->env.v;
		v[i].argv = s->argv.v;
	}
	err = batch_run(v, (size_t)n, c->jobs, c->js.rfd >= 0 ? &c->js : NULL, &bad, step_ended, &sb);
	if (err == 1)
		err = v[bad].status == -1 ? wp_error_set(WP_EIO, "lost the build command %s", v[bad].argv[0])
					  : status_error(v[bad].status, &c->steps[first + (int)bad]);
	free(v);
	return err;
}

/* The first line a failed command wrote. */
static void first_line_ended(void *ctx, size_t i, int failed, FILE *out)
{
	char **line = ctx, buf[4096];
	size_t n;

	(void)i;
	if (!failed || *line)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, out);
	buf[n] = 0;
	*line = tc_first_line(buf);
	if (!*line)
		*line = strdup("");
}

int spawn_batch(const char *cwd, char **const *argvs, size_t n, int max, const struct wp_jobserver *js)
{
	struct batch_cmd *v = calloc(n ? n : 1, sizeof(*v));
	char *line = NULL;
	size_t i, bad = 0;
	int err;

	if (!v)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		v[i].cwd = cwd;
		v[i].argv = argvs[i];
	}
	if ((err = batch_run(v, n, max, js && js->rfd >= 0 ? js : NULL, &bad, first_line_ended, &line)) == 1)
		err = wp_error_set(WP_ERROR, "%s failed%s%s", argvs[bad][0], line && *line ? ": " : "", line ? line : "");
	free(line);
	free(v);
	return err;
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
