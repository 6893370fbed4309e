/*
 * login.c - `wasmpack login REGISTRY -u USER --password-stdin` and
 * `wasmpack logout REGISTRY`.  The password never comes from the command
 * line (it would show in `ps` and shell history): stdin only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/buf.h"
#include "../common/error.h"
#include "../registry/registry.h"
#include "cmd.h"
#include "progress.h"

const char cmd_login_usage[] =
	"usage: wasmpack login REGISTRY -u USER --password-stdin [options]\n"
	"\n"
	"Check the credentials against REGISTRY (host[:port]) and store them\n"
	"where docker keeps them: the credential helper of the docker config\n"
	"(credHelpers / credsStore), else $DOCKER_CONFIG/config.json.\n"
	"\n"
	"  -u, --username USER  user name\n"
	"  --password-stdin     read the password (or token) from stdin\n"
	"  --insecure           allow plain http and unverified TLS\n"
	"  --ca-file FILE       an extra CA bundle (PEM) for TLS\n"
	"  -h, --help           show this help\n";

const char cmd_logout_usage[] =
	"usage: wasmpack logout REGISTRY\n"
	"\n"
	"Remove the stored credentials for REGISTRY.\n";

enum { OPT_STDIN = 256, OPT_INSECURE, OPT_CA_FILE };

static const struct option login_options[] = {
	{ "username", required_argument, NULL, 'u' },
	{ "password", required_argument, NULL, 'p' },
	{ "password-stdin", no_argument, NULL, OPT_STDIN },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int read_password(struct wp_buf *pw)
{
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (wp_buf_append(pw, chunk, n) < 0)
			return -1;
	while (pw->len && (pw->data[pw->len - 1] == '\n' || pw->data[pw->len - 1] == '\r'))
		pw->data[--pw->len] = '\0';
	if (!pw->len)
		return wp_error_set(WP_EUSAGE, "no password on stdin");
	return 0;
}

int cmd_login(int argc, char **argv)
{
	struct registry_opts ro = { 0 };
	struct wp_buf pw = WP_BUF_INIT(64 * 1024);
	const char *user = NULL;
	int c, from_stdin = 0, status = EXIT_FAIL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:p:h", login_options, NULL)) != -1) {
		switch (c) {
		case 'u':
			user = optarg;
			break;
		case 'p':
			return cmd_usage_error("login", "a password on the command line is refused; use --password-stdin");
		case OPT_STDIN:
			from_stdin = 1;
			break;
		case OPT_INSECURE:
			ro.insecure = 1;
			break;
		case OPT_CA_FILE:
			ro.ca_file = optarg;
			break;
		case 'h':
			return cmd_print_usage("login");
		case ':':
			return cmd_usage_error("login", "option %s needs a value", argv[optind - 1]);
		default:
			return cmd_usage_error("login", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error("login", "expected one REGISTRY");
	if (!user || !*user)
		return cmd_usage_error("login", "-u USER is required");
	if (!from_stdin)
		return cmd_usage_error("login", "--password-stdin is required (the password is read from stdin)");
	if (read_password(&pw) < 0) {
		status = cmd_report();
		goto done;
	}
	ro.ev = cmd_progress_events();
	if (registry_login(argv[optind], user, (const char *)pw.data, &ro) < 0) {
		status = cmd_report();
		goto done;
	}
	cmd_note("wasmpack: logged in to %s", argv[optind]);
	status = EXIT_OK;
done:
	if (pw.data)
		explicit_bzero(pw.data, pw.len);
	wp_buf_release(&pw);
	return status;
}

int cmd_logout(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cmd_print_usage("logout");
	if (argc != 2 || argv[1][0] == '-')
		return cmd_usage_error("logout", "expected one REGISTRY");
	if (registry_logout(argv[1]) < 0)
		return cmd_report();
	cmd_note("wasmpack: logged out of %s", argv[1]);
	return EXIT_OK;
}
