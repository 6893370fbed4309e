#!/usr/bin/env bash
# `wasmpack run REF`: the three formats pushed to the real distribution
# registry (plain http on loopback) and run from it, pulled and verified
# in memory with nothing written locally; a registry serving a blob that
# does not match its digest is refused before anything runs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
. "$(dirname "$0")/../lib/wasi.bash"
need_tools docker-registry jq curl python3
need_wasi_cc

basics=$(wasi_module basics) || exit 1
start_registry runreg
mkdir -p "$T_TMP/work" && cd "$T_TMP/work"
for f in image wasm krustlet; do
	"$WASMPACK" build --wasm "$basics" --format "$f" -o "oci:$T_TMP/src-$f" --arg 4 --env FROM=registry \
		>/dev/null 2>&1 || not_ok "build $f"
	"$WASMPACK" push "oci:$T_TMP/src-$f" "$REG/run/$f:v1" >/dev/null 2>&1 || not_ok "push $f"
done

run "$WASMPACK" run "$REG/run/image:v1"
check_eq "image from the registry: Cmd, Env, Entrypoint" \
	"4 argv[0]: /basics.wasm|argv[1]: 4|env: FROM=registry" \
	"$T_RC $(grep -E '^(argv|env:)' <<<"$T_OUT" | tr '\n' '|' | sed 's/|$//')"
check_match "the pull is reported on stderr, not stdout" "sha256:" "$T_ERR"
for f in wasm krustlet; do
	run "$WASMPACK" run "$REG/run/$f:v1" -- 0
	check_eq "$f format from the registry" "0 argv[0]: basics.wasm" "$T_RC $(grep '^argv\[0\]' <<<"$T_OUT")"
done
digest=$(jq -r '.manifests[0].digest' "$T_TMP/src-image/index.json")
run "$WASMPACK" run "$REG/run/image@$digest" -- 2
check_eq "by digest" 2 "$T_RC"
check_eq "nothing was written locally" "x" "$(ls -A)x"
expect_error "a tag the registry lacks" 1 "run/image.*(404|not found|MANIFEST_UNKNOWN)" "$WASMPACK" run "$REG/run/image:nope"

# a registry whose stored layer was tampered with after the push
layer=$(jq -r '.layers[0].digest' "$T_TMP/src-image/blobs/sha256/${digest#sha256:}")
data="$T_TMP/runreg/data/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer#sha256:}/data"
if [ -f "$data" ]; then
	printf 'X' | dd of="$data" bs=1 seek=30 conv=notrunc 2>/dev/null
	run "$WASMPACK" run "$REG/run/image:v1"
	check_eq "a tampered layer is refused (status 1, nothing ran)" "1 " "$T_RC $T_OUT"
	check_match "... naming the digest mismatch" "digest|sha256" "$T_ERR"
else
	not_ok "find the registry's copy of the layer" "looked for $data"
fi
exit "$T_FAILED"
