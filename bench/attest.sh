#!/usr/bin/env bash
# The cost of SBOM + provenance + signature on a build-and-push of a small
# project, against the same build-and-push without them, in one run: a
# local distribution registry (Debian's docker-registry, plain http on a
# free loopback port, access log on) receives `wasmpack build --wasm
# hello.wasm --push` into fresh repositories, alternately with
# `--sbom none --no-provenance` and with the defaults plus --sign --key.
# Prints the median wall time of each, the difference, and the HTTP
# requests each sent (the registry's access log): round trips.
# Targets: < 50 ms and <= 3 extra round trips per image.
#
#   RUNS=9 bench/attest.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
WASMPACK=${WASMPACK:-$root/build/wasmpack}
runs=${RUNS:-9}
for t in docker-registry python3 curl; do
	command -v "$t" >/dev/null || { echo "bench/attest.sh: $t is not installed" >&2; exit 1; }
done
ACCESSLOG=1
. "$root/bench/registry.bash"
(cd "$tmp" && "$WASMPACK" generate-key --output-key-prefix k >/dev/null 2>&1)
export WASMPACK_PROGRESS=none

now() { date +%s%N; }
requests() { grep -c "\"[A-Z]* /v2/$1/" "$tmp/registry.log" || true; }
one() { # one NAME OPTS...: ms of one build --push into a fresh repository
	local name=$1 t0 t1
	shift
	t0=$(now)
	"$WASMPACK" build --wasm "$root/testdata/hello/hello.wasm" --push -t "$reg/$name:v1" "$@" >/dev/null
	t1=$(now)
	echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

plain=() att=()
for i in $(seq 1 "$runs"); do
	plain+=("$(one "plain$i" --sbom none --no-provenance)")
	att+=("$(one "att$i" --sign --key "$tmp/k.key")")
done
sleep 0.2 # the access log is written after the response
p=$(printf '%s\n' "${plain[@]}" | median)
a=$(printf '%s\n' "${att[@]}" | median)
rp=$(requests plain1)
ra=$(requests att1)
printf '%-28s %10s %10s\n' "" plain attested
printf '%-28s %10s %10s\n' "build --push, median ms" "$p" "$a"
printf '%-28s %10s %10s\n' "HTTP requests per image" "$rp" "$ra"
printf 'extra: %s ms (target < 50), %s requests (target <= 3), ratio %s\n' \
	"$(python3 -c "print(f'{$a - $p:.1f}')")" "$((ra - rp))" "$(python3 -c "print(f'{$a / $p:.2f}')")"
