;; memory64 (WebAssembly 3.0): i64 addresses and sizes (table64 and
;; offsets past 2^32 are in binary/memory64_binary.wast: Debian's wabt
;; cannot write them).  Memories here are at most 4 GiB: an address or size past
;; 2^32 traps as out of bounds, without wrapping.  Expected values worked
;; by hand (comments).  The memory's data: bytes aa bb cc dd at 16..19.
(module
  (memory i64 1 2)
  (data (i64.const 16) "\aa\bb\cc\dd")
  (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
  ;; 0xddccbbaa as an i32: 3721182122 - 2^32
  (func (export "load32") (param i64) (result i32) (i32.load offset=16 (local.get 0)))
  ;; address + offset must not wrap around 2^64
  (func (export "load_wrap") (param i64) (result i32) (i32.load8_u offset=1 (local.get 0)))
  (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load64") (param i64) (result i64) (i64.load (local.get 0)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2))))

(assert_return (invoke "load" (i64.const 16)) (i32.const 0xaa))
(assert_return (invoke "load" (i64.const 19)) (i32.const 0xdd))
(assert_return (invoke "load32" (i64.const 0)) (i32.const -573785174))
(assert_return (invoke "load" (i64.const 65535)) (i32.const 0))
(assert_trap (invoke "load" (i64.const 65536)) "out of bounds memory access")
;; 2^32 + 16 is not 16
(assert_trap (invoke "load" (i64.const 0x1_0000_0010)) "out of bounds memory access")
(assert_trap (invoke "load" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "load_wrap" (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "load_wrap" (i64.const 15)) (i32.const 0xaa))

(invoke "store" (i64.const 32) (i64.const 0x0102030405060708))
(assert_return (invoke "load64" (i64.const 32)) (i64.const 0x0102030405060708))
(assert_return (invoke "load" (i64.const 32)) (i32.const 8))
(assert_trap (invoke "store" (i64.const 65529) (i64.const 1)) "out of bounds memory access")

(assert_return (invoke "size") (i64.const 1))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "size") (i64.const 2))
(assert_return (invoke "grow" (i64.const 1)) (i64.const -1))
(assert_return (invoke "load" (i64.const 131071)) (i32.const 0))

(invoke "fill" (i64.const 100) (i32.const 0x7f) (i64.const 3))
(assert_return (invoke "load" (i64.const 102)) (i32.const 0x7f))
(assert_return (invoke "load" (i64.const 103)) (i32.const 0))
(assert_trap (invoke "fill" (i64.const 131070) (i32.const 1) (i64.const 3)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const 0) (i32.const 1) (i64.const 0x1_0000_0000)) "out of bounds memory access")
;; a zero-length fill at the end is in bounds, one past it is not
(invoke "fill" (i64.const 131072) (i32.const 1) (i64.const 0))
(assert_trap (invoke "fill" (i64.const 0x1_0000_0000) (i32.const 1) (i64.const 0)) "out of bounds memory access")

;; aa bb cc dd copied from 16 to 200
(invoke "copy" (i64.const 200) (i64.const 16) (i64.const 4))
(assert_return (invoke "load" (i64.const 203)) (i32.const 0xdd))
(assert_trap (invoke "copy" (i64.const 0x1_0000_0000) (i64.const 16) (i64.const 1)) "out of bounds memory access")

(assert_invalid
  (module (memory i64 1) (func (drop (i32.load (i32.const 0)))))
  "type mismatch")
(assert_invalid
  (module (memory i64 1) (func (result i32) (memory.size)))
  "type mismatch")
(assert_invalid
  (module (memory i64 1) (data (i32.const 0) ""))
  "type mismatch")
