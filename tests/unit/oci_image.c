/*
 * oci_image.c - images built in memory and parsed back: descriptors,
 * digests, the module found again, tampering detected.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "../../common/error.h"
#include "../../oci/image.h"
#include "../../oci/layer.h"
#include "../../wasm/module.h"

static const uint8_t mod_bytes[] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };

static struct oci_image *build(int format, struct wasm_module **mod)
{
	struct oci_kvlist ann = { NULL, 0 };
	struct oci_image *img = NULL;
	struct oci_build_opts o = { .format = format, .name = "app", .created = 86400, .annotations = &ann };

	assert_int_equal(wasm_module_decode(mod_bytes, sizeof(mod_bytes), WASM_DECODE_FACTS, mod), 0);
	assert_int_equal(oci_kvlist_set(&ann, "k", "v"), 0);
	if (oci_image_build(&o, *mod, mod_bytes, sizeof(mod_bytes), &img) < 0)
		fail_msg("build: %s", wp_error_last());
	oci_kvlist_release(&ann);
	return img;
}

static void test_roundtrip_each_format(void **state)
{
	int f;

	(void)state;
	for (f = OCI_FORMAT_IMAGE; f <= OCI_FORMAT_KRUSTLET; f++) {
		struct wasm_module *mod = NULL;
		struct oci_image *img = build(f, &mod), *back = NULL;
		struct wp_buf wasm = WP_BUF_INIT(1 << 20);
		char *path = NULL;
		size_t i;

		assert_int_equal(oci_image_parse(img->manifest.data, img->manifest.size,
						 img->manifest.digest, &back), 0);
		assert_int_equal(back->format, f);
		assert_string_equal(back->config.digest, img->config.digest);
		assert_int_equal(back->nlayers, 1);
		assert_string_equal(back->layers[0].digest, img->layers[0].digest);
		assert_string_equal(back->layers[0].media_type, img->layers[0].media_type);
		/* attach the blobs: digests verified */
		assert_int_equal(oci_blob_attach(&back->config, memcpy(malloc(img->config.size), img->config.data, img->config.size), img->config.size), 0);
		for (i = 0; i < back->nlayers; i++)
			assert_int_equal(oci_blob_attach(&back->layers[i], memcpy(malloc(img->layers[i].size), img->layers[i].data, img->layers[i].size), img->layers[i].size), 0);
		assert_int_equal(oci_image_module(back, &wasm, &path), 0);
		assert_int_equal(wasm.len, sizeof(mod_bytes));
		assert_memory_equal(wasm.data, mod_bytes, sizeof(mod_bytes));
		assert_string_equal(path, f == OCI_FORMAT_IMAGE ? "/app.wasm" : "app.wasm");
		free(path);
		wp_buf_release(&wasm);
		oci_image_free(back);
		oci_image_free(img);
		wasm_module_free(mod);
	}
}

static void test_manifest_is_canonical_json(void **state)
{
	struct wasm_module *mod = NULL;
	struct oci_image *img = build(OCI_FORMAT_WASM, &mod);
	const char *m = (const char *)img->manifest.data;

	(void)state;
	/* sorted keys, no whitespace, mediaType present */
	assert_memory_equal(m, "{\"annotations\":{\"k\":\"v\"},\"config\":{", 34);
	assert_null(memchr(m, ' ', img->manifest.size));
	assert_non_null(strstr(m, "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\""));
	assert_non_null(strstr((const char *)img->config.data, "\"created\":\"1970-01-02T00:00:00Z\""));
	oci_image_free(img);
	wasm_module_free(mod);
}

static void test_tampering_detected(void **state)
{
	struct wasm_module *mod = NULL;
	struct oci_image *img = build(OCI_FORMAT_IMAGE, &mod), *back = NULL;
	uint8_t *copy;

	(void)state;
	/* a manifest that is not the one asked for */
	assert_int_equal(oci_image_parse(img->manifest.data, img->manifest.size,
					 img->config.digest, &back), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), "corrupt or tampered"));
	assert_int_equal(oci_image_parse(img->manifest.data, img->manifest.size, NULL, &back), 0);
	/* a blob of the right size with different bytes */
	copy = malloc(img->layers[0].size);
	memcpy(copy, img->layers[0].data, img->layers[0].size);
	copy[img->layers[0].size - 1] ^= 1;
	assert_int_equal(oci_blob_attach(&back->layers[0], copy, img->layers[0].size), WP_EINVALID);
	/* a blob of the wrong size */
	copy = malloc(4);
	assert_int_equal(oci_blob_attach(&back->layers[0], copy, 4), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), "size"));
	oci_image_free(back);
	oci_image_free(img);
	wasm_module_free(mod);
}

