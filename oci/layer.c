/*
 * layer.c - reproducible tar layers and safe extraction, on libarchive.
 *
 * Reproducibility: ustar headers carry only what we set (name, mode 0755,
 * uid/gid 0, empty user/group names, the given mtime); libarchive writes no
 * pax records for such an entry.  Compression is in gzip.c (parallel).
 */
#include <errno.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "layer.h"

struct sink {
	int (*write)(void *ctx, const void *data, size_t len);
	void *ctx;
};

static la_ssize_t sink_write_cb(struct archive *a, void *ctx, const void *data, size_t len)
{
	struct sink *k = ctx;

	(void)a;
	/* on failure the error slot already says why (a size cap or memory) */
	return k->write(k->ctx, data, len) < 0 ? -1 : (la_ssize_t)len;
}

static int buf_write(void *ctx, const void *data, size_t len)
{
	return wp_buf_append(ctx, data, len);
}

static int archive_fail(struct archive *a, const char *what)
{
	return wp_error_set(WP_ERROR, "%s: %s", what,
			    archive_error_string(a) ? archive_error_string(a) : "libarchive error");
}

int oci_layer_tar_to(const char *name, const uint8_t *data, size_t len, time_t mtime,
		     int (*write)(void *ctx, const void *data, size_t len), void *ctx)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct sink k = { write, ctx };
	int err = 0;

	if (!a || !e) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open(a, &k, NULL, sink_write_cb, NULL) != ARCHIVE_OK) {
		err = archive_fail(a, "cannot create tar layer");
		goto done;
	}
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0755);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, mtime, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		err = archive_fail(a, "cannot write tar header");
		goto done;
	}
	if (len && archive_write_data(a, data, len) != (la_ssize_t)len) {
		err = archive_fail(a, "cannot write tar data");
		goto done;
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		err = archive_fail(a, "cannot finish tar layer");
done:
	archive_entry_free(e);
	archive_write_free(a);
	return err;
}

int oci_layer_tar(const char *name, const uint8_t *data, size_t len, time_t mtime,
		  struct wp_buf *out)
{
	return oci_layer_tar_to(name, data, len, mtime, buf_write, out);
}

/* Strip "./" and "/" prefixes; NULL if the name climbs with "..". */
static const char *clean_name(const char *name)
{
	while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
		name += name[0] == '/' ? 1 : 2;
	return wp_path_climbs(name) ? NULL : name;
}

/*
 * 1 if entry `name` (cleaned) is a whiteout that hides `want` in the
 * layers below: ".wh.<x>" deleting want or a directory holding it, or
 * ".wh..wh..opq" making a directory holding want opaque.
 */
static int hides(const char *name, const char *want)
{
	const char *base = strrchr(name, '/');
	size_t dlen = base ? (size_t)(base - name) + 1 : 0, wlen = strlen(want), n;

	base = base ? base + 1 : name;
	if (strncmp(base, ".wh.", 4) != 0 || strncmp(name, want, dlen) != 0)
		return 0;
	if (!strcmp(base, ".wh..wh..opq"))
		return 1;
	n = strlen(base + 4);
	return dlen + n <= wlen && !strncmp(want + dlen, base + 4, n) &&
	       (want[dlen + n] == '\0' || want[dlen + n] == '/');
}

/* Read the current entry's data (at most `max` bytes) into `out`, replacing
 * what an earlier entry of the same name put there. */
static int read_entry(struct archive *a, struct archive_entry *e, const char *path, size_t max,
		      struct wp_buf *out)
{
	int err;

	if (archive_entry_size(e) < 0 || (uint64_t)archive_entry_size(e) > max)
		return wp_error_set(WP_ETOOBIG, "%s in the layer is larger than %zu bytes", path, max);
	wp_buf_reset(out);
	if ((err = wp_buf_grow(out, (size_t)archive_entry_size(e))) < 0)
		return err;
	for (;;) {
		la_ssize_t n = archive_read_data(a, out->data + out->len, out->cap - out->len - 1);
		if (n < 0)
			return wp_error_set(WP_EINVALID, "corrupt layer: %s", archive_error_string(a));
		if (n == 0)
			break;
		out->len += (size_t)n; /* never past the size the header announced */
	}
	out->data[out->len] = '\0';
	return 0;
}

/* WP_ETOOBIG once the tar read so far is over OCI_LAYER_TAR_MAX. */
static int check_inflated(struct archive *a)
{
	if (archive_filter_bytes(a, 0) <= (la_int64_t)OCI_LAYER_TAR_MAX)
		return 0;
	return wp_error_set(WP_ETOOBIG, "layer inflates to more than %zu MiB (a decompression bomb?)",
			    OCI_LAYER_TAR_MAX >> 20);
}

/* Read past the current entry's data, within the cap (libarchive's own
 * skip would inflate all of an entry of any announced size at once). */
static int skip_entry(struct archive *a)
{
	char chunk[65536];
	la_ssize_t n;
	int err;

	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
		if ((err = check_inflated(a)) < 0)
			return err;
	if (n < 0)
		return wp_error_set(WP_EINVALID, "corrupt layer: %s", archive_error_string(a));
	return 0;
}

int oci_layer_extract(const uint8_t *layer, size_t len, int gzip, const char *path, size_t max,
		      struct wp_buf *out, int *deleted)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const char *want = clean_name(path);
	int found = 0, hidden = 0, err = 0, r;

	if (deleted)
		*deleted = 0;
	if (!a)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (!want || !*want) {
		err = wp_error_set(WP_EINVALID, "invalid path in image: %s", path);
		goto done;
	}
	/* the media type says how many gzip levels: one or none, never detected */
	if ((gzip && archive_read_append_filter(a, ARCHIVE_FILTER_GZIP) != ARCHIVE_OK) ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, layer, len) != ARCHIVE_OK) {
		err = wp_error_set(WP_EINVALID, "layer is not a %s: %s", gzip ? "gzip'ed tar" : "tar",
				   archive_error_string(a));
		goto done;
	}
	/* as a container runtime unpacks it: the last entry of a name wins */
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *raw = archive_entry_pathname(e);
		const char *name;

		if (!raw) {
			err = wp_error_set(WP_EINVALID, "layer has an entry without a name");
			goto done;
		}
		if (raw[0] == '/') {
			err = wp_error_set(WP_EINVALID, "layer entry has an absolute name: %s", raw);
			goto done;
		}
		name = clean_name(raw);
		if (!name) {
			err = wp_error_set(WP_EINVALID, "layer entry climbs out with '..': %s", raw);
			goto done;
		}
		hidden |= hides(name, want);
		if (strcmp(name, want) != 0 || archive_entry_filetype(e) != AE_IFREG ||
		    archive_entry_hardlink(e)) {
			if (!strcmp(name, want))
				found = -1;
			if ((err = skip_entry(a)) < 0)
				goto done;
			continue;
		}
		if ((err = read_entry(a, e, path, max, out)) < 0 || (err = check_inflated(a)) < 0)
			goto done;
		found = 1;
	}
	if (r != ARCHIVE_EOF)
		err = wp_error_set(WP_EINVALID, "corrupt layer: %s", archive_error_string(a));
	else if (found < 0)
		err = wp_error_set(WP_EINVALID, "%s in the layer is not a regular file (links are not followed)",
				   path);
	else if (!found && hidden && deleted)
		*deleted = 1;
	if (!err && !found)
		err = wp_error_set(WP_ENOTFOUND, "%s not found in the image layer", path);
done:
	archive_read_free(a);
	return err;
}
