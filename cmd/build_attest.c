/*
 * build_attest.c - see build_attest.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../registry/reference.h"
#include "attach.h"
#include "build_attest.h"
#include "cmd.h"

int build_attest_prepare(struct build_attest *a)
{
	return a->key_file ? attach_load_key(a->key_file, &a->key) : 0;
}

int build_attest_make(struct build_attest *a, const struct oci_image *img,
		      const struct builder_result *br, const struct source_facts *src,
		      const uint8_t *wasm, size_t wasm_len, time_t created, int debug,
		      const struct wp_strv *pushrefs)
{
	struct attest_deps deps = { NULL, 0 };
	struct registry_ref *ref = NULL;
	char *repo = NULL;
	uint8_t *doc = NULL;
	size_t len = 0;
	int prebuilt = !strcmp(br->builder, "prebuilt"), err = 0;

	if (!a->sbom && !a->provenance)
		return 0;
	if (!prebuilt && br->dir && (err = attest_deps_read(br->dir, &deps)) < 0)
		return err;
	if (pushrefs->n && registry_ref_parse(pushrefs->v[0], &ref) == 0)
		repo = registry_ref_name(ref);
	{
		struct attest_build_info b = {
			.name = br->name,
			.version = br->version,
			.builder = br->builder,
			.toolchain = br->toolchain,
			.source_url = src->source_url,
			.revision = src->revision,
			.format = oci_format_name(img->format),
			.profile = prebuilt ? NULL : debug ? "debug" : "release",
			.repository = repo,
			.wasm = wasm,
			.wasm_len = wasm_len,
			.image_digest = img->manifest.digest,
			.created = created,
			.deps = &deps,
		};
		if (a->sbom) {
			if ((err = attest_sbom_build(a->sbom, &b, &doc, &len)) < 0 ||
			    (err = attest_artifact_build(a->sbom == ATTEST_SBOM_SPDX ? ATTEST_MT_SPDX : ATTEST_MT_CYCLONEDX,
							 doc, len, NULL, &img->manifest, created,
							 &a->arts[a->narts])) < 0)
				goto done;
			a->narts++;
		}
		if (a->provenance) {
			if ((err = attest_provenance_build(&b, NULL, &doc, &len)) < 0 ||
			    (err = attest_artifact_build(ATTEST_MT_INTOTO, doc, len, NULL, &img->manifest,
							 created, &a->arts[a->narts])) < 0)
				goto done;
			a->narts++;
		}
	}
done:
	attest_deps_release(&deps);
	registry_ref_free(ref);
	free(repo);
	return err;
}

/* Sign, then attach SBOM, provenance and bundle in one index update. */
static int attach_all(struct build_attest *a, struct attach_target *t, time_t created)
{
	struct oci_image *all[3];
	size_t n;
	int err = 0;

	for (n = 0; n < a->narts; n++)
		all[n] = a->arts[n];
	if (a->key && (err = attach_target_sign(t, a->key, created, &all[n])) == 0)
		n++;
	if (err == 0 && n)
		err = attach_target_attach(t, all, n);
	if (a->key && n > a->narts)
		oci_image_free(all[n - 1]);
	return err;
}

static int attach_one(struct build_attest *a, const struct oci_image *img, const char *ref,
		      const struct registry_opts *ro, time_t created)
{
	struct attach_target t;
	int err;

	if ((err = attach_target_written(NULL, ref, ro, img, &t)) < 0)
		return err;
	err = attach_all(a, &t, created);
	attach_target_release(&t);
	return err < 0 ? wp_error_wrap(err, "attaching to %s", ref) : 0;
}

int build_attest_publish(struct build_attest *a, const struct oci_image *img,
			 const struct wp_strv *outputs, const struct wp_strv *pushrefs,
			 const struct registry_opts *ro, time_t created)
{
	size_t i;
	int err;

	if (!a->narts && !a->key)
		return 0;
	for (i = 0; i < outputs->n; i++) {
		char *kind = NULL, *path = NULL, *tag = NULL;
		struct attach_target t;

		if (strncmp(outputs->v[i], "oci:", 4) != 0) {
			cmd_note("wasmpack: note: %s: SBOM, provenance and signatures are attached in oci: layouts and registries only",
				 outputs->v[i]);
			continue;
		}
		err = oci_dest_parse(outputs->v[i], &kind, &path, &tag);
		if (err == 0)
			err = attach_target_written(path, NULL, NULL, img, &t);
		free(kind);
		free(path);
		free(tag);
		if (err == 0) {
			err = attach_all(a, &t, created);
			attach_target_release(&t);
		}
		if (err < 0)
			return wp_error_wrap(err, "attaching to %s", outputs->v[i]);
	}
	for (i = 0; i < pushrefs->n; i++)
		if (!attach_repo_seen(pushrefs->v, i) && (err = attach_one(a, img, pushrefs->v[i], ro, created)) < 0)
			return err;
	return 0;
}

void build_attest_release(struct build_attest *a)
{
	size_t i;

	for (i = 0; i < a->narts; i++)
		oci_image_free(a->arts[i]);
	a->narts = 0;
	attest_key_free(a->key);
	a->key = NULL;
}
