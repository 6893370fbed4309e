/*
 * store.c - read images back from an OCI layout directory or archive.
 *
 * Both sources expose the same files (oci-layout, index.json,
 * blobs/sha256/<hex>); an archive is streamed, its entry names checked
 * once (no absolute names, no "..", no links), and each file read on its
 * own pass (only the blobs asked for are held in memory); a directory is
 * read file by file.  Every blob is verified against its digest.
 */
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "layout.h"

#define ARCHIVE_MAX_ENTRIES 100000

struct oci_store {
	char *dir;     /* a layout directory, or NULL for an archive */
	char *archive; /* an oci-archive file, or NULL */
	char *label;
	json_t *index;
};

void oci_store_free(struct oci_store *s)
{
	if (!s)
		return;
	json_decref(s->index);
	free(s->dir);
	free(s->archive);
	free(s->label);
	free(s);
}

/* Read the current archive entry's data (at most `max` bytes) into `out`. */
static int archive_entry_read(struct oci_store *s, struct archive *a, struct archive_entry *e,
			      const char *name, size_t max, struct wp_buf *out)
{
	la_int64_t size = archive_entry_size(e);
	int err;

	if (size < 0 || (uint64_t)size > max)
		return wp_error_set(WP_ETOOBIG, "%s: %s is larger than %zu bytes", s->label, name, max);
	if ((err = wp_buf_grow(out, (size_t)size)) < 0)
		return err;
	if (archive_read_data(a, out->data + out->len, (size_t)size) != (la_ssize_t)size)
		return wp_error_set(WP_EINVALID, "%s: truncated entry %s", s->label, name);
	out->len += (size_t)size;
	return 0;
}

/* "./blobs/x" -> "blobs/x"; NULL for absolute names and ".." anywhere. */
static const char *safe_entry_name(const char *name)
{
	if (name[0] == '/')
		return NULL;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return wp_path_climbs(name) ? NULL : name;
}

/*
 * One pass over the archive, entry by entry as libarchive streams it
 * (nothing but the entry asked for is held in memory).  Every entry is
 * checked (a safe name, a regular file, not too many); with `want`, the
 * first entry of that name is read into `out` (at most `max` bytes) and
 * the pass stops there, WP_ENOTFOUND when there is none.
 */
static int archive_scan(struct oci_store *s, const char *want, size_t max, struct wp_buf *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t n = 0;
	int err = 0, r;

	if (!a)
		return wp_error_set(WP_ENOMEM, "out of memory");
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_none(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, s->archive, 65536) != ARCHIVE_OK) {
		err = wp_error_set(WP_EINVALID, "%s: %s", s->label, archive_error_string(a));
		goto done;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *raw = archive_entry_pathname(e), *name;

		if (archive_entry_filetype(e) == AE_IFDIR)
			continue;
		if (!raw || !(name = safe_entry_name(raw))) {
			err = wp_error_set(WP_EINVALID, "%s: unsafe entry name '%s'", s->label, raw ? raw : "");
			goto done;
		}
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) {
			err = wp_error_set(WP_EINVALID, "%s: entry '%s' is not a regular file", s->label, name);
			goto done;
		}
		if (++n > ARCHIVE_MAX_ENTRIES) {
			err = wp_error_set(WP_ETOOBIG, "%s: archive has more than %d entries", s->label,
					   ARCHIVE_MAX_ENTRIES);
			goto done;
		}
		if (want && !strcmp(name, want)) {
			err = archive_entry_read(s, a, e, name, max, out);
			goto done;
		}
	}
	if (r != ARCHIVE_EOF)
		err = wp_error_set(WP_EINVALID, "%s: not a valid tar archive: %s", s->label,
				   archive_error_string(a));
	else if (want)
		err = wp_error_set(WP_ENOTFOUND, "%s: %s not found", s->label, want);
done:
	archive_read_free(a);
	return err;
}

/* Read a file of the layout by its path inside it. */
static int store_read(struct oci_store *s, const char *name, size_t max, struct wp_buf *out)
{
	if (s->dir) {
		char *path = wp_path_join(s->dir, name);
		int err;
		if (!path)
			return wp_error_set(WP_ENOMEM, "out of memory");
		err = wp_fs_read_regular(path, max, out);
		free(path);
		return err;
	}
	return archive_scan(s, name, max, out);
}

