/*
 * cfamily.c - the C/C++ project shapes shared by the c, cpp and emscripten
 * builders: CMake (configured out of tree with a toolchain file wasmpack
 * writes, in a persistent per-project build directory under the cache),
 * Makefiles (run in a private copy of the project with CC, CXX, AR,
 * RANLIB and the FLAGS set for wasm32, so stale outputs and in-tree
 * litter are impossible) and plain sources (*.c, *.cpp in the directory
 * or src/, compiled and linked directly).  The drivers come from the
 * builder's toolchain (clang.c, emscripten.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "../oci/digest.h"
#include "cache.h"
#include "inputs.h"
#include "internal.h"

#define THROW_HINT "C++ is compiled with -fno-exceptions because wasi-libc's libc++abi has no exception support: remove throw/try/catch, or build with --builder emscripten, which compiles them with -fwasm-exceptions"

static int has_ext(const char *name, const char *const *exts)
{
	const char *dot = strrchr(name, '.');

	for (; dot && *exts; exts++)
		if (!strcmp(dot, *exts))
			return 1;
	return 0;
}

static const char *const c_exts[] = { ".c", NULL };
static const char *const cxx_exts[] = { ".cpp", ".cc", ".cxx", ".c++", ".C", NULL };

/* Sources directly in `sub` ("" or "src") of the project, sorted. */
static int scan_sources(struct bctx *c, const char *sub, struct cscan *s)
{
	char *path = *sub ? wp_path_join(c->dir, sub) : strdup(c->dir);
	struct dirent *e;
	DIR *d;
	int err = 0;

	if (!path)
		return wp_error_set(WP_ENOMEM, "out of memory");
	d = opendir(path);
	free(path);
	if (!d)
		return 0;
	while ((e = readdir(d)) && err == 0) {
		if (e->d_name[0] == '.')
			continue;
		if (has_ext(e->d_name, c_exts))
			err = wp_strv_addf(&s->csrc, "%s%s%s", sub, *sub ? "/" : "", e->d_name);
		else if (has_ext(e->d_name, cxx_exts))
			err = wp_strv_addf(&s->cxxsrc, "%s%s%s", sub, *sub ? "/" : "", e->d_name);
	}
	closedir(d);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The one subdirectory holding a CMakeLists.txt (else the one holding a
 * Makefile), when the project's own directory has no build file. */
static int scan_subdirs(struct bctx *c, struct cscan *s)
{
	static const char *const kinds[] = { "CMakeLists.txt", "meson.build", "Makefile", "GNUmakefile" };
	DIR *d = opendir(c->dir);
	struct dirent *e;
	size_t k;

	if (!d)
		return 0;
	for (k = 0; k < 3 && !s->kind; k++) {
		char found[256] = "";
		int n = 0;
		rewinddir(d);
		while ((e = readdir(d))) {
			char rel[512];
			if (e->d_name[0] == '.' || !strcmp(e->d_name, "node_modules") || !strcmp(e->d_name, "build") ||
			    strlen(e->d_name) >= sizeof(found))
				continue;
			snprintf(rel, sizeof(rel), "%s/%s", e->d_name, kinds[k]);
			if (bctx_file_exists(c, rel) && n++ == 0)
				snprintf(found, sizeof(found), "%s", e->d_name);
		}
		if (n == 1) {
			s->kind = k == 0 ? CPROJ_CMAKE : k == 1 ? CPROJ_MESON : CPROJ_MAKE;
			snprintf(s->sub, sizeof(s->sub), "%s", found);
			snprintf(s->subfile, sizeof(s->subfile), "%s/%s", found, kinds[k]);
			s->file = s->subfile;
		}
	}
	closedir(d);
	return 0;
}

int cfamily_scan(struct bctx *c, struct cscan *s)
{
	static const char *makefiles[] = { "GNUmakefile", "makefile", "Makefile" };
	struct wp_buf text = WP_BUF_INIT(WP_BUF_UNLIMITED);
	size_t i;
	int err;

	memset(s, 0, sizeof(*s));
	if ((err = scan_sources(c, "", s)) < 0 || (err = scan_sources(c, "src", s)) < 0)
		return err;
	if (s->csrc.n)
		qsort(s->csrc.v, s->csrc.n, sizeof(char *), cmp_str);
	if (s->cxxsrc.n)
		qsort(s->cxxsrc.v, s->cxxsrc.n, sizeof(char *), cmp_str);
	s->cxx = s->cxxsrc.n > 0;
	if (bctx_file_exists(c, "CMakeLists.txt")) {
		s->kind = CPROJ_CMAKE;
		s->file = "CMakeLists.txt";
	} else if (bctx_file_exists(c, "meson.build")) {
		s->kind = CPROJ_MESON;
		s->file = "meson.build";
	} else if (bctx_file_exists(c, "configure.ac") || bctx_file_exists(c, "configure.in") ||
		   bctx_file_exists(c, "configure")) {
		s->kind = CPROJ_AUTOTOOLS;
		s->file = bctx_file_exists(c, "configure") ? "configure"
			  : bctx_file_exists(c, "configure.ac") ? "configure.ac" : "configure.in";
	} else {
		for (i = 0; i < 3 && !s->kind; i++)
			if (bctx_file_exists(c, makefiles[i])) {
				s->kind = CPROJ_MAKE;
				s->file = makefiles[i];
			}
	}
	if (!s->kind && (s->csrc.n || s->cxxsrc.n))
		s->kind = CPROJ_PLAIN;
	/* a project kept one directory down (expat/ in its repository) */
	if (!s->kind && (err = scan_subdirs(c, s)) < 0)
		return err;
	/* a build file that names C++ makes it a C++ project */
	if (s->kind != CPROJ_NONE && s->kind != CPROJ_PLAIN) {
		if (bctx_read(c, s->file, &text) == 0 &&
		    (strstr(wp_buf_cstr(&text), "CXX") || strstr(wp_buf_cstr(&text), ".cpp") ||
		     strstr(wp_buf_cstr(&text), "'cpp'")))
			s->cxx = 1;
		wp_error_clear();
	}
	wp_buf_release(&text);
	return 0;
}

void cscan_release(struct cscan *s)
{
	wp_strv_release(&s->csrc);
	wp_strv_release(&s->cxxsrc);
	memset(s, 0, sizeof(*s));
}

int cfamily_detect(struct bctx *c, int want_cxx, char **reason)
{
	struct cscan s;
	int err, pass;

	if ((err = cfamily_scan(c, &s)) < 0)
		return err;
	pass = s.kind != CPROJ_NONE && (!want_cxx || s.cxx);
	if (s.kind == CPROJ_NONE)
		err = asprintf(reason, "no CMakeLists.txt, meson.build, Makefile or %s sources in the directory or src/",
			       want_cxx ? "C++" : "C/C++");
	else if (!pass && s.kind == CPROJ_PLAIN)
		err = asprintf(reason, "no C++ sources (%zu C)", s.csrc.n);
	else if (!pass)
		err = asprintf(reason, "%s found, but no C++ in it", s.file);
	else if (s.kind == CPROJ_PLAIN)
		err = asprintf(reason, "%zu C and %zu C++ source file%s (%s)", s.csrc.n, s.cxxsrc.n,
			       s.csrc.n + s.cxxsrc.n == 1 ? "" : "s", s.cxxsrc.n ? s.cxxsrc.v[0] : s.csrc.v[0]);
	else
		err = asprintf(reason, "%s found%s", s.file, s.cxx ? " (C++)" : "");
	cscan_release(&s);
	if (err < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	return pass;
}

/* --- facts --- */

int cfamily_facts(struct bctx *c)
{
	struct wp_buf text = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct cscan scan;
	const char *s, *p;
	int err;

	if ((err = cfamily_scan(c, &scan)) < 0)
		return err;
	if (scan.kind == CPROJ_AUTOTOOLS && strcmp(scan.file, "configure")) {
		err = autotools_facts(c, scan.file);
		cscan_release(&scan);
		return err;
	}
	err = scan.kind == CPROJ_CMAKE || scan.kind == CPROJ_MESON ? bctx_read(c, scan.file, &text) : WP_ENOTFOUND;
	if (err < 0) {
		cscan_release(&scan);
		wp_error_clear();
		wp_buf_release(&text);
		return 0;
	}
	s = wp_buf_cstr(&text);
	if (scan.kind == CPROJ_MESON) {
		cscan_release(&scan);
		err = meson_facts(c, s);
		wp_buf_release(&text);
		return err;
	}
	cscan_release(&scan);
	for (p = s; (p = strcasestr(p, "project")); p += 7) {
		const char *q = p + 7, *v;
		if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '(')
			continue;
		q++;
		while (isspace((unsigned char)*q))
			q++;
		free(c->name);
		c->name = strndup(q, strcspn(q, " \t\r\n)"));
		v = strstr(q, "VERSION");
		if (v && v < q + strcspn(q, ")")) {
			v += 7;
			while (isspace((unsigned char)*v))
				v++;
			free(c->version);
			c->version = strndup(v, strcspn(v, " \t\r\n)"));
		}
		break;
	}
	wp_buf_release(&text);
	return 0;
}

/* --- building --- */

static void flags_release(struct cflags *f)
{
	free(f->cc);
	free(f->cxx);
	free(f->cflags);
	free(f->cxxflags);
	free(f->ldflags);
	free(f->opt);
	free(f->defs);
}

/* The drivers as CC/CXX (with the target, sysroot and header search) and
 * the flags, for make and plain builds; CMake gets the same through its
 * toolchain file. */
static int make_flags(struct bctx *c, int emscripten, struct cflags *f)
{
	const struct toolchain *t = &c->tc;
	struct wp_buf cc = WP_BUF_INIT(WP_BUF_UNLIMITED), cxx = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct wp_buf cf = WP_BUF_INIT(WP_BUF_UNLIMITED), ld = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct wp_buf defs = WP_BUF_INIT(WP_BUF_UNLIMITED);
	int err = 0;

	memset(f, 0, sizeof(*f));
	wp_buf_puts(&cc, t->cc);
	wp_buf_puts(&cxx, t->cxx);
	wp_buf_puts(&cf, c->o->debug ? "-O0 -g" : "-O2");
	if (emscripten) {
		wp_buf_puts(&ld, "-sSTANDALONE_WASM --oformat=wasm");
		if (c->wasm_eh) { /* C++ exceptions as wasm exception handling */
			wp_buf_puts(&cf, " -fwasm-exceptions");
			wp_buf_puts(&ld, " -fwasm-exceptions");
		}
	} else {
		if (t->sysroot) {
			wp_buf_printf(&cc, " --target=%s --sysroot=%s", t->target, t->sysroot);
			wp_buf_printf(&cxx, " --target=%s --sysroot=%s", t->target, t->sysroot);
		} else {
			wp_buf_printf(&cc, " --target=%s", t->target);
			wp_buf_printf(&cxx, " --target=%s", t->target);
		}
		if ((err = cwasi_includes(c, c->compat_inc, 0, &cc)) < 0 || (err = cwasi_includes(c, c->compat_inc, 1, &cxx)) < 0 ||
		    (err = cwasi_cflags(c, &defs)) < 0)
			goto done;
		wp_buf_puts(&cf, wp_buf_cstr(&defs));
	}
	if ((err = cwasi_ldflags(c, emscripten, &ld)) < 0)
		goto done;
	if (!(f->cc = strdup(wp_buf_cstr(&cc))) || !(f->cxx = strdup(wp_buf_cstr(&cxx))) ||
	    !(f->cflags = strdup(wp_buf_cstr(&cf))) ||
	    asprintf(&f->cxxflags, "%s%s", wp_buf_cstr(&cf), emscripten ? "" : " -fno-exceptions") < 0 ||
	    !(f->ldflags = strdup(wp_buf_cstr(&ld) + (*wp_buf_cstr(&ld) == ' '))) ||
	    !(f->opt = strdup(c->o->debug ? "-O0 -g" : "-O2")) ||
	    !(f->defs = strdup(wp_buf_cstr(&defs) + (*wp_buf_cstr(&defs) == ' '))))
		err = wp_error_set(WP_ENOMEM, "out of memory");
done:
	wp_buf_release(&defs);
	wp_buf_release(&cc);
	wp_buf_release(&cxx);
	wp_buf_release(&cf);
	wp_buf_release(&ld);
	return err;
}

/* What a header WASI lacks usually means. */
static const char *header_hint(const char *h)
{
	static const struct { const char *header, *hint; } hints[] = {
		{ "setjmp.h", "setjmp/longjmp need the WebAssembly exception-handling instructions: build with --exceptions wasm (clang) instead of none" },
		{ "pthread.h", "WASI preview1 has no threads" },
		{ "sys/socket.h", "WASI preview1 has no sockets API" },
		{ "netdb.h", "WASI preview1 has no sockets API" },
		{ "sys/wait.h", "WASI has no processes (fork, exec, wait)" },
		{ "spawn.h", "WASI has no processes (fork, exec, wait)" },
		{ "termios.h", "WASI has no terminals" },
		{ "dlfcn.h", "WASI has no dynamic loading" },
	};
	size_t i;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (!strcmp(h, hints[i].header))
			return hints[i].hint;
	return NULL;
}

/* A compiler's name for a project file, relative to a build directory
 * ("../../home/u/proj/src/x.c"), as the project's "src/x.c": the longest
 * tail of it that names a file in the project. */
static const char *project_path(struct bctx *c, const char *from)
{
	const char *p = from;

	if (*p == '/' && !strncmp(p, c->dir, strlen(c->dir)) && p[strlen(c->dir)] == '/')
		return p + strlen(c->dir) + 1;
	for (; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
		if (*p && strncmp(p, "../", 3) && strncmp(p, "./", 2) && bctx_file_exists(c, p))
			return p;
	}
	return from;
}

/* A failed step's error, explaining a `throw` under -fno-exceptions and a
 * header or function that WASI does not have from the end of its output. */
static int explain(struct bctx *c, int err, const struct wp_buf *tail, int emscripten)
{
	char *header = NULL, *from = NULL;

	if (!emscripten && strstr(wp_buf_cstr(tail), "with exceptions disabled")) {
		char msg[2048];
		snprintf(msg, sizeof(msg), "%s", wp_error_last());
		err = wp_error_set(err, "%s (%s)", msg, THROW_HINT);
	} else if (!emscripten && c->tc.clanginc && cwasi_missing_header(wp_buf_cstr(tail), &header, &from) > 0) {
		const char *hint = header_hint(header), *rel = project_path(c, from);
		err = wp_error_set(err, "%s is not available in WASI (wasi-libc): included from %s%s%s", header, rel,
				   hint ? "; " : "", hint ? hint : "");
	} else if (!emscripten && cwasi_missing_function(wp_buf_cstr(tail), &header, &from) > 0) {
		err = wp_error_set(err, "%s%s%s calls %s, which WASI does not have (%s)", from ? "the program (" : "the program",
				   from ? project_path(c, from) : "", from ? ")" : "", header, cwasi_limit(header));
	}
	free(header);
	free(from);
	return err;
}

int cfamily_run_step(struct bctx *c, int i, int emscripten)
{
	struct wp_buf tail = WP_BUF_INIT(WP_BUF_UNLIMITED);
	int err = bctx_run(c, i, &tail);

	if (err < 0)
		err = explain(c, err, &tail, emscripten);
	wp_buf_release(&tail);
	return err;
}

/* Sources only: one source is compiled and linked by one compiler run;
 * several are compiled side by side (c->jobs at once, each with its own
 * language's driver) and then linked, with C++'s driver when any is C++.
 * emcc (a Python program ~0.3 s to start) compiles several sources of one
 * language in its one run, and so does clang when buildArgs are given
 * (they may name more sources, or link options a -c run would reject). */
static int build_plain(struct bctx *c, const struct cscan *s, const struct cflags *f, int emscripten)
{
	struct wp_strv argv = { NULL, 0 }, objs = { NULL, 0 };
	struct wp_buf tail = WP_BUF_INIT(WP_BUF_UNLIMITED);
	size_t k, nsrc = s->csrc.n + s->cxxsrc.n;
	int mixed = s->csrc.n && s->cxxsrc.n, err = 0, i, first = -1;
	/* buildArgs may name sources or link options: one run, as before */
	int apart = nsrc > 1 && (mixed || (!emscripten && !c->nbuild_args));

	if (asprintf(&c->artifact, "%s/%s.wasm", c->out_dir, c->dirname) < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (k = 0; apart && k < nsrc && err == 0; k++) {
		int is_c = k < s->csrc.n;
		const char *src = is_c ? s->csrc.v[k] : s->cxxsrc.v[k - s->csrc.n];
		wp_strv_release(&argv);
		if ((err = wp_strv_add_words(&argv, is_c ? f->cc : f->cxx)) < 0 ||
		    (err = wp_strv_add_words(&argv, is_c ? f->cflags : f->cxxflags)) < 0 ||
		    (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0 ||
		    (err = wp_strv_add(&argv, "-c")) < 0 || (err = wp_strv_add(&argv, src)) < 0 ||
		    (err = wp_strv_add(&argv, "-o")) < 0 || (err = wp_strv_addf(&objs, "%s/obj%zu.o", c->out_dir, k)) < 0 ||
		    (err = wp_strv_add(&argv, objs.v[k])) < 0)
			break;
		if ((i = bctx_step(c, c->dir, NULL, argv.v)) < 0)
			err = i;
		else if (first < 0)
			first = i;
	}
	if (err == 0 && apart && (err = bctx_run_parallel(c, first, (int)nsrc, &tail)) < 0)
		err = explain(c, err, &tail, emscripten);
	if (err < 0)
		goto done;
	wp_strv_release(&argv);
	if ((err = wp_strv_add_words(&argv, s->cxxsrc.n ? f->cxx : f->cc)) < 0 ||
	    (err = wp_strv_add_words(&argv, s->cxxsrc.n ? f->cxxflags : f->cflags)) < 0 ||
	    (err = wp_strv_add_words(&argv, f->ldflags)) < 0 ||
	    (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0)
		goto done;
	if (apart)
		err = wp_strv_add_all(&argv, objs.v, objs.n);
	else
		err = wp_strv_add_all(&argv, s->cxxsrc.n ? s->cxxsrc.v : s->csrc.v, s->cxxsrc.n ? s->cxxsrc.n : s->csrc.n);
	if (err < 0 || (err = wp_strv_add(&argv, "-o")) < 0 || (err = wp_strv_add(&argv, c->artifact)) < 0)
		goto done;
	if ((i = bctx_step(c, c->dir, NULL, argv.v)) < 0 || (err = cfamily_run_step(c, i, emscripten)) < 0)
		err = i < 0 ? i : err;
done:
	wp_strv_release(&argv);
	wp_strv_release(&objs);
	wp_buf_release(&tail);
	return err;
}

/* Whether make builds the configured tree bdir: its CMakeCache.txt says
 * "Unix Makefiles" (a -G Ninja in buildArgs or CMAKE_GENERATOR says
 * otherwise); before configuring (a dry run), unless CMAKE_GENERATOR. */
static int make_generator(const char *bdir)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char *cache = wp_path_join(bdir, "CMakeCache.txt");
	const char *g;
	int r;

	if (cache && wp_fs_read_file(cache, 4 << 20, &b) == 0 && wp_buf_append(&b, "", 1) == 0)
		r = (g = strstr((const char *)b.data, "\nCMAKE_GENERATOR:INTERNAL=")) &&
		    !strncmp(g + strlen("\nCMAKE_GENERATOR:INTERNAL="), "Unix Makefiles\n", 15);
	else
		r = !getenv("CMAKE_GENERATOR");
	wp_error_clear();
	free(cache);
	wp_buf_release(&b);
	return r;
}

/* The toolchain file: compilers, archiver, flags, and our WASI platform
 * (cwasi.c) on CMAKE_MODULE_PATH, as wasi-sdk's toolchain file does. */
static int write_cmake_toolchain(struct bctx *c, const char *path, const char *modules)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED), cinc = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct wp_buf cxxinc = WP_BUF_INIT(WP_BUF_UNLIMITED), cf = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct wp_buf ld = WP_BUF_INIT(WP_BUF_UNLIMITED);
	const struct toolchain *t = &c->tc;
	int err;

	if ((err = cwasi_includes(c, c->compat_inc, 0, &cinc)) < 0 || (err = cwasi_includes(c, c->compat_inc, 1, &cxxinc)) < 0 ||
	    (err = cwasi_cflags(c, &cf)) < 0 || (err = cwasi_ldflags(c, 0, &ld)) < 0)
		goto done;
	wp_buf_printf(&b, "# written by wasmpack: a WASI (wasm32) cross build\n"
			  "list(APPEND CMAKE_MODULE_PATH \"%s\")\n"
			  "set(CMAKE_SYSTEM_NAME WASI)\nset(CMAKE_SYSTEM_VERSION 1)\n"
			  "set(CMAKE_SYSTEM_PROCESSOR wasm32)\n"
			  "set(CMAKE_C_COMPILER \"%s\")\nset(CMAKE_CXX_COMPILER \"%s\")\n"
			  "set(CMAKE_C_COMPILER_TARGET %s)\nset(CMAKE_CXX_COMPILER_TARGET %s)\n"
			  "set(CMAKE_AR \"%s\" CACHE FILEPATH \"\")\nset(CMAKE_RANLIB \"%s\" CACHE FILEPATH \"\")\n"
			  "set(CMAKE_C_FLAGS_INIT \"%s%s\")\n"
			  "set(CMAKE_CXX_FLAGS_INIT \"-fno-exceptions%s%s\")\n"
			  "set(CMAKE_EXE_LINKER_FLAGS_INIT \"%s\")\n"
			  "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)\n"
			  "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)\n"
			  "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)\n",
		      modules, t->cc, t->cxx, t->target, t->target, t->ar, t->ranlib, wp_buf_cstr(&cinc),
		      wp_buf_cstr(&cf), wp_buf_cstr(&cxxinc), wp_buf_cstr(&cf), wp_buf_cstr(&ld) + 1);
	if (t->sysroot)
		wp_buf_printf(&b, "set(CMAKE_SYSROOT \"%s\")\n", t->sysroot);
	err = b.data ? wp_fs_write_atomic(path, b.data, b.len, 0644) : wp_error_set(WP_ENOMEM, "out of memory");
done:
	wp_buf_release(&b);
	wp_buf_release(&cinc);
	wp_buf_release(&cxxinc);
	wp_buf_release(&cf);
	wp_buf_release(&ld);
	return err;
}

/* A persistent build directory per project, profile and toolchain, so
 * CMake rebuilds are incremental; a fresh one with --no-cache. */
static int work_dir(struct bctx *c, char **out)
{
	struct wp_buf k = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char digest[OCI_DIGEST_SIZE], *work = NULL;
	int err;

	if (c->o->no_cache || c->o->dry_run)
		return (*out = wp_path_join(c->out_dir, "cmake")) ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
	wp_buf_printf(&k, "%s\n%s\n%s\n%d\n", c->dir, c->ops->name, c->tc.identity ? c->tc.identity : "",
		      c->o->debug);
	if (!k.data || (err = oci_digest(k.data, k.len, digest)) < 0 || (err = cache_subdir("work", &work)) < 0) {
		wp_buf_release(&k);
		wp_error_clear();
		return (*out = wp_path_join(c->out_dir, "cmake")) ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
	}
	wp_buf_release(&k);
	if (asprintf(out, "%s/%.32s", work, oci_digest_hex(digest)) < 0)
		*out = NULL;
	free(work);
	return *out ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

/* What a reused CMake build tree was left as: the configure command, the
 * toolchain file and CMakeCache.txt, hashed into WORK/tree.sha256 after a
 * build.  A tree whose state differs (a launcher or compiler planted in
 * its cache, another configuration) is never reused: it is removed and
 * configured afresh. */
static int tree_state(const char *bdir, const char *tcfile, const struct wp_strv *argv, char out[OCI_DIGEST_SIZE])
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char *cache = wp_path_join(bdir, "CMakeCache.txt");
	size_t i;
	int err;

	if (!cache)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < argv->n; i++)
		wp_buf_printf(&b, "%s\n", argv->v[i]);
	wp_buf_printf(&b, "--\n");
	if ((err = wp_fs_read_file(tcfile, 1 << 20, &b)) == WP_ENOTFOUND)
		err = 0, wp_error_clear();
	if (err == 0 && (err = wp_buf_printf(&b, "\n--\n")) == 0 && (err = wp_fs_read_file(cache, 64 << 20, &b)) == 0)
		err = oci_digest(b.data, b.len, out);
	free(cache);
	wp_buf_release(&b);
	return err;
}

