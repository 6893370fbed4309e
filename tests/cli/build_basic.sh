#!/usr/bin/env bash
# wasmpack build --wasm: the reference line on stdout, the layout it
# writes, the JSON summary, and inspect reading both back.
. "$(dirname "$0")/../lib.sh"

hello="$TESTDATA/hello/hello.wasm"
cd "$T_TMP"

run "$WASMPACK" build --wasm "$hello"
check_eq "build exits 0" 0 "$T_RC"
check_match "stdout is exactly one reference by digest" '^oci:wasmpack-out@sha256:[0-9a-f]{64}$' "$T_OUT"
ref=$T_OUT
digest=${ref#*@}
check "default output is an OCI layout" test -f wasmpack-out/oci-layout -a -f wasmpack-out/index.json
check_eq "index.json tags the image latest" "latest $digest" \
	"$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"] + " " + .manifests[0].digest' wasmpack-out/index.json)"
check "manifest blob exists" test -f "wasmpack-out/blobs/sha256/${digest#sha256:}"
check_eq "manifest blob hashes to its name" "${digest#sha256:}" \
	"$(sha256sum < "wasmpack-out/blobs/sha256/${digest#sha256:}" | cut -d' ' -f1)"

# the pipeline idiom: ref=$(wasmpack build ...) has no noise in it
out=$("$WASMPACK" build --wasm "$hello" 2>/dev/null)
check_eq "rebuild prints the same reference" "$ref" "$out"

run "$WASMPACK" build --wasm "$hello" --json -o oci:j
check_eq "--json exits 0" 0 "$T_RC"
check_eq "--json digest" "$digest" "$(jq -r .digest <<<"$T_OUT")"
check_eq "--json fields" "application/vnd.oci.image.manifest.v1+json image false oci:j" \
	"$(jq -r '[.mediaType, .format, (.pushed|tostring), .output] | join(" ")' <<<"$T_OUT")"
check_eq "--json wasm facts" "$(sha256sum < "$hello" | cut -d' ' -f1) $(stat -c %s "$hello") module preview1" \
	"$(jq -r '[(.wasm.digest|ltrimstr("sha256:")), (.wasm.size|tostring), .wasm.kind, .wasm.wasi] | join(" ")' <<<"$T_OUT")"
check_match "--json references hold the digest reference" "oci:j@$digest" "$(jq -r '.references|join(" ")' <<<"$T_OUT")"

run "$WASMPACK" inspect "$hello" --json
check_eq "inspect FILE.wasm: kind and wasi" "module preview1" "$(jq -r '.kind + " " + .wasi' <<<"$T_OUT")"
check_eq "inspect FILE.wasm: imports" "wasi_snapshot_preview1.fd_write" \
	"$(jq -r '.imports[] | .module + "." + .name' <<<"$T_OUT")"
check_eq "inspect FILE.wasm: exports" "memory _start" "$(jq -r '[.exports[].name] | join(" ")' <<<"$T_OUT")"

run "$WASMPACK" inspect oci:wasmpack-out:latest --json
check_eq "inspect oci:DIR:TAG reads the image" "$digest image" "$(jq -r '.digest + " " + .format' <<<"$T_OUT")"
check_eq "inspect finds the module in the layer" "/hello.wasm $(sha256sum < "$hello" | cut -d' ' -f1)" \
	"$(jq -r '.wasm.path + " " + (.wasm.digest|ltrimstr("sha256:"))' <<<"$T_OUT")"
run "$WASMPACK" inspect oci:wasmpack-out
check_match "inspect (text) shows the format and module" 'format: +image' "$T_OUT"
