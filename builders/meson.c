/*
 * meson.c - Meson projects: a cross file for WASI written by wasmpack,
 * `meson setup` in a private build directory, the executable chosen
 * among those `meson introspect --targets` lists (targets.c), and
 * `meson compile` of that one target.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

#define INTROSPECT_MAX (64 * 1024 * 1024)

/* A Meson array literal of the words of S: ['a', 'b']. */
static void array(struct wp_buf *b, const char *s)
{
	int first = 1;

	wp_buf_puts(b, "[");
	while (*s) {
		size_t n = strcspn(s, " "), k;
		if (n) {
			wp_buf_puts(b, first ? "'" : ", '");
			for (k = 0; k < n; k++)
				wp_buf_printf(b, "%s%c", s[k] == '\'' || s[k] == '\\' ? "\\" : "", s[k]);
			wp_buf_puts(b, "'");
			first = 0;
		}
		s += n;
		while (*s == ' ')
			s++;
	}
	wp_buf_puts(b, "]");
}

/* Meson takes wasm-ld for ld.lld and adds GNU ld options wasm-ld does
 * not know (--start-group, --as-needed, --no-undefined ...): the drivers
 * link through a script that drops them. */
static int write_linker(const struct bctx *c, const char *path)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED);
	const char *slash = strrchr(c->tc.cc, '/');
	char *ld = NULL;
	int err;

	/* beside the clang in use (Debian's lld-16 puts it in /usr/lib/llvm-16/bin),
	 * else on PATH */
	if (slash && asprintf(&ld, "%.*s/wasm-ld", (int)(slash - c->tc.cc), c->tc.cc) >= 0 && !tc_is_exec(ld)) {
		free(ld);
		ld = NULL;
	}
	if (!ld)
		ld = tc_which("wasm-ld");

	if (!ld)
		return wp_error_set(WP_ENOTFOUND, "wasm-ld is not installed (apt-get install lld-16)");
	wp_buf_printf(&b, "#!/bin/sh\n"
			  "# written by wasmpack: wasm-ld without the GNU ld options Meson adds for ld.lld\n"
			  "for a; do\n\tshift\n\tcase $a in\n"
			  "\t--start-group|--end-group|--as-needed|--no-as-needed|--no-undefined|--allow-shlib-undefined) ;;\n"
			  "\t*) set -- \"$@\" \"$a\" ;;\n\tesac\ndone\nexec '%s' \"$@\"\n", ld);
	err = b.data ? wp_fs_write_atomic(path, b.data, b.len, 0755) : wp_error_set(WP_ENOMEM, "out of memory");
	free(ld);
	wp_buf_release(&b);
	return err;
}

static int write_cross_file(struct bctx *c, const struct cflags *f, const char *path, const char *linker)
{
	struct wp_buf b = WP_BUF_INIT(WP_BUF_UNLIMITED), drv = WP_BUF_INIT(WP_BUF_UNLIMITED);
	int err;

	wp_buf_puts(&b, "# written by wasmpack: a WASI (wasm32) cross build\n[binaries]\nc = ");
	wp_buf_printf(&drv, "%s -fuse-ld=%s", f->cc, linker);
	array(&b, wp_buf_cstr(&drv));
	wp_buf_reset(&drv);
	wp_buf_printf(&drv, "%s -fuse-ld=%s", f->cxx, linker);
	wp_buf_puts(&b, "\ncpp = ");
	array(&b, wp_buf_cstr(&drv));
	wp_buf_release(&drv);
	wp_buf_printf(&b, "\nar = '%s'\nranlib = '%s'\n", c->tc.ar, c->tc.ranlib);
	wp_buf_puts(&b, "\n[built-in options]\nc_args = ");
	array(&b, f->cflags);
	wp_buf_puts(&b, "\ncpp_args = ");
	array(&b, f->cxxflags);
	wp_buf_puts(&b, "\nc_link_args = ");
	array(&b, f->ldflags);
	wp_buf_puts(&b, "\ncpp_link_args = ");
	array(&b, f->ldflags);
	/* WASI programs cannot run here: meson must not try (needs_exe_wrapper) */
	wp_buf_puts(&b, "\n\n[properties]\nneeds_exe_wrapper = true\n"
			"\n[host_machine]\nsystem = 'wasi'\ncpu_family = 'wasm32'\ncpu = 'wasm32'\nendian = 'little'\n");
	err = b.data ? wp_fs_write_atomic(path, b.data, b.len, 0644) : wp_error_set(WP_ENOMEM, "out of memory");
	wp_buf_release(&b);
	return err;
}

/* The executables `meson introspect --targets` lists, with their first
 * output file. */
static int list_targets(const char *bdir, const char *src, struct exe **v, size_t *n, json_t **all)
{
	char *argv[] = { "meson", "introspect", "--targets", (char *)bdir, NULL };
	struct wp_buf out = WP_BUF_INIT(INTROSPECT_MAX);
	json_t *t;
	size_t i, sl = strlen(src);
	int err;

	*all = NULL;
	if ((err = spawn_capture(NULL, NULL, argv, &out)) < 0)
		goto done;
	if (!(*all = json_loadb((const char *)out.data, out.len, 0, NULL)) || !json_is_array(*all)) {
		err = wp_error_set(WP_EINVALID, "meson introspect --targets printed no target list");
		goto done;
	}
	json_array_foreach(*all, i, t) {
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *type = json_string_value(json_object_get(t, "type"));
		const char *def = json_string_value(json_object_get(t, "defined_in")), *first;
		char dir[1024] = ".";
		if (!name || !type || strcmp(type, "executable"))
			continue;
		if (def && !strncmp(def, src, sl) && def[sl] == '/' && strchr(def + sl + 1, '/'))
			snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(def, '/') - (def + sl + 1)), def + sl + 1);
		first = json_string_value(json_array_get(json_object_get(json_array_get(json_object_get(t, "target_sources"), 0), "sources"), 0));
		if (first && !strncmp(first, src, sl) && first[sl] == '/')
			first += sl + 1;
		else
			first = "";
		if ((err = exe_add(v, n, name, dir, first, json_is_true(json_object_get(t, "installed")))) < 0)
			goto done;
	}
