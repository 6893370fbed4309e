/*
 * push.c - push an image: blobs first, the manifest last.
 *
 * Each blob: HEAD (skip what the repository has), an optional cross-repo
 * mount (--from), then a monolithic POST + PUT, or a chunked upload
 * (PATCH, at most `chunk` bytes each, resumed after a broken chunk from
 * the upload status) for large blobs and as the fallback when a registry
 * refuses the monolithic PUT.  A failed upload restarts from scratch, up
 * to the retry policy's number of tries.  The manifest is PUT by each tag
 * only once every blob is confirmed present, so a tag never names an
 * incomplete image, even when the push is killed midway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "client.h"

#define MIB ((size_t)1 << 20)
/* blobs up to this size are offered whole with the POST that starts the
 * upload: one request where the registry takes it, and where it does
 * not (distribution 2.8) the body sent twice costs less than a round trip */
#define MONOLITHIC_MAX ((size_t)256 << 10)
/* chunks in a row that may leave the upload's Range where it was */
#define MAX_STALLS 5

struct upload_plan {
	size_t threshold; /* blobs larger than this go chunked */
	size_t chunk;
};

static void plan_init(struct upload_plan *p, const char *registry)
{
	const char *e = getenv("WASMPACK_UPLOAD_CHUNK");
	long long n = e && *e ? atoll(e) : 0;

	if (n > 0) {
		p->chunk = (size_t)n;
		p->threshold = (size_t)n;
	} else if (!strcmp(registry, "ghcr.io")) {
		/* GHCR answers 416 to a PATCH over 4 MiB */
		p->chunk = 4 * MIB;
		p->threshold = 64 * MIB;
	} else {
		p->chunk = 16 * MIB;
		p->threshold = 64 * MIB;
	}
}

static void blob_event(struct reg_client *c, const struct oci_blob *b, enum registry_blob_state s,
		       int end, int failed)
{
	const struct registry_events *ev = c->opts->ev;

	if (ev && ev->blob)
		ev->blob(ev->ctx, b->digest, b->size, s, end, failed);
}

