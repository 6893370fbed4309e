/*
 * inputs.c - listing, digesting and copying a project's input files
 * (see inputs.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "inputs.h"
#include "source.h"

struct lister {
	const char *dir;  /* project directory (absolute, resolved) */
	char **exclude;   /* absolute */
	size_t nexclude;
	struct inputs *out;
	size_t cap;
	/* memo of directories known to be build output or not */
	char *last_ok_dir;
};

static int add(struct lister *l, const char *rel)
{
	if (l->out->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->out->rel, cap * sizeof(*v));
		if (!v)
			return wp_error_set(WP_ENOMEM, "out of memory");
		l->out->rel = v;
		l->cap = cap;
	}
	if (l->out->n >= INPUTS_MAX_FILES)
		return wp_error_set(WP_ETOOBIG, "%s holds more than %d files: not a project directory?", l->dir,
				    INPUTS_MAX_FILES);
	if (!(l->out->rel[l->out->n] = strdup(rel)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	l->out->n++;
	return 0;
}

/* A directory (relative, "" for the project) that holds build output. */
static int is_output_dir(struct lister *l, const char *rel)
{
	static const char *markers[] = { "CACHEDIR.TAG", "CMakeCache.txt", "oci-layout" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s%s%s", l->dir, rel, *rel ? "/" : "", markers[i]);
		if (access(path, F_OK) == 0)
			return 1;
	}
	return 0;
}

static int excluded_name(const char *rel, const char *name, int top)
{
	(void)rel;
	return !strcmp(name, ".git") || !strcmp(name, "node_modules") || (top && !strcmp(name, "target"));
}

static int excluded_path(struct lister *l, const char *rel)
{
	char path[PATH_MAX];
	size_t i, n;

	snprintf(path, sizeof(path), "%s/%s", l->dir, rel);
	for (i = 0; i < l->nexclude; i++) {
		n = strlen(l->exclude[i]);
		if (!strncmp(path, l->exclude[i], n) && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

static int walk(struct lister *l, const char *rel)
{
	char path[PATH_MAX], child[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "%s%s%s", l->dir, *rel ? "/" : "", rel);
	if (!(d = opendir(path)))
		return wp_error_errno(WP_EIO, "cannot read %s", path);
	while ((e = readdir(d)) && err == 0) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (excluded_name(rel, e->d_name, *rel == '\0'))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", l->dir, child);
		if (lstat(path, &st) < 0 || excluded_path(l, child))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (!is_output_dir(l, child))
				err = walk(l, child);
		} else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
			err = add(l, child);
		}
	}
	closedir(d);
	return err;
}

/* Every ancestor directory of rel (within the project) is a source
 * directory, not build output nor excluded by name. */
static int dirs_ok(struct lister *l, const char *rel)
{
	char buf[PATH_MAX];
	char *slash;
	int top = 1;

	snprintf(buf, sizeof(buf), "%s", rel);
	slash = strrchr(buf, '/');
	if (!slash)
		return 1;
	*slash = '\0';
	if (l->last_ok_dir && !strcmp(l->last_ok_dir, buf))
		return 1;
	{
		char part[PATH_MAX];
		const char *p = buf;
		size_t used = 0;
		while (*p) {
			size_t len = strcspn(p, "/");
			char name[NAME_MAX + 1];
			snprintf(name, sizeof(name), "%.*s", (int)len, p);
			if (excluded_name(part, name, top))
				return 0;
			used += (size_t)snprintf(part + used, sizeof(part) - used, "%s%s", used ? "/" : "", name);
			if (is_output_dir(l, part))
				return 0;
			top = 0;
			p += len;
			if (*p == '/')
				p++;
		}
	}
	free(l->last_ok_dir);
	l->last_ok_dir = strdup(buf);
	return 1;
}

/*
 * Git: tracked + untracked-not-ignored under the project directory.
 * Returns 1 when the directory is not in a work tree (walk instead).
 */
static int list_git(struct lister *l)
{
	git_repository *repo = NULL;
	git_status_list *st = NULL;
	git_status_options so = GIT_STATUS_OPTIONS_INIT;
	char wd[PATH_MAX], *prefix = NULL;
	size_t i, n, plen;
	int err = 0;

	if (!source_maybe_git(l->dir)) {
		err = 1; /* not in a repository: walk instead */
		goto done;
	}
	source_git_init(); /* on failure the open below fails: walk instead */
	if (git_repository_open_ext(&repo, l->dir, 0, NULL) != 0 || git_repository_is_bare(repo) ||
	    !git_repository_workdir(repo) || !realpath(git_repository_workdir(repo), wd)) {
		err = 1;
		goto done;
	}
	plen = strlen(wd);
	if (strncmp(l->dir, wd, plen) != 0 || (l->dir[plen] != '\0' && l->dir[plen] != '/')) {
		err = 1;
		goto done;
	}
	prefix = strdup(l->dir[plen] ? l->dir + plen + 1 : "");
	if (!prefix) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	/* a project inside an ignored directory of an enclosing repository
	 * is not that repository's: git would list nothing of it */
	if (*prefix) {
		int ignored = 0;
		if (git_ignore_path_is_ignored(&ignored, repo, prefix) == 0 && ignored) {
			err = 1;
			goto done;
		}
	}
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_INCLUDE_UNMODIFIED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES |
		   GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
	if (*prefix) {
		so.pathspec.strings = &prefix;
		so.pathspec.count = 1;
	}
	if (git_status_list_new(&st, repo, &so) != 0) {
		const git_error *ge = git_error_last();
		err = wp_error_set(WP_EIO, "cannot list the files of %s: %s", l->dir, ge ? ge->message : "libgit2");
		goto done;
	}
	plen = strlen(prefix);
	n = git_status_list_entrycount(st);
	l->out->from_git = 1;
	for (i = 0; i < n && err == 0; i++) {
		const git_status_entry *e = git_status_byindex(st, i);
		const char *path = e->index_to_workdir ? e->index_to_workdir->new_file.path
				   : e->head_to_index ? e->head_to_index->new_file.path : NULL;
		char abs[PATH_MAX];
		struct stat sb;
		if (!path || (e->status & (GIT_STATUS_WT_DELETED | GIT_STATUS_IGNORED)))
			continue;
		if (plen && (strncmp(path, prefix, plen) != 0 || path[plen] != '/'))
			continue;
		path += plen ? plen + 1 : 0;
		snprintf(abs, sizeof(abs), "%s/%s", l->dir, path);
		if (lstat(abs, &sb) < 0 || !(S_ISREG(sb.st_mode) || S_ISLNK(sb.st_mode)))
			continue;
		if (!dirs_ok(l, path) || excluded_path(l, path))
			continue;
		{
			const char *base = strrchr(path, '/');
			if (!strcmp(base ? base + 1 : path, ".git"))
				continue;
		}
		err = add(l, path);
	}
done:
	free(prefix);
	git_status_list_free(st);
	git_repository_free(repo);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int inputs_list(const char *dir, const char *const *exclude, size_t nexclude, struct inputs *out)
{
	struct lister l;
	char real[PATH_MAX];
	size_t i;
	int err = 0;

	memset(out, 0, sizeof(*out));
	memset(&l, 0, sizeof(l));
	if (!realpath(dir, real))
		return wp_error_errno(WP_EIO, "cannot resolve %s", dir);
	l.dir = real;
	l.out = out;
	l.exclude = calloc(nexclude + 1, sizeof(char *));
	if (!l.exclude)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < nexclude; i++) {
		char r[PATH_MAX], cwd[PATH_MAX];
		if (realpath(exclude[i], r))
			l.exclude[l.nexclude++] = strdup(r);
		else if (exclude[i][0] == '/')
			l.exclude[l.nexclude++] = strdup(exclude[i]);
		else if (getcwd(cwd, sizeof(cwd)))
			l.exclude[l.nexclude++] = wp_path_join(cwd, exclude[i]);
		if (l.nexclude && !l.exclude[l.nexclude - 1])
			l.nexclude--;
	}
	err = list_git(&l);
	if (err == 1) {
		err = 0;
		if (!is_output_dir(&l, ""))
			err = walk(&l, "");
	}
	if (err == 0)
		qsort(out->rel, out->n, sizeof(*out->rel), cmp_str);
	for (i = 0; i < l.nexclude; i++)
		free(l.exclude[i]);
	free(l.exclude);
	free(l.last_ok_dir);
	if (err < 0)
		inputs_release(out);
	return err;
}

void inputs_release(struct inputs *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		free(in->rel[i]);
	free(in->rel);
	memset(in, 0, sizeof(*in));
}

static int hash_file(const char *path, char out[OCI_DIGEST_SIZE])
{
	struct oci_hasher h;
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return wp_error_errno(WP_EIO, "cannot read %s", path);
	if ((err = oci_hasher_init(&h)) < 0) {
		close(fd);
		return err;
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = wp_error_errno(WP_EIO, "cannot read %s", path);
			break;
		}
		if ((err = oci_hasher_update(&h, buf, (size_t)n)) < 0)
			break;
	}
	close(fd);
	if (err == 0)
		err = oci_hasher_final(&h, out);
	oci_hasher_release(&h);
	return err;
}

