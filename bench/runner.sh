#!/usr/bin/env bash
# Benchmarks of the engine (not timed tests): compute kernels of our own
# (bench/programs/*.c: integer, memory, float, call-heavy, sorting) built
# natively (gcc -O2) and as import-free wasm32 modules exporting `run`
# (clang-16 -O2), run natively, under wasmpack's engine (the embedding API
# through build/tools/wasm_run), under node (V8) and under wabt's
# wasm-interp; outputs must agree.  Prints per-program times and ratios
# from this one run, their geometric means, the startup time of a 1 MB
# module, and internal code size / code section size.
#   BENCH_SKIP_INTERP=1  skip wasm-interp (slow)
#   BENCH_REPS=N         best of N runs for native, engine and node (3)
#   WASM3=PATH IWASM=PATH  peers built outside the repository from fetched
#                        sources (wasm3's CLI; WAMR's iwasm built with the
#                        fast interpreter): columns peer/engine and their
#                        geomeans (above 1: the engine is faster)
# Engine times include load+instantiate; node's time is of the call alone.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${WASMPACK_BUILD:-$root/build}
tool=$build/tools/wasm_run
make -C "$root" --no-print-directory tools >/dev/null # never a stale driver
for t in gcc clang-16 node wat2wasm; do
	command -v $t >/dev/null || { echo "bench: $t not found" >&2; exit 2; }
done
have_interp=0
if [ -z "${BENCH_SKIP_INTERP:-}" ] && command -v wasm-interp >/dev/null; then have_interp=1; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

now() { date +%s%N; }
# best of $reps runs (the machine is shared: the minimum is the least noisy)
reps=${BENCH_REPS:-3}
best_of() { # command... ; sets BEST (ns) and OUT
	local i t0 t1 t
	BEST=""
	for i in $(seq 1 "$reps"); do
		t0=$(now); OUT=$("$@" 2>"$tmp/stderr"); t1=$(now)
		t=$((t1 - t0))
		if [ -z "$BEST" ] || [ "$t" -lt "$BEST" ]; then BEST=$t; cp "$tmp/stderr" "$tmp/stderr.best"; fi
	done
}
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

cat >"$tmp/run.js" <<'JS'
const fs = require('fs');
const bytes = fs.readFileSync(process.argv[2]);
WebAssembly.instantiate(bytes, {}).then(({ instance }) => {
  const t0 = process.hrtime.bigint();
  const r = instance.exports.run();
  const t1 = process.hrtime.bigint();
  console.log(String(r));
  console.error(String(t1 - t0));
});
JS

