/*
 * strip.h - remove debug information from a core module.
 *
 * A Rust hello world is ~5.8 MB with DWARF and well under 1 MB without;
 * Debian's wasi-libc alone adds ~150 KB of it to every C program.  The
 * strip rewrites the binary without the debug custom sections, using the
 * decoder's section list, so the code and data bytes are copied untouched.
 */
#ifndef WASM_STRIP_H
#define WASM_STRIP_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"

/* 1 for custom sections that only carry debug information: DWARF
 * (".debug_*"), source maps, external debug info references, and, unless
 * keep_name, the "name" section. */
int wasm_custom_is_debug(const char *name, int keep_name);

/* Append to `out` the module `in` without its debug custom sections.
 * Components are copied as they are (their nested modules are not
 * rewritten).  *removed (may be NULL) receives the number of sections
 * dropped.  Malformed input is WP_EINVALID. */
int wasm_strip_debug(const uint8_t *in, size_t len, int keep_name, struct wp_buf *out, size_t *removed);

#endif
