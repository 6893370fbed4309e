/*
 * sign.c - `wasmpack sign REF --key cosign.key`: sign an image in a
 * registry or an OCI layout, in both formats users meet (cosign's
 * "sha256-<hex>.sig" image and a sigstore bundle as a referrer).
 */
#include <stdio.h>
#include <stdlib.h>

#include "../common/error.h"
#include "attach.h"
#include "cmd.h"

const char cmd_sign_usage[] =
	"usage: wasmpack sign REF --key FILE [options]\n"
	"\n"
	"Sign the image REF (host/repo:tag, host/repo@sha256:..., oci:DIR[:TAG])\n"
	"with the ECDSA P-256 key FILE (PKCS#8 PEM; COSIGN_PASSWORD decrypts an\n"
	"encrypted one).  Writes the cosign signature (tag sha256-<hex>.sig) and a\n"
	"sigstore bundle v0.3 attached as a referrer.  Prints the signed digest.\n"
	"\n"
	"  --key FILE        the private key (required)\n" ATTACH_USAGE_COMMON;

int cmd_sign(int argc, char **argv)
{
	struct attach_args a;
	struct attach_target t = { 0 };
	struct attest_key *key = NULL;
	time_t created;
	int status;

	if ((status = attach_parse_args("sign", ATTACH_OPT_KEY, argc, argv, &a)) != 0)
		return status < 0 ? EXIT_OK : status;
	if (!a.key)
		return cmd_usage_error("sign", "--key FILE is required (keyless signing needs Fulcio and Rekor: see docs/attestations.md)");
	if (attach_load_key(a.key, &key) < 0 || attach_target_open(a.ref, "push", &a.ro, &t) < 0 ||
	    attach_created(t.image, &created) < 0 || attach_target_publish(&t, NULL, 0, key, created) < 0) {
		status = cmd_report();
	} else {
		printf("%s\n", t.image->manifest.digest);
		status = EXIT_OK;
	}
	attach_target_release(&t);
	attest_key_free(key);
	return status;
}
