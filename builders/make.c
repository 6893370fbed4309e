/*
 * make.c - Makefile and autotools projects.
 *
 * The build runs in a private copy of the project.  For a plain Makefile
 * the drivers are CC/CXX on make's command line (which reaches sub-makes
 * through MAKEFLAGS) and carry everything WASI needs: the target, the
 * header search, the emulation macros, the stack and the libraries.  The
 * project's own CFLAGS, CXXFLAGS and LDFLAGS stay the project's: only the
 * optimization level comes from the environment, which a Makefile that
 * sets CFLAGS itself overrides.  `ar` and `ranlib` on make's PATH are the
 * toolchain's (the host's cannot index wasm objects), so a Makefile's own
 * AR and ARFLAGS keep working.
 *
 * With no --target, the goal is a target named like the project when the
 * Makefile has one (lz4's `lz4`, not its default `all` that also builds a
 * shared library), found in make's own database (`make -p`); else the
 * one program among the default goal's prerequisites (not a library, an
 * object, a test, a benchmark or an example); else make's default goal.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "inputs.h"
#include "internal.h"

/* The rule line of target WANT in make's database ("NAME: deps" in the
 * files section, except those marked "# Not a target:"), or NULL. */
static const char *database_rule(const char *db, const char *want)
{
	const char *line = db;
	int not_target = 0;
	size_t wl = strlen(want);

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		if (n == 15 && !strncmp(line, "# Not a target:", 15)) {
			not_target = 1;
		} else {
			/* not "NAME: VAR = value" (a target-specific variable) */
			if (!not_target && n > wl && !strncmp(line, want, wl) && line[wl] == ':' &&
			    !memchr(line + wl + 1, '=', n - wl - 1))
				return line;
			not_target = 0;
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

/* Not the program: a library, an object, a test or benchmark run, an
 * example, a housekeeping goal. */
static int side_goal(const char *g, size_t n)
{
	static const char *const words[] = { "test", "bench", "example", "fuzz", "demo", "sample", "smoke",
					      "check", "clean", "install", "doc", "lib" };
	char low[256];
	size_t i;

	if (n == 0 || n >= sizeof(low) || memchr(g, '%', n) || memchr(g, '$', n) || memchr(g, '/', n))
		return 1;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)g[i]);
	low[n] = '\0';
	if (strstr(low, ".so") || strstr(low, ".dll") || strstr(low, ".dylib") ||
	    (n > 2 && low[n - 2] == '.' && (low[n - 1] == 'a' || low[n - 1] == 'o')))
		return 1;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(low, words[i]))
			return 1;
	return 0;
}

/* The one program among the default goal's prerequisites (tinyexpr's
 * `all: smoke smoke_pr repl bench example`: repl), malloc'ed, or NULL. */
static char *default_prerequisite(const char *db)
{
	const char *p = strstr(db, "\n.DEFAULT_GOAL := "), *rule, *q, *end;
	char goal[256], *pick = NULL;
	int count = 0;

	if (!p)
		return NULL;
	p += strlen("\n.DEFAULT_GOAL := ");
	snprintf(goal, sizeof(goal), "%.*s", (int)strcspn(p, " \n"), p);
	if (!*goal || !(rule = database_rule(db, goal)))
		return NULL;
	q = rule + strlen(goal) + 1;
	end = q + strcspn(q, "\n|");
	while (q < end) {
		size_t n;
		while (q < end && *q == ' ')
			q++;
		n = strcspn(q, " \n|");
		if (q + n > end)
			n = (size_t)(end - q);
		if (n && !side_goal(q, n)) {
			char name[256];
			snprintf(name, sizeof(name), "%.*s", (int)n, q);
			if (database_rule(db, name) && !count++)
				pick = strdup(name);
		}
		q += n;
	}
	if (count != 1 || (pick && !strcmp(pick, goal))) {
		free(pick);
		return NULL;
	}
	return pick;
}

/* A goal named like the project, when the Makefile has one. */
static int pick_goal(struct bctx *c, const char *dir, const struct wp_strv *vars, char **goal, const char **why)
{
	struct wp_strv argv = { NULL, 0 };
	struct wp_buf db = WP_BUF_INIT(64 * 1024 * 1024);
	const char *names[3];
	char lower[256];
	size_t i, k;
	int err;

	*goal = NULL;
	*why = NULL;
	snprintf(lower, sizeof(lower), "%s", c->name ? c->name : c->dirname);
	for (k = 0; lower[k]; k++)
		lower[k] = (char)tolower((unsigned char)lower[k]);
	names[0] = c->name ? c->name : c->dirname;
	names[1] = c->dirname;
	names[2] = lower;
	/* an empty goal of our own: make prints its database and runs nothing */
	if ((err = wp_strv_add(&argv, "make")) < 0 || (err = wp_strv_add(&argv, "-p")) < 0 ||
	    (err = wp_strv_add(&argv, "-n")) < 0 || (err = wp_strv_add(&argv, "--eval=.wasmpack-probe:")) < 0 ||
	    (err = wp_strv_add_all(&argv, vars->v, vars->n)) < 0 || (err = wp_strv_add(&argv, ".wasmpack-probe")) < 0)
		goto done;
	if (spawn_capture(dir, NULL, argv.v, &db) < 0) {
		/* the build itself will say what is wrong with the Makefile */
		wp_error_clear();
		goto done;
	}
	for (i = 0; i < 3 && !*goal; i++)
		if (*names[i] && database_rule(wp_buf_cstr(&db), names[i]) && !(*goal = strdup(names[i])))
			err = wp_error_set(WP_ENOMEM, "out of memory");
	if (*goal) {
		*why = "named like the project";
	} else if ((*goal = default_prerequisite(wp_buf_cstr(&db)))) {
		*why = "the one program among the default goal's prerequisites";
	}
	if (*goal && !c->list_only)
		bctx_note(c, "building make target %s (%s; --target NAME picks another)", *goal, *why);
done:
	wp_strv_release(&argv);
	wp_buf_release(&db);
	return err;
}

