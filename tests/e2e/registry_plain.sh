#!/usr/bin/env bash
# Set-up 1: the real distribution registry over plain http, no auth.
# Push each format, pull it back byte-identical, skopeo inspect it,
# re-push with no blob uploaded (from the access log); build --push with
# WASMPACK_REPO; --json; an index resolved by --platform; progress lines.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry skopeo jq curl python3

start_registry plain
build_formats
roundtrip plain "--tls-verify=false"

# build --push: WASMPACK_REPO/<name>:latest with no -t, a bare -t v2 under
# WASMPACK_REPO, and no local layout written.
mkdir -p "$T_TMP/work" && cd "$T_TMP/work"
run env WASMPACK_REPO="$REG/ci" "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push
check_match "build --push prints host/repo@digest" "^$REG/ci/hello@sha256:[0-9a-f]{64}$" "$T_OUT"
check "build --push writes no local layout" test ! -e wasmpack-out
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Accept: application/vnd.oci.image.manifest.v1+json" "http://$REG/v2/ci/hello/manifests/latest")
check_eq "no -t pushes \$WASMPACK_REPO/<name>:latest" 200 "$code"
run env WASMPACK_REPO="$REG/ci/" "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t v2 -t "$REG/other/app:x" --json
check_eq "build --push --json: pushed true and every reference" \
	"true $REG/ci/hello:v2 $REG/other/app:x" \
	"$(jq -r '[(.pushed|tostring), (.references[] | select(test("@") | not))] | join(" ")' <<<"$T_OUT")"
for r in ci/hello/manifests/v2 other/app/manifests/x; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Accept: application/vnd.oci.image.manifest.v1+json" "http://$REG/v2/$r")
	check_eq "bare -t and full -t both pushed ($r)" 200 "$code"
done
expect_error "--push with a bare tag and no WASMPACK_REPO is a usage error" 2 \
	"needs WASMPACK_REPO" env -u WASMPACK_REPO "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t v3
expect_error "a bad reference is refused before any traffic" 2 "invalid reference" \
	"$WASMPACK" push "oci:$T_TMP/src-image" "$REG/Bad_Name:v1"

# plain progress lines (stderr is not a terminal): one at start, one at end
run "$WASMPACK" push "oci:$T_TMP/src-image" "$REG/progress/app:v1"
check_eq "non-TTY progress: a start and an end line per blob" "2 2" \
	"$(grep -c '^pushing sha256:' <<<"$T_ERR") $(grep -c '^pushed  sha256:' <<<"$T_ERR")"
check "non-TTY progress has no carriage return" bash -c "! grep -q $'\r' <<<\"\$1\"" _ "$T_ERR"
run "$WASMPACK" push "oci:$T_TMP/src-image" "$REG/progress/app:v1"
check_eq "re-push says every blob exists" 2 "$(grep -c '^exists  sha256:' <<<"$T_ERR")"

