/*
 * sign.c - ECDSA P-256 keys and the two signature formats users meet.
 *
 * Keys are PEM through OpenSSL: private keys as PKCS#8 ("PRIVATE KEY"),
 * encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", the password from the
 * caller) or SEC1 ("EC PRIVATE KEY"); public keys as SubjectPublicKeyInfo
 * ("PUBLIC KEY", what cosign.pub holds).  cosign's own encrypted
 * cosign.key ("ENCRYPTED SIGSTORE/COSIGN PRIVATE KEY": scrypt + NaCl
 * secretbox) is refused with a message saying how to convert it: OpenSSL
 * has no XSalsa20-Poly1305 and we do not write cryptography by hand.
 *
 * Signatures: the cosign simple-signing payload signed with ECDSA-SHA256,
 * stored as a layer of the "sha256-<hex>.sig" manifest with the signature
 * in the `dev.cosignproject.cosign/signature` annotation (cosign v2); and
 * a sigstore bundle v0.3 whose message signature covers the manifest bytes
 * (messageDigest = the image digest) with a public-key hint, attached as a
 * referrer (cosign v3, actions/attest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "../common/base64.h"
#include "../common/error.h"
#include "../common/fs.h"
#include "attest.h"

struct attest_key {
	EVP_PKEY *pkey;
};

void attest_key_free(struct attest_key *k)
{
	if (k) {
		EVP_PKEY_free(k->pkey);
		free(k);
	}
}

static int write_new_file(const char *path, const char *data, size_t len, mode_t mode)
{
	if (wp_fs_exists(path))
		return wp_error_set(WP_EEXISTS, "%s already exists (remove it first)", path);
	return wp_fs_write_atomic(path, data, len, mode);
}

/* The PEM text of a BIO, malloc'ed. */
static char *bio_text(BIO *b, size_t *len)
{
	char *p = NULL, *out;
	long n = BIO_get_mem_data(b, &p);

	if (n < 0 || !(out = malloc((size_t)n + 1)))
		return NULL;
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	return out;
}

int attest_key_generate(const char *key_path, const char *pub_path, const char *password)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	BIO *priv = BIO_new(BIO_s_mem()), *pub = BIO_new(BIO_s_mem());
	char *ptext = NULL, *ktext = NULL;
	size_t plen = 0, klen = 0;
	int enc = password && *password, err = 0;

	if (!pk || !priv || !pub) {
		err = wp_error_set(WP_ERROR, "generating an ECDSA P-256 key failed (OpenSSL)");
		goto done;
	}
	if (wp_fs_exists(key_path) || wp_fs_exists(pub_path)) {
		err = wp_error_set(WP_EEXISTS, "%s already exists (remove it first)",
				   wp_fs_exists(key_path) ? key_path : pub_path);
		goto done;
	}
	if (PEM_write_bio_PKCS8PrivateKey(priv, pk, enc ? EVP_aes_256_cbc() : NULL, enc ? password : NULL,
					  enc ? (int)strlen(password) : 0, NULL, NULL) != 1 ||
	    PEM_write_bio_PUBKEY(pub, pk) != 1 || !(ktext = bio_text(priv, &klen)) ||
	    !(ptext = bio_text(pub, &plen))) {
		err = wp_error_set(WP_ERROR, "writing the key pair as PEM failed (OpenSSL)");
		goto done;
	}
	if ((err = write_new_file(key_path, ktext, klen, 0600)) < 0)
		goto done;
	if ((err = write_new_file(pub_path, ptext, plen, 0644)) < 0)
		remove(key_path);
done:
	if (ktext)
		OPENSSL_cleanse(ktext, klen);
	free(ktext);
	free(ptext);
	BIO_free(priv);
	BIO_free(pub);
	EVP_PKEY_free(pk);
	return err;
}

/* A P-256 EC key, or WP_EINVALID naming `path`. */
static int check_p256(EVP_PKEY *pk, const char *path)
{
	char group[64] = "";
	size_t n = 0;

	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC ||
	    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &n) != 1 ||
	    strcmp(group, "prime256v1") != 0)
		return wp_error_set(WP_EINVALID, "%s: not an ECDSA P-256 key (%s%s)", path,
				    EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) : "unknown",
				    group[0] ? group : "");
	return 0;
}

static int load_pem(const char *path, struct wp_buf *b)
{
	int err = wp_fs_read_regular(path, 1u << 20, b);

	if (err < 0)
		return err;
	if (strstr(wp_buf_cstr(b), "ENCRYPTED SIGSTORE PRIVATE KEY") ||
	    strstr(wp_buf_cstr(b), "ENCRYPTED COSIGN PRIVATE KEY"))
		return wp_error_set(WP_EINVALID, "%s: a cosign-encrypted key (scrypt + secretbox) cannot be read; "
				    "use 'wasmpack generate-key', or export the key as PKCS#8 PEM "
				    "(see docs/attestations.md)", path);
	return 0;
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	const char *p = u;
	int n = p ? (int)strlen(p) : 0;

	(void)rwflag;
	if (n > size)
		n = size;
	if (n)
		memcpy(buf, p, (size_t)n);
	return n;
}

