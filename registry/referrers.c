/*
 * referrers.c - attachments in a registry: artifact manifests whose
 * `subject` is an image, found through the referrers API
 * (GET /v2/<name>/referrers/<digest>) where the registry offers it, and
 * through the referrers tag schema (the tag "sha256-<hex>" naming an
 * index of the artifacts) where it does not (distribution 2.8, GHCR).
 *
 * A registry with the API answers a manifest PUT carrying `subject` with
 * an OCI-Subject header; without that header the tag index is updated:
 * read, merged, written, and read back to check that no concurrent
 * writer's update replaced ours (distribution has no If-Match on
 * manifests), up to ATTACH_TRIES times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../attest/attest.h"
#include "../common/error.h"
#include "client.h"
#include "referrers.h"

#define ATTACH_TRIES 5

struct registry_session {
	struct registry_ref *ref;
	struct reg_client *c;
	char *name; /* "registry/repository" */
	/* blobs this session pushed or saw present: not asked about again
	 * (the empty config every artifact shares) */
	char (*known)[OCI_DIGEST_SIZE];
	size_t nknown;
};

static int known(const struct registry_session *s, const char *digest)
{
	size_t i;

	for (i = 0; i < s->nknown; i++)
		if (!strcmp(s->known[i], digest))
			return 1;
	return 0;
}

static void remember(struct registry_session *s, const char *digest)
{
	char (*n)[OCI_DIGEST_SIZE];

	if (known(s, digest) || !(n = realloc(s->known, (s->nknown + 1) * sizeof(*n))))
		return;
	s->known = n;
	snprintf(s->known[s->nknown++], OCI_DIGEST_SIZE, "%s", digest);
}

int registry_session_open(const char *refstr, const char *op, const struct registry_opts *opts,
			  struct registry_session **out)
{
	struct registry_session *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = registry_ref_parse(refstr, &s->ref)) < 0 ||
	    (err = reg_client_open(s->ref, op, opts, &s->c)) < 0 || (err = reg_client_ping(s->c, 0)) < 0)
		goto fail;
	s->c->fresh_blobs = 1;
	if (!(s->name = registry_ref_name(s->ref))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	registry_session_free(s);
	return err;
}

void registry_session_free(struct registry_session *s)
{
	if (!s)
		return;
	reg_client_free(s->c);
	registry_ref_free(s->ref);
	free(s->name);
	free(s->known);
	free(s);
}

const char *registry_session_name(const struct registry_session *s)
{
	return s->name;
}

const char *registry_session_ref(const struct registry_session *s)
{
	return s->ref->digest ? s->ref->digest : s->ref->tag ? s->ref->tag : "latest";
}

int registry_session_manifest(void *ctx, const char *ref, struct wp_buf *out)
{
	struct registry_session *s = ctx;
	char digest[OCI_DIGEST_SIZE];
	char *mt = NULL;
	int err = reg_get_manifest(s->c, ref, out, digest, &mt);

	free(mt);
	return err;
}

