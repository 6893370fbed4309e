/*
 * make.c - Makefile and autotools projects.
 *
 * The build runs in a private copy of the project.  For a plain Makefile
 * the drivers are CC/CXX on make's command line (which reaches sub-makes
 * through MAKEFLAGS) and carry everything WASI needs: the target, the
 * header search, the emulation macros, the stack and the libraries.  The
 * project's own CFLAGS, CXXFLAGS and LDFLAGS stay the project's: only the
 * optimization level comes from the environment, which a Makefile that
 * sets CFLAGS itself overrides.  AR and RANLIB are replaced, because the
 * host's cannot index wasm objects.
 *
 * With no --target, the goal is a target named like the project when the
 * Makefile has one (lz4's `lz4`, not its default `all` that also builds a
 * shared library), found in make's own database (`make -p`), else make's
 * default goal.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "inputs.h"
#include "internal.h"

/* The goal `make -p` names in its database ("NAME: deps" lines in the
 * files section, except those marked "# Not a target:"), matching WANT.
 * 1 found, 0 not. */
static int database_has(const char *db, const char *want)
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
			if (!not_target && n > wl && !strncmp(line, want, wl) && line[wl] == ':' &&
			    (n == wl + 1 || line[wl + 1] != '='))
				return 1;
			not_target = 0;
		}
		line = end ? end + 1 : NULL;
	}
	return 0;
}

/* A goal named like the project, when the Makefile has one. */
static int pick_goal(struct bctx *c, const char *dir, const struct wp_strv *vars, char **goal)
{
	struct wp_strv argv = { NULL, 0 };
	struct wp_buf db = WP_BUF_INIT(64 * 1024 * 1024);
	const char *names[3];
	char lower[256];
	size_t i, k;
	int err;

	*goal = NULL;
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
		if (*names[i] && database_has(wp_buf_cstr(&db), names[i]) && !(*goal = strdup(names[i])))
			err = wp_error_set(WP_ENOMEM, "out of memory");
	if (*goal && !c->list_only)
		bctx_note(c, "building make target %s (named like the project; --target NAME picks another)", *goal);
done:
	wp_strv_release(&argv);
	wp_buf_release(&db);
	return err;
}

/* CC=..., CXX=..., AR=..., RANLIB=... for make's command line, and the
 * optimization level for its environment. */
static int make_vars(struct bctx *c, const struct cflags *f, int emscripten, struct wp_strv *vars,
		     struct wp_strv *env)
{
	/* link flags reach compiles too: clang is told not to mind */
	const char *q = emscripten || strstr(f->cc, "-Qunused-arguments") ? "" : " -Qunused-arguments";
	int err;

	if ((err = wp_strv_addf(vars, "CC=%s%s %s %s", f->cc, q, f->defs, f->ldflags)) < 0 ||
	    (err = wp_strv_addf(vars, "CXX=%s%s %s%s %s", f->cxx, q, f->defs, emscripten ? "" : " -fno-exceptions",
				f->ldflags)) < 0 ||
	    (err = wp_strv_addf(vars, "AR=%s", c->tc.ar)) < 0 || (err = wp_strv_addf(vars, "RANLIB=%s", c->tc.ranlib)) < 0 ||
	    (err = wp_strv_addf(env, "CFLAGS=%s", f->opt)) < 0 || (err = wp_strv_addf(env, "CXXFLAGS=%s", f->opt)) < 0)
		return err;
	return 0;
}

int make_build(struct bctx *c, const struct cscan *s, const struct cflags *f, int emscripten)
{
	struct inputs in;
	struct wp_strv argv = { NULL, 0 }, rel = { NULL, 0 }, vars = { NULL, 0 }, env = { NULL, 0 };
	struct stamps old = { NULL, 0 };
	char *copy = wp_path_join(c->out_dir, "src"), *sub = NULL, *goal = NULL;
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
	if ((err = wp_strv_add(&argv, "make")) < 0 || (err = wp_strv_addf(&argv, "-j%d", c->jobs)) < 0)
		goto done;
	if (s->kind == CPROJ_AUTOTOOLS) {
		/* configure bakes the drivers and flags into the Makefiles */
		if ((err = autotools_configure(c, copy, !strcmp(s->file, "configure") ? s->file : NULL, f)) < 0)
			goto done;
	} else {
		if ((err = make_vars(c, f, emscripten, &vars, &env)) < 0 ||
		    (err = wp_strv_add_all(&argv, vars.v, vars.n)) < 0)
			goto done;
		if (!c->target && !c->o->dry_run && (err = pick_goal(c, sub ? sub : copy, &vars, &goal)) < 0)
			goto done;
	}
	if (c->list_only) {
		err = targets_record(c, "-", c->target ? c->target : goal,
				     c->target ? "--target (or \"target\" in wasmpack.json)"
				     : goal ? "named like the project" : "make's default goal");
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
