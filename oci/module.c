/*
 * module.c - find the WebAssembly module inside an image (see image.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "image.h"
#include "layer.h"

static int is_raw_wasm_layer(const char *mt)
{
	return !strcmp(mt, OCI_MT_WASM_LAYER) || !strcmp(mt, OCI_MT_KRUSTLET_LAYER) ||
	       !strcmp(mt, OCI_MT_RUNWASI_LAYER);
}

static int is_tar_layer(const char *mt)
{
	return !strcmp(mt, OCI_MT_LAYER_TAR_GZIP) || !strcmp(mt, OCI_MT_LAYER_TAR) ||
	       !strcmp(mt, DOCKER_MT_LAYER_TAR_GZIP);
}

/* The Entrypoint's first element from an image config. */
static int config_entrypoint(const struct oci_image *img, char **out)
{
	json_t *cfg = NULL, *ep;
	int err;

	*out = NULL;
	if ((err = oci_json_load(img->config.data, img->config.size, "image config", &cfg)) < 0)
		return err;
	ep = json_object_get(json_object_get(cfg, "config"), "Entrypoint");
	if (!json_is_array(ep) || !json_is_string(json_array_get(ep, 0))) {
		json_decref(cfg);
		return wp_error_set(WP_EINVALID, "image config has no Entrypoint naming the module");
	}
	*out = strdup(json_string_value(json_array_get(ep, 0)));
	json_decref(cfg);
	return *out ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

int oci_image_module(const struct oci_image *img, struct wp_buf *out, char **path)
{
	char *entry = NULL, *hash;
	size_t i;
	int err;

	if (path)
		*path = NULL;
	for (i = 0; i < img->nlayers; i++) {
		const struct oci_blob *l = &img->layers[i];
		if (!is_raw_wasm_layer(l->media_type))
			continue;
		if (!l->data)
			return wp_error_set(WP_EINVALID, "layer %s is not loaded", l->digest);
		if (path) {
			const char *title = json_string_value(json_object_get(l->annotations, OCI_ANN_TITLE));
			*path = strdup(title ? title : "module.wasm");
		}
		return wp_buf_append(out, l->data, l->size);
	}
	if (img->format != OCI_FORMAT_IMAGE)
		return wp_error_set(WP_EINVALID, "image has no WebAssembly layer");
	if ((err = config_entrypoint(img, &entry)) < 0)
		return err;
	/* runwasi accepts "path#function"; the module is the path part */
	if ((hash = strchr(entry, '#')))
		*hash = '\0';
	err = wp_error_set(WP_ENOTFOUND, "%s not found in the image's layers", entry);
	/* top layer first, as the runtime's root file system shows it */
	for (i = img->nlayers; i-- > 0;) {
		const struct oci_blob *l = &img->layers[i];
		int deleted = 0;
		if (!is_tar_layer(l->media_type) || !l->data)
			continue;
		wp_buf_reset(out);
		err = oci_layer_extract(l->data, l->size, strcmp(l->media_type, OCI_MT_LAYER_TAR) != 0, entry,
					OCI_WASM_MAX, out, &deleted);
		if (err == WP_ENOTFOUND && deleted) {
			err = wp_error_set(WP_ENOTFOUND, "%s is deleted by a whiteout in layer %s",
					   entry, l->digest);
			break;
		}
		if (err != WP_ENOTFOUND)
			break;
	}
	if (err == 0 && path)
		*path = entry;
	else
		free(entry);
	return err;
}
