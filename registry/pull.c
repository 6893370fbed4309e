/*
 * pull.c - fetch an image and verify every byte of it.
 *
 * The manifest is asked for with every manifest and index type in Accept
 * (distribution answers 404 to an Accept without the OCI types); its
 * digest is computed over the bytes received and must equal the digest
 * asked for, or the registry's Docker-Content-Digest when pulling by tag.
 * An index is resolved with --platform.  Blobs are read up to their
 * descriptor's size (a registry sending more is refused) and checked
 * against their digests; blob redirects are followed by http.c without
 * the Authorization header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "client.h"

static const char ACCEPT_ALL[] = OCI_MT_MANIFEST ", " OCI_MT_INDEX ", " DOCKER_MT_MANIFEST
	", " DOCKER_MT_MANIFEST_LIST;

/* GET a manifest or index by tag or digest into `out` with its digest. */
int reg_get_manifest(struct reg_client *c, const char *ref, struct wp_buf *out,
		     char digest[OCI_DIGEST_SIZE], char **media_type)
{
	return reg_get_manifest_etag(c, ref, out, digest, media_type, NULL);
}

int reg_get_manifest_etag(struct reg_client *c, const char *ref, struct wp_buf *out,
			  char digest[OCI_DIGEST_SIZE], char **media_type, char **etag)
{
	struct reg_response r;
	char suffix[300], what[300];
	const char *d, *ct;
	char *url;
	int err;

	if (etag)
		*etag = NULL;
	memset(&r, 0, sizeof(r));
	snprintf(suffix, sizeof(suffix), "manifests/%s", ref);
	snprintf(what, sizeof(what), "manifest %s", ref);
	if (!(url = reg_client_url(c, suffix)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	{
		struct reg_request rq = { .method = "GET", .url = url, .accept = ACCEPT_ALL,
					  .max_body = OCI_JSON_MAX, .follow = 1 };
		err = reg_client_do(c, &rq, &r);
	}
	if (err < 0)
		goto done;
	if (r.status != 200) {
		err = reg_http_error(c->http, &r, what);
		goto done;
	}
	if ((err = oci_digest(r.body.data ? r.body.data : (const uint8_t *)"", r.body.len, digest)) < 0)
		goto done;
	d = oci_digest_valid(ref) ? ref : reg_response_header(&r, "Docker-Content-Digest");
	if (d && oci_digest_valid(d) && strcmp(d, digest) != 0) {
		err = wp_error_set(WP_EINVALID, "%s: %s: received content has digest %s, expected %s (corrupt or tampered)",
				   reg_http_label(c->http), what, digest, d);
		goto done;
	}
	ct = reg_response_header(&r, "Content-Type");
	*media_type = ct ? strndup(ct, strcspn(ct, "; ")) : NULL;
	if (etag && reg_response_header(&r, "ETag"))
		*etag = strdup(reg_response_header(&r, "ETag"));
	err = wp_buf_append(out, r.body.data ? r.body.data : (const uint8_t *)"", r.body.len);
done:
	free(url);
	reg_response_release(&r);
	return err;
}

static int get_blob(void *ctx, struct oci_blob *b)
{
	struct reg_client *c = ctx;
	const struct registry_events *ev = c->opts->ev;
	struct reg_response r;
	char suffix[128], what[128];
	uint8_t *data;
	size_t len;
	char *url;
	int err;

	memset(&r, 0, sizeof(r));
	snprintf(suffix, sizeof(suffix), "blobs/%s", b->digest);
	snprintf(what, sizeof(what), "blob %s", b->digest);
	if (b->size > OCI_WASM_MAX * 2)
		return wp_error_set(WP_ETOOBIG, "%s: %s is too large (%llu bytes)", reg_http_label(c->http),
				    what, (unsigned long long)b->size);
	if (!(url = reg_client_url(c, suffix)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (ev && ev->blob)
		ev->blob(ev->ctx, b->digest, b->size, REGISTRY_BLOB_DOWNLOAD, 0, 0);
	{
		struct reg_request rq = { .method = "GET", .url = url, .follow = 1,
					  .max_body = b->size ? (size_t)b->size : 1,
					  .digest = b->digest, .progress_total = b->size };
		err = reg_client_do(c, &rq, &r);
	}
	if (err == WP_ETOOBIG)
		err = wp_error_set(WP_EINVALID, "%s: %s: the registry sent more than the %llu bytes the manifest lists",
				   reg_http_label(c->http), what, (unsigned long long)b->size);
	if (err < 0)
		goto done;
	if (r.status != 200) {
		err = reg_http_error(c->http, &r, what);
		goto done;
	}
	data = wp_buf_detach(&r.body, &len);
	if ((err = oci_blob_attach(b, data, len)) < 0)
		err = wp_error_wrap(err, "%s: %s", reg_http_label(c->http), what);
done:
	if (ev && ev->blob)
		ev->blob(ev->ctx, b->digest, b->size, REGISTRY_BLOB_DOWNLOAD, 1, err < 0);
	free(url);
	reg_response_release(&r);
	return err;
}

int registry_pull(const char *refstr, const struct registry_opts *opts, struct oci_image **out,
		  char **digest_ref)
{
	struct registry_ref *ref = NULL;
	struct reg_client *c = NULL;
	struct oci_image *img = NULL;
	struct wp_buf m = WP_BUF_INIT(OCI_JSON_MAX);
	char digest[OCI_DIGEST_SIZE];
	char *mt = NULL;
	json_t *index = NULL;
	int err;

	*out = NULL;
	*digest_ref = NULL;
	if ((err = registry_ref_parse(refstr, &ref)) < 0)
		return err;
	if ((err = reg_client_open(ref, "pull", opts, &c)) < 0 || (err = reg_client_ping(c, 0)) < 0)
		goto done;
	if ((err = reg_get_manifest(c, ref->digest ? ref->digest : ref->tag ? ref->tag : "latest", &m, digest,
				&mt)) < 0)
		goto done;
	{
		json_t *j = json_loadb((const char *)m.data, m.len, 0, NULL);
		const char *jmt = json_string_value(json_object_get(j, "mediaType"));
		int is_index = oci_media_type_is_index(jmt) || (!jmt && oci_media_type_is_index(mt)) ||
			       (!jmt && json_is_array(json_object_get(j, "manifests")));
		json_t *desc;
		const char *d;

		if (!is_index) {
			json_decref(j);
		} else {
			index = j;
			if ((err = oci_index_select(index, opts->platform, &desc)) < 0) {
				err = wp_error_wrap(err, "%s", reg_http_label(c->http));
				goto done;
			}
			d = json_string_value(json_object_get(desc, "digest"));
			if (!d || !oci_digest_valid(d)) {
				err = wp_error_set(WP_EINVALID, "%s: index entry without a valid digest",
						   reg_http_label(c->http));
				goto done;
			}
			wp_buf_reset(&m);
			free(mt);
			mt = NULL;
			if ((err = reg_get_manifest(c, d, &m, digest, &mt)) < 0)
				goto done;
		}
	}
	if ((err = oci_image_parse(m.data, m.len, digest, &img)) < 0) {
		err = wp_error_wrap(err, "%s", reg_http_label(c->http));
		goto done;
	}
	if ((err = oci_image_load(img, get_blob, c)) < 0)
		goto done;
	if (asprintf(digest_ref, "%s/%s@%s", ref->registry, ref->repository, digest) < 0) {
		*digest_ref = NULL;
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	*out = img;
	img = NULL;
done:
	oci_image_free(img);
	json_decref(index);
	free(mt);
	wp_buf_release(&m);
	reg_client_free(c);
	registry_ref_free(ref);
	return err;
}
