/*
 * image.c - build wasm OCI images in memory, and parse them back.
 *
 * The three shapes (facts in docs/formats.md):
 *   image     OCI image config (os/architecture from --platform, Entrypoint
 *             /<name>.wasm, Cmd, Env, Labels, rootfs.diff_ids) and one
 *             tar+gzip layer holding /<name>.wasm;
 *   wasm      CNCF wasm config v0 (created, author, architecture wasm,
 *             os wasip1|wasip2, layerDigests, component) and one raw
 *             application/wasm layer with a title annotation;
 *   krustlet  config application/vnd.wasm.config.v1+json "{}" and one raw
 *             application/vnd.wasm.content.layer.v1+wasm layer.
 * Every manifest carries its mediaType field (wkg refuses it otherwise).
 */
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../wasm/component.h"
#include "../wasm/module.h"
#include "image.h"
#include "layer.h"

static const char *format_names[] = { "image", "wasm", "krustlet" };

const char *oci_format_name(int format)
{
	if (format >= 0 && format <= OCI_FORMAT_KRUSTLET)
		return format_names[format];
	return "unknown";
}

int oci_format_parse(const char *name)
{
	int i;

	for (i = 0; i <= OCI_FORMAT_KRUSTLET; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return OCI_FORMAT_UNKNOWN;
}

/* ---- key/value lists ---- */

int oci_kvlist_set(struct oci_kvlist *l, const char *key, const char *value)
{
	struct oci_kv *items;
	char *v;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (!strcmp(l->items[i].key, key)) {
			if (!(v = strdup(value)))
				return wp_error_set(WP_ENOMEM, "out of memory");
			free(l->items[i].value);
			l->items[i].value = v;
			return 0;
		}
	}
	items = realloc(l->items, (l->n + 1) * sizeof(*items));
	if (!items)
		return wp_error_set(WP_ENOMEM, "out of memory");
	l->items = items;
	items[l->n].key = strdup(key);
	items[l->n].value = strdup(value);
	if (!items[l->n].key || !items[l->n].value) {
		free(items[l->n].key);
		free(items[l->n].value);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	l->n++;
	return 0;
}

int oci_kvlist_set_pair(struct oci_kvlist *l, const char *pair, const char *what)
{
	const char *eq = strchr(pair, '=');
	char *key;
	int err;

	if (!eq)
		return wp_error_set(WP_EUSAGE, "%s '%s' has no '=' (expected KEY=VALUE)", what, pair);
	if (eq == pair)
		return wp_error_set(WP_EUSAGE, "%s '%s' has an empty key (expected KEY=VALUE)", what, pair);
	key = strndup(pair, (size_t)(eq - pair));
	if (!key)
		return wp_error_set(WP_ENOMEM, "out of memory");
	err = oci_kvlist_set(l, key, eq + 1);
	free(key);
	return err;
}

const char *oci_kvlist_get(const struct oci_kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].key, key))
			return l->items[i].value;
	return NULL;
}

void oci_kvlist_release(struct oci_kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* ---- blobs ---- */

int oci_blob_set(struct oci_blob *b, const char *media_type, uint8_t *data, size_t len)
{
	int err;

	b->media_type = strdup(media_type);
	b->data = data;
	b->size = len;
	if (!b->media_type)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = oci_digest(data, len, b->digest)) < 0)
		return err;
	return 0;
}

int oci_blob_attach(struct oci_blob *b, uint8_t *data, size_t len)
{
	char got[OCI_DIGEST_SIZE];
	int err;

	if (len != b->size) {
		free(data);
		return wp_error_set(WP_EINVALID, "blob %s: size %zu does not match the descriptor's %llu",
				    b->digest, len, (unsigned long long)b->size);
	}
	if ((err = oci_digest(data, len, got)) < 0) {
		free(data);
		return err;
	}
	if (strcmp(got, b->digest) != 0) {
		free(data);
		return wp_error_set(WP_EINVALID, "blob %s: content has digest %s (corrupt or tampered)",
				    b->digest, got);
	}
	if (!b->shared)
		free(b->data);
	b->data = data;
	b->shared = 0;
	return 0;
}

void oci_blob_release(struct oci_blob *b)
{
	free(b->media_type);
	if (!b->shared)
		free(b->data);
	json_decref(b->annotations);
	memset(b, 0, sizeof(*b));
}