static int tree_check(const char *work, const char *bdir, const char *tcfile, const struct wp_strv *argv)
{
	char want[OCI_DIGEST_SIZE], *rec = wp_path_join(work, "tree.sha256");
	struct wp_buf have = WP_BUF_INIT(OCI_DIGEST_SIZE);
	int keep, err = 0;

	if (!rec)
		return wp_error_set(WP_ENOMEM, "out of memory");
	keep = wp_fs_read_file(rec, OCI_DIGEST_SIZE, &have) == 0 && tree_state(bdir, tcfile, argv, want) == 0 &&
	       have.len == strlen(want) && memcmp(have.data, want, have.len) == 0;
	wp_error_clear();
	if (!keep) {
		unlink(rec);
		if ((err = wp_fs_remove_tree(bdir)) == 0)
			err = wp_fs_mkdirs(bdir, 0755, NULL);
	}
	free(rec);
	wp_buf_release(&have);
	return err;
}

static int tree_record(const char *work, const char *bdir, const char *tcfile, const struct wp_strv *argv)
{
	char state[OCI_DIGEST_SIZE], *rec = wp_path_join(work, "tree.sha256");
	int err;

	if (!rec)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = tree_state(bdir, tcfile, argv, state)) == 0)
		err = wp_fs_write_atomic(rec, state, strlen(state), 0644);
	free(rec);
	return err;
}

