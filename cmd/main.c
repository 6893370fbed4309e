/*
 * main.c - wasmpack's entry point and command table.
 */
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/text.h"
#include "cmd.h"

static const char build_summary[] = "Build a project or package a .wasm into an OCI image";
static const char inspect_summary[] = "Show the facts of a module or an image";

const struct command cmd_table[] = {
	{ "build", cmd_build, build_summary, cmd_build_usage },
	{ "inspect", cmd_inspect, inspect_summary, cmd_inspect_usage },
	{ "push", cmd_push, "Push an image from a layout or archive to registries", cmd_push_usage },
	{ "pull", cmd_pull, "Pull an image from a registry into a layout", cmd_pull_usage },
	{ "login", cmd_login, "Check and store credentials for a registry", cmd_login_usage },
	{ "logout", cmd_logout, "Remove stored credentials for a registry", cmd_logout_usage },
	{ "detect", cmd_detect, "Show which builder would build a directory, and why", cmd_detect_usage },
	{ "run", cmd_run, "Run a WASI module or image in the sandboxed engine", cmd_run_usage },
	{ "check", cmd_check, "Check that a runtime provides what a module or component imports", cmd_check_usage },
	{ "sign", cmd_sign, "Sign an image (cosign signature and sigstore bundle)", cmd_sign_usage },
	{ "verify", cmd_verify, "Check an image's signatures and attestations against a key", cmd_verify_usage },
	{ "attestations", cmd_attestations, "List the signatures, SBOMs and provenance of an image", cmd_attestations_usage },
	{ "sbom", cmd_sbom, "Print the SBOM (or provenance) attached to an image", cmd_sbom_usage },
	{ "generate-key", cmd_generate_key, "Write a new ECDSA P-256 key pair for signing", cmd_generate_key_usage },
	{ "completion", cmd_completion, "Print a bash or zsh completion script", cmd_completion_usage },
	{ "version", cmd_version, "Print the version", "usage: wasmpack version\n" },
	{ "help", cmd_help, "Show help for a command", "usage: wasmpack help [COMMAND]\n" },
	{ NULL, NULL, NULL, NULL },
};

const struct command *cmd_find(const char *name)
{
	const struct command *c;

	for (c = cmd_table; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void print_overview(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: wasmpack COMMAND [options]\n\n"
		   "Turn source code into OCI images holding a WebAssembly module.\n\n"
		   "Commands:\n");
	for (c = cmd_table; c->name; c++)
		fprintf(f, "  %-13s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'wasmpack help COMMAND' or 'wasmpack COMMAND -h' for details.\n");
}

int cmd_print_usage(const char *name)
{
	const struct command *c = cmd_find(name);

	if (c)
		fputs(c->usage, stdout);
	return EXIT_OK;
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		print_overview(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return cmd_print_usage("help");
	if (!cmd_find(argv[1])) {
		fprintf(stderr, "wasmpack: unknown command '%s' (see 'wasmpack help')\n", argv[1]);
		return EXIT_USAGE;
	}
	return cmd_print_usage(argv[1]);
}

int cmd_report(void)
{
	int code = wp_error_last_code();
	char *msg = wp_text_escape(wp_error_last(), 0); /* may quote a registry, an image */

	fprintf(stderr, "wasmpack: %s\n", msg && msg[0] ? msg : msg ? "failed" : "out of memory");
	free(msg);
	return code == WP_EUSAGE ? EXIT_USAGE : EXIT_FAIL;
}

/* A message on stderr with its control characters written out: it may
 * quote an argument, a project name, a registry. */
static void put_escaped(const char *fmt, va_list ap)
{
	char *raw = NULL, *safe = NULL;

	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;
	safe = wp_text_escape(raw, 0);
	fputs(safe ? safe : "out of memory", stderr);
	free(safe);
	free(raw);
}

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wasmpack %s: ", cmd);
	va_start(ap, fmt);
	put_escaped(fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'wasmpack %s -h')\n", cmd);
	return EXIT_USAGE;
}

int cmd_print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

	if (!s) {
		fprintf(stderr, "wasmpack: out of memory\n");
		return EXIT_FAIL;
	}
	puts(s);
	free(s);
	return EXIT_OK;
}

void cmd_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_escaped(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int main(int argc, char **argv)
{
	const struct command *c;
	int status;

	/* a file-size limit (ulimit -f) makes write() fail with EFBIG, which
	 * every writer reports and cleans up after, instead of killing us
	 * with half-written files left behind */
	signal(SIGXFSZ, SIG_IGN);
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_overview(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cmd_version(1, argv + 1);
	c = cmd_find(argv[1]);
	if (!c) {
		fprintf(stderr, "wasmpack: unknown command '%s' (see 'wasmpack help')\n", argv[1]);
		return EXIT_USAGE;
	}
	status = c->fn(argc - 1, argv + 1);
	if (fflush(stdout) != 0 && status == EXIT_OK) {
		perror("wasmpack: writing output");
		status = EXIT_FAIL;
	}
	return status;
}
