#!/usr/bin/env bash
# Exceptions under `wasmpack run` (issue 13): a WASI program that throws
# and catches runs to its end; one that lets an exception escape _start
# ends like a trap: "Error: uncaught wasm exception", the backtrace of the
# throw (names from the name section), status 134, and the output written
# before it.  (C++ and setjmp/longjmp programs compared with node are in
# builders_emscripten.sh and builders_wasi.sh.)
. "$(dirname "$0")/../lib.sh"

if ! have wat2wasm; then
	skip run_exceptions "wat2wasm not installed (Debian package wabt)"
	exit 0
fi
cat >"$T_TMP/eh.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "caught\n")
  (data (i32.const 32) "before\n")
  (tag $oops (param i32))
  (func $say (param $at i32)
    (i32.store (i32.const 0) (local.get $at))
    (i32.store (i32.const 4) (i32.const 7))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $inner (param i32) (throw $oops (local.get 0)))
  (func $middle (param i32) (call $inner (local.get 0)))
  (func $argc (result i32)
    (drop (call $args_sizes_get (i32.const 100) (i32.const 104)))
    (i32.load (i32.const 100)))
  (func (export "_start")
    (call $say (i32.const 32))
    ;; with no argument the exception is caught; with one it escapes
    (try
      (do (call $middle (i32.const 5)))
      (catch $oops (drop) (call $say (i32.const 16))))
    (if (i32.gt_u (call $argc) (i32.const 1))
      (then (call $middle (i32.const 6))))))
WAT
if ! wat2wasm --enable-exceptions --debug-names "$T_TMP/eh.wat" -o "$T_TMP/eh.wasm"; then
	not_ok "the test module assembles"
	exit 1
fi
run "$WASMPACK" run "$T_TMP/eh.wasm"
check_eq "caught: the program runs to its end" $'0 before\ncaught' "$T_RC $T_OUT"
check "caught: nothing on stderr" test -z "$T_ERR"
run "$WASMPACK" run "$T_TMP/eh.wasm" -- escape
check_eq "uncaught: status 134, the output before it kept" $'134 before\ncaught' "$T_RC $T_OUT"
check_eq "uncaught: the Error line" "Error: uncaught wasm exception" "$(head -n 1 <<<"$T_ERR")"
check_eq "uncaught: a wasm backtrace follows" "wasm backtrace:" "$(sed -n 2p <<<"$T_ERR")"
check_match "uncaught: the innermost frame is the throw's" "^ +0: func\[[0-9]+\] inner$" "$(sed -n 3p <<<"$T_ERR")"
check_match "uncaught: then its callers" "^ +1: func\[[0-9]+\] middle$" "$(sed -n 4p <<<"$T_ERR")"
exit $T_FAILED
