;; A WASI preview1 command that prints a greeting, written by hand so the
;; demo and the packaging tests need no compiler.  `wat2wasm hello.wat`
;; rebuilds hello.wasm.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasmpack\n")
  (func (export "_start")
    ;; iovec at 0: { base = 16, len = 20 }
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 20))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
