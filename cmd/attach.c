/*
 * attach.c - see attach.h.  A layout is written through attest/layout.c
 * (tag schema in index.json); a registry through registry/referrers.c
 * (referrers API or tag schema).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../attest/layout.h"
#include "../common/error.h"
#include "../registry/reference.h"
#include "attach.h"
#include "cmd.h"
#include "progress.h"

/* A layout's identity for simple signing: the image title. */
static int target_identity(struct attach_target *t)
{
	json_t *man = NULL;
	const char *title = NULL;

	if (oci_json_load(t->image->manifest.data, t->image->manifest.size, "manifest", &man) == 0)
		title = json_string_value(json_object_get(json_object_get(man, "annotations"), OCI_ANN_TITLE));
	wp_error_clear();
	t->identity = strdup(title ? title : "wasmpack");
	json_decref(man);
	return t->identity ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

int attach_target_open(const char *ref, const char *op, const struct registry_opts *ro,
		       struct attach_target *t)
{
	struct wp_buf m = WP_BUF_INIT(OCI_JSON_MAX);
	char *kind = NULL, *tag = NULL;
	int err;

	memset(t, 0, sizeof(*t));
	if (!strncmp(ref, "oci:", 4) || !strncmp(ref, "oci-archive:", 12) ||
	    !strncmp(ref, "docker-archive:", 15)) {
		if ((err = oci_dest_parse(ref, &kind, &t->dir, &tag)) < 0)
			goto done;
		if (strcmp(kind, "oci") != 0) {
			err = wp_error_set(WP_EUSAGE, "%s: attachments live in OCI layouts (oci:DIR[:TAG]) and registries, not in %s files",
					   ref, kind);
			goto done;
		}
		if ((err = oci_store_open_dir(t->dir, &t->store)) < 0 ||
		    (err = oci_store_read_manifest(t->store, tag, NULL, &t->image)) < 0)
			goto done;
		err = target_identity(t);
		goto done;
	} else {
		if ((err = registry_session_open(ref, op, ro, &t->reg)) < 0 ||
		    (err = registry_session_manifest(t->reg, registry_session_ref(t->reg), &m)) < 0)
			goto done;
		if ((err = oci_image_parse(m.data, m.len, NULL, &t->image)) < 0) {
			err = wp_error_wrap(err, "%s (sign and verify take one image, not an index)", ref);
			goto done;
		}
		t->identity = strdup(registry_session_name(t->reg));
	}
	if (!t->identity)
		err = wp_error_set(WP_ENOMEM, "out of memory");
done:
	free(kind);
	free(tag);
	wp_buf_release(&m);
	if (err < 0)
		attach_target_release(t);
	return err;
}

int attach_target_written(const char *dir, const char *ref, const struct registry_opts *ro,
			  const struct oci_image *img, struct attach_target *t)
{
	int err;

	memset(t, 0, sizeof(*t));
	if (dir && !(t->dir = strdup(dir)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((!dir && (err = registry_session_open(ref, "push", ro, &t->reg)) < 0) ||
	    (err = oci_image_parse(img->manifest.data, (size_t)img->manifest.size, NULL, &t->image)) < 0)
		goto done;
	if (dir)
		err = target_identity(t);
	else if (!(t->identity = strdup(registry_session_name(t->reg))))
		err = wp_error_set(WP_ENOMEM, "out of memory");
done:
	if (err < 0)
		attach_target_release(t);
	return err;
}

void attach_target_release(struct attach_target *t)
{
	free(t->dir);
	oci_store_free(t->store);
	registry_session_free(t->reg);
	oci_image_free(t->image);
	free(t->identity);
	memset(t, 0, sizeof(*t));
}

void attach_target_source(struct attach_target *t, struct attest_source *src)
{
	if (t->store) {
		attest_layout_source(t->store, src);
		return;
	}
	memset(src, 0, sizeof(*src));
	src->manifest = registry_session_manifest;
	src->blob = registry_session_blob;
	src->referrers = registry_session_referrers;
	src->ctx = t->reg;
}

/* The ".sig" image already there (descriptors only), NULL if none. */
static int old_signature(struct attach_target *t, struct oci_image **out)
{
	struct wp_buf b = WP_BUF_INIT(OCI_JSON_MAX);
	char tag[100];
	int err;

	*out = NULL;
	attest_referrers_tag(t->image->manifest.digest, ".sig", tag, sizeof(tag));
	err = t->dir ? attest_layout_read_tag(t->dir, tag, &b) : registry_session_manifest(t->reg, tag, &b);
	if (err == WP_ENOTFOUND) {
		wp_error_clear();
		err = 0;
	} else if (err == 0) {
		err = oci_image_parse(b.data, b.len, NULL, out);
	}
	wp_buf_release(&b);
	return err;
}

int attach_target_prepare(struct attach_target *t, struct oci_image *const *arts, size_t n,
			  const struct attest_key *key, time_t created, struct attach_pending *p)
{
	struct oci_image *old = NULL;
	size_t i;
	int err = 0;

	memset(p, 0, sizeof(*p));
	if (!(p->all = calloc(n + 1, sizeof(*p->all))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		p->all[p->n++] = arts[i];
	attest_referrers_tag(t->image->manifest.digest, ".sig", p->sigtag, sizeof(p->sigtag));
	if (key) {
		if ((err = old_signature(t, &old)) < 0 ||
		    (err = attest_sign_image(key, &t->image->manifest, t->identity, old, created, &p->sig,
					     &p->bundle)) < 0)
			goto done;
		p->all[p->n++] = p->bundle;
	}
	if (!t->dir && p->n)
		err = registry_attach_prepare(t->reg, t->image->manifest.digest, p->all, p->n, p->sig,
					      p->sig ? p->sigtag : NULL, &p->reg);
done:
	oci_image_free(old);
	if (err < 0)
		attach_pending_release(p);
	return err;
}

int attach_pending_commit(struct attach_target *t, struct attach_pending *p)
{
	int err = 0;

	if (!t->dir)
		return p->reg ? registry_attach_commit(p->reg) : 0;
	if (p->sig && (err = attest_layout_write_sig(t->dir, t->image->manifest.digest, p->sig)) < 0)
		return err;
	return p->n ? attest_layout_attach(t->dir, t->image->manifest.digest, p->all, p->n) : 0;
}

void attach_pending_release(struct attach_pending *p)
{
	registry_attach_free(p->reg);
	oci_image_free(p->sig);
	oci_image_free(p->bundle);
	free(p->all);
	memset(p, 0, sizeof(*p));
}

int attach_target_publish(struct attach_target *t, struct oci_image *const *arts, size_t n,
			  const struct attest_key *key, time_t created)
{
	struct attach_pending p;
	int err;

	if ((err = attach_target_prepare(t, arts, n, key, created, &p)) < 0)
		return err;
	err = attach_pending_commit(t, &p);
	attach_pending_release(&p);
	return err;
}

int attach_load_key(const char *path, struct attest_key **out)
{
	const char *pw = getenv("COSIGN_PASSWORD");

	if (!pw)
		pw = getenv("WASMPACK_KEY_PASSWORD");
	return attest_key_load_private(path, pw, out);
}

int attach_created(const struct oci_image *img, time_t *out)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	json_t *man = NULL;
	struct tm tm;
	const char *c;

	*out = 0;
	if (e && *e) {
		char *end;
		long long v = strtoll(e, &end, 10);
		if (*end || v < 0)
			return wp_error_set(WP_EUSAGE, "SOURCE_DATE_EPOCH '%s' is not a number of seconds", e);
		*out = (time_t)v;
		return 0;
	}
	if (oci_json_load(img->manifest.data, img->manifest.size, "manifest", &man) < 0) {
		wp_error_clear();
		return 0;
	}
	c = json_string_value(json_object_get(json_object_get(man, "annotations"), OCI_ANN_CREATED));
	memset(&tm, 0, sizeof(tm));
	if (c && strptime(c, "%Y-%m-%dT%H:%M:%SZ", &tm))
		*out = timegm(&tm);
	json_decref(man);
	return 0;
}

int attach_parse_args(const char *cmd, int allowed, int argc, char **argv, struct attach_args *a)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "provenance", no_argument, NULL, 'p' },
		{ "insecure", no_argument, NULL, 'i' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'k' && (allowed & ATTACH_OPT_KEY))
			a->key = optarg;
		else if (c == 'j' && (allowed & ATTACH_OPT_JSON))
			a->json = 1;
		else if (c == 'f' && (allowed & ATTACH_OPT_SBOM))
			a->format = optarg;
		else if (c == 'p' && (allowed & ATTACH_OPT_SBOM))
			a->provenance = 1;
		else if (c == 'i')
			a->ro.insecure = 1;
		else if (c == 'c')
			a->ro.ca_file = optarg;
		else if (c == 'h')
			return cmd_print_usage(cmd) == EXIT_OK ? -1 : EXIT_FAIL;
		else if (c == ':')
			return cmd_usage_error(cmd, "option %s needs a value", argv[optind - 1]);
		else
			return cmd_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return cmd_usage_error(cmd, optind >= argc ? "expected the image REF" : "expected one REF");
	a->ref = argv[optind];
	/* registry warnings and retries reach the user */
	a->ro.ev = cmd_progress_events();
	return 0;
}

/* The artifacts the layout's referrers index lists for `subject`, loaded
 * (n = 0 when there is none). */
static int layout_artifacts(struct oci_store *store, const char *subject, struct oci_image ***out,
			    size_t *n)
{
	struct attest_source src;
	struct wp_buf b = WP_BUF_INIT(OCI_JSON_MAX);
	json_t *idx = NULL, *list;
	char tag[100];
	size_t i;
	int err;

	*out = NULL;
	*n = 0;
	attest_layout_source(store, &src);
	attest_referrers_tag(subject, NULL, tag, sizeof(tag));
	err = src.manifest(store, tag, &b);
	if (err == WP_ENOTFOUND) {
		wp_error_clear();
		err = 0;
		goto done;
	}
	if (err < 0 || (err = oci_json_load(b.data, b.len, tag, &idx)) < 0)
		goto done;
	list = json_object_get(idx, "manifests");
	if (!(*out = calloc(json_array_size(list) + 1, sizeof(**out)))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < json_array_size(list) && err == 0; i++) {
		const char *d = json_string_value(json_object_get(json_array_get(list, i), "digest"));
		if (!d) {
			err = wp_error_set(WP_EINVALID, "%s: an entry without a digest", tag);
			break;
		}
		wp_buf_reset(&b);
		if ((err = oci_store_read_blob(store, d, OCI_JSON_MAX, &b)) < 0 ||
		    (err = oci_image_parse(b.data, b.len, d, &(*out)[*n])) < 0)
			break;
		(*n)++;
		err = oci_image_load((*out)[*n - 1], attest_layout_load_blob, store);
	}
done:
	json_decref(idx);
	wp_buf_release(&b);
	return err;
}

int attach_copy(struct oci_store *store, const struct oci_image *img, const char *ref,
		const struct registry_opts *ro, const struct attest_key *key)
{
	struct attach_target t = { 0 };
	struct oci_image **arts = NULL;
	size_t n = 0, k;
	time_t created = 0;
	int err;

	if ((err = layout_artifacts(store, img->manifest.digest, &arts, &n)) < 0)
		goto done;
	if (!n && !key)
		goto done;
	/* signatures are made again for this repository (the identity in the
	 * simple-signing payload names it); SBOMs, provenance and bundles
	 * (which sign the manifest bytes) are copied */
	if ((err = attach_target_open(ref, "push", ro, &t)) < 0 ||
	    (key && (err = attach_created(t.image, &created)) < 0))
		goto done;
	err = attach_target_publish(&t, arts, n, key, created);
done:
	for (k = 0; k < n; k++)
		oci_image_free(arts[k]);
	free(arts);
	attach_target_release(&t);
	return err < 0 ? wp_error_wrap(err, "attachments of %s", ref) : 0;
}

int attach_verify(const char *ref, const struct registry_opts *ro, const char *keyfile,
		  struct attest_report *rep, char digest[OCI_DIGEST_SIZE])
{
	struct attach_target t = { 0 };
	struct attest_key *key = NULL;
	struct attest_source src;
	size_t i;
	int err;

	memset(rep, 0, sizeof(*rep));
	if ((keyfile && (err = attest_key_load_public(keyfile, &key)) < 0) ||
	    (err = attach_target_open(ref, "pull", ro, &t)) < 0)
		goto done;
	snprintf(digest, OCI_DIGEST_SIZE, "%s", t.image->manifest.digest);
	attach_target_source(&t, &src);
	if ((err = attest_verify(&src, digest, key, rep)) < 0)
		goto done;
	if (rep->problems) {
		for (i = 0; i < rep->n && rep->items[i].ok != 0; i++)
			;
		err = wp_error_set(WP_EINVALID, "%s: %s %s: %s%s", ref, rep->items[i].kind, rep->items[i].digest,
				   rep->items[i].detail,
				   rep->problems > 1 ? " (and more: see 'wasmpack attestations')" : "");
	} else if (keyfile && !rep->signed_ok) {
		err = wp_error_set(WP_EINVALID, "%s: no signature by %s covers %s (%d signature%s by other keys)",
				   ref, keyfile, digest, rep->other_keys, rep->other_keys == 1 ? "" : "s");
	}
done:
	if (err < 0)
		attest_report_release(rep);
	attach_target_release(&t);
	attest_key_free(key);
	return err;
}

int attach_fetch(const char *ref, const struct registry_opts *ro, const char *digest,
		 struct attest_attachments *out)
{
	struct attach_target t = { 0 };
	struct attest_source src;
	int err;

	if ((err = registry_session_open(ref, "pull", ro, &t.reg)) == 0) {
		attach_target_source(&t, &src);
		err = attest_attachments_fetch(&src, digest, out);
	}
	attach_target_release(&t);
	return err < 0 ? wp_error_wrap(err, "attachments of %s", ref) : 0;
}

int attach_repo_seen(char *const *refs, size_t i)
{
	struct registry_ref *a = NULL, *b = NULL;
	size_t k;
	int seen = 0;

	if (registry_ref_parse(refs[i], &a) < 0) {
		wp_error_clear();
		return 0;
	}
	for (k = 0; k < i && !seen; k++) {
		if (registry_ref_parse(refs[k], &b) == 0)
			seen = !strcmp(a->registry, b->registry) && !strcmp(a->repository, b->repository);
		wp_error_clear();
		registry_ref_free(b);
		b = NULL;
	}
	registry_ref_free(a);
	return seen;
}