void oci_image_free(struct oci_image *img)
{
	size_t i;

	if (!img)
		return;
	oci_blob_release(&img->manifest);
	oci_blob_release(&img->config);
	for (i = 0; i < img->nlayers; i++)
		oci_blob_release(&img->layers[i]);
	free(img->layers);
	free(img);
}

/* The blob before `i` (0 = the config, i = layers[i - 1]) with the same digest, or NULL. */
static struct oci_blob *earlier_blob(struct oci_image *img, size_t i)
{
	struct oci_blob *b = i == 0 ? &img->config : &img->layers[i - 1];
	size_t j;

	for (j = 0; j < i; j++) {
		struct oci_blob *e = j == 0 ? &img->config : &img->layers[j - 1];
		if (!strcmp(e->digest, b->digest))
			return e;
	}
	return NULL;
}

int oci_image_load(struct oci_image *img, int (*load)(void *ctx, struct oci_blob *b), void *ctx)
{
	uint64_t total = 0;
	size_t i;
	int err;

	for (i = 0; i <= img->nlayers; i++) {
		const struct oci_blob *b = i == 0 ? &img->config : &img->layers[i - 1];
		if (!earlier_blob(img, i))
			total += b->size > OCI_IMAGE_MAX ? OCI_IMAGE_MAX + 1 : b->size;
		if (total > OCI_IMAGE_MAX)
			return wp_error_set(WP_ETOOBIG, "image %s: its blobs add up to more than the %llu MiB limit",
					    img->manifest.digest, (unsigned long long)(OCI_IMAGE_MAX >> 20));
	}
	for (i = 0; i <= img->nlayers; i++) {
		struct oci_blob *b = i == 0 ? &img->config : &img->layers[i - 1];
		struct oci_blob *e = earlier_blob(img, i);
		if (e && e->size == b->size) {
			b->data = e->data;
			b->shared = 1;
		} else if ((err = load(ctx, b)) < 0) {
			return err;
		}
	}
	return 0;
}

/* ---- JSON helpers ---- */

char *oci_json_dump(const json_t *j, size_t *len)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

	if (s && len)
		*len = strlen(s);
	return s;
}

int oci_json_load(const uint8_t *data, size_t len, const char *what, json_t **out)
{
	json_error_t jerr;

	*out = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out)
		return wp_error_set(WP_EINVALID, "%s: invalid JSON at line %d, column %d: %s", what,
				    jerr.line, jerr.column, jerr.text);
	return 0;
}

int oci_json_size_check(const char *what, const char *digest, uint64_t size)
{
	if (size <= OCI_JSON_MAX)
		return 0;
	return wp_error_set(WP_ETOOBIG, "%s %s is %llu bytes, over the %u MiB limit for JSON documents",
			    what, digest, (unsigned long long)size, OCI_JSON_MAX >> 20);
}

void oci_time_format(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *descriptor_json(const struct oci_blob *b)
{
	json_t *d = json_pack("{s:s, s:s, s:I}", "mediaType", b->media_type, "digest", b->digest,
			      "size", (json_int_t)b->size);

	if (d && b->annotations)
		json_object_set(d, "annotations", b->annotations);
	return d;
}

static json_t *kv_object(const struct oci_kvlist *l)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && l && i < l->n; i++)
		json_object_set_new(o, l->items[i].key, json_string(l->items[i].value));
	return o;
}

