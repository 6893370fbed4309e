#!/usr/bin/env bash
# Packaging speed: `wasmpack build --wasm` against
#   - the floor: sha256sum FILE && gzip -6 -n -c FILE | sha256sum
#     (hash the module, compress it, hash the layer: the least work any
#     packager must do), and
#   - buildah bud of the equivalent FROM scratch + COPY Dockerfile (the
#     Dockerfile pipeline wasmpack replaces).  `bud` alone stores the layer
#     uncompressed in containers-storage (compression happens at push), so
#     both are shown: bud alone, and bud + push to an OCI layout, which
#     yields what wasmpack yields (a compressed OCI image),
# for a 5 MB and a 50 MB module, in one run.  Each figure is the median of
# RUNS runs.  Targets: wasmpack <= 1.3x the floor, >= 5x faster than buildah.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
WASMPACK=${WASMPACK:-$root/build/wasmpack}
RUNS=${RUNS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Outside any git repository, like the floor and buildah: inside one (this
# checkout, say) wasmpack also reads the commit and origin for the image's
# annotations, ~10 ms of libgit2 that neither peer does.
cd "$tmp"

now() { date +%s%N; }
# median_ms CMD...: run CMD RUNS times, print the median wall time in ms
median_ms() {
	local i t0 t1 times=()
	for ((i = 0; i < RUNS; i++)); do
		t0=$(now)
		"$@" >/dev/null 2>&1
		t1=$(now)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

floor() { sha256sum "$1" >/dev/null && gzip -6 -n -c "$1" | sha256sum >/dev/null; }
n=0
wasmpack_build() {
	n=$((n + 1))
	"$WASMPACK" build --wasm "$1" -o "oci:$tmp/lay$n"
	rm -rf "$tmp/lay$n"
}
have_buildah=0
if command -v buildah >/dev/null 2>&1; then
	have_buildah=1
	B=(buildah --storage-driver vfs --root "$tmp/broot" --runroot "$tmp/brun")
fi
buildah_build() {
	n=$((n + 1))
	"${B[@]}" bud --isolation chroot -q -t "bench:$n" "$1"
}
buildah_build_push() {
	n=$((n + 1))
	"${B[@]}" bud --isolation chroot -q -t "bench:$n" "$1" &&
		"${B[@]}" push -q "bench:$n" "oci:$tmp/bout$n:x" && rm -rf "$tmp/bout$n"
}

printf '%-6s %9s %12s %11s %16s %15s %14s %15s\n' size floor_ms wasmpack_ms bud_ms bud+push_ms wasmpack/floor bud/wasmpack bud+push/wp
for mb in 5 50; do
	f="$tmp/m$mb/app.wasm"
	mkdir -p "$tmp/m$mb"
	python3 "$root/bench/gen-module.py" $((mb * 1000 * 1000)) "$f"
	printf 'FROM scratch\nCOPY app.wasm /app.wasm\nENTRYPOINT ["/app.wasm"]\n' >"$tmp/m$mb/Dockerfile"
	floor "$f" # warm the page cache
	fl=$(median_ms floor "$f")
	wp=$(median_ms wasmpack_build "$f")
	if [ $have_buildah = 1 ]; then
		bu=$(median_ms buildah_build "$tmp/m$mb")
		bp=$(median_ms buildah_build_push "$tmp/m$mb")
		ratio_b=$(awk -v a="$bu" -v b="$wp" 'BEGIN {printf "%.1fx", a / b}')
		ratio_p=$(awk -v a="$bp" -v b="$wp" 'BEGIN {printf "%.1fx", a / b}')
	else
		bu="n/a" bp="n/a" ratio_b="n/a" ratio_p="n/a (no buildah)"
	fi
	printf '%-6s %9s %12s %11s %16s %15s %14s %15s\n' "${mb}MB" "$fl" "$wp" "$bu" "$bp" \
		"$(awk -v a="$wp" -v b="$fl" 'BEGIN {printf "%.2fx", a / b}')" "$ratio_b" "$ratio_p"
done
echo "gzip ratio of the test module: $(awk -v a="$(stat -c %s "$tmp/m5/app.wasm")" -v b="$(gzip -6 -n -c "$tmp/m5/app.wasm" | wc -c)" 'BEGIN {printf "%.2f", a / b}')"