int registry_session_blob(void *ctx, const char *digest, size_t max, struct wp_buf *out)
{
	struct registry_session *s = ctx;
	struct reg_response r;
	char suffix[128], what[128], got[OCI_DIGEST_SIZE];
	char *url;
	int err;

	memset(&r, 0, sizeof(r));
	if (!oci_digest_valid(digest))
		return wp_error_set(WP_EINVALID, "not a digest: %s", digest);
	snprintf(suffix, sizeof(suffix), "blobs/%s", digest);
	snprintf(what, sizeof(what), "blob %s", digest);
	if (!(url = reg_client_url(s->c, suffix)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	{
		struct reg_request rq = { .method = "GET", .url = url, .follow = 1, .max_body = max };
		err = reg_client_do(s->c, &rq, &r);
	}
	if (err == 0 && r.status != 200)
		err = reg_http_error(s->c->http, &r, what);
	if (err == 0 && (err = oci_digest(r.body.data ? r.body.data : (const uint8_t *)"", r.body.len, got)) == 0 &&
	    strcmp(got, digest) != 0)
		err = wp_error_set(WP_EINVALID, "%s: %s: received content has digest %s (corrupt or tampered)",
				   reg_http_label(s->c->http), what, got);
	if (err == 0)
		err = wp_buf_append(out, r.body.data ? r.body.data : (const uint8_t *)"", r.body.len);
	free(url);
	reg_response_release(&r);
	return err;
}

int registry_session_referrers(void *ctx, const char *digest, struct wp_buf *out)
{
	struct registry_session *s = ctx;
	struct reg_response r;
	char suffix[128], *url;
	int err;

	memset(&r, 0, sizeof(r));
	snprintf(suffix, sizeof(suffix), "referrers/%s", digest);
	if (!(url = reg_client_url(s->c, suffix)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	{
		struct reg_request rq = { .method = "GET", .url = url, .accept = OCI_MT_INDEX,
					  .max_body = OCI_JSON_MAX, .follow = 1 };
		err = reg_client_do(s->c, &rq, &r);
	}
	if (err == 0 && r.status == 200) {
		const char *ct = reg_response_header(&r, "Content-Type");
		/* distribution 2.8 has no API: 404; anything but an index is none */
		if (!ct || strncmp(ct, OCI_MT_INDEX, strlen(OCI_MT_INDEX)) != 0)
			err = wp_error_set(WP_ENOTFOUND, "no referrers API");
		else
			err = wp_buf_append(out, r.body.data ? r.body.data : (const uint8_t *)"", r.body.len);
	} else if (err == 0) {
		err = wp_error_set(WP_ENOTFOUND, "no referrers API (HTTP %ld)", r.status);
	}
	free(url);
	reg_response_release(&r);
	return err;
}

int registry_session_put(struct registry_session *s, const struct oci_image *img, const char *tag,
			 int *subject_ack)
{
	/* the same image without the blobs this session knows are there */
	struct oci_image rest = *img;
	size_t i;
	int err;

	rest.layers = calloc(img->nlayers + 1, sizeof(*rest.layers));
	if (!rest.layers)
		return wp_error_set(WP_ENOMEM, "out of memory");
	rest.nlayers = 0;
	for (i = 0; i < img->nlayers; i++)
		if (!known(s, img->layers[i].digest))
			rest.layers[rest.nlayers++] = img->layers[i];
	if (img->config.media_type && known(s, img->config.digest))
		rest.config.media_type = NULL;
	err = reg_push_blobs(s->c, &rest);
	free(rest.layers);
	if (err < 0)
		return err;
	for (i = 0; i < img->nlayers; i++)
		remember(s, img->layers[i].digest);
	if (img->config.media_type)
		remember(s, img->config.digest);
	return reg_put_manifest(s->c, img, tag ? tag : img->manifest.digest, subject_ack);
}

/* 1 when every artifact is listed in the tag index `tag` now. */
static int index_holds(struct registry_session *s, const char *tag, struct oci_image *const *arts,
		       size_t n)
{
	struct wp_buf b = WP_BUF_INIT(OCI_JSON_MAX);
	json_t *idx = NULL, *list;
	size_t i, k, found = 0;

	if (registry_session_manifest(s, tag, &b) == 0 &&
	    oci_json_load(b.data, b.len, "the referrers index", &idx) == 0) {
		list = json_object_get(idx, "manifests");
		for (k = 0; k < n; k++)
			for (i = 0; i < json_array_size(list); i++)
				if (!strcmp(json_string_value(json_object_get(json_array_get(list, i), "digest")) ?: "",
					    arts[k]->manifest.digest)) {
					found++;
					break;
				}
	}
	wp_error_clear();
	json_decref(idx);
	wp_buf_release(&b);
	return found == n;
}

/*
 * Read-modify-write of the tag index: the PUT carries If-Match with the
 * ETag the GET gave (a registry that honours it answers 412 when another
 * writer came first: we go round again); distribution ignores If-Match,
 * so the index is read back as well, and a lost update is retried too.
 */
static int update_tag_index(struct registry_session *s, const char *subject,
			    struct oci_image *const *arts, size_t n)
{
	char tag[100];
	int attempt, err = 0;

	attest_referrers_tag(subject, NULL, tag, sizeof(tag));
	for (attempt = 1; attempt <= ATTACH_TRIES; attempt++) {
		struct wp_buf b = WP_BUF_INIT(OCI_JSON_MAX);
		struct oci_image *img = NULL;
		json_t *old = NULL, *idx = NULL;
		char digest[OCI_DIGEST_SIZE], *mt = NULL, *etag = NULL;

		err = reg_get_manifest_etag(s->c, tag, &b, digest, &mt, &etag);
		if (err == WP_ENOTFOUND) {
			wp_error_clear();
			err = 0;
		} else if (err == 0) {
			err = oci_json_load(b.data, b.len, "the referrers index", &old);
		}
		if (err == 0 && !(idx = attest_referrers_index_add(old, arts, n)))
			err = wp_error_set(WP_ENOMEM, "out of memory");
		if (err == 0 && (err = attest_index_image(idx, &img)) == 0)
			err = reg_put_manifest_if(s->c, img, tag, etag, NULL);
		json_decref(old);
		json_decref(idx);
		oci_image_free(img);
		wp_buf_release(&b);
		free(mt);
		free(etag);
		if (err == WP_EEXISTS)
			wp_error_clear();
		else if (err < 0 || index_holds(s, tag, arts, n))
			return err;
		reg_http_message(s->c->http, 0, "%s: the referrers index %s changed under us; retrying (%d of %d)",
				 reg_http_label(s->c->http), tag, attempt + 1, ATTACH_TRIES);
	}
	return wp_error_set(WP_ERROR, "%s: the referrers index %s kept changing; the attachments are pushed but not listed",
			    reg_http_label(s->c->http), tag);
}

int registry_attach(struct registry_session *s, const char *subject, struct oci_image *const *arts,
		    size_t n)
{
	size_t i;
	int err, acked = 1;

	for (i = 0; i < n; i++) {
		int ack = 0;
		if ((err = registry_session_put(s, arts[i], NULL, &ack)) < 0)
			return err;
		acked &= ack;
	}
	return n && !acked ? update_tag_index(s, subject, arts, n) : 0;
}
