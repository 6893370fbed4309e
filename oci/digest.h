/*
 * digest.h - OCI content digests ("sha256:<64 hex>") on OpenSSL's SHA-256.
 */
#ifndef OCI_DIGEST_H
#define OCI_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define OCI_DIGEST_SIZE 72 /* "sha256:" + 64 hex + NUL */

struct oci_hasher {
	void *ctx; /* EVP_MD_CTX */
};

int oci_hasher_init(struct oci_hasher *h);
int oci_hasher_update(struct oci_hasher *h, const void *data, size_t len);
/* Writes the digest string and releases the context. */
int oci_hasher_final(struct oci_hasher *h, char out[OCI_DIGEST_SIZE]);
/* Releases the context without a result (safe after final). */
void oci_hasher_release(struct oci_hasher *h);

/* The digest of a buffer. */
int oci_digest(const void *data, size_t len, char out[OCI_DIGEST_SIZE]);

/* 1 if `s` is a well-formed sha256 digest (lowercase hex). */
int oci_digest_valid(const char *s);

/* The 64-hex part of a digest (borrowed pointer into `digest`). */
const char *oci_digest_hex(const char *digest);

#endif
