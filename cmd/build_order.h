/*
 * build_order.h - the order in which `wasmpack build ./...` starts its
 * builds: longest expected first (longest-processing-time scheduling),
 * path order among equals.  With -j N slots, the longest build started
 * last would leave the other cores idle while it finishes alone; the
 * expected length is a rough weight per builder.  Only the start order
 * depends on it: output stays in path order.
 */
#ifndef CMD_BUILD_ORDER_H
#define CMD_BUILD_ORDER_H

#include <stddef.h>

/* Indices into dirs/builders (n each; a builder may be NULL), in start
 * order; malloc'ed, NULL when out of memory. */
size_t *build_start_order(char *const *dirs, char *const *builders, size_t n);

#endif
