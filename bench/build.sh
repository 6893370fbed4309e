#!/usr/bin/env bash
# wasmpack build of a CMake project against the same build driven by hand
# with the same toolchain (clang-16 + wasi-libc, a four-line toolchain file
# as TOOLCHAINS.md gives, cmake configure + cmake --build of the same
# target), both from scratch (--no-cache, a new build directory), measured
# in the same run.  Target: wasmpack at most 1.1x the hand build.
#
#   bench/build.sh [PROJECT TARGET]   default: testdata/c-wasi-cmake shapes-cli
#
# A real project is a fetched checkout (never committed), e.g. cmark:
#   bench/build.sh ../realworld/cmark cmark_exe
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wp=${WASMPACK:-$root/build/wasmpack}
runs=${RUNS:-3}
project=$(cd "${1:-$root/testdata/c-wasi-cmake}" && pwd)
target=${2:-shapes-cli}
work=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export WASMPACK_CACHE_DIR="$work/cache"
cc=$(command -v clang-16) || { echo "bench/build.sh: clang-16 is not installed (make deps)"; exit 1; }
jobs=$(nproc)

cat >"$work/wasi.cmake" <<CMAKE
set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_C_COMPILER $cc)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER ${cc/clang-16/clang++-16})
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
CMAKE

secs() { # secs CMD...: wall time of one run in seconds
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1 || { echo "bench/build.sh: failed: $*" >&2; return 1; }
	e=$(date +%s%N)
	awk -v n=$((e - s)) 'BEGIN {printf "%.3f\n", n / 1e9}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
by_hand() {
	rm -rf "$work/hand"
	cmake -S "$project" -B "$work/hand" -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE="$work/wasi.cmake" \
		-DBUILD_TESTING=OFF -DBUILD_SHARED_LIBS=OFF &&
		cmake --build "$work/hand" --target "$target" -j"$jobs"
}
with_wasmpack() {
	rm -rf "$work/out"
	"$wp" build "$project" --target "$target" --no-cache -o "oci:$work/out"
}

hand=() pack=()
for i in $(seq "$runs"); do
	# alternate, so a warming disk cache favours neither
	t=$(secs by_hand) || exit 1
	hand+=("$t")
	t=$(secs with_wasmpack) || exit 1
	pack+=("$t")
done
h=$(printf '%s\n' "${hand[@]}" | median)
p=$(printf '%s\n' "${pack[@]}" | median)
ratio=$(awk -v p="$p" -v h="$h" 'BEGIN {printf "%.3f", p / h}')
verdict=$(awk -v r="$ratio" 'BEGIN {print (r <= 1.10) ? "ok (<= 1.1x)" : "SLOWER than 1.1x"}')
printf '%-28s %10s %10s %8s  %s\n' project "hand s" "wasmpack s" ratio verdict
printf '%-28s %10s %10s %8s  %s\n' "$(basename "$project"):$target" "$h" "$p" "$ratio" "$verdict"
