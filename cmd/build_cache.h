/*
 * build_cache.h - `wasmpack build --cache-repo REF`: the build cache's
 * second level in a registry (registry/cache_repo.h), plugged under the
 * local cache (builders/cache.h) for the length of one build.
 */
#ifndef CMD_BUILD_CACHE_H
#define CMD_BUILD_CACHE_H

#include "../registry/registry.h"

/* repo NULL: WASMPACK_CACHE_REPO, if set; nothing set: no registry cache.
 * WP_EUSAGE for a reference that is not a repository. */
int build_cache_open(const char *repo, int readonly, const struct registry_opts *ro);
void build_cache_close(void);

#endif
