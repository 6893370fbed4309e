#!/usr/bin/env bash
# Issue 16's speed targets, each a ratio against a peer measured in the
# same run:
#  1. `wasmpack build ./...` over a monorepo of the samples vs building the
#     same projects one after another (each variant with an empty build
#     cache of its own), with the toolchains' caches kept and cold.
#     Target: <= 0.6 on 2 cores.
#  2. A cold runner (empty cache) with a warm registry cache vs a cold
#     runner without it, per sample.  Target: <= 0.1, and under 1 s for a
#     small project.  Needs docker-registry (make deps); the registry runs
#     on a free loopback port and is stopped at exit.
# Samples whose toolchain is absent are left out (and listed).
#   EXTRA="DIR..."   real-sized projects for part 2 only: fetched checkouts
#                    (never committed), e.g. EXTRA=../realworld/lua
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
wp=${WASMPACK:-$root/build/wasmpack}
work=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-bench.XXXXXX")
reg_pid=
trap '[ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null; rm -rf "$work"' EXIT
samples=${SAMPLES:-"c-plain c-make c-cmake cpp rust assemblyscript go"}

# wall_cpu CMD...: "WALL_MS CPU_MS" of one run, CPU the user + system
# time of the command and everything it started
wall_cpu() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.0f %.0f" % (wall * 1000, (r.ru_utime + r.ru_stime) * 1000))
sys.exit(rc)
PY
}

ms() { # ms CMD...: wall time of one run in milliseconds
	local s e
	s=$(date +%s%N)
	"$@" >/dev/null 2>&1
	local rc=$?
	e=$(date +%s%N)
	awk -v n=$((e - s)) 'BEGIN {printf "%.0f\n", n / 1e6}'
	return $rc
}

mkdir -p "$work/mono"
have=()
for p in $samples; do
	cp -r "$root/testdata/$p" "$work/mono/$p"
	rm -rf "$work/mono/$p/target" "$work/mono/$p/node_modules"
	if WASMPACK_CACHE_DIR="$work/probe" "$wp" build "$work/mono/$p" -o "oci:$work/probe-out/$p" >/dev/null 2>&1; then
		have+=("$p")
	else
		echo "left out: $p (does not build here; see 'wasmpack detect testdata/$p')"
		rm -rf "${work:?}/mono/$p"
	fi
done
cd "$work/mono"
# part1 LABEL COLD: both variants, each with an empty wasmpack cache of its
# own.  The toolchains' own caches are either as the probe build above left
# them (cargo's target/ in the checkout, the user's Go build cache: a
# runner restoring them with actions/cache) or, COLD=1, absent (a fresh
# runner: no target/, a Go build cache per variant, so Go compiles its
# standard library for wasip1 in each).
part1() {
	local label=$1 cold=$2 t c seq_ms=0 seq_cpu=0 par_ms par_cpu load0 gseq=${GOCACHE:-} gpar=${GOCACHE:-}
	load0=$(cut -d' ' -f1 /proc/loadavg)
	if [ "$cold" = 1 ]; then
		rm -rf ./*/target
		gseq=$work/gocache-seq gpar=$work/gocache-par
	fi
	for p in "${have[@]}"; do
		read -r t c < <(GOCACHE=$gseq WASMPACK_CACHE_DIR="$work/seq$cold" wall_cpu "$wp" build "$p" -o "oci:$work/seq-out$cold/$p" ||
			echo "sequential build of $p failed" >&2)
		seq_ms=$((seq_ms + t)) seq_cpu=$((seq_cpu + c))
	done
	[ "$cold" = 1 ] && rm -rf ./*/target
	read -r par_ms par_cpu < <(GOCACHE=$gpar WASMPACK_CACHE_DIR="$work/par$cold" wall_cpu "$wp" build ./... -o "oci:$work/par-out$cold" ||
		echo "build ./... failed" >&2)
	printf '1. %s, %d projects on %d cores: build ./... %d ms, one after another %d ms, ratio %.2f (target <= 0.6)\n' \
		"$label" "${#have[@]}" "$(nproc)" "$par_ms" "$seq_ms" "$(awk -v a="$par_ms" -v b="$seq_ms" 'BEGIN {print a / b}')"
	# On a machine others load, the cores this run gets bound the ratio:
	# with the kernel's fair share per session (autogroup), running more
	# processes buys no more CPU, and both variants get the same share.
	printf '   CPU time: build ./... %d ms (%.2f cores busy), one after another %d ms (%.2f cores busy); load average %s -> %s\n' \
		"$par_cpu" "$(awk -v c="$par_cpu" -v w="$par_ms" 'BEGIN {print c / w}')" "$seq_cpu" \
		"$(awk -v c="$seq_cpu" -v w="$seq_ms" 'BEGIN {print c / w}')" "$load0" "$(cut -d' ' -f1 /proc/loadavg)"
}
part1 "toolchain caches kept" 0
part1 "toolchain caches cold" 1

if ! command -v docker-registry >/dev/null; then
	echo "2. left out: docker-registry is not installed (make deps)"
	exit 0
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/reg"
printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s}\n' \
	"$work/reg" "$port" >"$work/reg.yml"
docker-registry serve "$work/reg.yml" >"$work/reg.log" 2>&1 &
reg_pid=$!
for i in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.05; done
repo="127.0.0.1:$port/bench/cache"
for d in ${EXTRA:-}; do
	n=extra-$(basename "$d")
	cp -r "$d" "$work/mono/$n" && have+=("$n")
done
printf '2. %-15s %14s %18s %8s  %s\n' project "cold ms" "cold+registry ms" ratio verdict
for p in "${have[@]}"; do
	# fill the registry from a runner of its own, then two cold runners
	WASMPACK_CACHE_DIR="$work/fill-$p" "$wp" build "$p" -o "oci:$work/fill-out/$p" --cache-repo "$repo" >/dev/null 2>&1
	# A cold runner has no cargo target/ in the checkout and no Go build
	# cache either: without this the "cold" build reuses the earlier
	# builds' incremental state and the ratio measures nothing.
	rm -rf "$p/target"
	cold=$(GOCACHE="$work/gocache-cold-$p" WASMPACK_CACHE_DIR="$work/cold-$p" ms "$wp" build "$p" -o "oci:$work/cold-out/$p")
	rm -rf "$p/target"
	warm=$(GOCACHE="$work/gocache-warm-$p" WASMPACK_CACHE_DIR="$work/warm-$p" ms "$wp" build "$p" -o "oci:$work/warm-out/$p" --cache-repo "$repo")
	verdict=$(awk -v a="$warm" -v b="$cold" 'BEGIN {print (a / b <= 0.1 ? "ok" : "over 0.1") (a < 1000 ? ", < 1 s" : ", >= 1 s")}')
	printf '   %-15s %14s %18s %7.3fx  %s\n' "$p" "$cold" "$warm" "$(awk -v a="$warm" -v b="$cold" 'BEGIN {print a / b}')" "$verdict"
done
