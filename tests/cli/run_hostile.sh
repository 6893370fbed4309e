#!/usr/bin/env bash
# Hostile guests (issue 11): small modules written to hurt the host, each
# of which must be stopped by the sandbox or by a limit, quickly.
#   fd_allocate            cannot reserve the host's disk (ENOTSUP, as wasmtime)
. "$(dirname "$0")/../lib.sh"
if ! have wat2wasm; then
	skip "$(basename "$0")" "wat2wasm not installed (Debian package wabt)"
	exit 0
fi

# wat NAME: assemble $T_TMP/NAME.wat (from stdin) and print the module's path
wat() {
	cat >"$T_TMP/$1.wat"
	wat2wasm --debug-names "$T_TMP/$1.wat" -o "$T_TMP/$1.wasm" && echo "$T_TMP/$1.wasm"
}

# fd_allocate(256 MiB) on a file it created in its preopen; exits with the errno
alloc=$(wat alloc <<'WAT'
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_allocate" (func $allocate (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "big")
  (func (export "_start") (local $e i32)
    (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 3)
      (i32.const 1) (i64.const 0x1fffffff) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $e) (then (call $exit (local.get $e))))
    (call $exit (call $allocate (i32.load (i32.const 0)) (i64.const 0) (i64.const 268435456)))))
WAT
) || exit 1
mkdir "$T_TMP/box"
run "$WASMPACK" run --dir "$T_TMP/box::/" "$alloc"
check_eq "fd_allocate: ENOTSUP (58)" 58 "$T_RC"
check_eq "fd_allocate: the file stays empty" "0 0" "$(stat -c '%s %b' "$T_TMP/box/big" 2>&1)"

exit "$T_FAILED"
