/*
 * build_attest.c - see build_attest.h.
 */
#include <pthread.h>
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

/* One pushed repository's attachments, prepared in a thread of their own
 * while the image is being pushed. */
struct build_attest_job {
	const char *ref;
	struct attach_target t;
	struct attach_pending p;
	const struct build_attest *a;
	time_t created;
	pthread_t tid;
	int started, err;
	char msg[1024];
};

static void *job_main(void *arg)
{
	struct build_attest_job *j = arg;

	j->err = attach_target_prepare(&j->t, j->a->arts, j->a->narts, j->a->key, j->created, &j->p);
	if (j->err < 0)
		snprintf(j->msg, sizeof(j->msg), "%s", wp_error_last());
	return NULL;
}

static void job_wait(struct build_attest_job *j)
{
	if (j->started) {
		pthread_join(j->tid, NULL);
		j->started = 0;
	}
}

int build_attest_start(struct build_attest *a, const struct oci_image *img,
		       const struct wp_strv *pushrefs, const struct registry_opts *ro, time_t created)
{
	size_t i;
	int err;

	if ((!a->narts && !a->key) || !pushrefs->n)
		return 0;
	if (!(a->jobs = calloc(pushrefs->n, sizeof(*a->jobs))))
		return wp_error_set(WP_ENOMEM, "out of memory");
	for (i = 0; i < pushrefs->n; i++) {
		struct build_attest_job *j = &a->jobs[a->njobs];
		if (attach_repo_seen(pushrefs->v, i))
			continue;
		j->ref = pushrefs->v[i];
		j->a = a;
		j->created = created;
		if ((err = attach_target_written(NULL, j->ref, ro, img, &j->t)) < 0)
			return wp_error_wrap(err, "attaching to %s", j->ref);
		a->njobs++;
		if (pthread_create(&j->tid, NULL, job_main, j) == 0)
			j->started = 1;
		else
			job_main(j);
	}
	return 0;
}

int build_attest_publish(struct build_attest *a, const struct oci_image *img,
			 const struct wp_strv *outputs, time_t created)
{
	size_t i;
	int err;

	/* the threads are done with the key and the artifacts before the
	 * layouts use them here */
	for (i = 0; i < a->njobs; i++)
		job_wait(&a->jobs[i]);
	for (i = 0; (a->narts || a->key) && i < outputs->n; i++) {
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
			err = attach_target_publish(&t, a->arts, a->narts, a->key, created);
			attach_target_release(&t);
		}
		if (err < 0)
			return wp_error_wrap(err, "attaching to %s", outputs->v[i]);
	}
	/* the image is in every repository now: the tags may name it */
	for (i = 0; i < a->njobs; i++) {
		struct build_attest_job *j = &a->jobs[i];
		if ((err = j->err < 0 ? wp_error_set(j->err, "%s", j->msg) : 0) < 0 ||
		    (err = attach_pending_commit(&j->t, &j->p)) < 0)
			return wp_error_wrap(err, "attaching to %s", j->ref);
	}
	return 0;
}

void build_attest_release(struct build_attest *a)
{
	size_t i;

	/* a push that failed leaves the jobs unjoined: their uploads were
	 * by digest only, nothing names them */
	for (i = 0; i < a->njobs; i++) {
		job_wait(&a->jobs[i]);
		attach_pending_release(&a->jobs[i].p);
		attach_target_release(&a->jobs[i].t);
	}
	free(a->jobs);
	a->jobs = NULL;
	a->njobs = 0;
	for (i = 0; i < a->narts; i++)
		oci_image_free(a->arts[i]);
	a->narts = 0;
	attest_key_free(a->key);
	a->key = NULL;
}