static int load_index(struct oci_store *s)
{
	struct wp_buf buf = WP_BUF_INIT(OCI_JSON_MAX);
	char what[600];
	int err;

	err = store_read(s, "index.json", OCI_JSON_MAX, &buf);
	if (err == WP_ENOTFOUND)
		err = wp_error_set(WP_ENOTFOUND, "%s: not an OCI layout (no index.json)", s->label);
	if (err < 0)
		goto done;
	snprintf(what, sizeof(what), "%s: index.json", s->label);
	if ((err = oci_json_load(buf.data, buf.len, what, &s->index)) < 0)
		goto done;
	if (!json_is_array(json_object_get(s->index, "manifests")))
		err = wp_error_set(WP_EINVALID, "%s: index.json has no manifests array", s->label);
done:
	wp_buf_release(&buf);
	return err;
}

static struct oci_store *store_new(const char *label)
{
	struct oci_store *s = calloc(1, sizeof(*s));

	if (!s || !(s->label = strdup(label))) {
		free(s);
		return NULL;
	}
	return s;
}

int oci_store_open_dir(const char *dir, struct oci_store **out)
{
	struct oci_store *s;
	char label[600];
	int err;

	*out = NULL;
	snprintf(label, sizeof(label), "oci:%s", dir);
	if (!wp_fs_exists(dir))
		return wp_error_set(WP_ENOTFOUND, "%s: no such directory", label);
	if (!wp_fs_is_dir(dir))
		return wp_error_set(WP_EINVALID, "%s: not a directory", label);
	if (!(s = store_new(label)) || !(s->dir = strdup(dir))) {
		oci_store_free(s);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	if ((err = load_index(s)) < 0) {
		oci_store_free(s);
		return err;
	}
	*out = s;
	return 0;
}

int oci_store_open_archive(const char *file, struct oci_store **out)
{
	struct oci_store *s;
	char label[600];
	int err;

	*out = NULL;
	snprintf(label, sizeof(label), "oci-archive:%s", file);
	if (!wp_fs_exists(file))
		return wp_error_set(WP_ENOTFOUND, "%s: no such file", label);
	if (wp_fs_is_dir(file))
		return wp_error_set(WP_EINVALID, "%s: is a directory, expected a tar file", label);
	if (!(s = store_new(label)) || !(s->archive = strdup(file))) {
		oci_store_free(s);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	if ((err = archive_scan(s, NULL, 0, NULL)) < 0 || (err = load_index(s)) < 0) {
		oci_store_free(s);
		return err;
	}
	*out = s;
	return 0;
}

json_t *oci_store_index(struct oci_store *s)
{
	return s->index;
}

int oci_store_read_blob(struct oci_store *s, const char *digest, size_t max, struct wp_buf *out)
{
	char name[OCI_DIGEST_SIZE + 16], got[OCI_DIGEST_SIZE];
	size_t start = out->len;
	int err;

	if (!oci_digest_valid(digest))
		return wp_error_set(WP_EINVALID, "%s: unsupported digest '%s'", s->label, digest);
	snprintf(name, sizeof(name), "blobs/sha256/%s", oci_digest_hex(digest));
	err = store_read(s, name, max, out);
	if (err == WP_ENOTFOUND)
		return wp_error_set(WP_ENOTFOUND, "%s: blob %s is missing", s->label, digest);
	if (err == WP_ETOOBIG)
		return wp_error_set(WP_EINVALID, "%s: blob %s is corrupt or too large (more than %zu bytes)",
				    s->label, digest, max);
	if (err < 0)
		return err;
	if ((err = oci_digest(out->data + start, out->len - start, got)) < 0)
		return err;
	if (strcmp(got, digest) != 0)
		return wp_error_set(WP_EINVALID, "%s: blob %s is corrupt (content has digest %s)",
				    s->label, digest, got);
	return 0;
}

/* The index entry for `tag`, or the only image when tag is NULL. */
/* 1 for the tags the referrers tag schema uses ("sha256-<64 hex>", and
 * cosign's ".sig"/".att" suffixes): attachments, not images of their own. */
static int is_referrers_tag(const char *ref)
{
	size_t n = ref ? strspn(ref + (strncmp(ref, "sha256-", 7) ? 0 : 7), "0123456789abcdef") : 0;

	if (!ref || strncmp(ref, "sha256-", 7) != 0 || n != 64)
		return 0;
	return ref[71] == '\0' || !strcmp(ref + 71, ".sig") || !strcmp(ref + 71, ".att");
}

static int find_entry(struct oci_store *s, const char *tag, json_t **out)
{
	json_t *list = json_object_get(s->index, "manifests");
	char tags[512] = "";
	json_t *found = NULL;
	size_t i;

	for (i = 0; i < json_array_size(list); i++) {
		json_t *d = json_array_get(list, i);
		const char *ref = json_string_value(
			json_object_get(json_object_get(d, "annotations"), OCI_ANN_REF_NAME));
		/* attachments are found by their tag only, and are not listed */
		if (is_referrers_tag(ref) && (!tag || strcmp(ref, tag) != 0))
			continue;
		if (ref && strlen(tags) + strlen(ref) + 3 < sizeof(tags))
			snprintf(tags + strlen(tags), sizeof(tags) - strlen(tags), "%s%s",
				 tags[0] ? ", " : "", ref);
		if (tag ? (ref && !strcmp(ref, tag)) : 1) {
			if (!tag && found &&
			    !json_equal(json_object_get(found, "digest"), json_object_get(d, "digest")))
				return wp_error_set(WP_EUSAGE,
						    "%s holds several images (tags: %s); name one as %s:TAG",
						    s->label, tags, s->label);
			if (!found)
				found = d;
		}
	}
	if (!found && !tag)
		return wp_error_set(WP_ENOTFOUND, "%s: the layout holds no image", s->label);
	if (!found)
		return wp_error_set(WP_ENOTFOUND, "%s: no image tagged '%s' (tags: %s)", s->label, tag,
				    tags[0] ? tags : "none");
	*out = found;
	return 0;
}

/* The digest of an index entry naming a manifest or index (`what`), with
 * its listed size within the cap for JSON. */
static int entry_digest(struct oci_store *s, json_t *desc, const char *what, const char **digest)
{
	json_t *size = json_object_get(desc, "size");
	int err;

	*digest = json_string_value(json_object_get(desc, "digest"));
	if (!*digest)
		return wp_error_set(WP_EINVALID, "%s: index entry without a digest", s->label);
	if (json_is_integer(size) &&
	    (err = oci_json_size_check(what, *digest, (uint64_t)json_integer_value(size))) < 0)
		return wp_error_wrap(err, "%s", s->label);
	return 0;
}

int oci_store_read_manifest(struct oci_store *s, const char *tag, const char *platform,
			    struct oci_image **out)
{
	struct wp_buf buf = WP_BUF_INIT(OCI_JSON_MAX);
	struct oci_image *img = NULL;
	json_t *desc, *index = NULL;
	const char *digest, *mt;
	int err;

	*out = NULL;
	if ((err = find_entry(s, tag, &desc)) < 0)
		return err;
	mt = json_string_value(json_object_get(desc, "mediaType"));
	if ((err = entry_digest(s, desc, oci_media_type_is_index(mt) ? "image index" : "manifest",
				&digest)) < 0)
		return err;
	if (oci_media_type_is_index(mt)) {
		if ((err = oci_store_read_blob(s, digest, OCI_JSON_MAX, &buf)) < 0 ||
		    (err = oci_json_load(buf.data, buf.len, "image index", &index)) < 0 ||
		    (err = oci_index_select(index, platform, &desc)) < 0)
			goto done;
		if ((err = entry_digest(s, desc, "manifest", &digest)) < 0)
			goto done;
		wp_buf_reset(&buf);
	}
	if ((err = oci_store_read_blob(s, digest, OCI_JSON_MAX, &buf)) < 0 ||
	    (err = oci_image_parse(buf.data, buf.len, digest, &img)) < 0)
		goto done;
	*out = img;
	img = NULL;
done:
	oci_image_free(img);
	json_decref(index);
	wp_buf_release(&buf);
	return err;
}

/* oci_image_load()'s loader: one blob from the store, verified. */
static int load_blob(void *ctx, struct oci_blob *b)
{
	struct wp_buf data = WP_BUF_INIT(OCI_WASM_MAX * 2);
	uint8_t *bytes;
	size_t len;
	int err;

	if ((err = oci_store_read_blob(ctx, b->digest, (size_t)b->size, &data)) < 0) {
		wp_buf_release(&data);
		return err;
	}
	bytes = wp_buf_detach(&data, &len);
	return oci_blob_attach(b, bytes, len);
}

int oci_store_read_image(struct oci_store *s, const char *tag, const char *platform,
			 struct oci_image **out)
{
	struct oci_image *img = NULL;
	int err;

	*out = NULL;
	if ((err = oci_store_read_manifest(s, tag, platform, &img)) < 0)
		return err;
	if ((err = oci_image_load(img, load_blob, s)) < 0) {
		oci_image_free(img);
		return err;
	}
	*out = img;
	return 0;
}
