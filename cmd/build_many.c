/*
 * build_many.c - `wasmpack build ./...` (see build_many.h).
 *
 * Discovery runs the same detection as `wasmpack detect` on each
 * directory; a directory where a builder's detect passes is a project and
 * its subdirectories belong to it.  node_modules/, target/, build/,
 * hidden directories (.git/) and OCI layouts are never entered.
 *
 * Each project is built by a child `wasmpack build DIR` with the same
 * options, so one project's failure, output or crash cannot touch
 * another's; a child pushes all or nothing, as a single build does.  The
 * children's logs are copied to stderr whole, each line prefixed with the
 * project path, when the child ends: CI logs stay line-oriented.  On a
 * terminal the board of build_board.c shows every project's state, the
 * children reporting theirs on a pipe (WASMPACK_STATE_FD).  The cores
 * are shared through a jobserver (WASMPACK_JOBSERVER, common/jobserver.h)
 * that make, cargo and the C builder's compiles take extra cores from; a
 * tool that reads none gets cores / running jobs (WASMPACK_BUILD_JOBS),
 * but go, which compiles on every core (as ko runs it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../builders/builder.h"
#include "../builders/config.h"
#include "../builders/workspace.h"
#include "../common/buf.h"
#include "../common/error.h"
#include "../common/fs.h"
#include "../common/jobserver.h"
#include "../common/strv.h"
#include "build_board.h"
#include "build_order.h"
#include "build_many.h"
#include "cmd.h"

#define LOG_MAX (64 * 1024 * 1024)

struct project {
	char *dir;   /* as found: the root argument joined with the subpath */
	char *name;  /* image name (wasmpack.json's "name", else detected) */
	char *builder; /* the builder detection chose, NULL when none */
	pid_t pid;
	int state_fd; /* read end of the child's state pipe, -1 when closed */
	int status;  /* exit status of the child, -1 while not run */
	char *out, *err; /* files the child's stdout and stderr go to */
};

struct many {
	struct wp_strv roots;   /* positional arguments */
	struct wp_strv forward; /* options passed to every child */
	struct wp_strv outputs; /* -o oci:DIR values */
	long jobs;
	int json, help, push;
	struct project *p;
	size_t n;
	char **paths, **builders; /* the board's view of p[] */
};

static const char *const skip_dirs[] = { "node_modules", "target", "build", NULL };

static void many_release(struct many *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->p[i].dir);
		free(m->p[i].name);
		free(m->p[i].builder);
		free(m->p[i].out);
		free(m->p[i].err);
	}
	free(m->p);
	free(m->paths);
	free(m->builders);
	wp_strv_release(&m->roots);
	wp_strv_release(&m->forward);
	wp_strv_release(&m->outputs);
}

static int is_pattern(const char *s)
{
	size_t n = strlen(s);

	return !strcmp(s, "...") || (n >= 4 && !strcmp(s + n - 4, "/..."));
}

/* Parse with build.c's table plus -j; options are rebuilt as --name=value
 * for the children.  Returns 0, or an exit status (> 0). */
