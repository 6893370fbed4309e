/*
 * sbom.c - the software bill of materials of one build: the module (name,
 * version, checksums, purl), the dependencies its lock files list, and the
 * toolchain that compiled it, with their relationships, as SPDX 2.3 JSON
 * or CycloneDX 1.6 JSON.
 *
 * Reproducible: the creation time is the image's, the SPDX namespace and
 * the CycloneDX serial number are derived from the image digest, and the
 * JSON is canonical (sorted keys, compact).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "../common/error.h"
#include "attest.h"

#define TOOL_NAME "wasmpack"
#define TOOL_VERSION "0.1.0"

int attest_sbom_format_parse(const char *s)
{
	if (!strcmp(s, "spdx"))
		return ATTEST_SBOM_SPDX;
	if (!strcmp(s, "cyclonedx"))
		return ATTEST_SBOM_CYCLONEDX;
	if (!strcmp(s, "none"))
		return ATTEST_SBOM_NONE;
	return -1;
}

/* Lowercase hex of `md` over the module into out (129 bytes suffice). */
static void hex_digest(const EVP_MD *md, const uint8_t *data, size_t len, char *out)
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	out[0] = '\0';
	if (EVP_Digest(data, len, raw, &n, md, NULL) != 1)
		return;
	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
}

/* "clang 16.0.6 (wasi-libc)" -> name "clang", version "16.0.6". */
static void split_toolchain(const char *t, char *name, size_t nsize, char *version, size_t vsize)
{
	size_t n = strcspn(t, " ");
	const char *v = t + n;

	snprintf(name, nsize, "%.*s", (int)n, t);
	while (*v == ' ')
		v++;
	snprintf(version, vsize, "%.*s", (int)strcspn(v, " "), v);
}

/* The purl of the image: pkg:oci/<name>@sha256%3A<hex>[?repository_url=..]. */
static char *image_purl(const struct attest_build_info *b)
{
	char *p = NULL;

	if (asprintf(&p, "pkg:oci/%s@sha256%%3A%s%s%s", b->name, oci_digest_hex(b->image_digest),
		     b->repository ? "?repository_url=" : "", b->repository ? b->repository : "") < 0)
		return NULL;
	return p;
}

static json_t *spdx_purl_ref(const char *purl)
{
	return json_pack("[{s:s, s:s, s:s}]", "referenceCategory", "PACKAGE-MANAGER", "referenceType",
			 "purl", "referenceLocator", purl);
}

static json_t *spdx_package(const char *id, const char *name, const char *version,
			    const char *purpose)
{
	json_t *p = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s}", "SPDXID", id, "name", name,
			      "downloadLocation", "NOASSERTION", "filesAnalyzed", 0,
			      "licenseConcluded", "NOASSERTION", "licenseDeclared", "NOASSERTION",
			      "copyrightText", "NOASSERTION", "primaryPackagePurpose", purpose);

	if (p && version && *version)
		json_object_set_new(p, "versionInfo", json_string(version));
	return p;
}

static void spdx_rel(json_t *rels, const char *a, const char *type, const char *b)
{
	json_array_append_new(rels, json_pack("{s:s, s:s, s:s}", "spdxElementId", a,
					      "relationshipType", type, "relatedSpdxElement", b));
}

