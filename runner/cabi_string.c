/*
 * cabi_string.c - strings across the canonical ABI in the three encodings
 * of the string-encoding option (CanonicalABI.md, load_string_from_range
 * and store_string): utf8, utf16 (little-endian code units) and
 * latin1+utf16 (latin-1 bytes, or UTF-16 code units when bit 31 of the
 * length is set).  The host side of a string is always UTF-8 (a cval), so
 * lifting transcodes into UTF-8 and lowering from it; a string between
 * two components crosses as lift then lower, which gives the same code
 * points as the spec's direct transcoding.
 *
 * Traps, as the spec's trap_if: a pointer not aligned to the encoding
 * (2 for utf16 and latin1+utf16), a range past the memory, an unpaired
 * surrogate, a string longer than 2^31-1 bytes, and every realloc result
 * that is misaligned or out of bounds (cabi_realloc checks those).
 */
#include <stdlib.h>
#include <string.h>

#include "cabi.h"

#define UTF16_TAG 0x80000000u
#define MAX_STRING_BYTES 0x7fffffffu

/* One code point of valid UTF-8 at s[*i] (lifted strings are validated,
 * WAVE strings are built from code points); bad bytes give U+FFFD. */
static uint32_t utf8_next(const uint8_t *s, uint32_t len, uint32_t *i)
{
	uint32_t c = s[(*i)++], n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;

	if (n)
		c &= 0x3f >> n;
	for (; n; n--) {
		if (*i >= len || (s[*i] & 0xc0) != 0x80)
			return 0xfffd;
		c = c << 6 | (s[(*i)++] & 0x3f);
	}
	return c;
}

static uint32_t utf8_put(uint8_t *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (uint8_t)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (uint8_t)(0xc0 | c >> 6);
		o[1] = (uint8_t)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (uint8_t)(0xe0 | c >> 12);
		o[1] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
		o[2] = (uint8_t)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (uint8_t)(0xf0 | c >> 18);
	o[1] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
	o[2] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
	o[3] = (uint8_t)(0x80 | (c & 0x3f));
	return 4;
}

