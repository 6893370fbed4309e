/*
 * inspect.c - `wasmpack inspect`: the facts of a module (kind, WASI level,
 * imports, exports, sections) or of an image in a layout or archive
 * (manifest, config, layers, annotations, and the module inside).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/fs.h"
#include "../common/text.h"
#include "../oci/image.h"
#include "../oci/layout.h"
#include "../wasm/component.h"
#include "../wasm/module.h"
#include "cmd.h"

const char cmd_inspect_usage[] =
	"usage: wasmpack inspect TARGET [--json]\n"
	"\n"
	"Show the facts of a WebAssembly module or of a wasm OCI image.\n"
	"TARGET: FILE.wasm | oci:DIR[:TAG] | oci-archive:FILE[:TAG]\n"
	"\n"
	"  --json       print the facts as JSON on stdout\n"
	"  -h, --help   show this help\n";

json_t *cmd_module_json(const struct wasm_module *m, const uint8_t *bytes, size_t len);

json_t *cmd_module_json(const struct wasm_module *m, const uint8_t *bytes, size_t len)
{
	json_t *j = json_object(), *imports = json_array(), *exports = json_array();
	json_t *sections = json_array();
	char digest[OCI_DIGEST_SIZE];
	uint32_t i;

	if (oci_digest(bytes, len, digest) < 0)
		digest[0] = '\0';
	json_object_set_new(j, "digest", json_string(digest));
	json_object_set_new(j, "size", json_integer((json_int_t)len));
	json_object_set_new(j, "kind", json_string(wasm_kind_name(m->kind)));
	json_object_set_new(j, "wasi", json_string(wasm_wasi_name(m->wasi)));
	if (m->kind == WASM_KIND_COMPONENT) {
		for (i = 0; i < m->ncomp_imports; i++)
			json_array_append_new(imports, json_string(m->comp_imports[i]));
		for (i = 0; i < m->ncomp_exports; i++)
			json_array_append_new(exports, json_string(m->comp_exports[i]));
	} else {
		for (i = 0; i < m->nimports; i++) {
			const struct wasm_import *im = &m->imports[i];
			json_t *o = json_pack("{s:s, s:s, s:s}", "module", im->module, "name", im->name,
					      "kind", wasm_extern_kind_name(im->kind));
			if (im->kind == WASM_EXTERN_FUNC && im->desc.func_type < m->ntypes) {
				char sig[256];
				wasm_functype_format(&m->types[im->desc.func_type], sig, sizeof(sig));
				json_object_set_new(o, "type", json_string(sig));
			}
			json_array_append_new(imports, o);
		}
		for (i = 0; i < m->nexports; i++)
			json_array_append_new(exports,
					      json_pack("{s:s, s:s}", "name", m->exports[i].name, "kind",
							wasm_extern_kind_name(m->exports[i].kind)));
	}
	for (i = 0; i < m->nsections; i++) {
		const struct wasm_section *s = &m->sections[i];
		json_t *o = json_pack("{s:s, s:I, s:I}", "id", wasm_section_name(s->id), "offset",
				      (json_int_t)s->offset, "size", (json_int_t)s->size);
		if (s->name)
			json_object_set_new(o, "name", json_string(s->name));
		json_array_append_new(sections, o);
	}
	json_object_set_new(j, "imports", imports);
	json_object_set_new(j, "exports", exports);
	json_object_set_new(j, "sections", sections);
	if (m->component) {
		char *text = NULL;
		size_t size = 0;
		FILE *mf = open_memstream(&text, &size);
		if (mf) {
			json_t *lines = json_array();
			char *line, *save = NULL;
			wasm_component_print_world(m->component, mf);
			fclose(mf);
			for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
				json_array_append_new(lines, json_string(line));
			/* one string per line: the terminal escaping keeps them apart */
			json_object_set_new(j, "world", lines);
		}
		free(text);
	}
	return j;
}

