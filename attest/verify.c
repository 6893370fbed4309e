/*
 * verify.c - read back what is attached to an image and judge it.
 *
 * Signatures: every layer of the "sha256-<hex>.sig" manifest (simple
 * signing: the annotation's signature over the payload, whose
 * docker-manifest-digest must be the image's) and every sigstore bundle
 * among the referrers (its messageDigest must be the image digest and its
 * signature must verify over the manifest bytes).  Attestations: every
 * referrer must name the image as its subject; an SBOM must parse as
 * SPDX 2.3 or CycloneDX; a provenance statement's subject must be the
 * image digest.  What is wrong becomes a finding, not an error: the
 * caller decides (cmd/verify.c exits 1 on any).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/base64.h"
#include "../common/error.h"
#include "attest.h"

#define DOC_MAX (16u << 20)
/* referrers looked at: a hostile index cannot make us fetch without end */
#define MAX_REFERRERS 256

static int add(struct attest_report *r, const char *kind, const char *digest, int ok,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int add(struct attest_report *r, const char *kind, const char *digest, int ok,
	       const char *fmt, ...)
{
	struct attest_finding *n = realloc(r->items, (r->n + 1) * sizeof(*n));
	va_list ap;

	if (!n)
		return wp_error_set(WP_ENOMEM, "out of memory");
	r->items = n;
	n = &r->items[r->n++];
	n->kind = strdup(kind);
	n->digest = strdup(digest ? digest : "");
	n->ok = ok;
	va_start(ap, fmt);
	if (vasprintf(&n->detail, fmt, ap) < 0)
		n->detail = NULL;
	va_end(ap);
	if (ok == 0)
		r->problems++;
	if (ok == ATTEST_OTHER_KEY)
		r->other_keys++;
	return 0;
}

void attest_report_release(struct attest_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->items[i].kind);
		free(r->items[i].digest);
		free(r->items[i].detail);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

/* Load JSON from a buffer; NULL when it is not JSON (no error kept). */
static json_t *parse(const struct wp_buf *b)
{
	json_t *j = NULL;

	if (oci_json_load(b->data ? b->data : (const uint8_t *)"", b->len, "document", &j) < 0) {
		wp_error_clear();
		return NULL;
	}
	return j;
}

/* The simple-signing layers of the ".sig" manifest. */
static int check_simple(const struct attest_source *src, const char *digest,
			const struct attest_key *key, struct attest_report *r)
{
	static const char kind[] = "signature (cosign simple signing)";
	struct wp_buf m = WP_BUF_INIT(OCI_JSON_MAX), p = WP_BUF_INIT(DOC_MAX);
	char tag[100];
	json_t *man = NULL, *layers;
	size_t i;
	int err;

	attest_referrers_tag(digest, ".sig", tag, sizeof(tag));
	err = src->manifest(src->ctx, tag, &m);
	if (err == WP_ENOTFOUND) {
		wp_error_clear();
		err = 0;
		goto done;
	}
	if (err < 0)
		goto done;
	if (!(man = parse(&m))) {
		err = add(r, kind, tag, 0, "the %s manifest is not JSON", tag);
		goto done;
	}
	layers = json_object_get(man, "layers");
	for (i = 0; i < json_array_size(layers) && err == 0; i++) {
		json_t *l = json_array_get(layers, i), *pl;
		const char *ld = json_string_value(json_object_get(l, "digest"));
		const char *s64 = json_string_value(json_object_get(json_object_get(l, "annotations"),
								    ATTEST_ANN_SIGNATURE));
		const char *signed_digest;
		uint8_t *sig;
		size_t siglen = 0;

		wp_buf_reset(&p);
		if (!ld || !s64) {
			err = add(r, kind, ld, 0, "a layer of %s has no %s annotation", tag, ATTEST_ANN_SIGNATURE);
			continue;
		}
		if ((err = src->blob(src->ctx, ld, DOC_MAX, &p)) < 0)
			break;
		pl = parse(&p);
		signed_digest = json_string_value(json_object_get(json_object_get(json_object_get(
			pl, "critical"), "image"), "docker-manifest-digest"));
		if (!signed_digest)
			err = add(r, kind, ld, 0, "the payload is not a simple-signing document");
		else if (strcmp(signed_digest, digest) != 0)
			err = add(r, kind, ld, 0, "signs %s, not this image (%s)", signed_digest, digest);
		else if (!key)
			err = add(r, kind, ld, 1, "covers %s (not checked: no --key)", digest);
		else if (!(sig = wp_base64_decode(s64, &siglen)))
			err = add(r, kind, ld, 0, "the signature annotation is not base64");
		else {
			int ok = attest_verify_sig(key, p.data, p.len, sig, siglen);
			free(sig);
			if (ok == 1)
				r->signed_ok++;
			err = ok < 0 ? ok
			     : add(r, kind, ld, ok ? 1 : ATTEST_OTHER_KEY,
				   ok ? "valid, by the key, over %s"
				      : "does not verify with the key (another key's, or a changed payload) over %s",
				   digest);
		}
		json_decref(pl);
	}
done:
	json_decref(man);
	wp_buf_release(&m);
	wp_buf_release(&p);
	return err;
}

static int check_bundle(const struct wp_buf *doc, const struct wp_buf *image, const char *digest,
			const struct attest_key *key, const char *ad, struct attest_report *r)
{
	static const char kind[] = "signature (sigstore bundle v0.3)";
	json_t *b = parse(doc), *ms;
	const char *d64, *s64, *hex = oci_digest_hex(digest);
	uint8_t *raw = NULL, *sig = NULL;
	size_t rawlen = 0, siglen = 0, i;
	char got[65] = "";
	int err, ok;

	if (!b)
		return add(r, kind, ad, 0, "the bundle is truncated or not JSON");
	ms = json_object_get(b, "messageSignature");
	d64 = json_string_value(json_object_get(json_object_get(ms, "messageDigest"), "digest"));
	s64 = json_string_value(json_object_get(ms, "signature"));
	if (!d64 || !s64 || !(raw = wp_base64_decode(d64, &rawlen)) || rawlen != 32 ||
	    !(sig = wp_base64_decode(s64, &siglen))) {
		err = add(r, kind, ad, 0, "no message signature with a SHA2_256 digest in the bundle");
		goto done;
	}
	for (i = 0; i < 32; i++)
		sprintf(got + 2 * i, "%02x", raw[i]);
	if (strcmp(got, hex) != 0) {
		err = add(r, kind, ad, 0, "signs sha256:%s, not this image (%s)", got, digest);
		goto done;
	}
	if (!key) {
		err = add(r, kind, ad, 1, "covers %s (not checked: no --key)", digest);
		goto done;
	}
	ok = attest_verify_sig(key, image->data, image->len, sig, siglen);
	if (ok == 1)
		r->signed_ok++;
	err = ok < 0 ? ok : add(r, kind, ad, ok ? 1 : ATTEST_OTHER_KEY,
				ok ? "valid, by the key, over %s"
				   : "does not verify with the key (another key's, or a changed manifest) over %s",
				digest);
done:
	free(raw);
	free(sig);
	json_decref(b);
	return err;
}

static int check_document(const char *type, const struct wp_buf *doc, const char *digest,
			  const char *ad, struct attest_report *r)
{
	json_t *j = parse(doc);
	int err;

	if (!strcmp(type, ATTEST_MT_SPDX)) {
		const char *v = json_string_value(json_object_get(j, "spdxVersion"));
		const char *ns = json_string_value(json_object_get(j, "documentNamespace"));
		err = add(r, "SBOM (SPDX)", ad, v && ns, v && ns ? "%s, %zu packages" : "not an SPDX JSON document",
			  v, json_array_size(json_object_get(j, "packages")));
	} else if (!strcmp(type, ATTEST_MT_CYCLONEDX)) {
		const char *f = json_string_value(json_object_get(j, "bomFormat"));
		const char *v = json_string_value(json_object_get(j, "specVersion"));
		int ok = f && v && !strcmp(f, "CycloneDX");
		err = add(r, "SBOM (CycloneDX)", ad, ok, ok ? "CycloneDX %s, %zu components" : "not a CycloneDX JSON document",
			  v, json_array_size(json_object_get(j, "components")));
	} else {
		json_t *s = json_array_get(json_object_get(j, "subject"), 0);
		const char *sd = json_string_value(json_object_get(json_object_get(s, "digest"), "sha256"));
		const char *pt = json_string_value(json_object_get(j, "predicateType"));
		if (!sd || !pt)
			err = add(r, "provenance (in-toto)", ad, 0, "not an in-toto statement");
		else if (strcmp(sd, oci_digest_hex(digest)) != 0)
			err = add(r, "provenance (in-toto)", ad, 0, "its subject is sha256:%s, not this image (%s)",
				  sd, digest);
		else
			err = add(r, "provenance (in-toto)", ad, 1, "%s", pt);
	}
	json_decref(j);
	return err;
}

int attest_referrers_list(const struct attest_source *src, const char *digest, json_t **out)
{
	struct wp_buf b = WP_BUF_INIT(OCI_JSON_MAX);
	char tag[100];
	json_t *idx;
	int err = src->referrers ? src->referrers(src->ctx, digest, &b) : WP_ENOTFOUND;

	*out = NULL;
	if (err == WP_ENOTFOUND) {
		wp_error_clear();
		wp_buf_reset(&b);
		attest_referrers_tag(digest, NULL, tag, sizeof(tag));
		err = src->manifest(src->ctx, tag, &b);
		if (err == WP_ENOTFOUND) {
			wp_error_clear();
			wp_buf_release(&b);
			*out = json_array();
			return 0;
		}
	}
	if (err == 0 && (err = oci_json_load(b.data, b.len, "the referrers index", &idx)) == 0) {
		*out = json_incref(json_object_get(idx, "manifests"));
		json_decref(idx);
		if (!json_is_array(*out)) {
			json_decref(*out);
			*out = NULL;
			err = wp_error_set(WP_EINVALID, "the referrers index of %s has no manifests array", digest);
		}
	}
	wp_buf_release(&b);
	return err;
}

/* The artifact manifest `ad` and its first layer; *type its artifactType.
 * A referrer whose subject is not `digest` is a finding (returns 1). */
static int load_artifact(const struct attest_source *src, const char *digest, const char *ad,
			 struct attest_report *r, json_t **man, struct wp_buf *doc)
{
	struct wp_buf m = WP_BUF_INIT(OCI_JSON_MAX);
	const char *sd, *ld;
	int err;

	*man = NULL;
	if ((err = src->manifest(src->ctx, ad, &m)) < 0)
		goto done;
	if (!(*man = parse(&m))) {
		err = add(r, "referrer", ad, 0, "the artifact manifest is not JSON");
		err = err < 0 ? err : 1;
		goto done;
	}
	sd = json_string_value(json_object_get(json_object_get(*man, "subject"), "digest"));
	ld = json_string_value(json_object_get(json_array_get(json_object_get(*man, "layers"), 0), "digest"));
	if (!sd || strcmp(sd, digest) != 0 || !ld) {
		err = add(r, json_string_value(json_object_get(*man, "artifactType")) ? json_string_value(json_object_get(*man, "artifactType")) : "referrer",
			  ad, 0, !ld ? "the artifact has no layer" : "its subject is %s, not this image (%s)",
			  sd ? sd : "missing", digest);
		err = err < 0 ? err : 1;
		goto done;
	}
	err = src->blob(src->ctx, ld, DOC_MAX, doc);
done:
	wp_buf_release(&m);
	return err;
}

int attest_verify(const struct attest_source *src, const char *digest,
		  const struct attest_key *key, struct attest_report *out)
{
	struct wp_buf image = WP_BUF_INIT(OCI_JSON_MAX), doc = WP_BUF_INIT(DOC_MAX);
	json_t *list = NULL, *man = NULL;
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = src->manifest(src->ctx, digest, &image)) < 0 ||
	    (err = check_simple(src, digest, key, out)) < 0 || (err = attest_referrers_list(src, digest, &list)) < 0)
		goto done;
	if (json_array_size(list) > MAX_REFERRERS &&
	    (err = add(out, "referrers", digest, 0, "%zu referrers, more than the %d looked at",
		       json_array_size(list), MAX_REFERRERS)) < 0)
		goto done;
	for (i = 0; i < json_array_size(list) && i < MAX_REFERRERS; i++) {
		json_t *d = json_array_get(list, i);
		const char *ad = json_string_value(json_object_get(d, "digest"));
		const char *type;

		json_decref(man);
		man = NULL;
		wp_buf_reset(&doc);
		if (!ad)
			continue;
		if ((err = load_artifact(src, digest, ad, out, &man, &doc)) < 0)
			goto done;
		if (err == 1)
			continue;
		type = json_string_value(json_object_get(man, "artifactType"));
		if (type && !strcmp(type, ATTEST_MT_BUNDLE))
			err = check_bundle(&doc, &image, digest, key, ad, out);
		else if (type && (!strcmp(type, ATTEST_MT_SPDX) || !strcmp(type, ATTEST_MT_CYCLONEDX) ||
				  !strcmp(type, ATTEST_MT_INTOTO)))
			err = check_document(type, &doc, digest, ad, out);
		else
			err = add(out, type ? type : "referrer", ad, 1, "not checked (unknown artifact type)");
		if (err < 0)
			goto done;
	}
	err = 0;
