#!/usr/bin/env bash
# make demo: package the sample module from testdata/ into oci:wasmpack-out,
# compile the sample C project from source into the same layout, and show
# what was made.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
wp="$root/$build/wasmpack"
cd "$root"

echo "\$ wasmpack build testdata/hello -t demo:latest" >&2
ref=$("$wp" build testdata/hello -t demo:latest)
echo "$ref"
echo >&2
echo "\$ wasmpack inspect oci:wasmpack-out:latest" >&2
"$wp" inspect oci:wasmpack-out:latest

# From source: detection picks the c builder, clang compiles for WASI,
# the debug sections are stripped, and the module is packaged.
echo >&2
echo "\$ wasmpack detect testdata/c-plain" >&2
"$wp" detect testdata/c-plain
echo >&2
echo "\$ wasmpack build testdata/c-plain -t c-plain:demo" >&2
ref=$("$wp" build testdata/c-plain -t c-plain:demo)
echo "$ref"
echo >&2
echo "\$ wasmpack inspect oci:wasmpack-out:demo" >&2
"$wp" inspect oci:wasmpack-out:demo
if command -v node >/dev/null 2>&1; then
	echo >&2
	echo "\$ node tests/wasi-run.mjs c-plain.wasm ada grace   # the module under node's WASI" >&2
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	man=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "demo") | .digest' wasmpack-out/index.json | cut -d: -f2)
	layer=$(jq -r '.layers[0].digest' "wasmpack-out/blobs/sha256/$man" | cut -d: -f2)
	tar -xzOf "wasmpack-out/blobs/sha256/$layer" >"$tmp/c-plain.wasm"
	WASI_ENV="GREETING=hello from wasm" node --no-warnings tests/wasi-run.mjs "$tmp/c-plain.wasm" ada grace || true
fi

# And run both images in wasmpack's own engine and WASI sandbox.
echo >&2
echo "\$ wasmpack run oci:wasmpack-out:latest" >&2
"$wp" run oci:wasmpack-out:latest
echo >&2
echo "\$ wasmpack run oci:wasmpack-out:demo --env 'GREETING=hello from wasm' -- ada grace" >&2
status=0
"$wp" run oci:wasmpack-out:demo --env "GREETING=hello from wasm" -- ada grace || status=$?
echo "(exit status $status: the program's own)" >&2
