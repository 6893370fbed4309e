;; Exception handling, the legacy form LLVM and emscripten emit by default:
;; tag, try, catch, catch_all, delegate, rethrow, throw.  Expected values
;; worked out by hand from the semantics (each test says why).

(module
  (tag $e0)
  (tag $e1 (param i32))
  (tag $e2 (param i64 f64 i32))
  (tag $other (param i32))
  (export "e1" (tag $e1))

  (func $throw1 (param i32) (local.get 0) (throw $e1))
  (func $maybe (param i32) (result i32)
    ;; throws $e1(x * 10) when x is odd, else returns x
    (if (i32.and (local.get 0) (i32.const 1))
      (then (throw $e1 (i32.mul (local.get 0) (i32.const 10)))))
    (local.get 0))

  ;; no exception: the try's value
  (func (export "no-throw") (result i32)
    (try (result i32) (do (i32.const 7)) (catch $e1) (catch_all (i32.const -1))))

  ;; the payload arrives on the catch's stack
  (func (export "catch-payload") (param i32) (result i32)
    (try (result i32)
      (do (call $throw1 (local.get 0)) (i32.const 0))
      (catch $e1 (i32.add (i32.const 1000)))))

  ;; several payload values of different types
  (func (export "multi-payload") (result i64 f64 i32)
    (try (result i64 f64 i32)
      (do (throw $e2 (i64.const -5) (f64.const 2.5) (i32.const 9)))
      (catch $e2)))

  ;; the first matching clause wins; an unmatched tag goes to catch_all
  (func (export "select-clause") (param i32) (result i32)
    (try (result i32)
      (do
        (if (i32.eqz (local.get 0)) (then (throw $e0)))
        (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $e1 (i32.const 11))))
        (throw $other (i32.const 22)))
      (catch $e0 (i32.const 100))
      (catch $e1 (i32.const 200) (i32.add))
      (catch_all (i32.const 300))))

  ;; the exception crosses frames: odd inputs come back as x*10+1
  (func (export "across-calls") (param i32) (result i32)
    (try (result i32)
      (do (call $maybe (local.get 0)))
      (catch $e1 (i32.add (i32.const 1)))))

  ;; recursion n deep, the innermost throws n; caught at the top
  (func $deep (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (throw $e1 (i32.const 4242)))
      (else (i32.add (call $deep (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  (func (export "deep") (param i32) (result i32)
    (try (result i32) (do (call $deep (local.get 0))) (catch $e1)))

  ;; an inner try that does not match lets the outer one catch; the
  ;; local set before the throw is visible in the handler
  (func (export "nested") (result i32) (local i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (local.set 0 (i32.const 5)) (throw $e1 (i32.const 3)))
          (catch $other (drop) (i32.const -1))))
      (catch $e1 (i32.add (local.get 0)))))

  ;; rethrow the caught exception to the outer handler (same payload)
  (func (export "rethrow") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $e1 (i32.const 77)))
          (catch $e1 (drop) (rethrow 0))))
      (catch $e1 (i32.const 1) (i32.add))))

  ;; rethrow 1 from a try nested inside the catch: the outer catch's
  ;; exception; the inner catch_all takes it, then rethrow 0 still works
  (func (export "rethrow-nested") (result i32) (local i32)
    (try (result i32)
      (do
        (try
          (do (throw $e1 (i32.const 5)))
          (catch $e1
            (local.set 0)
            (try (do (rethrow 1)) (catch_all (local.set 0 (i32.add (local.get 0) (i32.const 100)))))
            (rethrow 0)))
        (i32.const -1))
      (catch $e1 (i32.add (local.get 0)))))

  ;; delegate 0 from an inner try goes to the catches of the try around it
  (func (export "delegate-outer") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $e1 (i32.const 8)))
          (delegate 0)))
      (catch $e1 (i32.const 2) (i32.mul))))

  ;; delegate 1 skips the try in between (its catch_all must not run)
  (func (export "delegate-skip") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do
            (try (result i32)
              (do (throw $e1 (i32.const 9)))
              (delegate 1)))
          (catch_all (i32.const -1))))
      (catch $e1 (i32.const 3) (i32.mul))))

  ;; delegate to the function's label: the caller sees it
  (func $delegate-out (result i32)
    (try (result i32) (do (throw $e1 (i32.const 6))) (delegate 0)))
  (func (export "delegate-caller") (result i32)
    (try (result i32) (do (call $delegate-out)) (catch $e1 (i32.const 50) (i32.add))))

  ;; an exception thrown in a catch is not caught by that try's clauses
  (func (export "throw-in-catch") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $e0))
          (catch $e0 (throw $e1 (i32.const 31)))
          (catch $e1 (drop) (i32.const -1))))
      (catch $e1)))

  ;; br out of a catch to a block around the try
  (func (export "br-from-catch") (result i32)
    (block $out (result i32)
      (try
        (do (throw $e1 (i32.const 12)))
        (catch $e1 (br $out (i32.add (i32.const 1)))))
      (i32.const -1)))

  ;; a loop that throws and catches each iteration: sum of 0..n-1
  (func (export "loop-sum") (param i32) (result i32) (local i32 i32)
    (loop $l
      (try
        (do (throw $e1 (local.get 1)))
        (catch $e1 (local.set 2 (i32.add (local.get 2)))))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 2))

  ;; try with a parameter; values below the try survive the handler
  (func (export "try-params") (result i32)
    (i32.const 1000)
    (i32.const 20)
    (try (param i32) (result i32)
      (do (throw $e1))
      (catch $e1 (i32.const 3) (i32.add)))
    (i32.add))

  ;; a throw through call_indirect
  (table funcref (elem $throw1))
  (type $ti (func (param i32)))
  (func (export "indirect") (result i32)
    (try (result i32)
      (do (call_indirect (type $ti) (i32.const 13) (i32.const 0)) (i32.const 0))
      (catch $e1)))

  ;; uncaught: the export fails with an exception
  (func (export "uncaught") (throw $e1 (i32.const 1)))
  (func (export "uncaught-mismatch")
    (try (do (throw $e0)) (catch $e1 (drop))))
  (func (export "rethrow-out")
    (try (do (throw $e0)) (catch_all (rethrow 0))))
)