static json_t *string_array(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* Serialize `j` (stolen) into blob `b` with media type `mt`. */
static int blob_from_json(struct oci_blob *b, const char *mt, json_t *j)
{
	size_t len;
	char *s;

	if (!j)
		return wp_error_set(WP_ENOMEM, "out of memory building JSON");
	s = oci_json_dump(j, &len);
	json_decref(j);
	if (!s)
		return wp_error_set(WP_ENOMEM, "out of memory building JSON");
	return oci_blob_set(b, mt, (uint8_t *)s, len);
}

/* ---- building ---- */

static int gzip_sink(void *g, const void *data, size_t len)
{
	return oci_gzip_write(g, data, len);
}

/* The tar is compressed while libarchive writes it: it is the module plus
 * a 512-byte header, padding to 512 and two end blocks. */
static int build_image_layer(const struct oci_build_opts *o, const uint8_t *wasm, size_t len,
			     struct oci_blob *layer, char diff_id[OCI_DIGEST_SIZE])
{
	struct wp_buf gz = WP_BUF_INIT(WP_BUF_UNLIMITED);
	struct oci_gzip *g = NULL;
	char *file = NULL;
	size_t gzlen;
	int err, ferr;

	if (asprintf(&file, "%s.wasm", o->name) < 0)
		return wp_error_set(WP_ENOMEM, "out of memory");
	if ((err = oci_gzip_start(len + 4096, &g)) < 0)
		goto done;
	err = oci_layer_tar_to(file, wasm, len, o->created, gzip_sink, g);
	ferr = oci_gzip_finish(g, &gz, diff_id);
	if (err < 0 || (err = ferr) < 0)
		goto done;
	{
		uint8_t *data = wp_buf_detach(&gz, &gzlen);
		err = oci_blob_set(layer, OCI_MT_LAYER_TAR_GZIP, data, gzlen);
	}
done:
	free(file);
	wp_buf_release(&gz);
	return err;
}

static json_t *image_config(const struct oci_build_opts *o, const char *diff_id,
			    const char *created)
{
	json_t *cfg = json_object(), *inner = json_object();
	char entry[300];

	snprintf(entry, sizeof(entry), "/%s.wasm", o->name);
	json_object_set_new(inner, "Entrypoint", json_pack("[s]", entry));
	if (o->nargs)
		json_object_set_new(inner, "Cmd", string_array(o->args, o->nargs));
	if (o->nenv)
		json_object_set_new(inner, "Env", string_array(o->env, o->nenv));
	if (o->labels && o->labels->n)
		json_object_set_new(inner, "Labels", kv_object(o->labels));
	json_object_set_new(cfg, "architecture", json_string(o->arch ? o->arch : "wasm"));
	json_object_set_new(cfg, "os", json_string(o->os ? o->os : "wasi"));
	json_object_set_new(cfg, "created", json_string(created));
	json_object_set_new(cfg, "config", inner);
	json_object_set_new(cfg, "rootfs",
			    json_pack("{s:s, s:[s]}", "type", "layers", "diff_ids", diff_id));
	return cfg;
}

static json_t *wasm_config(const struct wasm_module *mod, const char *layer_digest,
			   const char *created)
{
	json_t *cfg = json_object();

	json_object_set_new(cfg, "created", json_string(created));
	json_object_set_new(cfg, "author", json_null());
	json_object_set_new(cfg, "architecture", json_string("wasm"));
	json_object_set_new(cfg, "os",
			    json_string(mod->kind == WASM_KIND_COMPONENT ? "wasip2" : "wasip1"));
	json_object_set_new(cfg, "layerDigests", json_pack("[s]", layer_digest));
	if (mod->kind == WASM_KIND_COMPONENT) {
		json_t *c = json_object();
		json_object_set_new(c, "imports", string_array(mod->comp_imports, mod->ncomp_imports));
		json_object_set_new(c, "exports", string_array(mod->comp_exports, mod->ncomp_exports));
		char target[128];
		json_object_set_new(c, "target", wasm_component_target(mod, target, sizeof(target))
							 ? json_string(target) : json_null());
		json_object_set_new(cfg, "component", c);
	} else {
		json_object_set_new(cfg, "component", json_null());
	}
	return cfg;
}

static json_t *manifest_json(const struct oci_image *img, const struct oci_kvlist *ann)
{
	json_t *m = json_object(), *layers = json_array();
	size_t i;

	json_object_set_new(m, "schemaVersion", json_integer(2));
	json_object_set_new(m, "mediaType", json_string(OCI_MT_MANIFEST));
	json_object_set_new(m, "config", descriptor_json(&img->config));
	for (i = 0; i < img->nlayers; i++)
		json_array_append_new(layers, descriptor_json(&img->layers[i]));
	json_object_set_new(m, "layers", layers);
	if (ann && ann->n)
		json_object_set_new(m, "annotations", kv_object(ann));
	return m;
}

static int valid_module_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int oci_image_build(const struct oci_build_opts *o, const struct wasm_module *mod,
		    const uint8_t *wasm, size_t len, struct oci_image **out)
{
	struct oci_image *img;
	char created[32], diff_id[OCI_DIGEST_SIZE], title[80];
	uint8_t *copy;
	int err = 0;

	*out = NULL;
	if (!valid_module_name(o->name))
		return wp_error_set(WP_EINVALID,
				    "invalid module name '%s' (letters, digits, '.', '_', '-'; at most 64)",
				    o->name);
	img = calloc(1, sizeof(*img));
	if (!img || !(img->layers = calloc(1, sizeof(*img->layers)))) {
		free(img);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	img->nlayers = 1;
	img->format = o->format;
	oci_time_format(o->created, created, sizeof(created));
	snprintf(title, sizeof(title), "%s.wasm", o->name);

	switch (o->format) {
	case OCI_FORMAT_IMAGE:
		if ((err = build_image_layer(o, wasm, len, &img->layers[0], diff_id)) < 0)
			goto done;
		err = blob_from_json(&img->config, OCI_MT_CONFIG, image_config(o, diff_id, created));
		break;
	case OCI_FORMAT_WASM:
	case OCI_FORMAT_KRUSTLET:
		if (!(copy = malloc(len ? len : 1))) {
			err = wp_error_set(WP_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(copy, wasm, len);
		if ((err = oci_blob_set(&img->layers[0],
					o->format == OCI_FORMAT_WASM ? OCI_MT_WASM_LAYER
								     : OCI_MT_KRUSTLET_LAYER,
					copy, len)) < 0)
			goto done;
		img->layers[0].annotations = json_pack("{s:s}", OCI_ANN_TITLE, title);
		if (o->format == OCI_FORMAT_WASM)
			err = blob_from_json(&img->config, OCI_MT_WASM_CONFIG,
					     wasm_config(mod, img->layers[0].digest, created));
		else
			err = blob_from_json(&img->config, OCI_MT_KRUSTLET_CONFIG, json_object());
		break;
	default:
		err = wp_error_set(WP_EUSAGE, "unknown format %d", o->format);
	}
	if (err < 0)
		goto done;
	err = blob_from_json(&img->manifest, OCI_MT_MANIFEST, manifest_json(img, o->annotations));
done:
	if (err < 0) {
		oci_image_free(img);
		return err;
	}
	*out = img;
	return 0;
}

/* ---- parsing ---- */

int oci_media_type_is_index(const char *mt)
{
	return mt && (!strcmp(mt, OCI_MT_INDEX) || !strcmp(mt, DOCKER_MT_MANIFEST_LIST));
}

static int parse_descriptor(json_t *j, struct oci_blob *b, const char *what)
{
	const char *mt, *digest;
	json_int_t size;
	json_t *ann;

	if (!json_is_object(j) ||
	    json_unpack(j, "{s:s, s:s, s:I}", "mediaType", &mt, "digest", &digest, "size", &size) != 0)
		return wp_error_set(WP_EINVALID, "%s: descriptor needs mediaType, digest and size", what);
	if (!oci_digest_valid(digest))
		return wp_error_set(WP_EINVALID, "%s: unsupported or malformed digest '%s'", what, digest);
	if (size < 0)
		return wp_error_set(WP_EINVALID, "%s: negative size", what);
	b->media_type = strdup(mt);
	if (!b->media_type)
		return wp_error_set(WP_ENOMEM, "out of memory");
	strcpy(b->digest, digest);
	b->size = (uint64_t)size;
	ann = json_object_get(j, "annotations");
	if (json_is_object(ann))
		b->annotations = json_incref(ann);
	return 0;
}

static int detect_format(const struct oci_image *img)
{
	const char *cmt = img->config.media_type;
	size_t i;

	if (!strcmp(cmt, OCI_MT_WASM_CONFIG))
		return OCI_FORMAT_WASM;
	if (!strcmp(cmt, OCI_MT_KRUSTLET_CONFIG))
		return OCI_FORMAT_KRUSTLET;
	if (!strcmp(cmt, OCI_MT_CONFIG) || !strcmp(cmt, DOCKER_MT_CONFIG)) {
		for (i = 0; i < img->nlayers; i++)
			if (!strcmp(img->layers[i].media_type, OCI_MT_WASM_LAYER) ||
			    !strcmp(img->layers[i].media_type, OCI_MT_RUNWASI_LAYER))
				return OCI_FORMAT_WASM;
		return OCI_FORMAT_IMAGE;
	}
	return OCI_FORMAT_UNKNOWN;
}

int oci_image_parse(const uint8_t *manifest, size_t len, const char *expected,
		    struct oci_image **out)
{
	struct oci_image *img;
	json_t *root = NULL, *layers, *mtj;
	const char *mt;
	uint8_t *copy;
	size_t i;
	int err;

	*out = NULL;
	img = calloc(1, sizeof(*img));
	copy = malloc(len ? len : 1);
	if (!img || !copy) {
		free(img);
		free(copy);
		return wp_error_set(WP_ENOMEM, "out of memory");
	}
	memcpy(copy, manifest, len);
	if ((err = oci_blob_set(&img->manifest, OCI_MT_MANIFEST, copy, len)) < 0)
		goto fail;
	if (expected && strcmp(expected, img->manifest.digest) != 0) {
		err = wp_error_set(WP_EINVALID, "manifest has digest %s, expected %s (corrupt or tampered)",
				   img->manifest.digest, expected);
		goto fail;
	}
	if ((err = oci_json_load(manifest, len, "manifest", &root)) < 0)
		goto fail;
	mtj = json_object_get(root, "mediaType");
	mt = json_is_string(mtj) ? json_string_value(mtj) : NULL;
	if (oci_media_type_is_index(mt) || (!mt && json_object_get(root, "manifests"))) {
		err = wp_error_set(WP_EINVALID, "expected an image manifest, found an index (%s)",
				   mt ? mt : "no mediaType");
		goto fail;
	}
	if (mt && strcmp(mt, OCI_MT_MANIFEST) != 0 && strcmp(mt, DOCKER_MT_MANIFEST) != 0) {
		err = wp_error_set(WP_EINVALID, "unsupported manifest media type %s", mt);
		goto fail;
	}
	if (mt) {
		free(img->manifest.media_type);
		img->manifest.media_type = strdup(mt);
	}
	if (json_integer_value(json_object_get(root, "schemaVersion")) != 2) {
		err = wp_error_set(WP_EINVALID, "manifest: schemaVersion must be 2");
		goto fail;
	}
	if ((err = parse_descriptor(json_object_get(root, "config"), &img->config, "manifest config")) < 0 ||
	    (err = oci_json_size_check("config", img->config.digest, img->config.size)) < 0)
		goto fail;
	layers = json_object_get(root, "layers");
	if (!json_is_array(layers)) {
		err = wp_error_set(WP_EINVALID, "manifest: layers must be an array");
		goto fail;
	}
	img->layers = calloc(json_array_size(layers) + 1, sizeof(*img->layers));
	if (!img->layers) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < json_array_size(layers); i++) {
		img->nlayers = i + 1;
		if ((err = parse_descriptor(json_array_get(layers, i), &img->layers[i], "manifest layer")) < 0)
			goto fail;
	}
	img->format = detect_format(img);
	json_decref(root);
	*out = img;
	return 0;
fail:
	json_decref(root);
	oci_image_free(img);
	return err;
}

int oci_index_select(json_t *index, const char *platform, json_t **desc)
{
	json_t *list = json_object_get(index, "manifests"), *d;
	char seen[512] = "";
	size_t i, n;

	*desc = NULL;
	if (!json_is_array(list) || json_array_size(list) == 0)
		return wp_error_set(WP_EINVALID, "index has no manifests");
	n = json_array_size(list);
	if (!platform && n == 1) {
		*desc = json_array_get(list, 0);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const char *os = NULL, *arch = NULL;
		char p[128];
		d = json_array_get(list, i);
		json_unpack(json_object_get(d, "platform"), "{s?s, s?s}", "os", &os,
			    "architecture", &arch);
		snprintf(p, sizeof(p), "%s/%s", os ? os : "unknown", arch ? arch : "unknown");
		if (platform ? !strcmp(p, platform)
			     : (arch && (!strcmp(arch, "wasm") || !strcmp(arch, "wasm32")))) {
			*desc = d;
			return 0;
		}
		if (strlen(seen) + strlen(p) + 3 < sizeof(seen))
			snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%s",
				 seen[0] ? ", " : "", p);
	}
	return wp_error_set(WP_ENOTFOUND, "no manifest for platform %s in the index (it has: %s)",
			    platform ? platform : "wasm", seen);
}