/* units UTF-16LE code units at p into UTF-8 at o; -1 on an unpaired surrogate. */
static int64_t utf16_to_utf8(const uint8_t *p, uint32_t units, uint8_t *o)
{
	uint32_t i, c, d;
	int64_t n = 0;

	for (i = 0; i < units; i++) {
		c = (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8;
		if (c >= 0xdc00 && c < 0xe000)
			return -1;
		if (c >= 0xd800 && c < 0xdc00) {
			if (i + 1 >= units)
				return -1;
			d = (uint32_t)p[2 * i + 2] | (uint32_t)p[2 * i + 3] << 8;
			if (d < 0xdc00 || d >= 0xe000)
				return -1;
			c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
			i++;
		}
		n += utf8_put(o + n, c);
	}
	return n;
}

int cabi_load_string(struct cabi_ctx *c, uint32_t ptr, uint32_t tagged, struct cval *out)
{
	const uint8_t *p;
	uint64_t bytes = tagged;
	uint8_t *buf;
	int64_t n = 0;
	uint32_t i;
	int utf16 = c->encoding == WC_UTF16 ||
		    (c->encoding == WC_LATIN1_UTF16 && (tagged & UTF16_TAG));

	if (c->encoding == WC_LATIN1_UTF16 && utf16)
		tagged ^= UTF16_TAG;
	if (utf16)
		bytes = 2 * (uint64_t)tagged;
	else
		bytes = tagged;
	if (c->encoding != WC_UTF8 && (ptr & 1))
		return cabi_fail(c, "canonical ABI: string pointer not aligned to 2 for its encoding");
	if (!(p = cabi_mem_at(c, ptr, bytes)))
		return -1;
	if (c->encoding == WC_UTF8) {
		if (!wasm_utf8_valid(p, tagged))
			return cabi_fail(c, "canonical ABI: string is not valid UTF-8");
		return cval_string(out, (const char *)p, tagged) < 0 ? cabi_fail(c, "out of memory") : 0;
	}
	/* at most 3 UTF-8 bytes per UTF-16 code unit, 2 per latin-1 byte */
	if (!(buf = malloc(bytes ? (size_t)bytes * 3 / (utf16 ? 2 : 1) : 1)))
		return cabi_fail(c, "out of memory");
	if (utf16)
		n = utf16_to_utf8(p, tagged, buf);
	else
		for (i = 0; i < tagged; i++)
			n += utf8_put(buf + n, p[i]);
	if (n < 0) {
		free(buf);
		return cabi_fail(c, "canonical ABI: string is not valid UTF-16 (unpaired surrogate)");
	}
	i = cval_string(out, (const char *)buf, (size_t)n) < 0;
	free(buf);
	return i ? cabi_fail(c, "out of memory") : 0;
}

/* The UTF-16LE code units of s (UTF-8, len bytes) at o: the byte count. */
static uint32_t utf8_to_utf16(const uint8_t *s, uint32_t len, uint8_t *o)
{
	uint32_t i = 0, n = 0, c;

	while (i < len) {
		c = utf8_next(s, len, &i);
		if (c >= 0x10000) {
			c -= 0x10000;
			o[n++] = (uint8_t)(0xd800 + (c >> 10));
			o[n++] = (uint8_t)((0xd800 + (c >> 10)) >> 8);
			c = 0xdc00 + (c & 0x3ff);
		}
		o[n++] = (uint8_t)c;
		o[n++] = (uint8_t)(c >> 8);
	}
	return n;
}

/* realloc(old, old_size, 2, size) and the memory it designates, or NULL. */
static uint8_t *realloc16(struct cabi_ctx *c, uint32_t old, uint32_t old_size, uint32_t size,
			  uint32_t *ptr)
{
	if (cabi_realloc(c, old, old_size, 2, size, ptr) < 0)
		return NULL;
	return cabi_mem_at(c, *ptr, size);
}

/* store_utf8_to_utf16: worst case 2 bytes per UTF-8 byte, shrunk after. */
static int store_utf16(struct cabi_ctx *c, const uint8_t *s, uint32_t len, uint32_t *ptr,
		       uint32_t *units, uint32_t tag)
{
	uint32_t worst = 2 * len, n;
	uint8_t *p, *tmp;

	if ((uint64_t)2 * len > MAX_STRING_BYTES)
		return cabi_fail(c, "canonical ABI: string too long for utf16");
	if (!(tmp = malloc(worst ? worst : 1)))
		return cabi_fail(c, "out of memory");
	n = utf8_to_utf16(s, len, tmp);
	if (!(p = realloc16(c, 0, 0, worst, ptr))) {
		free(tmp);
		return -1;
	}
	memcpy(p, tmp, n);
	free(tmp);
	if (n < worst && !realloc16(c, *ptr, worst, n, ptr))
		return -1;
	*units = n / 2 | tag;
	return 0;
}

/* store_string_to_latin1_or_utf16: latin-1 while every code point fits a
 * byte; at the first that does not, the bytes so far are widened in place
 * and the rest is UTF-16 with the length tagged. */
static int store_latin1_utf16(struct cabi_ctx *c, const uint8_t *s, uint32_t len, uint32_t *ptr,
			      uint32_t *units)
{
	uint32_t i = 0, at, n = 0, cp, j, worst = 2 * len, rest;
	uint8_t *p;

	if (!(p = realloc16(c, 0, 0, len, ptr)))
		return -1;
	while (i < len) {
		at = i;
		cp = utf8_next(s, len, &i);
		if (cp < 0x100) {
			p[n++] = (uint8_t)cp;
			continue;
		}
		if ((uint64_t)2 * len > MAX_STRING_BYTES)
			return cabi_fail(c, "canonical ABI: string too long for utf16");
		if (!(p = realloc16(c, *ptr, len, worst, ptr)))
			return -1;
		for (j = n; j-- > 0;) {
			p[2 * j] = p[j];
			p[2 * j + 1] = 0;
		}
		rest = utf8_to_utf16(s + at, len - at, p + 2 * n);
		if (2 * n + rest < worst && !realloc16(c, *ptr, worst, 2 * n + rest, ptr))
			return -1;
		*units = (2 * n + rest) / 2 | UTF16_TAG;
		return 0;
	}
	if (n < len && !realloc16(c, *ptr, len, n, ptr))
		return -1;
	*units = n;
	return 0;
}

int cabi_store_string(struct cabi_ctx *c, const char *s, uint32_t len, uint32_t *ptr,
		      uint32_t *units)
{
	if (c->encoding == WC_UTF16)
		return store_utf16(c, (const uint8_t *)s, len, ptr, units, 0);
	if (c->encoding == WC_LATIN1_UTF16)
		return store_latin1_utf16(c, (const uint8_t *)s, len, ptr, units);
	return cabi_fail(c, "canonical ABI: unknown string encoding");
}
