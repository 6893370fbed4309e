/*
 * sbom.c - `wasmpack sbom REF`: print the SBOM (or with --provenance the
 * provenance statement) attached to an image, exactly as stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "attach.h"
#include "cmd.h"

const char cmd_sbom_usage[] =
	"usage: wasmpack sbom REF [options]\n"
	"\n"
	"Print the SBOM attached to the image REF (host/repo:tag, oci:DIR[:TAG]),\n"
	"byte for byte as stored, on stdout.\n"
	"\n"
	"  --format FMT      spdx (default) | cyclonedx\n"
	"  --provenance      print the provenance statement (in-toto) instead\n"
	ATTACH_USAGE_COMMON;

int cmd_sbom(int argc, char **argv)
{
	struct attach_args a;
	struct attach_target t = { 0 };
	struct attest_source src;
	struct wp_buf out = WP_BUF_INIT(16u << 20);
	const char *kind;
	int status;

	if ((status = attach_parse_args("sbom", ATTACH_OPT_SBOM, argc, argv, &a)) != 0)
		return status < 0 ? EXIT_OK : status;
	kind = a.provenance ? "provenance" : a.format ? a.format : "spdx";
	if (strcmp(kind, "spdx") && strcmp(kind, "cyclonedx") && strcmp(kind, "provenance"))
		return cmd_usage_error("sbom", "unknown --format '%s' (expected spdx or cyclonedx)", kind);
	if (attach_target_open(a.ref, "pull", &a.ro, &t) < 0)
		goto report;
	attach_target_source(&t, &src);
	if (attest_fetch(&src, t.image->manifest.digest, kind, &out) < 0)
		goto report;
	fwrite(out.data, 1, out.len, stdout);
	status = EXIT_OK;
	goto done;
report:
	status = cmd_report();
done:
	wp_buf_release(&out);
	attach_target_release(&t);
	return status;
}