static json_t *spdx_document(const struct attest_build_info *b, const char *when,
			     const char *sha1, const char *sha256, const char *purl)
{
	json_t *doc, *pkgs = json_array(), *rels = json_array(), *mod, *file;
	char fname[300], ns[400], id[64];
	size_t i;

	snprintf(fname, sizeof(fname), "./%s.wasm", b->name);
	snprintf(ns, sizeof(ns), "https://wasmpack.dev/spdx/%s/%s", b->name,
		 oci_digest_hex(b->image_digest));
	mod = spdx_package("SPDXRef-Package-module", b->name, b->version, "APPLICATION");
	if (b->source_url)
		json_object_set_new(mod, "downloadLocation", json_string(b->source_url));
	json_object_set_new(mod, "checksums", json_pack("[{s:s, s:s}]", "algorithm", "SHA256",
							"checksumValue", sha256));
	json_object_set_new(mod, "externalRefs", spdx_purl_ref(purl));
	/* the module package CONTAINS its file, so its files were analyzed
	 * (SPDX 2.3 7.8: a package with filesAnalyzed false contains no
	 * files); the verification code (7.9) of one file is the SHA1 of its
	 * SHA1's lowercase hex */
	{
		char code[EVP_MAX_MD_SIZE * 2 + 1];
		hex_digest(EVP_sha1(), (const uint8_t *)sha1, strlen(sha1), code);
		json_object_set_new(mod, "filesAnalyzed", json_true());
		json_object_set_new(mod, "packageVerificationCode",
				    json_pack("{s:s}", "packageVerificationCodeValue", code));
	}
	json_array_append_new(pkgs, mod);
	spdx_rel(rels, "SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Package-module");
	file = json_pack("{s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}], s:s, s:s, s:[s]}", "fileName", fname,
			 "SPDXID", "SPDXRef-File-module", "checksums", "algorithm", "SHA1",
			 "checksumValue", sha1, "algorithm", "SHA256", "checksumValue", sha256,
			 "licenseConcluded", "NOASSERTION", "copyrightText", "NOASSERTION",
			 "fileTypes", "BINARY");
	spdx_rel(rels, "SPDXRef-Package-module", "CONTAINS", "SPDXRef-File-module");
	for (i = 0; b->deps && i < b->deps->n; i++) {
		const struct attest_dep *d = &b->deps->items[i];
		json_t *p;

		snprintf(id, sizeof(id), "SPDXRef-Package-dep-%zu", i + 1);
		p = spdx_package(id, d->name, d->version, "LIBRARY");
		if (d->purl)
			json_object_set_new(p, "externalRefs", spdx_purl_ref(d->purl));
		if (d->checksum)
			json_object_set_new(p, "checksums", json_pack("[{s:s, s:s}]", "algorithm", d->alg,
								      "checksumValue", d->checksum));
		json_object_set_new(p, "comment", json_sprintf("from %s", d->source));
		json_array_append_new(pkgs, p);
		if (d->dev)
			spdx_rel(rels, id, "DEV_DEPENDENCY_OF", "SPDXRef-Package-module");
		else
			spdx_rel(rels, "SPDXRef-Package-module", "DEPENDS_ON", id);
	}
	if (b->toolchain) {
		char name[128], version[128];
		split_toolchain(b->toolchain, name, sizeof(name), version, sizeof(version));
		json_t *t = spdx_package("SPDXRef-Package-toolchain", name, version, "APPLICATION");
		json_object_set_new(t, "comment", json_sprintf("%s (builder %s)", b->toolchain, b->builder));
		json_array_append_new(pkgs, t);
		spdx_rel(rels, "SPDXRef-Package-toolchain", "BUILD_TOOL_OF", "SPDXRef-Package-module");
	}
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:[s]}, s:o, s:[o], s:o}",
			"spdxVersion", "SPDX-2.3", "dataLicense", "CC0-1.0", "SPDXID", "SPDXRef-DOCUMENT",
			"name", b->name, "documentNamespace", ns, "creationInfo", "created", when,
			"creators", "Tool: " TOOL_NAME "-" TOOL_VERSION, "packages", pkgs, "files", file,
			"relationships", rels);
	return doc;
}

/* A UUID (version 5 layout) from the first bytes of a digest's hex. */
static void uuid_from_digest(const char *digest, char *out, size_t size)
{
	const char *h = oci_digest_hex(digest);

	snprintf(out, size, "urn:uuid:%.8s-%.4s-5%.3s-a%.3s-%.12s", h, h + 8, h + 13, h + 17, h + 20);
}

