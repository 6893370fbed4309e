#!/usr/bin/env bash
# make demo: package the sample module from testdata/ into oci:wasmpack-out
# and show what was made.
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
