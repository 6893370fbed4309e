/*
 * generate_key.c - `wasmpack generate-key`: an ECDSA P-256 key pair in the
 * files cosign uses by default (cosign.key, cosign.pub), as PKCS#8 PEM.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "../attest/attest.h"
#include "../common/error.h"
#include "cmd.h"

const char cmd_generate_key_usage[] =
	"usage: wasmpack generate-key [--output-key-prefix PREFIX]\n"
	"\n"
	"Write a new ECDSA P-256 key pair: PREFIX.key (private, PKCS#8 PEM, mode\n"
	"0600) and PREFIX.pub (public, PEM).  PREFIX defaults to cosign.  The private\n"
	"key is encrypted (AES-256-CBC PKCS#8) when COSIGN_PASSWORD is set and not\n"
	"empty.  Existing files are never overwritten.\n";

int cmd_generate_key(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output-key-prefix", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prefix = "cosign";
	char *key = NULL, *pub = NULL;
	int c, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'p')
			prefix = optarg;
		else if (c == 'h')
			return cmd_print_usage("generate-key");
		else if (c == ':')
			return cmd_usage_error("generate-key", "option %s needs a value", argv[optind - 1]);
		else
			return cmd_usage_error("generate-key", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cmd_usage_error("generate-key", "unexpected argument '%s'", argv[optind]);
	if (asprintf(&key, "%s.key", prefix) < 0 || asprintf(&pub, "%s.pub", prefix) < 0) {
		wp_error_set(WP_ENOMEM, "out of memory");
		status = cmd_report();
	} else if (attest_key_generate(key, pub, getenv("COSIGN_PASSWORD")) < 0) {
		status = cmd_report();
	} else {
		cmd_note("wasmpack: wrote %s (private) and %s (public)", key, pub);
		status = EXIT_OK;
	}
	free(key);
	free(pub);
	return status;
}