static void print_module(const json_t *j, FILE *f)
{
	json_t *v;
	size_t i;

	fprintf(f, "kind:     %s\n", json_string_value(json_object_get(j, "kind")));
	fprintf(f, "wasi:     %s\n", json_string_value(json_object_get(j, "wasi")));
	fprintf(f, "size:     %lld bytes\n", (long long)json_integer_value(json_object_get(j, "size")));
	fprintf(f, "digest:   %s\n", json_string_value(json_object_get(j, "digest")));
	fprintf(f, "imports:  %zu\n", json_array_size(json_object_get(j, "imports")));
	json_array_foreach(json_object_get(j, "imports"), i, v) {
		if (json_is_string(v)) {
			fprintf(f, "  %s\n", json_string_value(v));
			continue;
		}
		fprintf(f, "  %s.%s (%s%s%s)\n", json_string_value(json_object_get(v, "module")),
			json_string_value(json_object_get(v, "name")),
			json_string_value(json_object_get(v, "kind")),
			json_object_get(v, "type") ? " " : "",
			json_object_get(v, "type") ? json_string_value(json_object_get(v, "type")) : "");
	}
	fprintf(f, "exports:  %zu\n", json_array_size(json_object_get(j, "exports")));
	json_array_foreach(json_object_get(j, "exports"), i, v) {
		if (json_is_string(v))
			fprintf(f, "  %s\n", json_string_value(v));
		else
			fprintf(f, "  %s (%s)\n", json_string_value(json_object_get(v, "name")),
				json_string_value(json_object_get(v, "kind")));
	}
	if (json_array_size(json_object_get(j, "world"))) {
		fprintf(f, "world:\n");
		json_array_foreach(json_object_get(j, "world"), i, v)
			fprintf(f, "  %s\n", json_string_value(v));
	}
	fprintf(f, "sections: %zu\n", json_array_size(json_object_get(j, "sections")));
	json_array_foreach(json_object_get(j, "sections"), i, v) {
		json_t *name = json_object_get(v, "name");
		fprintf(f, "  %-9s %8lld bytes%s%s\n", json_string_value(json_object_get(v, "id")),
			(long long)json_integer_value(json_object_get(v, "size")), name ? "  " : "",
			name ? json_string_value(name) : "");
	}
}

static int inspect_file(const char *path, json_t **out)
{
	struct wp_buf bytes = WP_BUF_INIT(OCI_WASM_MAX);
	struct wasm_module *m = NULL;
	int err;

	if ((err = wp_fs_read_file(path, OCI_WASM_MAX, &bytes)) < 0)
		goto done;
	if ((err = wasm_module_decode(bytes.data, bytes.len, WASM_DECODE_FACTS, &m)) < 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", wp_error_last());
		err = wp_error_set(WP_EINVALID, "not a WebAssembly module: %s (%s)", path, why);
		goto done;
	}
	*out = cmd_module_json(m, bytes.data, bytes.len);
	json_object_set_new(*out, "file", json_string(path));
done:
	wasm_module_free(m);
	wp_buf_release(&bytes);
	return err;
}

static int inspect_image(const char *kind, const char *path, const char *tag, json_t **out)
{
	struct oci_store *s = NULL;
	struct oci_image *img = NULL;
	struct wp_buf wasm = WP_BUF_INIT(OCI_WASM_MAX);
	struct wasm_module *m = NULL;
	json_t *j = NULL, *manifest = NULL, *config = NULL, *layers, *annotations;
	char *mpath = NULL, *ref = NULL;
	size_t i;
	int err;

	err = !strcmp(kind, "oci") ? oci_store_open_dir(path, &s) : oci_store_open_archive(path, &s);
	if (err < 0 || (err = oci_store_read_image(s, tag, NULL, &img)) < 0)
		goto done;
	if ((err = oci_json_load(img->manifest.data, img->manifest.size, "manifest", &manifest)) < 0 ||
	    (err = oci_json_load(img->config.data, img->config.size, "config", &config)) < 0)
		goto done;
	if (asprintf(&ref, "%s:%s@%s", kind, path, img->manifest.digest) < 0) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	layers = json_array();
	for (i = 0; i < img->nlayers; i++)
		json_array_append_new(layers, json_pack("{s:s, s:s, s:I}", "mediaType",
							img->layers[i].media_type, "digest",
							img->layers[i].digest, "size",
							(json_int_t)img->layers[i].size));
	annotations = json_object_get(manifest, "annotations");
	annotations = annotations ? json_incref(annotations) : json_object();
	j = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:I}, s:o, s:o, s:O}", "reference", ref,
		      "digest", img->manifest.digest, "mediaType", img->manifest.media_type, "format",
		      oci_format_name(img->format), "config", "mediaType", img->config.media_type,
		      "digest", img->config.digest, "size", (json_int_t)img->config.size, "layers",
		      layers, "annotations", annotations, "configContents", config);
	if (!j) {
		err = wp_error_set(WP_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = oci_image_module(img, &wasm, &mpath)) < 0 ||
	    (err = wasm_module_decode(wasm.data, wasm.len, WASM_DECODE_FACTS, &m)) < 0) {
		wp_error_wrap(err, "%s: the module in the image", ref);
		goto done;
	}
	json_object_set_new(j, "wasm", cmd_module_json(m, wasm.data, wasm.len));
	json_object_set_new(json_object_get(j, "wasm"), "path", json_string(mpath));
	*out = j;
	j = NULL;
