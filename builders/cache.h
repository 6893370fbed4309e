/*
 * cache.h - the build cache: compiled modules by the digest of everything
 * that went into them, so an unchanged project is not compiled again.
 *
 * Layout under $XDG_CACHE_HOME/wasmpack (default ~/.cache/wasmpack;
 * WASMPACK_CACHE_DIR overrides both):
 *   modules/<key>.wasm  the post-processed module
 *   modules/<key>.json  its facts; written last, so it marks a complete entry
 *   work/<id>/          persistent build directories (CMake), locked in use
 *   probes/<id>         cached toolchain answers (versions, sysroots)
 *   lock                taken by the one process evicting
 * Entries are written to temporary names and renamed, so two builds at
 * once see a whole entry or none.  The total size is bounded
 * (WASMPACK_CACHE_MAX bytes, default 1 GiB): after a store the least
 * recently used entries go first.
 */
#ifndef BUILDERS_CACHE_H
#define BUILDERS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"

#define CACHE_DEFAULT_MAX (1024ULL * 1024 * 1024)

/* The cache root, created if missing; malloc'ed. */
int cache_root(char **out);
/* root/sub, created if missing; malloc'ed. */
int cache_subdir(const char *sub, char **out);

/* A hit fills *meta (the JSON text) and *wasm; WP_ENOTFOUND on a miss. */
int cache_lookup(const char *key, struct wp_buf *meta, struct wp_buf *wasm);
int cache_store(const char *key, const uint8_t *wasm, size_t len, const char *meta);
/* A second level below the local cache (the registry cache of issue 16,
 * set by the command line: builders/ never talks to a registry).  fetch is
 * asked on a local miss, and a result it gives is stored locally; store is
 * told of every entry cache_store writes.  Either may be NULL. */
struct cache_remote {
	int (*fetch)(void *ctx, const char *key, struct wp_buf *meta, struct wp_buf *wasm);
	void (*store)(void *ctx, const char *key, const uint8_t *wasm, size_t len, const char *meta);
	void *ctx;
};
void cache_set_remote(const struct cache_remote *r);

/* Drop least recently used entries until the cache holds at most `max`
 * bytes.  Entries and work directories in use are skipped. */
int cache_evict(uint64_t max);
/* WASMPACK_CACHE_MAX, else CACHE_DEFAULT_MAX; WP_EUSAGE when malformed. */
int cache_max(uint64_t *out);

#endif
