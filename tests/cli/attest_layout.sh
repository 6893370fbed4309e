#!/usr/bin/env bash
# SBOM, provenance and signatures in an OCI layout: attached by default as
# referrers (tag schema in index.json), read back by `sbom`,
# `attestations` and `verify`; signatures checked by OpenSSL's own
# `openssl dgst -verify`, independently of wasmpack; every kind of
# tampering (another key, a changed manifest, a signature for another
# digest, a truncated bundle, an SBOM whose subject is another image)
# makes verify exit 1 naming the problem.  Reproducibility: two builds
# in different directories at different times give the same bytes, and
# the image digest is the one a build without attachments gives.
. "$(dirname "$0")/../lib.sh"
need() { have "$1" || { skip "$(basename "$0")" "$1 is not installed"; exit 0; }; }
need jq
need openssl
need python3

cd "$T_TMP"
HELLO="$TESTDATA/hello/hello.wasm"
hex() { jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "latest") | .digest' "$1/index.json" | cut -d: -f2; }
blob() { echo "$1/blobs/sha256/${2#sha256:}"; }
# put_blob LAYOUT FILE: store FILE as a blob, print its digest
put_blob() {
	local d
	d=$(sha256sum <"$2" | cut -d' ' -f1)
	cp "$2" "$1/blobs/sha256/$d"
	echo "sha256:$d"
}
# set_tag LAYOUT TAG DIGEST MEDIATYPE SIZE: point TAG at DIGEST
set_tag() {
	jq --arg t "$2" --arg d "$3" --arg m "$4" --argjson s "$5" \
		'.manifests |= (map(select(.annotations["org.opencontainers.image.ref.name"] != $t)) + [{mediaType: $m, digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": $t}}])' \
		"$1/index.json" >"$1/index.tmp" && mv "$1/index.tmp" "$1/index.json"
}
tag_digest() { jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$1/index.json"; }

"$WASMPACK" generate-key --output-key-prefix k1 2>/dev/null
"$WASMPACK" generate-key --output-key-prefix k2 2>/dev/null
check "generate-key writes a P-256 PKCS#8 key OpenSSL reads" bash -c 'openssl pkey -in k1.key -noout -text | grep -q "NIST CURVE: P-256"'
check_eq "the private key is mode 0600" 600 "$(stat -c %a k1.key)"
check_match "the private key is PKCS#8 PEM" "BEGIN PRIVATE KEY" "$(head -1 k1.key)"
expect_error "generate-key never overwrites" 1 "k1.key already exists" "$WASMPACK" generate-key --output-key-prefix k1

# --- attached by default, signed on request ---
run "$WASMPACK" build --wasm "$HELLO" -o oci:a --sign --key k1.key
check_eq "build --sign succeeds" 0 "$T_RC"
A=$(hex a)
check_eq "the referrers tag names an index" "application/vnd.oci.image.index.v1+json" \
	"$(jq -r --arg t "sha256-$A" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .mediaType' a/index.json)"
idx=$(blob a "$(tag_digest a "sha256-$A")")
check_eq "the index lists an SPDX SBOM, a provenance statement and a sigstore bundle" \
	"application/spdx+json application/vnd.dev.sigstore.bundle.v0.3+json application/vnd.in-toto+json" \
	"$(jq -r '[.manifests[].artifactType] | sort | join(" ")' "$idx")"
sbom_m=$(blob a "$(jq -r '.manifests[] | select(.artifactType == "application/spdx+json") | .digest' "$idx")")
check_eq "each artifact's subject is the image" "sha256:$A" "$(jq -r .subject.digest "$sbom_m")"
check_eq "the artifact uses the empty config" "application/vnd.oci.empty.v1+json" "$(jq -r .config.mediaType "$sbom_m")"
run "$WASMPACK" run oci:a
check_eq "run oci:DIR still finds the one image among the attachment tags" 0 "$T_RC"

run "$WASMPACK" sbom oci:a
check_eq "sbom prints the SPDX document" "SPDX-2.3" "$(jq -r .spdxVersion <<<"$T_OUT")"
check_eq "SPDX: the namespace is derived from the image digest" "https://wasmpack.dev/spdx/hello/$A" \
	"$(jq -r .documentNamespace <<<"$T_OUT")"
check_eq "SPDX: the module's file checksums (SHA1 and SHA256) are the module's" \
	"$(sha1sum <"$HELLO" | cut -d' ' -f1) $(sha256sum <"$HELLO" | cut -d' ' -f1)" \
	"$(jq -r '.files[0].checksums | map(.checksumValue) | join(" ")' <<<"$T_OUT")"
check_eq "SPDX: the module's purl names the image digest" "pkg:oci/hello@sha256%3A$A" \
	"$(jq -r '.packages[0].externalRefs[0].referenceLocator' <<<"$T_OUT")"
check_eq "SPDX: the document DESCRIBES the module" "SPDXRef-Package-module" \
	"$(jq -r '.relationships[] | select(.relationshipType == "DESCRIBES") | .relatedSpdxElement' <<<"$T_OUT")"
# rules of SPDX 2.3 the JSON schema does not express (tests/lib/spdx-check.py)
printf '%s\n' "$T_OUT" >a.spdx.json
run python3 "$WASMPACK_ROOT/tests/lib/spdx-check.py" a.spdx.json "$HELLO"
check_eq "SPDX: unique SPDXIDs, relationships to existing elements, namespace, time, checksums, verification code" \
	"0 ok" "$T_RC $T_OUT"
jq '.packages[0].filesAnalyzed = false | .relationships[0].relatedSpdxElement = "SPDXRef-gone"' a.spdx.json >a-bad.spdx.json
run python3 "$WASMPACK_ROOT/tests/lib/spdx-check.py" a-bad.spdx.json "$HELLO"
check_eq "... and the checker finds a dangling relationship and files in an unanalyzed package" 2 \
	"$(grep -cE 'SPDXRef-gone, which is not|filesAnalyzed is false but' <<<"$T_OUT")"
run "$WASMPACK" sbom oci:a --provenance
check_eq "provenance: in-toto v1 statement" "https://in-toto.io/Statement/v1" "$(jq -r ._type <<<"$T_OUT")"
check_eq "provenance: SLSA v1 predicate" "https://slsa.dev/provenance/v1" "$(jq -r .predicateType <<<"$T_OUT")"
check_eq "provenance: subject = image manifest digest" "$A" "$(jq -r '.subject[0].digest.sha256' <<<"$T_OUT")"
check_eq "provenance: wasmpack's buildType" "https://wasmpack.dev/attestations/build/v1" \
	"$(jq -r .predicate.buildDefinition.buildType <<<"$T_OUT")"
check_eq "provenance: a local builder id outside CI" "https://wasmpack.dev/builders/local" \
	"$(jq -r .predicate.runDetails.builder.id <<<"$T_OUT")"
run env GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=o/r GITHUB_RUN_ID=77 \
	GITHUB_RUN_ATTEMPT=2 GITHUB_WORKFLOW_REF=o/r/.github/workflows/b.yml@refs/heads/main \
	"$WASMPACK" build --wasm "$HELLO" -o oci:gh
run "$WASMPACK" sbom oci:gh --provenance
check_eq "provenance: GitHub Actions builder id and invocation id" \
	"https://github.com/o/r/.github/workflows/b.yml@refs/heads/main https://github.com/o/r/actions/runs/77/attempts/2" \
	"$(jq -r '.predicate.runDetails | "\(.builder.id) \(.metadata.invocationId)"' <<<"$T_OUT")"
run "$WASMPACK" build --wasm "$HELLO" -o oci:cdx --sbom cyclonedx --no-provenance
run "$WASMPACK" sbom oci:cdx --format cyclonedx
check_eq "--sbom cyclonedx: a CycloneDX 1.6 BOM" "CycloneDX 1.6" "$(jq -r '"\(.bomFormat) \(.specVersion)"' <<<"$T_OUT")"
check_match "CycloneDX: serial number is a URN UUID" '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$' \
	"$(jq -r .serialNumber <<<"$T_OUT")"
expect_error "--no-provenance attaches none" 1 "no application/vnd.in-toto\+json attached" "$WASMPACK" sbom oci:cdx --provenance
expect_error "--sbom with an unknown format" 2 "unknown --sbom 'xml'" "$WASMPACK" build --wasm "$HELLO" -o oci:x --sbom xml
expect_error "--sign without --key" 2 "--sign needs --key" "$WASMPACK" build --wasm "$HELLO" -o oci:x --sign
check "nothing was written by the refused builds" test ! -e x

# --- verify, and OpenSSL as the independent verifier ---
run "$WASMPACK" verify oci:a --key k1.pub
check_eq "verify with the signing key exits 0" 0 "$T_RC"
check_match "verify lists the simple-signing signature as valid" "ok  signature \(cosign simple signing\).*valid, by the key" "$T_OUT"
check_match "verify lists the sigstore bundle as valid" "ok  signature \(sigstore bundle v0.3\).*valid, by the key" "$T_OUT"
sigm=$(blob a "$(tag_digest a "sha256-$A.sig")")
check_eq "the .sig layer is a simple-signing payload" "application/vnd.dev.cosign.simplesigning.v1+json" "$(jq -r '.layers[0].mediaType' "$sigm")"
payload=$(blob a "$(jq -r '.layers[0].digest' "$sigm")")
jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' "$sigm" | base64 -d >sig.der
check_eq "the payload names the image digest" "sha256:$A" "$(jq -r '.critical.image["docker-manifest-digest"]' "$payload")"
run openssl dgst -sha256 -verify k1.pub -signature sig.der "$payload"
check_eq "openssl dgst -verify accepts the simple-signing signature" "Verified OK" "$T_OUT"
run openssl dgst -sha256 -verify k2.pub -signature sig.der "$payload"
check_eq "openssl dgst -verify refuses it with another key" 1 "$T_RC"
bundle=$(blob a "$(jq -r '.layers[0].digest' "$(blob a "$(jq -r '.manifests[] | select(.artifactType == "application/vnd.dev.sigstore.bundle.v0.3+json") | .digest' "$idx")")")")
jq -r .messageSignature.signature "$bundle" | base64 -d >bsig.der
run openssl dgst -sha256 -verify k1.pub -signature bsig.der "a/blobs/sha256/$A"
check_eq "openssl dgst -verify accepts the bundle's signature over the manifest" "Verified OK" "$T_OUT"
check_eq "the bundle's messageDigest is the image digest" "$A" \
	"$(jq -r .messageSignature.messageDigest.digest "$bundle" | base64 -d | od -An -tx1 | tr -d ' \n')"
check_eq "the bundle's key hint is the SHA-256 of the public key" \
	"$(openssl pkey -pubin -in k1.pub -outform DER | openssl dgst -sha256 -binary | base64)" \
	"$(jq -r .verificationMaterial.publicKey.hint "$bundle")"

run "$WASMPACK" verify oci:a --key k1.pub --json
check_eq "verify --json: digest, two valid signatures, no problems, four findings" "sha256:$A 2 0 4" \
	"$(jq -r '"\(.digest) \(.validSignatures) \(.problems) \(.findings | length)"' <<<"$T_OUT")"
for c in sign verify attestations sbom generate-key; do
	run "$WASMPACK" "$c" -h
	check_match "$c -h prints its usage on stdout" "^usage: wasmpack $c" "$T_OUT"
done
expect_error "sign: an unknown option" 2 "unknown option '--nope'" "$WASMPACK" sign --nope oci:a --key k1.key
expect_error "verify: two references" 2 "expected one REF" "$WASMPACK" verify oci:a oci:b --key k1.pub
expect_error "sbom: an unknown format" 2 "unknown --format 'xml'" "$WASMPACK" sbom oci:a --format xml
expect_error "attestations of an archive" 2 "attachments live in OCI layouts" "$WASMPACK" attestations oci-archive:x.tar
run "$WASMPACK" run --verify-key k1.pub oci:a
check_eq "run --verify-key runs a signed image" "0 hello from wasmpack" "$T_RC $T_OUT"

# --- tampering ---
expect_error "verify with another key exits 1" 1 "no signature by k2.pub covers sha256:$A \(2 signatures by other keys\)" \
	"$WASMPACK" verify oci:a --key k2.pub
run "$WASMPACK" build --wasm "$HELLO" -o oci:u --no-provenance --sbom none
expect_error "verify of an unsigned image exits 1" 1 "no signature by k1.pub covers .* \(0 signatures by other keys\)" "$WASMPACK" verify oci:u --key k1.pub
expect_error "run --verify-key refuses an unsigned image" 1 "no signature by k1.pub covers" \
	"$WASMPACK" run --verify-key k1.pub oci:u
expect_error "run --verify-key refuses a module file" 2 "needs an image in a registry or an oci: layout" \
	"$WASMPACK" run --verify-key k1.pub "$HELLO"
expect_error "verify needs --key" 2 "--key FILE" "$WASMPACK" verify oci:a

# a changed manifest: the image tags and attachment tags moved to the new digest
cp -r a changed
jq -c '.annotations["org.example.changed"] = "yes"' "a/blobs/sha256/$A" | tr -d '\n' >m2.json
M2=$(put_blob changed m2.json)
set_tag changed latest "$M2" application/vnd.oci.image.manifest.v1+json "$(stat -c %s m2.json)"
for suf in "" .sig; do
	d=$(tag_digest changed "sha256-$A$suf")
	set_tag changed "sha256-${M2#sha256:}$suf" "$d" "$(jq -r --arg d "$d" '.manifests[] | select(.digest == $d) | .mediaType' a/index.json | head -1)" \
		"$(stat -c %s "$(blob a "$d")")"
done
expect_error "a changed manifest fails verify" 1 "signs sha256:$A, not this image" "$WASMPACK" verify oci:changed --key k1.pub
expect_error "run --verify-key refuses the changed image" 1 "signs sha256:$A, not this image" \
	"$WASMPACK" run --verify-key k1.pub oci:changed

# a signature for another digest: image B gets A's .sig
run "$WASMPACK" build --wasm "$HELLO" -o oci:b --label other=yes --sbom none --no-provenance
B=$(hex b)
cp -r a/blobs/sha256/. b/blobs/sha256/
set_tag b "sha256-$B.sig" "$(tag_digest a "sha256-$A.sig")" application/vnd.oci.image.manifest.v1+json "$(stat -c %s "$sigm")"
expect_error "a signature for another digest fails verify" 1 "signs sha256:$A, not this image \(sha256:$B\)" "$WASMPACK" verify oci:b --key k1.pub

# an SBOM whose subject is another image: A's SBOM in B's referrers index
jq --arg t "sha256-$B.sig" '.manifests |= map(select(.annotations["org.opencontainers.image.ref.name"] != $t))' \
	b/index.json >b/index.tmp && mv b/index.tmp b/index.json
jq -c '.manifests |= map(select(.artifactType == "application/spdx+json"))' "$idx" | tr -d '\n' >bidx.json
set_tag b "sha256-$B" "$(put_blob b bidx.json)" application/vnd.oci.image.index.v1+json "$(stat -c %s bidx.json)"
run "$WASMPACK" attestations oci:b
check_eq "attestations exits 1 on an SBOM about another image" 1 "$T_RC"
check_match "... naming the SBOM's subject" "its subject is sha256:$A, not this image" "$T_ERR"

# a truncated bundle
cp -r a trunc
head -c 100 "$bundle" >short.json
SHORT=$(put_blob trunc short.json)
bm=$(blob a "$(jq -r '.manifests[] | select(.artifactType == "application/vnd.dev.sigstore.bundle.v0.3+json") | .digest' "$idx")")
jq -c --arg d "$SHORT" --argjson s 100 '.layers[0].digest = $d | .layers[0].size = $s' "$bm" | tr -d '\n' >bm2.json
BM2=$(put_blob trunc bm2.json)
jq -c --arg d "$BM2" --argjson s "$(stat -c %s bm2.json)" \
	'.manifests |= map(if .artifactType == "application/vnd.dev.sigstore.bundle.v0.3+json" then .digest = $d | .size = $s else . end)' \
	"$idx" | tr -d '\n' >tidx.json
set_tag trunc "sha256-$A" "$(put_blob trunc tidx.json)" application/vnd.oci.image.index.v1+json "$(stat -c %s tidx.json)"
expect_error "a truncated bundle fails verify" 1 "the bundle is truncated or not JSON" "$WASMPACK" verify oci:trunc --key k1.pub

# --- keys ---
printf 'not a key\n' >bad.key
expect_error "sign with a file that is no key" 1 "bad.key: not a PEM private" "$WASMPACK" sign oci:a --key bad.key
openssl genpkey -algorithm ed25519 -out ed.key 2>/dev/null
expect_error "sign with a key that is not P-256" 1 "ed.key: not an ECDSA P-256 key" "$WASMPACK" sign oci:a --key ed.key
printf -- '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n' >cosign-enc.key
expect_error "a cosign-encrypted key is refused, saying why" 1 "cosign-encrypted key \(scrypt \+ secretbox\) cannot be read" \
	"$WASMPACK" sign oci:a --key cosign-enc.key
COSIGN_PASSWORD=s3cret "$WASMPACK" generate-key --output-key-prefix enc 2>/dev/null
check_match "with COSIGN_PASSWORD the key is encrypted PKCS#8" "BEGIN ENCRYPTED PRIVATE KEY" "$(head -1 enc.key)"
expect_error "an encrypted key without its password" 1 "wrong or missing password" "$WASMPACK" sign oci:a --key enc.key
run env COSIGN_PASSWORD=s3cret "$WASMPACK" sign oci:a --key enc.key
check_eq "an encrypted key with COSIGN_PASSWORD signs" "0 sha256:$A" "$T_RC $T_OUT"
run "$WASMPACK" verify oci:a --key enc.pub
check_eq "both signers' signatures are kept; verify with the second key" 0 "$T_RC"
check_match "... listing the first signer's as by another key" "--  signature \(cosign simple signing\).*another key" "$T_OUT"
run "$WASMPACK" verify oci:a --key k1.pub
check_eq "... and with the first" 0 "$T_RC"
sigm2=$(blob a "$(tag_digest a "sha256-$A.sig")")
check_eq "the .sig image holds one layer per signer" 2 "$(jq '.layers | length' "$sigm2")"

# --- reproducible ---
mkdir -p one/deep two
cp "$HELLO" one/deep/hello.wasm
cp "$HELLO" two/hello.wasm
touch -d '2020-01-01' two/hello.wasm
(cd one/deep && "$WASMPACK" build --wasm hello.wasm -o "oci:$T_TMP/r1" >/dev/null 2>&1)
sleep 1
(cd two && "$WASMPACK" build --wasm hello.wasm -o "oci:$T_TMP/r2" >/dev/null 2>&1)
"$WASMPACK" build --wasm "$HELLO" -o oci:plain --sbom none --no-provenance >/dev/null 2>&1
check_eq "two builds (other paths, other times): the same SBOM bytes" \
	"$("$WASMPACK" sbom oci:r1 | sha256sum)" "$("$WASMPACK" sbom oci:r2 | sha256sum)"
check_eq "... the same provenance bytes" \
	"$("$WASMPACK" sbom oci:r1 --provenance | sha256sum)" "$("$WASMPACK" sbom oci:r2 --provenance | sha256sum)"
check_eq "... the same referrers index" "$(tag_digest r1 "sha256-$(hex r1)")" "$(tag_digest r2 "sha256-$(hex r2)")"
check_eq "the image digest is the one a build without attachments gives" "$(hex plain)" "$(hex r1)"
run env SOURCE_DATE_EPOCH=1700000000 "$WASMPACK" build --wasm "$HELLO" -o oci:sde
run "$WASMPACK" sbom oci:sde
check_eq "SOURCE_DATE_EPOCH is the SBOM's creation time" "2023-11-14T22:13:20Z" "$(jq -r .creationInfo.created <<<"$T_OUT")"