static int load_key(const char *path, const char *password, int private_key, struct attest_key **out)
{
	struct wp_buf b = WP_BUF_INIT(1u << 20);
	struct attest_key *k = NULL;
	BIO *bio = NULL;
	EVP_PKEY *pk = NULL;
	int err;

	*out = NULL;
	if ((err = load_pem(path, &b)) < 0)
		goto done;
	if (!(bio = BIO_new_mem_buf(b.data ? b.data : (uint8_t *)"", (int)b.len))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	pk = private_key ? PEM_read_bio_PrivateKey(bio, NULL, pass_cb, (void *)password)
			 : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (!pk) {
		if (private_key && strstr(wp_buf_cstr(&b), "ENCRYPTED PRIVATE KEY"))
			err = wp_error_set(WP_EAUTH, "%s: cannot decrypt the key (wrong or missing password: set COSIGN_PASSWORD)",
					   path);
		else
			err = wp_error_set(WP_EINVALID, "%s: not a PEM %s key", path,
					   private_key ? "private (PKCS#8 or EC)" : "public (PUBLIC KEY)");
		goto done;
	}
	if ((err = check_p256(pk, path)) < 0)
		goto done;
	if (!(k = calloc(1, sizeof(*k)))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	k->pkey = pk;
	pk = NULL;
	*out = k;
done:
	EVP_PKEY_free(pk);
	BIO_free(bio);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	wp_buf_release(&b);
	return err;
}

int attest_key_load_private(const char *path, const char *password, struct attest_key **out)
{
	return load_key(path, password, 1, out);
}

int attest_key_load_public(const char *path, struct attest_key **out)
{
	return load_key(path, NULL, 0, out);
}

char *attest_key_hint(const struct attest_key *k)
{
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n = i2d_PUBKEY(k->pkey, &der);
	char *hint = NULL;

	if (n > 0 && EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) == 1)
		hint = wp_base64_encode(md, mdlen);
	OPENSSL_free(der);
	return hint;
}

int attest_sign(const struct attest_key *k, const void *data, size_t len, uint8_t **sig,
		size_t *siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = 0;
	int err = 0;

	*sig = NULL;
	if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, data, len) != 1 || !(*sig = malloc(n)) ||
	    EVP_DigestSign(ctx, *sig, &n, data, len) != 1) {
		free(*sig);
		*sig = NULL;
		err = wp_error_set(WP_ERROR, "ECDSA signing failed (OpenSSL)");
	}
	*siglen = n;
	EVP_MD_CTX_free(ctx);
	return err;
}

int attest_verify_sig(const struct attest_key *k, const void *data, size_t len,
		      const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int r;

	if (!ctx)
		return wp_error_set(WP_ENOMEM, "out of memory");
	r = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	return r;
}

