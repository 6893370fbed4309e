/*
 * clang.c - the C and C++ builders (`c`, `cpp`): finding a WASI clang.
 * The project shapes they build (CMake, Makefiles, plain sources) are in
 * cfamily.c, shared with emscripten.
 *
 * Toolchains, in this order: $WASI_SDK_PATH, /opt/wasi-sdk, else the
 * system's newest clang-19 ... clang-16 (or `clang`) with Debian's
 * wasi-libc, compiler-rt and, for C++, libc++ for wasm32.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

#define WASI_TARGET "wasm32-wasi"

/* --- toolchain --- */

static int file_ok(const char *p)
{
	return access(p, R_OK) == 0;
}

/* "clang version 16.0.6 (...)" -> "16.0.6" */
static char *clang_version(const char *text)
{
	const char *p = strstr(text, "version ");

	if (!p)
		return strdup("unknown");
	p += 8;
	return strndup(p, strcspn(p, " \n("));
}

static int finish(struct bctx *c, struct toolchain *t, const char *libc, const char *what)
{
	struct wp_buf m = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char *argv[] = { t->cc, "--version", NULL }, *out = NULL, *ver = NULL;
	int err;

	(void)c;
	tc_fingerprint(&m, t->cc);
	tc_fingerprint(&m, libc);
	if (t->cxxinc)
		tc_fingerprint(&m, t->cxxinc);
	if (!m.data) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = tc_probe(wp_buf_cstr(&m), NULL, argv, &out)) < 0)
		goto done;
	ver = clang_version(out);
	if (asprintf(&t->display, "clang %s (%s)", ver, what) < 0 ||
	    asprintf(&t->identity, "%s version=%s", wp_buf_cstr(&m), ver) < 0 || !(t->target = strdup(WASI_TARGET)))
		err = wp_error_set(WP_ENOMEM, "out of memory");
done:
	free(out);
	free(ver);
	wp_buf_release(&m);
	return err;
}

