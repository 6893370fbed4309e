/*
 * go.c - the `go` and `tinygo` builders for a go.mod project.
 *
 * Go >= 1.21 builds WASI commands itself (GOOS=wasip1 GOARCH=wasm); older
 * Go cannot (Debian bookworm ships 1.19; its backports have golang-1.2x-go
 * under /usr/lib/go-1.2x, used when go on PATH is too old), so detection
 * falls through to
 * TinyGo (tinygo build -target=wasip1) when it is installed, and
 * otherwise says in one line what to install.  GOTOOLCHAIN=local keeps a
 * new Go from downloading another toolchain behind the user's back.
 */
#include <dirent.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

#define GO_HINT \
	"install Go >= 1.21 (GOOS=wasip1; on Debian bookworm: golang-1.23-go from bookworm-backports) or TinyGo (tinygo build -target=wasip1)"

static int go_detect(struct bctx *c, char **reason)
{
	int pass = bctx_file_exists(c, "go.mod");

	if (asprintf(reason, pass ? "go.mod found" : "no go.mod") < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	return pass;
}

/* "go1.21.3" -> 1, 21 */
static int go_version_ok(const char *v, int *major, int *minor)
{
	*major = *minor = 0;
	if (sscanf(v, "go%d.%d", major, minor) < 1)
		return 0;
	return *major > 1 || (*major == 1 && *minor >= 21);
}

/* Debian installs each Go as golang-1.N-go under /usr/lib/go-1.N without
 * putting it on PATH (bookworm-backports has 1.21 to 1.23): the newest
 * one that targets WASI, or NULL.  WASMPACK_GO_LIBDIR names another
 * directory to look in (tests). */
static char *debian_go(void)
{
	const char *libdir = getenv("WASMPACK_GO_LIBDIR");
	char pattern[PATH_MAX];
	glob_t g;
	char *best = NULL;
	int best_minor = 0;
	size_t i, skip;

	if (!libdir || !*libdir)
		libdir = "/usr/lib";
	if (snprintf(pattern, sizeof(pattern), "%s/go-1.*/bin/go", libdir) >= (int)sizeof(pattern) ||
	    glob(pattern, 0, NULL, &g) != 0)
		return NULL;
	skip = strlen(libdir) + strlen("/go-1.");
	for (i = 0; i < g.gl_pathc; i++) {
		int minor;
		if (sscanf(g.gl_pathv[i] + skip, "%d/", &minor) == 1 && minor >= 21 && minor > best_minor &&
		    access(g.gl_pathv[i], X_OK) == 0) {
			free(best);
			best = strdup(g.gl_pathv[i]);
			best_minor = minor;
		}
	}
	globfree(&g);
	return best;
}

/* GO's version ("go1.23.5"; malloc'ed), asked once per binary (the answer
 * is cached under its fingerprint, added to M).  GOTOOLCHAIN=local: a
 * go.mod naming a newer Go must not make the probe download one. */
static char *go_version(struct bctx *c, const char *go, struct wp_buf *m)
{
	char *argv[] = { "/usr/bin/env", "GOTOOLCHAIN=local", (char *)go, "env", "GOVERSION", NULL };
	const char *root = getenv("GOROOT");
	char *out = NULL, *version;

	tc_fingerprint(m, go);
	wp_buf_printf(m, "GOROOT=%s;", root ? root : "");
	if (tc_probe(wp_buf_cstr(m), c->dir, argv, &out) < 0) {
		wp_error_clear();
		version = strdup("unknown");
	} else {
		version = tc_first_line(out);
	}
	free(out);
	return version;
}

static int go_toolchain(struct bctx *c, struct toolchain *t)
{
	struct wp_buf m = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char *version = NULL, *go = tc_which("go"), *tinygo = tc_which("tinygo");
	int major, minor, err = 0;

	if (go)
		version = go_version(c, go, &m);
	/* go on PATH absent or too old: a newer Debian Go beside it */
	if (!go || !version || !go_version_ok(version, &major, &minor)) {
		char *alt = debian_go(), *alt_version = NULL;
		struct wp_buf am = WP_BUF_INIT(WP_BUF_UNLIMITED);

		if (alt && (alt_version = go_version(c, alt, &am)) && go_version_ok(alt_version, &major, &minor)) {
			free(go);
			free(version);
			go = alt;
			version = alt_version;
			wp_buf_release(&m);
			m = am;
		} else {
			free(alt);
			free(alt_version);
			wp_buf_release(&am);
		}
	}
	if (!go) {
		err = wp_error_set(WP_ENOTFOUND, "no Go toolchain that targets WASI: %s", GO_HINT);
	} else if (!version) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
	} else if (!go_version_ok(version, &major, &minor)) {
		err = wp_error_set(WP_ENOTFOUND, "no Go toolchain that targets WASI: %s at %s cannot build GOOS=wasip1 (needs Go >= 1.21)%s; %s",
				   version, go, tinygo ? "" : " and TinyGo is not installed", GO_HINT);
	} else {
		t->tool = go;
		go = NULL;
		if (!(t->target = strdup("wasip1")) || asprintf(&t->display, "%s (GOOS=wasip1)", version) < 0 ||
		    asprintf(&t->identity, "%s version=%s", wp_buf_cstr(&m), version) < 0)
			err = wp_error_set(WP_ENOMEM, "out of memory");
	}
	free(go);
	free(tinygo);
	free(version);
	wp_buf_release(&m);
	return err;
}

