/*
 * artifact.c - finding the module a build wrote.
 *
 * Build systems name their outputs as they like (a Makefile target rarely
 * ends in .wasm, CMake drops the suffix), so the module is recognised by
 * its "\0asm" magic among the files the build wrote.  Relocatable objects
 * (.o files carry the magic too) are skipped by their "linking" section.
 * Several identical modules count as one (emcc writes `stats` and
 * `stats.wasm`); several different ones are an error listing them.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "../oci/digest.h"
#include "../wasm/module.h"
#include "internal.h"

#define ARTIFACT_MAX (1024UL * 1024 * 1024)
#define LIST_MAX 8

static long long mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

static int stamp_add(struct stamps *s, const char *rel, const struct stat *st)
{
	struct stamp *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return wp_error_set(WP_ENOMEM, "out of memory");
	s->v = v;
	if (!(v[s->n].rel = strdup(rel)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	v[s->n].size = st->st_size;
	v[s->n].mtime_ns = mtime_ns(st);
	s->n++;
	return 0;
}

static int stamp_walk(const char *root, const char *rel, struct stamps *s)
{
	char path[PATH_MAX], child[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d)) && err == 0) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", root, child);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			err = stamp_walk(root, child, s);
		else if (S_ISREG(st.st_mode))
			err = stamp_add(s, child, &st);
	}
	closedir(d);
	return err;
}

int stamps_take(const char *root, const struct wp_strv *rel, struct stamps *out)
{
	char path[PATH_MAX];
	size_t i;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!rel)
		err = stamp_walk(root, "", out);
	for (i = 0; rel && i < rel->n && err == 0; i++) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", root, rel->v[i]);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			err = stamp_add(out, rel->v[i], &st);
	}
	if (err < 0)
		stamps_release(out);
	return err;
}

void stamps_release(struct stamps *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].rel);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int unchanged(const struct stamps *old, const char *rel, const struct stat *st)
{
	size_t i;

	for (i = 0; old && i < old->n; i++)
		if (!strcmp(old->v[i].rel, rel))
			return old->v[i].size == st->st_size && old->v[i].mtime_ns == mtime_ns(st);
	return 0;
}

/* 1 if the file is a linked module or component (not an object file). */
static int is_module(const char *path, char digest[OCI_DIGEST_SIZE])
{
	struct wp_buf b = WP_BUF_INIT(ARTIFACT_MAX);
	struct wasm_module *m = NULL;
	unsigned char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;
	uint32_t i;

	if (fd < 0)
		return 0;
	if (read(fd, magic, 4) != 4 || memcmp(magic, "\0asm", 4) != 0) {
		close(fd);
		return 0;
	}
	close(fd);
	if (wp_fs_read_file(path, ARTIFACT_MAX, &b) < 0 ||
	    wasm_module_decode(b.data, b.len, WASM_DECODE_FACTS, &m) < 0) {
		wp_error_clear();
		goto done;
	}
	r = 1;
	for (i = 0; i < m->nsections; i++)
		if (m->sections[i].name && (!strcmp(m->sections[i].name, "linking") ||
					    !strncmp(m->sections[i].name, "reloc.", 6)))
			r = 0;
	if (r && oci_digest(b.data, b.len, digest) < 0)
		r = 0;
done:
	wasm_module_free(m);
	wp_buf_release(&b);
	return r;
}

struct found {
	struct wp_strv rel;
	struct wp_strv digest;
};

static int scan(const char *root, const char *rel, const char *skip_dir, const struct stamps *old,
		struct found *f)
{
	char path[PATH_MAX], child[PATH_MAX], digest[OCI_DIGEST_SIZE];
	struct dirent *e;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d)) && err == 0) {
		struct stat st;
		size_t n = strlen(e->d_name);
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git") ||
		    !strcmp(e->d_name, "node_modules") || (skip_dir && !strcmp(e->d_name, skip_dir)))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", root, child);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			err = scan(root, child, skip_dir, old, f);
			continue;
		}
		if (!S_ISREG(st.st_mode) || (n > 2 && !strcmp(e->d_name + n - 2, ".o")) ||
		    (n > 4 && !strcmp(e->d_name + n - 4, ".obj")) || unchanged(old, child, &st))
			continue;
		if (is_module(path, digest) && (err = wp_strv_add(&f->rel, child)) == 0)
			err = wp_strv_add(&f->digest, digest);
	}
	closedir(d);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Among identical candidates prefer a name ending in .wasm. */
static size_t pick(const struct found *f)
{
	size_t i, best = 0;

	for (i = 0; i < f->rel.n; i++) {
		size_t n = strlen(f->rel.v[i]);
		if (n > 5 && !strcmp(f->rel.v[i] + n - 5, ".wasm"))
			return i;
		if (strlen(f->rel.v[i]) < strlen(f->rel.v[best]))
			best = i;
	}
	return best;
}

static int named(struct bctx *c, const char *root, char **out)
{
	char *p = wp_path_join(root, c->wasm), digest[OCI_DIGEST_SIZE];

	if (!p)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (!wp_fs_exists(p) || !is_module(p, digest)) {
		int err = wp_error_set(WP_ENOTFOUND, "wasmpack.json names \"%s\" as the module, but the build wrote no WebAssembly module %s",
				       c->wasm, p);
		free(p);
		return err;
	}
	*out = p;
	return 0;
}

int artifact_find(struct bctx *c, const char *root, const char *skip_dir, const struct stamps *old,
		  char **out)
{
	struct found f;
	struct wp_buf list = WP_BUF_INIT(WP_BUF_UNLIMITED);
	size_t i;
	int err, distinct = 0;

	*out = NULL;
	if (c->wasm)
		return named(c, root, out);
	memset(&f, 0, sizeof(f));
	if ((err = scan(root, "", skip_dir, old, &f)) < 0)
		goto done;
	if (f.rel.n == 0 && old && old->n) {
		/* nothing new: an up-to-date build tree, take what is there */
		if ((err = scan(root, "", skip_dir, NULL, &f)) < 0)
			goto done;
	}
	if (f.rel.n == 0) {
		err = wp_error_set(WP_ENOTFOUND, "the build wrote no WebAssembly module under %s", root);
		goto done;
	}
	for (i = 1; i < f.rel.n; i++)
		distinct |= strcmp(f.digest.v[i], f.digest.v[0]) != 0;
	if (distinct) {
		qsort(f.rel.v, f.rel.n, sizeof(char *), cmp_str);
		for (i = 0; i < f.rel.n && i < LIST_MAX; i++)
			wp_buf_printf(&list, "%s%s", i ? ", " : "", f.rel.v[i]);
		if (f.rel.n > LIST_MAX)
			wp_buf_printf(&list, " and %zu more", f.rel.n - LIST_MAX);
		err = wp_error_set(WP_EINVALID,
				   "the build wrote %zu different modules (%s); name one with \"wasm\" in wasmpack.json",
				   f.rel.n, wp_buf_cstr(&list));
		goto done;
	}
	if (!(*out = wp_path_join(root, f.rel.v[pick(&f)])))
		err = wp_error_set(WP_ENOMEM, "out of memory");
done:
	wp_strv_release(&f.rel);
	wp_strv_release(&f.digest);
	wp_buf_release(&list);
	return err;
}
