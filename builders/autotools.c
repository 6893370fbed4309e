/*
 * autotools.c - a GNU autotools project (configure.ac, or a shipped
 * configure script) configured as a cross build for WASI, in the private
 * copy the make build runs in (cfamily.c).
 *
 * Without a generated configure, `autoreconf -fi` makes one (autoconf,
 * automake and libtool from Debian).  configure runs with
 * --host=wasm32-wasi, so it knows it is cross-compiling and never runs a
 * program it built; static libraries only; the drivers and flags as the
 * environment a configure script reads (CC, CFLAGS, LDFLAGS, AR, RANLIB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

/* Answers configure would otherwise guess at "no" when cross-compiling,
 * which makes real projects (jq, libyaml) substitute their own broken
 * replacements; true of wasi-libc. */
static const char *const cache_vars[] = {
	"ac_cv_func_malloc_0_nonnull=yes",
	"ac_cv_func_realloc_0_nonnull=yes",
	"ac_cv_func_calloc_0_nonnull=yes",
	"ac_cv_func_mmap_fixed_mapped=no",
	NULL,
};

int autotools_configure(struct bctx *c, const char *dir, const char *has_configure, const struct cflags *f)
{
	struct wp_strv argv = { NULL, 0 };
	const char *const *v;
	int i, err;

	if (!has_configure) {
		char *ar[] = { "autoreconf", "-fi", NULL };
		if ((i = bctx_step(c, dir, NULL, ar)) < 0 || (err = bctx_run(c, i, NULL)) < 0)
			return i < 0 ? i : err;
	}
	/* VAR=VALUE as arguments, not environment: config.status records
	 * them, so a configure that make runs again (--recheck) gets them */
	if ((err = wp_strv_add(&argv, "./configure")) < 0 || (err = wp_strv_add(&argv, "--host=wasm32-wasi")) < 0 ||
	    (err = wp_strv_add(&argv, "--disable-shared")) < 0 || (err = wp_strv_add(&argv, "--enable-static")) < 0 ||
	    (err = wp_strv_addf(&argv, "CC=%s", f->cc)) < 0 || (err = wp_strv_addf(&argv, "CXX=%s", f->cxx)) < 0 ||
	    (err = wp_strv_addf(&argv, "AR=%s", c->tc.ar)) < 0 || (err = wp_strv_addf(&argv, "RANLIB=%s", c->tc.ranlib)) < 0 ||
	    (err = wp_strv_addf(&argv, "CFLAGS=%s", f->cflags)) < 0 ||
	    (err = wp_strv_addf(&argv, "CXXFLAGS=%s", f->cxxflags)) < 0 ||
	    (err = wp_strv_addf(&argv, "LDFLAGS=%s", f->ldflags)) < 0)
		goto done;
	for (v = cache_vars; *v && err == 0; v++)
		err = wp_strv_add(&argv, *v);
	if (err < 0 || (err = wp_strv_add_all(&argv, c->build_args, c->nbuild_args)) < 0)
		goto done;
	if ((i = bctx_step(c, dir, NULL, argv.v)) < 0 || (err = bctx_run(c, i, NULL)) < 0)
		err = i < 0 ? i : err;
done:
	wp_strv_release(&argv);
	return err;
}

/* The next AC_INIT argument: "[text]" or bare text, up to ',' or ')'. */
static char *ac_arg(const char **p)
{
	const char *s = *p + strspn(*p, " \t\n"), *e;
	char *v;

	if (*s == '[') {
		e = strchr(++s, ']');
		if (!e)
			return NULL;
		v = strndup(s, (size_t)(e - s));
		e++;
	} else {
		e = s + strcspn(s, ",)");
		v = strndup(s, (size_t)(e - s));
	}
	e += strspn(e, " \t\n");
	*p = *e == ',' ? e + 1 : e;
	return v;
}

int autotools_facts(struct bctx *c, const char *file)
{
	struct wp_buf b = WP_BUF_INIT(1 << 20);
	const char *p;
	char *name = NULL, *version = NULL;
	int err = 0;

	if (bctx_read(c, file, &b) < 0 || !(p = strstr(wp_buf_cstr(&b), "AC_INIT("))) {
		wp_error_clear();
		goto done;
	}
	p += 8;
	name = ac_arg(&p);
	version = ac_arg(&p);
	/* a macro call (m4_esyscmd ...) is not a name */
	if (name && *name && !strchr(name, '(') && !strchr(name, ' '))
		err = set_str(&c->name, name);
	if (err == 0 && version && *version && !strchr(version, '(') && !strchr(version, ' '))
		err = set_str(&c->version, version);
done:
	free(name);
	free(version);
	wp_buf_release(&b);
	return err;
}
