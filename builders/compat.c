/*
 * compat.c - the compat library: POSIX calls WASI lacks that real CLIs
 * make for cosmetic reasons (chmod, chown, umask, getuid, tmpfile), built
 * with the project's own WASI toolchain from the sources under
 * builders/compat/ and linked after the project's code.  A static archive
 * adds only what the program calls; each function carries a marker
 * string, so the build can say which ones a module uses.
 *
 * The archive is built once per toolchain and compat source digest under
 * the build cache (compat/<digest>/), else in the build's own directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "../oci/digest.h"
#include "cache.h"
#include "compat.h"
#include "internal.h"

#define COMPAT_LIB "libwasmpack-compat.a"
#define COMPAT_MARK "wasmpack-compat:"

int compat_digest(char out[OCI_DIGEST_SIZE])
{
	struct oci_hasher h;
	const struct compat_file *f;
	int err;

	if ((err = oci_hasher_init(&h)) < 0)
		return err;
	for (f = compat_files; f->path && err == 0; f++)
		if ((err = oci_hasher_update(&h, f->path, strlen(f->path) + 1)) == 0)
			err = oci_hasher_update(&h, f->text, strlen(f->text) + 1);
	if (err == 0)
		err = oci_hasher_final(&h, out);
	oci_hasher_release(&h);
	return err;
}

static int write_sources(const char *dir)
{
	const struct compat_file *f;
	int err = 0;

	for (f = compat_files; f->path && err == 0; f++) {
		char *p = wp_path_join(dir, f->path), *slash;
		if (!p)
			return wp_error_set(WP_ENOMEM, "out of memory");
		slash = strrchr(p, '/');
		*slash = '\0';
		err = wp_fs_mkdirs(p, 0755, NULL);
		*slash = '/';
		if (err == 0)
			err = wp_fs_write_atomic(p, f->text, strlen(f->text), 0644);
		free(p);
	}
	return err;
}

/* src/X.c, and sjlj/X.c (the setjmp runtime, compiled with the lowering
 * on: 2) */
static int is_source(const char *path)
{
	size_t n = strlen(path);

	if (n < 3 || strcmp(path + n - 2, ".c") || strchr(strchr(path, '/') + 1, '/'))
		return 0;
	return !strncmp(path, "src/", 4) ? 1 : !strncmp(path, "sjlj/", 5) ? 2 : 0;
}

/* Compile every source of KIND, each X.c to X.o in DIR, c->jobs
 * compiler runs at once; the objects join AR in the table's order. */
static int compile_kind(struct bctx *c, const char *dir, const char *inc, int kind, struct wp_strv *ar)
{
	const struct toolchain *t = &c->tc;
	const struct compat_file *f;
	struct wp_strv cc = { NULL, 0 }, *runs = NULL;
	struct wp_buf flags = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char ***argvs = NULL;
	size_t n = 0, i = 0;
	int err;

	for (f = compat_files; f->path; f++)
		n += is_source(f->path) == kind;
	if (!(runs = calloc(n + 1, sizeof(*runs))) || !(argvs = calloc(n + 1, sizeof(*argvs)))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = cwasi_includes(c, inc, 0, &flags)) < 0 || (err = wp_strv_add(&cc, t->cc)) < 0 ||
	    (err = wp_strv_addf(&cc, "--target=%s", t->target)) < 0 ||
	    (t->sysroot && (err = wp_strv_addf(&cc, "--sysroot=%s", t->sysroot)) < 0) ||
	    (err = wp_strv_add_words(&cc, wp_buf_cstr(&flags))) < 0 || (err = wp_strv_add(&cc, "-O2")) < 0 ||
	    (kind == 2 && (err = wp_strv_add_words(&cc, "-mllvm -wasm-enable-sjlj")) < 0) ||
	    (err = wp_strv_add(&cc, "-c")) < 0)
		goto done;
	for (f = compat_files; f->path && err == 0; f++) {
		const char *base = strchr(f->path, '/');
		if (is_source(f->path) != kind)
			continue;
		if ((err = wp_strv_add_all(&runs[i], cc.v, cc.n)) == 0 && (err = wp_strv_add(&runs[i], f->path)) == 0)
			err = wp_strv_addf(ar, "%.*s.o", (int)strlen(base + 1) - 2, base + 1);
		argvs[i] = runs[i].v;
		i++;
	}
	if (err == 0 && n)
		err = spawn_batch(dir, argvs, n, c->jobs, &c->js);
done:
	for (i = 0; runs && i < n; i++)
		wp_strv_release(&runs[i]);
	free(runs);
	free(argvs);
	wp_strv_release(&cc);
	wp_buf_release(&flags);
	return err;
}

/* Compile every src/X.c and sjlj/X.c of DIR into DIR/X.o and archive
 * them. */