/* 1 present, 0 absent. */
static int blob_exists(struct reg_client *c, const struct oci_blob *b)
{
	struct reg_response r;
	char path[128], what[128];
	char *url;
	int err;

	memset(&r, 0, sizeof(r));
	snprintf(path, sizeof(path), "blobs/%s", b->digest);
	if (!(url = reg_client_url(c, path)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	{
		struct reg_request rq = { .method = "HEAD", .url = url, .follow = 1 };
		err = reg_client_do(c, &rq, &r);
	}
	if (err == 0) {
		if (r.status == 200)
			err = 1;
		else if (r.status != 404) {
			snprintf(what, sizeof(what), "blob %s", b->digest);
			err = reg_http_error(c->http, &r, what);
		}
	}
	free(url);
	reg_response_release(&r);
	return err;
}

/* The newest Location of an upload session, resolved; replaces *loc. */
static int take_location(struct reg_client *c, const struct reg_response *r, char **loc)
{
	const char *l = reg_response_header(r, "Location");
	char *abs;

	if (!l)
		return wp_error_set(WP_ERROR, "%s: the registry gave no upload Location", reg_http_label(c->http));
	abs = reg_url_resolve(r->url, l);
	if (!abs)
		return wp_error_set(WP_ERROR, "%s: malformed upload Location", reg_http_label(c->http));
	if (reg_url_is_https(c->base) && !reg_url_is_https(abs)) {
		free(abs);
		return wp_error_set(WP_ERROR, "%s: the registry's upload Location downgrades https to http",
				    reg_http_label(c->http));
	}
	free(*loc);
	*loc = abs;
	return 0;
}

static int upload_done(struct reg_client *c, const struct oci_blob *b, struct reg_response *r);

/* POST an upload (or a mount, or with `mono` a whole small blob:
 * "?digest=" and the bytes, which the OCI distribution spec allows and
 * distribution 2.8 answers with an ordinary 202, ignoring the body).
 * *mounted = 1 when the registry has the blob now (201); else *loc is the
 * session. */
static int upload_start(struct reg_client *c, const struct oci_blob *b, const char *from, int mono,
			char **loc, int *mounted, size_t *min_chunk, long *status)
{
	struct reg_response r;
	char suffix[600], what[128];
	char *url = NULL;
	int err;

	memset(&r, 0, sizeof(r));
	*mounted = 0;
	*status = 0;
	if (from)
		snprintf(suffix, sizeof(suffix), "blobs/uploads/?mount=%s&from=%s", b->digest, from);
	else if (mono)
		snprintf(suffix, sizeof(suffix), "blobs/uploads/?digest=%s", b->digest);
	else
		snprintf(suffix, sizeof(suffix), "blobs/uploads/");
	if (!(url = reg_client_url(c, suffix)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	{
		struct reg_request rq = { .method = "POST", .url = url,
					  .content_type = "application/octet-stream" };
		if (mono) {
			rq.body = b->data;
			rq.body_len = (size_t)b->size;
			rq.digest = b->digest;
			rq.progress_total = b->size;
		}
		err = reg_client_do(c, &rq, &r);
	}
	if (err < 0)
		goto done;
	*status = r.status;
	if ((from || mono) && r.status == 201) {
		*mounted = 1;
		if (mono)
			err = upload_done(c, b, &r);
		goto done;
	}
	if (mono && r.status != 202 && r.status != 401 && r.status != 403 && r.status >= 400 &&
	    r.status < 500) {
		/* a registry that will not take a body here: ask plainly */
		c->no_monolithic = 1;
		free(url);
		reg_response_release(&r);
		return upload_start(c, b, NULL, 0, loc, mounted, min_chunk, status);
	}
	if (r.status != 202) {
		snprintf(what, sizeof(what), "starting the upload of %s", b->digest);
		err = reg_http_error(c->http, &r, what);
		goto done;
	}
	{
		const char *m = reg_response_header(&r, "OCI-Chunk-Min-Length");
		long long n = m ? atoll(m) : 0;
		*min_chunk = n > 0 ? (size_t)n : 0;
	}
	err = take_location(c, &r, loc);
done:
	free(url);
	reg_response_release(&r);
	return err;
}

/* Check the 201 of the final PUT. */
static int upload_done(struct reg_client *c, const struct oci_blob *b, struct reg_response *r)
{
	const char *d;
	char what[128];

	snprintf(what, sizeof(what), "uploading %s", b->digest);
	if (r->status != 201 && r->status != 204 && r->status != 200)
		return reg_http_error(c->http, r, what);
	d = reg_response_header(r, "Docker-Content-Digest");
	if (d && strcmp(d, b->digest) != 0)
		return wp_error_set(WP_ERROR, "%s: the registry stored %s as %s", reg_http_label(c->http),
				    b->digest, d);
	return 0;
}

static int put_final(struct reg_client *c, const struct oci_blob *b, const char *loc,
		     const uint8_t *body, size_t len, uint64_t base, long *status)
{
	struct reg_response r;
	char kv[100], *url;
	int err;

	memset(&r, 0, sizeof(r));
	snprintf(kv, sizeof(kv), "digest=%s", b->digest);
	if (!(url = reg_url_add_query(loc, kv)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	{
		struct reg_request rq = { .method = "PUT", .url = url,
					  .content_type = "application/octet-stream",
					  .body = body, .body_len = len, .no_retry = 1,
					  .digest = b->digest, .progress_base = base,
					  .progress_total = b->size };
		err = reg_client_do(c, &rq, &r);
	}
	*status = r.status;
	if (err == 0)
		err = upload_done(c, b, &r);
	free(url);
	reg_response_release(&r);
	return err;
}

/* GET the upload status: the offset to go on from, and a fresh Location. */
static int upload_status(struct reg_client *c, char **loc, size_t *offset)
{
	struct reg_response r;
	const char *range;
	int err;

	memset(&r, 0, sizeof(r));
	{
		struct reg_request rq = { .method = "GET", .url = *loc };
		err = reg_client_do(c, &rq, &r);
	}
	if (err == 0 && r.status != 204 && r.status != 202)
		err = reg_http_error(c->http, &r, "upload status");
	if (err == 0 && reg_response_header(&r, "Location"))
		err = take_location(c, &r, loc);
	if (err == 0) {
		range = reg_response_header(&r, "Range");
		if (range && !strncmp(range, "bytes=", 6))
			range += 6;
		*offset = 0;
		if (range && strchr(range, '-'))
			*offset = (size_t)strtoull(strchr(range, '-') + 1, NULL, 10) + 1;
	}
	reg_response_release(&r);
	return err;
}

static int upload_chunked(struct reg_client *c, const struct oci_blob *b, char **loc,
			  size_t chunk, long *status)
{
	size_t off = 0, len = (size_t)b->size;
	int recoveries = 0, stalls = 0, err = 0;

	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		struct reg_response r;
		char range[64];

		memset(&r, 0, sizeof(r));
		snprintf(range, sizeof(range), "%zu-%zu", off, off + n - 1);
		{
			struct reg_request rq = { .method = "PATCH", .url = *loc,
						  .content_type = "application/octet-stream",
						  .content_range = range, .body = b->data + off,
						  .body_len = n, .no_retry = 1, .digest = b->digest,
						  .progress_base = off, .progress_total = b->size };
			err = reg_client_do(c, &rq, &r);
		}
		*status = r.status;
		if (err == 0 && r.status == 202) {
			const char *rg = reg_response_header(&r, "Range");
			size_t was = off;
			err = take_location(c, &r, loc);
			if (rg && !strncmp(rg, "bytes=", 6))
				rg += 6;
			off = rg && strchr(rg, '-') ? (size_t)strtoull(strchr(rg, '-') + 1, NULL, 10) + 1
						    : off + n;
			reg_response_release(&r);
			if (err < 0)
				return err;
			/* the registry's Range decides where we go on; one that
			 * never moves forward must not keep us sending forever */
			stalls = off > was ? 0 : stalls + 1;
			if (stalls >= MAX_STALLS)
				return wp_error_set(WP_ERROR, "%s: the registry's upload Range stays at %zu of %zu bytes after %d chunks",
						    reg_http_label(c->http), off, len, MAX_STALLS);
			continue;
		}
		if (err == 0 && r.status != 416 && !reg_status_retryable(r.status)) {
			err = reg_http_error(c->http, &r, "uploading a chunk");
			reg_response_release(&r);
			return err;
		}
		reg_response_release(&r);
		/* a broken chunk: ask the registry how far it got */
		if (++recoveries > 5)
			return err < 0 ? err : wp_error_set(WP_ERROR, "%s: chunked upload keeps failing",
							    reg_http_label(c->http));
		reg_http_message(c->http, 0, "%s: a chunk of %s failed; resuming from the upload status",
				 reg_http_label(c->http), b->digest);
		if ((err = upload_status(c, loc, &off)) < 0)
			return err;
		if (off > len)
			return wp_error_set(WP_ERROR, "%s: the registry holds more than the blob", reg_http_label(c->http));
	}
	return put_final(c, b, *loc, NULL, 0, len, status);
}

/* The blob with its bytes: `b` itself, or a copy whose data the blob
 * source loaded (freed by the caller with oci_blob_release). */
static int blob_with_data(struct reg_client *c, const struct oci_blob *b, struct oci_blob *copy,
			  const struct oci_blob **out)
{
	const struct registry_blob_source *src = c->opts->src;
	uint8_t *data = NULL;
	size_t len = 0;
	int err;

	*out = b;
	if (b->data)
		return 0;
	if (!src || !src->load)
		return wp_error_set(WP_ERROR, "%s: no data for blob %s", reg_http_label(c->http), b->digest);
	if ((err = src->load(src->ctx, b, &data, &len)) < 0)
		return err;
	if (len != b->size) {
		free(data);
		return wp_error_set(WP_EINVALID, "blob %s has %zu bytes, its descriptor says %llu", b->digest,
				    len, (unsigned long long)b->size);
	}
	memset(copy, 0, sizeof(*copy));
	memcpy(copy->digest, b->digest, sizeof(copy->digest));
	copy->size = b->size;
	copy->data = data;
	*out = copy;
	return 0;
}

static int push_blob(struct reg_client *c, const struct oci_blob *desc, const struct upload_plan *plan)
{
	struct reg_retry_policy pol;
	struct oci_blob loaded = { 0 };
	const struct oci_blob *b = desc;
	char *loc = NULL;
	int attempt, err = 0, chunked = (size_t)desc->size > plan->threshold, started = 0;

	reg_retry_policy_init(&pol);
	for (attempt = 1;; attempt++) {
		size_t min_chunk = 0, chunk = plan->chunk;
		int mounted = 0;
		long status = 0;

		if ((err = c->fresh_blobs && b->data ? 0 : blob_exists(c, b)) < 0)
			goto failed;
		if (err == 1) {
			blob_event(c, b, REGISTRY_BLOB_EXISTS, 0, 0);
			err = 0;
			goto done;
		}
		if (c->opts->from && attempt == 1) {
			if ((err = upload_start(c, b, c->opts->from, 0, &loc, &mounted, &min_chunk, &status)) < 0)
				goto failed;
			if (mounted) {
				blob_event(c, b, REGISTRY_BLOB_MOUNTED, 0, 0);
				goto done;
			}
		} else {
			/* a small blob may go up in one request */
			int mono = !chunked && !c->no_monolithic && (size_t)desc->size <= MONOLITHIC_MAX;
			if (mono && !b->data && (err = blob_with_data(c, desc, &loaded, &b)) < 0)
				goto done;
			if (mono && !started)
				blob_event(c, b, REGISTRY_BLOB_UPLOAD, 0, 0);
			started |= mono;
			if ((err = upload_start(c, b, NULL, mono, &loc, &mounted, &min_chunk, &status)) < 0)
				goto failed;
			if (mounted) {
				blob_event(c, b, REGISTRY_BLOB_UPLOAD, 1, 0);
				goto done;
			}
		}
		if (!b->data && (err = blob_with_data(c, desc, &loaded, &b)) < 0)
			goto done;
		if (!started)
			blob_event(c, b, REGISTRY_BLOB_UPLOAD, 0, 0);
		started = 1;
		if (min_chunk > chunk)
			chunk = min_chunk;
		if (chunked)
			err = upload_chunked(c, b, &loc, chunk, &status);
		else
			err = put_final(c, b, loc, b->data, (size_t)b->size, 0, &status);
		if (err == 0) {
			blob_event(c, b, REGISTRY_BLOB_UPLOAD, 1, 0);
			goto done;
		}
		/* a registry that refuses a big monolithic PUT takes chunks */
		if (!chunked && (status == 413 || status == 416 || status == 400))
			chunked = 1;
failed:
		if (err == WP_EAUTH || err == WP_ENOMEM || attempt >= pol.attempts)
			break;
		{
			long ms = reg_backoff_delay_ms(&pol, attempt, reg_jitter(), -1);
			reg_http_message(c->http, 0, "%s: upload of %s failed (%s); restarting in %.1f s (try %d of %d)",
					 reg_http_label(c->http), b->digest, wp_error_last(), (double)ms / 1000,
					 attempt + 1, pol.attempts);
			reg_sleep_ms(ms);
		}
	}
	if (started)
		blob_event(c, b, REGISTRY_BLOB_UPLOAD, 1, 1);
done:
	oci_blob_release(&loaded);
	free(loc);
	return err;
}

int reg_put_manifest(struct reg_client *c, const struct oci_image *img, const char *tag,
		     int *subject_ack)
{
	return reg_put_manifest_if(c, img, tag, NULL, subject_ack);
}

int reg_put_manifest_if(struct reg_client *c, const struct oci_image *img, const char *tag,
			const char *if_match, int *subject_ack)
{
	struct reg_response r;
	char suffix[300], what[300];
	char *url;
	const char *d;
	int err;

	memset(&r, 0, sizeof(r));
	snprintf(suffix, sizeof(suffix), "manifests/%s", tag);
	snprintf(what, sizeof(what), "manifest %s", tag);
	if (!(url = reg_client_url(c, suffix)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	{
		struct reg_request rq = { .method = "PUT", .url = url,
					  .content_type = img->manifest.media_type,
					  .if_match = if_match,
					  .body = img->manifest.data,
					  .body_len = (size_t)img->manifest.size };
		err = reg_client_do(c, &rq, &r);
	}
	if (err < 0)
		goto done;
	if (if_match && r.status == 412) {
		err = wp_error_set(WP_EEXISTS, "%s: %s changed since it was read", reg_http_label(c->http), what);
		goto done;
	}
	if (r.status != 201 && r.status != 200 && r.status != 204) {
		err = reg_http_error(c->http, &r, what);
		goto done;
	}
	d = reg_response_header(&r, "Docker-Content-Digest");
	if (d && strcmp(d, img->manifest.digest) != 0)
		err = wp_error_set(WP_ERROR, "%s: %s: the registry computed digest %s, we sent %s",
				   reg_http_label(c->http), what, d, img->manifest.digest);
	/* a registry with the referrers API acknowledges a subject */
	if (subject_ack)
		*subject_ack = reg_response_header(&r, "OCI-Subject") != NULL;
done:
	free(url);
	reg_response_release(&r);
	return err;
}

int reg_push_blob(struct reg_client *c, const struct oci_blob *b)
{
	struct upload_plan plan;

	plan_init(&plan, c->registry);
	return push_blob(c, b, &plan);
}

int reg_push_blobs(struct reg_client *c, const struct oci_image *img)
{
	struct upload_plan plan;
	size_t i;
	int err;

	plan_init(&plan, c->registry);
	for (i = 0; i < img->nlayers; i++)
		if ((err = push_blob(c, &img->layers[i], &plan)) < 0)
			return err;
	return img->config.media_type ? push_blob(c, &img->config, &plan) : 0;
}

/* Push to one repository under `tags` (NULL entries: by digest). */
int reg_push_repository(const struct registry_ref *ref, char *const *tags, size_t ntags,
			const struct oci_image *img, const struct registry_opts *opts)
{
	struct reg_client *c = NULL;
	size_t i;
	int err;

	if ((err = reg_client_open(ref, "push", opts, &c)) < 0)
		return err;
	if (opts->from) {
		char scope[600];
		snprintf(scope, sizeof(scope), "repository:%s:pull", opts->from);
		if ((err = reg_client_add_scope(c, scope)) < 0)
			goto done;
	}
	if ((err = reg_client_ping(c, 0)) < 0 || (err = reg_push_blobs(c, img)) < 0)
		goto done;
	for (i = 0; i < ntags; i++)
		if ((err = reg_put_manifest(c, img, tags[i] ? tags[i] : img->manifest.digest, NULL)) < 0)
			goto done;
done:
	reg_client_free(c);
	return err;
}