done:
	wp_buf_release(&out);
	return err;
}

/* The output file of executable NAME. */
static int output_of(json_t *all, const char *name, char **path)
{
	json_t *t;
	size_t i;

	json_array_foreach(all, i, t) {
		const char *file = json_string_value(json_array_get(json_object_get(t, "filename"), 0));
		if (!strcmp(json_string_value(json_object_get(t, "name")) ?: "", name) &&
		    !strcmp(json_string_value(json_object_get(t, "type")) ?: "", "executable") && file)
			return (*path = strdup(file)) ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
	}
	return wp_error_set(WP_ENOTFOUND, "meson introspect lists no output for %s", name);
}

int meson_build(struct bctx *c, const struct cscan *s, const struct cflags *f)
{
	struct wp_strv argv = { NULL, 0 };
	struct exe *v = NULL;
	size_t n = 0;
	json_t *all = NULL;
	char *bdir = wp_path_join(c->out_dir, "meson-build"), *cross = wp_path_join(c->out_dir, "wasi.ini");
	char *linker = wp_path_join(c->out_dir, "wasm-ld-meson");
	char *src = NULL, *target = NULL;
	const char *dir = NULL;
	size_t k;
	int err, i;

	if (!bdir || !cross || !linker || !(src = *s->sub ? wp_path_join(c->dir, s->sub) : strdup(c->dir))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (!c->o->dry_run && ((err = write_linker(c, linker)) < 0 || (err = write_cross_file(c, f, cross, linker)) < 0))
		goto done;
	/* plain: the flags are the cross file's; one static program */
	if ((err = wp_strv_add(&argv, "meson")) < 0 || (err = wp_strv_add(&argv, "setup")) < 0 ||
	    (err = wp_strv_addf(&argv, "--cross-file=%s", cross)) < 0 ||
	    (err = wp_strv_add(&argv, "--buildtype=plain")) < 0 ||
	    (err = wp_strv_add(&argv, "-Ddefault_library=static")) < 0 ||
	    (err = wp_strv_add(&argv, "-Db_staticpic=false")) < 0 ||
	    (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0 ||
	    (err = wp_strv_add(&argv, bdir)) < 0 || (err = wp_strv_add(&argv, src)) < 0)
		goto done;
	if ((i = bctx_step(c, NULL, NULL, argv.v)) < 0 || (err = cfamily_run_step(c, i, 0)) < 0) {
		err = i < 0 ? i : err;
		goto done;
	}
	if (c->o->dry_run)
		target = strdup(c->target ? c->target : "TARGET");
	else if ((err = list_targets(bdir, src, &v, &n, &all)) < 0 ||
		 (err = targets_pick(c, v, n, "the Meson project defines no executable()", &target)) < 0)
		goto done;
	if (c->list_only)
		goto done;
	for (k = 0; k < n && target; k++)
		if (!strcmp(v[k].name, target))
			dir = v[k].dir;
	wp_strv_release(&argv);
	if (!target || (err = wp_strv_add(&argv, "meson")) < 0 || (err = wp_strv_add(&argv, "compile")) < 0 ||
	    (err = wp_strv_add(&argv, "-C")) < 0 || (err = wp_strv_add(&argv, bdir)) < 0 ||
	    (err = wp_strv_addf(&argv, "-j%d", c->jobs)) < 0 ||
	    /* NAME:executable: a library may have the same name */
	    (err = wp_strv_addf(&argv, "%s%s%s:executable", dir && strcmp(dir, ".") ? dir : "",
				dir && strcmp(dir, ".") ? "/" : "", target)) < 0) {
		err = err < 0 ? err : wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((i = bctx_step(c, NULL, NULL, argv.v)) < 0 || (err = cfamily_run_step(c, i, 0)) < 0) {
		err = i < 0 ? i : err;
		goto done;
	}
	if (!c->o->dry_run)
		err = output_of(all, target, &c->artifact);
done:
	exes_free(v, n);
	json_decref(all);
	wp_strv_release(&argv);
	free(bdir);
	free(cross);
	free(linker);
	free(src);
	free(target);
	return err;
}

/* The quoted string at P (after blanks), malloc'ed; NULL when none. */
static char *quoted(const char *p)
{
	const char *e;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != '\'' || !(e = strchr(p + 1, '\'')))
		return NULL;
	return strndup(p + 1, (size_t)(e - p - 1));
}

int meson_facts(struct bctx *c, const char *text)
{
	const char *p = strstr(text, "project("), *end, *v;

	if (!p)
		return 0;
	p += strlen("project(");
	end = p + strcspn(p, ")");
	free(c->name);
	c->name = quoted(p);
	for (v = p; (v = strstr(v, "version")) && v < end; v += 7) {
		const char *q = v + 7;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == ':') {
			free(c->version);
			c->version = quoted(q + 1);
			break;
		}
	}
	return 0;
}
