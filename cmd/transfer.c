/*
 * transfer.c - options and output shared by push and pull (transfer.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "transfer.h"

enum { OPT_INSECURE = 256, OPT_CA_FILE, OPT_FROM, OPT_PLATFORM, OPT_JSON, OPT_SIGN, OPT_KEY, OPT_ATTESTATIONS };

static const struct option xfer_options[] = {
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sign", no_argument, NULL, OPT_SIGN },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "attestations", no_argument, NULL, OPT_ATTESTATIONS },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_parse_xfer(const char *cmd, int argc, char **argv, struct xfer_args *a)
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
		case OPT_SIGN:
		case OPT_KEY:
			if (strcmp(cmd, "push") != 0)
				return cmd_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
			if (c == OPT_SIGN)
				a->sign = 1;
			else
				a->key = optarg;
			break;
		case OPT_ATTESTATIONS:
			if (strcmp(cmd, "pull") != 0)
				return cmd_usage_error(cmd, "unknown option '--attestations'");
			a->attestations = 1;
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
	if (a->sign != (a->key != NULL))
		return cmd_usage_error(cmd, a->sign ? "--sign needs --key FILE" : "--key needs --sign");
	a->first = optind;
	return 0;
}

int cmd_print_xfer(int json, const char *digest_ref, const struct oci_image *img, json_t *refs,
		   const char *source, int pushed)
{
	json_t *j;
	int status;

	if (!json) {
		printf("%s\n", digest_ref);
		return EXIT_OK;
	}
	j = json_pack("{s:s, s:s, s:s, s:O, s:s, s:b}", "digest", img->manifest.digest, "mediaType",
		      img->manifest.media_type, "format", oci_format_name(img->format), "references",
		      refs, "source", source, "pushed", pushed);
	status = j ? cmd_print_json(j) : EXIT_FAIL;
	json_decref(j);
	return status;
}

