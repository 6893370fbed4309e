;; Modules the validator and decoder must refuse, and import/link errors.
(assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
(assert_invalid (module (func (i32.add (i32.const 1)) (drop))) "type mismatch")
(assert_invalid (module (func (local.get 0))) "unknown local")
(assert_invalid (module (func (br 1))) "unknown label")
(assert_invalid (module (func (call 5))) "unknown function")
(assert_invalid (module (func (global.set 0 (i32.const 1)))) "unknown global")
(assert_invalid (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1)))) "global is immutable")
(assert_invalid (module (func (drop (i32.load (i32.const 0))))) "unknown memory")
(assert_invalid (module (memory 1) (func (drop (i32.load align=8 (i32.const 0))))) "alignment")
(assert_invalid (module (memory 2 1)) "size minimum must not be greater than maximum")
(assert_invalid (module (memory 65537)) "memory size must be at most 65536 pages")
(assert_invalid (module (func $f (param i32)) (start $f)) "start function")
(assert_invalid (module (func (drop (ref.func 0)))) "undeclared function reference")
;; wabt writes no data count section for a module without data: that is
;; what is refused first
(assert_invalid (module (memory 1) (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)))) "data count section required")
(assert_invalid (module (func (block (result i32) (i32.const 1) (br_if 0 (i32.const 0)) (i64.const 1) (drop)))) "type mismatch")
(assert_invalid (module (func (if (i32.const 0) (then (i32.const 1))))) "type mismatch")
(assert_invalid (module (func (select (i32.const 0) (i64.const 0) (i32.const 1)) (drop))) "type mismatch")
(assert_invalid (module (table 1 externref) (func (call_indirect (i32.const 0)))) "type mismatch")
(assert_invalid (module (global i32 (i32.div_u (i32.const 1) (i32.const 2)))) "constant expression required")
(assert_invalid (module (global (mut i32) (i32.const 0)) (global i32 (global.get 0))) "constant expression required")
(assert_invalid (module (func (unreachable) (i32.add) (i64.const 0) (i32.add) (drop))) "type mismatch")
(assert_malformed (module binary "\00asm" "\02\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\01\05\01\60\00\00") "length 5 past the end")
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\0e\01\00") "malformed section id")
(assert_malformed (module binary
  "\00asm" "\01\00\00\00"
  "\01\04\01\60\00\00" "\03\02\01\00"
  "\0a\05\01\03\00\ff\0b") "illegal opcode")
;; padded LEBs (as LLVM writes them), custom sections and a 5-byte table
;; index in call_indirect are fine
(module binary
  "\00asm" "\01\00\00\00"
  "\00\07\04note\aa\bb"
  "\01\85\80\80\80\00\01\60\00\01\7f"
  "\03\82\80\80\80\00\01\00"
  "\04\04\01\70\00\01"
  "\07\85\80\80\80\00\01\01f\00\00"
  "\0a\95\80\80\80\00\01\8f\80\80\80\00\00\41\ff\ff\ff\ff\7f\41\80\80\80\80\00\1a\0b")
(assert_return (invoke "f") (i32.const -1))
(module binary
  "\00asm" "\01\00\00\00"
  "\01\04\01\60\00\00"
  "\03\03\02\00\00"
  "\04\04\01\70\00\01"
  "\07\05\01\01g\00\01"
  "\09\07\01\00\41\00\0b\01\00"
  "\0a\18\02\02\00\0b"
  "\13\00\41\80\80\80\80\00\11\80\80\80\80\00\80\80\80\80\00\0b")
(assert_return (invoke "g"))
(module $A (func (export "f") (result i32) (i32.const 1)) (global (export "g") (mut i32) (i32.const 5)))
(register "A" $A)
(assert_unlinkable (module (import "A" "f" (func (result i64)))) "incompatible import type")
(assert_unlinkable (module (import "A" "nope" (func))) "unknown import")
(assert_unlinkable (module (import "A" "g" (global i32))) "incompatible import type")
(module (import "A" "g" (global $g (mut i32)))
  (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
(assert_return (invoke "bump") (i32.const 6))
(assert_return (get $A "g") (i32.const 6))
