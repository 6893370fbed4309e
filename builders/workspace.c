/*
 * workspace.c - the members of a Cargo or npm workspace (see
 * workspace.h).  Cargo says which crates are members and which have a
 * binary (`cargo metadata --no-deps` reads the manifests only: no
 * network, no compile); npm's "workspaces" are globs over directories.
 */
#include <glob.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"
#include "workspace.h"

#define MANIFEST_MAX (4 * 1024 * 1024)

/* A line "[workspace]" (spaces and a comment allowed) in Cargo.toml. */
static int cargo_is_workspace(const char *dir)
{
	struct wp_buf b = WP_BUF_INIT(MANIFEST_MAX);
	char *path = wp_path_join(dir, "Cargo.toml"), *s, *line;
	int found = 0;

	if (path && wp_fs_read_file(path, MANIFEST_MAX, &b) == 0 && wp_buf_append(&b, "", 1) == 0)
		for (s = (char *)b.data; !found && (line = strsep(&s, "\n"));) {
			line += strspn(line, " \t");
			found = !strncmp(line, "[workspace]", 11) &&
				(line[11 + strspn(line + 11, " \t\r")] == 0 || line[11 + strspn(line + 11, " \t\r")] == '#');
		}
	wp_error_clear();
	free(path);
	wp_buf_release(&b);
	return found;
}

/* `path` (absolute) relative to `root` (absolute, real), or NULL when
 * it is not below it; "" for root itself. */
static const char *below(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (strncmp(path, root, n))
		return NULL;
	if (path[n] == 0)
		return "";
	return path[n] == '/' ? path + n + 1 : NULL;
}

static int has_bin(json_t *pkg)
{
	json_t *t, *k;
	size_t i, j;

	json_array_foreach(json_object_get(pkg, "targets"), i, t)
		json_array_foreach(json_object_get(t, "kind"), j, k)
			if (json_is_string(k) && !strcmp(json_string_value(k), "bin"))
				return 1;
	return 0;
}

static int cargo_members(const char *dir, const char *real, struct wp_strv *members)
{
	struct wp_buf out = WP_BUF_INIT(64 * 1024 * 1024);
	char *cargo = tc_which("cargo");
	char *argv[] = { NULL, "metadata", "--format-version", "1", "--no-deps", "--offline", NULL };
	json_t *j = NULL, *ids, *p, *id;
	size_t i, k;
	int err;

	if (!cargo && tc_is_exec("/usr/bin/cargo"))
		cargo = strdup("/usr/bin/cargo");
	if (!cargo)
		return WORKSPACE_NONE;
	argv[0] = cargo;
	if ((err = spawn_capture(dir, NULL, argv, &out)) < 0) {
		wp_error_wrap(err, "%s/Cargo.toml: the workspace's members", dir);
		goto done;
	}
	if (!(j = json_loadb((const char *)out.data, out.len, 0, NULL)) ||
	    !json_is_array(ids = json_object_get(j, "workspace_members"))) {
		err = wp_error_set(WP_EINVALID, "cargo metadata gave no workspace members for %s/Cargo.toml", dir);
		goto done;
	}
	err = WORKSPACE_CARGO;
	json_array_foreach(json_object_get(j, "packages"), i, p) {
		const char *mp = json_string_value(json_object_get(p, "manifest_path")), *rel;
		char *d;
		int member = 0;

		json_array_foreach(ids, k, id)
			member |= json_equal(id, json_object_get(p, "id"));
		if (!member || !mp || !has_bin(p) || !(d = strdup(mp)))
			continue;
		*strrchr(d, '/') = 0; /* a manifest path always has one */
		if ((rel = below(d, real)) && wp_strv_add(members, rel) < 0)
			err = WP_ENOMEM;
		free(d);
		if (err < 0)
			break;
	}
done:
	json_decref(j);
	free(cargo);
	wp_buf_release(&out);
	return err;
}

/* The "workspaces" of package.json: an array of globs, or {"packages": [...]}. */
static json_t *npm_patterns(const char *dir)
{
	struct wp_buf b = WP_BUF_INIT(MANIFEST_MAX);
	char *path = wp_path_join(dir, "package.json");
	json_t *pkg = NULL, *w = NULL;

	if (path && wp_fs_read_file(path, MANIFEST_MAX, &b) == 0 &&
	    (pkg = json_loadb((const char *)b.data, b.len, 0, NULL))) {
		w = json_object_get(pkg, "workspaces");
		if (json_is_object(w))
			w = json_object_get(w, "packages");
		w = json_is_array(w) && json_array_size(w) ? json_incref(w) : NULL;
	}
	wp_error_clear();
	json_decref(pkg);
	free(path);
	wp_buf_release(&b);
	return w;
}

