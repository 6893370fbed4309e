;; missing_import.wat - a command whose start function would print, but
;; which needs an import no WASI host has: linking must fail, naming it,
;; before anything runs.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "env" "host_magic" (func $magic (param i32 i64) (result f64)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\20\00\00\00\04\00\00\00")
  (data (i32.const 32) "ran\n")
  (func $say (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8))))
  (start $say)
  (func (export "_start") (call $say)))
