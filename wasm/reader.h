/*
 * reader.h - the one bounds-checked reader of WebAssembly binaries.
 *
 * Every read of module bytes goes through these functions, so no decoder,
 * validator or compiler can read past the end of its input.  A failed read
 * records an error naming the byte offset (from the start of the binary)
 * and returns WP_EINVALID; the reader is then left where it failed.
 *
 * LEB128 rules follow the spec: at most ceil(N/7) bytes for an N-bit
 * value, unused bits of the last byte must be zero (unsigned) or a sign
 * extension (signed).  Padded encodings (0x80 0x80 0x80 0x80 0x00, which
 * LLVM emits for relocatable immediates) are valid as long as they fit.
 */
#ifndef WASM_READER_H
#define WASM_READER_H

#include <stddef.h>
#include <stdint.h>

struct wasm_reader {
	const uint8_t *base; /* start of the whole binary, for offsets */
	const uint8_t *p;    /* next byte */
	const uint8_t *end;  /* one past the last readable byte */
};

void wasm_reader_init(struct wasm_reader *r, const uint8_t *data, size_t len);
/* A reader over the next `len` bytes of `r` (which advances past them). */
int wasm_reader_sub(struct wasm_reader *r, size_t len, struct wasm_reader *sub);

static inline size_t wasm_reader_offset(const struct wasm_reader *r)
{
	return (size_t)(r->p - r->base);
}

static inline size_t wasm_reader_left(const struct wasm_reader *r)
{
	return (size_t)(r->end - r->p);
}

static inline int wasm_reader_eof(const struct wasm_reader *r)
{
	return r->p >= r->end;
}

int wasm_read_u8_slow(struct wasm_reader *r, uint8_t *out);
int wasm_read_u32_slow(struct wasm_reader *r, uint32_t *out);

/* The hot reads are inline (the validator reads every opcode through
 * them); the out-of-line versions handle the end of input and long LEBs. */
static inline int wasm_read_u8(struct wasm_reader *r, uint8_t *out)
{
	if (__builtin_expect(r->p < r->end, 1)) {
		*out = *r->p++;
		return 0;
	}
	return wasm_read_u8_slow(r, out);
}

static inline int wasm_read_u32(struct wasm_reader *r, uint32_t *out) /* LEB128 u32 */
{
	if (__builtin_expect(r->p < r->end && !(*r->p & 0x80), 1)) {
		*out = *r->p++;
		return 0;
	}
	if (r->end - r->p >= 2 && !(r->p[1] & 0x80)) { /* two bytes: always in range */
		*out = (uint32_t)(r->p[0] & 0x7f) | (uint32_t)r->p[1] << 7;
		r->p += 2;
		return 0;
	}
	return wasm_read_u32_slow(r, out);
}
int wasm_read_s32_slow(struct wasm_reader *r, int32_t *out);
int wasm_read_s64_slow(struct wasm_reader *r, int64_t *out);
int wasm_read_fixed_slow(struct wasm_reader *r, unsigned n);

static inline int wasm_read_s32(struct wasm_reader *r, int32_t *out) /* LEB128 s32 */
{
	if (__builtin_expect(r->p < r->end && !(*r->p & 0x80), 1)) {
		*out = (int32_t)((uint32_t)*r->p++ << 25) >> 25; /* sign-extend 7 bits */
		return 0;
	}
	if (r->end - r->p >= 2 && !(r->p[1] & 0x80)) { /* two bytes: always in range */
		uint32_t v = (uint32_t)(r->p[0] & 0x7f) | (uint32_t)r->p[1] << 7;
		*out = (int32_t)(v << 18) >> 18; /* sign-extend 14 bits */
		r->p += 2;
		return 0;
	}
	return wasm_read_s32_slow(r, out);
}

static inline int wasm_read_s64(struct wasm_reader *r, int64_t *out)
{
	if (__builtin_expect(r->p < r->end && !(*r->p & 0x80), 1)) {
		*out = (int64_t)((uint64_t)*r->p++ << 57) >> 57;
		return 0;
	}
	return wasm_read_s64_slow(r, out);
}

int wasm_read_s33(struct wasm_reader *r, int64_t *out);       /* block types */
int wasm_read_u64(struct wasm_reader *r, uint64_t *out);

/* Little-endian fixed-width values (float constants). */
static inline int wasm_read_fixed32(struct wasm_reader *r, uint32_t *out)
{
	const uint8_t *p = r->p;

	if (__builtin_expect(r->end - p < 4, 0))
		return wasm_read_fixed_slow(r, 4);
	*out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	r->p += 4;
	return 0;
}

static inline int wasm_read_fixed64(struct wasm_reader *r, uint64_t *out)
{
	const uint8_t *p = r->p;
	uint64_t v = 0;
	int k;

	if (__builtin_expect(r->end - p < 8, 0))
		return wasm_read_fixed_slow(r, 8);
	for (k = 7; k >= 0; k--)
		v = v << 8 | p[k];
	*out = v;
	r->p += 8;
	return 0;
}
/* Borrow `len` bytes in place. */
int wasm_read_bytes(struct wasm_reader *r, size_t len, const uint8_t **out);
/* A name: u32 length + UTF-8 bytes (validated).  Borrowed, not NUL-terminated. */
int wasm_read_name(struct wasm_reader *r, const char **out, uint32_t *len);
/* A vector count that cannot exceed the bytes left (each element >= min_size
 * bytes), so a hostile count cannot make callers allocate huge arrays. */
int wasm_read_count(struct wasm_reader *r, size_t min_size, uint32_t *out);

/* Record "<what> at offset N" as the error and return WP_EINVALID. */
int wasm_reader_fail(const struct wasm_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* 1 if [s, s+len) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int wasm_utf8_valid(const uint8_t *s, size_t len);

#endif
