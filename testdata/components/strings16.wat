;; A reactor component whose core module speaks UTF-16 and latin1+utf16
;; (the canonical options' string-encoding): strings the host lowers into
;; it are transcoded from UTF-8 through its realloc (grown and shrunk as
;; CanonicalABI.md's store_string says), strings it returns are UTF-16LE
;; code units or latin-1 bytes in its data segment.  Expected values in
;; tests/cli/component_run.sh are the code units worked out by hand.
(component
  (core module $m
    (memory (export "mem") 1)
    ;; "h\u{e9}\u{1f600}" as UTF-16LE: h, U+00E9, the surrogate pair D83D DE00
    (data (i32.const 256) "h\00\e9\00\3d\d8\00\de")
    ;; a lone high surrogate followed by 'a'
    (data (i32.const 272) "\00\d8a\00")
    ;; "caf\u{e9}" as latin-1
    (data (i32.const 288) "caf\e9")
    (global $next (mut i32) (i32.const 4096))
    ;; realloc(old, old_size, align, size): shrinking keeps the block,
    ;; growing bumps a new one and copies the old bytes into it
    (func (export "realloc") (param $op i32) (param $os i32) (param $al i32) (param $sz i32) (result i32)
      (local $p i32)
      (if (i32.and (i32.ne (local.get $op) (i32.const 0)) (i32.le_u (local.get $sz) (local.get $os)))
        (then (return (local.get $op))))
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get $al) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $al))))
      (global.set $next (i32.add (local.get $p) (local.get $sz)))
      (if (local.get $op) (then (memory.copy (local.get $p) (local.get $op) (local.get $os))))
      (local.get $p))
    ;; a hostile realloc: an odd address for a 2-aligned utf16 string
    (func (export "odd-realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4097))
    ;; (ptr, units) -> pointer to the pair: the string handed back
    (func (export "echo") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))
    ;; the (tagged) code-unit count the host passed
    (func (export "units") (param i32 i32) (result i32) (local.get 1))
    ;; the UTF-16 string as its raw bytes: list<u8> of 2*units
    (func (export "raw16") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (i32.shl (local.get 1) (i32.const 1)))
      (i32.const 16))
    ;; the latin1+utf16 string as raw bytes (the tag bit cleared, doubled if set)
    (func (export "raw-latin1") (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20)
        (if (result i32) (i32.lt_s (local.get 1) (i32.const 0))
          (then (i32.shl (i32.and (local.get 1) (i32.const 0x7fffffff)) (i32.const 1)))
          (else (local.get 1))))
      (i32.const 16))
    (func $pair (param i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16))
    (func (export "greet16") (result i32) (call $pair (i32.const 256) (i32.const 4)))
    (func (export "lone") (result i32) (call $pair (i32.const 272) (i32.const 2)))
    (func (export "odd") (result i32) (call $pair (i32.const 257) (i32.const 1)))
    (func (export "past") (result i32) (call $pair (i32.const 65534) (i32.const 2)))
    (func (export "greet-latin1") (result i32) (call $pair (i32.const 288) (i32.const 4)))
    ;; the same UTF-16 code units, tagged: 4 | 1<<31
    (func (export "greet-tagged") (result i32) (call $pair (i32.const 256) (i32.const 0x80000004)))
  )
  (core instance $i (instantiate $m))
  (alias core export $i "mem" (core memory $mem))
  (alias core export $i "realloc" (core func $realloc))
  (alias core export $i "odd-realloc" (core func $odd-realloc))
  (func (export "echo16-odd-realloc") (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory $mem) (realloc $odd-realloc) string-encoding=utf16))
  (func (export "echo16") (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "units16") (param "s" string) (result u32)
    (canon lift (core func $i "units") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "raw16") (param "s" string) (result (list u8))
    (canon lift (core func $i "raw16") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "greet16") (result string)
    (canon lift (core func $i "greet16") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "lone16") (result string)
    (canon lift (core func $i "lone") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "odd16") (result string)
    (canon lift (core func $i "odd") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "past16") (result string)
    (canon lift (core func $i "past") (memory $mem) (realloc $realloc) string-encoding=utf16))
  (func (export "echo-latin1") (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
  (func (export "units-latin1") (param "s" string) (result u32)
    (canon lift (core func $i "units") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
  (func (export "raw-latin1") (param "s" string) (result (list u8))
    (canon lift (core func $i "raw-latin1") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
  (func (export "greet-latin1") (result string)
    (canon lift (core func $i "greet-latin1") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
  (func (export "greet-tagged") (result string)
    (canon lift (core func $i "greet-tagged") (memory $mem) (realloc $realloc) string-encoding=latin1+utf16))
)