done:
	json_decref(man);
	json_decref(list);
	wp_buf_release(&image);
	wp_buf_release(&doc);
	if (err < 0)
		attest_report_release(out);
	return err;
}

int attest_fetch(const struct attest_source *src, const char *digest, const char *kind,
		 struct wp_buf *out)
{
	const char *want = !strcmp(kind, "spdx") ? ATTEST_MT_SPDX
			 : !strcmp(kind, "cyclonedx") ? ATTEST_MT_CYCLONEDX : ATTEST_MT_INTOTO;
	json_t *list = NULL;
	size_t i;
	int err;

	if ((err = attest_referrers_list(src, digest, &list)) < 0)
		return err;
	err = wp_error_set(WP_ENOTFOUND, "no %s attached to %s", want, digest);
	for (i = 0; i < json_array_size(list); i++) {
		json_t *d = json_array_get(list, i), *man = NULL;
		const char *at = json_string_value(json_object_get(d, "artifactType"));
		const char *ad = json_string_value(json_object_get(d, "digest"));
		struct attest_report r = { 0 };

		if (!at || !ad || strcmp(at, want) != 0)
			continue;
		err = load_artifact(src, digest, ad, &r, &man, out);
		json_decref(man);
		if (err == 1)
			err = wp_error_set(WP_EINVALID, "%s: %s", ad, r.items[0].detail);
		attest_report_release(&r);
		break;
	}
	json_decref(list);
	return err;
}
