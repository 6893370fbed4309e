/*
 * referrers.h - one session with one repository for what is attached to
 * images: read manifests, blobs and referrers (the three functions fit
 * struct attest_source), push artifacts and list them (referrers API or
 * the "sha256-<hex>" tag index).
 */
#ifndef REGISTRY_REFERRERS_H
#define REGISTRY_REFERRERS_H

#include "../common/buf.h"
#include "registry.h"

struct registry_session;

/* Parse `ref`, open and ping; `op` is "push" or "pull" (scopes). */
int registry_session_open(const char *ref, const char *op, const struct registry_opts *opts,
			  struct registry_session **out);
void registry_session_free(struct registry_session *s);
/* "registry/repository" (borrowed). */
const char *registry_session_name(const struct registry_session *s);
/* The reference's digest, else its tag, else "latest" (borrowed). */
const char *registry_session_ref(const struct registry_session *s);

/* For struct attest_source (ctx = the session). */
int registry_session_manifest(void *s, const char *ref, struct wp_buf *out);
int registry_session_blob(void *s, const char *digest, size_t max, struct wp_buf *out);
int registry_session_referrers(void *s, const char *digest, struct wp_buf *out);

/*
 * Attaching in two steps, so that the work can go on while the image
 * itself is being pushed:
 *
 * prepare: every new blob of the artifacts and of `tagged` (the cosign
 * ".sig" image, may be NULL) and a read of the tag index, all at once;
 * then the artifacts' manifests by digest, all at once.  Nothing is
 * tagged: a failure leaves only unreferenced content.  The artifacts and
 * `tagged` are borrowed until registry_attach_free().
 *
 * commit: PUT `tagged` by `tagged_as` and the tag index (unless the
 * registry acknowledged every subject: referrers API) at once, with
 * If-Match; then read the index back (distribution ignores If-Match) and,
 * when a concurrent writer's update replaced ours, merge again afresh.
 */
struct registry_attach;
int registry_attach_prepare(struct registry_session *s, const char *subject,
			    struct oci_image *const *arts, size_t n, const struct oci_image *tagged,
			    const char *tagged_as, struct registry_attach **out);
int registry_attach_commit(struct registry_attach *a);
void registry_attach_free(struct registry_attach *a);

/* prepare + commit.  Push the artifacts (by digest) and, unless the registry acknowledged
 * their subject (referrers API), add them to the tag index of `subject`. */
int registry_attach(struct registry_session *s, const char *subject, struct oci_image *const *arts,
		    size_t n);

#endif
