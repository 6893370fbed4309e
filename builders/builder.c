/*
 * builder.c - the builder registry: detection order and dispatch.
 *
 * Order: prebuilt (a directory holding exactly one .wasm).  Language
 * builders are added ahead of it by the builders issue.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "builder.h"

char *builder_sanitize_name(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out;

	if (n > 5 && !strcmp(s + n - 5, ".wasm"))
		n -= 5;
	out = malloc(n + 8);
	if (!out)
		return NULL;
	for (i = 0; i < n && o < 64; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)s[i]);
		if (isalnum(c) || c == '_' || c == '-' || (c == '.' && o > 0))
			out[o++] = (char)c;
		else if (o > 0 && out[o - 1] != '-')
			out[o++] = '-';
	}
	while (o > 0 && (out[o - 1] == '-' || out[o - 1] == '.'))
		o--;
	if (o == 0)
		memcpy(out, "app", 4);
	else
		out[o] = '\0';
	return out;
}

void builder_result_release(struct builder_result *r)
{
	free(r->wasm_path);
	free(r->name);
	free(r->version);
	free(r->builder);
	free(r->toolchain);
	memset(r, 0, sizeof(*r));
}

/* prebuilt: exactly one *.wasm file in the directory. */
static int prebuilt_build(const struct builder_opts *o, struct builder_result *out)
{
	DIR *d = opendir(o->dir);
	struct dirent *e;
	char *found = NULL;
	int count = 0, err = 0;

	if (!d)
		return wp_error_errno(WP_EIO, "cannot read %s", o->dir);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".wasm")) {
			if (count++ == 0)
				found = strdup(e->d_name);
		}
	}
	closedir(d);
	if (count == 0) {
		err = wp_error_set(WP_ENOTFOUND,
				   "nothing to build in %s: no .wasm file found (use --wasm FILE)", o->dir);
		goto done;
	}
	if (count > 1) {
		err = wp_error_set(WP_EUSAGE, "%s holds %d .wasm files; choose one with --wasm FILE",
				   o->dir, count);
		goto done;
	}
	out->wasm_path = wp_path_join(o->dir, found);
	out->name = builder_sanitize_name(found);
	out->builder = strdup("prebuilt");
	if (!out->wasm_path || !out->name || !out->builder)
		err = wp_error_set(WP_ENOMEM, "out of memory");
done:
	free(found);
	if (err < 0)
		builder_result_release(out);
	return err;
}

int builder_build(const struct builder_opts *o, struct builder_result *out)
{
	memset(out, 0, sizeof(*out));
	if (o->builder && strcmp(o->builder, "prebuilt") != 0)
		return wp_error_set(WP_EUSAGE, "unknown builder '%s'", o->builder);
	return prebuilt_build(o, out);
}