int inputs_digest(const char *dir, const struct inputs *in, struct oci_hasher *h)
{
	char path[PATH_MAX], line[PATH_MAX * 2 + 128], digest[OCI_DIGEST_SIZE];
	size_t i;
	int err;

	for (i = 0; i < in->n; i++) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, in->rel[i]);
		if (lstat(path, &st) < 0)
			return wp_error_errno(WP_EIO, "cannot read %s", path);
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlink(path, target, sizeof(target) - 1);
			if (n < 0)
				return wp_error_errno(WP_EIO, "cannot read %s", path);
			target[n] = '\0';
			snprintf(line, sizeof(line), "L %s %s\n", in->rel[i], target);
		} else {
			if ((err = hash_file(path, digest)) < 0)
				return err;
			snprintf(line, sizeof(line), "F %s %d %s\n", in->rel[i], (st.st_mode & 0111) ? 1 : 0, digest);
		}
		if ((err = oci_hasher_update(h, line, strlen(line))) < 0)
			return err;
	}
	return 0;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC), out, err = 0;

	if (in < 0)
		return wp_error_errno(WP_EIO, "cannot read %s", from);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 0777);
	if (out < 0) {
		close(in);
		return wp_error_errno(WP_EIO, "cannot write %s", to);
	}
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = wp_error_errno(WP_EIO, "cannot read %s", from);
			break;
		}
		if (write(out, buf, (size_t)n) != n) {
			err = wp_error_errno(WP_EIO, "cannot write %s", to);
			break;
		}
	}
	close(in);
	if (close(out) < 0 && err == 0)
		err = wp_error_errno(WP_EIO, "cannot write %s", to);
	return err;
}

