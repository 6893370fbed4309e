/*
 * client.h - one session with one repository of one registry: picks the
 * scheme (https; plain http only with --insecure or, as docker does, for
 * a loopback registry that does not speak TLS), answers the registry's
 * challenge and sends authenticated requests, re-asking once for a token
 * when a request comes back 401 (expired, or insufficient_scope).
 */
#ifndef REGISTRY_CLIENT_H
#define REGISTRY_CLIENT_H

#include "auth.h"
#include "http.h"
#include "reference.h"
#include "registry.h"

/* At most this many requests of a session in flight at once (parallel.h). */
#define REG_PARALLEL_MAX 8

struct reg_client {
	char *registry;   /* as in references: "docker.io", "127.0.0.1:5000" */
	char *host;       /* API host */
	char *repository;
	char *base;       /* "https://host" once pinged */
	struct reg_http *http;
	struct reg_auth auth;
	char **scopes;    /* scope set of this session, push scope first */
	size_t nscopes;
	const struct registry_opts *opts;
	int fresh_blobs;  /* push: blobs held in memory (attachments just made)
			   * go up without a HEAD first: re-uploading a small
			   * blob costs less than the round trip */
	int no_monolithic; /* push: the registry refused a POST with a body */
	struct reg_client *workers[REG_PARALLEL_MAX]; /* parallel.c: copies with their own
					* connection, kept for the next phase */
	size_t nworkers;
};

/* `op` is "push", "pull" or "login": it starts every error line and
 * decides the scopes (push: "repository:<repo>:push,pull"). */
int reg_client_open(const struct registry_ref *ref, const char *op,
		    const struct registry_opts *opts, struct reg_client **out);
void reg_client_free(struct reg_client *c);

/* Add a scope (deduplicated) to the session. */
int reg_client_add_scope(struct reg_client *c, const char *scope);

/* GET /v2/: choose the scheme and learn the auth challenge.  With
 * `verify_creds` (login) the credentials are checked now: a token is
 * fetched, or Basic credentials are sent to /v2/. */
int reg_client_ping(struct reg_client *c, int verify_creds);

/* "<base>/v2/<repository>/<suffix>", malloc'ed. */
char *reg_client_url(const struct reg_client *c, const char *suffix);

/* Send with authentication (see above). */
int reg_client_do(struct reg_client *c, struct reg_request *rq, struct reg_response *resp);

/* Push one blob (unless the repository has it, or c->fresh_blobs). */
int reg_push_blob(struct reg_client *c, const struct oci_blob *b);
/* Push the layers and config of `img` (those the repository lacks). */
int reg_push_blobs(struct reg_client *c, const struct oci_image *img);
/* PUT the manifest of `img` by `tag` (or digest); *subject_ack (may be
 * NULL) is 1 when the registry answered with OCI-Subject (it has the
 * referrers API and indexed the manifest's subject). */
int reg_put_manifest(struct reg_client *c, const struct oci_image *img, const char *tag,
		     int *subject_ack);
/* The same with If-Match: `if_match` (an ETag the GET gave); a 412 (the
 * manifest changed since) is WP_EEXISTS. */
int reg_put_manifest_if(struct reg_client *c, const struct oci_image *img, const char *tag,
			const char *if_match, int *subject_ack);

/* GET a manifest or index by tag or digest (with every type in Accept)
 * into `out`; `digest` receives the digest of the bytes, checked against
 * a digest reference or Docker-Content-Digest; *media_type the
 * Content-Type (malloc'ed).  A 404 is WP_ENOTFOUND. */
int reg_get_manifest(struct reg_client *c, const char *ref, struct wp_buf *out,
		     char digest[OCI_DIGEST_SIZE], char **media_type);
/* The same; *etag (may be NULL) receives the ETag header, malloc'ed, or NULL. */
int reg_get_manifest_etag(struct reg_client *c, const char *ref, struct wp_buf *out,
			  char digest[OCI_DIGEST_SIZE], char **media_type, char **etag);

/* 1 if host (without port) is loopback: localhost, 127.0.0.0/8, ::1. */
int reg_host_is_loopback(const char *host);

#endif
