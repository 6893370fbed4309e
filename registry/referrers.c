/*
 * referrers.c - attachments in a registry: artifact manifests whose
 * `subject` is an image, found through the referrers API
 * (GET /v2/<name>/referrers/<digest>) where the registry offers it, and
 * through the referrers tag schema (the tag "sha256-<hex>" naming an
 * index of the artifacts) where it does not (distribution 2.8, GHCR).
 *
 * Writing goes in phases whose requests do not depend on each other and
 * run at the same time (parallel.h): the blobs and the index read; the
 * artifact manifests by digest (a registry with the API answers each
 * with an OCI-Subject header); the tags (".sig" image, index with
 * If-Match); the index read back, since distribution ignores If-Match:
 * when a concurrent writer's update replaced ours, the index is read,
 * merged and written again, up to ATTACH_TRIES times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../attest/attest.h"
#include "../common/error.h"
#include "client.h"
#include "parallel.h"
#include "referrers.h"

#define ATTACH_TRIES 5

struct registry_session {
	struct registry_ref *ref;
	struct reg_client *c;
	char *name; /* "registry/repository" */
	/* blobs this session pushed or saw present: not asked about again
	 * (the empty config every artifact shares) */
	char (*known)[OCI_DIGEST_SIZE];
	size_t nknown;
};

static int known(const struct registry_session *s, const char *digest)
{
	size_t i;

	for (i = 0; i < s->nknown; i++)
		if (!strcmp(s->known[i], digest))
			return 1;
	return 0;
}

static void remember(struct registry_session *s, const char *digest)
{
	char (*n)[OCI_DIGEST_SIZE];

	if (known(s, digest) || !(n = realloc(s->known, (s->nknown + 1) * sizeof(*n))))
		return;
	s->known = n;
	snprintf(s->known[s->nknown++], OCI_DIGEST_SIZE, "%s", digest);
}

int registry_session_open(const char *refstr, const char *op, const struct registry_opts *opts,
			  struct registry_session **out)
{
	struct registry_session *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = registry_ref_parse(refstr, &s->ref)) < 0 ||
	    (err = reg_client_open(s->ref, op, opts, &s->c)) < 0 || (err = reg_client_ping(s->c, 0)) < 0)
		goto fail;
	s->c->fresh_blobs = 1;
	if (!(s->name = registry_ref_name(s->ref))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	registry_session_free(s);
	return err;
}

void registry_session_free(struct registry_session *s)
{
	if (!s)
		return;
	reg_client_free(s->c);
	registry_ref_free(s->ref);
	free(s->name);
	free(s->known);
	free(s);
}

const char *registry_session_name(const struct registry_session *s)
{
	return s->name;
}

const char *registry_session_ref(const struct registry_session *s)
{
	return s->ref->digest ? s->ref->digest : s->ref->tag ? s->ref->tag : "latest";
}

int registry_session_manifest(void *ctx, const char *ref, struct wp_buf *out)
{
	struct registry_session *s = ctx;
	char digest[OCI_DIGEST_SIZE];
	char *mt = NULL;
	int err = reg_get_manifest(s->c, ref, out, digest, &mt);

	free(mt);
	return err;
}

