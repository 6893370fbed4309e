/*
 * pull.c - `wasmpack pull REF -o DEST`: an image from a registry, every
 * digest verified, into a local layout or archive (nothing is written
 * unless the whole image checked out).
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
	"  --attestations      also fetch what is attached to the image (SBOM,\n"
	"                      provenance, sigstore bundles, the cosign .sig image)\n"
	"                      into the oci: layout, so 'wasmpack verify oci:DIR'\n"
	"                      works offline (as oras copies referrers; off by default)\n"
	"  --json              print a JSON summary instead of the reference\n"
	"  -h, --help          show this help\n";

int cmd_pull(int argc, char **argv)
{
	struct xfer_args a;
	struct registry_ref *ref = NULL;
	struct oci_image *img = NULL;
	struct publisher *pub = NULL;
	struct attest_attachments att = { 0 };
	json_t *refs = json_array();
	char *digest_ref = NULL, *local = NULL, *kind = NULL, *dir = NULL, *tag = NULL;
	int r, status = EXIT_FAIL;

	if ((r = cmd_parse_xfer("pull", argc, argv, &a)) != 0) {
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
	if (a.attestations && strncmp(a.output, "oci:", 4) != 0) {
		status = cmd_usage_error("pull", "--attestations needs an oci:DIR layout (archives hold no attachments), not '%s'",
					 a.output);
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
	/* everything is fetched and checked before anything is written */
	if (registry_pull(argv[a.first], &a.ro, &img, &digest_ref) < 0 ||
	    (a.attestations && attach_fetch(argv[a.first], &a.ro, img->manifest.digest, &att) < 0) ||
	    pub->publish(pub, img, &local, refs) < 0 ||
	    (a.attestations && (oci_dest_parse(a.output, &kind, &dir, &tag) < 0 ||
				attest_attachments_write(&att, dir, img->manifest.digest) < 0))) {
		status = cmd_report();
		goto done;
	}
	status = cmd_print_xfer(a.json, digest_ref, img, refs, digest_ref, 0);
done:
	attest_attachments_release(&att);
	free(kind);
	free(dir);
	free(tag);
	free(local);
	free(digest_ref);
	json_decref(refs);
	publisher_free(pub);
	oci_image_free(img);
	registry_ref_free(ref);
	return status;
}
