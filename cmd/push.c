/*
 * push.c - `wasmpack push SOURCE REF...` and `wasmpack pull REF -o DEST`:
 * move an image between a local layout (or archive) and registries.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../oci/layout.h"
#include "../registry/reference.h"
#include "../registry/registry.h"
#include "cmd.h"
#include "progress.h"

const char cmd_push_usage[] =
	"usage: wasmpack push SOURCE REF [REF...] [options]\n"
	"\n"
	"Push the image in SOURCE (oci:DIR[:TAG] | oci-archive:FILE[:TAG]) to every\n"
	"REF (host/repo[:tag]).  Prints host/repo@sha256:<digest> on stdout.\n"
	"\n"
	"  --insecure          allow plain http and unverified TLS for these registries\n"
	"  --ca-file FILE      an extra CA bundle (PEM) for TLS\n"
	"  --from REPO         mount blobs from REPO on the same registry\n"
	"  --platform OS/ARCH  choose from an image index in SOURCE\n"
	"  --json              print a JSON summary instead of the reference\n"
	"  -h, --help          show this help\n"
	"\n"
	"Credentials: WASMPACK_REGISTRY_USERNAME/_PASSWORD, the docker config\n"
	"(wasmpack login), the containers auth.json, GITHUB_TOKEN for ghcr.io.\n"
	"Retries: WASMPACK_RETRIES (5), WASMPACK_RETRY_BASE_MS (500),\n"
	"WASMPACK_RETRY_MAX_MS (30000).  WASMPACK_DEBUG=1 logs each request.\n";

const char cmd_pull_usage[] =
	"usage: wasmpack pull REF -o oci:DIR[:TAG] [options]\n"
	"\n"
	"Pull REF, verify every digest, and store the image in DEST\n"
	"(oci:DIR[:TAG] | oci-archive:FILE[:TAG]; the tag defaults to REF's tag).\n"
	"Prints host/repo@sha256:<digest> on stdout.\n"
	"\n"
	"  -o, --output DEST   where to store the image (required)\n"
	"  --platform OS/ARCH  choose from an image index (default: the wasm one)\n"
	"  --insecure          allow plain http and unverified TLS for this registry\n"
	"  --ca-file FILE      an extra CA bundle (PEM) for TLS\n"
	"  --json              print a JSON summary instead of the reference\n"
	"  -h, --help          show this help\n";

enum { OPT_INSECURE = 256, OPT_CA_FILE, OPT_FROM, OPT_PLATFORM, OPT_JSON };

static const struct option xfer_options[] = {
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct xfer_args {
	struct registry_opts ro;
	const char *output;
	int json;
	int first; /* optind of the first operand */
};

/* Parse the options of push or pull; operands stay in argv from
 * a->first.  Returns 0, an exit status, or -1 after help. */
static int parse_xfer(const char *cmd, int argc, char **argv, struct xfer_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	opterr = 0;
	/* '+' would stop at the first operand; we permute like git does */
	while ((c = getopt_long(argc, argv, ":o:h", xfer_options, NULL)) != -1) {
		switch (c) {
		case OPT_INSECURE:
			a->ro.insecure = 1;
			break;
		case OPT_CA_FILE:
			a->ro.ca_file = optarg;
			break;
		case OPT_FROM:
			if (strcmp(cmd, "push") != 0)
				return cmd_usage_error(cmd, "unknown option '--from'");
			a->ro.from = optarg;
			break;
		case OPT_PLATFORM:
			if (!strchr(optarg, '/'))
				return cmd_usage_error(cmd, "--platform '%s' is not OS/ARCH", optarg);
			a->ro.platform = optarg;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case 'o':
			if (strcmp(cmd, "pull") != 0)
				return cmd_usage_error(cmd, "unknown option '-o'");
			a->output = optarg;
			break;
		case 'h':
			cmd_print_usage(cmd);
			return -1;
		case ':':
			return cmd_usage_error(cmd, "option %s needs a value", argv[optind - 1]);
		default:
			return cmd_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		}
	}
	a->first = optind;
	return 0;
}

static int print_result(int json, const char *digest_ref, const struct oci_image *img,
			json_t *refs, const char *source_key, const char *source, int pushed)
{
	json_t *j;
	int status;

	if (!json) {
		printf("%s\n", digest_ref);
		return EXIT_OK;
	}
	j = json_pack("{s:s, s:s, s:s, s:O, s:s, s:b}", "digest", img->manifest.digest, "mediaType",
		      img->manifest.media_type, "format", oci_format_name(img->format), "references",
		      refs, source_key, source, "pushed", pushed);
	status = j ? cmd_print_json(j) : EXIT_FAIL;
	json_decref(j);
	return status;
}

