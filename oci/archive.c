/*
 * archive.c - write an image as an oci-archive (a tar of an OCI layout) or
 * a docker-archive (the `docker save` format), reproducibly.
 *
 * Entries are written in a fixed order with fixed owner, mode and mtime,
 * to a temporary file renamed over the destination at the end: a failed
 * write leaves the old file (or none) in place.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "layer.h"
#include "layout.h"

#define OCI_LAYOUT_FILE "{\"imageLayoutVersion\":\"1.0.0\"}"

struct tar_out {
	struct archive *a;
	char *tmp;
	const char *file;
};

static int tar_open(struct tar_out *t, const char *file)
{
	int fd;

	memset(t, 0, sizeof(*t));
	t->file = file;
	if (asprintf(&t->tmp, "%s.tmp-%ld-XXXXXX", file, (long)getpid()) < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	fd = mkstemp(t->tmp);
	if (fd < 0) {
		int err = wp_error_errno(WP_EIO, "cannot write %s", file);
		free(t->tmp);
		t->tmp = NULL;
		return err;
	}
	fchmod(fd, 0644);
	t->a = archive_write_new();
	if (!t->a || archive_write_set_format_ustar(t->a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(t->a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(t->a, fd) != ARCHIVE_OK) {
		close(fd);
		return wp_error_set(WP_ERROR, "cannot write %s: %s", file,
				    t->a ? archive_error_string(t->a) : "out of memory");
	}
	/* archive_write_open_fd does not close the fd: keep it in the handle's
	 * lifetime by closing after archive_write_close. */
	return fd;
}

static int tar_add(struct tar_out *t, const char *name, const void *data, size_t len, int dir)
{
	struct archive_entry *e = archive_entry_new();
	int err = 0;

	if (!e)
		return wp_error_set(WP_ENOMEM, "out of memory");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, dir ? 0755 : 0644);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_size(e, dir ? 0 : (la_int64_t)len);
	if (archive_write_header(t->a, e) != ARCHIVE_OK ||
	    (!dir && len && archive_write_data(t->a, data, len) != (la_ssize_t)len))
		err = wp_error_set(WP_EIO, "cannot write %s: %s", t->file, archive_error_string(t->a));
	archive_entry_free(e);
	return err;
}

/* Finish: on success rename into place, else remove the temporary file. */
static int tar_close(struct tar_out *t, int fd, int err)
{
	if (t->a) {
		if (archive_write_close(t->a) != ARCHIVE_OK && err == 0)
			err = wp_error_set(WP_EIO, "cannot write %s: %s", t->file,
					   archive_error_string(t->a));
		archive_write_free(t->a);
	}
	if (fd >= 0 && close(fd) < 0 && err == 0)
		err = wp_error_errno(WP_EIO, "cannot write %s", t->file);
	if (t->tmp) {
		if (err == 0 && rename(t->tmp, t->file) < 0)
			err = wp_error_errno(WP_EIO, "cannot write %s", t->file);
		if (err < 0)
			unlink(t->tmp);
		free(t->tmp);
	}
	return err;
}

static int add_blob(struct tar_out *t, const struct oci_blob *b)
{
	char name[OCI_DIGEST_SIZE + 16];

	snprintf(name, sizeof(name), "blobs/sha256/%s", oci_digest_hex(b->digest));
	return tar_add(t, name, b->data, b->size, 0);
}

