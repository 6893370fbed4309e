/*
 * base64.h - standard base64 (RFC 4648, with padding) on OpenSSL's
 * EVP_EncodeBlock/EVP_DecodeBlock: registry credentials, signatures,
 * digests in sigstore bundles.
 */
#ifndef WP_BASE64_H
#define WP_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Malloc'ed, NUL-terminated; NULL when out of memory. */
char *wp_base64_encode(const void *data, size_t len);
/* Malloc'ed bytes (NUL-terminated, not counted); NULL when `s` is not
 * base64 or out of memory. */
uint8_t *wp_base64_decode(const char *s, size_t *len);

#endif
