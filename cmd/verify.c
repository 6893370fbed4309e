/*
 * verify.c - `wasmpack verify REF --key cosign.pub` and `wasmpack
 * attestations REF`: what is attached to an image, and whether it holds.
 *
 * verify exits 0 only when at least one signature by the key covers the
 * exact manifest digest and nothing attached is wrong (a signature by
 * another key, for another digest, a truncated bundle, an attestation
 * whose subject is another image); otherwise 1, naming each problem.
 * attestations lists the same findings and exits 1 only on problems.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "attach.h"
#include "cmd.h"

const char cmd_verify_usage[] =
	"usage: wasmpack verify REF --key FILE [options]\n"
	"\n"
	"Check the signatures and attestations of the image REF (host/repo:tag,\n"
	"host/repo@sha256:..., oci:DIR[:TAG]) against the public key FILE (PEM).\n"
	"Prints one line per signature or attestation found; exits 0 only when a\n"
	"signature by the key covers the image's manifest digest and nothing\n"
	"attached is wrong, else 1 naming the problem.\n"
	"\n"
	"  --key FILE        the public key (cosign.pub)\n"
	"  --json            print the findings as JSON\n" ATTACH_USAGE_COMMON;

const char cmd_attestations_usage[] =
	"usage: wasmpack attestations REF [--insecure] [--ca-file FILE] [--json]\n"
	"\n"
	"List the signatures, SBOMs and provenance attached to the image REF, and\n"
	"check that each names this image.  Exits 1 when one does not.\n";

static int print_report(const char *digest, const struct attest_report *r, int json)
{
	size_t i;

	if (json) {
		json_t *list = json_array(), *o;
		int st;
		for (i = 0; i < r->n; i++)
			json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:s}", "kind", r->items[i].kind,
							      "digest", r->items[i].digest, "ok", r->items[i].ok,
							      "detail", r->items[i].detail ? r->items[i].detail : ""));
		o = json_pack("{s:s, s:o, s:i, s:i}", "digest", digest, "findings", list, "validSignatures",
			      r->signed_ok, "problems", r->problems);
		st = cmd_print_json(o);
		json_decref(o);
		return st;
	}
	printf("%s\n", digest);
	for (i = 0; i < r->n; i++)
		printf("  %s %s %s: %s\n", r->items[i].ok == 1 ? "ok " : r->items[i].ok ? "-- " : "BAD", r->items[i].kind,
		       r->items[i].digest, r->items[i].detail ? r->items[i].detail : "");
	if (!r->n)
		printf("  nothing attached\n");
	return EXIT_OK;
}

static int run(const char *cmd, int argc, char **argv, int need_key)
{
	struct attach_args a;
	struct attest_report rep = { 0 };
	char digest[OCI_DIGEST_SIZE];
	int status;

	status = attach_parse_args(cmd, ATTACH_OPT_JSON | (need_key ? ATTACH_OPT_KEY : 0), argc, argv, &a);
	if (status != 0)
		return status < 0 ? EXIT_OK : status;
	if (need_key && !a.key)
		return cmd_usage_error(cmd, "--key FILE (the public key) is required");
	/* a failure is one line naming the (first) problem, nothing on stdout */
	if (attach_verify(a.ref, &a.ro, a.key, &rep, digest) < 0)
		status = cmd_report();
	else
		status = print_report(digest, &rep, a.json);
	attest_report_release(&rep);
	return status;
}

int cmd_verify(int argc, char **argv)
{
	return run("verify", argc, argv, 1);
}

int cmd_attestations(int argc, char **argv)
{
	return run("attestations", argc, argv, 0);
}
