#!/usr/bin/env bash
# No-op rebuild: `wasmpack build` of an unchanged sample project, where the
# build cache lets it skip the compile.  For each sample it prints the cold
# build, the no-op rebuild (median of RUNS), and, as the floor measured in
# the same run, `wasmpack build --wasm` of the very module (packaging with
# no builder at all): the rebuild's overhead over the floor is the cost of
# detection, toolchain discovery and hashing the inputs.  Target: a no-op
# rebuild under 50 ms.  Samples whose toolchain is absent are listed as such.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wp=${WASMPACK:-$root/build/wasmpack}
runs=${RUNS:-15}
work=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export WASMPACK_CACHE_DIR="$work/cache"

ms() { # ms CMD...: wall time of one run in milliseconds (3 decimals)
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || return 1
	e=$(date +%s%N)
	awk -v n=$((e - s)) 'BEGIN {printf "%.1f\n", n / 1e6}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

printf '%-15s %10s %12s %12s %8s  %s\n' project "cold ms" "no-op ms" "floor ms" ratio verdict
for p in c-plain c-make c-cmake cpp emscripten rust assemblyscript go; do
	cp -r "$root/testdata/$p" "$work/$p"
	rm -rf "$work/$p/target" "$work/$p/node_modules"
	cd "$work/$p"
	cold=$(ms "$wp" build . -o oci:"$work/out-$p") || {
		printf '%-15s %s\n' "$p" "not built here (toolchain absent: see 'wasmpack detect testdata/$p')"
		continue
	}
	# the module the image holds, for the floor
	man=$(jq -r '.manifests[0].digest' "$work/out-$p/index.json" | cut -d: -f2)
	layer=$(jq -r '.layers[0].digest' "$work/out-$p/blobs/sha256/$man" | cut -d: -f2)
	tar -xzOf "$work/out-$p/blobs/sha256/$layer" >"$work/$p.wasm"
	noop=$(for i in $(seq "$runs"); do ms "$wp" build . -o oci:"$work/out-$p"; done | median)
	floor=$(for i in $(seq "$runs"); do ms "$wp" build --wasm "$work/$p.wasm" -o oci:"$work/floor-$p"; done | median)
	if ! "$wp" build . -o oci:"$work/out-$p" 2>&1 >/dev/null | grep -q "compile skipped"; then
		verdict="NOT CACHED"
	else
		verdict=$(awk -v n="$noop" 'BEGIN {print (n < 50) ? "ok (< 50 ms)" : "over 50 ms"}')
	fi
	printf '%-15s %10s %12s %12s %7.2fx  %s\n' "$p" "$cold" "$noop" "$floor" \
		"$(awk -v a="$noop" -v b="$floor" 'BEGIN {print a / b}')" "$verdict"
	cd "$root"
done