static int tinygo_toolchain(struct bctx *c, struct toolchain *t)
{
	struct wp_buf m = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char *tinygo = tc_which("tinygo"), *out = NULL, *ver = NULL;
	char *argv[] = { tinygo, "version", NULL };
	int err = 0;

	if (!tinygo)
		return wp_error_set(WP_ENOTFOUND, "TinyGo is not installed: %s", GO_HINT);
	tc_fingerprint(&m, tinygo);
	if ((err = tc_probe(wp_buf_cstr(&m), c->dir, argv, &out)) < 0)
		goto done;
	{
		/* "tinygo version 0.30.0 linux/amd64 (...)" */
		const char *p = strstr(out, "version ");
		ver = p ? strndup(p + 8, strcspn(p + 8, " \n")) : strdup("unknown");
	}
	t->tool = tinygo;
	tinygo = NULL;
	if (!ver || !(t->target = strdup("wasip1")) || asprintf(&t->display, "tinygo %s (wasip1)", ver) < 0 ||
	    asprintf(&t->identity, "%s version=%s", wp_buf_cstr(&m), ver) < 0)
		err = wp_error_set(WP_ENOMEM, "out of memory");
done:
	free(tinygo);
	free(out);
	free(ver);
	wp_buf_release(&m);
	return err;
}

/* The last element of go.mod's module path ("example.com/x/hello/v2" ->
 * "hello"). */
static int go_facts(struct bctx *c)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	const char *s, *p;
	int err;

	if ((err = bctx_read(c, "go.mod", &b)) < 0)
		goto done;
	for (s = wp_buf_cstr(&b); s && *s; s = (p = strchr(s, '\n')) ? p + 1 : NULL) {
		s += strspn(s, " \t");
		if (strncmp(s, "module", 6) == 0 && (s[6] == ' ' || s[6] == '\t')) {
			char *mod, *last, *slash;
			s += 6 + strspn(s + 6, " \t\"");
			mod = strndup(s, strcspn(s, " \t\"\r\n"));
			if (!mod) {
				err = wp_error_set(WP_ENOMEM, "out of memory");
				goto done;
			}
			slash = strrchr(mod, '/');
			/* a /vN major-version suffix is not the name */
			if (slash && slash[1] == 'v' && strspn(slash + 2, "0123456789") == strlen(slash + 2) && slash[2]) {
				*slash = '\0';
				slash = strrchr(mod, '/');
			}
			last = slash ? slash + 1 : mod;
			err = set_str(&c->name, last);
			free(mod);
			break;
		}
	}
done:
	wp_buf_release(&b);
	return err;
}

/* Whether directory REL of the project holds a `package main` .go file
 * (tests aside). */
static int has_main(struct bctx *c, const char *rel)
{
	char *path = wp_path_join(c->dir, rel);
	DIR *d = path ? opendir(path) : NULL;
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct wp_buf b = WP_BUF_INIT(1 << 20);
		char *file;
		if (n < 4 || strcmp(e->d_name + n - 3, ".go") || (n > 8 && !strcmp(e->d_name + n - 8, "_test.go")))
			continue;
		if ((file = wp_path_join(path, e->d_name)) && wp_fs_read_file(file, 1 << 20, &b) == 0) {
			const char *s = wp_buf_cstr(&b), *p = s;
			/* the package clause starts a line */
			while ((p = strstr(p, "package main")) && !(p == s || p[-1] == '\n'))
				p++;
			found = p && (p[12] == '\n' || p[12] == '\r' || p[12] == ' ' || p[12] == '\t' || p[12] == '\0');
		}
		wp_error_clear();
		free(file);
		wp_buf_release(&b);
	}
	if (d)
		closedir(d);
	free(path);
	return found;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The package to build: --target (a path, or a name under cmd/), else the
 * root when it is package main, else the one command under cmd/ (or the
 * one named like the module), as ko builds ./cmd/NAME. */
