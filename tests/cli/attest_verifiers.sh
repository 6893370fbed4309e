#!/usr/bin/env bash
# What wasmpack attaches, checked by independent implementations from npm
# (pinned, installed by `make deps` into .deps/attest, run with the pinned
# node): @sigstore/verify accepts the sigstore bundle over the image
# manifest with the public key as trust material, and refuses it over
# other bytes or with another key; @cyclonedx/cyclonedx-library's strict
# validator accepts the CycloneDX 1.6 BOM (with lock-file dependencies)
# and refuses a broken one.
. "$(dirname "$0")/../lib.sh"
export ATTEST_NODE_MODULES="$WASMPACK_ROOT/.deps/attest/node_modules"
for m in @sigstore/verify @cyclonedx/cyclonedx-library; do
	if [ ! -d "$ATTEST_NODE_MODULES/$m" ]; then
		skip "$(basename "$0")" "$m is not installed (make deps)"
		exit 0
	fi
done
have node && have jq || { skip "$(basename "$0")" "node or jq is not installed"; exit 0; }
V="$WASMPACK_ROOT/tests/lib/attest-verify.mjs"

cd "$T_TMP"
"$WASMPACK" generate-key --output-key-prefix k1 2>/dev/null
"$WASMPACK" generate-key --output-key-prefix k2 2>/dev/null
mkdir p
cp "$TESTDATA/hello/hello.wasm" p/
run "$WASMPACK" build --wasm p/hello.wasm -o oci:o --sign --key k1.key --sbom cyclonedx
check_eq "build --sign --sbom cyclonedx" 0 "$T_RC"
H=$(jq -r '.manifests[0].digest' o/index.json | cut -d: -f2)
idx=o/blobs/sha256/$(jq -r --arg t "sha256-$H" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' o/index.json | cut -d: -f2)
bm=o/blobs/sha256/$(jq -r '.manifests[] | select(.artifactType == "application/vnd.dev.sigstore.bundle.v0.3+json") | .digest' "$idx" | cut -d: -f2)
bundle=o/blobs/sha256/$(jq -r '.layers[0].digest' "$bm" | cut -d: -f2)

run node "$V" bundle "$bundle" "o/blobs/sha256/$H" k1.pub
check_eq "@sigstore/verify accepts the bundle over the image manifest" "0 verified" "$T_RC $T_OUT"
run node "$V" bundle "$bundle" "$bundle" k1.pub
check_match "@sigstore/verify refuses it over other bytes" "SIGNATURE_ERROR" "$T_OUT"
run node "$V" bundle "$bundle" "o/blobs/sha256/$H" k2.pub
check_eq "@sigstore/verify refuses it with another key" 1 "$T_RC"

"$WASMPACK" sbom oci:o --format cyclonedx >bom.json
run node "$V" cyclonedx bom.json
check_eq "cyclonedx-library's strict validator accepts the BOM" "0 valid" "$T_RC $T_OUT"
jq '.components = [{"type": "nonsense", "name": 1}]' bom.json >bad.json
run node "$V" cyclonedx bad.json
check_eq "... and refuses a broken one (the validator can fail)" 1 "$T_RC"

# a from-source build (the C builder) whose directory holds a lock file:
# the BOM lists the dependency with purl and checksum, and the toolchain
have clang-16 || { skip "cyclonedx from source" "clang-16 is not installed"; exit 0; }
cp -r "$TESTDATA/c-plain" src
printf 'version = 3\n\n[[package]]\nname = "itoa"\nversion = "1.0.9"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "af150ab688ff2122fcef229be89cb50dd66af9e01a4ff320cc137eecc9bacc38"\n' >src/Cargo.lock
run "$WASMPACK" build src -o oci:s --sbom cyclonedx --no-cache
check_eq "a from-source build with a lock file" 0 "$T_RC"
"$WASMPACK" sbom oci:s --format cyclonedx >sbom-src.json
check_eq "the BOM lists the locked dependency with its purl and SHA-256" \
	"pkg:cargo/itoa@1.0.9 SHA-256 af150ab688ff2122fcef229be89cb50dd66af9e01a4ff320cc137eecc9bacc38" \
	"$(jq -r '.components[0] | "\(.purl) \(.hashes[0].alg) \(.hashes[0].content)"' sbom-src.json)"
check_eq "... and the toolchain with its version" "clang 16.0.6" \
	"$(jq -r '.metadata.tools.components[1] | "\(.name) \(.version)"' sbom-src.json)"
run node "$V" cyclonedx sbom-src.json
check_eq "cyclonedx-library's strict validator accepts it" "0 valid" "$T_RC $T_OUT"
run "$WASMPACK" sbom oci:s --provenance
check_eq "the provenance names the builder and the release profile" "c release" \
	"$(jq -r '.predicate.buildDefinition.externalParameters | "\(.builder) \(.profile)"' <<<"$T_OUT")"
# the same project's SPDX SBOM (default format): the rules of SPDX 2.3 the
# JSON schema does not express, with a dependency from the lock file
run "$WASMPACK" build src -o oci:spdx
check_eq "a from-source build with the SPDX SBOM" 0 "$T_RC"
"$WASMPACK" sbom oci:spdx >src.spdx.json
check_eq "it lists the locked dependency, DEPENDS_ON it and the toolchain BUILD_TOOL_OF it" \
	"pkg:cargo/itoa@1.0.9 BUILD_TOOL_OF CONTAINS DEPENDS_ON DESCRIBES" \
	"$(jq -r '"\(.packages[1].externalRefs[0].referenceLocator) \([.relationships[].relationshipType] | sort | join(" "))"' src.spdx.json)"
run python3 "$WASMPACK_ROOT/tests/lib/spdx-check.py" src.spdx.json
check_eq "SPDX rules beyond the schema hold" "0 ok" "$T_RC $T_OUT"
# The SPDX 2.3 JSON schema itself: no npm or Debian package ships it
# (searched: cdxgen ships only the 3.0 export schema and the license
# list), so it is read from a checkout of github.com/spdx/spdx-spec
# (branch support/2.3, schemas/spdx-schema.json) named by SPDX_SCHEMA.
if [ -n "${SPDX_SCHEMA:-}" ]; then
	run node "$V" spdx-schema "$SPDX_SCHEMA" src.spdx.json
	check_eq "the SPDX 2.3 JSON schema accepts the document" "0 valid" "$T_RC $T_OUT"
	jq 'del(.creationInfo)' src.spdx.json >broken.spdx.json
	run node "$V" spdx-schema "$SPDX_SCHEMA" broken.spdx.json
	check_eq "and refuses it without creationInfo" "1 data must have required property 'creationInfo'" "$T_RC $T_OUT"
	jq '.packages[0].checksums[0].algorithm = "SHA999"' src.spdx.json >broken.spdx.json
	run node "$V" spdx-schema "$SPDX_SCHEMA" broken.spdx.json
	check_eq "and a checksum of an unknown algorithm" 1 "$T_RC"
else
	skip "SPDX 2.3 JSON schema" "no package ships it: SPDX_SCHEMA=spdx-spec/schemas/spdx-schema.json (branch support/2.3) runs it"
fi
