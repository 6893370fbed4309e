/*
 * copy.c - attachments from a source (a registry session) into a local
 * OCI layout, so that `wasmpack verify oci:DIR` works offline on what
 * `wasmpack pull --attestations` fetched.  Only referrers whose subject
 * is the image are copied (an index may list others: they are not this
 * image's to keep); every manifest and blob is checked against its digest
 * on the way in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "attest.h"
#include "layout.h"

/* referrers copied at most: a hostile index cannot make us fetch without end */
#define COPY_MAX 256

static int load_blob(void *ctx, struct oci_blob *b)
{
	const struct attest_source *src = ctx;
	struct wp_buf buf = WP_BUF_INIT(OCI_WASM_MAX);
	uint8_t *data;
	size_t len;
	int err = src->blob(src->ctx, b->digest, (size_t)b->size, &buf);

	if (err == 0 && buf.len != b->size)
		err = wp_error_set(WP_EINVALID, "blob %s has %zu bytes, its descriptor says %llu", b->digest,
				   buf.len, (unsigned long long)b->size);
	if (err < 0) {
		wp_buf_release(&buf);
		return err;
	}
	data = wp_buf_detach(&buf, &len);
	return oci_blob_attach(b, data ? data : (uint8_t *)calloc(1, 1), len);
}

/* The manifest `ref` (tag or digest) with its blobs; *out NULL when the
 * source has none by that name.  With `subject`, one whose subject is
 * another image is left out (*out NULL). */
static int fetch_image(const struct attest_source *src, const char *ref, const char *expected,
		       const char *subject, struct oci_image **out)
{
	struct wp_buf b = WP_BUF_INIT(OCI_JSON_MAX);
	json_t *man = NULL;
	const char *sd;
	int err;

	*out = NULL;
	err = src->manifest(src->ctx, ref, &b);
	if (err == WP_ENOTFOUND) {
		wp_error_clear();
		err = 0;
		goto done;
	}
	if (err < 0 || (err = oci_image_parse(b.data, b.len, expected, out)) < 0)
		goto done;
	if (subject) {
		if ((err = oci_json_load(b.data, b.len, ref, &man)) < 0)
			goto done;
		sd = json_string_value(json_object_get(json_object_get(man, "subject"), "digest"));
		if (!sd || strcmp(sd, subject) != 0) {
			oci_image_free(*out);
			*out = NULL;
			goto done;
		}
	}
	err = oci_image_load(*out, load_blob, (void *)src);
done:
	if (err < 0) {
		oci_image_free(*out);
		*out = NULL;
	}
	json_decref(man);
	wp_buf_release(&b);
	return err;
}

int attest_attachments_fetch(const struct attest_source *src, const char *digest,
			    struct attest_attachments *out)
{
	json_t *list = NULL;
	size_t i;
	char tag[100];
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = attest_referrers_list(src, digest, &list)) < 0)
		return err;
	if (json_array_size(list) > COPY_MAX) {
		err = wp_error_set(WP_EINVALID, "%zu referrers of %s, more than the %d copied", json_array_size(list),
				   digest, COPY_MAX);
		goto done;
	}
	if (!(out->arts = calloc(json_array_size(list) + 1, sizeof(*out->arts)))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < json_array_size(list); i++) {
		const char *d = json_string_value(json_object_get(json_array_get(list, i), "digest"));
		if (!d || !oci_digest_valid(d)) {
			err = wp_error_set(WP_EINVALID, "the referrers index of %s lists an entry without a valid digest",
					   digest);
			goto done;
		}
		if ((err = fetch_image(src, d, d, digest, &out->arts[out->n])) < 0)
			goto done;
		if (out->arts[out->n])
			out->n++;
	}
	attest_referrers_tag(digest, ".sig", tag, sizeof(tag));
	err = fetch_image(src, tag, NULL, NULL, &out->sig);
done:
	json_decref(list);
	if (err < 0)
		attest_attachments_release(out);
	return err;
}

int attest_attachments_write(const struct attest_attachments *a, const char *dir, const char *digest)
{
	int err = 0;

	if (a->sig && (err = attest_layout_write_sig(dir, digest, a->sig)) < 0)
		return err;
	return a->n ? attest_layout_attach(dir, digest, a->arts, a->n) : 0;
}

void attest_attachments_release(struct attest_attachments *a)
{
	size_t i;

	for (i = 0; a->arts && i < a->n; i++)
		oci_image_free(a->arts[i]);
	free(a->arts);
	oci_image_free(a->sig);
	memset(a, 0, sizeof(*a));
}
