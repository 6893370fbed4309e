/*
 * build_cache.c - the registry cache under the local build cache (see
 * build_cache.h).  A missing entry is silent; an entry that cannot be
 * used (unreachable registry, tampered blob, not a cache artifact) is one
 * note and a compile; a result that cannot be pushed is one note, never a
 * failed build.  With --cache-repo-readonly nothing is pushed.
 */
#include <stdlib.h>
#include <string.h>

#include "../builders/cache.h"
#include "../common/error.h"
#include "../registry/cache_repo.h"
#include "build_cache.h"
#include "cmd.h"

static struct {
	char *repo;
	int readonly;
	struct registry_opts ro;
	struct cache_remote hooks;
} rc;

static int fetch(void *ctx, const char *key, struct wp_buf *meta, struct wp_buf *wasm)
{
	int err;

	(void)ctx;
	if ((err = registry_cache_get(rc.repo, key, &rc.ro, meta, wasm)) == 0)
		cmd_note("wasmpack: note: build result pulled from the registry cache %s:%s", rc.repo, key);
	else if (err != WP_ENOTFOUND)
		cmd_note("wasmpack: note: registry cache entry %s:%s not used (%s): building", rc.repo, key,
			 wp_error_last());
	wp_error_clear();
	return err;
}

static void store(void *ctx, const char *key, const uint8_t *wasm, size_t len, const char *meta)
{
	(void)ctx;
	if (rc.readonly)
		return;
	if (registry_cache_put(rc.repo, key, &rc.ro, wasm, len, meta) == 0)
		cmd_note("wasmpack: note: build result pushed to the registry cache %s:%s", rc.repo, key);
	else
		cmd_note("wasmpack: note: registry cache %s not updated: %s", rc.repo, wp_error_last());
	wp_error_clear();
}

int build_cache_open(const char *repo, int readonly, const struct registry_opts *ro)
{
	int err;

	if (!repo || !*repo)
		repo = getenv("WASMPACK_CACHE_REPO");
	if (!repo || !*repo) {
		if (readonly)
			return wp_error_set(WP_EUSAGE, "--cache-repo-readonly needs --cache-repo REF or WASMPACK_CACHE_REPO");
		return 0;
	}
	if ((err = registry_cache_check(repo)) < 0)
		return err;
	if (!(rc.repo = strdup(repo)))
		return wp_error_set(WP_ENOMEM, "out of memory");
	rc.readonly = readonly;
	rc.ro = *ro;
	rc.ro.ev = NULL; /* no per-blob progress lines for cache entries */
	rc.hooks.fetch = fetch;
	rc.hooks.store = store;
	cache_set_remote(&rc.hooks);
	return 0;
}

void build_cache_close(void)
{
	cache_set_remote(NULL);
	free(rc.repo);
	memset(&rc, 0, sizeof(rc));
}
