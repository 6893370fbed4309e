/*
 * base64.c - see base64.h.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base64.h"

char *wp_base64_encode(const void *data, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (!out)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

uint8_t *wp_base64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), pad = 0;
	uint8_t *out;
	int got;

	if (n % 4 != 0)
		return NULL;
	out = malloc(n / 4 * 3 + 1);
	if (!out)
		return NULL;
	got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	if (got < 0) {
		free(out);
		return NULL;
	}
	if (n >= 1 && s[n - 1] == '=')
		pad++;
	if (n >= 2 && s[n - 2] == '=')
		pad++;
	*len = (size_t)got - pad;
	out[*len] = '\0';
	return out;
}