/* `ar` and `ranlib` that are the toolchain's (the host's cannot index
 * wasm objects), first on make's PATH: a Makefile's own AR = ar rcu keeps
 * its flags, which AR= on the command line would drop. */
static int tool_dir(struct bctx *c, struct wp_strv *env)
{
	char *dir = wp_path_join(c->out_dir, "tools"), *ar = NULL, *ranlib = NULL;
	const char *path = getenv("PATH");
	int err;

	if (!dir || !(ar = wp_path_join(dir, "ar")) || !(ranlib = wp_path_join(dir, "ranlib"))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (!c->o->dry_run && ((err = wp_fs_mkdirs(dir, 0755, NULL)) < 0 ||
			       (symlink(c->tc.ar, ar) < 0 && (err = wp_error_errno(WP_EIO, "symlink %s", ar)) < 0) ||
			       (symlink(c->tc.ranlib, ranlib) < 0 && (err = wp_error_errno(WP_EIO, "symlink %s", ranlib)) < 0)))
		goto done;
	err = wp_strv_addf(env, "PATH=%s:%s", dir, path && *path ? path : "/usr/bin:/bin");
done:
	free(dir);
	free(ar);
	free(ranlib);
	return err;
}

/* CC=... and CXX=... for make's command line; the optimization level and
 * the PATH with the toolchain's ar and ranlib for its environment. */
static int make_vars(struct bctx *c, const struct cflags *f, int emscripten, struct wp_strv *vars,
		     struct wp_strv *env)
{
	/* link flags reach compiles too: clang is told not to mind */
	const char *q = emscripten || strstr(f->cc, "-Qunused-arguments") ? "" : " -Qunused-arguments";
	int err;

	if ((err = wp_strv_addf(vars, "CC=%s%s %s %s", f->cc, q, f->defs, f->ldflags)) < 0 ||
	    (err = wp_strv_addf(vars, "CXX=%s%s %s%s %s", f->cxx, q, f->defs, emscripten ? "" : " -fno-exceptions",
				f->ldflags)) < 0 ||
	    (err = wp_strv_addf(env, "CFLAGS=%s", f->opt)) < 0 || (err = wp_strv_addf(env, "CXXFLAGS=%s", f->opt)) < 0)
		return err;
	return tool_dir(c, env);
}

int make_build(struct bctx *c, const struct cscan *s, const struct cflags *f, int emscripten)
{
	struct inputs in;
	struct wp_strv argv = { NULL, 0 }, rel = { NULL, 0 }, vars = { NULL, 0 }, env = { NULL, 0 };
	struct stamps old = { NULL, 0 };
	char *copy = wp_path_join(c->out_dir, "src"), *sub = NULL, *goal = NULL;
	const char *why = NULL;
	int err, i;

	memset(&in, 0, sizeof(in));
	if (!copy)
		return wp_error_set(WP_ENOMEM, "out of memory");
	/* the build runs in a private copy: the project stays clean and no
	 * stale output from an earlier build can be mistaken for this one's */
	if (!c->o->dry_run) {
		if ((err = inputs_list(c->dir, c->o->exclude, c->o->nexclude, &in)) < 0 ||
		    (err = inputs_copy(c->dir, &in, copy)) < 0 || (err = wp_strv_add_all(&rel, in.rel, in.n)) < 0 ||
		    (err = stamps_take(copy, &rel, &old)) < 0)
			goto done;
	}
	if (*s->sub && !(sub = wp_path_join(copy, s->sub))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	/* -jN, or build ./...'s jobserver through MAKEFLAGS */
	if ((err = wp_strv_add(&argv, "make")) < 0 || (err = bctx_jobserver_env(c, "MAKEFLAGS", &env)) < 0 ||
	    (err == 0 && (err = wp_strv_addf(&argv, "-j%d", c->jobs)) < 0))
		goto done;
	if (s->kind == CPROJ_AUTOTOOLS) {
		/* configure bakes the drivers and flags into the Makefiles */
		if ((err = autotools_configure(c, copy, !strcmp(s->file, "configure") ? s->file : NULL, f)) < 0)
			goto done;
	} else {
		if ((err = make_vars(c, f, emscripten, &vars, &env)) < 0 ||
		    (err = wp_strv_add_all(&argv, vars.v, vars.n)) < 0)
			goto done;
		if (!c->target && !c->o->dry_run && (err = pick_goal(c, sub ? sub : copy, &vars, &goal, &why)) < 0)
			goto done;
	}
	if (c->list_only) {
		err = targets_record(c, "-", c->target ? c->target : goal,
				     c->target ? "--target (or \"target\" in wasmpack.json)" : goal ? why : "make's default goal");
		goto done;
	}
	if ((err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0 ||
	    ((c->target || goal) && (err = wp_strv_add(&argv, c->target ? c->target : goal)) < 0))
		goto done;
	if ((i = bctx_step(c, sub ? sub : copy, env.v, argv.v)) < 0) {
		err = i;
		goto done;
	}
	if ((err = cfamily_run_step(c, i, emscripten)) < 0 || c->o->dry_run)
		goto done;
	err = artifact_find(c, copy, NULL, &old, &c->artifact);
done:
	free(copy);
	free(sub);
	free(goal);
	wp_strv_release(&argv);
	wp_strv_release(&rel);
	wp_strv_release(&vars);
	wp_strv_release(&env);
	stamps_release(&old);
	inputs_release(&in);
	return err;
}
