/*
 * buf.c - capped growable buffer (see buf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

void wp_buf_init(struct wp_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

int wp_buf_grow(struct wp_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	/* len <= max always holds; the second test keeps len + extra + 1
	 * (the NUL) from wrapping around */
	if (extra > b->max - b->len || b->len + extra >= SIZE_MAX)
		return wp_error_set(WP_ETOOBIG, "data exceeds the limit of %zu bytes", b->max);
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return wp_error_set(WP_ENOMEM, "out of memory (%zu bytes)", cap);
	b->data = p;
	b->cap = cap;
	return 0;
}

int wp_buf_append(struct wp_buf *b, const void *data, size_t len)
{
	int err;

	if ((err = wp_buf_grow(b, len)) < 0)
		return err;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int wp_buf_puts(struct wp_buf *b, const char *s)
{
	return wp_buf_append(b, s, strlen(s));
}

int wp_buf_printf(struct wp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, err;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return wp_error_set(WP_ERROR, "format error");
	if ((err = wp_buf_grow(b, (size_t)n)) < 0)
		return err;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void wp_buf_reset(struct wp_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

uint8_t *wp_buf_detach(struct wp_buf *b, size_t *len)
{
	uint8_t *p = b->data;

	if (len)
		*len = b->len;
	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void wp_buf_release(struct wp_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

const char *wp_buf_cstr(const struct wp_buf *b)
{
	return b->data ? (const char *)b->data : "";
}

int wp_array_grow(void **p, uint32_t *cap, uint32_t need, size_t size)
{
	void *n;
	uint32_t c;

	if (need <= *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	while (c < need)
		c *= 2;
	n = realloc(*p, (size_t)c * size);
	if (!n)
		return wp_error_set(WP_ENOMEM, "out of memory");
	*p = n;
	*cap = c;
	return 0;
}