static int compile(struct bctx *c, const char *dir, const char *inc)
{
	struct wp_strv ar = { NULL, 0 };
	struct wp_buf out = WP_BUF_INIT(WP_BUF_UNLIMITED);
	int err;

	if ((err = wp_strv_add(&ar, c->tc.ar)) == 0 && (err = wp_strv_add(&ar, "rcs")) == 0 &&
	    (err = wp_strv_add(&ar, COMPAT_LIB)) == 0 && (err = compile_kind(c, dir, inc, 1, &ar)) == 0 &&
	    (err = compile_kind(c, dir, inc, 2, &ar)) == 0)
		err = spawn_capture(dir, NULL, ar.v, &out);
	if (err < 0)
		err = wp_error_wrap(err, "building wasmpack's compat library (--strict-wasi builds without it)");
	wp_strv_release(&ar);
	wp_buf_release(&out);
	return err;
}

/* Where the archive for this toolchain lives: the build cache, or the
 * build's own directory when there is no cache. */
static int compat_dir(struct bctx *c, char **out)
{
	struct oci_hasher h;
	char src[OCI_DIGEST_SIZE], key[OCI_DIGEST_SIZE], *root = NULL;
	const char *id = c->tc.identity ? c->tc.identity : c->tc.cc;
	int err;

	if ((err = compat_digest(src)) < 0 || (err = oci_hasher_init(&h)) < 0)
		return err;
	if ((err = oci_hasher_update(&h, src, strlen(src))) == 0 && (err = oci_hasher_update(&h, id, strlen(id))) == 0)
		err = oci_hasher_final(&h, key);
	oci_hasher_release(&h);
	if (err < 0)
		return err;
	/* a toolchain artifact, like the probes' answers: kept in the cache
	 * directory even with --no-cache (which is about build results) */
	if (cache_subdir("compat", &root) == 0) {
		*out = wp_path_join(root, key + strlen("sha256:"));
		free(root);
	} else {
		wp_error_clear();
		*out = wp_path_join(c->out_dir, "compat");
	}
	return *out ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

/* Build the library into dir unless a concurrent build (the builds of
 * `build ./...` start together, all needing it) did it meanwhile: one
 * build compiles it, under a lock on the parent directory, and the others
 * wait and find it.  Built beside, then renamed: all or nothing. */
static int build_once(struct bctx *c, const char *dir, const char *tmp, const char *lib)
{
	char *parent = strdup(dir), *tinc = wp_path_join(tmp, "include");
	int err = 0, lock = -1;

	if (!parent || !tinc) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	*strrchr(parent, '/') = 0; /* dir is always under a directory */
	if ((err = lock = wp_fs_lock_dir(parent)) < 0)
		goto done;
	err = 0;
	if (access(lib, F_OK) == 0)
		goto done;
	wp_fs_remove_tree(tmp);
	if ((err = write_sources(tmp)) == 0)
		err = compile(c, tmp, tinc);
	if (err == 0 && rename(tmp, dir) != 0 && access(lib, F_OK) != 0)
		err = wp_error_errno(WP_EIO, "rename %s", dir);
	wp_fs_remove_tree(tmp);
done:
	wp_fs_unlock(lock);
	free(parent);
	free(tinc);
	return err;
}

int compat_prepare(struct bctx *c)
{
	char *dir = NULL, *tmp = NULL, *lib = NULL, *inc = NULL;
	int err;

	if (c->o->strict_wasi || !c->tc.clanginc)
		return 0;
	if ((err = compat_dir(c, &dir)) < 0)
		return err;
	if (!(lib = wp_path_join(dir, COMPAT_LIB)) || !(inc = wp_path_join(dir, "include")) ||
	    asprintf(&tmp, "%s.tmp.%ld", dir, (long)getpid()) < 0) {
		tmp = NULL;
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (!c->o->dry_run && access(lib, F_OK) != 0 && (err = build_once(c, dir, tmp, lib)) < 0)
		goto done;
	c->compat_inc = inc;
	c->compat_lib = dir;
	inc = dir = NULL;
done:
	free(dir);
	free(tmp);
	free(lib);
	free(inc);
	return err;
}

int compat_linked(const void *wasm, size_t len, struct wp_buf *names)
{
	const char *p = wasm, *end = p + len, *m;
	const size_t ml = strlen(COMPAT_MARK);

	while (p < end && (m = memmem(p, (size_t)(end - p), COMPAT_MARK, ml))) {
		const char *n = m + ml, *e = n;
		while (e < end && ((*e >= 'a' && *e <= 'z') || *e == '_'))
			e++;
		if (e > n && e < end && *e == '\0')
			wp_buf_printf(names, "%s%.*s", names->len ? ", " : "", (int)(e - n), n);
		p = e;
	}
	return names->data || !names->len ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}