printf '%-8s %9s %9s %7s %9s %7s' program native engine eng/nat node node/nat
[ $have_interp = 1 ] && printf ' %9s %8s' interp interp/eng
[ -n "${WASM3:-}" ] && printf ' %9s %8s' wasm3 w3/eng
[ -n "${IWASM:-}" ] && printf ' %9s %8s' iwasm wamr/eng
printf ' %6s\n' code-x
log_nat=0 log_node=0 log_interp=0 n=0 fail=0
# peer NAME CMD...: best of $reps runs of a peer engine calling `run`, its
# printed result (wasm3 "Result: N", iwasm "0xHEX:i64") checked against
# native's; prints the time and the ratio to the engine and adds it to the
# peer's geomean, or prints n/a when the peer cannot run the module (a
# feature it lacks: wasm3 has no exception handling)
declare -A peer_log peer_n
peer() {
	local name=$1 val
	shift
	if ! "$@" >/dev/null 2>&1; then
		printf ' %9s %8s' n/a n/a
		return
	fi
	best_of "$@"
	case $name in
	wasm3) OUT=$(cat "$tmp/stderr.best") # wasm3 prints its result on stderr
	       val=$(printf '%s\n' "$OUT" | sed -n 's/^Result: \(-*[0-9]*\).*/\1/p') ;;
	iwasm) val=$(printf '%s\n' "$OUT" | sed -n 's/^0x\([0-9a-f]*\):i64$/\1/p')
	       [ -n "$val" ] && val=$(python3 -c "v=int('$val',16); print(v-(1<<64) if v>=1<<63 else v)") ;;
	esac
	if [ "$val" != "$want" ]; then
		echo "$p: $name printed '$OUT', native $want" >&2
		fail=1
	fi
	printf ' %9s %8s' "$(secs $BEST)" "$(ratio $BEST $eng)"
	peer_log[$name]=$(awk -v s="${peer_log[$name]:-0}" -v a="$BEST" -v b="$eng" 'BEGIN { print s + log(a / b) }')
	peer_n[$name]=$((${peer_n[$name]:-0} + 1))
}
for src in "$root"/bench/programs/*.c; do
	p=$(basename "$src" .c)
	gcc -O2 -o "$tmp/$p" "$src"
	# a program of a post-2.0 feature names its flags on its first line
	# (and says why, on a line "wasm-no-opt: ...", when binaryen's
	# wasm-opt must not run)
	wflags=$(sed -n '1s|^/\* wasm-cflags: \(.*\) \*/$|\1|p' "$src")
	# shellcheck disable=SC2086 # the flags are words
	if grep -q '^/\* wasm-no-opt: ' "$src"; then
		# compiled -O2 but linked without binaryen's wasm-opt pass (which
		# clang-16 runs at -O2 and which cannot read every feature)
		# (and with the sources named on a line "wasm-extra-sources: ...")
		objs=()
		for s in "$src" $(sed -n 's|^/\* wasm-extra-sources: \(.*\) \*/$|\1|p' "$src"); do
			[ "$s" = "$src" ] || s="$root/bench/programs/$s"
			clang-16 --target=wasm32 -O2 $wflags -c -o "$tmp/$p.${#objs[@]}.o" "$s"
			objs+=("$tmp/$p.${#objs[@]}.o")
		done
		clang-16 --target=wasm32 -nostdlib -Wl,--no-entry -Wl,--export=run -o "$tmp/$p.wasm" "${objs[@]}"
	else
		clang-16 --target=wasm32 -O2 -nostdlib $wflags -Wl,--no-entry -Wl,--export=run -o "$tmp/$p.wasm" "$src"
	fi

	best_of "$tmp/$p"; want=$OUT; nat=$BEST
	best_of "$tool" --stats "$tmp/$p.wasm" run; got=$OUT; eng=$BEST
	code=$(sed -n 's/.*ratio \([0-9.]*\)).*/\1/p' "$tmp/stderr.best")
	nodet=""
	for i in $(seq 1 "$reps"); do
		nodeout=$(node "$tmp/run.js" "$tmp/$p.wasm" 2>"$tmp/node.ns")
		t=$(cat "$tmp/node.ns")
		if [ -z "$nodet" ] || [ "$t" -lt "$nodet" ]; then nodet=$t; fi
	done
	if [ "$got" != "$want" ] || [ "$nodeout" != "$want" ]; then
		echo "$p: outputs differ: native $want engine $got node $nodeout" >&2
		fail=1
	fi
	printf '%-8s %9s %9s %7s %9s %7s' "$p" "$(secs $nat)" "$(secs $eng)" "$(ratio $eng $nat)" \
		"$(secs $nodet)" "$(ratio $nodet $nat)"
	log_nat=$(awk -v s="$log_nat" -v a="$eng" -v b="$nat" 'BEGIN { print s + log(a / b) }')
	log_node=$(awk -v s="$log_node" -v a="$eng" -v b="$nodet" 'BEGIN { print s + log(a / b) }')
	if [ $have_interp = 1 ]; then
		t0=$(now); iout=$(wasm-interp --run-all-exports "$tmp/$p.wasm"); t1=$(now)
		it=$((t1 - t0))
		ival=$(printf '%s\n' "$iout" | sed -n 's/^run() => i64:\(.*\)$/\1/p')
		if [ "$ival" != "$want" ]; then
			echo "$p: wasm-interp printed '$iout', native $want" >&2
			fail=1
		fi
		printf ' %9s %8s' "$(secs $it)" "$(ratio $it $eng)"
		log_interp=$(awk -v s="$log_interp" -v a="$it" -v b="$eng" 'BEGIN { print s + log(a / b) }')
	fi
	[ -n "${WASM3:-}" ] && peer wasm3 "$WASM3" --func run "$tmp/$p.wasm"
	[ -n "${IWASM:-}" ] && peer iwasm "$IWASM" -f run "$tmp/$p.wasm"
	printf ' %6s\n' "$code"
	n=$((n + 1))
done
echo "geomean engine/native: $(awk -v s="$log_nat" -v n=$n 'BEGIN { printf "%.2f", exp(s / n) }')x"
echo "geomean engine/node:   $(awk -v s="$log_node" -v n=$n 'BEGIN { printf "%.2f", exp(s / n) }')x"
for name in wasm3 iwasm; do
	[ -n "${peer_n[$name]:-}" ] && echo "geomean $name/engine: $(awk -v s="${peer_log[$name]}" -v n="${peer_n[$name]}" 'BEGIN { printf "%.2f", exp(s / n) }')x over ${peer_n[$name]} programs (above 1: the engine is faster)"
done
[ $have_interp = 1 ] && echo "geomean wasm-interp/engine: $(awk -v s="$log_interp" -v n=$n 'BEGIN { printf "%.2f", exp(s / n) }')x (engine is that many times faster)"