static int open_source(const char *src, struct oci_store **store, char **tag)
{
	char *kind = NULL, *path = NULL;
	int err;

	*store = NULL;
	*tag = NULL;
	if ((err = oci_dest_parse(src, &kind, &path, tag)) < 0)
		return err;
	if (!strcmp(kind, "oci"))
		err = oci_store_open_dir(path, store);
	else if (!strcmp(kind, "oci-archive"))
		err = oci_store_open_archive(path, store);
	else
		err = wp_error_set(WP_EUSAGE, "cannot push from %s (expected oci:DIR[:TAG] or oci-archive:FILE)", src);
	free(kind);
	free(path);
	return err;
}

/* Blobs are read from the layout only when the registry lacks them. */
static int load_from_store(void *ctx, const struct oci_blob *b, uint8_t **data, size_t *len)
{
	struct wp_buf buf = WP_BUF_INIT(OCI_WASM_MAX * 2);
	int err = oci_store_read_blob(ctx, b->digest, (size_t)b->size, &buf);

	if (err < 0) {
		wp_buf_release(&buf);
		return err;
	}
	*data = wp_buf_detach(&buf, len);
	return 0;
}

int cmd_push(int argc, char **argv)
{
	struct xfer_args a;
	struct oci_store *store = NULL;
	struct oci_image *img = NULL;
	struct registry_blob_source src = { load_from_store, NULL };
	json_t *refs = json_array();
	char *tag = NULL, *digest_ref = NULL;
	int r, i, status = EXIT_FAIL;

	if ((r = parse_xfer("push", argc, argv, &a)) != 0) {
		status = r < 0 ? EXIT_OK : r;
		goto done;
	}
	if (argc - a.first < 2) {
		status = cmd_usage_error("push", "expected SOURCE and at least one REF");
		goto done;
	}
	/* references are checked before anything is read or sent */
	for (i = a.first + 1; i < argc; i++) {
		struct registry_ref *ref = NULL;
		if (registry_ref_parse(argv[i], &ref) < 0) {
			status = cmd_usage_error("push", "%s", wp_error_last());
			goto done;
		}
		registry_ref_free(ref);
	}
	a.ro.ev = cmd_progress_events();
	if (open_source(argv[a.first], &store, &tag) < 0 ||
	    oci_store_read_manifest(store, tag, a.ro.platform, &img) < 0)
		goto report;
	src.ctx = store;
	a.ro.src = &src;
	if (registry_push(argv + a.first + 1, (size_t)(argc - a.first - 1), img, &a.ro, &digest_ref,
			  refs) < 0)
		goto report;
	status = print_result(a.json, digest_ref, img, refs, "source", argv[a.first], 1);
	goto done;
report:
	status = cmd_report();
done:
	free(digest_ref);
	free(tag);
	json_decref(refs);
	oci_image_free(img);
	oci_store_free(store);
	return status;
}

int cmd_pull(int argc, char **argv)
{
	struct xfer_args a;
	struct registry_ref *ref = NULL;
	struct oci_image *img = NULL;
	struct publisher *pub = NULL;
	json_t *refs = json_array();
	char *digest_ref = NULL, *local = NULL;
	int r, status = EXIT_FAIL;

	if ((r = parse_xfer("pull", argc, argv, &a)) != 0) {
		status = r < 0 ? EXIT_OK : r;
		goto done;
	}
	if (argc - a.first != 1) {
		status = cmd_usage_error("pull", argc - a.first < 1 ? "expected REF" : "expected one REF");
		goto done;
	}
	if (!a.output) {
		status = cmd_usage_error("pull", "-o oci:DIR[:TAG] is required");
		goto done;
	}
	if (registry_ref_parse(argv[a.first], &ref) < 0) {
		status = cmd_usage_error("pull", "%s", wp_error_last());
		goto done;
	}
	{
		/* the layout tag: DEST's, else the reference's, else latest */
		struct publish_name name = { ref->tag ? ref->tag : (char *)"latest", argv[a.first] };
		struct publish_names names = { &name, 1, "image" };
		if (oci_publisher_open(a.output, &names, &pub) < 0) {
			status = cmd_report();
			goto done;
		}
	}
	a.ro.ev = cmd_progress_events();
	if (registry_pull(argv[a.first], &a.ro, &img, &digest_ref) < 0 ||
	    pub->publish(pub, img, &local, refs) < 0) {
		status = cmd_report();
		goto done;
	}
	status = print_result(a.json, digest_ref, img, refs, "source", digest_ref, 0);
done:
	free(local);
	free(digest_ref);
	json_decref(refs);
	publisher_free(pub);
	oci_image_free(img);
	registry_ref_free(ref);
	return status;
}