int inputs_copy(const char *dir, const struct inputs *in, const char *dest)
{
	char from[PATH_MAX], to[PATH_MAX];
	size_t i;
	int err;

	if ((err = wp_fs_mkdirs(dest, 0755, NULL)) < 0)
		return err;
	for (i = 0; i < in->n; i++) {
		struct stat st;
		char *slash;
		snprintf(from, sizeof(from), "%s/%s", dir, in->rel[i]);
		snprintf(to, sizeof(to), "%s/%s", dest, in->rel[i]);
		if ((slash = strrchr(to, '/')) && slash > to + strlen(dest)) {
			*slash = '\0';
			err = wp_fs_mkdirs(to, 0755, NULL);
			*slash = '/';
			if (err < 0)
				return err;
		}
		if (lstat(from, &st) < 0)
			return wp_error_errno(WP_EIO, "cannot read %s", from);
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlink(from, target, sizeof(target) - 1);
			if (n < 0)
				return wp_error_errno(WP_EIO, "cannot read %s", from);
			target[n] = '\0';
			if (symlink(target, to) < 0)
				return wp_error_errno(WP_EIO, "cannot write %s", to);
		} else if ((err = copy_file(from, to, st.st_mode)) < 0) {
			return err;
		} else {
			/* the copy keeps the times, as cp -p: make (an autotools
			 * tree above all) must not see sources newer than the
			 * files generated from them */
			struct timespec times[2] = { st.st_atim, st.st_mtim };
			if (utimensat(AT_FDCWD, to, times, 0) < 0)
				return wp_error_errno(WP_EIO, "cannot set the times of %s", to);
		}
	}
	return 0;
}
