/*
 * cache.c - the build cache (see cache.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "cache.h"

#define META_MAX (256 * 1024)
#define WASM_MAX (1024ULL * 1024 * 1024)
#define TMP_GRACE 3600 /* seconds before an orphaned temporary file is removed */

/* Only a directory of our own, which no one else may write, is trusted
 * (ccache and Go's build cache refuse others' too): a module or a build
 * tree planted in it would be packaged or run as ours. */
static int check_private(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return wp_error_errno(WP_EIO, "%s", dir);
	if (!S_ISDIR(st.st_mode))
		return wp_error_set(WP_EINVALID, "%s is not a directory", dir);
	if (st.st_uid != geteuid())
		return wp_error_set(WP_EINVALID, "%s is owned by uid %u, not by this user (uid %u)", dir,
				    (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return wp_error_set(WP_EINVALID, "%s is writable by %s (mode %04o)", dir,
				    st.st_mode & S_IWOTH ? "everyone" : "its group", (unsigned)(st.st_mode & 07777));
	return 0;
}

int cache_root(char **out)
{
	const char *over = getenv("WASMPACK_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;
	int err;

	if (over && *over)
		p = strdup(over);
	else if (xdg && *xdg == '/')
		p = wp_path_join(xdg, "wasmpack");
	else if (home && *home) {
		if (asprintf(&p, "%s/.cache/wasmpack", home) < 0)
			p = NULL;
	} else
		return wp_error_set(WP_ENOTFOUND, "no cache directory: neither XDG_CACHE_HOME nor HOME is set");
	if (!p)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = wp_fs_mkdirs(p, 0755, NULL)) < 0 || (err = check_private(p)) < 0) {
		free(p);
		return err;
	}
	*out = p;
	return 0;
}

int cache_subdir(const char *sub, char **out)
{
	char *root = NULL, *p;
	int err;

	if ((err = cache_root(&root)) < 0)
		return err;
	p = wp_path_join(root, sub);
	free(root);
	if (!p)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = wp_fs_mkdirs(p, 0755, NULL)) < 0 || (err = check_private(p)) < 0) {
		free(p);
		return err;
	}
	*out = p;
	return 0;
}

int cache_max(uint64_t *out)
{
	const char *s = getenv("WASMPACK_CACHE_MAX");
	unsigned long long v;
	char *end;

	*out = CACHE_DEFAULT_MAX;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		goto bad;
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	default: break;
	}
	if (*end)
		goto bad;
	*out = v;
	return 0;
bad:
	return wp_error_set(WP_EUSAGE, "WASMPACK_CACHE_MAX='%s' is not a size (bytes, or with K, M, G)", s);
}

static int entry_paths(const char *key, char **wasm, char **meta)
{
	char *dir = NULL;
	int err;

	*wasm = *meta = NULL;
	if ((err = cache_subdir("modules", &dir)) < 0)
		return err;
	if (asprintf(wasm, "%s/%s.wasm", dir, key) < 0)
		*wasm = NULL;
	if (asprintf(meta, "%s/%s.json", dir, key) < 0)
		*meta = NULL;
	free(dir);
	if (!*wasm || !*meta) {
		free(*wasm);
		free(*meta);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	return 0;
}

static const struct cache_remote *remote;

void cache_set_remote(const struct cache_remote *r)
{
	remote = r;
}

static int store_local(const char *key, const uint8_t *wasm, size_t len, const char *meta);

/* A local miss asks the remote level; its entry is kept locally too (a
 * local cache that cannot be written still gives the hit). */
static int lookup_remote(const char *key, struct wp_buf *meta, struct wp_buf *wasm)
{
	char *text;

	wp_buf_reset(meta);
	wp_buf_reset(wasm);
	if (!remote || !remote->fetch || remote->fetch(remote->ctx, key, meta, wasm) < 0 ||
	    !(text = strndup((const char *)meta->data, meta->len))) {
		wp_buf_reset(meta);
		wp_buf_reset(wasm);
		return WP_ENOTFOUND;
	}
	store_local(key, wasm->data, wasm->len, text);
	free(text);
	return 0;
}

int cache_lookup(const char *key, struct wp_buf *meta, struct wp_buf *wasm)
{
	char *wpath = NULL, *mpath = NULL;
	int err;

	if ((err = entry_paths(key, &wpath, &mpath)) < 0)
		return err;
	if (!wp_fs_exists(mpath)) {
		err = WP_ENOTFOUND;
		goto done;
	}
	/* An entry evicted between the two reads is simply a miss. */
	if (wp_fs_read_file(mpath, META_MAX, meta) < 0 || wp_fs_read_file(wpath, WASM_MAX, wasm) < 0) {
		wp_buf_reset(meta);
		wp_buf_reset(wasm);
		err = WP_ENOTFOUND;
		goto done;
	}
	/* least recently used: a hit makes the entry young again */
	utimensat(AT_FDCWD, mpath, NULL, 0);
done:
	if (err == WP_ENOTFOUND)
		err = lookup_remote(key, meta, wasm);
	if (err == WP_ENOTFOUND)
		wp_error_set(WP_ENOTFOUND, "not in the build cache");
	free(wpath);
	free(mpath);
	return err;
}

int cache_store(const char *key, const uint8_t *wasm, size_t len, const char *meta)
{
	if (remote && remote->store)
		remote->store(remote->ctx, key, wasm, len, meta);
	return store_local(key, wasm, len, meta);
}

static int store_local(const char *key, const uint8_t *wasm, size_t len, const char *meta)
{
	char *wpath = NULL, *mpath = NULL;
	int err;

	if ((err = entry_paths(key, &wpath, &mpath)) < 0)
		return err;
	if ((err = wp_fs_write_atomic(wpath, wasm, len, 0644)) == 0)
		err = wp_fs_write_atomic(mpath, meta, strlen(meta), 0644);
	free(wpath);
	free(mpath);
	return err;
}

struct victim {
	char *path;  /* .json of a module entry, or a work directory */
	char *path2; /* the .wasm beside it */
	uint64_t size;
	struct timespec used;
	int is_dir;
};

static uint64_t tree_size(const char *path)
{
	struct stat st;
	uint64_t total = 0;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return (uint64_t)st.st_blocks * 512;
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		char *p;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((p = wp_path_join(path, e->d_name))) {
			total += tree_size(p);
			free(p);
		}
	}
	closedir(d);
	return total;
}