static int scan_args(int argc, char **argv, struct many *m, int quiet)
{
	static struct option table[64];
	const struct option *o;
	size_t nt = 0;
	int c, err = 0;

	if (!table[0].name) {
		for (o = build_options; o->name && nt < 62; o++)
			table[nt++] = *o;
		table[nt++] = (struct option){ "jobs", required_argument, NULL, 'j' };
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:o:hj:", table, NULL)) != -1) {
		const struct option *t;
		char *end;

		if (c == ':' || c == '?')
			return quiet ? EXIT_USAGE : cmd_usage_error("build", "%s %s", c == ':' ? "option needs a value:" : "unknown option",
								    argv[optind - 1]);
		switch (c) {
		case 'j':
			errno = 0;
			m->jobs = strtol(optarg, &end, 10);
			if ((errno || *end || m->jobs < 1 || m->jobs > 256) && quiet)
				m->jobs = 1; /* many projects wanted: the second pass says what is wrong */
			else if (errno || *end || m->jobs < 1 || m->jobs > 256)
				return cmd_usage_error("build", "-j needs a number of jobs from 1 to 256, not '%s'", optarg);
			continue;
		case 'h':
			m->help = 1;
			continue;
		case 'o':
			err = wp_strv_add(&m->outputs, optarg);
			continue;
		default:
			break;
		}
		for (t = table; t->name && t->val != c; t++)
			;
		if (!t->name)
			continue;
		if (!strcmp(t->name, "json"))
			m->json = 1;
		if (!strcmp(t->name, "push"))
			m->push = 1;
		if (quiet)
			continue;
		if (!strcmp(t->name, "wasm") || !strcmp(t->name, "dry-run"))
			return cmd_usage_error("build", "--%s builds one project and cannot be used with several directories or DIR/...",
					       t->name);
		if (c == 't' && strpbrk(optarg, "/:@"))
			return cmd_usage_error("build", "-t %s: with several projects, -t takes bare tags only (each project is pushed to $WASMPACK_REPO/<name>)",
					       optarg);
		err = t->has_arg ? wp_strv_addf(&m->forward, "--%s=%s", t->name, optarg)
				 : wp_strv_addf(&m->forward, "--%s", t->name);
		if (err < 0)
			return cmd_report();
	}
	for (; optind < argc; optind++)
		if (wp_strv_add(&m->roots, argv[optind]) < 0)
			return cmd_report();
	return err < 0 ? cmd_report() : 0;
}

int build_many_wanted(int argc, char **argv)
{
	struct many m;
	size_t i;
	int want;

	memset(&m, 0, sizeof(m));
	if (scan_args(argc, argv, &m, 1) != 0) {
		many_release(&m);
		return 0; /* the one-project parser reports it */
	}
	want = m.roots.n > 1 || m.jobs > 0;
	for (i = 0; i < m.roots.n; i++)
		want |= is_pattern(m.roots.v[i]);
	many_release(&m);
	return want;
}

static int skipped_dir(const char *path, const char *base)
{
	char *layout;
	int is_layout;
	size_t i;

	if (base[0] == '.')
		return 1;
	for (i = 0; skip_dirs[i]; i++)
		if (!strcmp(base, skip_dirs[i]))
			return 1;
	layout = wp_path_join(path, "oci-layout");
	is_layout = layout && wp_fs_exists(layout);
	free(layout);
	return is_layout;
}

