/*
 * cmake_api.c - what a CMake project builds, asked of CMake itself through
 * its File API (codemodel-v2), and the one executable wasmpack builds.
 *
 * A real project's CMakeLists.txt has tests, benchmarks, fuzzers and
 * examples beside its program; many of them cannot build for WASI
 * (setjmp, threads, tmpfile) and building them all fails the build.  So
 * only one target is built (`cmake --build DIR --target NAME`): the one
 * the user named (--target, wasmpack.json "target"), else the only
 * executable, else the one named like the project or its directory, else
 * the only one outside test/bench/example/fuzz paths; else an error that
 * lists them.
 */
#include <ctype.h>
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

#define REPLY_MAX (16 * 1024 * 1024)

struct exe {
	char *name;
	char *dir; /* source directory, relative to the project */
};

int cmake_api_query(const char *bdir)
{
	char *dir = wp_path_join(bdir, ".cmake/api/v1/query"), *file = dir ? wp_path_join(dir, "codemodel-v2") : NULL;
	int err;

	if (!file)
		err = wp_error_set(WP_ENOMEM, "out of memory");
	else if ((err = wp_fs_mkdirs(dir, 0755, NULL)) == 0)
		err = wp_fs_write_atomic(file, "", 0, 0644);
	free(dir);
	free(file);
	return err;
}

static json_t *load_reply(const char *reply_dir, const char *name)
{
	struct wp_buf b = WP_BUF_INIT(REPLY_MAX);
	char *path = wp_path_join(reply_dir, name);
	json_t *j = NULL;

	/* reply file names come from CMake, not from the project */
	if (path && !strchr(name, '/') && wp_fs_read_file(path, REPLY_MAX, &b) == 0)
		j = json_loadb((const char *)b.data, b.len, 0, NULL);
	if (!j && path)
		wp_error_set(WP_EINVALID, "CMake's File API reply %s cannot be read", path);
	free(path);
	wp_buf_release(&b);
	return j;
}

static int add_exe(struct exe **v, size_t *n, const char *name, const char *dir)
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

/* The executable targets of the first configuration. */
static int list_executables(const char *bdir, struct exe **v, size_t *n)
{
	char *reply = wp_path_join(bdir, ".cmake/api/v1/reply"), *pattern = NULL;
	json_t *index = NULL, *model = NULL, *config, *dirs, *targets, *t;
	const char *model_file;
	glob_t g;
	size_t i;
	int err = 0;

	memset(&g, 0, sizeof(g));
	if (!reply || asprintf(&pattern, "%s/index-*.json", reply) < 0) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	/* the newest index sorts last */
	if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		err = wp_error_set(WP_ENOTFOUND, "CMake wrote no File API reply in %s", reply);
		goto done;
	}
	if (!(index = load_reply(reply, strrchr(g.gl_pathv[g.gl_pathc - 1], '/') + 1))) {
		err = WP_EINVALID;
		goto done;
	}
	model_file = json_string_value(json_object_get(json_object_get(json_object_get(index, "reply"), "codemodel-v2"), "jsonFile"));
	if (!model_file || !(model = load_reply(reply, model_file))) {
		err = model_file ? WP_EINVALID : wp_error_set(WP_EINVALID, "CMake's File API reply has no codemodel");
		goto done;
	}
	config = json_array_get(json_object_get(model, "configurations"), 0);
	dirs = json_object_get(config, "directories");
	targets = json_object_get(config, "targets");
	json_array_foreach(targets, i, t) {
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *file = json_string_value(json_object_get(t, "jsonFile"));
		json_t *d = json_array_get(dirs, (size_t)json_integer_value(json_object_get(t, "directoryIndex")));
		const char *dir = json_string_value(json_object_get(d, "source"));
		json_t *tj;
		if (!name || !file)
			continue;
		if (!(tj = load_reply(reply, file))) {
			err = WP_EINVALID;
			goto done;
		}
		if (!strcmp(json_string_value(json_object_get(tj, "type")) ?: "", "EXECUTABLE"))
			err = add_exe(v, n, name, dir ? dir : ".");
		json_decref(tj);
		if (err < 0)
			goto done;
	}
done:
	globfree(&g);
	json_decref(index);
	json_decref(model);
	free(reply);
	free(pattern);
	return err;
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

int cmake_api_pick(struct bctx *c, const char *bdir, char **target)
{
	struct exe *v = NULL;
	size_t n = 0, i, pick = (size_t)-1, nmain = 0, main_i = 0;
	char *list = NULL;
	int err;

	*target = NULL;
	if ((err = list_executables(bdir, &v, &n)) < 0)
		goto done;
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
		err = wp_error_set(WP_ENOTFOUND, "the CMake project defines no executable target (add_executable): nothing to run as a module");
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
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].dir);
	}
	free(v);
	free(list);
	return err;
}
