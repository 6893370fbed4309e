#!/usr/bin/env bash
# How a run ends, as wasmtime's CLI reports it: proc_exit(n) -> n,
# returning from _start -> 0, n >= 126 -> 1 with an error; a trap ->
# "Error: <reason>" and a wasm backtrace with the name section's names on
# stderr and 134; a missing or mistyped import -> one error line naming
# module, field and type, status 1, before anything runs; --invoke on a
# reactor (after _initialize) printing the results.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
need_wasi_cc

trap_wasm=$(wasi_module trap -O0) || exit 1
reactor=$(wasi_module reactor -mexec-model=reactor) || exit 1

for n in 0 1 7 125; do
	run "$WASMPACK" run "$trap_wasm" -- proc_exit "$n"
	check_eq "proc_exit($n) exits $n" "$n" "$T_RC"
done
run "$WASMPACK" run "$trap_wasm" -- exit 42
check_eq "libc exit(42) exits 42" 42 "$T_RC"
check_eq "the guest's output comes first" "mode exit" "$T_OUT"
run "$WASMPACK" run "$trap_wasm" -- return 3
check_eq "main returning 3 exits 3" 3 "$T_RC"
run "$WASMPACK" run "$trap_wasm" -- return 0
check_eq "returning from _start exits 0" "0 mode return" "$T_RC $T_OUT"
for n in 126 255 4294967295; do
	run "$WASMPACK" run "$trap_wasm" -- proc_exit "$n"
	check_eq "proc_exit($n) is refused like wasmtime: status 1" 1 "$T_RC"
	check_eq "proc_exit($n): the error says why" \
		"Error: exit with invalid exit status $n outside of [0..126)" "$T_ERR"
done

# traps: the reason, then the frames, innermost first, with their names
trap_case() {
	local mode=$1 reason=$2 frame=$3 reach=${4:-main}
	run "$WASMPACK" run "$trap_wasm" -- "$mode"
	check_eq "$mode: exit status 134" 134 "$T_RC"
	check_eq "$mode: stdout holds what ran before" "mode $mode" "$T_OUT"
	check_eq "$mode: Error line" "Error: $reason" "$(head -n 1 <<<"$T_ERR")"
	check_eq "$mode: a wasm backtrace follows" "wasm backtrace:" "$(sed -n 2p <<<"$T_ERR")"
	check_match "$mode: innermost frame named from the name section" "^ +0: func\[[0-9]+\] $frame$" "$(sed -n 3p <<<"$T_ERR")"
	check_match "$mode: the frames reach $reach" "func\[[0-9]+\] $reach" "$T_ERR"
}
trap_case unreachable "unreachable" crash_on_purpose
trap_case divzero "integer divide by zero" divide
trap_case oob "out of bounds memory access" poke
# (the C stack lives in linear memory: it overflows below address 0; the
# backtrace keeps the innermost 32 frames)
trap_case stack "out of bounds memory access" recurse recurse

deep=$(wat_module deep) || exit 1
run "$WASMPACK" run "$deep"
check_eq "deep recursion: call stack exhausted, 134" "134 Error: call stack exhausted" "$T_RC $(head -n 1 <<<"$T_ERR")"
check_match "deep recursion: frames named" "0: func\[0\] down" "$T_ERR"

# link errors happen before anything runs: the start function would print
missing=$(wat_module missing_import) || exit 1
expect_error "a missing import: one line naming module, field and type" 1 \
	"unknown import: env\.host_magic \(expected func \(i32, i64\) -> \(f64\)\)" "$WASMPACK" run "$missing"
bad=$(wat_module bad_signature) || exit 1
expect_error "a WASI import of the wrong type is a link error" 1 \
	"incompatible import type for wasi_snapshot_preview1\.fd_write \(expected func \(i32\) -> \(i32\)\)" \
	"$WASMPACK" run "$bad"

# --invoke on a reactor
invoke() {
	local want=$1
	shift
	run "$WASMPACK" run "$reactor" --invoke "$@"
	check_eq "--invoke $*" "0 $want" "$T_RC $T_OUT"
}
invoke 5 add -- 2 3
invoke -2147483648 add -- 2147483647 1
invoke -12000000000 mul64 -- -3 4000000000
invoke 1.5 half -- 3
invoke 0.33333334 third -- 1
invoke 42 initialized
invoke "hello from the reactor" hello
expect_error "--invoke: wrong argument count" 2 "add takes 2 arguments, got 1" \
	"$WASMPACK" run "$reactor" --invoke add -- 1
expect_error "--invoke: an argument of the wrong type" 2 "argument 1 of add: 'x' is not a valid i32" \
	"$WASMPACK" run "$reactor" --invoke add -- x 1
expect_error "--invoke: no such export" 2 "no exported function named 'nope'" \
	"$WASMPACK" run "$reactor" --invoke nope
expect_error "a reactor without --invoke says so" 2 "has no _start export" "$WASMPACK" run "$reactor"
run "$WASMPACK" run "$trap_wasm" --invoke _start
check_eq "--invoke _start on a command runs it" "0 mode |returning 0" "$T_RC $(tr '\n' '|' <<<"$T_OUT" | sed 's/|$//')"

exit "$T_FAILED"
