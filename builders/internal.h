/*
 * internal.h - what the builders share: the per-build context, the
 * builder operations table, toolchain facts, the plan of commands and
 * how they run.  Not for cmd/ (which sees builder.h only).
 */
#ifndef BUILDERS_INTERNAL_H
#define BUILDERS_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "../common/buf.h"
#include "../common/jobserver.h"
#include "../common/strv.h"
#include "../oci/digest.h"
#include "builder.h"

/* What a builder found to compile with.  Fields a builder does not use
 * stay NULL. */
struct toolchain {
	char *display;  /* "clang 16.0.6 (wasi-libc)", for facts and messages */
	char *identity; /* cheap fingerprint (paths, sizes, mtimes) + version */
	char *note;     /* a fallback was used: which, and why */
	char *cc, *cxx, *ar, *ranlib; /* C family drivers */
	char *target;   /* --target / rust triple / GOOS value */
	char *sysroot;  /* --sysroot for a wasi-sdk layout */
	char *cxxinc;   /* Debian's wasm32 libc++ include directory */
	char *clanginc; /* Debian: clang's own headers (stddef.h ...), searched */
	char *libcinc;  /* ... with wasi-libc's and nothing else (-nostdinc) */
	char *tool;     /* rustc, go, tinygo, node */
	char *tool2;    /* cargo, npm */
};
void toolchain_release(struct toolchain *t);

/* One command of the plan. */
struct step {
	char *cwd;
	struct wp_strv env;  /* NAME=VALUE overrides */
	struct wp_strv argv;
};

struct bctx;

struct builder_ops {
	const char *name;
	/* 1 pass, 0 fail (reason says why in both cases), < 0 error */
	int (*detect)(struct bctx *c, char **reason);
	/* 0 found (t filled), WP_ENOTFOUND with the install hint as message */
	int (*toolchain)(struct bctx *c, struct toolchain *t);
	/* project name/version into c->name, c->version (may run tools) */
	int (*facts)(struct bctx *c);
	/* compile (or plan, for a dry run); sets c->artifact */
	int (*build)(struct bctx *c);
};

struct bctx {
	const struct builder_opts *o;
	const struct builder_ops *ops;
	char *dir;          /* absolute project directory */
	char *dirname;      /* its last component */
	struct toolchain tc;
	const char *bin;     /* opts->bin, else wasmpack.json's */
	const char *target;  /* opts->target, else wasmpack.json's */
	const char *wasm;    /* wasmpack.json's "wasm" */
	char *const *build_args;
	size_t nbuild_args;
	char *name, *version; /* facts */
	char *out_dir;      /* private directory for outputs */
	char *artifact;     /* the built module */
	struct step *steps; /* the plan */
	size_t nsteps;
	int jobs;           /* parallel compile jobs */
	int jobs_shared;    /* WASMPACK_BUILD_JOBS: the cores are shared with other
			     * builds, so a toolchain is held to `jobs` (not go) ... */
	struct wp_jobserver js; /* ... unless it can take them from build ./...'s
				 * jobserver (make, cargo, side-by-side compiles) */
	char *tdir, *tname; /* builder-private: rust's target dir and binary */
	char *compat_inc, *compat_lib; /* compat.c: its headers and archive's directory */
	int list_only;      /* detect: find the targets (configure), build nothing */
	int sjlj;           /* setjmp/longjmp as wasm exception handling (cwasi.c) */
	int wasm_eh;        /* emscripten: C++ exceptions as wasm exception handling */
	char *target_list, *target_choice, *target_why; /* ... what was found */
};

extern const struct builder_ops builder_rust, builder_go, builder_tinygo, builder_assemblyscript,
	builder_cpp, builder_c, builder_emscripten, builder_prebuilt;

/* --- running commands (spawn.c) --- */

/* Add a step to the plan: argv NULL-terminated strings, env "K=V" list
 * (NULL-terminated, may be NULL).  Returns the step index. */
int bctx_step(struct bctx *c, const char *cwd, char *const *env, char *const *argv);
/* Run step i unless this is a dry run.  Output streams to opts->output;
 * when `tail` is not NULL, the last bytes of the output are kept there.
 * A non-zero exit is WP_ERROR naming the command. */
int bctx_run(struct bctx *c, int i, struct wp_buf *tail);
/* Plan and run in one go. */
int bctx_exec(struct bctx *c, const char *cwd, char *const *env, char *const *argv);
/* A step as one shell-quoted line ("cd DIR && K=V cmd args"). Malloc'ed. */
char *step_format(const struct step *s);
/* Run a query command (not part of the plan, also in dry runs) and capture
 * its stdout (stderr is discarded unless the command fails).  A non-zero
 * exit is WP_ERROR with the first stderr line. */
