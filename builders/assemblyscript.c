/*
 * assemblyscript.c - the `assemblyscript` builder: a package.json that
 * depends on assemblyscript -> npm ci (npm install without a lock file)
 * -> asc with the project's asconfig.json.  A WASI project's asconfig
 * extends @assemblyscript/wasi-shim's, which maps console, process and
 * abort onto WASI preview1 and exports _start.
 *
 * node_modules is reused when npm's own record of the install
 * (node_modules/.package-lock.json) is newer than the lock file, as a
 * Buildpacks npm layer is reused when the lock file is unchanged.
 *
 * A member of an npm workspace has its dependencies installed at the
 * workspace's root (npm hoists them there): npm runs there, once for all
 * the members built at the same time (a lock on the root directory), and
 * asc is the root's node_modules one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"
#include "workspace.h"

#define ASC "node_modules/assemblyscript/bin/asc.js"

/* Where npm installs: the project itself, or its npm workspace's root;
 * *up is the way there from the project ("" or "../.."), malloc'ed. */
static int npm_home(struct bctx *c, char **root, char **up)
{
	int r = workspace_npm_root(c->dir, root, up);

	if (r == 0 && (!(*root = strdup(c->dir)) || !(*up = strdup("")))) {
		free(*root);
		r = wp_error_set(WP_ENOMEM, "out of memory");
	}
	return r < 0 ? r : 0;
}

/* `rel` under the npm home: "<up>/rel", malloc'ed. */
static char *home_path(const char *up, const char *rel)
{
	char *p = NULL;

	if (asprintf(&p, "%s%s%s", up, *up ? "/" : "", rel) < 0)
		return NULL;
	return p;
}

static json_t *read_json(struct bctx *c, const char *rel)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	json_t *j = NULL;

	if (bctx_read(c, rel, &b) == 0)
		j = json_loadb((const char *)b.data, b.len, 0, NULL);
	wp_error_clear();
	wp_buf_release(&b);
	return j;
}

