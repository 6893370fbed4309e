/*
 * publisher.c - registry_push() over several references, and the
 * registry backend of the publisher interface (oci/publish.h).
 *
 * References are parsed and checked before any traffic; references that
 * share a repository share one upload of the blobs and differ only in the
 * tags their manifest is PUT under.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "client.h"

int reg_push_repository(const struct registry_ref *ref, char *const *tags, size_t ntags,
			const struct oci_image *img, const struct registry_opts *opts);

static void free_refs(struct registry_ref **refs, size_t n)
{
	size_t i;

	for (i = 0; refs && i < n; i++)
		registry_ref_free(refs[i]);
	free(refs);
}

int registry_push(char *const *refs, size_t nrefs, const struct oci_image *img,
		  const struct registry_opts *opts, char **digest_ref, json_t *pushed)
{
	struct registry_ref **parsed = calloc(nrefs ? nrefs : 1, sizeof(*parsed));
	char **tags = calloc(nrefs ? nrefs : 1, sizeof(*tags));
	int *done = calloc(nrefs ? nrefs : 1, sizeof(*done));
	size_t i, j, n;
	int err = 0;

	*digest_ref = NULL;
	if (!parsed || !tags || !done) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto out;
	}
	if (nrefs == 0) {
		err = wp_error_set(WP_EUSAGE, "nothing to push to");
		goto out;
	}
	for (i = 0; i < nrefs; i++) {
		if ((err = registry_ref_parse(refs[i], &parsed[i])) < 0)
			goto out;
		if (parsed[i]->digest && strcmp(parsed[i]->digest, img->manifest.digest) != 0) {
			err = wp_error_set(WP_EUSAGE, "%s: the image has digest %s", refs[i], img->manifest.digest);
			goto out;
		}
	}
	for (i = 0; i < nrefs; i++) {
		if (done[i])
			continue;
		/* every reference to the same repository, in one session */
		for (n = 0, j = i; j < nrefs; j++) {
			if (done[j] || strcmp(parsed[j]->registry, parsed[i]->registry) != 0 ||
			    strcmp(parsed[j]->repository, parsed[i]->repository) != 0)
				continue;
			done[j] = 1;
			/* no tag and no digest means "latest", as docker reads it */
			tags[n++] = parsed[j]->tag ? parsed[j]->tag
						   : parsed[j]->digest ? NULL : (char *)"latest";
		}
		if ((err = reg_push_repository(parsed[i], tags, n, img, opts)) < 0)
			goto out;
		for (j = 0; pushed && j < n; j++) {
			char *s = NULL;
			if (asprintf(&s, "%s/%s%s%s", parsed[i]->registry, parsed[i]->repository,
				     tags[j] ? ":" : "@", tags[j] ? tags[j] : img->manifest.digest) < 0) {
				err = wp_error_set(WP_ENOMEM, "out of memory");
				goto out;
			}
			json_array_append_new(pushed, json_string(s));
			free(s);
		}
		if (!*digest_ref) {
			if (asprintf(digest_ref, "%s/%s@%s", parsed[i]->registry, parsed[i]->repository,
				     img->manifest.digest) < 0) {
				*digest_ref = NULL;
				err = wp_error_set(WP_ENOMEM, "out of memory");
				goto out;
			}
			if (pushed)
				json_array_append_new(pushed, json_string(*digest_ref));
		}
	}
out:
	if (err < 0) {
		free(*digest_ref);
		*digest_ref = NULL;
	}
	free_refs(parsed, nrefs);
	free(tags);
	free(done);
	return err;
}

struct registry_publisher {
	struct publisher base;
	char **refs;
	size_t nrefs;
	struct registry_opts opts;
	char *ca_file, *from;
};

static int reg_publish(struct publisher *p, const struct oci_image *img, char **ref, json_t *refs)
{
	struct registry_publisher *rp = (struct registry_publisher *)p;

	return registry_push(rp->refs, rp->nrefs, img, &rp->opts, ref, refs);
}

static void reg_publisher_free(struct publisher *p)
{
	struct registry_publisher *rp = (struct registry_publisher *)p;
	size_t i;

	for (i = 0; i < rp->nrefs; i++)
		free(rp->refs[i]);
	free(rp->refs);
	free(rp->ca_file);
	free(rp->from);
	free(rp->base.dest);
	free(rp);
}

int registry_publisher_open(char *const *refs, size_t nrefs, const struct registry_opts *opts,
			    struct publisher **out)
{
	struct registry_publisher *rp = calloc(1, sizeof(*rp));
	size_t i;
	int err = 0;

	*out = NULL;
	if (!rp)
		return wp_error_set(WP_ENOMEM, "out of memory");
	rp->base.publish = reg_publish;
	rp->base.free = reg_publisher_free;
	rp->opts = *opts;
	rp->refs = calloc(nrefs ? nrefs : 1, sizeof(*rp->refs));
	if (!rp->refs || !(rp->base.dest = strdup(nrefs ? refs[0] : "registry")) ||
	    (opts->ca_file && !(rp->ca_file = strdup(opts->ca_file))) ||
	    (opts->from && !(rp->from = strdup(opts->from)))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	rp->opts.ca_file = rp->ca_file;
	rp->opts.from = rp->from;
	for (i = 0; i < nrefs; i++) {
		struct registry_ref *r = NULL;
		/* refuse a bad reference now, before anything is built or sent */
		if ((err = registry_ref_parse(refs[i], &r)) < 0)
			goto done;
		registry_ref_free(r);
		if (!(rp->refs[i] = strdup(refs[i]))) {
			err = wp_error_set(WP_ENOMEM, "out of memory");
			goto done;
		}
		rp->nrefs++;
	}
done:
	if (err < 0) {
		reg_publisher_free(&rp->base);
		return err;
	}
	*out = &rp->base;
	return 0;
}