static void test_parse_refuses(void **state)
{
	static const char *bad[] = {
		"not json",
		"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}",
		"{\"schemaVersion\":1,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\",\"size\":1},\"layers\":[]}",
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"md5:00\",\"size\":1},\"layers\":[]}",
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\",\"size\":-1},\"layers\":[]}",
		"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\",\"size\":1},\"layers\":{}}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct oci_image *img = NULL;
		if (oci_image_parse((const uint8_t *)bad[i], strlen(bad[i]), NULL, &img) != WP_EINVALID)
			fail_msg("accepted: %s", bad[i]);
		assert_null(img);
	}
}

static void test_index_select(void **state)
{
	json_t *idx = json_loads("{\"manifests\":["
				 "{\"digest\":\"a\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
				 "{\"digest\":\"b\",\"platform\":{\"os\":\"wasi\",\"architecture\":\"wasm\"}}]}",
				 0, NULL);
	json_t *d = NULL;

	(void)state;
	assert_int_equal(oci_index_select(idx, "wasi/wasm", &d), 0);
	assert_string_equal(json_string_value(json_object_get(d, "digest")), "b");
	assert_int_equal(oci_index_select(idx, NULL, &d), 0); /* the wasm one by default */
	assert_string_equal(json_string_value(json_object_get(d, "digest")), "b");
	assert_int_equal(oci_index_select(idx, "linux/arm64", &d), WP_ENOTFOUND);
	assert_non_null(strstr(wp_error_last(), "linux/amd64, wasi/wasm"));
	json_decref(idx);
}

static void test_kvlist(void **state)
{
	struct oci_kvlist l = { NULL, 0 };

	(void)state;
	assert_int_equal(oci_kvlist_set_pair(&l, "a=1", "--label"), 0);
	assert_int_equal(oci_kvlist_set_pair(&l, "b==2", "--label"), 0);
	assert_int_equal(oci_kvlist_set_pair(&l, "a=3", "--label"), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(oci_kvlist_get(&l, "a"), "3");
	assert_string_equal(oci_kvlist_get(&l, "b"), "=2");
	assert_int_equal(oci_kvlist_set_pair(&l, "novalue", "--label"), WP_EUSAGE);
	assert_int_equal(oci_kvlist_set_pair(&l, "=x", "--label"), WP_EUSAGE);
	oci_kvlist_release(&l);
}

static void test_layer_extract_refuses_escapes(void **state)
{
	struct wp_buf tar = WP_BUF_INIT(1 << 20), out = WP_BUF_INIT(1 << 20);

	(void)state;
	assert_int_equal(oci_layer_tar("../evil.wasm", mod_bytes, sizeof(mod_bytes), 0, &tar), 0);
	assert_int_equal(oci_layer_extract(tar.data, tar.len, 0, "/evil.wasm", 1 << 20, &out, NULL), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), ".."));
	wp_buf_reset(&tar);
	assert_int_equal(oci_layer_tar("a.wasm", mod_bytes, sizeof(mod_bytes), 0, &tar), 0);
	assert_int_equal(oci_layer_extract(tar.data, tar.len, 0, "/b.wasm", 1 << 20, &out, NULL), WP_ENOTFOUND);
	assert_int_equal(oci_layer_extract(tar.data, tar.len, 0, "/a.wasm", 4, &out, NULL), WP_ETOOBIG);
	assert_int_equal(oci_layer_extract(tar.data, tar.len, 0, "./a.wasm", 1 << 20, &out, NULL), 0);
	assert_int_equal(out.len, sizeof(mod_bytes));
	wp_buf_release(&tar);
	wp_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_each_format),
		cmocka_unit_test(test_manifest_is_canonical_json),
		cmocka_unit_test(test_tampering_detected),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_index_select),
		cmocka_unit_test(test_kvlist),
		cmocka_unit_test(test_layer_extract_refuses_escapes),
	};
	return cmocka_run_group_tests_name("oci_image", tests, NULL, NULL);
}