static int go_package(struct bctx *c, char **pkg)
{
	struct wp_buf list = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct wp_strv cmds = { NULL, 0 };
	char *cmd = NULL;
	const char *only = NULL;
	DIR *d;
	struct dirent *e;
	size_t i;
	int n = 0, err = 0;

	*pkg = NULL;
	if (c->target) {
		if (strchr(c->target, '/'))
			*pkg = strdup(c->target);
		else if (asprintf(pkg, "./cmd/%s", c->target) < 0)
			*pkg = NULL;
		return *pkg ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
	}
	if (has_main(c, ".") || !(cmd = wp_path_join(c->dir, "cmd")) || !(d = opendir(cmd))) {
		free(cmd);
		return (*pkg = strdup(".")) ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
	}
	while ((e = readdir(d))) {
		char rel[512];
		snprintf(rel, sizeof(rel), "cmd/%s", e->d_name);
		if (e->d_name[0] != '.' && has_main(c, rel) && (err = wp_strv_add(&cmds, e->d_name)) < 0)
			break;
	}
	closedir(d);
	/* readdir's order is the file system's: sort, for stable messages */
	if (err < 0)
		goto done;
	if (cmds.n > 1)
		qsort(cmds.v, cmds.n, sizeof(*cmds.v), by_string);
	for (i = 0; i < cmds.n; i++) {
		wp_buf_printf(&list, "%s./cmd/%s", i ? ", " : "", cmds.v[i]);
		if (i == 0 || (c->name && !strcmp(cmds.v[i], c->name)))
			only = cmds.v[i];
	}
	n = (int)cmds.n;
	if (n == 0)
		*pkg = strdup(".");
	else if (n == 1 || (c->name && only && !strcmp(only, c->name))) {
		if (asprintf(pkg, "./cmd/%s", only) < 0)
			*pkg = NULL;
	} else
		err = wp_error_set(WP_EINVALID, "the module has %d commands: %s; choose one with --target NAME (or \"target\" in wasmpack.json)",
				   n, wp_buf_cstr(&list));
	if (err == 0 && !*pkg)
		err = wp_error_set(WP_ENOMEM, "out of memory");
done:
	free(cmd);
	wp_strv_release(&cmds);
	wp_buf_release(&list);
	return err;
}

static int out_path(struct bctx *c)
{
	if (asprintf(&c->artifact, "%s/%s.wasm", c->out_dir, c->name ? c->name : c->dirname) < 0) {
		c->artifact = NULL;
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	return 0;
}

static int go_build(struct bctx *c)
{
	char *env[] = { "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0", "GOTOOLCHAIN=local", NULL };
	struct wp_strv argv = { NULL, 0 };
	char *pkg = NULL;
	int err;

	/* go build compiles packages on every core, even under build ./...:
	 * go reads no jobserver, and held to a share of the cores (GOMAXPROCS)
	 * a cold build of the standard library for wasip1 (~11 s of CPU) kept
	 * one core while the other builds had ended and left theirs idle.  As
	 * ko runs its go builds side by side, the kernel shares the cores. */

	if ((err = go_package(c, &pkg)) < 0 || (err = out_path(c)) < 0) {
		free(pkg);
		return err;
	}
	if ((err = wp_strv_add(&argv, c->tc.tool ? c->tc.tool : "go")) < 0 || (err = wp_strv_add(&argv, "build")) < 0 ||
	    (err = wp_strv_add(&argv, "-trimpath")) < 0 ||
	    (c->o->debug && (err = wp_strv_add(&argv, "-gcflags=all=-N -l")) < 0) ||
	    (err = wp_strv_add(&argv, "-o")) < 0 || (err = wp_strv_add(&argv, c->artifact)) < 0 ||
	    (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0 || (err = wp_strv_add(&argv, pkg)) < 0)
		goto done;
	err = bctx_exec(c, c->dir, env, argv.v);
done:
	free(pkg);
	wp_strv_release(&argv);
	return err;
}

static int tinygo_build(struct bctx *c)
{
	struct wp_strv argv = { NULL, 0 };
	char *pkg = NULL;
	int err;

	if ((err = go_package(c, &pkg)) < 0 || (err = out_path(c)) < 0) {
		free(pkg);
		return err;
	}
	if ((err = wp_strv_add(&argv, c->tc.tool ? c->tc.tool : "tinygo")) < 0 || (err = wp_strv_add(&argv, "build")) < 0 ||
	    (err = wp_strv_add(&argv, "-target=wasip1")) < 0 || (err = wp_strv_add(&argv, c->o->debug ? "-opt=1" : "-opt=2")) < 0 ||
	    (err = wp_strv_add(&argv, "-o")) < 0 || (err = wp_strv_add(&argv, c->artifact)) < 0 ||
	    (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0 || (err = wp_strv_add(&argv, pkg)) < 0)
		goto done;
	err = bctx_exec(c, c->dir, NULL, argv.v);
done:
	free(pkg);
	wp_strv_release(&argv);
	return err;
}

const struct builder_ops builder_go = { "go", go_detect, go_toolchain, go_facts, go_build };
const struct builder_ops builder_tinygo = { "tinygo", go_detect, tinygo_toolchain, go_facts, tinygo_build };
