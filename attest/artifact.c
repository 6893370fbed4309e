/*
 * artifact.c - attachments as OCI 1.1 artifacts and the referrers index.
 *
 * An artifact is an image manifest with `artifactType`, the empty config
 * ("{}", application/vnd.oci.empty.v1+json), one layer with the document
 * and `subject` naming the image manifest: what the referrers API lists,
 * and what the referrers tag schema ("sha256-<hex>" naming an index of
 * such descriptors) lists for registries and layouts without the API.
 * Attachments never go into the image's own index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "attest.h"

static json_t *blob_desc(const struct oci_blob *b)
{
	json_t *d = json_pack("{s:s, s:s, s:I}", "mediaType", b->media_type, "digest", b->digest,
			      "size", (json_int_t)b->size);

	if (d && b->annotations)
		json_object_set(d, "annotations", b->annotations);
	return d;
}

/* Set the manifest blob of `img` from `m` (canonical bytes). */
static int set_manifest(struct oci_image *img, const json_t *m, const char *media_type)
{
	size_t len;
	char *text = oci_json_dump(m, &len);

	if (!text)
		return wp_error_set(WP_ENOMEM, "out of memory");
	return oci_blob_set(&img->manifest, media_type, (uint8_t *)text, len);
}

int attest_artifact_build(const char *artifact_type, uint8_t *data, size_t len,
			  json_t *layer_ann, const struct oci_blob *subject, time_t created,
			  struct oci_image **out)
{
	struct oci_image *img = calloc(1, sizeof(*img));
	json_t *m = NULL;
	char when[32];
	uint8_t *empty = (uint8_t *)strdup("{}");
	int err;

	*out = NULL;
	if (!img || !empty || !(img->layers = calloc(1, sizeof(*img->layers)))) {
		free(data);
		free(empty);
		oci_image_free(img);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	img->format = OCI_FORMAT_UNKNOWN;
	img->nlayers = 1;
	if ((err = oci_blob_set(&img->layers[0], artifact_type, data, len)) < 0 ||
	    (err = oci_blob_set(&img->config, ATTEST_MT_EMPTY, empty, 2)) < 0)
		goto done;
	if (layer_ann)
		img->layers[0].annotations = json_incref(layer_ann);
	oci_time_format(created, when, sizeof(when));
	m = json_pack("{s:i, s:s, s:s, s:o, s:[o], s:o, s:{s:s}}", "schemaVersion", 2, "mediaType",
		      OCI_MT_MANIFEST, "artifactType", artifact_type, "config", blob_desc(&img->config),
		      "layers", blob_desc(&img->layers[0]), "subject", blob_desc(subject),
		      "annotations", OCI_ANN_CREATED, when);
	if (!m) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	json_object_set_new(json_object_get(m, "config"), "data", json_string("e30="));
	err = set_manifest(img, m, OCI_MT_MANIFEST);
done:
	json_decref(m);
	if (err < 0)
		oci_image_free(img);
	else
		*out = img;
	return err;
}

void attest_referrers_tag(const char *digest, const char *suffix, char *out, size_t size)
{
	snprintf(out, size, "sha256-%s%s", oci_digest_hex(digest), suffix ? suffix : "");
}

json_t *attest_referrers_index_add(json_t *old, struct oci_image *const *arts, size_t n)
{
	json_t *idx = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType", OCI_MT_INDEX,
				"manifests");
	json_t *list = json_object_get(idx, "manifests"), *om = json_object_get(old, "manifests");
	size_t i, k;

	for (i = 0; i < json_array_size(om); i++) {
		json_t *d = json_array_get(om, i);
		const char *dg = json_string_value(json_object_get(d, "digest"));
		int replaced = 0;
		for (k = 0; dg && k < n; k++)
			replaced |= !strcmp(dg, arts[k]->manifest.digest);
		if (!replaced)
			json_array_append(list, d);
	}
	for (k = 0; k < n; k++) {
		json_t *m = NULL, *d = blob_desc(&arts[k]->manifest);
		if (oci_json_load(arts[k]->manifest.data, arts[k]->manifest.size, "artifact", &m) == 0) {
			json_t *at = json_object_get(m, "artifactType"), *ann = json_object_get(m, "annotations");
			if (at)
				json_object_set(d, "artifactType", at);
			if (ann)
				json_object_set(d, "annotations", ann);
		}
		json_decref(m);
		json_array_append_new(list, d);
	}
	return idx;
}

int attest_index_image(const json_t *index, struct oci_image **out)
{
	struct oci_image *img = calloc(1, sizeof(*img));
	int err;

	*out = NULL;
	if (!img)
		return wp_error_set(WP_ENOMEM, "out of memory");
	img->format = OCI_FORMAT_UNKNOWN;
	if ((err = set_manifest(img, index, OCI_MT_INDEX)) < 0) {
		oci_image_free(img);
		return err;
	}
	*out = img;
	return 0;
}