static int add_project(struct many *m, const char *dir, const char *name, const char *builder)
{
	struct project *np = realloc(m->p, (m->n + 1) * sizeof(*np));

	if (!np)
		return wp_error_set(WP_ENOMEM, "out of memory");
	m->p = np;
	memset(&np[m->n], 0, sizeof(*np));
	np[m->n].status = -1;
	np[m->n].state_fd = -1;
	np[m->n].dir = strdup(dir);
	np[m->n].name = strdup(name);
	np[m->n].builder = builder ? strdup(builder) : NULL;
	if (!np[m->n].dir || !np[m->n].name || (builder && !np[m->n].builder)) {
		free(np[m->n].dir);
		free(np[m->n].name);
		free(np[m->n].builder);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	m->n++;
	return 0;
}

/* The image name of the project in dir: wasmpack.json's, else detect's,
 * else the directory's. */
static char *project_name(const char *dir, const struct builder_config *cfg, const struct builder_detection *d)
{
	char *base, *name;

	if (cfg->present && cfg->name)
		return builder_sanitize_name(cfg->name);
	if (d && d->name)
		return builder_sanitize_name(d->name);
	base = wp_path_basename(dir);
	name = builder_sanitize_name(base ? base : "app");
	free(base);
	return name;
}

/* Sets *pass when a builder's detect passes in dir (or it has a
 * wasmpack.json); with `add`, such a directory is added as a project and
 * 1 returned. */
static int detect_dir(struct many *m, const char *dir, int *found, int add)
{
	struct builder_config cfg;
	struct builder_detection d;
	struct builder_opts bo;
	char *name;
	int err, i;

	memset(&cfg, 0, sizeof(cfg));
	memset(&d, 0, sizeof(d));
	memset(&bo, 0, sizeof(bo));
	*found = 0;
	if ((err = builder_config_load(dir, &cfg)) < 0)
		return err;
	bo.dir = dir;
	bo.config = &cfg;
	/* the child probes the toolchains: here, which builder passes, and
	 * the name only of a directory that becomes a project */
	bo.quick = add ? 1 : 2;
	if ((err = builder_detect(&bo, &d)) < 0) {
		builder_config_release(&cfg);
		return err;
	}
	for (i = 0; i < BUILDER_COUNT; i++)
		*found |= d.v[i].pass;
	*found |= cfg.present;
	if (*found && add) {
		name = project_name(dir, &cfg, &d);
		err = name ? add_project(m, dir, name, d.selected >= 0 ? d.v[d.selected].name : NULL)
			   : wp_error_set(WP_ENOMEM, "out of memory");
		free(name);
		if (err == 0)
			err = 1;
	}
	builder_detection_release(&d);
	builder_config_release(&cfg);
	return err;
}

/* A build system's file (or a module) at the directory's own level. */
static int has_marker(const char *dir)
{
	static const char *const files[] = { "CMakeLists.txt", "Makefile", "makefile", "GNUmakefile", "configure",
					     "configure.ac", "meson.build", "Cargo.toml", "go.mod", "package.json",
					     "wasmpack.json", NULL };
	struct dirent *e;
	DIR *d = opendir(dir);
	int found = 0;
	size_t i, n;

	while (d && !found && (e = readdir(d))) {
		n = strlen(e->d_name);
		found = n > 5 && !strcmp(e->d_name + n - 5, ".wasm");
		for (i = 0; files[i] && !found; i++)
			found = !strcmp(e->d_name, files[i]);
	}
	if (d)
		closedir(d);
	return found;
}

/* The members of the workspace rooted at dir that detect, as projects;
 * 1 when any was added. */
static int add_members(struct many *m, const char *dir, const struct wp_strv *members)
{
	size_t i;
	int err = 0, pass, found = 0;

	for (i = 0; i < members->n && err >= 0; i++) {
		const char *rel = members->v[i];
		char *path = !*rel ? strdup(dir) : !strcmp(dir, ".") ? strdup(rel) : wp_path_join(dir, rel);

		if (!path)
			return wp_error_set(WP_ENOMEM, "out of memory");
		if ((err = detect_dir(m, path, &pass, 1)) > 0)
			found = 1;
		free(path);
	}
	return err < 0 ? err : found;
}

/* Detection also looks into subdirectories (a CMakeLists.txt one level
 * down, C sources under src/), so a directory is a project when detect
 * passes there and it holds a build file itself; a directory without one
 * (sources only) is a project when nothing below it is, and its parent
 * does not take it: the sources-only project is the highest such
 * directory with no project below.  A Cargo or npm workspace's root
 * gives its members instead (workspace.h).  Returns 0 (nothing), 1 (projects
 * added below or at dir) or 2 (dir is a candidate for its parent). */
static int walk(struct many *m, const char *dir)
{
	struct dirent **ents = NULL;
	struct wp_strv cand = { NULL, 0 };
	int pass, found = 0, n, i, r, err;
	size_t k;

	/* a workspace root names its members: they are the projects */
	if ((r = workspace_members(dir, &cand)) != WORKSPACE_NONE) {
		err = r < 0 ? r : add_members(m, dir, &cand);
		wp_strv_release(&cand);
		return err;
	}
	if ((err = detect_dir(m, dir, &pass, has_marker(dir))) != 0)
		return err;
	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0)
		return wp_error_errno(WP_EIO, "%s", dir);
	for (i = 0; i < n; i++) {
		char *sub = NULL;
		struct stat st;

		if (err == 0 && strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, "..")) {
			sub = !strcmp(dir, ".") ? strdup(ents[i]->d_name) : wp_path_join(dir, ents[i]->d_name);
			if (!sub)
				err = wp_error_set(WP_ENOMEM, "out of memory");
			else if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode) && !skipped_dir(sub, ents[i]->d_name)) {
				if ((r = walk(m, sub)) < 0)
					err = r;
				else if (r == 2)
					err = wp_strv_add(&cand, sub);
				found |= r == 1;
			}
		}
		free(sub);
		free(ents[i]);
	}
	free(ents);
	if (err == 0 && pass && !found) {
		wp_strv_release(&cand);
		return 2;
	}
	for (k = 0; k < cand.n && err == 0; k++)
		if ((err = detect_dir(m, cand.v[k], &pass, 1)) > 0)
			found = 1, err = 0;
	wp_strv_release(&cand);
	return err < 0 ? err : found;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct project *)a)->dir, ((const struct project *)b)->dir);
}

