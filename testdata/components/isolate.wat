;; Two components given the same host interfaces: A gets stdout and
;; writes to it; B writes to handle 1 without ever getting a stream.
;; Handles are per instance, so B's handle 1 is nothing (it traps) and
;; cannot be A's stdout, whatever number the host gave A's stream.
(component $root
  (import "wasi:io/error@0.2.0" (instance $error (export "error" (type (sub resource)))))
  (alias export $error "error" (type $io-error))
  (type $streams-t (instance
    (alias outer $root $io-error (type $e))
    (export "output-stream" (type $out (sub resource)))
    (type $se (variant (case "last-operation-failed" (own $e)) (case "closed")))
    (export "stream-error" (type $se2 (eq $se)))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $out)) (param "contents" (list u8)) (result (result (error $se2)))))))
  (import "wasi:io/streams@0.2.0" (instance $streams (type $streams-t)))
  (alias export $streams "output-stream" (type $output-stream))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer $root $output-stream (type $o))
    (export "get-stdout" (func (result (own $o))))))
  (component $writer
    (import "streams" (instance $streams (type $streams-t)))
    (alias export $streams "output-stream" (type $output-stream))
    (import "stdout" (instance $stdout
      (alias outer $writer $output-stream (type $o))
      (export "get-stdout" (func (result (own $o))))))
    (core module $m
      (import "w" "get-stdout" (func $get (result i32)))
      (import "w" "write" (func $write (param i32 i32 i32 i32)))
      (import "w" "mem" (memory 1))
      ;; own: "hi" to the stream from get-stdout; sneak: to handle 1, never got
      (func (export "own") (call $write (call $get) (i32.const 64) (i32.const 2) (i32.const 16)))
      (func (export "sneak") (call $write (i32.const 1) (i32.const 64) (i32.const 2) (i32.const 16))))
    (core module $mem (memory (export "mem") 1) (data (i32.const 64) "hi"))
    (core instance $mem (instantiate $mem))
    (alias core export $mem "mem" (core memory $memory))
    (core func $get (canon lower (func $stdout "get-stdout")))
    (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $memory)))
    (core instance $m (instantiate $m (with "w" (instance (export "get-stdout" (func $get)) (export "write" (func $write))
      (export "mem" (memory $memory))))))
    (func (export "own") (canon lift (core func $m "own")))
    (func (export "sneak") (canon lift (core func $m "sneak"))))
  (instance $a (instantiate $writer (with "streams" (instance $streams)) (with "stdout" (instance $stdout))))
  (instance $b (instantiate $writer (with "streams" (instance $streams)) (with "stdout" (instance $stdout))))
  (core func $a-own (canon lower (func $a "own")))
  (core func $b-sneak (canon lower (func $b "sneak")))
  (core module $both
    (import "x" "a" (func $a))
    (import "x" "b" (func $b))
    (func (export "run") (call $a) (call $b)))
  (core instance $both (instantiate $both (with "x" (instance (export "a" (func $a-own)) (export "b" (func $b-sneak))))))
  (func (export "a-then-b") (canon lift (core func $both "run")))
)
