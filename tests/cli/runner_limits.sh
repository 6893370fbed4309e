#!/usr/bin/env bash
# Embedding limits and host interaction through build/tools/wasm_run:
# fuel, the interrupt flag (a watchdog thread), the memory limit, the call
# depth limit, exit requests (distinct from traps), host traps, host
# memory bounds checks, link and load errors naming what is wrong.
. "$(dirname "$0")/../lib.sh"

run_tool="$WASMPACK_BUILD/tools/wasm_run"
if ! have wat2wasm; then
	skip runner_limits "wat2wasm not installed (Debian package wabt)"
	exit 0
fi
cat >"$T_TMP/m.wat" <<'WAT'
(module
  (import "env" "exit" (func $exit (param i32)))
  (import "env" "print_str" (func $print (param i32 i32)))
  (import "env" "print_i32" (func $print_i32 (param i32)))
  (memory 1 100)
  (data (i32.const 16) "hello\n")
  (func $spin (export "spin") (loop $l (br $l)))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "hello") (call $print (i32.const 16) (i32.const 6)))
  (func (export "bad-print") (call $print (i32.const 65530) (i32.const 100)))
  (func (export "quit") (call $print_i32 (i32.const 1)) (call $exit (i32.const 7)) (call $print_i32 (i32.const 2)))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
)
WAT
wat2wasm --debug-names "$T_TMP/m.wat" -o "$T_TMP/m.wasm"
m="$T_TMP/m.wasm"

run "$run_tool" --fuel 100000 "$m" count 1000
check_eq "fuel: enough fuel runs" "1000" "$T_OUT"
run "$run_tool" --fuel 100000 "$m" count 100000000
check_eq "fuel: exhaustion traps" "134:Error: all fuel consumed" "$T_RC:$(printf '%s\n' "$T_ERR" | head -1)"
run "$run_tool" --timeout-ms 200 "$m" spin
check_eq "interrupt flag stops an endless loop" "134:Error: interrupted" "$T_RC:$(printf '%s\n' "$T_ERR" | head -1)"
check_match "interrupt backtrace names the function" "func\[[0-9]+\] spin" "$T_ERR"
run "$run_tool" --max-memory 1048576 "$m" grow 15
check_eq "memory limit: growth within it" "1" "$T_OUT"
run "$run_tool" --max-memory 1048576 "$m" grow 16
check_eq "memory limit: growth past it traps" "134:Error: memory limit exceeded" "$T_RC:$(printf '%s\n' "$T_ERR" | head -1)"
run "$run_tool" "$m" grow 100
check_eq "memory: growth past the module maximum returns -1" "-1" "$T_OUT"
run "$run_tool" --max-depth 500 "$m" rec 400
check_eq "call depth: within the limit" "400" "$T_OUT"
run "$run_tool" --max-depth 500 "$m" rec 600
check_eq "call depth: past the limit traps" "134:Error: call stack exhausted" "$T_RC:$(printf '%s\n' "$T_ERR" | head -1)"
run "$run_tool" "$m" rec 5000
check_eq "call depth: default allows 5000 frames" "5000" "$T_OUT"
run "$run_tool" "$m" rec 100000000
check_eq "call depth: runaway recursion traps cleanly" "134:Error: call stack exhausted" "$T_RC:$(printf '%s\n' "$T_ERR" | head -1)"
run "$run_tool" "$m" hello
check_eq "host reads guest memory" "hello" "$T_OUT"
run "$run_tool" "$m" bad-print
check_match "host bounds check becomes a trap" "^Error: print_str: out of bounds" "$T_ERR"
check_eq "host trap status" "134" "$T_RC"
run "$run_tool" "$m" quit
check_eq "exit request: status is the guest's code" "7" "$T_RC"
check_eq "exit request: unwinds at once" "1" "$T_OUT"
check "exit request: no error printed" test -z "$T_ERR"

cat >"$T_TMP/link.wat" <<'WAT'
(module (import "env" "missing" (func (param i32 i64) (result f32))))
WAT
wat2wasm "$T_TMP/link.wat" -o "$T_TMP/link.wasm"
run "$run_tool" "$T_TMP/link.wasm"
check_eq "link error: unknown import names module, field, type" \
	"wasm_run: unknown import: env.missing (expected func (i32, i64) -> (f32))" "$T_ERR"
cat >"$T_TMP/link2.wat" <<'WAT'
(module (import "env" "print_i32" (func (param i64))))
WAT
wat2wasm "$T_TMP/link2.wat" -o "$T_TMP/link2.wasm"
run "$run_tool" "$T_TMP/link2.wasm"
check_eq "link error: wrong signature" \
	"wasm_run: incompatible import type for env.print_i32 (expected func (i64) -> ())" "$T_ERR"
printf '\0asm\1\0\0\0\1\5\1\140\0\1\177\3\2\1\0\12\6\1\4\0\102\0\13' >"$T_TMP/bad.wasm"
run "$run_tool" "$T_TMP/bad.wasm"
check_match "load error names the reason and offset" "type mismatch at offset [0-9]+" "$T_ERR"
check_eq "load error status" "1" "$T_RC"
# 40 function types, each with 1000 parameters of (ref null) the one
# before: a type's identity must not spell out what it references (that
# is 1000^40 bytes), the module loads at once
python3 "$WASMPACK_ROOT/tests/tools/gen_types.py" nested "$T_TMP/nested.wasm"
run timeout 20 "$run_tool" "$T_TMP/nested.wasm"
check_eq "40 nested typed-reference function types load at once" "1 wasm_run: no exported function \"run\"" "$T_RC $T_ERR"
# 200000 distinct function types (a 2 MB type section): interning them is
# linear (it was quadratic: a minute of CPU before the module ran)
python3 "$WASMPACK_ROOT/tests/tools/gen_types.py" many "$T_TMP/types.wasm"
run timeout 30 "$run_tool" "$T_TMP/types.wasm"
check_eq "200000 distinct function types load" "1 wasm_run: no exported function \"run\"" "$T_RC $T_ERR"
exit $T_FAILED
