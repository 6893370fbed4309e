#!/usr/bin/env bash
# Limits end runaway guests with a trap naming the limit (status 134):
# an infinite loop under --timeout and under --fuel, a guest blocked in a
# host call (sleeping in poll_oneoff, reading a silent stdin) under
# --timeout, memory growth under --max-memory; and limits a guest stays
# within change nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
need_wasi_cc

trap_wasm=$(wasi_module trap -O0) || exit 1
ms() { echo $(($(date +%s%N) / 1000000)); }

# limit_case LABEL REASON MAX_MS ARGS...: ends with 134 and REASON, quickly
limit_case() {
	local label=$1 reason=$2 max=$3 t0 t1
	shift 3
	t0=$(ms)
	run "$WASMPACK" run "$@"
	t1=$(ms)
	check_eq "$label: exit status 134" 134 "$T_RC"
	check_eq "$label: the reason" "Error: $reason" "$(head -n 1 <<<"$T_ERR")"
	check_match "$label: a backtrace" "wasm backtrace:" "$T_ERR"
	check "$label: ended within ${max} ms (took $((t1 - t0)))" test $((t1 - t0)) -lt "$max"
}

limit_case "infinite loop, --timeout 0.5" "interrupted: --timeout 0.5 expired" 5000 \
	"$trap_wasm" --timeout 0.5 -- loop
limit_case "infinite loop, --fuel" "all fuel consumed (--fuel 2000000)" 5000 \
	"$trap_wasm" --fuel 2000000 -- loop
check_match "the fuel trap points into the loop" "func\[[0-9]+\] spin" "$T_ERR"
limit_case "sleeping 60 s in poll_oneoff, --timeout 300ms" "interrupted: --timeout 300ms expired" 5000 \
	"$trap_wasm" --timeout 300ms -- sleep

# a reader that never gets a byte: stdin is a FIFO we hold open for writing
mkfifo "$T_TMP/fifo"
exec 7<>"$T_TMP/fifo"
t0=$(ms)
"$WASMPACK" run "$trap_wasm" --timeout 0.3 -- read <"$T_TMP/fifo" >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
t1=$(ms)
exec 7>&-
check_eq "blocked reading stdin, --timeout 0.3: 134 and the reason" \
	"134 Error: interrupted: --timeout 0.3 expired" "$rc $(head -n 1 "$T_TMP/err")"
check "blocked reading stdin: ended within 5 s (took $((t1 - t0)) ms)" test $((t1 - t0)) -lt 5000

limit_case "malloc in a loop, --max-memory 8M" "memory limit exceeded (--max-memory 8388608 bytes)" 10000 \
	"$trap_wasm" --max-memory 8M -- grow
check_match "the memory trap points at the allocator" "func\[[0-9]+\] sbrk" "$T_ERR"

# within the limits, nothing happens
run "$WASMPACK" run "$trap_wasm" --timeout 30 --fuel 100000000 --max-memory 64M -- return 0
check_eq "a guest within every limit exits normally" "0 mode return" "$T_RC $T_OUT"
check "... and says nothing on stderr" test -z "$T_ERR"

expect_error "--timeout needs a number" 2 "--timeout needs seconds" "$WASMPACK" run "$trap_wasm" --timeout soon
expect_error "--fuel needs a positive number" 2 "--fuel needs a positive number" "$WASMPACK" run "$trap_wasm" --fuel 0
expect_error "--max-memory needs a size" 2 "--max-memory needs a size" "$WASMPACK" run "$trap_wasm" --max-memory lots

exit "$T_FAILED"