int oci_archive_write(const char *file, const struct oci_image *img, char *const *tags,
		      size_t ntags)
{
	struct tar_out t;
	json_t *idx = NULL;
	char *text = NULL;
	size_t len, i;
	int fd, err = 0;

	for (i = 0; i < ntags; i++)
		if (!oci_tag_valid(tags[i]))
			return wp_error_set(WP_EUSAGE, "invalid tag '%s'", tags[i]);
	if (wp_fs_is_dir(file))
		return wp_error_set(WP_EINVALID, "%s: is a directory, expected a file name", file);
	idx = oci_index_with_tags(NULL, img, tags, ntags);
	text = idx ? oci_json_dump(idx, &len) : NULL;
	json_decref(idx);
	if (!text)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((fd = tar_open(&t, file)) < 0) {
		free(text);
		return tar_close(&t, -1, fd);
	}
	/* fixed order: layout marker, index, then blobs sorted by name */
	if ((err = tar_add(&t, "oci-layout", OCI_LAYOUT_FILE, strlen(OCI_LAYOUT_FILE), 0)) < 0 ||
	    (err = tar_add(&t, "index.json", text, len, 0)) < 0 ||
	    (err = tar_add(&t, "blobs", NULL, 0, 1)) < 0 ||
	    (err = tar_add(&t, "blobs/sha256", NULL, 0, 1)) < 0)
		goto done;
	{
		const struct oci_blob *blobs[64];
		size_t n = 0, a, b;
		blobs[n++] = &img->manifest;
		blobs[n++] = &img->config;
		for (i = 0; i < img->nlayers && n < 64; i++)
			blobs[n++] = &img->layers[i];
		for (a = 0; a < n; a++)
			for (b = a + 1; b < n; b++)
				if (strcmp(blobs[b]->digest, blobs[a]->digest) < 0) {
					const struct oci_blob *x = blobs[a];
					blobs[a] = blobs[b];
					blobs[b] = x;
				}
		for (a = 0; a < n; a++) {
			if (a && !strcmp(blobs[a]->digest, blobs[a - 1]->digest))
				continue;
			if ((err = add_blob(&t, blobs[a])) < 0)
				goto done;
		}
	}
done:
	free(text);
	return tar_close(&t, fd, err);
}

/* The uncompressed tar of a gzip layer. */
static int gunzip(const struct oci_blob *b, struct wp_buf *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int err = 0;

	if (!a)
		return wp_error_set(WP_ENOMEM, "out of memory");
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, b->data, b->size) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		err = wp_error_set(WP_EINVALID, "layer %s: %s", b->digest, archive_error_string(a));
		goto done;
	}
	for (;;) {
		char chunk[65536];
		la_ssize_t n = archive_read_data(a, chunk, sizeof(chunk));
		if (n < 0) {
			err = wp_error_set(WP_EINVALID, "layer %s: %s", b->digest, archive_error_string(a));
			goto done;
		}
		if (n == 0)
			break;
		if ((err = wp_buf_append(out, chunk, (size_t)n)) < 0)
			goto done;
	}
done:
	archive_read_free(a);
	return err;
}

int oci_docker_archive_write(const char *file, const struct oci_image *img,
			     char *const *repo_tags, size_t nrepo_tags)
{
	struct wp_buf tar = WP_BUF_INIT(WP_BUF_UNLIMITED);
	char cfg_name[OCI_DIGEST_SIZE + 8], layer_name[OCI_DIGEST_SIZE + 16], diff[OCI_DIGEST_SIZE];
	json_t *manifest = NULL, *tags;
	struct tar_out t;
	char *text = NULL;
	size_t len, i;
	int fd = -1, err;

	if (img->format != OCI_FORMAT_IMAGE || img->nlayers != 1)
		return wp_error_set(WP_EUSAGE,
				    "docker-archive holds only the image format (use --format image, or oci-archive)");
	if (wp_fs_is_dir(file))
		return wp_error_set(WP_EINVALID, "%s: is a directory, expected a file name", file);
	if ((err = gunzip(&img->layers[0], &tar)) < 0 || (err = oci_digest(tar.data, tar.len, diff)) < 0)
		goto done;
	snprintf(cfg_name, sizeof(cfg_name), "%s.json", oci_digest_hex(img->config.digest));
	snprintf(layer_name, sizeof(layer_name), "%s/layer.tar", oci_digest_hex(diff));
	tags = json_array();
	for (i = 0; i < nrepo_tags; i++)
		json_array_append_new(tags, json_string(repo_tags[i]));
	manifest = json_pack("[{s:s, s:o, s:[s]}]", "Config", cfg_name, "RepoTags", tags, "Layers",
			     layer_name);
	text = manifest ? oci_json_dump(manifest, &len) : NULL;
	if (!text) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((fd = tar_open(&t, file)) < 0) {
		err = tar_close(&t, -1, fd);
		fd = -1;
		goto done;
	}
	layer_name[64] = '\0'; /* the layer directory */
	if ((err = tar_add(&t, cfg_name, img->config.data, img->config.size, 0)) == 0 &&
	    (err = tar_add(&t, layer_name, NULL, 0, 1)) == 0) {
		layer_name[64] = '/';
		if ((err = tar_add(&t, layer_name, tar.data, tar.len, 0)) == 0)
			err = tar_add(&t, "manifest.json", text, len, 0);
	}
	err = tar_close(&t, fd, err);
done:
	json_decref(manifest);
	free(text);
	wp_buf_release(&tar);
	return err;
}