static int as_detect(struct bctx *c, char **reason)
{
	json_t *pkg;
	int pass = 0, r;

	if (!bctx_file_exists(c, "package.json")) {
		r = asprintf(reason, "no package.json");
	} else if (!(pkg = read_json(c, "package.json"))) {
		r = asprintf(reason, "package.json is not valid JSON");
	} else {
		pass = json_object_get(json_object_get(pkg, "dependencies"), "assemblyscript") ||
		       json_object_get(json_object_get(pkg, "devDependencies"), "assemblyscript");
		r = asprintf(reason, pass ? "package.json depends on assemblyscript"
					  : "package.json does not depend on assemblyscript");
		json_decref(pkg);
	}
	if (r < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	return pass;
}

/* The installed compiler's version, when node_modules has it. */
static char *asc_version(struct bctx *c)
{
	char *root = NULL, *up = NULL, *rel = NULL, *v = NULL;
	json_t *j = NULL;

	if (npm_home(c, &root, &up) == 0 && (rel = home_path(up, "node_modules/assemblyscript/package.json")))
		j = read_json(c, rel);
	wp_error_clear();
	if (j && json_is_string(json_object_get(j, "version")))
		v = strdup(json_string_value(json_object_get(j, "version")));
	json_decref(j);
	free(root);
	free(up);
	free(rel);
	return v;
}

static int describe(struct bctx *c, struct toolchain *t, const char *node_version)
{
	char *asc = asc_version(c);
	int r;

	free(t->display);
	if (asc)
		r = asprintf(&t->display, "assemblyscript %s (node %s)", asc, node_version);
	else
		r = asprintf(&t->display, "assemblyscript (node %s)", node_version);
	free(asc);
	if (r < 0) {
		t->display = NULL;
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	return 0;
}

static int as_toolchain(struct bctx *c, struct toolchain *t)
{
	struct wp_buf m = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char *argv[] = { NULL, "--version", NULL }, *ver = NULL;
	int err;

	if (!(t->tool = tc_which("node")))
		return wp_error_set(WP_ENOTFOUND, "node is not installed (apt-get install nodejs npm)");
	if (!(t->tool2 = tc_which("npm")))
		return wp_error_set(WP_ENOTFOUND, "npm is not installed (apt-get install npm)");
	tc_fingerprint(&m, t->tool);
	tc_fingerprint(&m, t->tool2);
	argv[0] = t->tool;
	if ((err = tc_probe(wp_buf_cstr(&m), NULL, argv, &ver)) < 0)
		goto done;
	if ((err = describe(c, t, ver)) < 0)
		goto done;
	/* the compiler's own version is pinned by package-lock.json, an input */
	if (asprintf(&t->identity, "%s node=%s", wp_buf_cstr(&m), ver) < 0) {
		t->identity = NULL;
		err = wp_error_set(WP_ENOMEM, "out of memory");
	}
done:
	free(ver);
	wp_buf_release(&m);
	return err;
}

static int as_facts(struct bctx *c)
{
	json_t *pkg = read_json(c, "package.json");
	const char *name = json_string_value(json_object_get(pkg, "name"));
	int err = 0;

	if (name && name[0] == '@' && strchr(name, '/'))
		name = strchr(name, '/') + 1; /* "@scope/app" -> "app" */
	if (name && *name)
		err = set_str(&c->name, name);
	if (err == 0 && json_is_string(json_object_get(pkg, "version")))
		err = set_str(&c->version, json_string_value(json_object_get(pkg, "version")));
	json_decref(pkg);
	return err;
}

static long long mtime_of(struct bctx *c, const char *rel)
{
	char *p = wp_path_join(c->dir, rel);
	struct stat st;
	long long t = -1;

	if (p && stat(p, &st) == 0)
		t = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	free(p);
	return t;
}

/* The compiler the installed package names (package.json "bin": "asc"):
 * bin/asc.js since AssemblyScript 0.20, bin/asc before.  Malloc'ed,
 * relative to the project. */
static char *asc_path(struct bctx *c, const char *up)
{
	struct wp_buf text = WP_BUF_INIT(1 << 20);
	const char *bin = NULL;
	json_t *pkg = NULL, *b;
	char *out = NULL, *pj = home_path(up, "node_modules/assemblyscript/package.json");

	if (pj && bctx_read(c, pj, &text) == 0 &&
	    (pkg = json_loadb((const char *)text.data, text.len, 0, NULL))) {
		b = json_object_get(pkg, "bin");
		bin = json_is_string(b) ? json_string_value(b) : json_string_value(json_object_get(b, "asc"));
	}
	wp_error_clear();
	while (bin && bin[0] == '.' && bin[1] == '/')
		bin += 2;
	/* the package's own file, nothing outside it */
	if (bin && *bin && *bin != '/' && !strstr(bin, "..") &&
	    asprintf(&out, "%s%snode_modules/assemblyscript/%s", up, *up ? "/" : "", bin) < 0)
		out = NULL;
	if (!out || !bctx_file_exists(c, out)) {
		free(out);
		out = home_path(up, ASC);
	}
	free(pj);
	json_decref(pkg);
	wp_buf_release(&text);
	return out;
}

/* npm ci / npm install at the npm home, unless node_modules is already
 * what the lock says.  Builds sharing one home take turns (a lock on the
 * directory): the second finds node_modules up to date. */
static int install(struct bctx *c, const char *root, const char *up)
{
	char *lock = NULL, *done_rel = home_path(up, "node_modules/.package-lock.json"),
	     *asc_pkg = home_path(up, "node_modules/assemblyscript/package.json");
	static const char *const locks[] = { "package-lock.json", "npm-shrinkwrap.json" };
	char *argv[] = { c->tc.tool2 ? c->tc.tool2 : "npm", "install", "--no-audit", "--no-fund", NULL };
	int lock_fd = -1, err = 0;
	long long done;
	size_t i;

	if (!done_rel || !asc_pkg) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto out;
	}
	if (!c->o->dry_run && (err = lock_fd = wp_fs_lock_dir(root)) < 0)
		goto out;
	err = 0;
	for (i = 0; i < 2 && !lock; i++)
		if (!(lock = home_path(up, locks[i])) || !bctx_file_exists(c, lock)) {
			free(lock);
			lock = NULL;
		}
	done = mtime_of(c, done_rel);
	if (lock && done >= 0 && done >= mtime_of(c, lock) && bctx_file_exists(c, asc_pkg)) {
		bctx_note(c, "node_modules is up to date with %s, not reinstalled", lock);
		goto out;
	}
	if (lock)
		argv[1] = "ci";
	err = bctx_exec(c, root, NULL, argv);
out:
	wp_fs_unlock(lock_fd);
	free(lock);
	free(done_rel);
	free(asc_pkg);
	return err;
}

/* asc's options that name an output: the build names its own. */
static int output_option(const char *w, int *takes_value)
{
	static const char *const with_value[] = { "-o", "--outFile", "-b", "--binaryFile", "-t", "--textFile",
						  "-d", "--tsdFile", "-j", "--jsFile", NULL };
	const char *const *o;

	*takes_value = 0;
	for (o = with_value; *o; o++) {
		size_t n = strlen(*o);
		if (!strcmp(w, *o))
			return *takes_value = 1;
		if (!strncmp(w, *o, n) && w[n] == '=')
			return 1;
	}
	return 0;
}

/* The asc command of an npm script ("build", "asbuild", else the first
 * that runs asc), as words without its output options: the entry files
 * and options (--config of the wasi-shim, say) the project builds with,
 * when asconfig.json names no entries.  0 when no script runs asc. */
static int script_args(struct bctx *c, struct wp_strv *out, int *profile_given)
{
	json_t *pkg = read_json(c, "package.json"), *scripts = json_object_get(pkg, "scripts"), *v;
	static const char *const preferred[] = { "build", "asbuild", "asbuild:release", NULL };
	const char *cmd = NULL, *key, *p;
	const char *const *k;
	int err = 0, found = 0, skip_value = 0;

	*profile_given = 0;
	for (k = preferred; *k && !cmd; k++)
		if ((p = json_string_value(json_object_get(scripts, *k))) && strstr(p, "asc "))
			cmd = p;
	json_object_foreach(scripts, key, v)
		if (!cmd && (p = json_string_value(v)) && strstr(p, "asc "))
			cmd = p;
	if (cmd && (p = strstr(cmd, "asc "))) {
		p += 4;
		while (*p && err == 0) {
			size_t n;
			char *w;
			int takes;
			p += strspn(p, " \t");
			n = strcspn(p, " \t");
			if (!n || !strncmp(p, "&&", 2) || *p == ';' || *p == '|')
				break;
			if (!(w = strndup(p, n))) {
				err = wp_error_set(WP_ENOMEM, "out of memory");
				break;
			}
			if (skip_value)
				skip_value = 0;
			else if (output_option(w, &takes))
				skip_value = takes;
			else {
				if (!strncmp(w, "-O", 2) || !strcmp(w, "--target") || !strncmp(w, "--optimize", 10))
					*profile_given = 1;
				err = wp_strv_add(out, w);
				found = 1;
			}
			free(w);
			p += n;
		}
	}
	json_decref(pkg);
	return err < 0 ? err : found;
}

static int as_build(struct bctx *c)
{
	json_t *cfg = read_json(c, "asconfig.json"), *targets;
	struct wp_strv argv = { NULL, 0 };
	char *asc = NULL, *root = NULL, *up = NULL;
	const char *profile = c->o->debug ? "debug" : "release";
	struct wp_buf text = WP_BUF_INIT(WP_BUF_UNLIMITED);
	int err, script_profile = 0;

	if ((bctx_read(c, "asconfig.json", &text) < 0 || !strstr(wp_buf_cstr(&text), "wasi-shim")) &&
	    (wp_buf_reset(&text), bctx_read(c, "package.json", &text) < 0 || !strstr(wp_buf_cstr(&text), "wasi-shim/asconfig")))
		bctx_note(c, "neither asconfig.json nor the build script uses @assemblyscript/wasi-shim's config: the module will not be a WASI command");
	wp_error_clear();
	if ((err = npm_home(c, &root, &up)) < 0 || (err = install(c, root, up)) < 0)
		goto done;
	if (!(asc = asc_path(c, up))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (!c->o->dry_run && !bctx_file_exists(c, asc)) {
		err = wp_error_set(WP_ENOTFOUND, "npm finished but %s/%s is missing", c->dir, asc);
		goto done;
	}
	if (c->tc.tool && c->tc.display) {
		char *node = strstr(c->tc.display, "(node ");
		char *ver = node ? strndup(node + 6, strcspn(node + 6, ")")) : NULL;
		if (ver)
			describe(c, &c->tc, ver);
		free(ver);
	}
	if (asprintf(&c->artifact, "%s/%s.wasm", c->out_dir, c->name ? c->name : c->dirname) < 0) {
		c->artifact = NULL;
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	/* asc 0.20+ restarts node with --enable-source-maps when it was not
	 * given (a second node start, ~0.25 s of CPU): give it.  V8's worker
	 * pool (4 threads by default) is held to the build's cores, so a
	 * build sharing the cores with others under ./... does not
	 * oversubscribe them; on 2 cores this is also faster alone. */
	if ((err = wp_strv_add(&argv, c->tc.tool ? c->tc.tool : "node")) < 0 ||
	    (err = wp_strv_add(&argv, "--enable-source-maps")) < 0 ||
	    (err = wp_strv_addf(&argv, "--v8-pool-size=%d", c->jobs)) < 0 || (err = wp_strv_add(&argv, asc)) < 0)
		goto done;
	if (!json_is_array(json_object_get(cfg, "entries"))) {
		if (bctx_file_exists(c, "assembly/index.ts")) {
			err = wp_strv_add(&argv, "assembly/index.ts");
		} else if ((err = script_args(c, &argv, &script_profile)) == 0) {
			err = wp_error_set(WP_ENOTFOUND, "%s: no \"entries\" in asconfig.json, no assembly/index.ts and no npm script running asc",
					   c->dir);
		}
		if (err < 0)
			goto done;
	}
	targets = json_object_get(cfg, "targets");
	if (script_profile)
		err = 0; /* the script's own optimisation options stand */
	else if (json_object_get(targets, profile))
		err = wp_strv_add(&argv, "--target") < 0 || wp_strv_add(&argv, profile) < 0 ? WP_ENOMEM : 0;
	else
		err = wp_strv_add(&argv, c->o->debug ? "--debug" : "-O3");
	if (err < 0 || (err = wp_strv_add(&argv, "--outFile")) < 0 || (err = wp_strv_add(&argv, c->artifact)) < 0 ||
	    (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0)
		goto done;
	err = bctx_exec(c, c->dir, NULL, argv.v);
done:
	json_decref(cfg);
	free(asc);
	free(root);
	free(up);
	wp_strv_release(&argv);
	wp_buf_release(&text);
	return err;
}

const struct builder_ops builder_assemblyscript = { "assemblyscript", as_detect, as_toolchain, as_facts,
						    as_build };
