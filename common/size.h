/*
 * size.h - sizes as users write them on command lines.
 */
#ifndef WP_SIZE_H
#define WP_SIZE_H

#include <stdint.h>

/* "123", "64K", "16MiB", "1G" (powers of 1024) -> bytes.  Zero, a sign,
 * overflow or anything trailing is -1. */
int wp_parse_size(const char *s, uint64_t *out);

#endif
