/*
 * buf.h - one growable byte buffer with a hard size cap.
 *
 * Used for JSON documents, manifests, HTTP bodies and whole files, so a
 * hostile input (a registry, a huge file) cannot make us allocate without
 * bound: every append past `max` fails with WP_ETOOBIG.  The data is always
 * NUL-terminated (not counted in len) so text can be used as a C string.
 */
#ifndef WP_BUF_H
#define WP_BUF_H

#include <stddef.h>
#include <stdint.h>

#define WP_BUF_UNLIMITED ((size_t)-1)

struct wp_buf {
	uint8_t *data; /* NULL until the first append */
	size_t len;
	size_t cap;
	size_t max; /* hard cap on len */
};

#define WP_BUF_INIT(maxlen) { NULL, 0, 0, (maxlen) }

void wp_buf_init(struct wp_buf *b, size_t max);
/* Make room for `extra` more bytes. */
int wp_buf_grow(struct wp_buf *b, size_t extra);
int wp_buf_append(struct wp_buf *b, const void *data, size_t len);
int wp_buf_puts(struct wp_buf *b, const char *s);
int wp_buf_printf(struct wp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Empty the buffer, keeping its memory. */
void wp_buf_reset(struct wp_buf *b);
/* Hand the memory to the caller (who frees it); the buffer is emptied. */
uint8_t *wp_buf_detach(struct wp_buf *b, size_t *len);
/* Free the memory; the buffer can be reused. */
void wp_buf_release(struct wp_buf *b);
/* The contents as a C string ("" when empty). Borrowed. */
const char *wp_buf_cstr(const struct wp_buf *b);

/* Make room for `need` elements of `size` bytes in the array *p of
 * capacity *cap (doubling; at least 64).  0, or WP_ENOMEM. */
int wp_array_grow(void **p, uint32_t *cap, uint32_t need, size_t size);

#endif
