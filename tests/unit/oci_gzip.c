/*
 * oci_gzip.c - the layer gzip (oci/gzip.c): streamed in pieces it gives the
 * same bytes as compressed whole (chunk boundaries included: the last
 * chunk is found whether the input ends inside one or exactly at its
 * end), zlib's own gunzip reads it back, the diff_id is the digest of the
 * input, and writing past the announced size fails cleanly.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "unit.h"

#include "../../common/buf.h"
#include "../../common/error.h"
#include "../../oci/digest.h"
#include "../../oci/layer.h"

#define CH (128 * 1024) /* gzip.c's chunk */

static uint8_t *input(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);
	size_t i;
	uint32_t x = 12345;

	assert_non_null(p);
	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		/* code-like: runs of a few repeated patterns and some noise */
		p[i] = (uint8_t)((i % 64 < 40) ? (i % 13) * 7 : (x >> 24));
	}
	return p;
}

static void gunzip_equals(const struct wp_buf *gz, const uint8_t *want, size_t len)
{
	z_stream z;
	uint8_t *got = malloc(len + 16);

	assert_non_null(got);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
	z.next_in = gz->data;
	z.avail_in = (uInt)gz->len;
	z.next_out = got;
	z.avail_out = (uInt)len + 16;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, len);
	assert_int_equal(z.avail_in, 0); /* one member, nothing after it */
	assert_memory_equal(got, want, len);
	inflateEnd(&z);
	free(got);
}

static void test_stream_matches_whole(void **state)
{
	static const size_t sizes[] = { 0, 1, 4096, CH - 1, CH, CH + 1, 3 * CH, 3 * CH + 5, 5 * CH - 7 };
	static const size_t pieces[] = { 1, 512, 10240, 100000, CH, 3 * CH };
	size_t s, k;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t len = sizes[s];
		uint8_t *in = input(len);
		struct wp_buf whole = WP_BUF_INIT(WP_BUF_UNLIMITED);
		char d1[OCI_DIGEST_SIZE], d2[OCI_DIGEST_SIZE];

		assert_int_equal(oci_layer_gzip(in, len, &whole), 0);
		assert_int_equal(oci_digest(in, len, d1), 0);
		gunzip_equals(&whole, in, len);
		for (k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
			struct wp_buf part = WP_BUF_INIT(WP_BUF_UNLIMITED);
			struct oci_gzip *g;
			size_t at = 0;
			/* announced capacity larger than what comes: only what is
			 * written counts */
			assert_int_equal(oci_gzip_start(len + 700, &g), 0);
			while (at < len) {
				size_t n = len - at < pieces[k] ? len - at : pieces[k];
				assert_int_equal(oci_gzip_write(g, in + at, n), 0);
				at += n;
			}
			assert_int_equal(oci_gzip_finish(g, &part, d2), 0);
			assert_string_equal(d2, d1);
			assert_int_equal(part.len, whole.len);
			assert_memory_equal(part.data, whole.data, whole.len);
			wp_buf_release(&part);
		}
		wp_buf_release(&whole);
		free(in);
	}
}

static void test_overflow(void **state)
{
	uint8_t *in = input(CH * 2);
	struct wp_buf out = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct oci_gzip *g;

	(void)state;
	assert_int_equal(oci_gzip_start(CH + 10, &g), 0);
	assert_int_equal(oci_gzip_write(g, in, CH), 0);
	assert_true(oci_gzip_write(g, in + CH, 11) < 0);
	assert_int_equal(wp_error_last_code(), WP_ETOOBIG);
	assert_true(oci_gzip_write(g, in + CH, 1) < 0); /* stays failed */
	assert_true(oci_gzip_finish(g, &out, NULL) < 0);
	wp_buf_release(&out);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_matches_whole),
		cmocka_unit_test(test_overflow),
	};
	return cmocka_run_group_tests_name("oci_gzip", tests, NULL, NULL);
}
