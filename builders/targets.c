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

int exe_add(struct exe **v, size_t *n, const char *name, const char *dir, const char *src, int installed)
{
	struct exe *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return wp_error_set(WP_ENOMEM, "out of memory");
	*v = nv;
	nv[*n].name = strdup(name);
	nv[*n].dir = strdup(dir);
	nv[*n].src = strdup(src ? src : "");
	nv[*n].installed = installed;
	if (!nv[*n].name || !nv[*n].dir || !nv[*n].src) {
		free(nv[*n].name);
		free(nv[*n].dir);
		free(nv[*n].src);
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
		free(v[i].src);
	}
	free(v);
}

/* A target that is not the program: named like a test, benchmark,
 * fuzzer or example, or defined or compiled under such a directory.
 * LOOSE looks at the directories only (a "cJSON_test" demo at the
 * project's root is then a candidate). */
static int auxiliary(const struct exe *e, int loose)
{
	static const char *const words[] = { "test", "bench", "example", "fuzz", "demo", "sample", "smoke" };
	char all[2048];
	const char *slash = strrchr(e->src, '/');
	size_t i;

	if (loose)
		snprintf(all, sizeof(all), "%s/%.*s", e->dir, slash ? (int)(slash - e->src) : 0, e->src);
	else
		snprintf(all, sizeof(all), "%s/%s/%s", e->dir, e->name, e->src);
	for (i = 0; all[i]; i++)
		all[i] = (char)tolower((unsigned char)all[i]);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(all, words[i]))
			return 1;
	return 0;
}

/* The index of the only entry of V for which want() holds, else -1. */
static size_t only(const struct exe *v, size_t n, int (*want)(const struct exe *))
{
	size_t i, k = (size_t)-1, count = 0;

	for (i = 0; i < n; i++)
		if (want(&v[i]))
			count++, k = i;
	return count == 1 ? k : (size_t)-1;
}

static int is_main(const struct exe *e)
{
	return !auxiliary(e, 0);
}

static int is_installed_main(const struct exe *e)
{
	return e->installed && !auxiliary(e, 1);
}

static int is_main_loose(const struct exe *e)
{
	return !auxiliary(e, 1);
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

/* For `wasmpack detect`: the candidates, the choice and why, kept in the
 * context instead of building (a choice that needs --target is not an
 * error there). */
int targets_record(struct bctx *c, const char *list, const char *choice, const char *why)
{
	free(c->target_list);
	free(c->target_choice);
	free(c->target_why);
	c->target_list = strdup(list);
	c->target_choice = choice ? strdup(choice) : NULL;
	c->target_why = strdup(why);
	if (!c->target_list || (choice && !c->target_choice) || !c->target_why)
		return wp_error_set(WP_ENOMEM, "out of memory");
	return 0;
}

int targets_pick(struct bctx *c, const struct exe *v, size_t n, const char *none, char **target)
{
	size_t i, pick = (size_t)-1;
	const char *why = NULL;
	char *list = NULL;
	int err = 0;

	*target = NULL;
	if (!(list = names(v, n)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (c->target) {
		for (i = 0; i < n; i++)
			if (!strcmp(v[i].name, c->target))
				pick = i, why = "--target (or \"target\" in wasmpack.json)";
		if (pick == (size_t)-1) {
			err = c->list_only ? targets_record(c, list, NULL, "--target names no executable")
			      : wp_error_set(WP_ENOTFOUND, "the project has no executable target '%s' (it has: %s)", c->target,
					     n ? list : "none");
			goto done;
		}
	} else if (n == 1) {
		pick = 0, why = "the only executable";
	} else {
		for (i = 0; i < n && pick == (size_t)-1; i++)
			if (same_name(v[i].name, c->name) || same_name(v[i].name, c->dirname))
				pick = i, why = "named like the project";
		if (pick == (size_t)-1 && (pick = only(v, n, is_main)) != (size_t)-1)
			why = "the only one outside test/bench/example/fuzz paths";
		if (pick == (size_t)-1 && (pick = only(v, n, is_installed_main)) != (size_t)-1)
			why = "the only one the project installs";
		if (pick == (size_t)-1 && (pick = only(v, n, is_main_loose)) != (size_t)-1)
			why = "the only one outside test/bench/example/fuzz directories";
	}
	if (n == 0) {
		err = c->list_only ? targets_record(c, "none", NULL, "no executable target")
		      : wp_error_set(WP_ENOTFOUND, "%s: nothing to run as a module", none);
		goto done;
	}
	if (pick == (size_t)-1) {
		err = c->list_only ? targets_record(c, list, NULL, "several: choose one with --target NAME")
		      : wp_error_set(WP_EINVALID, "the project has %zu executable targets: %s; choose one with --target NAME (or \"target\" in wasmpack.json)",
				     n, list);
		goto done;
	}
	if (c->list_only) {
		err = targets_record(c, list, v[pick].name, why);
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
