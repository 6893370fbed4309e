/*
 * reader.c - bounds-checked reads of WebAssembly binaries (see reader.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "../common/error.h"
#include "reader.h"

void wasm_reader_init(struct wasm_reader *r, const uint8_t *data, size_t len)
{
	r->base = data;
	r->p = data;
	r->end = data + len;
}

int wasm_reader_fail(const struct wasm_reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return wp_error_set(WP_EINVALID, "%s at offset %zu", msg, wasm_reader_offset(r));
}

int wasm_reader_sub(struct wasm_reader *r, size_t len, struct wasm_reader *sub)
{
	if (len > wasm_reader_left(r))
		return wasm_reader_fail(r, "unexpected end (length %zu past the end)", len);
	sub->base = r->base;
	sub->p = r->p;
	sub->end = r->p + len;
	r->p += len;
	return 0;
}

int wasm_read_u8_slow(struct wasm_reader *r, uint8_t *out)
{
	if (r->p >= r->end)
		return wasm_reader_fail(r, "unexpected end");
	*out = *r->p++;
	return 0;
}

/*
 * Unsigned LEB128 of at most `bits` bits.
 */
static int read_uleb(struct wasm_reader *r, unsigned bits, uint64_t *out)
{
	const uint8_t *start = r->p;
	unsigned shift = 0;
	uint64_t v = 0;

	for (;;) {
		uint8_t b;
		if (r->p >= r->end) {
			r->p = start;
			return wasm_reader_fail(r, "unexpected end of LEB128 integer");
		}
		b = *r->p++;
		if (shift + 7 >= bits && shift < 64) {
			/* last permitted byte: no continuation, high bits zero */
			unsigned used = bits - shift;
			if (b & 0x80) {
				r->p = start;
				return wasm_reader_fail(r, "integer representation too long");
			}
			if (used < 7 && (b >> used) != 0) {
				r->p = start;
				return wasm_reader_fail(r, "integer too large");
			}
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
	}
	*out = v;
	return 0;
}

static int read_sleb(struct wasm_reader *r, unsigned bits, int64_t *out)
{
	const uint8_t *start = r->p;
	unsigned shift = 0;
	uint64_t v = 0;
	uint8_t b;

	for (;;) {
		if (r->p >= r->end) {
			r->p = start;
			return wasm_reader_fail(r, "unexpected end of LEB128 integer");
		}
		b = *r->p++;
		if (shift + 7 >= bits) {
			/* last permitted byte: the unused bits must all equal the
			 * sign bit of the value */
			unsigned used = bits - shift; /* 1..7 value bits here */
			int sign, rest;
			if (b & 0x80) {
				r->p = start;
				return wasm_reader_fail(r, "integer representation too long");
			}
			sign = (b >> (used - 1)) & 1;
			rest = (b & 0x7f) >> used;
			if (used < 7 && rest != (sign ? (0x7f >> used) : 0)) {
				r->p = start;
				return wasm_reader_fail(r, "integer too large");
			}
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	*out = (int64_t)v;
	return 0;
}

int wasm_read_u32_slow(struct wasm_reader *r, uint32_t *out)
{
	uint64_t v;
	int err;

	if ((err = read_uleb(r, 32, &v)) < 0)
		return err;
	*out = (uint32_t)v;
	return 0;
}

int wasm_read_s32_slow(struct wasm_reader *r, int32_t *out)
{
	int64_t v;
	int err;

	if ((err = read_sleb(r, 32, &v)) < 0)
		return err;
	*out = (int32_t)v;
	return 0;
}

int wasm_read_s33(struct wasm_reader *r, int64_t *out)
{
	return read_sleb(r, 33, out);
}

int wasm_read_u64(struct wasm_reader *r, uint64_t *out)
{
	return read_uleb(r, 64, out);
}

int wasm_read_s64_slow(struct wasm_reader *r, int64_t *out)
{
	return read_sleb(r, 64, out);
}

/* A fixed-width read that does not fit: the error. */
int wasm_read_fixed_slow(struct wasm_reader *r, unsigned n)
{
	const uint8_t *p = NULL;

	return wasm_read_bytes(r, n, &p);
}

int wasm_read_bytes(struct wasm_reader *r, size_t len, const uint8_t **out)
{
	if (len > wasm_reader_left(r))
		return wasm_reader_fail(r, "unexpected end (need %zu bytes, %zu left)",
					len, wasm_reader_left(r));
	*out = r->p;
	r->p += len;
	return 0;
}

int wasm_read_count(struct wasm_reader *r, size_t min_size, uint32_t *out)
{
	uint32_t n;
	int err;

	if ((err = wasm_read_u32(r, &n)) < 0)
		return err;
	if (min_size && (uint64_t)n * min_size > wasm_reader_left(r))
		return wasm_reader_fail(r, "unexpected end (count %u exceeds the section)", n);
	*out = n;
	return 0;
}

int wasm_read_name(struct wasm_reader *r, const char **out, uint32_t *len)
{
	const uint8_t *p = NULL;
	uint32_t n;
	int err;

	if ((err = wasm_read_u32(r, &n)) < 0)
		return err;
	if ((err = wasm_read_bytes(r, n, &p)) < 0)
		return err;
	if (!wasm_utf8_valid(p, n)) {
		r->p = p;
		return wasm_reader_fail(r, "malformed UTF-8 encoding");
	}
	*out = (const char *)p;
	*len = n;
	return 0;
}

int wasm_utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		uint32_t cp;
		size_t n, k;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= n) /* need n continuation bytes after s[i] */
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}
