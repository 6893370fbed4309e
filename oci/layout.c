/*
 * layout.c - write OCI image layouts, all or nothing (see layout.h).
 *
 * Order of a write, chosen so that a crash or failure at any point leaves
 * a valid layout:  lock -> read and check the existing index.json ->
 * blobs (temporary name + rename, skipped if present) -> oci-layout ->
 * index.json (temporary name + rename) -> unlock.  Until index.json is
 * replaced no tag names the new image; on failure the new blobs and any
 * directory created are removed again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "layout.h"

#define OCI_LAYOUT_FILE "{\"imageLayoutVersion\":\"1.0.0\"}"

int oci_tag_valid(const char *tag)
{
	size_t n = strlen(tag), i;

	if (n == 0 || n > 128)
		return 0;
	for (i = 0; i < n; i++) {
		char c = tag[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '_' || (i > 0 && (c == '.' || c == '-'));
		if (!ok)
			return 0;
	}
	return 1;
}

int oci_dest_parse(const char *dest, char **kind, char **path, char **tag)
{
	static const char *kinds[] = { "oci", "oci-archive", "docker-archive" };
	const char *colon = strchr(dest, ':'), *rest, *tcolon;
	size_t i, klen;

	*kind = *path = *tag = NULL;
	if (!colon)
		return wp_error_set(WP_EUSAGE,
				    "invalid destination '%s' (expected oci:DIR[:TAG], oci-archive:FILE or docker-archive:FILE)",
				    dest);
	klen = (size_t)(colon - dest);
	for (i = 0; i < 3; i++)
		if (strlen(kinds[i]) == klen && !strncmp(dest, kinds[i], klen))
			break;
	if (i == 3)
		return wp_error_set(WP_EUSAGE,
				    "unknown destination type '%.*s' (expected oci:, oci-archive: or docker-archive:)",
				    (int)klen, dest);
	rest = colon + 1;
	tcolon = strchr(rest, ':');
	if (!*rest || tcolon == rest)
		return wp_error_set(WP_EUSAGE, "destination '%s' has an empty path", dest);
	*kind = strdup(kinds[i]);
	*path = tcolon ? strndup(rest, (size_t)(tcolon - rest)) : strdup(rest);
	if (tcolon)
		*tag = strdup(tcolon + 1);
	if (!*kind || !*path || (tcolon && !*tag)) {
		free(*kind), free(*path), free(*tag);
		*kind = *path = *tag = NULL;
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	if (*tag && !oci_tag_valid(*tag)) {
		int err = wp_error_set(WP_EUSAGE, "invalid tag '%s' in destination '%s'", *tag, dest);
		free(*kind), free(*path), free(*tag);
		*kind = *path = *tag = NULL;
		return err;
	}
	return 0;
}

/* What one write created, to undo it on failure. */
struct undo {
	char **paths; /* files and directories, in creation order */
	size_t n;
};

static int undo_add(struct undo *u, char *path)
{
	char **p = realloc(u->paths, (u->n + 1) * sizeof(*p));

	if (!p) {
		free(path);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	u->paths = p;
	p[u->n++] = path;
	return 0;
}

static void undo_run(struct undo *u)
{
	while (u->n > 0) {
		u->n--;
		wp_fs_remove_tree(u->paths[u->n]);
		free(u->paths[u->n]);
	}
}

static void undo_release(struct undo *u)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		free(u->paths[i]);
	free(u->paths);
	u->paths = NULL;
	u->n = 0;
}

static int mkdirs_undo(const char *path, struct undo *u)
{
	char *created = NULL;
	int err;

	if ((err = wp_fs_mkdirs(path, 0755, &created)) < 0)
		return err;
	return created ? undo_add(u, created) : 0;
}

/*
 * 1 if `path` already holds exactly the bytes of `b`: a regular file (not
 * a symlink) whose content has b's digest.  Anything else there (a
 * truncated or tampered blob, a link, a FIFO) is replaced by the caller.
 */
static int blob_intact(const char *path, const struct oci_blob *b)
{
	struct wp_buf buf = WP_BUF_INIT((size_t)b->size);
	char got[OCI_DIGEST_SIZE];
	int ok;

	ok = wp_fs_read_regular(path, (size_t)b->size, &buf) == 0 && buf.len == b->size &&
	     oci_digest(buf.data, buf.len, got) == 0 && !strcmp(got, b->digest);
	wp_error_clear();
	wp_buf_release(&buf);
	return ok;
}

