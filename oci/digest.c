/*
 * digest.c - SHA-256 digests through OpenSSL's EVP interface.
 */
#include <string.h>

#include <openssl/evp.h>

#include "../common/error.h"
#include "digest.h"

int oci_hasher_init(struct oci_hasher *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->ctx = ctx;
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		oci_hasher_release(h);
		return wp_error_set(WP_ENOMEM, "cannot initialise SHA-256");
	}
	return 0;
}

int oci_hasher_update(struct oci_hasher *h, const void *data, size_t len)
{
	if (EVP_DigestUpdate(h->ctx, data, len) != 1)
		return wp_error_set(WP_ERROR, "SHA-256 update failed");
	return 0;
}

int oci_hasher_final(struct oci_hasher *h, char out[OCI_DIGEST_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int len = 0, i;

	if (EVP_DigestFinal_ex(h->ctx, md, &len) != 1 || len != 32) {
		oci_hasher_release(h);
		return wp_error_set(WP_ERROR, "SHA-256 final failed");
	}
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[71] = '\0';
	oci_hasher_release(h);
	return 0;
}

void oci_hasher_release(struct oci_hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int oci_digest(const void *data, size_t len, char out[OCI_DIGEST_SIZE])
{
	struct oci_hasher h;
	int err;

	if ((err = oci_hasher_init(&h)) < 0)
		return err;
	if ((err = oci_hasher_update(&h, data, len)) < 0) {
		oci_hasher_release(&h);
		return err;
	}
	return oci_hasher_final(&h, out);
}

int oci_digest_valid(const char *s)
{
	size_t i;

	if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71)
		return 0;
	for (i = 7; i < 71; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

const char *oci_digest_hex(const char *digest)
{
	const char *colon = strchr(digest, ':');
	return colon ? colon + 1 : digest;
}
