#!/usr/bin/env bash
# SBOM, provenance and signatures against the real CNCF distribution
# registry (Debian's docker-registry 2.8, which has no referrers API: the
# tag-schema path): build --push --sign attaches them; the registry's own
# tag list and manifests show the "sha256-<hex>" index and the
# "sha256-<hex>.sig" signature image; skopeo reads the artifacts;
# `openssl dgst -verify` checks the signature over the payload fetched
# with curl; `wasmpack verify` passes, and fails naming the problem for
# another key and for a signature moved onto another image.  Attaching
# again (sign) keeps what the index held.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry jq curl openssl skopeo python3

start_registry attest
cd "$T_TMP"
"$WASMPACK" generate-key --output-key-prefix k1 2>/dev/null
"$WASMPACK" generate-key --output-key-prefix k2 2>/dev/null
api() { curl -fsS -H "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json" "http://$REG/v2/$1"; }

run "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t "$REG/att/hello:v1" --sign --key k1.key
check_match "build --push --sign prints the image by digest" "^$REG/att/hello@sha256:[0-9a-f]{64}$" "$T_OUT"
[ "$T_RC" -eq 0 ] || echo "# $T_ERR"
D=${T_OUT#*@}
H=${D#sha256:}
tags=$(api att/hello/tags/list | jq -r '.tags | sort | join(" ")')
check_eq "the registry lists the image tag, the referrers index and the signature" "sha256-$H sha256-$H.sig v1" "$tags"
run curl -s -o /dev/null -w '%{http_code}' "http://$REG/v2/att/hello/referrers/$D"
check_eq "this registry has no referrers API (the tag schema is what is tested)" 404 "$T_OUT"
idx=$(api "att/hello/manifests/sha256-$H")
check_eq "the referrers index lists SBOM, provenance and bundle" \
	"application/spdx+json application/vnd.dev.sigstore.bundle.v0.3+json application/vnd.in-toto+json" \
	"$(jq -r '[.manifests[].artifactType] | sort | join(" ")' <<<"$idx")"
sbom_d=$(jq -r '.manifests[] | select(.artifactType == "application/spdx+json") | .digest' <<<"$idx")
run skopeo inspect --raw --tls-verify=false "docker://$REG/att/hello@$sbom_d"
check_eq "skopeo reads the SBOM artifact; its subject is the image" "$D" "$(jq -r .subject.digest <<<"$T_OUT")"
run "$WASMPACK" sbom "$REG/att/hello:v1"
check_eq "wasmpack sbom reads it back from the registry" "SPDX-2.3 pkg:oci/hello@sha256%3A$H?repository_url=$REG/att/hello" \
	"$(jq -r '"\(.spdxVersion) \(.packages[0].externalRefs[0].referenceLocator)"' <<<"$T_OUT")"

# the simple-signing signature, fetched with curl, checked by openssl
sigm=$(api "att/hello/manifests/sha256-$H.sig")
ld=$(jq -r '.layers[0].digest' <<<"$sigm")
curl -fsS "http://$REG/v2/att/hello/blobs/$ld" >payload.json
jq -r '.layers[0].annotations["dev.cosignproject.cosign/signature"]' <<<"$sigm" | base64 -d >sig.der
check_eq "the payload names this image and repository" "$D $REG/att/hello" \
	"$(jq -r '"\(.critical.image["docker-manifest-digest"]) \(.critical.identity["docker-reference"])"' payload.json)"
run openssl dgst -sha256 -verify k1.pub -signature sig.der payload.json
check_eq "openssl dgst -verify accepts the signature" "Verified OK" "$T_OUT"

run "$WASMPACK" verify "$REG/att/hello:v1" --key k1.pub
check_eq "wasmpack verify passes with the key" 0 "$T_RC"
check_eq "... finding both signatures valid" 2 "$(grep -c 'ok  signature.*valid, by the key' <<<"$T_OUT")"
expect_error "verify with another key exits 1" 1 "no signature by k2.pub covers $D" \
	"$WASMPACK" verify "$REG/att/hello:v1" --key k2.pub

# sign again with the second key: the index keeps SBOM and provenance
run "$WASMPACK" sign "$REG/att/hello:v1" --key k2.key
check_eq "sign REF prints the digest" "0 $D" "$T_RC $T_OUT"
check_eq "the index now holds four artifacts (two bundles)" 4 "$(api "att/hello/manifests/sha256-$H" | jq '.manifests | length')"
run "$WASMPACK" verify "$REG/att/hello:v1" --key k2.pub
check_eq "verify with the second key passes" 0 "$T_RC"

# a signature moved onto another image is caught
run "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t "$REG/att/hello:v2" --label other=1 --sbom none --no-provenance
D2=${T_OUT#*@}
printf '%s' "$sigm" >sigm.json
curl -fsS -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" --data-binary @sigm.json \
	"http://$REG/v2/att/hello/manifests/sha256-${D2#sha256:}.sig" >/dev/null
expect_error "a signature for another digest fails verify" 1 "signs $D, not this image \($D2\)" \
	"$WASMPACK" verify "$REG/att/hello:v2" --key k1.pub
run "$WASMPACK" attestations "$REG/att/hello:v1"
check_eq "attestations lists what is attached" 0 "$T_RC"
check_match "... the provenance among it" "ok  provenance \(in-toto\)" "$T_OUT"

# push from a layout carries the attachments; push --sign signs there
"$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" -o oci:lay --label from=layout --sign --key k1.key >/dev/null 2>&1
run "$WASMPACK" push oci:lay "$REG/att/pushed:v1"
check_eq "push from a layout" 0 "$T_RC"
D3=${T_OUT#*@}
check_eq "the layout's SBOM, provenance and bundle went with the image" \
	"application/spdx+json application/vnd.dev.sigstore.bundle.v0.3+json application/vnd.in-toto+json" \
	"$(api "att/pushed/manifests/sha256-${D3#sha256:}" | jq -r '[.manifests[].artifactType] | sort | join(" ")')"
run "$WASMPACK" verify "$REG/att/pushed:v1" --key k1.pub
check_eq "the copied bundle verifies in the registry" 0 "$T_RC"
expect_error "push --sign without --key" 2 "--sign needs --key" "$WASMPACK" push --sign oci:lay "$REG/att/pushed:v2"
run "$WASMPACK" push oci:lay "$REG/att/pushed:v2" --sign --key k2.key
check_eq "push --sign --key" 0 "$T_RC"
check_eq "... writes the .sig image in the registry" "sha256-${D3#sha256:}.sig" \
	"$(api att/pushed/tags/list | jq -r '.tags[] | select(endswith(".sig"))')"
run "$WASMPACK" verify "$REG/att/pushed:v2" --key k2.pub
check_eq "... and verify with that key passes" 0 "$T_RC"

# The referrers-API path, against tests/e2e/lib/referrers-proxy.js: our own
# stand-in that adds the API (OCI-Subject, GET .../referrers/) in front of
# the same real registry, since no registry with the API is packaged.
start_bg "$T_TMP/rproxy.log" node "$E2E_LIB/referrers-proxy.js" "$T_TMP/rproxy.port" "${REG#*:}"
wait_file "$T_TMP/rproxy.port"
P="127.0.0.1:$(cat "$T_TMP/rproxy.port")"
run "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t "$P/api/hello:v1" --label api=1 --sign --key k1.key
check_eq "build --push --sign through a registry with the referrers API" 0 "$T_RC"
DA=${T_OUT#*@}
check_eq "no referrers tag is written when the registry acknowledges the subject" "sha256-${DA#sha256:}.sig v1" \
	"$(api api/hello/tags/list | jq -r '.tags | sort | join(" ")')"
check_eq "the API lists SBOM, provenance and bundle" \
	"application/spdx+json application/vnd.dev.sigstore.bundle.v0.3+json application/vnd.in-toto+json" \
	"$(curl -fsS "http://$P/v2/api/hello/referrers/$DA" | jq -r '[.manifests[].artifactType] | sort | join(" ")')"
run "$WASMPACK" verify "$P/api/hello:v1" --key k1.pub
check_eq "verify reads the referrers through the API" 0 "$T_RC"
check_match "... and finds the bundle there" "ok  signature \(sigstore bundle v0.3\)" "$T_OUT"
run "$WASMPACK" sbom "$P/api/hello:v1" --provenance
check_eq "sbom --provenance through the API" "$DA" "sha256:$(jq -r '.subject[0].digest.sha256' <<<"$T_OUT")"
run "$WASMPACK" verify "$REG/api/hello:v1" --key k1.pub
check_match "the same registry without the API sees only the .sig signature" \
	"^sha256:[0-9a-f]{64}
  ok  signature \(cosign simple signing\)[^
]*$" "$T_OUT"

# two tags in one repository: attached and signed once
run "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t "$REG/att/two:a" -t "$REG/att/two:b" --label two=1 --sign --key k1.key
check_eq "build --push with two tags of one repository" 0 "$T_RC"
DT=${T_OUT#*@}
check_eq "... one signature layer, not one per tag" 1 "$(api "att/two/manifests/sha256-${DT#sha256:}.sig" | jq '.layers | length')"
check_eq "... one SBOM, one provenance, one bundle" 3 "$(api "att/two/manifests/sha256-${DT#sha256:}" | jq '.manifests | length')"

# compare-and-swap of the tag index: the PUT carries If-Match with the ETag
# the registry gave for the index; a 412 (another writer came first) is
# read again and retried (a stand-in for a registry that honours If-Match:
# distribution ignores it, which the read-back covers)
start_bg "$T_TMP/cas.log" env NO_API=1 CAS=1 node "$E2E_LIB/referrers-proxy.js" "$T_TMP/cas.port" "${REG#*:}"
wait_file "$T_TMP/cas.port"
C="127.0.0.1:$(cat "$T_TMP/cas.port")"
"$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t "$C/att/cas:v1" --label cas=1 --sbom none >/dev/null 2>&1
run "$WASMPACK" sign "$C/att/cas:v1" --key k1.key
check_eq "sign through a registry answering 412 once" 0 "$T_RC"
DC=$T_OUT
check_match "the index PUT carried If-Match with the registry's ETag" \
	"if-match PUT /v2/att/cas/manifests/sha256-${DC#sha256:} \"sha256:[0-9a-f]{64}\"" "$(cat "$T_TMP/cas.log")"
check_match "the 412 was retried" "changed under us; retrying" "$T_ERR"
check_eq "the index holds provenance and bundle after the retry" \
	"application/vnd.dev.sigstore.bundle.v0.3+json application/vnd.in-toto+json" \
	"$(api "att/cas/manifests/sha256-${DC#sha256:}" | jq -r '[.manifests[].artifactType] | sort | join(" ")')"

# a registry with the single-request upload (POST ?digest= with the bytes:
# 201; distribution 2.8 ignores the body and answers 202, which every test
# above goes through): small blobs go up in one request each
start_bg "$T_TMP/single.log" env NO_API=1 SINGLE_POST=1 node "$E2E_LIB/referrers-proxy.js" "$T_TMP/single.port" "${REG#*:}"
wait_file "$T_TMP/single.port"
S="127.0.0.1:$(cat "$T_TMP/single.port")"
run "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t "$S/att/single:v1" --label single=1 --sign --key k1.key
check_eq "build --push --sign through a registry with the single POST" 0 "$T_RC"
DS=${T_OUT#*@}
check_eq "every blob (image, signature, SBOM, provenance, bundle, empty config) went up in one request" 8 \
	"$(grep -c "^single-post att/single sha256:" "$T_TMP/single.log")"
check_eq "... and the registry lists the index and the signature" "sha256-${DS#sha256:} sha256-${DS#sha256:}.sig v1" \
	"$(api att/single/tags/list | jq -r '.tags | sort | join(" ")')"
run "$WASMPACK" verify "$REG/att/single:v1" --key k1.pub
check_eq "verify (straight at the registry) passes" 0 "$T_RC"

# the attachments are prepared while the image is pushed, but nothing is
# tagged before the image is there: a push that fails leaves no tag
start_bg "$T_TMP/refuse.log" env NO_API=1 REFUSE_TAG=v9 node "$E2E_LIB/referrers-proxy.js" "$T_TMP/refuse.port" "${REG#*:}"
wait_file "$T_TMP/refuse.port"
F="127.0.0.1:$(cat "$T_TMP/refuse.port")"
run "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t "$F/att/refused:v9" --label refused=1 --sign --key k1.key
check_eq "a build whose image manifest is refused exits 1" 1 "$T_RC"
check_match "... naming the manifest" "manifest v9.*refused by the test" "$T_ERR"
check_eq "... and no referrers index or signature tag names the missing image" 0 \
	"$(curl -sS "http://$REG/v2/att/refused/tags/list" | jq '.tags // [] | length')"

# pull --attestations: the attachments come along into the layout, so
# verify works there without the registry
run "$WASMPACK" pull "$REG/att/hello:v1" -o oci:pulled --attestations
check_eq "pull --attestations" "0 $REG/att/hello@$D" "$T_RC $T_OUT"
check_eq "the layout holds the image, its referrers index and its .sig tag" "sha256-$H sha256-$H.sig v1" \
	"$(jq -r '[.manifests[].annotations["org.opencontainers.image.ref.name"]] | sort | join(" ")' pulled/index.json)"
li=$(jq -r --arg t "sha256-$H" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' pulled/index.json)
check_eq "... the layout's index lists what the registry's does" \
	"$(api "att/hello/manifests/sha256-$H" | jq -c '[.manifests[].digest] | sort')" \
	"$(jq -c '[.manifests[].digest] | sort' "pulled/blobs/sha256/${li#sha256:}")"
run "$WASMPACK" verify oci:pulled --key k1.pub
check_eq "verify on the pulled layout passes with the key" 0 "$T_RC"
check_eq "... finding both signatures by it (.sig and bundle)" 2 "$(grep -c 'ok  signature.*valid, by the key' <<<"$T_OUT")"
run "$WASMPACK" verify oci:pulled --key k2.pub
check_eq "... and those of the second signer" 0 "$T_RC"
check_eq "sbom on the layout gives the registry's SBOM byte for byte" \
	"$("$WASMPACK" sbom "$REG/att/hello:v1" | sha256sum)" "$("$WASMPACK" sbom oci:pulled | sha256sum)"
"$WASMPACK" pull "$REG/att/hello:v1" -o oci:bare >/dev/null 2>&1
expect_error "without --attestations the layout holds no signature (the default)" 1 "no signature by k1.pub" \
	"$WASMPACK" verify oci:bare --key k1.pub
expect_error "--attestations with an archive is a usage error" 2 "--attestations needs an oci:DIR layout" \
	"$WASMPACK" pull "$REG/att/hello:v1" -o oci-archive:x.tar --attestations
check_eq "... writing nothing" "no" "$([ -e x.tar ] && echo yes || echo no)"
run "$WASMPACK" pull "$REG/att/hello:v2" -o oci:pulled-moved --attestations
check_eq "pull --attestations of the image carrying a moved signature" 0 "$T_RC"
expect_error "... verify on the layout catches it offline" 1 "signs $D, not this image \($D2\)" \
	"$WASMPACK" verify oci:pulled-moved --key k1.pub
run "$WASMPACK" pull "$P/api/hello:v1" -o oci:pulled-api --attestations
check_eq "pull --attestations through the referrers API" 0 "$T_RC"
run "$WASMPACK" verify oci:pulled-api --key k1.pub
check_match "... the bundle the API listed is in the layout" "ok  signature \(sigstore bundle v0.3\)" "$T_OUT"

# a layout output and a push in one build: the layout is signed by the
# main thread, the registry's attachments by the preparing thread
run "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" -o oci:both --push -t "$REG/att/both:v1" --label both=1 --sign --key k2.key
check_eq "build -o oci:DIR --push --sign" 0 "$T_RC"
run "$WASMPACK" verify oci:both --key k2.pub
check_eq "... the layout verifies" 0 "$T_RC"
run "$WASMPACK" verify "$REG/att/both:v1" --key k2.pub
check_eq "... and so does the registry" 0 "$T_RC"
