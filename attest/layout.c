/*
 * layout.c - attachments in a local OCI layout, the same way a registry
 * without the referrers API holds them: the artifacts' blobs in blobs/,
 * and index.json tags "sha256-<hex>" (an index of the artifacts) and
 * "sha256-<hex>.sig" (cosign's signature image).  These tags are skipped
 * when a layout is read without a tag (oci/store.c), so `run oci:DIR`
 * still finds the one image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../oci/layout.h"
#include "attest.h"
#include "layout.h"

static int store_manifest(void *ctx, const char *ref, struct wp_buf *out)
{
	struct oci_store *s = ctx;
	json_t *list = json_object_get(oci_store_index(s), "manifests");
	size_t i;

	if (oci_digest_valid(ref))
		return oci_store_read_blob(s, ref, OCI_JSON_MAX, out);
	for (i = 0; i < json_array_size(list); i++) {
		json_t *d = json_array_get(list, i);
		const char *name = json_string_value(
			json_object_get(json_object_get(d, "annotations"), OCI_ANN_REF_NAME));
		const char *dg = json_string_value(json_object_get(d, "digest"));
		if (name && dg && !strcmp(name, ref))
			return oci_store_read_blob(s, dg, OCI_JSON_MAX, out);
	}
	return wp_error_set(WP_ENOTFOUND, "no tag %s in the layout", ref);
}

static int store_blob(void *ctx, const char *digest, size_t max, struct wp_buf *out)
{
	return oci_store_read_blob(ctx, digest, max, out);
}

int attest_layout_load_blob(void *store, struct oci_blob *b)
{
	struct wp_buf buf = WP_BUF_INIT(OCI_WASM_MAX);
	uint8_t *data;
	size_t len;
	int err = oci_store_read_blob(store, b->digest, (size_t)b->size, &buf);

	if (err < 0) {
		wp_buf_release(&buf);
		return err;
	}
	data = wp_buf_detach(&buf, &len);
	return oci_blob_attach(b, data ? data : (uint8_t *)calloc(1, 1), len);
}

void attest_layout_source(struct oci_store *s, struct attest_source *out)
{
	memset(out, 0, sizeof(*out));
	out->manifest = store_manifest;
	out->blob = store_blob;
	out->ctx = s;
}

int attest_layout_read_tag(const char *dir, const char *tag, struct wp_buf *out)
{
	struct oci_store *s = NULL;
	int err;

	if ((err = oci_store_open_dir(dir, &s)) < 0)
		return err;
	err = store_manifest(s, tag, out);
	oci_store_free(s);
	return err;
}

/* The JSON of tag `tag` in the layout, NULL when absent. */
static int read_tag(const char *dir, const char *tag, json_t **out)
{
	struct wp_buf b = WP_BUF_INIT(OCI_JSON_MAX);
	int err = attest_layout_read_tag(dir, tag, &b);

	*out = NULL;
	if (err == WP_ENOTFOUND) {
		wp_error_clear();
		err = 0;
	} else if (err == 0) {
		err = oci_json_load(b.data, b.len, tag, out);
	}
	wp_buf_release(&b);
	return err;
}

int attest_layout_attach(const char *dir, const char *subject, struct oci_image *const *arts,
			 size_t n)
{
	struct oci_image *img = NULL;
	json_t *old = NULL, *idx = NULL;
	char tag[100];
	int err;

	attest_referrers_tag(subject, NULL, tag, sizeof(tag));
	if ((err = read_tag(dir, tag, &old)) < 0)
		return err;
	if (!(idx = attest_referrers_index_add(old, arts, n)))
		err = wp_error_set(WP_ENOMEM, "out of memory");
	if (err == 0 && (err = attest_index_image(idx, &img)) == 0)
		err = oci_layout_write_referrers(dir, arts, n, img, tag);
	oci_image_free(img);
	json_decref(old);
	json_decref(idx);
	return err;
}

int attest_layout_write_sig(const char *dir, const char *subject, struct oci_image *sig)
{
	char tag[100];

	attest_referrers_tag(subject, ".sig", tag, sizeof(tag));
	return oci_layout_write_referrers(dir, &sig, 1, sig, tag);
}