int registry_session_blob(void *ctx, const char *digest, size_t max, struct wp_buf *out)
{
	struct registry_session *s = ctx;
	struct reg_response r;
	char suffix[128], what[128], got[OCI_DIGEST_SIZE];
	char *url;
	int err;

	memset(&r, 0, sizeof(r));
	if (!oci_digest_valid(digest))
		return wp_error_set(WP_EINVALID, "not a digest: %s", digest);
	snprintf(suffix, sizeof(suffix), "blobs/%s", digest);
	snprintf(what, sizeof(what), "blob %s", digest);
	if (!(url = reg_client_url(s->c, suffix)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	{
		struct reg_request rq = { .method = "GET", .url = url, .follow = 1, .max_body = max };
		err = reg_client_do(s->c, &rq, &r);
	}
	if (err == 0 && r.status != 200)
		err = reg_http_error(s->c->http, &r, what);
	if (err == 0 && (err = oci_digest(r.body.data ? r.body.data : (const uint8_t *)"", r.body.len, got)) == 0 &&
	    strcmp(got, digest) != 0)
		err = wp_error_set(WP_EINVALID, "%s: %s: received content has digest %s (corrupt or tampered)",
				   reg_http_label(s->c->http), what, got);
	if (err == 0)
		err = wp_buf_append(out, r.body.data ? r.body.data : (const uint8_t *)"", r.body.len);
	free(url);
	reg_response_release(&r);
	return err;
}

int registry_session_referrers(void *ctx, const char *digest, struct wp_buf *out)
{
	struct registry_session *s = ctx;
	struct reg_response r;
	char suffix[128], *url;
	int err;

	memset(&r, 0, sizeof(r));
	snprintf(suffix, sizeof(suffix), "referrers/%s", digest);
	if (!(url = reg_client_url(s->c, suffix)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	{
		struct reg_request rq = { .method = "GET", .url = url, .accept = OCI_MT_INDEX,
					  .max_body = OCI_JSON_MAX, .follow = 1 };
		err = reg_client_do(s->c, &rq, &r);
	}
	if (err == 0 && r.status == 200) {
		const char *ct = reg_response_header(&r, "Content-Type");
		/* distribution 2.8 has no API: 404; anything but an index is none */
		if (!ct || strncmp(ct, OCI_MT_INDEX, strlen(OCI_MT_INDEX)) != 0)
			err = wp_error_set(WP_ENOTFOUND, "no referrers API");
		else
			err = wp_buf_append(out, r.body.data ? r.body.data : (const uint8_t *)"", r.body.len);
	} else if (err == 0) {
		err = wp_error_set(WP_ENOTFOUND, "no referrers API (HTTP %ld)", r.status);
	}
	free(url);
	reg_response_release(&r);
	return err;
}

/* 1 when every artifact is listed in the tag index `tag` now. */
static int index_holds(struct registry_session *s, const char *tag, struct oci_image *const *arts,
		       size_t n)
{
	struct wp_buf b = WP_BUF_INIT(OCI_JSON_MAX);
	json_t *idx = NULL, *list;
	size_t i, k, found = 0;

	if (registry_session_manifest(s, tag, &b) == 0 &&
	    oci_json_load(b.data, b.len, "the referrers index", &idx) == 0) {
		list = json_object_get(idx, "manifests");
		for (k = 0; k < n; k++)
			for (i = 0; i < json_array_size(list); i++)
				if (!strcmp(json_string_value(json_object_get(json_array_get(list, i), "digest")) ?: "",
					    arts[k]->manifest.digest)) {
					found++;
					break;
				}
	}
	wp_error_clear();
	json_decref(idx);
	wp_buf_release(&b);
	return found == n;
}

/* The tag index as a GET found it: its bytes (absent: none yet) and ETag. */
struct index_read {
	struct wp_buf b;
	int absent;
	char *etag;
};

static void index_read_release(struct index_read *r)
{
	wp_buf_release(&r->b);
	free(r->etag);
	memset(r, 0, sizeof(*r));
}

static int index_get(struct reg_client *c, const char *tag, struct index_read *r)
{
	char digest[OCI_DIGEST_SIZE], *mt = NULL;
	int err;

	r->b = (struct wp_buf)WP_BUF_INIT(OCI_JSON_MAX);
	err = reg_get_manifest_etag(c, tag, &r->b, digest, &mt, &r->etag);
	free(mt);
	if (err == WP_ENOTFOUND) {
		wp_error_clear();
		r->absent = 1;
		err = 0;
	}
	return err;
}

/* Write the index `r` read plus the artifacts, with If-Match: its ETag;
 * WP_EEXISTS when the registry says it changed since. */
static int index_put(struct reg_client *c, const char *tag, const struct index_read *r,
		     struct oci_image *const *arts, size_t n)
{
	struct oci_image *img = NULL;
	json_t *old = NULL, *idx = NULL;
	int err = 0;

	if (!r->absent)
		err = oci_json_load(r->b.data, r->b.len, "the referrers index", &old);
	if (err == 0 && !(idx = attest_referrers_index_add(old, arts, n)))
		err = wp_error_set(WP_ENOMEM, "out of memory");
	if (err == 0 && (err = attest_index_image(idx, &img)) == 0)
		err = reg_put_manifest_if(c, img, tag, r->etag, NULL);
	json_decref(old);
	json_decref(idx);
	oci_image_free(img);
	return err;
}

/*
 * Read-modify-write of the tag index: the PUT carries If-Match with the
 * ETag the GET gave (a registry that honours it answers 412 when another
 * writer came first: we go round again); distribution ignores If-Match,
 * so the index is read back as well, and a lost update is retried too.
 */
static int update_tag_index(struct registry_session *s, const char *tag,
			    struct oci_image *const *arts, size_t n)
{
	int attempt, err = 0;

	for (attempt = 1; attempt <= ATTACH_TRIES; attempt++) {
		struct index_read r = { 0 };

		if ((err = index_get(s->c, tag, &r)) == 0)
			err = index_put(s->c, tag, &r, arts, n);
		index_read_release(&r);
		if (err == WP_EEXISTS)
			wp_error_clear();
		else if (err < 0 || index_holds(s, tag, arts, n))
			return err;
		reg_http_message(s->c->http, 0, "%s: the referrers index %s changed under us; retrying (%d of %d)",
				 reg_http_label(s->c->http), tag, attempt + 1, ATTACH_TRIES);
	}
	return wp_error_set(WP_ERROR, "%s: the referrers index %s kept changing; the attachments are pushed but not listed",
			    reg_http_label(s->c->http), tag);
}

/* One request of a phase (see parallel.h). */
struct job {
	enum { JOB_BLOB, JOB_MANIFEST, JOB_INDEX_GET, JOB_INDEX_PUT } kind;
	const struct oci_blob *blob;
	const struct oci_image *img;
	const char *tag;            /* manifest: NULL = by digest; index: its tag */
	struct registry_attach *a;  /* index jobs */
	int ack;                    /* manifest: OCI-Subject came back */
	int conflict;               /* index PUT: 412 */
};

struct registry_attach {
	struct registry_session *s;
	struct oci_image *const *arts;
	size_t n;
	const struct oci_image *tagged;
	char sigtag[100];
	char tag[100];              /* "sha256-<hex>": the tag index */
	int acked;                  /* every artifact's subject acknowledged */
	struct index_read idx;      /* the tag index as prepare read it */
};

static int job_run(struct reg_client *c, void *ctx)
{
	struct job *j = ctx;
	int err;

	switch (j->kind) {
	case JOB_BLOB:
		return reg_push_blob(c, j->blob);
	case JOB_MANIFEST:
		return reg_put_manifest(c, j->img, j->tag ? j->tag : j->img->manifest.digest, &j->ack);
	case JOB_INDEX_GET:
		return index_get(c, j->a->tag, &j->a->idx);
	case JOB_INDEX_PUT:
		err = index_put(c, j->a->tag, &j->a->idx, j->a->arts, j->a->n);
		if (err == WP_EEXISTS) {
			wp_error_clear();
			j->conflict = 1;
			err = 0;
		}
		return err;
	}
	return 0;
}

/* Run the jobs, all at once. */
static int run_jobs(struct registry_session *s, struct job *jobs, size_t n)
{
	void **ctx;
	size_t i;
	int err;

	if (!n)
		return 0;
	if (!(ctx = calloc(n, sizeof(*ctx))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		ctx[i] = &jobs[i];
	err = reg_parallel(s->c, n, job_run, ctx);
	free(ctx);
	return err;
}

/* A job for each blob of `img` this session has not seen (once each). */
static size_t blob_jobs(struct registry_session *s, const struct oci_image *img, struct job *jobs,
			size_t n)
{
	size_t i, k;

	for (i = 0; i <= img->nlayers; i++) {
		const struct oci_blob *b = i < img->nlayers ? &img->layers[i] : &img->config;
		int dup = 0;
		if ((i == img->nlayers && !img->config.media_type) || known(s, b->digest))
			continue;
		for (k = 0; k < n; k++)
			dup |= jobs[k].kind == JOB_BLOB && !strcmp(jobs[k].blob->digest, b->digest);
		if (!dup)
			jobs[n++] = (struct job){ .kind = JOB_BLOB, .blob = b };
	}
	return n;
}

int registry_attach_prepare(struct registry_session *s, const char *subject,
			    struct oci_image *const *arts, size_t n, const struct oci_image *tagged,
			    const char *tagged_as, struct registry_attach **out)
{
	struct registry_attach *a = calloc(1, sizeof(*a));
	struct job *jobs = NULL;
	size_t i, k = 0, max = n + 2 + (tagged ? tagged->nlayers : 0);
	int err;

	*out = NULL;
	for (i = 0; i < n; i++)
		max += arts[i]->nlayers + 1;
	if (!a || !(jobs = calloc(max, sizeof(*jobs)))) {
		free(a);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	a->s = s;
	a->arts = arts;
	a->n = n;
	a->tagged = tagged;
	snprintf(a->sigtag, sizeof(a->sigtag), "%s", tagged_as ? tagged_as : "");
	attest_referrers_tag(subject, NULL, a->tag, sizeof(a->tag));
	/* phase 1: every new blob, and the tag index read (a registry with
	 * the referrers API answers 404 there: one request, no round trip) */
	for (i = 0; i < n; i++)
		k = blob_jobs(s, arts[i], jobs, k);
	if (tagged)
		k = blob_jobs(s, tagged, jobs, k);
	if (n)
		jobs[k++] = (struct job){ .kind = JOB_INDEX_GET, .a = a };
	if ((err = run_jobs(s, jobs, k)) < 0)
		goto fail;
	for (i = 0; i < k; i++)
		if (jobs[i].kind == JOB_BLOB)
			remember(s, jobs[i].blob->digest);
	/* phase 2: the artifacts' manifests, by digest: nothing names them
	 * yet, so nothing is visible until commit */
	for (k = 0; k < n; k++)
		jobs[k] = (struct job){ .kind = JOB_MANIFEST, .img = arts[k] };
	if ((err = run_jobs(s, jobs, k)) < 0)
		goto fail;
	a->acked = 1;
	for (i = 0; i < k; i++)
		a->acked &= jobs[i].ack;
	free(jobs);
	*out = a;
	return 0;
fail:
	free(jobs);
	registry_attach_free(a);
	return err;
}

int registry_attach_commit(struct registry_attach *a)
{
	struct job jobs[2];
	size_t k = 0, i;
	int err, conflict = 0;

	/* phase 3: the tags, together: the signature image and the index */
	if (a->tagged)
		jobs[k++] = (struct job){ .kind = JOB_MANIFEST, .img = a->tagged, .tag = a->sigtag };
	if (a->n && !a->acked)
		jobs[k++] = (struct job){ .kind = JOB_INDEX_PUT, .a = a };
	if ((err = run_jobs(a->s, jobs, k)) < 0)
		return err;
	for (i = 0; i < k; i++)
		conflict |= jobs[i].conflict;
	if (!a->n || a->acked)
		return 0;
	/* phase 4: the read-back (distribution ignores If-Match); a lost
	 * update goes the slow way, reading afresh */
	if (!conflict && index_holds(a->s, a->tag, a->arts, a->n))
		return 0;
	reg_http_message(a->s->c->http, 0, "%s: the referrers index %s changed under us; retrying",
			 reg_http_label(a->s->c->http), a->tag);
	return update_tag_index(a->s, a->tag, a->arts, a->n);
}

void registry_attach_free(struct registry_attach *a)
{
	if (!a)
		return;
	index_read_release(&a->idx);
	free(a);
}

int registry_attach(struct registry_session *s, const char *subject, struct oci_image *const *arts,
		    size_t n)
{
	struct registry_attach *a = NULL;
	int err;

	if ((err = registry_attach_prepare(s, subject, arts, n, NULL, NULL, &a)) == 0)
		err = registry_attach_commit(a);
	registry_attach_free(a);
	return err;
}
