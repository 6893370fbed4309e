;; Tail calls (return_call, return_call_indirect): deep mutual recursion
;; in constant stack, arguments moved over the caller's frame (more and
;; fewer than the caller has, i32/i64/f64/v128 mixed), calls through a
;; table, a host-like import in tail position, traps, and validation.
;; Expected values computed by hand: even/odd over n steps add 2 and 1
;; alternately; sum3 is the plain sum.

(module
  (type $t2 (func (param i64 i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $even $odd)
  (func $even (export "even") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $odd (i64.sub (local.get $n) (i64.const 1))
                              (i64.add (local.get $acc) (i64.const 2))))))
  (func $odd (export "odd") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call_indirect (type $t2) (i64.sub (local.get $n) (i64.const 1))
                                             (i64.add (local.get $acc) (i64.const 1))
                                             (i32.const 0)))))

  ;; a frame with many locals calls one with more parameters than it has
  (func $sum3 (param i32 i64 f64) (result f64)
    (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
             (local.get 2)))
  (func (export "widen") (param $x i32) (result f64)
    (local i64 i64 i64)
    (local.set 1 (i64.const 40))
    (return_call $sum3 (local.get $x) (local.get 1) (f64.const 0.5)))

  ;; v128 arguments keep their two slots
  (func $lane (param v128 i32) (result i32)
    (i32.add (i32x4.extract_lane 2 (local.get 0)) (local.get 1)))
  (func (export "vec") (param i32) (result i32)
    (return_call $lane (v128.const i32x4 1 2 3 4) (local.get 0)))

  ;; a tail call whose callee traps: the trap is reported as usual
  (func $boom (result i32) (unreachable))
  (func (export "boom") (result i32) (return_call $boom))

  ;; type mismatch through the table
  (func (export "bad-indirect") (result i64)
    (return_call_indirect (type $t2) (i64.const 1) (i64.const 2) (i32.const 5)))

  ;; countdown with the loop count in an i32: a million frames would
  ;; exhaust the stack without tail calls
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 77))
      (else (return_call $down (i32.sub (local.get 0) (i32.const 1))))))
)

(assert_return (invoke "even" (i64.const 0) (i64.const 0)) (i64.const 0))
(assert_return (invoke "odd" (i64.const 7) (i64.const 0)) (i64.const 10))
(assert_return (invoke "even" (i64.const 1000000) (i64.const 0)) (i64.const 1500000))
(assert_return (invoke "down" (i32.const 3000000)) (i32.const 77))
(assert_return (invoke "widen" (i32.const 2)) (f64.const 42.5))
(assert_return (invoke "vec" (i32.const 10)) (i32.const 13))
(assert_trap (invoke "boom") "unreachable")
(assert_trap (invoke "bad-indirect") "undefined element")

;; a tail call to an import (a host function) returns its results
(module $host
  (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))
(register "host" $host)
(module
  (import "host" "twice" (func $twice (param i32) (result i32)))
  (func (export "via") (param i32) (result i32)
    (return_call $twice (i32.add (local.get 0) (i32.const 1)))))
(assert_return (invoke "via" (i32.const 20)) (i32.const 42))

;; the callee's results must be the caller's
(assert_invalid
  (module
    (func $f (result i64) (i64.const 1))
    (func (result i32) (return_call $f)))
  "type mismatch")
(assert_invalid
  (module
    (type $t (func (result i32 i32)))
    (table 1 funcref)
    (func (result i32) (return_call_indirect (type $t) (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (func (result i32) (return_call 5)))
  "unknown function")
;; nothing after a tail call is reachable (stack-polymorphic)
(module
  (func $g (result i32) (i32.const 3))
  (func (export "after") (result i32) (return_call $g) (i64.const 0) (drop)))
(assert_return (invoke "after") (i32.const 3))
