/*
 * push.c - `wasmpack push SOURCE REF...`: an image from a local layout or
 * archive to registries.  Only the manifest is read up front; a blob is
 * read from the layout only if the registry lacks it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../oci/layout.h"
#include "../registry/reference.h"
#include "../registry/registry.h"
#include "attach.h"
#include "cmd.h"
#include "progress.h"
#include "transfer.h"

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
	"  --sign --key FILE   sign the image in each repository (see 'wasmpack sign')\n"
	"  -h, --help          show this help\n"
	"\n"
	"The SBOM, provenance and signatures attached to the image in an oci:\n"
	"layout go with it.\n"
	"\n"
	"Credentials: WASMPACK_REGISTRY_USERNAME/_PASSWORD (for the push target,\n"
	"or the registry WASMPACK_REGISTRY names), the docker config\n"
	"(wasmpack login), the containers auth.json, GITHUB_TOKEN for ghcr.io.\n"
	"Retries: WASMPACK_RETRIES (5), WASMPACK_RETRY_BASE_MS (500),\n"
	"WASMPACK_RETRY_MAX_MS (30000).  WASMPACK_DEBUG=1 logs each request.\n";

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
	struct attest_key *key = NULL;
	struct registry_blob_source src = { load_from_store, NULL };
	json_t *refs = json_array();
	char *tag = NULL, *digest_ref = NULL;
	int r, i, status = EXIT_FAIL;

	if ((r = cmd_parse_xfer("push", argc, argv, &a)) != 0) {
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
	if (a.key && attach_load_key(a.key, &key) < 0)
		goto report;
	a.ro.ev = cmd_progress_events();
	if (open_source(argv[a.first], &store, &tag) < 0 ||
	    oci_store_read_manifest(store, tag, a.ro.platform, &img) < 0)
		goto report;
	src.ctx = store;
	a.ro.src = &src;
	if (registry_push(argv + a.first + 1, (size_t)(argc - a.first - 1), img, &a.ro, &digest_ref,
			  refs) < 0)
		goto report;
	for (i = a.first + 1; i < argc; i++)
		if (!attach_repo_seen(argv + a.first + 1, (size_t)(i - a.first - 1)) &&
		    attach_copy(store, img, argv[i], &a.ro, key) < 0)
			goto report;
	status = cmd_print_xfer(a.json, digest_ref, img, refs, argv[a.first], 1);
	goto done;
report:
	status = cmd_report();
done:
	free(digest_ref);
	free(tag);
	json_decref(refs);
	oci_image_free(img);
	oci_store_free(store);
	attest_key_free(key);
	return status;
}