static int by_age(const void *a, const void *b)
{
	const struct victim *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int add_victim(struct victim **v, size_t *n, struct victim x)
{
	struct victim *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return wp_error_set(WP_ENOMEM, "out of memory");
	*v = nv;
	nv[(*n)++] = x;
	return 0;
}

/* Module entries (by their .json) and stale temporary files. */
static int scan_modules(const char *dir, struct victim **v, size_t *n, uint64_t *total)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct stat st;
		struct victim x;
		char *p;
		if (e->d_name[0] == '.' || !(p = wp_path_join(dir, e->d_name)))
			continue;
		if (stat(p, &st) < 0) {
			free(p);
			continue;
		}
		if (strstr(e->d_name, ".tmp-")) {
			if (now - st.st_mtime > TMP_GRACE)
				unlink(p);
			else
				*total += (uint64_t)st.st_size;
			free(p);
			continue;
		}
		*total += (uint64_t)st.st_blocks * 512;
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) {
			free(p);
			continue;
		}
		memset(&x, 0, sizeof(x));
		x.path = p;
		if (asprintf(&x.path2, "%.*s.wasm", (int)(strlen(p) - 5), p) < 0)
			x.path2 = NULL;
		x.used = st.st_mtim;
		if (x.path2 && stat(x.path2, &st) == 0)
			x.size += (uint64_t)st.st_blocks * 512;
		if (stat(x.path, &st) == 0)
			x.size += (uint64_t)st.st_blocks * 512;
		if (add_victim(v, n, x) < 0) {
			free(x.path);
			free(x.path2);
			closedir(d);
			return WP_ENOMEM;
		}
	}
	closedir(d);
	return 0;
}

/* Work directories; their lock file's mtime says when they were used. */
static int scan_work(const char *dir, struct victim **v, size_t *n, uint64_t *total)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct stat st;
		struct victim x;
		if (e->d_name[0] == '.')
			continue;
		memset(&x, 0, sizeof(x));
		if (!(x.path = wp_path_join(dir, e->d_name)))
			continue;
		if (stat(x.path, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(x.path);
			continue;
		}
		x.is_dir = 1;
		x.used = st.st_mtim;
		x.size = tree_size(x.path);
		*total += x.size;
		if (add_victim(v, n, x) < 0) {
			free(x.path);
			closedir(d);
			return WP_ENOMEM;
		}
	}
	closedir(d);
	return 0;
}

/* Remove a work directory unless a build holds its lock. */
static int remove_work(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), removed = 0;

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		removed = wp_fs_remove_tree(path) == 0;
		flock(fd, LOCK_UN);
	}
	close(fd);
	return removed;
}

int cache_evict(uint64_t max)
{
	char *root = NULL, *lock = NULL, *mods = NULL, *work = NULL;
	struct victim *v = NULL;
	size_t n = 0, i;
	uint64_t total = 0;
	int fd = -1, err;

	if ((err = cache_root(&root)) < 0)
		return err;
	lock = wp_path_join(root, "lock");
	mods = wp_path_join(root, "modules");
	work = wp_path_join(root, "work");
	if (!lock || !mods || !work) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	/* another process evicting is as good as this one doing it */
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
		goto done;
	if ((err = scan_modules(mods, &v, &n, &total)) < 0 || (err = scan_work(work, &v, &n, &total)) < 0)
		goto done;
	qsort(v, n, sizeof(*v), by_age);
	for (i = 0; i < n && total > max; i++) {
		if (v[i].is_dir) {
			if (!remove_work(v[i].path))
				continue;
		} else {
			/* the .json goes first: without it the entry is a miss */
			unlink(v[i].path);
			if (v[i].path2)
				unlink(v[i].path2);
		}
		total = total > v[i].size ? total - v[i].size : 0;
	}
done:
	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].path2);
	}
	free(v);
	if (fd >= 0)
		close(fd);
	free(root);
	free(lock);
	free(mods);
	free(work);
	return err;
}
