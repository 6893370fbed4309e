/*
 * transfer.h - what push and pull share on the command line: the
 * registry options (--insecure, --ca-file, --platform, --json; --from for
 * push, -o for pull) and the result (one reference line, or JSON).
 */
#ifndef CMD_TRANSFER_H
#define CMD_TRANSFER_H

#include <jansson.h>

#include "../oci/image.h"
#include "../registry/registry.h"

struct xfer_args {
	struct registry_opts ro;
	const char *output;
	int json;
	int sign;        /* push --sign --key FILE */
	const char *key;
	int attestations; /* pull --attestations */
	int first; /* optind of the first operand */
};

/* Parse the options of "push" or "pull"; operands stay in argv from
 * a->first.  Returns 0, an exit status, or -1 after help was shown. */
int cmd_parse_xfer(const char *cmd, int argc, char **argv, struct xfer_args *a);

/* Print the reference line, or the JSON summary with --json. */
int cmd_print_xfer(int json, const char *digest_ref, const struct oci_image *img, json_t *refs,
		   const char *source, int pushed);

#endif