# startup: 1 MB modules instantiated and an empty export called (best of 5):
# (a) ~1 MB of code (every function validated and compiled at load);
# (b) 1 MB of which 64 KB code, 400 KB data segment, the rest a custom
#     section (debug info), the shape of a typical release binary.
gen_funcs() {
	local i
	for i in $(seq 1 "$1"); do
		echo "(func \$f$i (param i32 i64) (result i64) (local i32 f64)"
		echo " (local.set 2 (i32.add (local.get 0) (i32.const $i)))"
		echo " (block (loop (br_if 1 (i32.eqz (local.get 2))) (local.set 2 (i32.sub (local.get 2) (i32.const 1)))"
		echo "  (i32.store offset=16 (local.get 2) (i32.mul (local.get 2) (i32.const 3))) (br 0)))"
		echo " (local.set 3 (f64.mul (f64.convert_i64_s (local.get 1)) (f64.const 1.5)))"
		echo " (i64.add (i64.trunc_sat_f64_s (local.get 3)) (i64.extend_i32_u (i32.load (local.get 0)))))"
	done
}
{ echo "(module (memory 1) (func (export \"empty\"))"; gen_funcs 14200; echo ")"; } >"$tmp/big.wat"
wat2wasm "$tmp/big.wat" -o "$tmp/big.wasm"
{
	echo "(module (memory 8) (func (export \"empty\"))"
	gen_funcs 900
	printf '(data (i32.const 1024) "'
	head -c 400000 /dev/zero | tr '\0' 'x'
	echo '"))'
} >"$tmp/mixed.wat"
wat2wasm "$tmp/mixed.wat" -o "$tmp/mixed.wasm"
# append a custom section ("debug", 560 KB) to reach 1 MB
python3 - "$tmp/mixed.wasm" <<'PY'
import sys
p = sys.argv[1]
payload = b"\x05debug" + b"\xab" * 560000
def leb(n):
    out = b""
    while True:
        b = n & 0x7f; n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n: return out
open(p, "ab").write(b"\x00" + leb(len(payload)) + payload)
PY
for m in big mixed; do
	size=$(stat -c %s "$tmp/$m.wasm")
	best=""
	for i in 1 2 3 4 5; do
		"$tool" --stats "$tmp/$m.wasm" empty 2>"$tmp/stats" >/dev/null
		t=$(awk '{ print $2 + $5 + $8 }' "$tmp/stats")
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; line=$(cat "$tmp/stats"); fi
	done
	echo "startup ($m): $size-byte module: load+instantiate+call $best ms (best of 5; $line)"
done
# `wasmpack run` end to end (issue 6): a C hello world (clang-16 + wasi-libc)
# from its file and from an OCI layout, against node's WASI and against this
# binary's own floor, `wasmpack help` (process start and loading its shared
# libraries, no module).  Target: under 10 ms for the hello world.
wasmpack=${WASMPACK:-$build/wasmpack}
if [ -x "$wasmpack" ] && [ -f /usr/lib/wasm32-wasi/libc.a ]; then
	printf '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }\n' >"$tmp/hello.c"
	clang-16 --target=wasm32-wasi -O2 "$tmp/hello.c" -o "$tmp/hello.wasm"
	"$wasmpack" build --wasm "$tmp/hello.wasm" -o "oci:$tmp/hello-oci" >/dev/null 2>&1
	# ms N CMD...: best and median wall time of N runs, in milliseconds
	# (bash's own clock: forking date would add its start-up to each run)
	ms() {
		local n=$1 i t0 t1
		shift
		for i in $(seq 1 "$n"); do
			t0=${EPOCHREALTIME/./}
			"$@" >/dev/null 2>&1
			t1=${EPOCHREALTIME/./}
			echo $((t1 - t0))
		done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f %.2f\n", v[1] / 1e3, v[int((NR + 1) / 2)] / 1e3 }'
	}
	[ "$("$wasmpack" run "$tmp/hello.wasm")" = "hello, world" ] || { echo "run: wrong output" >&2; fail=1; }
	read -r floor_b floor_m < <(ms 30 "$wasmpack" help)
	read -r run_b run_m < <(ms 30 "$wasmpack" run "$tmp/hello.wasm")
	read -r oci_b oci_m < <(ms 30 "$wasmpack" run "oci:$tmp/hello-oci")
	read -r node_b node_m < <(ms 10 node --no-warnings "$root/tests/lib/node-wasi.js" "$tmp/hello.wasm")
	echo "run: wasmpack run hello.wasm        best $run_b ms, median $run_m ms"
	echo "run: wasmpack run oci:DIR           best $oci_b ms, median $oci_m ms"
	echo "run: node's WASI, hello.wasm        best $node_b ms, median $node_m ms ($(ratio "${node_m/./}" "${run_m/./}")x wasmpack's median)"
	echo "run: floor: wasmpack help           best $floor_b ms, median $floor_m ms (the run itself adds $(awk -v a="$run_m" -v b="$floor_m" 'BEGIN { printf "%.2f", a - b }') ms)"
fi
exit $fail
