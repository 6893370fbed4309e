/*
 * cmake_api.c - what a CMake project builds, asked of CMake itself through
 * its File API (codemodel-v2); targets.c chooses the one to build.
 */
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

#define REPLY_MAX (16 * 1024 * 1024)

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
		if (!strcmp(json_string_value(json_object_get(tj, "type")) ?: "", "EXECUTABLE")) {
			/* sources[].path is relative to the top source directory */
			const char *src = json_string_value(json_object_get(json_array_get(json_object_get(tj, "sources"), 0), "path"));
			err = exe_add(v, n, name, dir ? dir : ".", src && *src != '/' ? src : "",
				      json_object_get(tj, "install") != NULL);
		}
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

int cmake_api_pick(struct bctx *c, const char *bdir, char **target)
{
	struct exe *v = NULL;
	size_t n = 0;
	int err;

	*target = NULL;
	if ((err = list_executables(bdir, &v, &n)) == 0)
		err = targets_pick(c, v, n, "the CMake project defines no executable target (add_executable)", target);
	exes_free(v, n);
	return err;
}
