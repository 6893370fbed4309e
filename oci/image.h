/*
 * image.h - wasm OCI images in memory: build one from a module in any of
 * the three shapes wasm runtimes consume, parse one back from its manifest,
 * and find the module inside.
 *
 * An image is a manifest, a config and its layers, each a blob whose bytes
 * are exactly what goes to disk or to a registry, so digests computed here
 * are the digests everywhere.  JSON is written by jansson with sorted keys
 * and no whitespace: same inputs, same bytes.
 */
#ifndef OCI_IMAGE_H
#define OCI_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "../common/buf.h"
#include "digest.h"

#define OCI_MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MT_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_MT_LAYER_TAR_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_MT_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"
#define OCI_MT_WASM_CONFIG "application/vnd.wasm.config.v0+json"
#define OCI_MT_WASM_LAYER "application/wasm"
#define OCI_MT_KRUSTLET_CONFIG "application/vnd.wasm.config.v1+json"
#define OCI_MT_KRUSTLET_LAYER "application/vnd.wasm.content.layer.v1+wasm"
#define OCI_MT_RUNWASI_LAYER "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm"
#define DOCKER_MT_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_MT_MANIFEST_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define DOCKER_MT_CONFIG "application/vnd.docker.container.image.v1+json"
#define DOCKER_MT_LAYER_TAR_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

#define OCI_ANN_REF_NAME "org.opencontainers.image.ref.name"
#define OCI_ANN_TITLE "org.opencontainers.image.title"
#define OCI_ANN_VERSION "org.opencontainers.image.version"
#define OCI_ANN_CREATED "org.opencontainers.image.created"
#define OCI_ANN_SOURCE "org.opencontainers.image.source"
#define OCI_ANN_REVISION "org.opencontainers.image.revision"

/* Hard caps on what we read back as JSON (manifests, configs, indexes):
 * 4 MiB, containerd's limit and the distribution spec's guidance. */
#define OCI_JSON_MAX (4u << 20)
/* And on one module. */
#define OCI_WASM_MAX ((size_t)1 << 30)
/* And on all the distinct blobs of one image held in memory (run, pull). */
#define OCI_IMAGE_MAX ((uint64_t)OCI_WASM_MAX * 2)

enum oci_format {
	OCI_FORMAT_IMAGE = 0,    /* OCI image, one tar+gzip layer: Docker/runwasi/crun/spin */
	OCI_FORMAT_WASM = 1,     /* CNCF TAG-Runtime wasm artifact v0 */
	OCI_FORMAT_KRUSTLET = 2, /* legacy wasm-to-oci */
	OCI_FORMAT_UNKNOWN = -1,
};

const char *oci_format_name(int format);
/* Returns the format for "image" | "wasm" | "krustlet", or -1. */
int oci_format_parse(const char *name);

/* A key/value pair list (labels, annotations) in insertion order. */
struct oci_kv {
	char *key;
	char *value;
};

struct oci_kvlist {
	struct oci_kv *items;
	size_t n;
};

/* Set key to value, replacing an existing key. */
int oci_kvlist_set(struct oci_kvlist *l, const char *key, const char *value);
/* Parse "K=V" and set it; a missing '=' or empty key is WP_EUSAGE. */
int oci_kvlist_set_pair(struct oci_kvlist *l, const char *pair, const char *what);
const char *oci_kvlist_get(const struct oci_kvlist *l, const char *key);
void oci_kvlist_release(struct oci_kvlist *l);

/* A content-addressed blob and its descriptor. */
struct oci_blob {
	char *media_type;
	char digest[OCI_DIGEST_SIZE];
	uint64_t size;
	uint8_t *data;      /* owned unless `shared`; NULL when only the descriptor is known */
	json_t *annotations; /* owned reference or NULL */
	int shared;         /* data borrowed from an earlier blob of the image with this digest */
};

/* Fill a blob from bytes it takes ownership of; computes digest and size. */
int oci_blob_set(struct oci_blob *b, const char *media_type, uint8_t *data, size_t len);
/* Attach loaded bytes to a descriptor after checking size and digest; takes
 * ownership of `data` in all cases (freed on mismatch). */