static int discover(struct many *m)
{
	size_t i, j;
	int err;

	for (i = 0; i < m->roots.n; i++) {
		char *root = m->roots.v[i];
		int found;

		if (is_pattern(root)) {
			root = strlen(root) > 4 ? strndup(root, strlen(root) - 4) : strdup(".");
			if (!root)
				return wp_error_set(WP_ENOMEM, "out of memory");
			err = wp_fs_is_dir(root) ? walk(m, root)
						 : wp_error_set(WP_ENOTFOUND, "%s: no such directory", root);
			if (err == 2)
				err = detect_dir(m, root, &found, 1);
			free(root);
			if (err < 0)
				return err;
			continue;
		}
		if (!wp_fs_is_dir(root))
			return wp_error_set(WP_ENOTFOUND, "%s: no such directory", root);
		/* a named directory is built even when nothing detects it: the
		 * build says why */
		if ((err = detect_dir(m, root, &found, 1)) < 0)
			return err;
		if (!found) {
			char *name = project_name(root, &(struct builder_config){ 0 }, NULL);
			err = name ? add_project(m, root, name, NULL) : wp_error_set(WP_ENOMEM, "out of memory");
			free(name);
			if (err < 0)
				return err;
		}
	}
	if (m->n == 0)
		return wp_error_set(WP_ENOTFOUND, "no project found under %s (%s)", m->roots.v[0],
				    builder_nothing_message());
	qsort(m->p, m->n, sizeof(*m->p), by_path);
	for (i = 0; i < m->n; i++)
		for (j = i + 1; j < m->n; j++) {
			if (!strcmp(m->p[i].dir, m->p[j].dir))
				return wp_error_set(WP_EUSAGE, "%s is named twice", m->p[i].dir);
			if (!strcmp(m->p[i].name, m->p[j].name))
				return wp_error_set(WP_EUSAGE, "%s and %s are both named '%s': give one a \"name\" in wasmpack.json",
						    m->p[i].dir, m->p[j].dir, m->p[i].name);
		}
	return 0;
}

/* -o oci:DIR[:TAG] becomes oci:DIR/<name>[:TAG] for each project. */
static int project_outputs(const struct many *m, const struct project *p, struct wp_strv *argv)
{
	size_t i;
	int err = 0;

	for (i = 0; i < m->outputs.n && err == 0; i++) {
		const char *dest = m->outputs.v[i] + 4, *colon = strrchr(dest, ':');
		int dl = colon && !strchr(colon, '/') ? (int)(colon - dest) : (int)strlen(dest);

		err = wp_strv_addf(argv, "--output=oci:%.*s/%s%s", dl, dest, p->name, dest + dl);
	}
	return err;
}

