;; Multi-memory (WebAssembly 3.0): every memory instruction names its
;; memory; memory 0 stays the default.  Expected values worked by hand
;; (comments).  Memory $b's data: bytes 1 2 3 4 at 8..11.
(module
  (memory $a 1)
  (memory $b (export "b") 2 3)
  (data (memory $b) (i32.const 8) "\01\02\03\04")
  (data $p "\0a\0b\0c")
  (func (export "load_a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
  (func (export "load_b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
  ;; bytes 8..11 of $b little-endian: 0x04030201
  (func (export "load32_b") (param i32) (result i32) (i32.load $b offset=4 (local.get 0)))
  ;; an address computed as local + constant (folded into the access)
  (func (export "load_b_plus") (param i32) (result i32)
    (i32.load8_u $b (i32.add (local.get 0) (i32.const 2))))
  (func (export "store_b") (param i32 i32) (i32.store $b (local.get 0) (local.get 1)))
  (func (export "size_a") (result i32) (memory.size $a))
  (func (export "size_b") (result i32) (memory.size $b))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "copy_b_to_a") (param i32 i32 i32)
    (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_in_b") (param i32 i32 i32)
    (memory.copy $b $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_b") (param i32 i32 i32)
    (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_b") (param i32 i32 i32)
    (memory.init $b $p (local.get 0) (local.get 1) (local.get 2)))
  ;; the same address in both memories, one after the other in one
  ;; function: each access must see its own memory
  (func (export "both") (result i32)
    (i32.store8 $b (i32.const 200) (i32.const 9))
    (i32.store8 $a (i32.const 200) (i32.const 4))
    (i32.add (i32.load8_u $a (i32.const 200))
             (i32.mul (i32.load8_u $b (i32.const 200)) (i32.const 10))))  ;; 4 + 90
  ;; a v128 load from $b: lanes of bytes 8..23 (1 2 3 4, then zeros)
  (func (export "simd_b") (result i32)
    (i32x4.extract_lane 0 (v128.load $b (i32.const 8))))  ;; 0x04030201
  ;; sum of bytes [p, p+n) of $a
  (func (export "sum_a") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u $a (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s)))

(assert_return (invoke "load_b" (i32.const 8)) (i32.const 1))
(assert_return (invoke "load_b" (i32.const 11)) (i32.const 4))
(assert_return (invoke "load_a" (i32.const 8)) (i32.const 0))
(assert_return (invoke "load32_b" (i32.const 4)) (i32.const 0x04030201))
(assert_return (invoke "load_b_plus" (i32.const 8)) (i32.const 3))
(assert_return (invoke "simd_b") (i32.const 0x04030201))
(assert_return (invoke "size_a") (i32.const 1))
(assert_return (invoke "size_b") (i32.const 2))
(assert_return (invoke "both") (i32.const 94))
(assert_return (invoke "load_a" (i32.const 200)) (i32.const 4))
(assert_return (invoke "load_b" (i32.const 200)) (i32.const 9))

(invoke "store_b" (i32.const 100) (i32.const 0x11223344))
(assert_return (invoke "load_b" (i32.const 100)) (i32.const 0x44))
(assert_return (invoke "load_b" (i32.const 103)) (i32.const 0x11))
(assert_return (invoke "load_a" (i32.const 100)) (i32.const 0))

;; $b is 2 pages (131072 bytes), $a one (65536)
(assert_return (invoke "load_b" (i32.const 131071)) (i32.const 0))
(assert_trap (invoke "load_b" (i32.const 131072)) "out of bounds memory access")
(assert_trap (invoke "load_a" (i32.const 65536)) "out of bounds memory access")
;; after a trap in $b, memory 0 is still the default
(assert_return (invoke "load_a" (i32.const 200)) (i32.const 4))

;; copy 4 bytes of $b at 8 to $a at 0: 1 + 2 + 3 + 4
(invoke "copy_b_to_a" (i32.const 0) (i32.const 8) (i32.const 4))
(assert_return (invoke "sum_a" (i32.const 0) (i32.const 4)) (i32.const 10))
(assert_return (invoke "load_a" (i32.const 3)) (i32.const 4))
;; $a has 65536 bytes, $b 131072: a copy fits one and not the other
(assert_trap (invoke "copy_b_to_a" (i32.const 65535) (i32.const 8) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy_b_to_a" (i32.const 0) (i32.const 131071) (i32.const 2)) "out of bounds memory access")
(invoke "copy_b_to_a" (i32.const 65534) (i32.const 131070) (i32.const 2))

;; overlapping copy inside $b: 1 2 3 4 at 8 moved to 9 -> 1 1 2 3 4
(invoke "copy_in_b" (i32.const 9) (i32.const 8) (i32.const 4))
(assert_return (invoke "load_b" (i32.const 9)) (i32.const 1))
(assert_return (invoke "load_b" (i32.const 12)) (i32.const 4))

(invoke "fill_b" (i32.const 300) (i32.const 0x7f) (i32.const 3))
(assert_return (invoke "load_b" (i32.const 302)) (i32.const 0x7f))
(assert_return (invoke "load_b" (i32.const 303)) (i32.const 0))
(assert_return (invoke "load_a" (i32.const 300)) (i32.const 0))
(assert_trap (invoke "fill_b" (i32.const 131070) (i32.const 1) (i32.const 3)) "out of bounds memory access")

;; passive segment "\0a\0b\0c" bytes 1..2 into $b at 400
(invoke "init_b" (i32.const 400) (i32.const 1) (i32.const 2))
(assert_return (invoke "load_b" (i32.const 400)) (i32.const 0x0b))
(assert_return (invoke "load_b" (i32.const 401)) (i32.const 0x0c))
(assert_return (invoke "load_a" (i32.const 400)) (i32.const 0))

;; $b grows to its maximum, 3 pages, and no further; $a does not change
(assert_return (invoke "grow_b" (i32.const 1)) (i32.const 2))
(assert_return (invoke "size_b") (i32.const 3))
(assert_return (invoke "load_b" (i32.const 196607)) (i32.const 0))
(assert_return (invoke "grow_b" (i32.const 1)) (i32.const -1))
(assert_return (invoke "size_a") (i32.const 1))

;; an imported memory is the exporter's: $b's byte at 100, here through
;; memory 0 and a memory of the module's own as memory 1
(register "mm")
(module
  (memory $imp (import "mm" "b") 1)
  (memory $own 1)
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "own") (param i32) (result i32) (i32.load8_u $own (local.get 0))))
(assert_return (invoke "peek" (i32.const 100)) (i32.const 0x44))
(assert_return (invoke "own" (i32.const 100)) (i32.const 0))

(assert_invalid
  (module (memory 1) (memory 1) (func (drop (i32.load 2 (i32.const 0)))))
  "unknown memory")
(assert_invalid
  (module (memory 1) (func (drop (memory.size 1))))
  "unknown memory")
(assert_invalid
  (module (memory 1) (data (memory 1) (i32.const 0) ""))
  "unknown memory")
