/*
 * targets.c - the one executable wasmpack builds, among those a build
 * system (CMake's File API, Meson's introspection) lists.
 *
 * A real project has tests, benchmarks, fuzzers and examples beside its
 * program; many of them cannot build for WASI (setjmp, threads, tmpfile)
 * and building them all fails the build.  So only one target is built:
 * the one the user named (--target, wasmpack.json "target"), else the
 * only executable, else the one named like the project or its directory,
 * else the only one outside test/bench/example/fuzz paths; else an error
 * that lists them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "internal.h"

int exe_add(struct exe **v, size_t *n, const char *name, const char *dir)
{
	struct exe *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return wp_error_set(WP_ENOMEM, "out of memory");
	*v = nv;
	nv[*n].name = strdup(name);
	nv[*n].dir = strdup(dir);
	if (!nv[*n].name || !nv[*n].dir) {
		free(nv[*n].name);
		free(nv[*n].dir);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	(*n)++;
	return 0;
}

void exes_free(struct exe *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].dir);
	}
	free(v);
}

/* A target that is not the program: under a test/bench/example/fuzz
 * directory, or named so. */
static int auxiliary(const struct exe *e)
{
	static const char *const words[] = { "test", "bench", "example", "fuzz", "demo", "sample" };
	char both[1024];
	size_t i;

	snprintf(both, sizeof(both), "%s/%s", e->dir, e->name);
	for (i = 0; both[i]; i++)
		both[i] = (char)tolower((unsigned char)both[i]);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(both, words[i]))
			return 1;
	return 0;
}

static int same_name(const char *a, const char *b)
{
	return a && b && !strcasecmp(a, b);
}

static char *names(const struct exe *v, size_t n)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	size_t i;
	char *s;

	for (i = 0; i < n; i++)
		wp_buf_printf(&b, "%s%s (%s)", i ? ", " : "", v[i].name, v[i].dir);
	s = strdup(wp_buf_cstr(&b));
	wp_buf_release(&b);
	return s;
}

int targets_pick(struct bctx *c, const struct exe *v, size_t n, const char *none, char **target)
{
	size_t i, pick = (size_t)-1, nmain = 0, main_i = 0;
	char *list = NULL;
	int err = 0;

	*target = NULL;
	for (i = 0; i < n; i++)
		if (!auxiliary(&v[i]))
			nmain++, main_i = i;
	list = names(v, n);
	if (c->target) {
		for (i = 0; i < n; i++)
			if (!strcmp(v[i].name, c->target))
				pick = i;
		if (pick == (size_t)-1) {
			err = wp_error_set(WP_ENOTFOUND, "the project has no executable target '%s' (it has: %s)", c->target,
					   n ? list : "none");
			goto done;
		}
	} else if (n == 1) {
		pick = 0;
	} else {
		for (i = 0; i < n && pick == (size_t)-1; i++)
			if (same_name(v[i].name, c->name) || same_name(v[i].name, c->dirname))
				pick = i;
		if (pick == (size_t)-1 && nmain == 1)
			pick = main_i;
	}
	if (n == 0) {
		err = wp_error_set(WP_ENOTFOUND, "%s: nothing to run as a module", none);
		goto done;
	}
	if (pick == (size_t)-1) {
		err = wp_error_set(WP_EINVALID, "the project has %zu executable targets: %s; choose one with --target NAME (or \"target\" in wasmpack.json)",
				   n, list);
		goto done;
	}
	if (!(*target = strdup(v[pick].name)))
		err = wp_error_set(WP_ENOMEM, "out of memory");
	if (err == 0 && n > 1)
		bctx_note(c, "building target %s (of %zu executables: %s; --target NAME picks another)", *target, n, list);
done:
	free(list);
	return err;
}
