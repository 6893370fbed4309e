#!/usr/bin/env bash
# @sigstore/oci (npm, pinned, installed by `make deps`, run with the pinned
# node) against what wasmpack attached in the real distribution registry
# (Debian's docker-registry 2.8, no referrers API: the tag schema).
# @sigstore/oci's public API writes (attachArtifactToImage) and reads the
# image digest (getImageDigest); it has no call that lists referrers, so
# it is checked reading the tag index the way it uses it: attaching one
# more artifact makes it GET wasmpack's "sha256-<hex>" index, require an
# OCI image index, merge its entry and PUT it back (with the ETag).
# wasmpack's entries must survive that, and wasmpack must in turn read the
# index @sigstore/oci wrote (and check the artifact it added).
# The registry asks for Basic credentials: @sigstore/oci's sign-in expects
# a challenge (or 200) to its probe POST, and distribution without auth
# answers that with a plain 202 it cannot read.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
export ATTEST_NODE_MODULES="$WASMPACK_ROOT/.deps/attest/node_modules"
if [ ! -d "$ATTEST_NODE_MODULES/@sigstore/oci" ]; then
	skip "$(basename "$0")" "@sigstore/oci is not installed (make deps)"
	exit 0
fi
need_tools docker-registry node jq curl htpasswd
V="$WASMPACK_ROOT/tests/lib/attest-verify.mjs"

PW=sigoci-$$
htpasswd -Bbn alice "$PW" >"$T_TMP/htpasswd"
start_registry sigoci "" "" "auth: {htpasswd: {realm: basic-realm, path: $T_TMP/htpasswd}}"
export WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW WASMPACK_REGISTRY=$REG
export OCI_USERNAME=alice OCI_PASSWORD=$PW
cd "$T_TMP"
"$WASMPACK" generate-key --output-key-prefix k1 2>/dev/null
api() { curl -fsS -u "alice:$PW" -H "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json" "http://$REG/v2/$1"; }

run "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t "$REG/sig/hello:v1" --sign --key k1.key
check_eq "build --push --sign" 0 "$T_RC"
D=${T_OUT#*@}
H=${D#sha256:}
before=$(api "sig/hello/manifests/sha256-$H" | jq -c '[.manifests[].digest] | sort')

# the bundle wasmpack attached, attached once more by @sigstore/oci
bm=$(api "sig/hello/manifests/sha256-$H" | jq -r '.manifests[] | select(.artifactType == "application/vnd.dev.sigstore.bundle.v0.3+json") | .digest')
bl=$(api "sig/hello/manifests/$bm" | jq -r '.layers[0].digest')
curl -fsS -u "alice:$PW" "http://$REG/v2/sig/hello/blobs/$bl" >bundle.json
run node "$V" oci-attach "$REG/sig/hello" v1 bundle.json application/vnd.dev.sigstore.bundle.v0.3+json
check_eq "@sigstore/oci attaches to the image wasmpack pushed" 0 "$T_RC"
[ "$T_RC" -eq 0 ] || echo "# $T_OUT $T_ERR"
check_eq "... getImageDigest reads the digest wasmpack printed" "$D" "${T_OUT%% *}"
A=${T_OUT#* }
after=$(api "sig/hello/manifests/sha256-$H")
check_eq "... it read wasmpack's tag index: every entry wasmpack wrote is kept" "$before" \
	"$(jq -c --arg a "$A" '[.manifests[].digest | select(. != $a)] | sort' <<<"$after")"
check_eq "... and its own artifact was added to it" 1 "$(jq --arg a "$A" '[.manifests[] | select(.digest == $a)] | length' <<<"$after")"
check_eq "the index is still an OCI image index" "application/vnd.oci.image.index.v1+json" "$(jq -r .mediaType <<<"$after")"

run "$WASMPACK" verify "$REG/sig/hello:v1" --key k1.pub
check_eq "wasmpack verify reads the index @sigstore/oci wrote" 0 "$T_RC"
check_eq "... and checks the bundle it attached too (3 signatures by the key)" 3 \
	"$(grep -c 'ok  signature.*valid, by the key' <<<"$T_OUT")"
check_match "... naming the artifact @sigstore/oci made" "${A#sha256:}" "$("$WASMPACK" attestations "$REG/sig/hello:v1" 2>&1)"

# and the other way round: wasmpack attaches after @sigstore/oci
run "$WASMPACK" sign "$REG/sig/hello:v1" --key k1.key
check_eq "wasmpack sign after @sigstore/oci" 0 "$T_RC"
check_eq "... keeps @sigstore/oci's entry in the index" 1 \
	"$(api "sig/hello/manifests/sha256-$H" | jq --arg a "$A" '[.manifests[] | select(.digest == $a)] | length')"
