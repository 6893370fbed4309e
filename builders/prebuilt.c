/*
 * prebuilt.c - the `prebuilt` builder: a directory holding exactly one
 * .wasm file is packaged as it is (no compile, no strip: the bytes the
 * user built are the bytes in the image).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "internal.h"

/* The number of *.wasm files in the directory; *first gets one of them. */
static int count_wasm(struct bctx *c, char **first)
{
	DIR *d = opendir(c->dir);
	struct dirent *e;
	int n = 0;

	*first = NULL;
	if (!d)
		return wp_error_errno(WP_EIO, "cannot read %s", c->dir);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 5 && !strcmp(e->d_name + len - 5, ".wasm")) {
			if (!*first || strcmp(e->d_name, *first) < 0) {
				free(*first);
				*first = strdup(e->d_name);
			}
			n++;
		}
	}
	closedir(d);
	return n;
}

static int pre_detect(struct bctx *c, char **reason)
{
	char *first = NULL;
	int n = count_wasm(c, &first), r;

	if (n < 0)
		return n;
	if (n == 1)
		r = asprintf(reason, "one prebuilt module: %s", first);
	else if (n == 0)
		r = asprintf(reason, "no .wasm file in the directory");
	else
		r = asprintf(reason, "%d .wasm files (choose one with --wasm FILE)", n);
	free(first);
	if (r < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	return n == 1;
}

static int pre_toolchain(struct bctx *c, struct toolchain *t)
{
	(void)c;
	(void)t;
	return 0;
}

static int pre_facts(struct bctx *c)
{
	char *first = NULL;
	int n = count_wasm(c, &first);

	if (n < 0)
		return n;
	if (n == 1) {
		free(c->name);
		c->name = first;
		return 0;
	}
	free(first);
	if (n == 0)
		return wp_error_set(WP_ENOTFOUND, "nothing to build in %s: no .wasm file found (use --wasm FILE)",
				    c->o->dir);
	return wp_error_set(WP_EUSAGE, "%s holds %d .wasm files; choose one with --wasm FILE", c->o->dir, n);
}

static int pre_build(struct bctx *c)
{
	char *first = NULL;
	int n = count_wasm(c, &first);

	if (n != 1) {
		free(first);
		return pre_facts(c);
	}
	c->artifact = wp_path_join(c->dir, first);
	free(first);
	return c->artifact ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

const struct builder_ops builder_prebuilt = { "prebuilt", pre_detect, pre_toolchain, pre_facts, pre_build };
