/*
 * attest.h - the supply-chain documents that travel with an image: an SBOM
 * (SPDX 2.3 or CycloneDX 1.6 JSON), an in-toto statement carrying SLSA
 * provenance v1, and signatures (the cosign "simple signing" payload and a
 * sigstore bundle v0.3), each packaged as an OCI 1.1 artifact manifest
 * whose `subject` is the image's manifest.
 *
 * Nothing here reads the clock: every time is the image's creation time
 * (SOURCE_DATE_EPOCH or the commit time) and every identifier (document
 * namespace, serial number) is derived from content digests, so the same
 * inputs give the same bytes.  JSON is written by jansson with sorted keys.
 * The formats are described in docs/attestations.md.
 */
#ifndef ATTEST_ATTEST_H
#define ATTEST_ATTEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "../common/buf.h"
#include "../oci/image.h"

#define ATTEST_MT_SPDX "application/spdx+json"
#define ATTEST_MT_CYCLONEDX "application/vnd.cyclonedx+json"
#define ATTEST_MT_INTOTO "application/vnd.in-toto+json"
#define ATTEST_MT_BUNDLE "application/vnd.dev.sigstore.bundle.v0.3+json"
#define ATTEST_MT_SIMPLESIGNING "application/vnd.dev.cosign.simplesigning.v1+json"
#define ATTEST_MT_EMPTY "application/vnd.oci.empty.v1+json"
#define ATTEST_ANN_SIGNATURE "dev.cosignproject.cosign/signature"
#define ATTEST_BUILD_TYPE "https://wasmpack.dev/attestations/build/v1"
#define ATTEST_SLSA_PREDICATE "https://slsa.dev/provenance/v1"

/* ---- dependencies seen in lock files (attest/lockfiles.c) ---- */

struct attest_dep {
	char *name;
	char *version;
	char *purl;     /* package URL, NULL when none */
	char *alg;      /* SPDX checksum algorithm ("SHA256", "SHA512") or NULL */
	char *checksum; /* lowercase hex, NULL when the lock file has none */
	char *source;   /* the lock file it came from ("Cargo.lock") */
	int dev;        /* a development dependency (npm "dev": true): a build tool */
};

struct attest_deps {
	struct attest_dep *items;
	size_t n;
};

/*
 * Read the lock files in `dir`: Cargo.lock, package-lock.json, go.sum.
 * Absent files are not an error; a malformed one is WP_EINVALID naming
 * it.  The list comes back sorted (by purl, then name) and deduplicated.
 */
int attest_deps_read(const char *dir, struct attest_deps *out);
void attest_deps_release(struct attest_deps *d);

/* ---- SBOM and provenance (attest/sbom.c, attest/provenance.c) ---- */

enum attest_sbom_format { ATTEST_SBOM_NONE = 0, ATTEST_SBOM_SPDX, ATTEST_SBOM_CYCLONEDX };

/* "spdx" | "cyclonedx" | "none" -> the format, or -1. */
int attest_sbom_format_parse(const char *s);

/* What the documents say about one build. */
struct attest_build_info {
	const char *name;         /* module name */
	const char *version;      /* project version or NULL */
	const char *builder;      /* builder that ran ("rust", "prebuilt") */
	const char *toolchain;    /* "clang 16.0.6 (wasi-libc)" or NULL */
	const char *source_url;   /* https URL of the repository or NULL */
	const char *revision;     /* commit or NULL */
	const char *format;       /* image format name */
	const char *profile;      /* "release" | "debug" | NULL (prebuilt) */
	const char *repository;   /* pushed-to repository ("host/repo") or NULL */
	const uint8_t *wasm;      /* the module's bytes */
	size_t wasm_len;
	const char *image_digest; /* the image manifest digest (subject) */
	time_t created;
	const struct attest_deps *deps;
};

/* The SBOM document (canonical bytes, malloc'ed). */
int attest_sbom_build(int format, const struct attest_build_info *b, uint8_t **out, size_t *len);

/* The in-toto statement with the SLSA provenance v1 predicate.  builder.id
 * and the invocation id come from `env` (NULL: the process environment):
 * GitHub Actions (GITHUB_*), GitLab CI (CI_*), else local. */
int attest_provenance_build(const struct attest_build_info *b, char *const *env, uint8_t **out,
			    size_t *len);

/* ---- artifacts and the referrers index (attest/artifact.c) ---- */

/*
 * An OCI 1.1 artifact: an image manifest with `artifactType`, the empty
 * config, one layer holding `data` (taken over in all cases) and `subject`
 * naming `subject` (the image manifest).  `layer_ann` (may be NULL) are
 * the layer's annotations (borrowed).
 */
int attest_artifact_build(const char *artifact_type, uint8_t *data, size_t len,
			  json_t *layer_ann, const struct oci_blob *subject, time_t created,
			  struct oci_image **out);

/* The referrers tag for a subject digest: "sha256-<hex>" (and ".sig"). */
void attest_referrers_tag(const char *digest, const char *suffix, char *out, size_t size);

/* The referrers index `old` (may be NULL) plus a descriptor for each
 * artifact (with artifactType and annotations), replacing entries with
 * the same digest.  New reference; canonical bytes through oci_json_dump. */
json_t *attest_referrers_index_add(json_t *old, struct oci_image *const *arts, size_t n);

/* The image form of an index document (exact bytes, copied): manifest
 * blob only, no config or layers, for writing where images go. */
