/*
 * oci_layout.c - destinations, tags, and a layout written and read back
 * through the store, including an index entry that is itself an index.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "../../common/error.h"
#include "../../common/fs.h"
#include "../../oci/layout.h"
#include "../../wasm/module.h"

static void test_dest_parse(void **state)
{
	char *k, *p, *t;

	(void)state;
	assert_int_equal(oci_dest_parse("oci:/tmp/x:v1", &k, &p, &t), 0);
	assert_string_equal(k, "oci");
	assert_string_equal(p, "/tmp/x");
	assert_string_equal(t, "v1");
	free(k), free(p), free(t);
	assert_int_equal(oci_dest_parse("oci-archive:a.tar", &k, &p, &t), 0);
	assert_string_equal(k, "oci-archive");
	assert_null(t);
	free(k), free(p);
	assert_int_equal(oci_dest_parse("docker:x", &k, &p, &t), WP_EUSAGE);
	assert_int_equal(oci_dest_parse("oci:", &k, &p, &t), WP_EUSAGE);
	assert_int_equal(oci_dest_parse("oci:dir:bad tag", &k, &p, &t), WP_EUSAGE);
	assert_int_equal(oci_dest_parse("nocolon", &k, &p, &t), WP_EUSAGE);
}

static void test_tags(void **state)
{
	(void)state;
	assert_true(oci_tag_valid("latest"));
	assert_true(oci_tag_valid("v1.2.3-rc_1"));
	assert_true(oci_tag_valid("_x"));
	assert_false(oci_tag_valid(""));
	assert_false(oci_tag_valid(".x"));
	assert_false(oci_tag_valid("-x"));
	assert_false(oci_tag_valid("a/b"));
	assert_false(oci_tag_valid("a:b"));
}

static struct oci_image *image(const char *label)
{
	static const uint8_t m[] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };
	struct oci_kvlist labels = { NULL, 0 };
	struct wasm_module *mod = NULL;
	struct oci_image *img = NULL;
	struct oci_build_opts o = { .format = OCI_FORMAT_IMAGE, .name = "t", .labels = &labels };

	oci_kvlist_set(&labels, "l", label);
	assert_int_equal(wasm_module_decode(m, sizeof(m), WASM_DECODE_FACTS, &mod), 0);
	assert_int_equal(oci_image_build(&o, mod, m, sizeof(m), &img), 0);
	wasm_module_free(mod);
	oci_kvlist_release(&labels);
	return img;
}

static void test_write_and_read(void **state)
{
	struct oci_image *a = image("a"), *b = image("b"), *back = NULL;
	struct oci_store *s = NULL;
	char *dir = NULL, *tags_a[] = { (char *)"a", (char *)"shared" }, *tags_b[] = { (char *)"shared" };

	(void)state;
	assert_int_equal(wp_fs_mkdtemp("wp-unit", &dir), 0);
	assert_int_equal(oci_layout_write(dir, a, tags_a, 2), 0);
	assert_int_equal(oci_layout_write(dir, b, tags_b, 1), 0);
	assert_int_equal(oci_store_open_dir(dir, &s), 0);
	assert_int_equal(json_array_size(json_object_get(oci_store_index(s), "manifests")), 2);
	assert_int_equal(oci_store_read_image(s, "a", NULL, &back), 0);
	assert_string_equal(back->manifest.digest, a->manifest.digest);
	oci_image_free(back);
	assert_int_equal(oci_store_read_image(s, "shared", NULL, &back), 0);
	assert_string_equal(back->manifest.digest, b->manifest.digest);
	assert_non_null(back->layers[0].data);
	oci_image_free(back);
	/* two different images and no tag: the user must choose */
	assert_int_equal(oci_store_read_image(s, NULL, NULL, &back), WP_EUSAGE);
	assert_non_null(strstr(wp_error_last(), "several images"));
	assert_int_equal(oci_store_read_image(s, "zzz", NULL, &back), WP_ENOTFOUND);
	oci_store_free(s);
	wp_fs_remove_tree(dir);
	free(dir);
	oci_image_free(a);
	oci_image_free(b);
}

/* An index.json entry pointing at an image index is resolved by platform. */
static void test_nested_index(void **state)
{
	struct oci_image *a = image("a"), *back = NULL;
	struct oci_store *s = NULL;
	char *dir = NULL, *tags[] = { (char *)"x" }, *path, *text, hex[80];
	json_t *nested;
	size_t len;

	(void)state;
	assert_int_equal(wp_fs_mkdtemp("wp-unit", &dir), 0);
	assert_int_equal(oci_layout_write(dir, a, tags, 1), 0);
	nested = json_pack("{s:i, s:s, s:[{s:s, s:s, s:I, s:{s:s, s:s}}]}", "schemaVersion", 2,
			   "mediaType", OCI_MT_INDEX, "manifests", "mediaType", OCI_MT_MANIFEST, "digest",
			   a->manifest.digest, "size", (json_int_t)a->manifest.size, "platform", "os",
			   "wasi", "architecture", "wasm");
	text = oci_json_dump(nested, &len);
	{
		char d[OCI_DIGEST_SIZE];
		oci_digest(text, len, d);
		snprintf(hex, sizeof(hex), "blobs/sha256/%s", oci_digest_hex(d));
		path = wp_path_join(dir, hex);
		assert_int_equal(wp_fs_write_atomic(path, text, len, 0644), 0);
		free(path);
		json_decref(nested);
		nested = json_pack("{s:i, s:[{s:s, s:s, s:I, s:{s:s}}]}", "schemaVersion", 2, "manifests",
				   "mediaType", OCI_MT_INDEX, "digest", d, "size", (json_int_t)len,
				   "annotations", OCI_ANN_REF_NAME, "multi");
	}
	free(text);
	text = oci_json_dump(nested, &len);
	path = wp_path_join(dir, "index.json");
	assert_int_equal(wp_fs_write_atomic(path, text, len, 0644), 0);
	assert_int_equal(oci_store_open_dir(dir, &s), 0);
	assert_int_equal(oci_store_read_image(s, "multi", "wasi/wasm", &back), 0);
	assert_string_equal(back->manifest.digest, a->manifest.digest);
	oci_image_free(back);
	assert_int_equal(oci_store_read_image(s, "multi", "linux/amd64", &back), WP_ENOTFOUND);
	oci_store_free(s);
	json_decref(nested);
	free(text);
	free(path);
	wp_fs_remove_tree(dir);
	free(dir);
	oci_image_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dest_parse),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_write_and_read),
		cmocka_unit_test(test_nested_index),
	};
	return cmocka_run_group_tests_name("oci_layout", tests, NULL, NULL);
}
