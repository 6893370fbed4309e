#!/usr/bin/env bash
# Components packaged as the CNCF TAG-Runtime Wasm OCI artifact says (and
# as its reference implementation oci-wasm, used by wkg, writes them):
# config os wasip2, component {exports, imports, target} with the fully
# qualified names jco wit prints, no wall-clock time; the image format
# keeps Docker's wasi/wasm unless --platform asks for wasip2/wasm, and a
# platform that contradicts the module is refused.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
. "$(dirname "$0")/../lib/component.bash"
need_wasi_cc
need_jco
cd "$T_TMP" || exit 1

mod=$(wasi_module basics) || { not_ok "compile basics" "clang failed"; exit 1; }
cp "$mod" app.wasm
adapt app.wasm app.component.wasm || { not_ok "jco new --wasi-command" "jco failed"; exit 1; }

# config blob of the only image in layout $1
config() {
	local man cfg
	man=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
	cfg=$(jq -r '.config.digest' "$1/blobs/sha256/$man" | cut -d: -f2)
	cat "$1/blobs/sha256/$cfg"
}

unset SOURCE_DATE_EPOCH
run "$WASMPACK" build --wasm app.component.wasm --format wasm -o oci:l1:app
check_eq "wasm format: build of a component succeeds" "0" "$T_RC"
cfg=$(config l1)
check_eq "wasm format: config os/architecture" "wasip2 wasm" "$(jq -r '.os + " " + .architecture' <<<"$cfg")"
want_imports=$(jco wit app.component.wasm | sed -n 's/^[[:space:]]*import \(.*\);$/\1/p' | jq -R . | jq -sc .)
want_exports=$(jco wit app.component.wasm | sed -n 's/^[[:space:]]*export \(.*\);$/\1/p' | jq -R . | jq -sc .)
check_eq "wasm format: component.imports are jco wit's, fully qualified" "$want_imports" \
	"$(jq -c '.component.imports' <<<"$cfg")"
check_eq "wasm format: component.exports are jco wit's" "$want_exports" "$(jq -c '.component.exports' <<<"$cfg")"
check_match "wasm format: target is the wasi:cli/command world of the run export's version" \
	'^wasi:cli/command@0\.2\.[0-9]+$' "$(jq -r '.component.target' <<<"$cfg")"
check_eq "wasm format: the spec's keys, component's keys" \
	"architecture author component created layerDigests os|exports imports target" \
	"$(jq -r '(keys | join(" ")) + "|" + (.component | keys | join(" "))' <<<"$cfg")"

# reproducible: no wall-clock time, same digest a second later
sleep 1
run "$WASMPACK" build --wasm app.component.wasm --format wasm -o oci:l2:app
check_eq "wasm format: same component, same manifest digest a second later" \
	"$(jq -r '.manifests[0].digest' l1/index.json)" "$(jq -r '.manifests[0].digest' l2/index.json)"
SOURCE_DATE_EPOCH=1700000000 run "$WASMPACK" build --wasm app.component.wasm --format wasm -o oci:l3:app
check_eq "wasm format: created from SOURCE_DATE_EPOCH" "2023-11-14T22:13:20Z" "$(config l3 | jq -r .created)"

# a component with plain-named exports and an import outside WASI: no target
jco parse "$TESTDATA/components/types.wat" -o types.wasm >/dev/null
run "$WASMPACK" build --wasm types.wasm --format wasm -o oci:l4:types
check_eq "wasm format: plain names as they are, no target outside a WASI world" \
	'["logger","host:kv/store@1.2.0"] ["point","shape","color","perm","add","greet","area","wasi:cli/run@0.2.0"] null' \
	"$(config l4 | jq -c '[.component.imports, .component.exports, .component.target]' | jq -r 'map(tojson) | join(" ")')"

# a core module: os wasip1, component null
run "$WASMPACK" build --wasm app.wasm --format wasm -o oci:l5:app
check_eq "wasm format: a core module is wasip1 with component null" "wasip1 null" \
	"$(config l5 | jq -r '.os + " " + (.component | tostring)')"

# image format: wasi/wasm unless asked
run "$WASMPACK" build --wasm app.component.wasm -o oci:i1:app
check_eq "image format: a component keeps wasi/wasm by default" "wasi wasm" \
	"$(config i1 | jq -r '.os + " " + .architecture')"
run "$WASMPACK" build --wasm app.component.wasm --platform wasip2/wasm -o oci:i2:app
check_eq "image format: --platform wasip2/wasm in the config and the index" "wasip2 wasip2/wasm" \
	"$(config i2 | jq -r .os) $(jq -r '.manifests[0].platform | .os + "/" + .architecture' i2/index.json)"
before=$(tree_digest .)
expect_error "image format: --platform wasip2 for a core module is refused" 2 \
	'--platform wasip2/wasm: app is a module; use wasip1/wasm or wasi/wasm' \
	"$WASMPACK" build --wasm app.wasm --platform wasip2/wasm -o oci:i3:app
expect_error "image format: --platform wasip1 for a component is refused" 2 \
	'--platform wasip1/wasm: app.component is a component; use wasip2/wasm or wasi/wasm' \
	"$WASMPACK" build --wasm app.component.wasm --platform wasip1/wasm -o oci:i3:app
check_eq "refused builds wrote nothing" "$before" "$(tree_digest .)"

if have skopeo; then
	run skopeo inspect --config --raw oci:l1:app
	check_eq "skopeo reads the component config" "wasip2" "$(jq -r .os <<<"$T_OUT")"
fi
