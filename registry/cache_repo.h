/*
 * cache_repo.h - a build cache kept in an OCI registry (issue 16): each
 * build result is an artifact tagged by the build's input key, the same
 * key the local cache (builders/cache.h) files it under.
 *
 * The artifact is an OCI image manifest with artifactType
 * CACHE_REPO_ARTIFACT_TYPE, the build facts (the local cache's JSON) as its
 * config blob and the module as its one layer.  A get pulls it through
 * registry_pull, which checks the manifest against the registry's digest
 * and every blob against its descriptor; anything else about the entry
 * (the types, one layer, the facts' module digest) is checked here and
 * by the builder.  See docs/ci.md for the trust model.
 */
#ifndef REGISTRY_CACHE_REPO_H
#define REGISTRY_CACHE_REPO_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "registry.h"

#define CACHE_REPO_ARTIFACT_TYPE "application/vnd.wasmpack.build-cache.v1"
#define CACHE_REPO_CONFIG_TYPE "application/vnd.wasmpack.build-cache.config.v1+json"

/* WP_EUSAGE when `repo` is not a repository reference (no tag, no digest). */
int registry_cache_check(const char *repo);

/* The entry tagged `key`: its facts (JSON text) and module.  WP_ENOTFOUND
 * when absent; WP_EINVALID when it is not a well-formed entry. */
int registry_cache_get(const char *repo, const char *key, const struct registry_opts *opts,
		       struct wp_buf *meta, struct wp_buf *wasm);

/* Push the entry and tag it `key` (blobs first; the tag last). */
int registry_cache_put(const char *repo, const char *key, const struct registry_opts *opts,
		       const uint8_t *wasm, size_t len, const char *meta);

#endif