# an index: pull chooses by --platform and stores the chosen manifest
m=$(jq -r '.manifests[0].digest' "$T_TMP/src-image/index.json")
msize=$(stat -c %s "$T_TMP/src-image/blobs/sha256/${m#sha256:}")
w=$(jq -r '.manifests[0].digest' "$T_TMP/src-wasm/index.json")
wsize=$(stat -c %s "$T_TMP/src-wasm/blobs/sha256/${w#sha256:}")
"$WASMPACK" push "oci:$T_TMP/src-wasm" "$REG/multi/app:wasm" >/dev/null 2>&1
"$WASMPACK" push "oci:$T_TMP/src-image" "$REG/multi/app:image" >/dev/null 2>&1
cat >"$T_TMP/index.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$w","size":$wsize,"platform":{"os":"wasip1","architecture":"wasm"}},
{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$m","size":$msize,"platform":{"os":"wasi","architecture":"wasm"}}]}
JSON
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" \
	--data-binary @"$T_TMP/index.json" "http://$REG/v2/multi/app/manifests/multi")
check_eq "an index is in the registry" 201 "$code"
run "$WASMPACK" pull "$REG/multi/app:multi" --platform wasi/wasm -o "oci:$T_TMP/from-index"
check_eq "pull --platform wasi/wasm picks that manifest" "$REG/multi/app@$m" "$T_OUT"
run "$WASMPACK" pull "$REG/multi/app:multi" --platform wasip1/wasm -o "oci:$T_TMP/from-index2"
check_eq "pull --platform wasip1/wasm picks the other" "$REG/multi/app@$w" "$T_OUT"
expect_error "pull --platform with no match names what the index has" 1 \
	"no manifest for platform linux/amd64 in the index \(it has: wasip1/wasm, wasi/wasm\)" \
	"$WASMPACK" pull "$REG/multi/app:multi" --platform linux/amd64 -o "oci:$T_TMP/from-index3"
expect_error "pull of a missing tag names registry, status and code" 1 \
	"^wasmpack: pull $REG/multi/app: manifest nope: 404 MANIFEST_UNKNOWN: manifest unknown$" \
	"$WASMPACK" pull "$REG/multi/app:nope" -o "oci:$T_TMP/none"
check "a failed pull writes nothing" test ! -e "$T_TMP/none"

# pull by digest, into an oci-archive; push --json
d=$(jq -r '.manifests[0].digest' "$T_TMP/src-wasm/index.json")
run "$WASMPACK" pull "$REG/plain/wasm@$d" -o "oci-archive:$T_TMP/pulled.tar:v9"
check_eq "pull by digest into an oci-archive" "0 $REG/plain/wasm@$d" "$T_RC $T_OUT"
# a blob already at its digest's path in the destination is hashed, and
# replaced when it does not match (issue 11, item 13)
wl=$(jq -r '.layers[0].digest' "$T_TMP/src-wasm/blobs/sha256/${d#sha256:}")
mkdir -p "$T_TMP/pre/blobs/sha256" && printf 'tampered' >"$T_TMP/pre/blobs/sha256/${wl#sha256:}"
run "$WASMPACK" pull "$REG/plain/wasm@$d" -o "oci:$T_TMP/pre"
check_eq "pull over a tampered blob in the destination replaces it" "0 ${wl#sha256:}" \
	"$T_RC $(sha256sum <"$T_TMP/pre/blobs/sha256/${wl#sha256:}" | cut -d' ' -f1)"
# a manifest listing one 1 MiB layer 600 times: pull downloads it once
# (issue 11, item 10)
python3 "$WASMPACK_ROOT/tests/lib/craft-layout.py" "$T_TMP/repeat" repeat >/dev/null
run "$WASMPACK" push "oci:$T_TMP/repeat" "$REG/plain/repeat:v1"
run /usr/bin/time -f 'maxrss %M' "$WASMPACK" pull "$REG/plain/repeat:v1" -o "oci:$T_TMP/repeat-pulled"
rss=$(sed -n 's/^maxrss //p' <<<"$T_ERR")
check "pull of a layer listed 600 times downloads it once (max RSS ${rss:-?} KB)" \
	test "$T_RC" = 0 -a "${rss:-999999}" -lt 300000
run "$WASMPACK" inspect "oci-archive:$T_TMP/pulled.tar:v9" --json
check_eq "the archive holds the image under the tag asked for" "$d wasm" "$(jq -r '.digest + " " + .format' <<<"$T_OUT")"
run "$WASMPACK" push "oci:$T_TMP/src-wasm" "$REG/js/app:a" "$REG/js/app:b" --json
check_eq "push --json: digest, pushed, every reference" \
	"$d true $REG/js/app:a $REG/js/app:b $REG/js/app@$d" \
	"$(jq -r '[.digest, (.pushed|tostring), .references[]] | join(" ")' <<<"$T_OUT")"
