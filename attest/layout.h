/*
 * layout.h - attachments in a local OCI layout (see layout.c).
 */
#ifndef ATTEST_LAYOUT_H
#define ATTEST_LAYOUT_H

#include "../oci/layout.h"
#include "attest.h"

/* A source reading `s` (borrowed: it must outlive the source). */
void attest_layout_source(struct oci_store *s, struct attest_source *out);
/* A loader for oci_image_load() reading blobs from the store `store`. */
int attest_layout_load_blob(void *store, struct oci_blob *b);
/* Write the artifacts and add them to the tag index of `subject`. */
int attest_layout_attach(const char *dir, const char *subject, struct oci_image *const *arts,
			 size_t n);
/* The manifest tagged `tag` in the layout `dir` (read afresh);
 * WP_ENOTFOUND when there is none. */
int attest_layout_read_tag(const char *dir, const char *tag, struct wp_buf *out);
/* Write `sig` under "sha256-<hex>.sig". */
int attest_layout_write_sig(const char *dir, const char *subject, struct oci_image *sig);

#endif