int spawn_capture(const char *cwd, char *const *env, char *const *argv, struct wp_buf *out);
/* Run steps first .. first + n - 1 (none in a dry run) with at most
 * c->jobs at once, as make -j --output-sync does: each step's output goes
 * to opts->output whole, in step order.  After a step fails no more
 * start; those running finish.  Its error names the first failed step,
 * and `tail` (may be NULL) has the end of that step's output. */
int bctx_run_parallel(struct bctx *c, int first, int n, struct wp_buf *tail);
/* Run query commands argvs[0 .. n) in cwd (not in the plan), at most
 * `max` at once (with a jobserver: one plus its tokens), their output
 * discarded.  A failure is WP_ERROR with the first failed command's first
 * output line. */
int spawn_batch(const char *cwd, char **const *argvs, size_t n, int max, const struct wp_jobserver *js);
/* Add NAME=" -jN --jobserver-auth=R,W" (MAKEFLAGS for make, CARGO_MAKEFLAGS
 * for cargo) to env when the build has build ./...'s jobserver: 1 when
 * added (the tool then gets no -j of its own), 0 when there is none. */
int bctx_jobserver_env(struct bctx *c, const char *name, struct wp_strv *env);
/* Emit a note line "wasmpack: note: ..." through opts->output. */
void bctx_note(struct bctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- toolchain discovery (toolchain.c) --- */

/* The full path of `name` found on PATH (or `name` itself when it holds a
 * '/' and is executable), malloc'ed; NULL when absent. */
char *tc_which(const char *name);
/* Whether P is a regular file we may execute. */
int tc_is_exec(const char *p);
/* Append "path:size:mtime;" of a file (after resolving symlinks) to b. */
int tc_fingerprint(struct wp_buf *b, const char *path);
/* The stdout of a probe command (argv, run in cwd), cached under the build
 * cache keyed by `material` (a fingerprint that changes when the answer
 * may), so a no-op rebuild does not pay for version queries.  Trailing
 * whitespace trimmed.  Malloc'ed into *out. */
int tc_probe(const char *material, const char *cwd, char *const *argv, char **out);
/* The first line of s, malloc'ed. */
char *tc_first_line(const char *s);

/* --- the C family (cfamily.c), used by clang.c and emscripten.c --- */

/* Which shape the C/C++ project has. */
enum cproj { CPROJ_NONE = 0, CPROJ_CMAKE, CPROJ_MESON, CPROJ_AUTOTOOLS, CPROJ_MAKE, CPROJ_PLAIN };
struct cscan {
	enum cproj kind;
	const char *file; /* CMakeLists.txt / Makefile name (under sub) */
	char sub[256];    /* the build file's directory ("" for the project's) */
	char subfile[512];
	struct wp_strv csrc, cxxsrc; /* plain sources, relative to the project */
	int cxx;          /* C++ is involved */
};
int cfamily_scan(struct bctx *c, struct cscan *s);
void cscan_release(struct cscan *s);
int cfamily_detect(struct bctx *c, int want_cxx, char **reason);
/* Build a C/C++ project with the drivers in c->tc.  emscripten selects
 * emcc's flags. */
int cfamily_build(struct bctx *c, int emscripten);
/* The drivers and flags of a C-family build (cfamily.c). */
struct cflags {
	char *cc, *cxx; /* driver + target (+ sysroot, header search) */
	char *cflags, *cxxflags, *ldflags;
	char *opt;      /* the profile's optimization: "-O2", "-O0 -g" */
	char *defs;     /* what WASI needs defined (emulations), may be "" */
};

/* Run plan step i, explaining the usual WASI failures in its error (a
 * header WASI lacks, `throw` under -fno-exceptions). */
int cfamily_run_step(struct bctx *c, int i, int emscripten);

/* --- make (make.c) --- */

/* Build a Makefile or autotools project in a private copy of it. */
int make_build(struct bctx *c, const struct cscan *s, const struct cflags *f, int emscripten);

/* --- Meson (meson.c) --- */

/* Build a Meson project with a generated WASI cross file (clang only). */
int meson_build(struct bctx *c, const struct cscan *s, const struct cflags *f);
/* The name and version of project('NAME', ..., version: 'V') in TEXT. */
int meson_facts(struct bctx *c, const char *text);

/* --- autotools (autotools.c) --- */

/* In DIR (a private copy): autoreconf -fi unless HAS_CONFIGURE, then
 * ./configure --host=wasm32-wasi with the drivers and flags of F. */
int autotools_configure(struct bctx *c, const char *dir, const char *has_configure, const struct cflags *f);
/* The name and version of AC_INIT([NAME], [VERSION]) in FILE. */
int autotools_facts(struct bctx *c, const char *file);

/* --- choosing the executable to build (targets.c) --- */

struct exe {
	char *name;
	char *dir;     /* where it is defined, relative to the project */
	char *src;     /* its first source file, relative to the project */
	int installed; /* the project installs it (install(TARGETS), install: true) */
};
int exe_add(struct exe **v, size_t *n, const char *name, const char *dir, const char *src, int installed);
void exes_free(struct exe *v, size_t n);
/* The target to build among V (malloc'ed into *target), as targets.c
 * explains; NONE is the error's start when V is empty.  With
 * c->list_only, the candidates and the choice go into c->target_* and
 * *target stays NULL. */
int targets_pick(struct bctx *c, const struct exe *v, size_t n, const char *none, char **target);
/* Set c->target_list, c->target_choice (may be NULL) and c->target_why. */
int targets_record(struct bctx *c, const char *list, const char *choice, const char *why);

/* --- CMake's File API (cmake_api.c) --- */

/* Ask CMake (before configuring BDIR) to describe its targets. */
int cmake_api_query(const char *bdir);
/* After configuring: the one executable target to build (malloc'ed), as
 * cmake_api.c explains; an error lists the candidates. */
int cmake_api_pick(struct bctx *c, const char *bdir, char **target);

/* --- C for WASI (cwasi.c) --- */

/* The stack size modules are linked with (--stack-size or the default). */
uint64_t cwasi_stack_size(const struct bctx *c);
/* Append (each with a leading space) the compile flags that enable
 * wasi-libc's emulations (none with --strict-wasi). */
int cwasi_cflags(const struct bctx *c, struct wp_buf *b);
/* Append the link flags: the stack size, the emulation libraries, the
 * compat library. */
int cwasi_ldflags(const struct bctx *c, int emscripten, struct wp_buf *b);
/* Append the header search: wasi-libc's (and libc++'s) headers only,
 * after the compat library's declarations in COMPAT (may be NULL). */
int cwasi_includes(const struct bctx *c, const char *compat, int cxx, struct wp_buf *b);
/* Why WASI lacks function NAME ("no processes: ..."), NULL when it is not
 * one wasmpack knows. */
const char *cwasi_limit(const char *name);
/* Whether compiler or linker output OUT says a function cwasi_limit knows
 * is missing: 1 with its name and the file calling it (NULL for a link
 * error), malloc'ed; 0 when not. */
int cwasi_missing_function(const char *out, char **name, char **from);
/* 1 when a C/C++ file (a C++ one with CXX) of the project mentions
 * NEEDLE, 0 when none. */
int cwasi_sources_use(struct bctx *c, const char *needle, int cxx);
/* Write WORK/cmake-modules/Platform/WASI.cmake; *module_dir (malloc'ed)
 * goes on CMAKE_MODULE_PATH. */
int cwasi_cmake_platform(const char *work, char **module_dir);
/* Whether compiler output OUT says a header was not found: 1 with the
 * header and the file including it (malloc'ed), 0 when not. */
int cwasi_missing_header(const char *out, char **header, char **from);

/* --- the compat library (compat.c) --- */

/* Build (or find in the build cache) libwasmpack-compat.a with c->tc and
 * set c->compat_inc, c->compat_lib; nothing with --strict-wasi. */
int compat_prepare(struct bctx *c);
/* The digest of the compat sources (part of the build's cache key). */
int compat_digest(char out[OCI_DIGEST_SIZE]);
/* Append to NAMES ("chmod, umask") the compat functions a linked module
 * WASM holds. */
int compat_linked(const void *wasm, size_t len, struct wp_buf *names);

/* The build system the project's shape needs (cmake, make) is installed:
 * part of the toolchain probe, before any build command runs. */
int cfamily_require_tools(struct bctx *c);
/* CMake's project(NAME VERSION x) from CMakeLists.txt, when present. */
int cfamily_facts(struct bctx *c);

/* --- outputs (artifact.c) --- */

/* Find the module a build wrote under `root`: regular files starting with
 * the \0asm magic that are not relocatable objects, skipping `skip_dir`
 * names (e.g. CMakeFiles) and files listed in `old` (relative paths that
 * existed before the build, with their size and mtime unchanged).  One
 * candidate (or several identical ones) -> its path; none or several
 * different ones -> an error listing them. */
struct stamp {
	char *rel;
	off_t size;
	long long mtime_ns;
};
struct stamps {
	struct stamp *v;
	size_t n;
};
int stamps_take(const char *root, const struct wp_strv *rel, struct stamps *out);
void stamps_release(struct stamps *s);
int artifact_find(struct bctx *c, const char *root, const char *skip_dir, const struct stamps *old,
		  char **out);

/* --- helpers --- */
int bctx_file_exists(struct bctx *c, const char *rel);
/* read DIR/rel as text (capped), WP_ENOTFOUND when absent */
int bctx_read(struct bctx *c, const char *rel, struct wp_buf *out);
int set_str(char **dst, const char *s);

#endif
