/*
 * attest_sbom.c - the dependencies an SBOM lists come from the lock files
 * (attest/lockfiles.c): Cargo.lock registry packages with their checksums
 * (workspace members left out), package-lock.json v3 packages (nested and
 * scoped names, integrity turned into hex), go.sum modules (the /go.mod
 * lines left out); sorted and deduplicated; a malformed file is an error
 * naming it.  The SBOM (attest/sbom.c) lists them with purls and checksums
 * and DEPENDS_ON relationships, in SPDX and CycloneDX, byte-identical for
 * the same inputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "unit.h"

#include "../../attest/attest.h"
#include "../../common/error.h"
#include "../../common/fs.h"

static char *tmpdir(void)
{
	char *d = NULL;

	assert_int_equal(wp_fs_mkdtemp("attest-unit", &d), 0);
	return d;
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p = wp_path_join(dir, name);

	assert_int_equal(wp_fs_write_atomic(p, text, strlen(text), 0644), 0);
	free(p);
}

static const char CARGO[] =
	"version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"itoa\",\n]\n\n"
	"[[package]]\nname = \"itoa\"\nversion = \"1.0.9\"\n"
	"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
	"checksum = \"af150ab688ff2122fcef229be89cb50dd66af9e01a4ff320cc137eecc9bacc38\"\n";

static const char NPM[] =
	"{\"lockfileVersion\":3,\"packages\":{\"\":{\"name\":\"app\"},"
	"\"node_modules/@as/core\":{\"version\":\"1.2.3\",\"integrity\":\"sha512-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==\"},"
	"\"node_modules/a/node_modules/b\":{\"version\":\"0.0.1\",\"dev\":true}}}";

static const char GOSUM[] =
	"golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\n"
	"golang.org/x/text v0.14.0/go.mod h1:18ZOQIKpY8NJVqYksKHtTdi31H5itFRjB5/qKTNYzSU=\n";

static void test_lockfiles(void **state)
{
	struct attest_deps d;
	char *dir = tmpdir();
	size_t i;
	(void)state;

	put(dir, "Cargo.lock", CARGO);
	put(dir, "package-lock.json", NPM);
	put(dir, "go.sum", GOSUM);
	assert_int_equal(attest_deps_read(dir, &d), 0);
	assert_int_equal(d.n, 4);
	/* sorted by purl */
	assert_string_equal(d.items[0].purl, "pkg:cargo/itoa@1.0.9");
	assert_string_equal(d.items[0].alg, "SHA256");
	assert_string_equal(d.items[0].checksum, "af150ab688ff2122fcef229be89cb50dd66af9e01a4ff320cc137eecc9bacc38");
	assert_string_equal(d.items[1].purl, "pkg:golang/golang.org/x/text@v0.14.0");
	assert_null(d.items[1].checksum);
	assert_string_equal(d.items[2].purl, "pkg:npm/%40as/core@1.2.3");
	assert_string_equal(d.items[2].name, "@as/core");
	assert_string_equal(d.items[2].alg, "SHA512");
	assert_int_equal(strlen(d.items[2].checksum), 128);
	assert_memory_equal(d.items[2].checksum, "000102030405", 12);
	assert_string_equal(d.items[3].purl, "pkg:npm/b@0.0.1");
	assert_int_equal(d.items[3].dev, 1); /* a build tool, not part of the module */
	assert_int_equal(d.items[2].dev, 0);
	for (i = 0; i < d.n; i++)
		assert_string_not_equal(d.items[i].name, "app");
	attest_deps_release(&d);
	wp_fs_remove_tree(dir);
	free(dir);
}

static void test_lockfile_errors(void **state)
{
	struct attest_deps d;
	char *dir = tmpdir();
	(void)state;

	assert_int_equal(attest_deps_read(dir, &d), 0);
	assert_int_equal(d.n, 0);
	put(dir, "go.sum", "garbage\n");
	assert_int_equal(attest_deps_read(dir, &d), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), "go.sum:1"));
	put(dir, "go.sum", "");
	put(dir, "package-lock.json", "{\"lockfileVersion\":1,\"dependencies\":{}}");
	assert_int_equal(attest_deps_read(dir, &d), WP_EINVALID);
	assert_non_null(strstr(wp_error_last(), "lockfileVersion 2 or 3"));
	wp_fs_remove_tree(dir);
	free(dir);
}

static void sbom(int format, const struct attest_deps *deps, json_t **out, uint8_t **bytes, size_t *len)
{
	static const uint8_t wasm[] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
	struct attest_build_info b = {
		.name = "app", .version = "0.1.0", .builder = "rust", .toolchain = "rustc 1.63.0 (wasm32-wasi)",
		.format = "image", .wasm = wasm, .wasm_len = sizeof(wasm),
		.image_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		.created = 1700000000, .deps = deps,
	};
	json_error_t je;

	assert_int_equal(attest_sbom_build(format, &b, bytes, len), 0);
	*out = json_loadb((const char *)*bytes, *len, 0, &je);
	assert_non_null(*out);
}

static void test_sbom_lists_deps(void **state)
{
	struct attest_deps d;
	char *dir = tmpdir();
	json_t *spdx, *cdx, *again;
	uint8_t *b1, *b2, *b3;
	size_t l1, l2, l3, i, depends = 0;
	(void)state;

	put(dir, "Cargo.lock", CARGO);
	assert_int_equal(attest_deps_read(dir, &d), 0);
	sbom(ATTEST_SBOM_SPDX, &d, &spdx, &b1, &l1);
	sbom(ATTEST_SBOM_SPDX, &d, &again, &b2, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1); /* same inputs, same bytes */
	assert_int_equal(json_array_size(json_object_get(spdx, "packages")), 3); /* module, itoa, rustc */
	{
		json_t *dep = json_array_get(json_object_get(spdx, "packages"), 1);
		assert_string_equal(json_string_value(json_object_get(dep, "name")), "itoa");
		assert_string_equal(json_string_value(json_object_get(dep, "versionInfo")), "1.0.9");
		assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(dep, "externalRefs"), 0), "referenceLocator")),
				    "pkg:cargo/itoa@1.0.9");
	}
	for (i = 0; i < json_array_size(json_object_get(spdx, "relationships")); i++) {
		json_t *r = json_array_get(json_object_get(spdx, "relationships"), i);
		depends += !strcmp(json_string_value(json_object_get(r, "relationshipType")), "DEPENDS_ON");
	}
	assert_int_equal(depends, 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(spdx, "creationInfo"), "created")),
			    "2023-11-14T22:13:20Z");
	sbom(ATTEST_SBOM_CYCLONEDX, &d, &cdx, &b3, &l3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(cdx, "components"), 0), "purl")),
			    "pkg:cargo/itoa@1.0.9");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(cdx, "components"), 0), "hashes"), 0), "alg")),
			    "SHA-256");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(json_object_get(cdx, "metadata"), "tools"), "components"), 1), "version")),
			    "1.63.0");
	json_decref(spdx);
	json_decref(again);
	json_decref(cdx);
	free(b1);
	free(b2);
	free(b3);
	attest_deps_release(&d);
	wp_fs_remove_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockfiles),
		cmocka_unit_test(test_lockfile_errors),
		cmocka_unit_test(test_sbom_lists_deps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