static int wasi_sdk(struct bctx *c, struct toolchain *t, const char *root, int cxx)
{
	char p[PATH_MAX], libc[PATH_MAX], what[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/bin/clang", root);
	snprintf(libc, sizeof(libc), "%s/share/wasi-sysroot/lib/wasm32-wasi/libc.a", root);
	if (!file_ok(p))
		return 0;
	if (!file_ok(libc))
		snprintf(libc, sizeof(libc), "%s/share/wasi-sysroot/lib/wasm32-wasip1/libc.a", root);
	t->cc = strdup(p);
	snprintf(p, sizeof(p), "%s/bin/clang++", root);
	t->cxx = strdup(p);
	snprintf(p, sizeof(p), "%s/bin/llvm-ar", root);
	t->ar = strdup(p);
	snprintf(p, sizeof(p), "%s/bin/llvm-ranlib", root);
	t->ranlib = strdup(p);
	snprintf(p, sizeof(p), "%s/share/wasi-sysroot", root);
	t->sysroot = strdup(p);
	(void)cxx;
	snprintf(what, sizeof(what), "wasi-sdk %s", root);
	return finish(c, t, libc, what) < 0 ? -1 : 1;
}

/* clang-N plus Debian's wasm32 libraries; 0 with *missing set when some
 * part is absent. */
static int debian_clang(struct bctx *c, struct toolchain *t, int v, const char *cc, int cxx,
			char **missing)
{
	char p[PATH_MAX], q[PATH_MAX];
	char *tool;
	int found = 0;

	snprintf(p, sizeof(p), "/usr/lib/llvm-%d/bin/wasm-ld", v);
	if (!tc_is_exec(p))
		return asprintf(missing, "lld-%d", v) < 0 ? -1 : 0;
	if (!file_ok("/usr/lib/wasm32-wasi/libc.a") || !file_ok("/usr/include/wasm32-wasi/stdio.h"))
		return asprintf(missing, "wasi-libc") < 0 ? -1 : 0;
	snprintf(p, sizeof(p), "/usr/lib/llvm-%d/lib/clang/%d/lib/wasi/libclang_rt.builtins-wasm32.a", v, v);
	if (!file_ok(p))
		return asprintf(missing, "libclang-rt-%d-dev-wasm32", v) < 0 ? -1 : 0;
	snprintf(p, sizeof(p), "/usr/lib/llvm-%d/include/wasm32-wasi/c++/v1", v);
	snprintf(q, sizeof(q), "/usr/lib/llvm-%d/lib/wasm32-wasi/libc++abi.a", v);
	if (cxx && (!file_ok(p) || (!file_ok(q) && !file_ok("/usr/lib/wasm32-wasi/libc++abi.a"))))
		return asprintf(missing, "libc++-%d-dev-wasm32 libc++abi-%d-dev-wasm32", v, v) < 0 ? -1 : 0;
	if (file_ok(p))
		t->cxxinc = strdup(p);
	snprintf(p, sizeof(p), "/usr/lib/llvm-%d/lib/clang/%d/include", v, v);
	if (file_ok(p) && (!(t->clanginc = strdup(p)) || !(t->libcinc = strdup("/usr/include/wasm32-wasi"))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	/* the resolved driver finds wasm-ld beside it, whatever PATH holds */
	t->cc = realpath(cc, NULL);
	if (!t->cc)
		t->cc = strdup(cc);
	snprintf(p, sizeof(p), "/usr/lib/llvm-%d/bin/clang++", v);
	t->cxx = strdup(p);
	snprintf(p, sizeof(p), "llvm-ar-%d", v);
	tool = tc_which(p);
	snprintf(p, sizeof(p), "/usr/lib/llvm-%d/bin/llvm-ar", v);
	t->ar = tool ? tool : strdup(p);
	snprintf(p, sizeof(p), "llvm-ranlib-%d", v);
	tool = tc_which(p);
	snprintf(p, sizeof(p), "/usr/lib/llvm-%d/bin/llvm-ranlib", v);
	t->ranlib = tool ? tool : strdup(p);
	if (!t->cc || !t->cxx || !t->ar || !t->ranlib)
		return wp_error_set(WP_ENOMEM, "out of memory");
	/* every program a build runs is there before any of them runs:
	 * llvm-ar-N and llvm-ranlib-N are in llvm-N, not clang-N or lld-N */
	if (!tc_is_exec(t->ar) || !tc_is_exec(t->ranlib))
		return asprintf(missing, "llvm-%d", v) < 0 ? -1 : 0;
	if (cxx && !tc_is_exec(t->cxx))
		return asprintf(missing, "clang-%d", v) < 0 ? -1 : 0;
	found = finish(c, t, "/usr/lib/wasm32-wasi/libc.a", cxx ? "wasi-libc, libc++" : "wasi-libc");
	return found < 0 ? -1 : 1;
}

/* The LLVM major version of an unversioned `clang` (/usr/lib/llvm-N/...). */
static int clang_major(const char *path)
{
	char real[PATH_MAX];
	const char *p;

	if (!realpath(path, real) || !(p = strstr(real, "/llvm-")))
		return 0;
	return atoi(p + 6);
}

/* Keep the first (newest clang's) reason for failing. */
static int try_clang(struct bctx *c, struct toolchain *t, int v, const char *cc, int cxx, char **missing)
{
	char *m = NULL;
	int r = debian_clang(c, t, v, cc, cxx, &m);

	if (!*missing)
		*missing = m;
	else
		free(m);
	return r;
}

static int clang_toolchain(struct bctx *c, struct toolchain *t, int cxx)
{
	const char *sdk = getenv("WASI_SDK_PATH");
	char name[32], *cc = NULL, *missing = NULL;
	int v, r = 0, newest = 0;

	if (sdk && *sdk && (r = wasi_sdk(c, t, sdk, cxx)) != 0)
		return r < 0 ? r : 0;
	if ((r = wasi_sdk(c, t, "/opt/wasi-sdk", cxx)) != 0)
		return r < 0 ? r : 0;
	for (v = 19; v >= 16 && r == 0; v--) {
		snprintf(name, sizeof(name), "clang-%d", v);
		if (!(cc = tc_which(name)))
			continue;
		newest = newest ? newest : v;
		toolchain_release(t);
		r = try_clang(c, t, v, cc, cxx, &missing);
		free(cc);
		cc = NULL;
	}
	if (r == 0 && (cc = tc_which("clang")) && (v = clang_major(cc)) > 0) {
		newest = newest ? newest : v;
		toolchain_release(t);
		r = try_clang(c, t, v, cc, cxx, &missing);
	}
	free(cc);
	if (r < 0) {
		free(missing);
		return r;
	}
	if (r == 0) {
		toolchain_release(t);
		if (missing)
			r = wp_error_set(WP_ENOTFOUND, "no WASI %s toolchain: clang-%d is installed but %s is missing (apt-get install %s, or set WASI_SDK_PATH to a wasi-sdk)",
					 cxx ? "C++" : "C", newest, missing, missing);
		else
			r = wp_error_set(WP_ENOTFOUND, "no WASI %s toolchain: install one with apt-get install clang-16 lld-16 llvm-16 wasi-libc libclang-rt-16-dev-wasm32%s, or set WASI_SDK_PATH to a wasi-sdk",
					 cxx ? "C++" : "C", cxx ? " libc++-16-dev-wasm32 libc++abi-16-dev-wasm32" : "");
		free(missing);
		return r;
	}
	free(missing);
	return 0;
}

/* --- the builders --- */

static int c_detect(struct bctx *c, char **reason)
{
	return cfamily_detect(c, 0, reason);
}

static int cpp_detect(struct bctx *c, char **reason)
{
	return cfamily_detect(c, 1, reason);
}

static int c_toolchain(struct bctx *c, struct toolchain *t)
{
	struct cscan s;
	int err;

	/* the c builder also builds the C++ parts of a mixed project */
	if ((err = cfamily_scan(c, &s)) < 0)
		return err;
	err = clang_toolchain(c, t, s.cxx);
	cscan_release(&s);
	return err < 0 ? err : cfamily_require_tools(c);
}

static int cpp_toolchain(struct bctx *c, struct toolchain *t)
{
	int err = clang_toolchain(c, t, 1);

	return err < 0 ? err : cfamily_require_tools(c);
}

static int c_build(struct bctx *c)
{
	return cfamily_build(c, 0);
}

const struct builder_ops builder_c = { "c", c_detect, c_toolchain, cfamily_facts, c_build };
const struct builder_ops builder_cpp = { "cpp", cpp_detect, cpp_toolchain, cfamily_facts, c_build };
