/*
 * layer.h - tar layers on libarchive: build the single-file layer of the
 * `image` format reproducibly, and read a file back out of a layer safely.
 */
#ifndef OCI_LAYER_H
#define OCI_LAYER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../common/buf.h"

/*
 * A tar holding one regular file `name` (no leading slash) with mode 0755,
 * uid/gid 0, no user/group names, mtime `mtime`, ustar format (no pax
 * records), no padding past the end-of-archive blocks.
 */
int oci_layer_tar(const char *name, const uint8_t *data, size_t len, time_t mtime,
		  struct wp_buf *out);

/* gzip (level 1, see gzip.c) with no file name and a zero mtime, like `gzip -n`,
 * compressed on every core in fixed chunks (gzip.c): the bytes do not
 * depend on the number of cores. */
int oci_layer_gzip(const uint8_t *data, size_t len, struct wp_buf *out);

/*
 * The same gzip, of a layer compressed while it is being written: start
 * for at most `cap` bytes (the helper threads wait for input), write the
 * layer in pieces (from one thread), then finish: the calling thread
 * joins the compression, `out` receives the gzip, `diff_id` (if not NULL)
 * the SHA-256 digest of all that was written, and `g` is freed.  Finish
 * is called even after a failed write (it stops the helpers); it fails
 * then too.
 */
struct oci_gzip;
int oci_gzip_start(size_t cap, struct oci_gzip **g);
int oci_gzip_write(struct oci_gzip *g, const void *data, size_t len);
int oci_gzip_finish(struct oci_gzip *g, struct wp_buf *out, char *diff_id);

/*
 * oci_layer_tar, written through `write` (returning < 0 to stop) instead
 * of into a buffer.
 */
int oci_layer_tar_to(const char *name, const uint8_t *data, size_t len, time_t mtime,
		     int (*write)(void *ctx, const void *data, size_t len), void *ctx);

/* The most a tar layer may inflate to when a module is read out of it:
 * the module cap and room for the rest. */
#define OCI_LAYER_TAR_MAX (((size_t)1 << 30) + ((size_t)64 << 20))

/*
 * Read the regular file `path` out of a tar layer (exactly one gzip level
 * if `gzip`, else none; at most OCI_LAYER_TAR_MAX bytes of tar), into `out`
 * (at most `max` bytes), as a container runtime unpacks it: of
 * several entries with that name the last wins.  Entry names are compared
 * after removing a leading "./" or "/".  Refuses an archive holding
 * entries with ".." components or absolute names, and refuses to follow a
 * link for `path` (the module must be a regular file in the layer).  When
 * the layer lacks `path` (WP_ENOTFOUND) and a whiteout in it (.wh.<name>,
 * or an opaque .wh..wh..opq directory) deletes `path` from the layers
 * below, `*deleted` (if not NULL) is set to 1.
 */
int oci_layer_extract(const uint8_t *layer, size_t len, int gzip, const char *path, size_t max,
		      struct wp_buf *out, int *deleted);

#endif