static int npm_members(const char *real, json_t *pats, struct wp_strv *members)
{
	struct wp_strv excluded = { NULL, 0 };
	json_t *v;
	size_t i, k, x;
	int err = WORKSPACE_NPM;

	json_array_foreach(pats, i, v) {
		const char *pat = json_string_value(v);
		char *full = NULL;
		glob_t g;
		int neg;

		if (!pat || !*pat || strstr(pat, ".."))
			continue;
		neg = pat[0] == '!';
		if (asprintf(&full, "%s/%s/package.json", real, pat + neg) < 0)
			return wp_error_set(WP_ENOMEM, "out of memory");
		memset(&g, 0, sizeof(g));
		if (glob(full, 0, NULL, &g) == 0)
			for (k = 0; k < g.gl_pathc && err >= 0; k++) {
				const char *rel;
				*strrchr(g.gl_pathv[k], '/') = 0;
				if ((rel = below(g.gl_pathv[k], real)) && *rel &&
				    wp_strv_add(neg ? &excluded : members, rel) < 0)
					err = WP_ENOMEM;
			}
		globfree(&g);
		free(full);
	}
	/* "!pattern" takes out what the others matched, in any order */
	for (i = 0; i < members->n && err >= 0;) {
		for (x = 0; x < excluded.n && strcmp(excluded.v[x], members->v[i]); x++)
			;
		if (x < excluded.n) {
			free(members->v[i]);
			memmove(&members->v[i], &members->v[i + 1], (members->n - i - 1) * sizeof(char *));
			members->v[--members->n] = NULL;
		} else {
			i++;
		}
	}
	wp_strv_release(&excluded);
	return err == WP_ENOMEM ? wp_error_set(WP_ENOMEM, "out of memory") : err;
}

int workspace_cargo_root(const char *dir, char **root)
{
	char real[PATH_MAX], *slash;

	*root = NULL;
	if (!realpath(dir, real))
		return wp_error_errno(WP_EIO, "%s", dir);
	while ((slash = strrchr(real, '/')) && slash != real) {
		*slash = 0;
		if (cargo_is_workspace(real))
			return (*root = strdup(real)) ? 1 : wp_error_set(WP_ENOMEM, "out of memory");
	}
	return 0;
}

int workspace_npm_root(const char *dir, char **root, char **up)
{
	char real[PATH_MAX], anc[PATH_MAX], *slash;
	struct wp_strv members = { NULL, 0 };
	struct wp_buf way = WP_BUF_INIT(PATH_MAX);
	json_t *pats = NULL;
	size_t i;
	int found = 0, err = 0;

	*root = *up = NULL;
	if (!realpath(dir, real))
		return wp_error_errno(WP_EIO, "%s", dir);
	snprintf(anc, sizeof(anc), "%s", real);
	while (!pats && (slash = strrchr(anc, '/')) && slash != anc) {
		*slash = 0;
		wp_buf_printf(&way, "%s..", way.len ? "/" : "");
		pats = npm_patterns(anc);
	}
	if (pats && (err = npm_members(anc, pats, &members)) >= 0)
		for (i = 0; i < members.n && !found; i++)
			found = !strcmp(members.v[i], below(real, anc));
	if (found && (!(*root = strdup(anc)) || !(*up = strdup(wp_buf_cstr(&way))))) {
		free(*root);
		*root = NULL;
		err = wp_error_set(WP_ENOMEM, "out of memory");
	}
	json_decref(pats);
	wp_strv_release(&members);
	wp_buf_release(&way);
	return err < 0 ? err : found;
}

int workspace_members(const char *dir, struct wp_strv *members)
{
	char real[PATH_MAX];
	json_t *pats;
	int r;

	if (!realpath(dir, real))
		return wp_error_errno(WP_EIO, "%s", dir);
	if (cargo_is_workspace(dir))
		return cargo_members(dir, real, members);
	if (!(pats = npm_patterns(dir)))
		return WORKSPACE_NONE;
	r = npm_members(real, pats, members);
	json_decref(pats);
	return r;
}