static int spawn(const struct many *m, struct project *p, const char *tmp, size_t idx, int child_jobs,
		 const struct wp_jobserver *js)
{
	struct wp_strv argv = { NULL, 0 };
	char self[PATH_MAX], jobs[16], sfd[16], jsfds[32];
	ssize_t n;
	int err, fo, fe, pfd[2];

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
		return wp_error_errno(WP_EIO, "/proc/self/exe");
	self[n] = 0;
	if (asprintf(&p->out, "%s/%zu.out", tmp, idx) < 0 || asprintf(&p->err, "%s/%zu.err", tmp, idx) < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = wp_strv_add(&argv, "wasmpack")) < 0 || (err = wp_strv_add(&argv, "build")) < 0 ||
	    (err = wp_strv_add_all(&argv, m->forward.v, m->forward.n)) < 0 ||
	    (err = project_outputs(m, p, &argv)) < 0 || (err = wp_strv_add(&argv, "--")) < 0 ||
	    (err = wp_strv_add(&argv, p->dir)) < 0) {
		wp_strv_release(&argv);
		return err;
	}
	/* the state pipe: close-on-exec, so only this child keeps its end */
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		wp_strv_release(&argv);
		return wp_error_errno(WP_EIO, "pipe");
	}
	snprintf(jobs, sizeof(jobs), "%d", child_jobs);
	snprintf(sfd, sizeof(sfd), "%d", pfd[1]);
	snprintf(jsfds, sizeof(jsfds), "%d,%d", js->rfd, js->wfd);
	fflush(NULL);
	p->pid = fork();
	if (p->pid == 0) {
		fo = open(p->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		fe = open(p->err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0 || fcntl(pfd[1], F_SETFD, 0) < 0)
			_exit(126);
		/* a build ./... that is killed takes its builds with it */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() == 1)
			_exit(126);
		setenv("WASMPACK_BUILD_JOBS", jobs, 1);
		setenv("WASMPACK_STATE_FD", sfd, 1);
		/* the jobserver's ends are close-on-exec but for the builds */
		if (js->rfd >= 0 && fcntl(js->rfd, F_SETFD, 0) == 0 && fcntl(js->wfd, F_SETFD, 0) == 0)
			setenv(WP_JOBSERVER_ENV, jsfds, 1);
		else
			unsetenv(WP_JOBSERVER_ENV);
		execv(self, argv.v);
		dprintf(2, "wasmpack: cannot run %s: %s\n", self, strerror(errno));
		_exit(126);
	}
	wp_strv_release(&argv);
	close(pfd[1]);
	if (p->pid < 0) {
		close(pfd[0]);
		return wp_error_errno(WP_EIO, "fork");
	}
	p->state_fd = pfd[0];
	build_board_set(idx, BOARD_BUILDING, NULL);
	if (!build_board_live())
		fprintf(stderr, "wasmpack: %s: building\n", p->dir);
	return 0;
}

/* The child's file, read whole (empty when missing). */
static void slurp(const char *path, struct wp_buf *b)
{
	wp_buf_reset(b);
	if (wp_fs_read_file(path, LOG_MAX, b) < 0)
		wp_buf_reset(b);
}

/* The child's stderr, each line prefixed with the project path. */
static void copy_log(const struct project *p)
{
	struct wp_buf b = WP_BUF_INIT(LOG_MAX), log = WP_BUF_INIT(WP_BUF_UNLIMITED);
	const char *s, *e;

	slurp(p->err, &b);
	for (s = (const char *)b.data; s && s < (const char *)b.data + b.len; s = e + 1) {
		e = memchr(s, '\n', (size_t)((const char *)b.data + b.len - s));
		if (!e)
			e = (const char *)b.data + b.len;
		wp_buf_printf(&log, "%s: %.*s\n", p->dir, (int)(e - s), s);
	}
	if (log.len)
		build_board_print((const char *)log.data, log.len);
	fflush(stderr);
	wp_buf_release(&b);
	wp_buf_release(&log);
}

/* The last "wasmpack: " line of the child's stderr: why it failed. */
static char *failure_line(const struct project *p)
{
	struct wp_buf b = WP_BUF_INIT(LOG_MAX);
	char *why = NULL, *s, *line;

	slurp(p->err, &b);
	if (wp_buf_append(&b, "", 1) == 0)
		for (s = (char *)b.data; (line = strsep(&s, "\n"));)
			if (!strncmp(line, "wasmpack: ", 10) && strncmp(line, "wasmpack: note: ", 16) &&
			    strncmp(line, "wasmpack: warning: ", 19)) {
				free(why);
				why = strdup(line + 10);
			}
	wp_buf_release(&b);
	if (!why && asprintf(&why, "exited with status %d", p->status) < 0)
		why = NULL;
	return why;
}

