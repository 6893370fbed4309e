#!/usr/bin/env bash
# make demo: the main job of wasmpack, end to end, on this machine:
#   1. package a prebuilt module (testdata/hello) into oci:wasmpack-out;
#   2. build a C project from source (testdata/c-plain): detection picks the
#      c builder, clang compiles for WASI, debug sections are stripped;
#   3. push it to a registry (the CNCF distribution registry, started here on
#      a loopback port and stopped at the end);
#   4. run it from the registry in wasmpack's own engine and WASI sandbox.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
wp="$root/$build/wasmpack"
cd "$root"
say() { printf '\n$ %s\n' "$*" >&2; }
# the sample exits with the number of names it greeted: show it, go on
status() { "$@" && rc=0 || rc=$?; echo "(exit status $rc: one per name greeted)" >&2; }

say wasmpack build testdata/hello -t demo:latest
"$wp" build testdata/hello -t demo:latest
say wasmpack inspect oci:wasmpack-out:latest
"$wp" inspect oci:wasmpack-out:latest

say wasmpack detect testdata/c-plain
"$wp" detect testdata/c-plain
say wasmpack build testdata/c-plain -t c-plain
"$wp" build testdata/c-plain -t c-plain
say wasmpack run oci:wasmpack-out:c-plain --env "GREETING=hello from wasm" -- ada grace
status "$wp" run oci:wasmpack-out:c-plain --env "GREETING=hello from wasm" -- ada grace

# a registry of our own on loopback, gone when the demo ends
tmp=$(mktemp -d)
reg_pid=""
cleanup() {
	if [ -n "$reg_pid" ]; then
		kill "$reg_pid" 2>/dev/null || true
		wait "$reg_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/config.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $tmp/data}}
http: {addr: 127.0.0.1:$port, secret: wasmpack-demo}
YAML
docker-registry serve "$tmp/config.yml" >"$tmp/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.05; done
ref="127.0.0.1:$port/demo/c-plain:1.0"

say wasmpack build testdata/c-plain -t "$ref" --push
"$wp" build testdata/c-plain -t "$ref" --push
say wasmpack run "$ref" --env "GREETING=hello from the registry" -- ada grace
status "$wp" run "$ref" --env "GREETING=hello from the registry" -- ada grace
