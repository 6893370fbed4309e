/*
 * build_attest.h - the attachments of `wasmpack build`: SBOM and
 * provenance made before anything is published (a bad lock file or key
 * stops the build with nothing written), attached and signed after the
 * image is in each layout output and each pushed repository.
 */
#ifndef CMD_BUILD_ATTEST_H
#define CMD_BUILD_ATTEST_H

#include "../attest/attest.h"
#include "../builders/builder.h"
#include "../builders/source.h"
#include "../common/strv.h"
#include "../registry/registry.h"

struct build_attest {
	int sbom;             /* enum attest_sbom_format */
	int provenance;       /* 1 unless --no-provenance */
	const char *key_file; /* --sign --key */
	struct attest_key *key;
	struct oci_image *arts[2];
	size_t narts;
	struct build_attest_job *jobs; /* one per pushed repository */
	size_t njobs;
};

/* Load the key (if any): before the build, so a bad key costs nothing. */
int build_attest_prepare(struct build_attest *a);

/* Make the SBOM and provenance of `img`. */
int build_attest_make(struct build_attest *a, const struct oci_image *img,
		      const struct builder_result *br, const struct source_facts *src,
		      const uint8_t *wasm, size_t wasm_len, time_t created, int debug,
		      const struct wp_strv *pushrefs);

/* Before the image is pushed: for each pushed repository, open a session
 * and start preparing its attachments (sign, upload the blobs and the
 * artifacts' manifests by digest) in a thread of its own, so that the
 * attachments cost the push few round trips of its own. */
int build_attest_start(struct build_attest *a, const struct oci_image *img,
		       const struct wp_strv *pushrefs, const struct registry_opts *ro, time_t created);

/* After the image is published everywhere: attach (and sign) in every
 * oci: output, and commit the prepared registry attachments (the tags). */
int build_attest_publish(struct build_attest *a, const struct oci_image *img,
			 const struct wp_strv *outputs, time_t created);

void build_attest_release(struct build_attest *a);

#endif
