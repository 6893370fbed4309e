;; table64 and memory64 offsets past 2^32 (WebAssembly 3.0), as binary
;; modules: Debian's wabt cannot write them, so tests/tools/wast_binary.py
;; converts this script.  Each module's text is beside it; the binaries
;; were assembled by wabt 1.0.41's wast2json from that text.  Expected
;; values worked by hand (comments).

;; table64; the module's text:
;; (module
;;   (type $t (func (result i32)))
;;   (table $t64 i64 3 5 funcref)
;;   (elem (table $t64) (i64.const 1) func $f $g)
;;   (func $f (result i32) (i32.const 11))
;;   (func $g (result i32) (i32.const 22))
;;   (func (export "call") (param i64) (result i32) (call_indirect $t64 (type $t) (local.get 0)))
;;   (func (export "size") (result i64) (table.size $t64))
;;   (func (export "grow") (param i64) (result i64) (table.grow $t64 (ref.null func) (local.get 0)))
;;   (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
;;   (func (export "set") (param i64) (table.set $t64 (local.get 0) (ref.func $g)))
;;   (func (export "fill") (param i64 i64) (table.fill $t64 (local.get 0) (ref.func $f) (local.get 1)))
;;   (func (export "copy") (param i64 i64 i64)
;;     (table.copy $t64 $t64 (local.get 0) (local.get 1) (local.get 2))))
(module binary
  "\00\61\73\6d\01\00\00\00\01\22\07\60\00\01\7f\60\01\7e\01\7f\60\00\01\7e\60\01\7e\01\7e\60\01\7e"
  "\00\60\02\7e\7e\00\60\03\7e\7e\7e\00\03\0a\09\00\00\01\02\03\01\04\05\06\04\05\01\70\05\03\05\07"
  "\34\07\04\63\61\6c\6c\00\02\04\73\69\7a\65\00\03\04\67\72\6f\77\00\04\07\69\73\5f\6e\75\6c\6c\00"
  "\05\03\73\65\74\00\06\04\66\69\6c\6c\00\07\04\63\6f\70\79\00\08\09\08\01\00\42\01\0b\02\00\01\0a"
  "\4d\09\04\00\41\0b\0b\04\00\41\16\0b\07\00\20\00\11\00\00\0b\05\00\fc\10\00\0b\09\00\d0\70\20\00"
  "\fc\0f\00\0b\07\00\20\00\25\00\d1\0b\08\00\20\00\d2\01\26\00\0b\0b\00\20\00\d2\00\20\01\fc\11\00"
  "\0b\0c\00\20\00\20\01\20\02\fc\0e\00\00\0b")

(assert_return (invoke "call" (i64.const 1)) (i32.const 11))
(assert_return (invoke "call" (i64.const 2)) (i32.const 22))
(assert_trap (invoke "call" (i64.const 0)) "uninitialized element")
(assert_trap (invoke "call" (i64.const 3)) "undefined element")
;; 2^32 + 1 is not 1
(assert_trap (invoke "call" (i64.const 0x1_0000_0001)) "undefined element")
(assert_return (invoke "is_null" (i64.const 0)) (i32.const 1))
(assert_return (invoke "is_null" (i64.const 1)) (i32.const 0))
(assert_trap (invoke "is_null" (i64.const 0x1_0000_0000)) "out of bounds table access")
(assert_return (invoke "size") (i64.const 3))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 2)) (i64.const 3))
(assert_return (invoke "size") (i64.const 5))
(assert_return (invoke "grow" (i64.const 1)) (i64.const -1))
(invoke "set" (i64.const 4))
(assert_return (invoke "call" (i64.const 4)) (i32.const 22))
(assert_trap (invoke "set" (i64.const 5)) "out of bounds table access")
;; $f into 3, then 1 element from 3 copied to 0
(invoke "fill" (i64.const 3) (i64.const 1))
(assert_return (invoke "call" (i64.const 3)) (i32.const 11))
(assert_trap (invoke "fill" (i64.const 4) (i64.const 0x1_0000_0000)) "out of bounds table access")
(invoke "copy" (i64.const 0) (i64.const 3) (i64.const 1))
(assert_return (invoke "call" (i64.const 0)) (i32.const 11))
(assert_trap (invoke "copy" (i64.const 0) (i64.const 0x1_0000_0003) (i64.const 1)) "out of bounds table access")

;; (module
;;   (memory i64 1)
;;   (data (i64.const 16) "\aa")
;;   (func (export "load_far") (param i64) (result i32) (i32.load8_u offset=4294967296 (local.get 0)))
;;   (func (export "load_16") (param i64) (result i32) (i32.load8_u offset=16 (local.get 0))))
(module binary
  "\00\61\73\6d\01\00\00\00\01\06\01\60\01\7e\01\7f\03\03\02\00\00\05\03\01\04\01\07\16\02\08\6c\6f"
  "\61\64\5f\66\61\72\00\00\07\6c\6f\61\64\5f\31\36\00\01\0a\15\02\0b\00\20\00\2d\00\80\80\80\80\10"
  "\0b\07\00\20\00\2d\00\10\0b\0b\07\01\00\42\10\0b\01\aa")
;; an offset past 2^32 is never in bounds of a 4 GiB memory, and 2^32 + 0
;; is not 0 (nor is 2^32 + 16 byte 16)
(assert_trap (invoke "load_far" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "load_far" (i64.const 16)) "out of bounds memory access")
(assert_return (invoke "load_16" (i64.const 0)) (i32.const 0xaa))
(assert_trap (invoke "load_16" (i64.const -16)) "out of bounds memory access")

;; the same offset on a memory of 32-bit addresses is invalid:
;; (module (memory 1) (func (drop (i32.load8_u offset=4294967296 (i32.const 0)))))
(assert_invalid
  (module binary
    "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\05\03\01\00\01"
    "\0a\0e\01\0c\00\41\00\2d\00\80\80\80\80\10\1a\0b")
  "offset out of range")
;; memarg flags 128 and above are no alignment and no memory index
(assert_malformed
  (module binary
    "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\05\03\01\00\01"
    "\0a\0b\01\09\00\41\00\2d\80\01\00\1a\0b")
  "malformed memop flags")
