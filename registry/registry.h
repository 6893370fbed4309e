/*
 * registry.h - the registry client as cmd/ sees it: push an image to one
 * or more references, pull one back, log in and out.
 *
 * Below cmd/ nothing prints: progress, registry warnings and debug lines
 * reach the user through `struct registry_events`, which cmd/ implements
 * (cmd/progress.c).  Errors are one line in the error slot naming the
 * operation, the registry and repository, the HTTP status and the
 * registry's own error code and message.  Secrets (passwords, tokens,
 * Authorization headers, signed URLs) never reach any of these.
 */
#ifndef REGISTRY_REGISTRY_H
#define REGISTRY_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "../oci/image.h"
#include "../oci/publish.h"

/* What happened to a blob, for the progress display. */
enum registry_blob_state {
	REGISTRY_BLOB_UPLOAD,   /* uploading (start) / uploaded (end) */
	REGISTRY_BLOB_DOWNLOAD, /* downloading / downloaded */
	REGISTRY_BLOB_EXISTS,   /* already in the repository: skipped */
	REGISTRY_BLOB_MOUNTED,  /* mounted from another repository */
};

struct registry_events {
	/* A blob transfer starts (end == 0) or ends (end == 1, ok or not). */
	void (*blob)(void *ctx, const char *digest, uint64_t size, enum registry_blob_state state,
		     int end, int failed);
	/* Bytes moved so far for the current blob; called often, the
	 * receiver throttles the drawing. */
	void (*progress)(void *ctx, const char *digest, uint64_t done, uint64_t total);
	/* A `Warning: 299` header, a retry being waited for, and (with
	 * WASMPACK_DEBUG) one line per request: method, URL without query,
	 * status.  Never holds a secret. */
	void (*message)(void *ctx, int debug, const char *msg);
	void *ctx;
};

/* Where the bytes of a blob come from when the image given to
 * registry_push() holds only its descriptor: asked only for blobs the
 * registry lacks, so a no-op push reads nothing but the manifest.  `load`
 * returns malloc'ed bytes already checked against the digest. */
struct registry_blob_source {
	int (*load)(void *ctx, const struct oci_blob *b, uint8_t **data, size_t *len);
	void *ctx;
};

struct registry_opts {
	int insecure;        /* plain http and unverified TLS allowed */
	const char *ca_file; /* extra CA bundle (PEM) for TLS */
	const char *from;    /* push: repository (same registry) to mount blobs from */
	const char *platform; /* pull: "os/arch" to choose from an index */
	const struct registry_events *ev; /* may be NULL */
	const struct registry_blob_source *src; /* push: blobs without data */
	int reuse_ping;      /* trust what an earlier ping of the same host in
			      * this process learnt (scheme, challenge) instead
			      * of asking again: one command, several sessions */
};

/*
 * Push `img` to every reference in `refs` (parsed and validated first: a
 * bad one fails before any traffic).  References in the same repository
 * share one upload of the blobs; the manifest is PUT by each tag (or by
 * digest for a reference without a tag) only after every blob is
 * confirmed present.  `digest_ref` receives "registry/repo@sha256:..." of
 * the first reference (malloc'ed); every reference pushed is appended as
 * a string to `pushed` (may be NULL).
 */
int registry_push(char *const *refs, size_t nrefs, const struct oci_image *img,
		  const struct registry_opts *opts, char **digest_ref, json_t *pushed);

/*
 * Pull `ref` and verify every digest; an index is resolved with
 * opts->platform.  The image comes back with all its blobs loaded.
 * `digest_ref` receives "registry/repo@sha256:<manifest digest>".
 */
int registry_pull(const char *ref, const struct registry_opts *opts, struct oci_image **out,
		  char **digest_ref);

/* Check `user`/`password` against `registry` (a host[:port], or a
 * reference whose registry part is used), then store them where docker
 * keeps them (credential helper or config.json auths). */
int registry_login(const char *registry, const char *user, const char *password,
		   const struct registry_opts *opts);
/* Remove stored credentials; WP_ENOTFOUND when there were none. */
int registry_logout(const char *registry);

/* A publisher (oci/publish.h) pushing to `refs`. */
int registry_publisher_open(char *const *refs, size_t nrefs, const struct registry_opts *opts,
			    struct publisher **out);

#endif
