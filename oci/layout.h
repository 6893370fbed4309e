/*
 * layout.h - OCI image layouts (a directory, or a tar of one) and the
 * docker-archive format.
 *
 * Writing a layout is all or nothing: blobs go to temporary names and are
 * renamed into place, index.json is replaced atomically last, and on any
 * failure every blob, directory and file this call created is removed, so
 * the layout is exactly as it was.  A lock on the directory serialises
 * concurrent writers (two builds into one layout at once).
 *
 * Reading goes through a store: a layout directory or an archive loaded in
 * memory; every blob read back is checked against its digest.
 */
#ifndef OCI_LAYOUT_H
#define OCI_LAYOUT_H

#include <stddef.h>

#include "../common/buf.h"
#include "image.h"

/* A tag as an OCI layout keeps it (org.opencontainers.image.ref.name):
 * the docker tag grammar [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
int oci_tag_valid(const char *tag);

/* Write `img` into the layout at `dir` under each of `tags` (at least one),
 * creating the layout if needed, keeping other tags, replacing these. */
int oci_layout_write(const char *dir, const struct oci_image *img, char *const *tags,
		     size_t ntags);

/* Write referrer artifacts (each a manifest, config and layers; layers
 * without data must be in the layout already) and the referrers index
 * `index` (an image holding only its manifest) under `tag`
 * ("sha256-<hex>" or "sha256-<hex>.sig" for a signature image, which
 * then is arts[0] and `index` itself), all or nothing. */
int oci_layout_write_referrers(const char *dir, struct oci_image *const *arts, size_t narts,
			       const struct oci_image *index, const char *tag);

/* Write a tar of a layout holding `img` under `tags` to `file` (replaced
 * atomically). */
int oci_archive_write(const char *file, const struct oci_image *img, char *const *tags,
		      size_t ntags);

/* Write the `docker save` format (manifest.json, config, uncompressed
 * layer) with `repo_tags` ("name:tag") to `file`.  Only the image format. */
int oci_docker_archive_write(const char *file, const struct oci_image *img,
			     char *const *repo_tags, size_t nrepo_tags);

/* index.json contents: `old` (may be NULL) minus the entries named by
 * `tags`, plus `img` under each tag.  Returns a new reference. */
json_t *oci_index_with_tags(json_t *old, const struct oci_image *img, char *const *tags,
			    size_t ntags);

/* A read-only source of layout files. */
struct oci_store;

int oci_store_open_dir(const char *dir, struct oci_store **out);
int oci_store_open_archive(const char *file, struct oci_store **out);
void oci_store_free(struct oci_store *s);

/* The parsed index.json (borrowed, owned by the store). */
json_t *oci_store_index(struct oci_store *s);

/*
 * Load the image tagged `tag` (NULL: the only image in the layout) with all
 * its blobs verified.  An index entry that is itself an index is resolved
 * with `platform` ("os/arch", may be NULL).
 */
int oci_store_read_image(struct oci_store *s, const char *tag, const char *platform,
			 struct oci_image **out);

/* The same image with only its manifest read: config and layers are
 * descriptors without data (for a push that reads only the blobs a
 * registry lacks). */
int oci_store_read_manifest(struct oci_store *s, const char *tag, const char *platform,
			    struct oci_image **out);

/* Read a blob by digest, verified, into `out`. */
int oci_store_read_blob(struct oci_store *s, const char *digest, size_t max, struct wp_buf *out);

/*
 * Parse "oci:DIR[:TAG]", "oci-archive:FILE[:TAG]", "docker-archive:FILE".
 * `kind` receives "oci", "oci-archive" or "docker-archive"; path and tag are
 * malloc'ed (tag NULL when absent).  Anything else is WP_EUSAGE.
 */
int oci_dest_parse(const char *dest, char **kind, char **path, char **tag);

#endif
