;; A host function lowered with string-encoding=utf16: the WASI 0.2 host
;; (wasi:cli/environment) writes its strings into the guest as UTF-16,
;; which the export hands back, lifted as utf16 again.
(component
  (import "wasi:cli/environment@0.2.0" (instance $env
    (export "get-environment" (func (result (list (tuple string string)))))))
  (alias export $env "get-environment" (func $get-environment))
  (core module $libc
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 4096))
    ;; realloc that keeps a block it may shrink in place and copies one it grows
    (func (export "realloc") (param $op i32) (param $os i32) (param $al i32) (param $sz i32) (result i32)
      (local $p i32)
      (if (i32.and (i32.ne (local.get $op) (i32.const 0)) (i32.le_u (local.get $sz) (local.get $os)))
        (then (return (local.get $op))))
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $al) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $al))))
      (global.set $next (i32.add (local.get $p) (local.get $sz)))
      (if (local.get $op) (then (memory.copy (local.get $p) (local.get $op) (local.get $os))))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "mem" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core func $args (canon lower (func $get-environment) (memory $mem) (realloc $realloc) string-encoding=utf16))
  (core module $main
    (import "env" "mem" (memory 1))
    (import "wasi" "get-environment" (func $args (param i32)))
    ;; the value of the last environment variable, as the host lowered it
    ;; in utf16, and how many code units it has: (string, u32)
    (func (export "last") (result i32)
      (local $list i32) (local $n i32) (local $s i32)
      (call $args (i32.const 16))
      (local.set $list (i32.load (i32.const 16)))
      (local.set $n (i32.load (i32.const 20)))
      (local.set $s (i32.add (local.get $list) (i32.add (i32.mul (i32.sub (local.get $n) (i32.const 1)) (i32.const 16)) (i32.const 8))))
      (i32.store (i32.const 32) (i32.load (local.get $s)))
      (i32.store (i32.const 36) (i32.load offset=4 (local.get $s)))
      (i32.store (i32.const 40) (i32.load offset=4 (local.get $s)))
      (i32.const 32)))
  (core instance $main (instantiate $main
    (with "env" (instance (export "mem" (memory $mem))))
    (with "wasi" (instance (export "get-environment" (func $args))))))
  (func (export "last") (result (tuple string u32))
    (canon lift (core func $main "last") (memory $mem) (realloc $realloc) string-encoding=utf16))
)