/* "sha256:" and the first 12 hex digits of the digest the child printed. */
static void short_digest(const struct project *p, char *out, size_t size)
{
	struct wp_buf b = WP_BUF_INIT(LOG_MAX);
	const char *d;

	out[0] = 0;
	slurp(p->out, &b);
	if (wp_buf_append(&b, "", 1) == 0 && (d = strstr((const char *)b.data, "sha256:")))
		snprintf(out, size, "%.19s", d);
	wp_buf_release(&b);
}

/* The child of p ended (its state pipe closed): its status, its log. */
static int reap(struct many *m, size_t i)
{
	struct project *p = &m->p[i];
	char digest[32];
	int st;

	close(p->state_fd);
	p->state_fd = -1;
	while (waitpid(p->pid, &st, 0) < 0)
		if (errno != EINTR)
			return wp_error_errno(WP_EIO, "waitpid");
	p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	short_digest(p, digest, sizeof(digest));
	build_board_set(i, p->status ? BOARD_FAILED : BOARD_DONE, digest);
	copy_log(p);
	return 0;
}

/* The state words a child wrote ("pushing"); 1 at end of file. */
static int read_states(struct project *p, size_t i)
{
	char buf[256];
	ssize_t n = read(p->state_fd, buf, sizeof(buf) - 1);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : 1;
	if (n == 0)
		return 1;
	buf[n] = 0;
	if (strstr(buf, "pushing\n"))
		build_board_set(i, BOARD_PUSHING, NULL);
	return 0;
}

static int run_all(struct many *m, const char *tmp)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t next = 0, running = 0, at_once, i, k;
	struct pollfd *pf = calloc(m->n, sizeof(*pf));
	size_t *who = calloc(m->n, sizeof(*who)), *order = build_start_order(m->paths, m->builders, m->n);
	struct wp_jobserver js = WP_JOBSERVER_NONE;
	long given = 0; /* tokens put in the pipe: cores - builds running, at most */
	int child_jobs, err = 0;

	if (!pf || !who || !order) {
		free(pf);
		free(who);
		free(order);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	if (cores < 1)
		cores = 1;
	if (m->jobs < 1)
		m->jobs = cores;
	at_once = (size_t)m->jobs < m->n ? (size_t)m->jobs : m->n;
	child_jobs = (int)(cores / (long)at_once);
	if (child_jobs < 1)
		child_jobs = 1;
	/* each build runs on a core of its own; the cores no build holds are
	 * the jobserver's tokens (common/jobserver.h), for the toolchains that
	 * can take more than one.  Without a pipe, the static share stays. */
	given = cores > (long)at_once ? cores - (long)at_once : 0;
	if (cores > 1 && (wp_jobserver_create(&js) < 0 || wp_jobserver_put(&js, (int)given) < 0)) {
		wp_jobserver_close(&js);
		wp_error_clear();
	}
	while (next < m->n || running > 0) {
		while (err == 0 && next < m->n && running < (size_t)m->jobs) {
			if ((err = spawn(m, &m->p[order[next]], tmp, order[next], child_jobs, &js)) < 0)
				break;
			next++;
			running++;
		}
		if (running == 0)
			break;
		build_board_draw();
		/* a child's state pipe reaches its end when the child exits */
		for (i = 0, k = 0; i < m->n; i++)
			if (m->p[i].state_fd >= 0) {
				pf[k] = (struct pollfd){ .fd = m->p[i].state_fd, .events = POLLIN };
				who[k++] = i;
			}
		if (poll(pf, k, build_board_live() ? 1000 : -1) < 0 && errno != EINTR) {
			err = wp_error_errno(WP_EIO, "poll");
			break;
		}
		/* reaped even after an error: a child that ended and is not
		 * reaped would wake poll forever */
		for (i = 0; i < k; i++)
			if (pf[i].revents && read_states(&m->p[who[i]], who[i])) {
				int e = reap(m, who[i]);
				running--;
				if (e < 0 && err == 0)
					err = e;
				/* its core goes to the next build, or to the ones running */
				if (err == 0 && next >= m->n && js.wfd >= 0 && given < cores - (long)running) {
					if (wp_jobserver_put(&js, 1) < 0)
						wp_error_clear();
					given++;
				}
			}
	}
	wp_jobserver_close(&js);
	free(pf);
	free(who);
	free(order);
	return err;
}