static json_t *cdx_hash(const char *alg, const char *hex)
{
	const char *name = !strcmp(alg, "SHA512") ? "SHA-512" : !strcmp(alg, "SHA1") ? "SHA-1" : "SHA-256";
	return json_pack("[{s:s, s:s}]", "alg", name, "content", hex);
}

static json_t *cdx_document(const struct attest_build_info *b, const char *when,
			    const char *sha256, const char *purl)
{
	json_t *comps = json_array(), *deps_on = json_array(), *tools = json_array(), *mod;
	char serial[64], ref[64];
	size_t i;

	uuid_from_digest(b->image_digest, serial, sizeof(serial));
	mod = json_pack("{s:s, s:s, s:s, s:s, s:o}", "type", "application", "bom-ref", "module",
			"name", b->name, "purl", purl, "hashes", cdx_hash("SHA256", sha256));
	if (b->version)
		json_object_set_new(mod, "version", json_string(b->version));
	for (i = 0; b->deps && i < b->deps->n; i++) {
		const struct attest_dep *d = &b->deps->items[i];
		json_t *c;

		snprintf(ref, sizeof(ref), "dep-%zu", i + 1);
		c = json_pack("{s:s, s:s, s:s, s:s}", "type", "library", "bom-ref", ref, "name", d->name,
			      "version", d->version);
		if (d->purl)
			json_object_set_new(c, "purl", json_string(d->purl));
		if (d->checksum)
			json_object_set_new(c, "hashes", cdx_hash(d->alg, d->checksum));
		/* a development dependency is not part of the module */
		if (d->dev)
			json_object_set_new(c, "scope", json_string("excluded"));
		json_array_append_new(comps, c);
		json_array_append_new(deps_on, json_string(ref));
	}
	json_array_append_new(tools, json_pack("{s:s, s:s, s:s}", "type", "application", "name",
					       TOOL_NAME, "version", TOOL_VERSION));
	if (b->toolchain) {
		char name[128], version[128];
		split_toolchain(b->toolchain, name, sizeof(name), version, sizeof(version));
		json_array_append_new(tools, json_pack("{s:s, s:s, s:s, s:s}", "type", "application",
						       "name", name, "version", version, "description",
						       b->toolchain));
	}
	return json_pack("{s:s, s:s, s:s, s:i, s:{s:s, s:{s:o}, s:o}, s:o, s:[{s:s, s:o}]}",
			 "bomFormat", "CycloneDX", "specVersion", "1.6", "serialNumber", serial,
			 "version", 1, "metadata", "timestamp", when, "tools", "components", tools,
			 "component", mod, "components", comps, "dependencies", "ref", "module",
			 "dependsOn", deps_on);
}

int attest_sbom_build(int format, const struct attest_build_info *b, uint8_t **out, size_t *len)
{
	char sha1[EVP_MAX_MD_SIZE * 2 + 1], sha256[EVP_MAX_MD_SIZE * 2 + 1], when[32];
	char *purl = image_purl(b);
	json_t *doc = NULL;

	*out = NULL;
	if (!purl)
		return wp_error_set(WP_ENOMEM, "out of memory");
	hex_digest(EVP_sha1(), b->wasm, b->wasm_len, sha1);
	hex_digest(EVP_sha256(), b->wasm, b->wasm_len, sha256);
	oci_time_format(b->created, when, sizeof(when));
	if (format == ATTEST_SBOM_SPDX)
		doc = spdx_document(b, when, sha1, sha256, purl);
	else if (format == ATTEST_SBOM_CYCLONEDX)
		doc = cdx_document(b, when, sha256, purl);
	free(purl);
	if (doc)
		*out = (uint8_t *)oci_json_dump(doc, len);
	json_decref(doc);
	if (!*out)
		return wp_error_set(WP_ENOMEM, "out of memory building the SBOM");
	return 0;
}
