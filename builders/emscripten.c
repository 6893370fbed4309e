/*
 * emscripten.c - the `emscripten` builder: the C/C++ project shapes of
 * cfamily.c built with emcc in standalone-WASI mode (-sSTANDALONE_WASM).
 * Makefile and CMake outputs get --oformat=wasm so emcc writes only the
 * module, never the JavaScript it would otherwise emit for a name without
 * a .wasm suffix.  Chosen with --builder emscripten, or by detection when
 * no WASI clang is installed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

static int em_detect(struct bctx *c, char **reason)
{
	int r = cfamily_detect(c, 0, reason);

	if (r == 1) {
		char *more = NULL;
		if (asprintf(&more, "%s (used when no WASI clang is installed)", *reason) >= 0) {
			free(*reason);
			*reason = more;
		}
	}
	return r;
}

/* The version emscripten's own tree records, without running Python. */
static char *em_version(const char *emcc, struct wp_buf *material)
{
	struct wp_buf b = WP_BUF_INIT(4096);
	char real[PATH_MAX], *slash, *v = NULL, *out = NULL;

	if (realpath(emcc, real) && (slash = strrchr(real, '/'))) {
		strcpy(slash + 1, "emscripten-version.txt");
		if (wp_fs_read_file(real, 4096, &b) == 0) {
			const char *s = wp_buf_cstr(&b);
			s += strspn(s, "\" \n");
			v = strndup(s, strcspn(s, "\" \r\n"));
			tc_fingerprint(material, real);
		}
		wp_error_clear();
	}
	if (!v) {
		char *argv[] = { (char *)emcc, "--version", NULL };
		if (tc_probe(wp_buf_cstr(material), NULL, argv, &out) == 0) {
			char *line = tc_first_line(out), *p = line ? strstr(line, ") ") : NULL;
			v = strdup(p ? p + 2 : line ? line : "unknown");
			free(line);
		}
		wp_error_clear();
		free(out);
	}
	wp_buf_release(&b);
	return v;
}

static int em_toolchain(struct bctx *c, struct toolchain *t)
{
	struct wp_buf m = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char *ver = NULL;
	int err = 0;

	if (!(t->cc = tc_which("emcc"))) {
		return wp_error_set(WP_ENOTFOUND,
				    "emscripten is not installed (apt-get install emscripten)");
	}
	t->cxx = tc_which("em++");
	t->ar = tc_which("emar");
	t->ranlib = tc_which("emranlib");
	if (!t->cxx || !t->ar || !t->ranlib)
		return wp_error_set(WP_ENOTFOUND, "emscripten is incomplete: em++, emar or emranlib is missing (apt-get install emscripten)");
	if ((err = cfamily_require_tools(c)) < 0)
		return err;
	tc_fingerprint(&m, t->cc);
	ver = em_version(t->cc, &m);
	if (!m.data || !ver || asprintf(&t->display, "emscripten %s", ver) < 0 ||
	    asprintf(&t->identity, "%s version=%s", wp_buf_cstr(&m), ver) < 0 || !(t->target = strdup("wasm32")))
		err = wp_error_set(WP_ENOMEM, "out of memory");
	free(ver);
	wp_buf_release(&m);
	return err;
}

static int em_build(struct bctx *c)
{
	return cfamily_build(c, 1);
}

const struct builder_ops builder_emscripten = { "emscripten", em_detect, em_toolchain, cfamily_facts,
						em_build };