done:
	json_decref(j);
	json_decref(manifest);
	json_decref(config);
	wasm_module_free(m);
	wp_buf_release(&wasm);
	oci_image_free(img);
	oci_store_free(s);
	free(mpath);
	free(ref);
	return err;
}

/* A copy of `j` whose strings and keys are escaped for the terminal
 * (annotations, entrypoints, names: whatever the image's author wrote);
 * NULL when out of memory. */
static json_t *escaped_copy(json_t *j)
{
	json_t *out = NULL, *v, *e;
	const char *k;
	char *t;
	size_t i;

	if (json_is_string(j)) {
		if ((t = wp_text_escape(json_string_value(j), 0)))
			out = json_string(t);
		free(t);
	} else if (json_is_array(j)) {
		out = json_array();
		json_array_foreach(j, i, v)
			if (!out || json_array_append_new(out, escaped_copy(v)) < 0)
				return json_decref(out), NULL;
	} else if (json_is_object(j)) {
		out = json_object();
		json_object_foreach(j, k, v) {
			t = wp_text_escape(k, 0);
			e = escaped_copy(v);
			if (!out || !t || json_object_set_new(out, t, e) < 0) {
				free(t);
				return json_decref(out), NULL;
			}
			free(t);
		}
	} else {
		out = json_incref(j);
	}
	return out;
}

static void print_image(const json_t *j, FILE *f)
{
	json_t *v, *cfg = json_object_get(j, "configContents");
	const char *k;
	size_t i;

	fprintf(f, "reference: %s\n", json_string_value(json_object_get(j, "reference")));
	fprintf(f, "format:    %s\n", json_string_value(json_object_get(j, "format")));
	fprintf(f, "manifest:  %s\n", json_string_value(json_object_get(j, "mediaType")));
	fprintf(f, "config:    %s %s\n",
		json_string_value(json_object_get(json_object_get(j, "config"), "mediaType")),
		json_string_value(json_object_get(json_object_get(j, "config"), "digest")));
	if (json_object_get(cfg, "os"))
		fprintf(f, "platform:  %s/%s\n", json_string_value(json_object_get(cfg, "os")),
			json_string_value(json_object_get(cfg, "architecture")));
	fprintf(f, "layers:\n");
	json_array_foreach(json_object_get(j, "layers"), i, v)
		fprintf(f, "  %s %s (%lld bytes)\n", json_string_value(json_object_get(v, "mediaType")),
			json_string_value(json_object_get(v, "digest")),
			(long long)json_integer_value(json_object_get(v, "size")));
	fprintf(f, "annotations:\n");
	json_object_foreach(json_object_get(j, "annotations"), k, v)
		fprintf(f, "  %s=%s\n", k, json_string_value(v));
	fprintf(f, "module:    %s\n", json_string_value(json_object_get(json_object_get(j, "wasm"), "path")));
	print_module(json_object_get(j, "wasm"), f);
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *target;
	char *kind = NULL, *path = NULL, *tag = NULL;
	json_t *j = NULL;
	int json = 0, c, err, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'h')
			return cmd_print_usage("inspect");
		else
			return cmd_usage_error("inspect", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return cmd_usage_error("inspect", "missing TARGET");
	if (optind + 1 < argc)
		return cmd_usage_error("inspect", "unexpected argument '%s'", argv[optind + 1]);
	target = argv[optind];
	if (!strncmp(target, "oci:", 4) || !strncmp(target, "oci-archive:", 12)) {
		if ((err = oci_dest_parse(target, &kind, &path, &tag)) == 0)
			err = inspect_image(kind, path, tag, &j);
	} else if (!strncmp(target, "docker-archive:", 15)) {
		err = wp_error_set(WP_EUSAGE, "inspect reads oci: and oci-archive: images, not docker-archive");
	} else {
		err = inspect_file(target, &j);
	}
	free(kind);
	free(path);
	free(tag);
	if (err < 0)
		return cmd_report();
	if (json) {
		status = cmd_print_json(j);
	} else {
		json_t *safe = escaped_copy(j);
		if (!safe) {
			json_decref(j);
			wp_error_set(WP_ENOMEM, "out of memory");
			return cmd_report();
		}
		if (json_object_get(safe, "reference"))
			print_image(safe, stdout);
		else
			print_module(safe, stdout);
		json_decref(safe);
		status = EXIT_OK;
	}
	json_decref(j);
	return status;
}