static int write_blob(const char *dir, const struct oci_blob *b, struct undo *u)
{
	char *sub = NULL, *path = NULL;
	int err = 0, existed;

	if (asprintf(&sub, "blobs/sha256/%s", oci_digest_hex(b->digest)) < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	path = wp_path_join(dir, sub);
	free(sub);
	if (!path)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if (blob_intact(path, b)) {
		free(path);
		return 0;
	}
	if (!b->data) {
		free(path);
		return wp_error_set(WP_ENOTFOUND, "blob %s is missing from the layout", b->digest);
	}
	existed = wp_fs_exists(path);
	if ((err = wp_fs_write_atomic(path, b->data, b->size, 0644)) < 0) {
		free(path);
		return err;
	}
	if (existed) {
		/* a damaged blob replaced by the right bytes: nothing to undo */
		free(path);
		return 0;
	}
	return undo_add(u, path);
}

/* Read and check an existing index.json; NULL *out if there is none. */
static int load_index(const char *dir, json_t **out)
{
	struct wp_buf buf = WP_BUF_INIT(OCI_JSON_MAX);
	char *path = wp_path_join(dir, "index.json");
	json_t *manifests;
	int err;

	*out = NULL;
	if (!path)
		return wp_error_set(WP_ENOMEM, "out of memory");
	err = wp_fs_read_file(path, OCI_JSON_MAX, &buf);
	if (err == WP_ENOTFOUND) {
		err = 0;
		goto done;
	}
	if (err < 0)
		goto done;
	if ((err = oci_json_load(buf.data, buf.len, path, out)) < 0)
		goto done;
	manifests = json_object_get(*out, "manifests");
	if (!json_is_object(*out) || !json_is_array(manifests)) {
		err = wp_error_set(WP_EINVALID, "%s: not an OCI index (no manifests array)", path);
		json_decref(*out);
		*out = NULL;
	}
done:
	free(path);
	wp_buf_release(&buf);
	return err;
}

static const char *desc_ref_name(json_t *desc)
{
	json_t *ann = json_object_get(desc, "annotations");
	return json_string_value(json_object_get(ann, OCI_ANN_REF_NAME));
}

/* The platform of an image-format config ({"os":..,"architecture":..}). */
static json_t *image_platform(const struct oci_image *img)
{
	const char *os = NULL, *arch = NULL;
	json_t *cfg = NULL, *p = NULL;

	if (img->format != OCI_FORMAT_IMAGE || !img->config.data)
		return NULL;
	if (oci_json_load(img->config.data, img->config.size, "config", &cfg) < 0) {
		wp_error_clear();
		return NULL;
	}
	if (json_unpack(cfg, "{s:s, s:s}", "os", &os, "architecture", &arch) == 0)
		p = json_pack("{s:s, s:s}", "architecture", arch, "os", os);
	json_decref(cfg);
	return p;
}

/* index.json contents: `old` minus the entries named by `tags`, plus
 * `desc` (a manifest descriptor, copied) under each tag. */
static json_t *index_with_desc(json_t *old, const json_t *desc, char *const *tags, size_t ntags)
{
	json_t *idx = json_object(), *list = json_array();
	json_t *om = old ? json_object_get(old, "manifests") : NULL;
	size_t i, k;

	if (old) {
		/* keep whatever else the index holds (annotations ...) */
		json_object_update(idx, old);
	}
	for (i = 0; om && i < json_array_size(om); i++) {
		json_t *d = json_array_get(om, i);
		const char *ref = desc_ref_name(d);
		int replaced = 0;
		for (k = 0; ref && k < ntags; k++)
			if (!strcmp(ref, tags[k]))
				replaced = 1;
		if (!replaced)
			json_array_append(list, d);
	}
	for (k = 0; k < ntags; k++) {
		json_t *d = json_deep_copy(desc);
		if (d)
			json_object_set_new(d, "annotations", json_pack("{s:s}", OCI_ANN_REF_NAME, tags[k]));
		json_array_append_new(list, d);
	}
	json_object_set_new(idx, "schemaVersion", json_integer(2));
	json_object_set_new(idx, "mediaType", json_string(OCI_MT_INDEX));
	json_object_set_new(idx, "manifests", list);
	return idx;
}

/* The index entry for `img`'s manifest (with its platform). */
static json_t *image_desc(const struct oci_image *img)
{
	json_t *platform = image_platform(img);
	json_t *d = json_pack("{s:s, s:s, s:I}", "mediaType", img->manifest.media_type, "digest",
			      img->manifest.digest, "size", (json_int_t)img->manifest.size);

	if (d && platform)
		json_object_set(d, "platform", platform);
	json_decref(platform);
	return d;
}

json_t *oci_index_with_tags(json_t *old, const struct oci_image *img, char *const *tags,
			    size_t ntags)
{
	json_t *desc = image_desc(img), *idx = desc ? index_with_desc(old, desc, tags, ntags) : NULL;

	json_decref(desc);
	return idx;
}

static int check_tags(char *const *tags, size_t ntags)
{
	size_t i;

	if (ntags == 0)
		return wp_error_set(WP_EUSAGE, "no tag to write");
	for (i = 0; i < ntags; i++)
		if (!oci_tag_valid(tags[i]))
			return wp_error_set(WP_EUSAGE, "invalid tag '%s'", tags[i]);
	return 0;
}

/* Write `blobs` (those without data must be in the layout already) and
 * tag `desc` as each of `tags`, all or nothing. */
static int layout_write(const char *dir, const struct oci_blob *const *blobs, size_t nblobs,
			const json_t *desc, char *const *tags, size_t ntags)
{
	struct undo u = { NULL, 0 };
	json_t *old = NULL, *idx = NULL;
	char *path = NULL, *text = NULL;
	size_t i, len;
	int lock = -1, err;

	if ((err = check_tags(tags, ntags)) < 0)
		return err;
	if ((err = mkdirs_undo(dir, &u)) < 0)
		goto done;
	if ((lock = wp_fs_lock_dir(dir)) < 0) {
		err = lock;
		goto done;
	}
	if ((err = load_index(dir, &old)) < 0)
		goto done;
	path = wp_path_join(dir, "blobs/sha256");
	if (!path) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = mkdirs_undo(path, &u)) < 0)
		goto done;
	/* what a killed writer left behind (we hold the lock: no writer runs) */
	wp_fs_remove_stale_tmp(dir);
	wp_fs_remove_stale_tmp(path);
	for (i = 0; i < nblobs; i++)
		if ((err = write_blob(dir, blobs[i], &u)) < 0)
			goto done;
	free(path);
	path = wp_path_join(dir, "oci-layout");
	if (!path) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if (!wp_fs_exists(path)) {
		if ((err = wp_fs_write_atomic(path, OCI_LAYOUT_FILE, strlen(OCI_LAYOUT_FILE), 0644)) < 0)
			goto done;
		if ((err = undo_add(&u, path)) < 0) {
			path = NULL;
			goto done;
		}
		path = NULL;
	}
	idx = index_with_desc(old, desc, tags, ntags);
	text = idx ? oci_json_dump(idx, &len) : NULL;
	if (!text) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	free(path);
	path = wp_path_join(dir, "index.json");
	if (!path) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	/* the commit point: from here on the tags name the new image */
	err = wp_fs_write_atomic(path, text, len, 0644);
