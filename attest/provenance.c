/*
 * provenance.c - an in-toto statement v1 whose predicate is SLSA
 * provenance v1: what was built (subject: the image manifest digest), how
 * (buildType ATTEST_BUILD_TYPE, documented in docs/attestations.md, with
 * the options that change the output as externalParameters), from what
 * (resolvedDependencies: the source commit and the toolchain) and by whom
 * (builder.id from the CI environment, else a local builder).
 *
 * No clock is read and no path is recorded, so a rebuild elsewhere gives
 * the same bytes; in CI the invocation id names the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "attest.h"

static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);

	if (!env)
		return getenv(name);
	for (; *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* builder.id and invocation id of the CI system running us. */
static void ci_identity(char *const *env, char *id, size_t idsize, char *inv, size_t invsize)
{
	const char *gh_server = env_get(env, "GITHUB_SERVER_URL"), *gh_wf = env_get(env, "GITHUB_WORKFLOW_REF");
	const char *gh_repo = env_get(env, "GITHUB_REPOSITORY"), *gh_run = env_get(env, "GITHUB_RUN_ID");
	const char *gh_att = env_get(env, "GITHUB_RUN_ATTEMPT");
	const char *gl_server = env_get(env, "CI_SERVER_URL"), *gl_proj = env_get(env, "CI_PROJECT_PATH");
	const char *gl_job = env_get(env, "CI_JOB_URL"), *gl_runner = env_get(env, "CI_RUNNER_ID");

	inv[0] = '\0';
	if (env_get(env, "GITHUB_ACTIONS") && gh_server && gh_repo && gh_run) {
		snprintf(id, idsize, "%s/%s", gh_server, gh_wf ? gh_wf : gh_repo);
		snprintf(inv, invsize, "%s/%s/actions/runs/%s/attempts/%s", gh_server, gh_repo, gh_run,
			 gh_att ? gh_att : "1");
	} else if (env_get(env, "GITLAB_CI") && gl_server && gl_proj) {
		snprintf(id, idsize, "%s/%s/-/runners/%s", gl_server, gl_proj, gl_runner ? gl_runner : "unknown");
		snprintf(inv, invsize, "%s", gl_job ? gl_job : "");
	} else {
		snprintf(id, idsize, "https://wasmpack.dev/builders/local");
	}
}

static json_t *external_parameters(const struct attest_build_info *b)
{
	json_t *p = json_pack("{s:s, s:s}", "builder", b->builder, "format", b->format);

	if (b->profile)
		json_object_set_new(p, "profile", json_string(b->profile));
	if (b->source_url || b->revision) {
		json_t *src = json_object();
		if (b->source_url)
			json_object_set_new(src, "repository", json_string(b->source_url));
		if (b->revision)
			json_object_set_new(src, "revision", json_string(b->revision));
		json_object_set_new(p, "source", src);
	}
	return p;
}

static json_t *resolved_dependencies(const struct attest_build_info *b)
{
	json_t *deps = json_array();
	char uri[600];

	if (b->revision) {
		snprintf(uri, sizeof(uri), "git+%s", b->source_url ? b->source_url : "local");
		json_array_append_new(deps, json_pack("{s:s, s:{s:s}}", "uri", uri, "digest", "gitCommit",
						      b->revision));
	}
	if (b->toolchain)
		json_array_append_new(deps, json_pack("{s:s, s:{s:s}}", "name", b->toolchain,
						      "annotations", "builder", b->builder));
	return deps;
}

int attest_provenance_build(const struct attest_build_info *b, char *const *env, uint8_t **out,
			    size_t *len)
{
	char id[600], inv[600], sha[OCI_DIGEST_SIZE], when[32];
	json_t *st, *meta;

	*out = NULL;
	ci_identity(env, id, sizeof(id), inv, sizeof(inv));
	meta = json_object();
	if (inv[0])
		json_object_set_new(meta, "invocationId", json_string(inv));
	snprintf(sha, sizeof(sha), "%s", oci_digest_hex(b->image_digest));
	oci_time_format(b->created, when, sizeof(when));
	st = json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:{s:{s:s, s:o, s:{s:s}, s:o}, s:{s:{s:s, s:{s:s}}, s:o}}}",
		       "_type", "https://in-toto.io/Statement/v1",
		       "subject", "name", b->repository ? b->repository : b->name, "digest", "sha256", sha,
		       "predicateType", ATTEST_SLSA_PREDICATE,
		       "predicate",
		       "buildDefinition", "buildType", ATTEST_BUILD_TYPE,
		       "externalParameters", external_parameters(b),
		       "internalParameters", "sourceDateEpoch", when,
		       "resolvedDependencies", resolved_dependencies(b),
		       "runDetails", "builder", "id", id, "version", "wasmpack", "0.1.0",
		       "metadata", meta);
	if (st)
		*out = (uint8_t *)oci_json_dump(st, len);
	json_decref(st);
	if (!*out)
		return wp_error_set(WP_ENOMEM, "out of memory building the provenance");
	return 0;
}
