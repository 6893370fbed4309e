/*
 * version.c - `wasmpack version`: our version and the libraries we run on.
 */
#include <stdio.h>
#include <string.h>

#include <archive.h>
#include <curl/curl.h>
#include <git2.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "cmd.h"

int cmd_version(int argc, char **argv)
{
	curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	int major = 0, minor = 0, rev = 0;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cmd_print_usage("version");
	if (argc > 1)
		return cmd_usage_error("version", "unexpected argument '%s'", argv[1]);
	git_libgit2_version(&major, &minor, &rev);
	printf("wasmpack %s\n", WASMPACK_VERSION);
	fprintf(stderr, "%s, %s, jansson %s, libcurl %s, libgit2 %d.%d.%d\n",
		archive_version_string(), OpenSSL_version(OPENSSL_VERSION), jansson_version_str(),
		cv->version, major, minor, rev);
	return EXIT_OK;
}