done:
	if (err < 0)
		undo_run(&u);
	undo_release(&u);
	wp_fs_unlock(lock);
	json_decref(old);
	json_decref(idx);
	free(path);
	free(text);
	return err;
}

int oci_layout_write(const char *dir, const struct oci_image *img, char *const *tags,
		     size_t ntags)
{
	const struct oci_blob **blobs = calloc(img->nlayers + 2, sizeof(*blobs));
	json_t *desc = image_desc(img);
	size_t i, n = 0;
	int err;

	if (!blobs || !desc) {
		free(blobs);
		json_decref(desc);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	for (i = 0; i < img->nlayers; i++)
		blobs[n++] = &img->layers[i];
	if (img->config.media_type)
		blobs[n++] = &img->config;
	blobs[n++] = &img->manifest;
	err = layout_write(dir, blobs, n, desc, tags, ntags);
	free(blobs);
	json_decref(desc);
	return err;
}

int oci_layout_write_referrers(const char *dir, struct oci_image *const *arts, size_t narts,
			       const struct oci_image *index, const char *tag)
{
	const struct oci_blob **blobs;
	json_t *desc;
	size_t i, k, n = 0;
	int err;

	for (i = 0; i < narts; i++)
		n += arts[i]->nlayers + 2;
	blobs = calloc(n + 1, sizeof(*blobs));
	desc = json_pack("{s:s, s:s, s:I}", "mediaType", index->manifest.media_type, "digest",
			 index->manifest.digest, "size", (json_int_t)index->manifest.size);
	if (!blobs || !desc) {
		free(blobs);
		json_decref(desc);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	for (i = n = 0; i < narts; i++) {
		for (k = 0; k < arts[i]->nlayers; k++)
			blobs[n++] = &arts[i]->layers[k];
		blobs[n++] = &arts[i]->config;
		blobs[n++] = &arts[i]->manifest;
	}
	if (index->manifest.data)
		blobs[n++] = &index->manifest;
	{
		char *t = (char *)tag;
		err = layout_write(dir, blobs, n, desc, &t, 1);
	}
	free(blobs);
	json_decref(desc);
	return err;
}
