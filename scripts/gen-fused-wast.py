#!/usr/bin/env python3
# Writes testdata/runner/fused.wast (python3 scripts/gen-fused-wast.py > testdata/runner/fused.wast):
# loops and f64 expressions shaped like the pairs the engine fuses, with
# the expected results computed here, in Python, not by the engine.
import struct, math
M32 = 0xffffffff
def s32(v): v &= M32; return v - (1 << 32) if v >> 31 else v
def s64(v): v &= (1 << 64) - 1; return v - (1 << 64) if v >> 63 else v
cmps = [("eq", lambda a, b: a == b, False), ("ne", lambda a, b: a != b, False),
        ("lt_s", lambda a, b: a < b, True), ("lt_u", lambda a, b: a < b, False),
        ("gt_s", lambda a, b: a > b, True), ("gt_u", lambda a, b: a > b, False),
        ("le_s", lambda a, b: a <= b, True), ("le_u", lambda a, b: a <= b, False),
        ("ge_s", lambda a, b: a >= b, True), ("ge_u", lambda a, b: a >= b, False)]
out = []
w = out.append
w(";; Instruction pairs the engine fuses into one internal instruction")
w(";; (runner/compile*.c): i32.add or i32.sub of a constant followed by a")
w(";; compare-and-branch, br_if or if (register and immediate forms of both),")
w(";; i64 compares with an immediate, and two f64 add/sub/mul in a row.")
w(";; Each loop counts its iterations; the expected values were computed")
w(";; independently of the engine.")
w("(module")
def loop_fn(name, ty, cmp, addform, cmpform):
    # returns n * 1000003 + i (i32) after looping while cmp(i += step, lim)
    w(f'  (func (export "{name}") (param $i {ty}) (param $step {ty}) (param $lim {ty}) (result i32)')
    w(f'    (local $n i32)')
    w(f'    (block $done (loop $l')
    w(f'      (local.set $n (i32.add (local.get $n) (i32.const 1)))')
    w(f'      (br_if $done (i32.ge_u (local.get $n) (i32.const 1000)))')
    step = "(local.get $step)" if addform == "reg" else f"({ty}.const 7)"
    lim = "(local.get $lim)" if cmpform == "reg" else f"({ty}.const -2147483641)" if ty == "i32" else f"({ty}.const -9223372036854775801)"
    w(f'      (br_if $l ({ty}.{cmp} (local.tee $i ({ty}.add (local.get $i) {step})) {lim}))))')
    if ty == "i32":
        w(f'    (i32.add (i32.mul (local.get $n) (i32.const 1000003)) (local.get $i)))')
    else:
        w(f'    (i32.add (i32.mul (local.get $n) (i32.const 1000003)) (i32.wrap_i64 (local.get $i))))')
def sim(ty, fn, signed, i, step, lim, addform, cmpform):
    bits = 32 if ty == "i32" else 64
    mask = (1 << bits) - 1
    if addform == "imm": step = 7
    if cmpform == "imm": lim = -2147483641 if bits == 32 else -9223372036854775801
    n = 0
    while True:
        n += 1
        if n >= 1000: break
        i = (i + step) & mask
        a, b = i, lim & mask
        if signed:
            a = s32(a) if bits == 32 else s64(a)
            b = s32(b) if bits == 32 else s64(b)
        if not fn(a, b): break
    return s32(n * 1000003 + (i & M32))
args32 = [(0, 1, 10), (0x7ffffff0, 3, 0x80000005 - (1 << 32)), (-20, 4, 20), (5, 0, 5),
          (-2147483648, 1, -2147483641), (2147483640, 7, -2147483641), (10, -1, 3)]
args64 = [(0, 1, 10), (0x7ffffffffffffff0, 3, -9223372036854775803), (-20, 4, 20), (5, 0, 5),
          (9223372036854775800, 7, -9223372036854775801)]
asserts = []
for ty, args, forms in (("i32", args32, [("reg", "reg"), ("reg", "imm"), ("imm", "reg"), ("imm", "imm")]),
                        ("i64", args64, [("reg", "imm"), ("imm", "imm")])):
    for cname, fn, signed in cmps:
        for addform, cmpform in forms:
            name = f"{ty}_{cname}_{addform}_{cmpform}"
            loop_fn(name, ty, cname, addform, cmpform)
            for (i, step, lim) in args:
                r = sim(ty, fn, signed, i, step, lim, addform, cmpform)
                asserts.append(f'(assert_return (invoke "{name}" ({ty}.const {i}) ({ty}.const {step}) ({ty}.const {lim})) (i32.const {r}))')