int attest_simplesigning_payload(const char *repository, const char *digest, uint8_t **out,
				 size_t *len)
{
	json_t *p = json_pack("{s:{s:{s:s}, s:{s:s}, s:s}, s:n}", "critical", "identity",
			      "docker-reference", repository, "image", "docker-manifest-digest", digest,
			      "type", "cosign container image signature", "optional");

	*out = p ? (uint8_t *)oci_json_dump(p, len) : NULL;
	json_decref(p);
	return *out ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

/* The ".sig" manifest: cosign's config (diff_ids = the layers) and its
 * layers, `old`'s kept unless they carry the same payload as `layer`. */
static int sig_manifest(const struct oci_image *old, struct oci_blob *layer, time_t created,
			struct oci_image **out)
{
	struct oci_image *img = calloc(1, sizeof(*img));
	json_t *layers = json_array(), *diff = json_array(), *cfg = NULL, *m = NULL;
	size_t i, n = 0, len;
	char when[32], *text;
	int err = 0;

	*out = NULL;
	if (!img || !(img->layers = calloc((old ? old->nlayers : 0) + 1, sizeof(*img->layers)))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	img->format = OCI_FORMAT_UNKNOWN;
	for (i = 0; old && i < old->nlayers; i++) {
		const struct oci_blob *o = &old->layers[i];
		/* the same payload signed with the same signature: replaced */
		if (!strcmp(o->digest, layer->digest) && json_equal(o->annotations, layer->annotations))
			continue;
		img->layers[n].media_type = strdup(o->media_type ? o->media_type : ATTEST_MT_SIMPLESIGNING);
		memcpy(img->layers[n].digest, o->digest, sizeof(o->digest));
		img->layers[n].size = o->size;
		img->layers[n].annotations = json_incref(o->annotations);
		n++;
	}
	img->layers[n++] = *layer;
	memset(layer, 0, sizeof(*layer));
	img->nlayers = n;
	for (i = 0; i < n; i++) {
		json_array_append_new(layers, json_pack("{s:s, s:s, s:I, s:O?}", "mediaType",
							img->layers[i].media_type, "digest",
							img->layers[i].digest, "size",
							(json_int_t)img->layers[i].size, "annotations",
							img->layers[i].annotations));
		json_array_append_new(diff, json_string(img->layers[i].digest));
	}
	oci_time_format(created, when, sizeof(when));
	cfg = json_pack("{s:s, s:s, s:s, s:{s:s, s:O}, s:{}}", "architecture", "", "os", "", "created",
			when, "rootfs", "type", "layers", "diff_ids", diff, "config");
	if (!cfg || !(text = oci_json_dump(cfg, &len)) ||
	    (err = oci_blob_set(&img->config, OCI_MT_CONFIG, (uint8_t *)text, len)) < 0) {
		err = err < 0 ? err : wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	m = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:O}", "schemaVersion", 2, "mediaType",
		      OCI_MT_MANIFEST, "config", "mediaType", OCI_MT_CONFIG, "digest",
		      img->config.digest, "size", (json_int_t)img->config.size, "layers", layers);
	if (!m || !(text = oci_json_dump(m, &len))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	err = oci_blob_set(&img->manifest, OCI_MT_MANIFEST, (uint8_t *)text, len);
done:
	json_decref(layers);
	json_decref(diff);
	json_decref(cfg);
	json_decref(m);
	if (err < 0)
		oci_image_free(img);
	else
		*out = img;
	return err;
}

/* The sigstore bundle v0.3 JSON: a message signature over the manifest. */
static int bundle_json(const struct attest_key *k, const struct oci_blob *manifest,
		       const uint8_t *sig, size_t siglen, uint8_t **out, size_t *len)
{
	uint8_t raw[32];
	const char *hex = oci_digest_hex(manifest->digest);
	char *hint = attest_key_hint(k), *sig64 = wp_base64_encode(sig, siglen), *dig64 = NULL;
	json_t *b = NULL;
	size_t i;

	*out = NULL;
	for (i = 0; i < 32; i++)
		sscanf(hex + 2 * i, "%2hhx", &raw[i]);
	dig64 = wp_base64_encode(raw, 32);
	if (hint && sig64 && dig64)
		b = json_pack("{s:s, s:{s:{s:s}, s:[], s:{}}, s:{s:{s:s, s:s}, s:s}}", "mediaType",
			      ATTEST_MT_BUNDLE, "verificationMaterial", "publicKey", "hint", hint,
			      "tlogEntries", "timestampVerificationData", "messageSignature",
			      "messageDigest", "algorithm", "SHA2_256", "digest", dig64, "signature", sig64);
	if (b)
		*out = (uint8_t *)oci_json_dump(b, len);
	json_decref(b);
	free(hint);
	free(sig64);
	free(dig64);
	return *out ? 0 : wp_error_set(WP_ENOMEM, "out of memory");
}

int attest_sign_image(const struct attest_key *k, const struct oci_blob *manifest,
		      const char *repository, const struct oci_image *old_sig, time_t created,
		      struct oci_image **sig_image, struct oci_image **bundle)
{
	struct oci_blob layer = { 0 };
	uint8_t *payload = NULL, *sig = NULL, *bjson = NULL;
	size_t plen = 0, siglen = 0, blen = 0;
	char *sig64 = NULL;
	int err;

	*sig_image = *bundle = NULL;
	if ((err = attest_simplesigning_payload(repository, manifest->digest, &payload, &plen)) < 0 ||
	    (err = attest_sign(k, payload, plen, &sig, &siglen)) < 0)
		goto done;
	if (!(sig64 = wp_base64_encode(sig, siglen))) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = oci_blob_set(&layer, ATTEST_MT_SIMPLESIGNING, payload, plen)) < 0)
		goto done;
	payload = NULL;
	layer.annotations = json_pack("{s:s}", ATTEST_ANN_SIGNATURE, sig64);
	if ((err = sig_manifest(old_sig, &layer, created, sig_image)) < 0)
		goto done;
	free(sig);
	sig = NULL;
	/* the bundle signs the manifest bytes themselves */
	if ((err = attest_sign(k, manifest->data, (size_t)manifest->size, &sig, &siglen)) < 0 ||
	    (err = bundle_json(k, manifest, sig, siglen, &bjson, &blen)) < 0)
		goto done;
	err = attest_artifact_build(ATTEST_MT_BUNDLE, bjson, blen, NULL, manifest, created, bundle);
done:
	if (err < 0) {
		oci_image_free(*sig_image);
		*sig_image = NULL;
	}
	oci_blob_release(&layer);
	free(payload);
	free(sig);
	free(sig64);
	return err;
}