static int build_cmake(struct bctx *c, const struct cscan *s, const struct cflags *f, int emscripten)
{
	struct wp_strv argv = { NULL, 0 }, configure = { NULL, 0 }, benv = { NULL, 0 };
	struct stamps old = { NULL, 0 };
	char *work = NULL, *bdir = NULL, *tcfile = NULL, *modules = NULL, *target = NULL;
	int err, i, lock = -1;

	if ((err = work_dir(c, &work)) < 0)
		return err;
	if (!(bdir = wp_path_join(work, "build")) || !(tcfile = wp_path_join(work, "wasi.cmake"))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (!c->o->dry_run) {
		if ((err = wp_fs_mkdirs(bdir, 0755, NULL)) < 0 || (lock = err = wp_fs_lock_dir(work)) < 0)
			goto done;
		if (!emscripten && ((err = cwasi_cmake_platform(work, &modules)) < 0 ||
				    (err = write_cmake_toolchain(c, tcfile, modules)) < 0))
			goto done;
	}
	if (emscripten && (err = wp_strv_add(&argv, "emcmake")) < 0)
		goto done;
	if ((err = wp_strv_add(&argv, "cmake")) < 0 || (err = wp_strv_add(&argv, "-S")) < 0 ||
	    (err = (*s->sub ? wp_strv_addf(&argv, "%s/%s", c->dir, s->sub) : wp_strv_add(&argv, c->dir))) < 0 ||
	    (err = wp_strv_add(&argv, "-B")) < 0 ||
	    (err = wp_strv_add(&argv, bdir)) < 0 ||
	    (err = wp_strv_addf(&argv, "-DCMAKE_BUILD_TYPE=%s", c->o->debug ? "Debug" : "Release")) < 0 ||
	    /* a module is one program: no shared libraries, no test targets */
	    (err = wp_strv_add(&argv, "-DBUILD_SHARED_LIBS=OFF")) < 0 ||
	    (err = wp_strv_add(&argv, "-DBUILD_TESTING=OFF")) < 0)
		goto done;
	if (!emscripten) {
		/* projects test it before project() (wasm3): a wasi-sdk's root,
		 * else the prefix of the clang in use (/usr/lib/llvm-16), which
		 * has bin/clang and bin/llvm-ar as a wasi-sdk's has */
		const char *end = c->tc.sysroot ? strstr(c->tc.sysroot, "/share/wasi-sysroot") : NULL;
		const char *from = end ? c->tc.sysroot : c->tc.cc;
		if (!end)
			end = strstr(c->tc.cc, "/bin/");
		if (end && (err = wp_strv_addf(&argv, "-DWASI_SDK_PREFIX=%.*s", (int)(end - from), from)) < 0)
			goto done;
	}
	if (emscripten)
		err = wp_strv_add(&argv, "-DCMAKE_EXECUTABLE_SUFFIX=.wasm") < 0 ||
		      wp_strv_addf(&argv, "-DCMAKE_EXE_LINKER_FLAGS=%s", f->ldflags) < 0 ||
		      (c->wasm_eh && wp_strv_add(&argv, "-DCMAKE_CXX_FLAGS=-fwasm-exceptions") < 0) ? WP_ENOMEM : 0;
	else
		err = wp_strv_addf(&argv, "-DCMAKE_TOOLCHAIN_FILE=%s", tcfile);
	if (err < 0 || (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0)
		goto done;
	if (!c->o->dry_run && ((err = tree_check(work, bdir, tcfile, &argv)) < 0 ||
			       (err = stamps_take(bdir, NULL, &old)) < 0 || (err = cmake_api_query(bdir)) < 0))
		goto done;
	if ((i = bctx_step(c, NULL, NULL, argv.v)) < 0 || (err = cfamily_run_step(c, i, emscripten)) < 0) {
		err = i < 0 ? i : err;
		goto done;
	}
	configure = argv;
	argv = (struct wp_strv){ NULL, 0 };
	/* only the program: not the tests, benchmarks, examples beside it */
	if (!c->o->dry_run && (err = cmake_api_pick(c, bdir, &target)) < 0)
		goto done;
	if (c->list_only) {
		/* detect: the configured tree serves the next build */
		if (tree_record(work, bdir, tcfile, &configure) < 0)
			wp_error_clear();
		goto done;
	}
	/* -jN, or, when make builds it (not ninja: -G Ninja in buildArgs or
	 * CMAKE_GENERATOR), build ./...'s jobserver through MAKEFLAGS */
	if ((err = wp_strv_add(&argv, "cmake")) < 0 || (err = wp_strv_add(&argv, "--build")) < 0 ||
	    (err = wp_strv_add(&argv, bdir)) < 0 ||
	    (err = make_generator(bdir) ? bctx_jobserver_env(c, "MAKEFLAGS", &benv) : 0) < 0 ||
	    (err == 0 && (err = wp_strv_addf(&argv, "-j%d", c->jobs)) < 0))
		goto done;
	if ((target || c->target) &&
	    ((err = wp_strv_add(&argv, "--target")) < 0 || (err = wp_strv_add(&argv, target ? target : c->target)) < 0))
		goto done;
	if ((i = bctx_step(c, NULL, benv.v, argv.v)) < 0 || (err = cfamily_run_step(c, i, emscripten)) < 0) {
		err = i < 0 ? i : err;
		goto done;
	}
	if (!c->o->dry_run && (err = artifact_find(c, bdir, "CMakeFiles", &old, &c->artifact)) == 0 &&
	    tree_record(work, bdir, tcfile, &configure) < 0)
		wp_error_clear(); /* not recorded: the next build configures afresh */
done:
	if (lock >= 0)
		wp_fs_unlock(lock);
	wp_strv_release(&argv);
	wp_strv_release(&configure);
	wp_strv_release(&benv);
	stamps_release(&old);
	free(work);
	free(bdir);
	free(tcfile);
	free(modules);
	free(target);
	return err;
}

int cfamily_require_tools(struct bctx *c)
{
	/* the programs each shape runs, and the Debian packages with them */
	static const char *const need[][3] = {
		{ "cmake", "cmake", "cmake" },
		{ "make", "make", "make" },
		{ "autoreconf", "autoconf", "autoconf automake libtool" },
		{ "automake", "automake", "autoconf automake libtool" },
		{ "libtoolize", "libtool", "autoconf automake libtool" },
		{ "meson", "meson", "meson ninja-build" },
		{ "ninja", "ninja", "meson ninja-build" },
	};
	struct cscan s;
	size_t i, from = 0, to = 0;
	int err;

	if ((err = cfamily_scan(c, &s)) < 0)
		return err;
	if (s.kind == CPROJ_CMAKE)
		from = 0, to = 1;
	else if (s.kind == CPROJ_MAKE || (s.kind == CPROJ_AUTOTOOLS && !strcmp(s.file, "configure")))
		from = 1, to = 2;
	else if (s.kind == CPROJ_AUTOTOOLS)
		from = 1, to = 5;
	else if (s.kind == CPROJ_MESON)
		from = 5, to = 7;
	for (i = from; i < to && err == 0; i++) {
		char *path = tc_which(need[i][0]);
		if (!path)
			err = wp_error_set(WP_ENOTFOUND, "%s needs %s, which is not installed (apt-get install %s)", s.file,
					   need[i][0], need[i][2]);
		free(path);
	}
	cscan_release(&s);
	return err;
}

/* The WebAssembly exception-handling instructions, for setjmp/longjmp
 * with clang (-mllvm -wasm-enable-sjlj: needs the compat library, so not
 * with --strict-wasi) or C++ exceptions with emscripten
 * (-fwasm-exceptions): --exceptions wasm, or auto when the sources use
 * setjmp.h / catch. */
static int use_wasm_eh(struct bctx *c, int emscripten)
{
	int uses;

	if (c->o->exceptions == BUILDER_EXCEPTIONS_NONE || (!emscripten && (c->o->strict_wasi || !c->tc.clanginc)))
		return 0;
	if (c->o->exceptions == BUILDER_EXCEPTIONS_WASM)
		uses = 1;
	else if ((uses = cwasi_sources_use(c, emscripten ? "catch" : "setjmp.h", emscripten)) < 0)
		return uses;
	if (emscripten)
		c->wasm_eh = uses;
	else
		c->sjlj = uses;
	if (uses && !c->list_only)
		bctx_note(c, "%s are built with the WebAssembly exception-handling instructions (%s, the legacy try/catch form): "
			     "wasmpack run, node/V8 and browsers run such modules, wasmtime does not (--exceptions none builds without)",
			  emscripten ? "C++ exceptions" : "setjmp/longjmp", emscripten ? "-fwasm-exceptions" : "-mllvm -wasm-enable-sjlj");
	return 0;
}

int cfamily_build(struct bctx *c, int emscripten)
{
	struct cscan s;
	struct cflags f;
	int err;

	memset(&f, 0, sizeof(f));
	if ((err = cfamily_scan(c, &s)) < 0)
		return err;
	if ((err = use_wasm_eh(c, emscripten)) < 0)
		goto done;
	if ((!emscripten && (err = compat_prepare(c)) < 0) || (err = make_flags(c, emscripten, &f)) < 0)
		goto done;
	if (c->list_only && s.kind != CPROJ_CMAKE && s.kind != CPROJ_MESON && s.kind != CPROJ_MAKE) {
		/* autotools: make's default goal (configure is the build's); plain: one program */
		err = targets_record(c, "-", s.kind == CPROJ_PLAIN ? c->dirname : NULL,
				     s.kind == CPROJ_PLAIN ? "every source file, linked into one program" : "make's default goal");
		goto done;
	}
	switch (s.kind) {
	case CPROJ_CMAKE:
		err = build_cmake(c, &s, &f, emscripten);
		break;
	case CPROJ_MESON:
		err = emscripten ? wp_error_set(WP_EUSAGE, "%s: Meson projects are built with clang and wasi-libc (--builder c), not emscripten", s.file)
				 : meson_build(c, &s, &f);
		break;
	case CPROJ_MAKE:
	case CPROJ_AUTOTOOLS:
		err = make_build(c, &s, &f, emscripten);
		break;
	case CPROJ_PLAIN:
		err = build_plain(c, &s, &f, emscripten);
		break;
	default:
		err = wp_error_set(WP_ENOTFOUND, "%s: no CMakeLists.txt, Makefile or C/C++ sources", c->dir);
	}
done:
	flags_release(&f);
	cscan_release(&s);
	return err;
}