static int print_results(const struct many *m)
{
	struct wp_buf b = WP_BUF_INIT(LOG_MAX);
	json_t *arr = json_array();
	size_t i, failed = 0;
	int status;

	for (i = 0; i < m->n; i++) {
		const struct project *p = &m->p[i];
		json_t *o = NULL;

		if (p->status != 0) {
			char *why = failure_line(p);
			failed++;
			if (m->json)
				json_array_append_new(arr, json_pack("{s:s, s:s, s:s?}", "path", p->dir, "name", p->name,
								     "error", why));
			free(why);
			continue;
		}
		slurp(p->out, &b);
		while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
			b.len--;
		if (!m->json) {
			printf("%s\t%.*s\n", p->dir, (int)b.len, (const char *)b.data);
			continue;
		}
		o = json_loadb((const char *)b.data, b.len, 0, NULL);
		if (!json_is_object(o)) {
			json_decref(o);
			o = json_object();
		}
		json_object_set_new(o, "path", json_string(p->dir));
		json_array_append_new(arr, o);
	}
	wp_buf_release(&b);
	status = m->json ? cmd_print_json(arr) : EXIT_OK;
	json_decref(arr);
	fflush(stdout);
	if (failed) {
		for (i = 0; i < m->n; i++)
			if (m->p[i].status != 0) {
				char *why = failure_line(&m->p[i]);
				fprintf(stderr, "wasmpack: failed: %s: %s\n", m->p[i].dir, why ? why : "failed");
				free(why);
			}
		fprintf(stderr, "wasmpack: %zu of %zu projects failed\n", failed, m->n);
		return EXIT_FAIL;
	}
	return status;
}

/* The board (on a terminal) lists the projects in path order. */
static int open_board(struct many *m)
{
	size_t i;

	m->paths = calloc(m->n, sizeof(*m->paths));
	m->builders = calloc(m->n, sizeof(*m->builders));
	if (!m->paths || !m->builders)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < m->n; i++) {
		m->paths[i] = m->p[i].dir;
		m->builders[i] = m->p[i].builder;
	}
	return build_board_open(m->n, m->paths, m->builders);
}

int cmd_build_many(int argc, char **argv)
{
	struct many m;
	char *tmp = NULL;
	size_t i;
	int status;

	memset(&m, 0, sizeof(m));
	if ((status = scan_args(argc, argv, &m, 0)) != 0)
		goto done;
	if (m.help) {
		status = cmd_print_usage("build");
		goto done;
	}
	for (i = 0; i < m.outputs.n; i++)
		if (strncmp(m.outputs.v[i], "oci:", 4) || !m.outputs.v[i][4]) {
			status = cmd_usage_error("build", "-o %s: with several projects, -o takes oci:DIR (one layout per project under DIR)",
						 m.outputs.v[i]);
			goto done;
		}
	/* one layout per project, never one layout written by all at once */
	if (m.outputs.n == 0 && !m.push && wp_strv_add(&m.outputs, "oci:wasmpack-out") < 0)
		goto report;
	if (m.roots.n == 0 && wp_strv_add(&m.roots, "./...") < 0)
		goto report;
	if (discover(&m) < 0 || wp_fs_mkdtemp("wasmpack-many", &tmp) < 0 || open_board(&m) < 0)
		goto report;
	i = run_all(&m, tmp) < 0;
	build_board_close();
	if (i)
		goto report;
	status = print_results(&m);
	goto done;
report:
	status = cmd_report();
done:
	if (tmp)
		wp_fs_remove_tree(tmp);
	free(tmp);
	many_release(&m);
	return status;
}
