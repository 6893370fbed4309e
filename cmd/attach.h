/*
 * attach.h - where `sign`, `verify`, `sbom`, `attestations` and `build`
 * read and write attachments: an OCI layout (oci:DIR[:TAG]) or a registry
 * reference, behind one small interface.
 */
#ifndef CMD_ATTACH_H
#define CMD_ATTACH_H

#include <time.h>

#include "../attest/attest.h"
#include "../oci/layout.h"
#include "../registry/referrers.h"

struct attach_target {
	char *dir;                      /* layout directory, or NULL */
	struct oci_store *store;        /* layout: open for reading */
	struct registry_session *reg;   /* registry: the session */
	struct oci_image *image;        /* the image's manifest (descriptors) */
	char *identity;                 /* "host/repo", or the image title for a layout */
};

/* The options of sign, verify, attestations and sbom: one parser. */
#define ATTACH_USAGE_COMMON \
	"  --insecure        allow plain http and unverified TLS\n" \
	"  --ca-file FILE    an extra CA bundle (PEM) for TLS\n" \
	"  -h, --help        show this help\n"

enum { ATTACH_OPT_KEY = 1, ATTACH_OPT_JSON = 2, ATTACH_OPT_SBOM = 4 };

struct attach_args {
	const char *ref;
	const char *key;
	const char *format;  /* sbom --format */
	int provenance;      /* sbom --provenance */
	int json;
	struct registry_opts ro;
};

/* Parse `argv` of `cmd` accepting the common options plus those in
 * `allowed`; exactly one REF.  Returns 0, -1 after help was printed, or
 * the usage-error exit status. */
int attach_parse_args(const char *cmd, int allowed, int argc, char **argv, struct attach_args *a);

/* Open `ref` (oci:DIR[:TAG] or a registry reference; "push" or "pull"
 * scopes) and read the image's manifest. */
int attach_target_open(const char *ref, const char *op, const struct registry_opts *ro,
		       struct attach_target *t);
/* Where `img` (copied) was just written: the layout `dir`, or (dir NULL)
 * the registry reference `ref`; the manifest is not read back. */
int attach_target_written(const char *dir, const char *ref, const struct registry_opts *ro,
			  const struct oci_image *img, struct attach_target *t);
void attach_target_release(struct attach_target *t);
void attach_target_source(struct attach_target *t, struct attest_source *src);

/* Sign t->image with `key` (may be NULL) and attach the artifacts and
 * the signature's sigstore bundle, in two steps so that a build can
 * prepare while the image is still being pushed: for a registry, prepare
 * uploads everything by digest (registry_attach_prepare) and commit
 * writes the tags; for a layout, prepare only signs and commit writes.
 * The artifacts are borrowed until attach_pending_release(). */
struct attach_pending {
	struct oci_image **all;      /* the artifacts, then the bundle */
	size_t n;
	struct oci_image *sig, *bundle;
	char sigtag[100];
	struct registry_attach *reg;
};
int attach_target_prepare(struct attach_target *t, struct oci_image *const *arts, size_t n,
			  const struct attest_key *key, time_t created, struct attach_pending *p);
int attach_pending_commit(struct attach_target *t, struct attach_pending *p);
void attach_pending_release(struct attach_pending *p);
/* prepare + commit. */
int attach_target_publish(struct attach_target *t, struct oci_image *const *arts, size_t n,
			  const struct attest_key *key, time_t created);

/* After a push of `img` from `store` to `ref`: push the attachments the
 * layout holds for it (tag schema), and sign it there with `key` (may be
 * NULL); nothing to do is not an error. */
int attach_copy(struct oci_store *store, const struct oci_image *img, const char *ref,
		const struct registry_opts *ro, const struct attest_key *key);

/* What is attached to the image `ref`, judged (against the public key
 * `keyfile` when not NULL): `digest` receives the image's manifest digest.
 * A problem attached, or (with a key) no signature by it covering the
 * digest, is WP_EINVALID naming it. */
int attach_verify(const char *ref, const struct registry_opts *ro, const char *keyfile,
		  struct attest_report *rep, char digest[OCI_DIGEST_SIZE]);

/* What is attached to the image `digest` in the registry reference `ref`
 * (pull --attestations). */
int attach_fetch(const char *ref, const struct registry_opts *ro, const char *digest,
		 struct attest_attachments *out);

/* 1 when refs[i] names the repository of an earlier reference: its
 * attachments are there already (and one signature per repository). */
int attach_repo_seen(char *const *refs, size_t i);

/* The private key `path` with COSIGN_PASSWORD (or WASMPACK_KEY_PASSWORD). */
int attach_load_key(const char *path, struct attest_key **out);

/* The creation time for attachments: SOURCE_DATE_EPOCH, else the image's
 * org.opencontainers.image.created annotation, else 0. */
int attach_created(const struct oci_image *img, time_t *out);

#endif
