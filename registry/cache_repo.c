/*
 * cache_repo.c - the build cache in a registry (see cache_repo.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../common/error.h"
#include "../oci/digest.h"
#include "../oci/image.h"
#include "cache_repo.h"
#include "reference.h"

int registry_cache_check(const char *repo)
{
	struct registry_ref *r = NULL;
	int err;

	if ((err = registry_ref_parse(repo, &r)) < 0)
		return wp_error_wrap(WP_EUSAGE, "--cache-repo");
	if (r->tag || r->digest)
		err = wp_error_set(WP_EUSAGE, "--cache-repo %s: give a repository (host/repo), not a tag or digest; entries are tagged by build key",
				   repo);
	registry_ref_free(r);
	return err;
}

static char *entry_ref(const char *repo, const char *key)
{
	char *s = NULL;

	if (asprintf(&s, "%s:%s", repo, key) < 0)
		s = NULL;
	return s;
}

int registry_cache_get(const char *repo, const char *key, const struct registry_opts *opts,
		       struct wp_buf *meta, struct wp_buf *wasm)
{
	struct oci_image *img = NULL;
	char *ref = entry_ref(repo, key), *dref = NULL;
	json_t *m = NULL;
	const char *at;
	int err;

	if (!ref)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = registry_pull(ref, opts, &img, &dref)) < 0)
		goto done;
	m = json_loadb((const char *)img->manifest.data, img->manifest.size, 0, NULL);
	at = json_string_value(json_object_get(m, "artifactType"));
	if (!at || strcmp(at, CACHE_REPO_ARTIFACT_TYPE) != 0 || !img->config.media_type ||
	    strcmp(img->config.media_type, CACHE_REPO_CONFIG_TYPE) != 0 || img->nlayers != 1 ||
	    strcmp(img->layers[0].media_type, OCI_MT_WASM_LAYER) != 0) {
		err = wp_error_set(WP_EINVALID, "%s is not a wasmpack build cache entry (%s, a %s config and one %s layer expected)",
				   dref, CACHE_REPO_ARTIFACT_TYPE, CACHE_REPO_CONFIG_TYPE, OCI_MT_WASM_LAYER);
		goto done;
	}
	wp_buf_reset(meta);
	wp_buf_reset(wasm);
	if ((err = wp_buf_append(meta, img->config.data, img->config.size)) < 0 ||
	    (err = wp_buf_append(wasm, img->layers[0].data, img->layers[0].size)) < 0)
		goto done;
done:
	json_decref(m);
	oci_image_free(img);
	free(dref);
	free(ref);
	return err;
}

/* The artifact's manifest: the config and the one layer as descriptors. */
static int make_manifest(struct oci_image *img)
{
	json_t *m;
	char *text;
	int err;

	m = json_pack("{s:i, s:s, s:s, s:{s:s, s:s, s:I}, s:[{s:s, s:s, s:I}]}", "schemaVersion", 2, "mediaType",
		      OCI_MT_MANIFEST, "artifactType", CACHE_REPO_ARTIFACT_TYPE, "config", "mediaType",
		      img->config.media_type, "digest", img->config.digest, "size", (json_int_t)img->config.size,
		      "layers", "mediaType", img->layers[0].media_type, "digest", img->layers[0].digest, "size",
		      (json_int_t)img->layers[0].size);
	text = m ? json_dumps(m, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	json_decref(m);
	if (!text)
		return wp_error_set(WP_ENOMEM, "out of memory");
	err = oci_blob_set(&img->manifest, OCI_MT_MANIFEST, (uint8_t *)text, strlen(text));
	return err;
}

int registry_cache_put(const char *repo, const char *key, const struct registry_opts *opts,
		       const uint8_t *wasm, size_t len, const char *meta)
{
	struct oci_image *img = calloc(1, sizeof(*img));
	char *ref = entry_ref(repo, key), *dref = NULL;
	uint8_t *mcopy = NULL, *wcopy = NULL;
	size_t mlen = strlen(meta);
	int err;

	if (img)
		img->layers = calloc(1, sizeof(*img->layers));
	if (img && img->layers) {
		mcopy = malloc(mlen ? mlen : 1);
		wcopy = malloc(len ? len : 1);
	}
	if (!img || !img->layers || !ref || !mcopy || !wcopy) {
		free(mcopy);
		free(wcopy);
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(mcopy, meta, mlen);
	memcpy(wcopy, wasm, len);
	img->nlayers = 1;
	img->format = OCI_FORMAT_UNKNOWN;
	if ((err = oci_blob_set(&img->config, CACHE_REPO_CONFIG_TYPE, mcopy, mlen)) < 0 ||
	    (err = oci_blob_set(&img->layers[0], OCI_MT_WASM_LAYER, wcopy, len)) < 0 ||
	    (err = make_manifest(img)) < 0)
		goto done;
	err = registry_push(&ref, 1, img, opts, &dref, NULL);
done:
	oci_image_free(img);
	free(dref);
	free(ref);
	return err;
}