int oci_blob_attach(struct oci_blob *b, uint8_t *data, size_t len);
void oci_blob_release(struct oci_blob *b);

struct oci_image {
	int format;               /* enum oci_format */
	struct oci_blob manifest; /* data = the exact manifest bytes */
	struct oci_blob config;
	struct oci_blob *layers;
	size_t nlayers;
};

void oci_image_free(struct oci_image *img);

/* What the packager needs to know besides the module. */
struct oci_build_opts {
	int format;              /* enum oci_format */
	const char *name;        /* module name: layer file /<name>.wasm, title */
	const char *os;          /* image format platform; default "wasi" */
	const char *arch;        /* default "wasm" */
	time_t created;          /* SOURCE_DATE_EPOCH / commit time / 0 */
	const struct oci_kvlist *labels;      /* config Labels (image format) */
	const struct oci_kvlist *annotations; /* manifest annotations (final) */
	char *const *env;        /* image format: default environment */
	size_t nenv;
	char *const *args;       /* image format: default arguments (Cmd) */
	size_t nargs;
};

struct wasm_module;

/* Package a module.  `wasm` is copied; the result is owned by the caller. */
int oci_image_build(const struct oci_build_opts *opts, const struct wasm_module *mod,
		    const uint8_t *wasm, size_t len, struct oci_image **out);

/*
 * Parse a manifest (exact bytes, copied) into an image whose config and
 * layers are descriptors without data.  The digest of the bytes is
 * computed and, when `expected` is not NULL, must equal it.  Indexes are
 * refused with WP_EINVALID naming the media type (callers choose a manifest
 * from an index first, see oci_index_select()).
 */
int oci_image_parse(const uint8_t *manifest, size_t len, const char *expected,
		    struct oci_image **out);

/*
 * Load the config and layers of a parsed image through `load` (which
 * fetches one blob's bytes and attaches them, see oci_blob_attach), each
 * distinct digest once: a later layer with an earlier one's digest shares
 * its bytes.  Refuses (WP_ETOOBIG, before loading anything) an image whose
 * distinct blobs' listed sizes add up to more than OCI_IMAGE_MAX.
 */
int oci_image_load(struct oci_image *img, int (*load)(void *ctx, struct oci_blob *b), void *ctx);

/* 1 if a manifest or index media type names an index. */
int oci_media_type_is_index(const char *mt);

/*
 * From an index document, the descriptor (borrowed JSON) of the manifest
 * to use: the one matching `platform` ("os/arch", NULL = the only manifest
 * or the first wasm one).  WP_ENOTFOUND lists what is there.
 */
int oci_index_select(json_t *index, const char *platform, json_t **desc);

/*
 * Find the module in an image whose blobs are loaded: the raw wasm layer
 * of the wasm/krustlet shapes (or a runwasi raw layer), else the file the
 * config's Entrypoint names inside the tar layers (the last layer holding
 * it wins, as in a container's root file system).  `path`, if not NULL,
 * receives the module's path in the image ("/app.wasm") or its title.
 */
int oci_image_module(const struct oci_image *img, struct wp_buf *out, char **path);

/* Canonical JSON bytes (sorted keys, compact).  Caller frees. */
char *oci_json_dump(const json_t *j, size_t *len);

/* WP_ETOOBIG naming `what`, `digest` and the limit when a JSON blob's
 * descriptor `size` is over OCI_JSON_MAX (checked before anything is read
 * or parsed); else 0. */
int oci_json_size_check(const char *what, const char *digest, uint64_t size);

/* Load a JSON document with a clear error naming `what` and the position. */
int oci_json_load(const uint8_t *data, size_t len, const char *what, json_t **out);

/* RFC 3339 UTC ("1970-01-01T00:00:00Z") into buf (at least 32 bytes). */
void oci_time_format(time_t t, char *buf, size_t size);

#endif
