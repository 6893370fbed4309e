/*
 * publish.c - the local publishers (see publish.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "layout.h"
#include "publish.h"

struct local_publisher {
	struct publisher base;
	char *kind; /* "oci" | "oci-archive" | "docker-archive" */
	char *path;
	char **tags; /* layout tags, or docker repo tags */
	size_t ntags;
};

static int add_unique(struct local_publisher *lp, const char *tag)
{
	char **t;
	size_t i;

	for (i = 0; i < lp->ntags; i++)
		if (!strcmp(lp->tags[i], tag))
			return 0;
	t = realloc(lp->tags, (lp->ntags + 1) * sizeof(*t));
	if (!t)
		return wp_error_set(WP_ENOMEM, "out of memory");
	lp->tags = t;
	if (!(t[lp->ntags] = strdup(tag)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	lp->ntags++;
	return 0;
}

static int collect_tags(struct local_publisher *lp, const char *dest_tag,
			const struct publish_names *names)
{
	int docker = !strcmp(lp->kind, "docker-archive");
	char *dflt = NULL;
	size_t i;
	int err;

	if (dest_tag)
		return add_unique(lp, dest_tag);
	for (i = 0; i < names->n; i++)
		if ((err = add_unique(lp, docker ? names->items[i].repo_tag : names->items[i].tag)) < 0)
			return err;
	if (lp->ntags)
		return 0;
	if (asprintf(&dflt, "%s%slatest", docker ? names->name : "", docker ? ":" : "") < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	err = add_unique(lp, dflt);
	free(dflt);
	return err;
}

static int local_publish(struct publisher *p, const struct oci_image *img, char **ref, json_t *refs)
{
	struct local_publisher *lp = (struct local_publisher *)p;
	size_t i;
	int err;

	*ref = NULL;
	if (!strcmp(lp->kind, "oci"))
		err = oci_layout_write(lp->path, img, lp->tags, lp->ntags);
	else if (!strcmp(lp->kind, "oci-archive"))
		err = oci_archive_write(lp->path, img, lp->tags, lp->ntags);
	else
		err = oci_docker_archive_write(lp->path, img, lp->tags, lp->ntags);
	if (err < 0)
		return err;
	if (asprintf(ref, "%s:%s@%s", lp->kind, lp->path, img->manifest.digest) < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; refs && i < lp->ntags; i++) {
		char *s = NULL;
		if (!strcmp(lp->kind, "docker-archive"))
			err = asprintf(&s, "docker-archive:%s:%s", lp->path, lp->tags[i]);
		else
			err = asprintf(&s, "%s:%s:%s", lp->kind, lp->path, lp->tags[i]);
		if (err < 0)
			return wp_error_set(WP_ENOMEM, "out of memory");
		json_array_append_new(refs, json_string(s));
		free(s);
	}
	if (refs)
		json_array_append_new(refs, json_string(*ref));
	return 0;
}

static void local_free(struct publisher *p)
{
	struct local_publisher *lp = (struct local_publisher *)p;
	size_t i;

	for (i = 0; i < lp->ntags; i++)
		free(lp->tags[i]);
	free(lp->tags);
	free(lp->kind);
	free(lp->path);
	free(lp->base.dest);
	free(lp);
}

void publisher_free(struct publisher *p)
{
	if (p)
		p->free(p);
}

int oci_publisher_open(const char *dest, const struct publish_names *names,
		       struct publisher **out)
{
	struct local_publisher *lp;
	char *tag = NULL;
	int err;

	*out = NULL;
	lp = calloc(1, sizeof(*lp));
	if (!lp)
		return wp_error_set(WP_ENOMEM, "out of memory");
	lp->base.publish = local_publish;
	lp->base.free = local_free;
	if ((err = oci_dest_parse(dest, &lp->kind, &lp->path, &tag)) < 0)
		goto fail;
	if (tag && !strcmp(lp->kind, "docker-archive")) {
		err = wp_error_set(WP_EUSAGE, "docker-archive:%s takes no :TAG (use -t NAME:TAG)", lp->path);
		goto fail;
	}
	if (!(lp->base.dest = strdup(dest))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto fail;
	}
	if ((err = collect_tags(lp, tag, names)) < 0)
		goto fail;
	free(tag);
	*out = &lp->base;
	return 0;
fail:
	free(tag);
	local_free(&lp->base);
	return err;
}
