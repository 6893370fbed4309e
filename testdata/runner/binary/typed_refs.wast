;; Typed function references (WebAssembly 3.0): (ref $t) values, call_ref,
;; return_call_ref, ref.as_non_null, br_on_null, br_on_non_null,
;; non-defaultable locals, a table of a non-nullable type, typed globals
;; across modules.  Debian's wabt cannot write these modules: they are
;; binary (assembled by wabt 1.0.41's wast2json from the text beside each)
;; and tests/tools/wast_binary.py converts the script.  Expected values
;; worked by hand (comments).

;; (module
;;   (type $ii (func (param i32) (result i32)))
;;   (type $cnt (func (param i32 i32) (result i32)))
;;   (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
;;   (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
;;   (elem declare func $inc $dbl $count)
;;   (table $tt 2 (ref $ii) (ref.func $inc))
;;   (global $g (mut (ref null $ii)) (ref.null $ii))
;;   (global $gf (export "gf") (ref $ii) (ref.func $dbl))
;;   (func (export "call_tab") (param i32 i32) (result i32)
;;     (call_ref $ii (local.get 1) (table.get $tt (local.get 0))))
;;   (func (export "set_tab") (param i32) (table.set $tt (local.get 0) (ref.func $dbl)))
;;   (func (export "call_g") (param i32) (result i32)
;;     (call_ref $ii (local.get 0) (global.get $g)))
;;   (func (export "set_g") (global.set $g (ref.func $inc)))
;;   (func (export "call_gf") (param i32) (result i32) (call_ref $ii (local.get 0) (global.get $gf)))
;;   (func (export "on_null") (param i32) (result i32)
;;     (block $isnull
;;       (return (i32.add (i32.const 100)
;;         (call_ref $ii (local.get 0) (br_on_null $isnull (global.get $g))))))
;;     (i32.const 1))
;;   (func (export "on_non_null") (param $x i32) (result i32)
;;     (local.get $x)
;;     (block $nn (param i32) (result i32 (ref $ii))
;;       (br_on_non_null $nn (global.get $g))
;;       (drop)
;;       (return (i32.const -1)))
;;     (call_ref $ii))
;;   (func (export "as_nn") (param i32) (result i32)
;;     (call_ref $ii (local.get 0) (ref.as_non_null (global.get $g))))
;;   (func (export "local_nn") (param i32) (result i32)
;;     (local $f (ref $ii))
;;     (local.set $f (ref.func $dbl))
;;     (call_ref $ii (local.get 0) (local.get $f)))
;;   (func $count (type $cnt)
;;     (if (result i32) (i32.eqz (local.get 0))
;;       (then (local.get 1))
;;       (else (return_call_ref $cnt (i32.sub (local.get 0) (i32.const 1))
;;                                   (i32.add (local.get 1) (i32.const 2)) (ref.func $count)))))
;;   (func (export "count") (param i32) (result i32) (call $count (local.get 0) (i32.const 0)))
;;   (func (export "is_null_g") (result i32) (ref.is_null (global.get $g))))
(module binary
  "\00\61\73\6d\01\00\00\00\01\1e\06\60\01\7f\01\7f\60\02\7f\7f\01\7f\60\01\7f\00\60\00\00\60\01\7f"
  "\02\7f\64\00\60\00\01\7f\03\0f\0e\00\00\01\02\00\03\00\00\00\00\00\01\00\05\04\0a\01\40\00\64\00"
  "\00\02\d2\00\0b\06\0d\02\63\00\01\d0\00\0b\64\00\00\d2\01\0b\07\75\0c\02\67\66\03\01\08\63\61\6c"
  "\6c\5f\74\61\62\00\02\07\73\65\74\5f\74\61\62\00\03\06\63\61\6c\6c\5f\67\00\04\05\73\65\74\5f\67"
  "\00\05\07\63\61\6c\6c\5f\67\66\00\06\07\6f\6e\5f\6e\75\6c\6c\00\07\0b\6f\6e\5f\6e\6f\6e\5f\6e\75"
  "\6c\6c\00\08\05\61\73\5f\6e\6e\00\09\08\6c\6f\63\61\6c\5f\6e\6e\00\0a\05\63\6f\75\6e\74\00\0c\09"
  "\69\73\5f\6e\75\6c\6c\5f\67\00\0d\09\07\01\03\00\03\00\01\0b\0a\a8\01\0e\07\00\20\00\41\01\6a\0b"
  "\07\00\20\00\41\02\6c\0b\0a\00\20\01\20\00\25\00\14\00\0b\08\00\20\00\d2\01\26\00\0b\08\00\20\00"
  "\23\00\14\00\0b\06\00\d2\00\24\00\0b\08\00\20\00\23\01\14\00\0b\14\00\02\40\41\e4\00\20\00\23\00"
  "\d5\00\14\00\6a\0f\0b\41\01\0b\11\00\20\00\02\04\23\00\d6\00\1a\41\7f\0f\0b\14\00\0b\09\00\20\00"
  "\23\00\d4\14\00\0b\0f\01\01\64\00\d2\01\21\01\20\00\20\01\14\00\0b\19\00\20\00\45\04\7f\20\01\05"
  "\20\00\41\01\6b\20\01\41\02\6a\d2\0b\15\01\0b\0b\08\00\20\00\41\00\10\0b\0b\05\00\23\00\d1\0b")

;; the table starts as $inc everywhere: inc(5) = 6; set_tab(1) puts $dbl
(assert_return (invoke "call_tab" (i32.const 0) (i32.const 5)) (i32.const 6))
(assert_return (invoke "call_tab" (i32.const 1) (i32.const 5)) (i32.const 6))
(invoke "set_tab" (i32.const 1))
(assert_return (invoke "call_tab" (i32.const 1) (i32.const 5)) (i32.const 10))
(assert_trap (invoke "call_tab" (i32.const 2) (i32.const 5)) "out of bounds table access")
;; $g is null: call_ref traps, br_on_null branches (1), br_on_non_null
;; falls through (-1), ref.as_non_null traps
(assert_trap (invoke "call_g" (i32.const 3)) "null function reference")
(assert_return (invoke "on_null" (i32.const 3)) (i32.const 1))
(assert_return (invoke "on_non_null" (i32.const 3)) (i32.const -1))
(assert_trap (invoke "as_nn" (i32.const 3)) "null reference")
(assert_return (invoke "is_null_g") (i32.const 1))
;; $g = $inc: inc(3) = 4, 100 + inc(3) = 104, inc(7) = 8, inc(9) = 10
(invoke "set_g")
(assert_return (invoke "call_g" (i32.const 3)) (i32.const 4))
(assert_return (invoke "on_null" (i32.const 3)) (i32.const 104))
(assert_return (invoke "on_non_null" (i32.const 7)) (i32.const 8))
(assert_return (invoke "as_nn" (i32.const 9)) (i32.const 10))
(assert_return (invoke "is_null_g") (i32.const 0))
;; $gf is $dbl: dbl(21) = 42; a non-defaultable local set to $dbl: 16
(assert_return (invoke "call_gf" (i32.const 21)) (i32.const 42))
(assert_return (invoke "local_nn" (i32.const 8)) (i32.const 16))
;; 2 added per step, in return_call_refs: 100000 steps deep in constant stack
(assert_return (invoke "count" (i32.const 0)) (i32.const 0))
(assert_return (invoke "count" (i32.const 100000)) (i32.const 200000))
(register "tr")

;; an immutable (ref $ii) global imported as (ref null func): a supertype
;; (module
;;   (type $ii (func (param i32) (result i32)))
;;   (global $f (import "tr" "gf") (ref null func))
;;   (func (export "is_null") (result i32) (ref.is_null (global.get $f))))
(module binary
  "\00\61\73\6d\01\00\00\00\01\0a\02\60\01\7f\01\7f\60\00\01\7f\02\0a\01\02\74\72\02\67\66\03\70\00"
  "\03\02\01\01\07\0b\01\07\69\73\5f\6e\75\6c\6c\00\00\0a\07\01\05\00\23\00\d1\0b")
(assert_return (invoke "is_null") (i32.const 0))

;; ... but not as a reference to another function type
;; (module
;;   (type $v (func (result i32)))
;;   (global $f (import "tr" "gf") (ref $v)))
(assert_unlinkable
  (module binary
    "\00\61\73\6d\01\00\00\00\01\05\01\60\00\01\7f\02\0b\01\02\74\72\02\67\66\03\64\00\00")
  "incompatible import type")

;; a non-nullable local read before it is set
;; (module (type $ii (func (param i32) (result i32)))
;;   (func (local $f (ref $ii)) (drop (local.get $f))))
(assert_invalid
  (module binary
    "\00\61\73\6d\01\00\00\00\01\09\02\60\01\7f\01\7f\60\00\00\03\02\01\01\0a\0a\01\08\01\01\64\00\20"
    "\00\1a\0b")
  "uninitialized local")

;; set inside a block: unset again after its end
;; (module (type $ii (func (param i32) (result i32)))
;;   (func $f (type $ii) (local.get 0))
;;   (elem declare func $f)
;;   (func (local $x (ref $ii)) (block (local.set $x (ref.func $f))) (drop (local.get $x))))
(assert_invalid
  (module binary
    "\00\61\73\6d\01\00\00\00\01\09\02\60\01\7f\01\7f\60\00\00\03\03\02\00\01\09\05\01\03\00\01\00\0a"
    "\16\02\04\00\20\00\0b\0f\01\01\64\00\02\40\d2\00\21\00\0b\20\00\1a\0b")
  "uninitialized local")

;; set before the block: still set inside it (valid)
;; (module (type $ii (func (param i32) (result i32)))
;;   (func $f (type $ii) (local.get 0))
;;   (elem declare func $f)
;;   (func (local $x (ref $ii)) (local.set $x (ref.func $f)) (block (drop (local.get $x)))))
(module binary
  "\00\61\73\6d\01\00\00\00\01\09\02\60\01\7f\01\7f\60\00\00\03\03\02\00\01\09\05\01\03\00\01\00\0a"
  "\16\02\04\00\20\00\0b\0f\01\01\64\00\d2\00\21\00\02\40\20\00\1a\0b\0b")

;; call_ref of a reference to another function type
;; (module (type $ii (func (param i32) (result i32))) (type $v (func (result i32)))
;;   (func (result i32) (call_ref $ii (i32.const 0) (ref.null $v))))
(assert_invalid
  (module binary
    "\00\61\73\6d\01\00\00\00\01\0a\02\60\01\7f\01\7f\60\00\01\7f\03\02\01\01\0a\0a\01\08\00\41\00\d0"
    "\01\14\00\0b")
  "type mismatch")

;; ref.as_non_null of an i32
;; (module (func (drop (ref.as_non_null (i32.const 0)))))
(assert_invalid
  (module binary
    "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\0a\08\01\06\00\41\00\d4\1a\0b")
  "type mismatch")

;; a table of a non-nullable type without an initialiser
;; (module (type $ii (func (param i32) (result i32))) (table 1 (ref $ii)))
(assert_invalid
  (module binary
    "\00\61\73\6d\01\00\00\00\01\06\01\60\01\7f\01\7f\04\05\01\64\00\00\01")
  "type mismatch")
