#!/usr/bin/env bash
# Push speed against skopeo, from one run.  A local distribution registry
# (Debian's docker-registry, plain http on a free loopback port) receives
# the same image (5 MB and 50 MB modules of seeded random data, generated
# here) from `wasmpack push oci:...` and from `skopeo copy oci:...
# docker://...`, each into a fresh repository; then a no-op re-push (every
# blob already there) is timed.  Targets: ratio <= 1.0, re-push < 100 ms.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
WASMPACK=${WASMPACK:-$root/build/wasmpack}
for t in docker-registry skopeo python3 curl; do
	command -v "$t" >/dev/null || { echo "bench/push.sh: $t is not installed" >&2; exit 1; }
done
. "$root/bench/registry.bash"

now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

printf '%-8s %12s %12s %8s %16s\n' size wasmpack_ms skopeo_ms ratio noop_repush_ms
for mb in 5 50; do
	# fresh random content each run: no tool can find it anywhere already
	python3 "$root/tests/e2e/lib/gen-wasm.py" $((mb * 1000000)) "$tmp/m$mb.wasm" "$RANDOM$RANDOM"
	"$WASMPACK" build --wasm "$tmp/m$mb.wasm" -o "oci:$tmp/img$mb" >/dev/null 2>&1
	run=$RANDOM
	t0=$(now)
	# skopeo with an empty blob-info cache (HOME): it would otherwise mount
	# blobs it saw in earlier runs instead of uploading them
	HOME="$tmp/skopeo-home" skopeo copy -q --dest-tls-verify=false "oci:$tmp/img$mb:latest" "docker://$reg/sk$mb-$run:v1" >/dev/null
	t1=$(now)
	WASMPACK_PROGRESS=none "$WASMPACK" push "oci:$tmp/img$mb" "$reg/wp$mb-$run:v1" >/dev/null
	t2=$(now)
	sk=$(ms "$t0" "$t1")
	wp=$(ms "$t1" "$t2")
	# no-op re-push: the median of five
	noops=()
	for _ in 1 2 3 4 5; do
		t2=$(now)
		WASMPACK_PROGRESS=none "$WASMPACK" push "oci:$tmp/img$mb" "$reg/wp$mb-$run:v1" >/dev/null
		t3=$(now)
		noops+=("$(ms "$t2" "$t3")")
	done
	noop=$(printf '%s\n' "${noops[@]}" | sort -n | sed -n 3p)
	printf '%-8s %12d %12d %8s %16d\n' "${mb}MB" "$wp" "$sk" "$(python3 -c "print(f'{$wp/$sk:.2f}')")" "$noop"
done
