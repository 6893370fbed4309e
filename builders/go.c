/*
 * go.c - the `go` and `tinygo` builders for a go.mod project.
 *
 * Go >= 1.21 builds WASI commands itself (GOOS=wasip1 GOARCH=wasm); older
 * Go cannot (Debian bookworm ships 1.19), so detection falls through to
 * TinyGo (tinygo build -target=wasip1) when it is installed, and
 * otherwise says in one line what to install.  GOTOOLCHAIN=local keeps a
 * new Go from downloading another toolchain behind the user's back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

#define GO_HINT "install Go >= 1.21 (GOOS=wasip1) or TinyGo (tinygo build -target=wasip1)"

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

/* The go binary and its version (malloc'ed), or NULL when absent. */
static char *find_go(struct bctx *c, char **version, struct wp_buf *m)
{
	char *go = tc_which("go"), *out = NULL;
	char *argv[] = { go, "env", "GOVERSION", NULL };
	const char *root = getenv("GOROOT");

	*version = NULL;
	if (!go)
		return NULL;
	tc_fingerprint(m, go);
	wp_buf_printf(m, "GOROOT=%s;", root ? root : "");
	if (tc_probe(wp_buf_cstr(m), c->dir, argv, &out) < 0) {
		wp_error_clear();
		*version = strdup("unknown");
	} else {
		*version = tc_first_line(out);
	}
	free(out);
	return go;
}

static int go_toolchain(struct bctx *c, struct toolchain *t)
{
	struct wp_buf m = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char *version = NULL, *go = find_go(c, &version, &m), *tinygo = tc_which("tinygo");
	int major, minor, err = 0;

	if (!go) {
		err = wp_error_set(WP_ENOTFOUND, "no Go toolchain that targets WASI: %s", GO_HINT);
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
	int err;

	if ((err = out_path(c)) < 0)
		return err;
	if ((err = wp_strv_add(&argv, c->tc.tool ? c->tc.tool : "go")) < 0 || (err = wp_strv_add(&argv, "build")) < 0 ||
	    (err = wp_strv_add(&argv, "-trimpath")) < 0 ||
	    (c->o->debug && (err = wp_strv_add(&argv, "-gcflags=all=-N -l")) < 0) ||
	    (err = wp_strv_add(&argv, "-o")) < 0 || (err = wp_strv_add(&argv, c->artifact)) < 0 ||
	    (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0 || (err = wp_strv_add(&argv, ".")) < 0)
		goto done;
	err = bctx_exec(c, c->dir, env, argv.v);
done:
	wp_strv_release(&argv);
	return err;
}

static int tinygo_build(struct bctx *c)
{
	struct wp_strv argv = { NULL, 0 };
	int err;

	if ((err = out_path(c)) < 0)
		return err;
	if ((err = wp_strv_add(&argv, c->tc.tool ? c->tc.tool : "tinygo")) < 0 || (err = wp_strv_add(&argv, "build")) < 0 ||
	    (err = wp_strv_add(&argv, "-target=wasip1")) < 0 || (err = wp_strv_add(&argv, c->o->debug ? "-opt=1" : "-opt=2")) < 0 ||
	    (err = wp_strv_add(&argv, "-o")) < 0 || (err = wp_strv_add(&argv, c->artifact)) < 0 ||
	    (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0 || (err = wp_strv_add(&argv, ".")) < 0)
		goto done;
	err = bctx_exec(c, c->dir, NULL, argv.v);
done:
	wp_strv_release(&argv);
	return err;
}

const struct builder_ops builder_go = { "go", go_detect, go_toolchain, go_facts, go_build };
const struct builder_ops builder_tinygo = { "tinygo", go_detect, tinygo_toolchain, go_facts, tinygo_build };