# br_if / br_unless on an add's result, and `if` on a fused add + compare
for addform in ("reg", "imm"):
    step = "(local.get $step)" if addform == "reg" else "(i32.const -1)"
    w(f'  (func (export "nez_{addform}") (param $i i32) (param $step i32) (result i32)')
    w(f'    (local $n i32)')
    w(f'    (block $done (loop $l')
    w(f'      (local.set $n (i32.add (local.get $n) (i32.const 1)))')
    w(f'      (br_if $done (i32.ge_u (local.get $n) (i32.const 1000)))')
    w(f'      (br_if $l (local.tee $i (i32.add (local.get $i) {step})))))')
    w(f'    (i32.add (i32.mul (local.get $n) (i32.const 1000003)) (local.get $i)))')
    w(f'  (func (export "eqz_{addform}") (param $i i32) (param $step i32) (result i32)')
    w(f'    (local $n i32)')
    w(f'    (block $done (loop $l')
    w(f'      (local.set $n (i32.add (local.get $n) (i32.const 1)))')
    w(f'      (br_if $done (i32.ge_u (local.get $n) (i32.const 1000)))')
    w(f'      (br_if $l (i32.eqz (local.tee $i (i32.add (local.get $i) {step}))))))')
    w(f'    (i32.add (i32.mul (local.get $n) (i32.const 1000003)) (local.get $i)))')
    for (i, st) in ((5, 3), (5, -1), (0, 0), (1, -1), (-3, 1)):
        for kind in ("nez", "eqz"):
            s_ = st if addform == "reg" else -1
            n, v = 0, i
            while True:
                n += 1
                if n >= 1000: break
                v = (v + s_) & M32
                if (v != 0) != (kind == "nez"): break
            asserts.append(f'(assert_return (invoke "{kind}_{addform}" (i32.const {i}) (i32.const {st})) (i32.const {s32(n * 1000003 + v)}))')
w('  (func (export "sub_if") (param $i i32) (result i32)')
w('    (if (result i32) (i32.lt_s (local.tee $i (i32.sub (local.get $i) (i32.const 5))) (i32.const 0))')
w('      (then (i32.sub (i32.const 0) (local.get $i))) (else (i32.add (local.get $i) (i32.const 100)))))')
for i in (0, 4, 5, 6, -2147483648, 2147483647):
    v = s32(i - 5)
    r = s32(-v) if v < 0 else s32(v + 100)
    asserts.append(f'(assert_return (invoke "sub_if" (i32.const {i})) (i32.const {r}))')
# f64 pairs
ops = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b}
def fhex(v):
    if math.isnan(v): return "nan:arithmetic"
    if math.isinf(v): return "inf" if v > 0 else "-inf"
    return v.hex()
fargs = [(1.5, 2.25, -3.0), (1 + 2**-27, 1 + 2**-27, -(1 + 2**-26)), (0.1, 0.2, 0.3),
         (-0.0, 0.0, -0.0), (1e308, 10.0, -1e308), (float("inf"), 0.0, 1.0), (float("nan"), 1.0, 2.0),
         (3.0, -0.0, 0.0)]
for p in ops:
    for b in ops:
        w(f'  (func (export "{p}_{b}") (param f64 f64 f64) (result f64)')
        w(f'    (f64.{b} (f64.{p} (local.get 0) (local.get 1)) (local.get 2)))')
        w(f'  (func (export "{b}_of_{p}") (param f64 f64 f64) (result f64)')
        w(f'    (f64.{b} (local.get 2) (f64.{p} (local.get 0) (local.get 1))))')
        for (x, y, z) in fargs:
            def run(f):
                try: return f()
                except OverflowError: return float("inf")
            t = ops[p](x, y) if not (p == "mul" and (math.isinf(x) and y == 0)) else float("nan")
            r1 = ops[b](t, z) if not (math.isinf(t) and math.isinf(z)) or b == "mul" else (float("nan") if (b == "add" and t != z) or (b == "sub" and t == z) else ops[b](t, z))
            r2 = ops[b](z, t) if not (math.isinf(t) and math.isinf(z)) or b == "mul" else (float("nan") if (b == "add" and t != z) or (b == "sub" and t == z) else ops[b](z, t))
            if b == "mul" and ((math.isinf(t) and z == 0) or (t == 0 and math.isinf(z))):
                r1 = r2 = float("nan")
            c = f'(f64.const {fhex(x)}) (f64.const {fhex(y)}) (f64.const {fhex(z)})'.replace("nan:arithmetic", "nan")
            asserts.append(f'(assert_return (invoke "{p}_{b}" {c}) (f64.const {fhex(r1)}))')
            asserts.append(f'(assert_return (invoke "{b}_of_{p}" {c}) (f64.const {fhex(r2)}))')
w('  (func (export "tee_pair") (param f64 f64 f64) (result f64) (local f64)')
w('    (f64.sub (f64.mul (local.tee 3 (f64.add (local.get 0) (local.get 1))) (local.get 3)) (local.get 2)))')
w('  (func (export "indep_pair") (param f64 f64 f64) (result f64) (local f64)')
w('    (local.set 3 (f64.mul (local.get 0) (local.get 1)))')
w('    (f64.add (f64.add (local.get 2) (local.get 2)) (local.get 3)))')
for (x, y, z) in fargs:
    if any(math.isnan(v) or math.isinf(v) for v in (x, y, z)) or abs(x) > 1e200:
        continue
    c = f'(f64.const {fhex(x)}) (f64.const {fhex(y)}) (f64.const {fhex(z)})'
    s_ = x + y
    asserts.append(f'(assert_return (invoke "tee_pair" {c}) (f64.const {fhex(s_ * s_ - z)}))')
    asserts.append(f'(assert_return (invoke "indep_pair" {c}) (f64.const {fhex((z + z) + x * y)}))')
w(")")
out += asserts
print("\n".join(out))