int attest_index_image(const json_t *index, struct oci_image **out);

/* ---- keys and signatures (attest/sign.c, attest/keys.c) ---- */

struct attest_key; /* an ECDSA P-256 key (EVP_PKEY) */

/* Generate a key pair; write the private key (PKCS#8 PEM, encrypted with
 * AES-256-CBC when `password` is not empty) to `key_path` (0600) and the
 * public key (SubjectPublicKeyInfo PEM) to `pub_path`.  Existing files
 * are WP_EEXISTS. */
int attest_key_generate(const char *key_path, const char *pub_path, const char *password);
/* Load a private key (PKCS#8, encrypted PKCS#8 with `password`, or SEC1
 * "EC PRIVATE KEY") or a public key.  Anything else, a cosign-encrypted
 * key and a key that is not P-256 are WP_EINVALID naming the file. */
int attest_key_load_private(const char *path, const char *password, struct attest_key **out);
int attest_key_load_public(const char *path, struct attest_key **out);
void attest_key_free(struct attest_key *k);
/* The key's hint: base64 of the SHA-256 of its public key DER (malloc'ed). */
char *attest_key_hint(const struct attest_key *k);

/* ECDSA-SHA256 over `data`: DER signature, malloc'ed. */
int attest_sign(const struct attest_key *k, const void *data, size_t len, uint8_t **sig,
		size_t *siglen);
/* 1 valid, 0 invalid, < 0 error. */
int attest_verify_sig(const struct attest_key *k, const void *data, size_t len,
		      const uint8_t *sig, size_t siglen);

/* The simple-signing payload cosign signs: identity `repository`, image
 * `digest`.  Canonical bytes, malloc'ed. */
int attest_simplesigning_payload(const char *repository, const char *digest, uint8_t **out,
				 size_t *len);

/*
 * Sign the image whose manifest is `manifest`: `sig_image` receives the
 * manifest for the "sha256-<hex>.sig" tag (the layers of `old_sig`, a
 * previous signature manifest, kept, ours added or replaced), and
 * `bundle` the sigstore bundle artifact (subject: the image).
 */
int attest_sign_image(const struct attest_key *k, const struct oci_blob *manifest,
		      const char *repository, const struct oci_image *old_sig, time_t created,
		      struct oci_image **sig_image, struct oci_image **bundle);

/* ---- verification (attest/verify.c) ---- */

/* Where verify reads from: a layout or a registry. */
struct attest_source {
	/* A manifest or index by tag or digest; WP_ENOTFOUND when absent. */
	int (*manifest)(void *ctx, const char *ref, struct wp_buf *out);
	/* A blob by digest, checked, at most `max` bytes. */
	int (*blob)(void *ctx, const char *digest, size_t max, struct wp_buf *out);
	/* The referrers API's index for `digest`; WP_ENOTFOUND when the
	 * source has no such API (the tag schema is read then).  May be NULL. */
	int (*referrers)(void *ctx, const char *digest, struct wp_buf *out);
	void *ctx;
};

/* One thing found and what was concluded about it. */
#define ATTEST_OTHER_KEY (-1) /* a well-formed signature the key does not verify */
struct attest_finding {
	char *kind;   /* "signature (simple signing)", "sigstore bundle", "SBOM (SPDX)" ... */
	char *digest; /* the artifact's manifest or layer digest */
	int ok;       /* 1 good, 0 a problem, ATTEST_OTHER_KEY */
	char *detail; /* why not ok, or what it says */
};

struct attest_report {
	struct attest_finding *items;
	size_t n;
	int signed_ok;  /* signatures by the key that cover the digest */
	int problems;   /* findings that are problems (ok == 0) */
	int other_keys; /* signatures the key does not verify */
};

/*
 * Everything attached to the image whose manifest digest is `digest`:
 * signatures (checked against `key` when not NULL), SBOMs and provenance
 * (their subject must be `digest`).  Errors reading are < 0; what is
 * wrong with an attachment is a finding.
 */
int attest_verify(const struct attest_source *src, const char *digest,
		  const struct attest_key *key, struct attest_report *out);
void attest_report_release(struct attest_report *r);

/* The descriptors of the referrers of `digest`: the referrers API's
 * index, else the "sha256-<hex>" tag's (new reference, maybe empty). */
int attest_referrers_list(const struct attest_source *src, const char *digest, json_t **out);

/* What is attached to an image, in memory (attest/copy.c): every
 * referrer whose subject is the image and the cosign ".sig" image, with
 * their blobs, every digest checked on the way in. */
struct attest_attachments {
	struct oci_image **arts;
	size_t n;
	struct oci_image *sig; /* NULL when there is none */
};
int attest_attachments_fetch(const struct attest_source *src, const char *digest,
			     struct attest_attachments *out);
/* Into the OCI layout `dir` (which holds the image `digest`): the tag
 * index and the ".sig" tag, as `build -o oci:` writes them. */
int attest_attachments_write(const struct attest_attachments *a, const char *dir, const char *digest);
void attest_attachments_release(struct attest_attachments *a);

/* The SBOM (kind "spdx"/"cyclonedx") or provenance ("provenance") bytes
 * attached to `digest`, the first found; WP_ENOTFOUND naming what is there. */
int attest_fetch(const struct attest_source *src, const char *digest, const char *kind,
		 struct wp_buf *out);

#endif