(assert_return (invoke "no-throw") (i32.const 7))
(assert_return (invoke "catch-payload" (i32.const 5)) (i32.const 1005))
(assert_return (invoke "multi-payload") (i64.const -5) (f64.const 2.5) (i32.const 9))
(assert_return (invoke "select-clause" (i32.const 0)) (i32.const 100))
(assert_return (invoke "select-clause" (i32.const 1)) (i32.const 211))
(assert_return (invoke "select-clause" (i32.const 2)) (i32.const 300))
(assert_return (invoke "across-calls" (i32.const 4)) (i32.const 4))
(assert_return (invoke "across-calls" (i32.const 7)) (i32.const 71))
(assert_return (invoke "deep" (i32.const 0)) (i32.const 4242))
(assert_return (invoke "deep" (i32.const 1000)) (i32.const 4242))
(assert_return (invoke "nested") (i32.const 8))
(assert_return (invoke "rethrow") (i32.const 78))
(assert_return (invoke "rethrow-nested") (i32.const 110))
(assert_return (invoke "delegate-outer") (i32.const 16))
(assert_return (invoke "delegate-skip") (i32.const 27))
(assert_return (invoke "delegate-caller") (i32.const 56))
(assert_return (invoke "throw-in-catch") (i32.const 31))
(assert_return (invoke "br-from-catch") (i32.const 13))
(assert_return (invoke "loop-sum" (i32.const 10)) (i32.const 45))
(assert_return (invoke "loop-sum" (i32.const 3000)) (i32.const 4498500))
(assert_return (invoke "try-params") (i32.const 1023))
(assert_return (invoke "indirect") (i32.const 13))
(assert_exception (invoke "uncaught"))
(assert_exception (invoke "uncaught-mismatch"))
(assert_exception (invoke "rethrow-out"))
;; the instance still works after an uncaught exception
(assert_return (invoke "catch-payload" (i32.const 1)) (i32.const 1001))

;; a tag imported from another module is the same tag
(register "eh" )
(module
  (import "eh" "e1" (tag $e1 (param i32)))
  (tag $local (param i32))
  (func (export "imported-tag") (result i32)
    (try (result i32) (do (throw $e1 (i32.const 4))) (catch $local (drop) (i32.const -1)) (catch $e1)))
)
(assert_return (invoke "imported-tag") (i32.const 4))

;; validation
(assert_invalid (module (func (throw 0))) "unknown tag")
(assert_invalid (module (tag (param i32)) (func (throw 0))) "type mismatch")
(assert_invalid (module (func (try (do) (catch 0)))) "unknown tag")
(assert_invalid (module (tag) (func (block (rethrow 0)))) "invalid rethrow label")
(assert_invalid (module (tag) (func (try (do (rethrow 0)) (catch 0)))) "invalid rethrow label")
(assert_invalid (module (tag (param i32)) (func (try (do) (catch 0)))) "type mismatch")
(assert_invalid (module (tag (param i32)) (func (try (do) (delegate 1)))) "unknown label")
(assert_invalid (module (type (func (result i32))) (tag (type 0))) "non-empty tag result type")
