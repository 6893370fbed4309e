#!/usr/bin/env python3
"""The standard form of exception handling, as a spec-test script:
try_table with catch / catch_ref / catch_all / catch_all_ref, throw,
throw_ref, exnref in locals, block types, a global and a table, a tag
imported by a second module, and invalid modules.

Debian's wabt (1.0.32) knows neither try_table nor exnref (its wast2json
rejects even binary modules holding them), so the modules are assembled
here and written with the commands in the JSON form wast2json produces,
which build/tools/spec_run runs:

    python3 tests/tools/gen_exceptions_wast.py OUTDIR   # OUTDIR/exceptions_standard.json + .wasm

Each case carries its text form; the expected values are worked out by
hand from the spec (each case says why).  tests/cli/runner_wast.sh runs it.
"""
import importlib.util
import json
import os
import struct
import sys


def _load_gen_module():
    # bench/gen-module.py already writes LEB128 and sections: share them
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "gen-module.py")
    spec = importlib.util.spec_from_file_location("gen_module", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_gen = _load_gen_module()
uleb = _gen.leb
section = _gen.section


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def name(s):
    return uleb(len(s)) + s.encode()


I32, I64, F64, EXNREF = 0x7F, 0x7E, 0x7C, 0x69
EMPTY = 0x40

# instructions
def i32(v): return b"\x41" + sleb(v)
def i64(v): return b"\x42" + sleb(v)
def f64(v): return b"\x44" + struct.pack("<d", v)
def lget(i): return b"\x20" + uleb(i)
def lset(i): return b"\x21" + uleb(i)
def gget(i): return b"\x23" + uleb(i)
def gset(i): return b"\x24" + uleb(i)
def call(f): return b"\x10" + uleb(f)
def throw(t): return b"\x08" + uleb(t)
def br(l): return b"\x0c" + uleb(l)
def br_if(l): return b"\x0d" + uleb(l)
def bt(t): return bytes([t]) if t in (EMPTY, I32, I64, F64, EXNREF) else sleb(t)
def block(t=EMPTY): return b"\x02" + bt(t)
def loop(t=EMPTY): return b"\x03" + bt(t)
def if_(t=EMPTY): return b"\x04" + bt(t)
ELSE, END, DROP, UNREACHABLE, RETURN = b"\x05", b"\x0b", b"\x1a", b"\x00", b"\x0f"
THROW_REF = b"\x0a"
ADD, SUB, MUL, EQZ, LT_U = b"\x6a", b"\x6b", b"\x6c", b"\x45", b"\x49"
REF_NULL_EXN, REF_IS_NULL = b"\xd0\x69", b"\xd1"
def table_get(t): return b"\x25" + uleb(t)
def table_set(t): return b"\x26" + uleb(t)
def catch(tag, l): return b"\x00" + uleb(tag) + uleb(l)
def catch_ref(tag, l): return b"\x01" + uleb(tag) + uleb(l)
def catch_all(l): return b"\x02" + uleb(l)
def catch_all_ref(l): return b"\x03" + uleb(l)
def try_table(t, *clauses): return b"\x1f" + bt(t) + vec(list(clauses))


def module(types, funcs, tags=(), exports=(), imports=(), globals_=(), tables=()):
    """types: [(params, results)]; funcs: [(type, locals, body)];
    tags: [type]; exports: [(name, kind, index)]; imports: [(mod, name,
    kind, desc bytes)]; globals_: [bytes]; tables: [bytes]."""
    out = b"\x00asm\x01\x00\x00\x00"
    out += section(1, vec([b"\x60" + vec([bytes([p]) for p in ps]) + vec([bytes([r]) for r in rs])
                           for ps, rs in types]))
    if imports:
        out += section(2, vec([name(m) + name(n) + bytes([k]) + d for m, n, k, d in imports]))
    out += section(3, vec([uleb(t) for t, _, _ in funcs]))
    if tables:
        out += section(4, vec(list(tables)))
    if tags:
        out += section(13, vec([b"\x00" + uleb(t) for t in tags]))
    if globals_:
        out += section(6, vec(list(globals_)))
    if exports:
        out += section(7, vec([name(n) + bytes([k]) + uleb(i) for n, k, i in exports]))
    codes = []
    for _, locs, body in funcs:
        decl = vec([uleb(n) + bytes([t]) for n, t in locs])
        fb = decl + body + END
        codes.append(uleb(len(fb)) + fb)
    out += section(10, vec(codes))
    return out


def wast_binary(data):
    return '(module binary "' + "".join("\\%02x" % b for b in data) + '")'


FUNC, TABLE, GLOBAL, TAG = 0, 1, 3, 4

# types
T_V = 0          # [] -> []
T_I_V = 1        # [i32] -> []
T_V_I = 2        # [] -> [i32]
T_I_I = 3        # [i32] -> [i32]
T_V_IX = 4       # [] -> [i32 exnref]   (a block type)
T_IIF = 5        # [i64 f64] -> []      (a tag)
T_V_LF = 6       # [] -> [i64 f64]
T_V_X = 7        # [] -> [exnref]
T_I_V_I = 8      # [i32] -> [i32] (same as 3; block with a param)
T_X_V = 9        # [exnref] -> []
TYPES = [([], []), ([I32], []), ([], [I32]), ([I32], [I32]), ([], [I32, EXNREF]),
         ([I64, F64], []), ([], [I64, F64]), ([], [EXNREF]), ([I32], [I32]), ([EXNREF], [])]

E0, E1, E2 = 0, 1, 2  # tags: $e0 [], $e1 [i32], $e2 [i64 f64]

cases = []  # (export name, type, locals, body, comment)


def case(nm, t, body, comment, locs=()):
    cases.append((nm, t, list(locs), body, comment))


case("catch-to-block", T_I_I,
     block(I32) + try_table(I32, catch(E1, 0)) +
     lget(0) + EQZ + if_(I32) + i32(99) + ELSE + lget(0) + i32(1) + ADD + throw(E1) + END +
     END + END,
     """(block $h (result i32)
  (try_table (result i32) (catch $e1 $h)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 99))
      (else (throw $e1 (i32.add (local.get 0) (i32.const 1)))))))
;; 0 -> 99 (no throw); x -> x+1 (the payload, at $h)""")

case("catch-to-func", T_V_I,
     try_table(EMPTY, catch(E1, 0)) + i32(42) + throw(E1) + END + i32(-1),
     """(try_table (catch $e1 0) (throw $e1 (i32.const 42))) (i32.const -1)
;; label 0 outside the try_table is the function's: it returns 42""")

case("catch-all", T_V_I,
     block() + try_table(EMPTY, catch_all(0)) + throw(E0) + END + i32(0) + RETURN + END + i32(1),
     """(block $h (try_table (catch_all $h) (throw $e0)) (return (i32.const 0))) (i32.const 1)
;; -> 1""")

case("first-clause-wins", T_I_I,
     block(I32) + block() +
     try_table(EMPTY, catch(E0, 0), catch(E1, 1), catch_all(0)) +
     lget(0) + EQZ + if_() + throw(E0) + END +
     lget(0) + i32(1) + b"\x46" + if_() + i32(7) + throw(E1) + END +
     i64(1) + f64(0.0) + throw(E2) +
     END + i32(-1) + RETURN + END + i32(100) + RETURN + END + i32(200) + ADD,
     """(block $a (result i32) (block $n
  (try_table (catch $e0 $n) (catch $e1 $a) (catch_all $n)
    (if (i32.eqz (local.get 0)) (then (throw $e0)))
    (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $e1 (i32.const 7))))
    (throw $e2 (i64.const 1) (f64.const 0)))
  (return (i32.const -1)))
  (return (i32.const 100)))
(i32.add (i32.const 200))
;; 0 -> 100 ($e0 to $n); 1 -> 207 ($e1 to $a, 7 + 200); 2 -> 100 (catch_all to $n)""")

# $thrower: [i32] -> [], throws $e1 x*3 unless x is 0
case("thrower", T_I_V,
     lget(0) + if_() + lget(0) + i32(3) + MUL + throw(E1) + END,
     """(if (local.get 0) (then (throw $e1 (i32.mul (local.get 0) (i32.const 3)))))""")
THROWER = 4  # its function index (after the four cases above)

case("across-calls", T_I_I,
     block(I32) + try_table(EMPTY, catch(E1, 0)) + lget(0) + call(THROWER) + END + i32(-5) + END,
     """(block $h (result i32) (try_table (catch $e1 $h) (call $thrower (local.get 0))) (i32.const -5))
;; 0 -> -5 (nothing thrown); 4 -> 12""")

case("catch-ref-rethrow", T_V_I,
     block(I32) + try_table(EMPTY, catch(E1, 0)) +
     block(T_V_IX) + try_table(EMPTY, catch_ref(E1, 0)) + i32(5) + throw(E1) + END + UNREACHABLE + END +
     lset(0) + DROP + lget(0) + THROW_REF +
     END + UNREACHABLE + END + i32(100) + ADD,
     """(block $outer (result i32)
  (try_table (catch $e1 $outer)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e1 $h) (throw $e1 (i32.const 5))) (unreachable))
    (local.set $x) (drop)                ;; keep the exnref, drop the payload
    (throw_ref (local.get $x)))          ;; the same exception again
  (unreachable))
(i32.add (i32.const 100))
;; -> 105""", locs=[(1, EXNREF)])

case("catch-all-ref-uncaught", T_V,
     block(T_V_X) + try_table(EMPTY, catch_all_ref(0)) + i32(3) + throw(E1) + END + UNREACHABLE + END +
     THROW_REF,
     """(block $h (result exnref) (try_table (catch_all_ref $h) (throw $e1 (i32.const 3))) (unreachable))
(throw_ref)
;; rethrown with nobody to catch it: an uncaught exception""")

case("throw-ref-null", T_V, REF_NULL_EXN + THROW_REF,
     """(throw_ref (ref.null exn))   ;; traps: null exception reference""")

case("exnref-is-null", T_V_I,
     block(T_V_X) + try_table(EMPTY, catch_all_ref(0)) + throw(E0) + END + REF_NULL_EXN + END + REF_IS_NULL,
     """(ref.is_null (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e0)) (ref.null exn)))
;; the caught reference is not null -> 0""")

case("loop-target", T_I_I,
     loop() + lget(1) + i32(1) + ADD + lset(1) + lget(1) + lget(0) + LT_U +
     if_() + try_table(EMPTY, catch(E0, 1)) + throw(E0) + END + END + END + lget(1),
     """(loop $l
  (local.set $i (i32.add (local.get $i) (i32.const 1)))
  (if (i32.lt_u (local.get $i) (local.get 0))
    (then (try_table (catch $e0 $l) (throw $e0)))))   ;; each throw starts the loop again
(local.get $i)
;; n >= 1 -> n""", locs=[(1, I32)])

case("params-and-below", T_V_I,
     i32(1000) + block(I32) + i32(5) + try_table(T_I_V_I, catch(E1, 0)) + i32(2) + MUL + throw(E1) + END + END + ADD,
     """(i32.const 1000)
(block $h (result i32)
  (i32.const 5)
  (try_table (param i32) (result i32) (catch $e1 $h) (throw $e1 (i32.mul (i32.const 2)))))
(i32.add)
;; the value below the block survives: 1000 + 10 -> 1010""")

case("multi-payload", T_V_LF,
     block(T_V_LF) + try_table(EMPTY, catch(E2, 0)) + i64(-7) +
     f64(2.25) + throw(E2) + END + UNREACHABLE + END,
     """(block $h (result i64 f64) (try_table (catch $e2 $h) (throw $e2 (i64.const -7) (f64.const 2.25))) (unreachable))
;; -> -7, 2.25""")

case("store-global", T_V,
     block(T_V_X) + try_table(EMPTY, catch_all_ref(0)) + i32(21) + throw(E1) + END +
     UNREACHABLE + END + gset(0),
     """(global.set $g (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e1 (i32.const 21))) (unreachable)))""")

case("rethrow-global", T_V_I,
     block(I32) + try_table(EMPTY, catch(E1, 0)) + gget(0) + THROW_REF + END + UNREACHABLE + END,
     """(block $h (result i32) (try_table (catch $e1 $h) (throw_ref (global.get $g))) (unreachable))
;; after store-global: the exception kept in $g, payload 21""")

case("table-roundtrip", T_V_I,
     i32(0) + block(T_V_X) + try_table(EMPTY, catch_all_ref(0)) + i32(33) + throw(E1) + END + UNREACHABLE + END +
     table_set(0) +
     block(I32) + try_table(EMPTY, catch(E1, 0)) + i32(0) + table_get(0) + THROW_REF + END + UNREACHABLE + END,
     """(table.set $t (i32.const 0) (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e1 (i32.const 33))) (unreachable)))
(block $h2 (result i32) (try_table (catch $e1 $h2) (throw_ref (table.get $t (i32.const 0)))) (unreachable))
;; -> 33""")


case("rethrow-param", T_X_V, lget(0) + THROW_REF,
     """(func $rethrow-param (param exnref) (throw_ref (local.get 0)))""")
RETHROW_PARAM = len(cases) - 1

case("pass-exnref", T_V_I,
     block(T_V_X) + try_table(EMPTY, catch_all_ref(0)) + i32(77) + throw(E1) + END + UNREACHABLE + END +
     lset(0) +
     block(I32) + try_table(EMPTY, catch(E1, 0)) + lget(0) + call(RETHROW_PARAM) + END + UNREACHABLE + END,
     """(local.set $x (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e1 (i32.const 77))) (unreachable)))
(block $h2 (result i32) (try_table (catch $e1 $h2) (call $rethrow-param (local.get $x))) (unreachable))
;; an exnref passed as an argument and thrown by the callee -> 77""", locs=[(1, EXNREF)])

main = module(
    TYPES,
    [(t, locs, body) for _, t, locs, body, _ in cases],
    tags=[T_V, T_I_V, T_IIF],
    exports=[(nm, FUNC, i) for i, (nm, _, _, _, _) in enumerate(cases)] + [("e1", TAG, E1)],
    globals_=[bytes([EXNREF, 1]) + REF_NULL_EXN + END],
    tables=[bytes([EXNREF, 0x00]) + uleb(1)],
)

# a second module: the tag imported from the first is the same tag
#   (import "std" "e1" (tag $e1 (param i32))) (tag $mine (param i32))
#   (func "imported" (block $h (result i32)
#     (try_table (catch $mine $h) (catch $e1 $h) (throw $e1 (i32.const 8))) (unreachable)))
imported = module([([], [I32]), ([I32], [])],
                  [(0, [], block(I32) + try_table(EMPTY, catch(1, 0), catch(0, 0)) + i32(8) + throw(0) +
                    END + UNREACHABLE + END)],
                  imports=[("std", "e1", TAG, b"\x00" + uleb(1))],
                  tags=[1],
                  exports=[("imported", FUNC, 0)])


def invalid_module(types, body, tags=(T_V,)):
    return module(types, [(0, [], body)], tags=list(tags))


INVALID = [
    # a catch whose label takes no value: the payload does not fit
    (invalid_module([([], []), ([I32], [])], block() + try_table(EMPTY, catch(0, 0)) + END + END, tags=(1,)),
     "type mismatch"),
    # catch_ref needs a label of [payload exnref]
    (invalid_module([([], []), ([I32], [])],
                    block(I32) + try_table(EMPTY, catch_ref(0, 0)) + END + UNREACHABLE + END + DROP, tags=(1,)),
     "type mismatch"),
    # throw_ref of an i32
    (invalid_module([([], [])], i32(0) + THROW_REF), "type mismatch"),
    # unknown tag in a clause
    (invalid_module([([], [])], block() + try_table(EMPTY, catch(3, 0)) + END + END), "unknown tag"),
    # unknown label in a clause
    (invalid_module([([], [])], try_table(EMPTY, catch_all(1)) + END), "unknown label"),
]


def val(t, v):
    if t == "f64":
        v = struct.unpack("<Q", struct.pack("<d", v))[0]
    elif t == "i32":
        v &= 0xFFFFFFFF
    elif t == "i64":
        v &= 0xFFFFFFFFFFFFFFFF
    return {"type": t, "value": str(v)}


def invoke(field, *args):
    return {"type": "invoke", "field": field, "args": [val(t, v) for t, v in args]}


def ret(field, args, *results):
    return {"type": "assert_return", "action": invoke(field, *args), "expected": [val(t, v) for t, v in results]}


COMMANDS = [
    ("module", main),
    {"type": "register", "as": "std"},
    ret("catch-to-block", [("i32", 0)], ("i32", 99)),
    ret("catch-to-block", [("i32", 41)], ("i32", 42)),
    ret("catch-to-func", [], ("i32", 42)),
    ret("catch-all", [], ("i32", 1)),
    ret("first-clause-wins", [("i32", 0)], ("i32", 100)),
    ret("first-clause-wins", [("i32", 1)], ("i32", 207)),
    ret("first-clause-wins", [("i32", 2)], ("i32", 100)),
    ret("across-calls", [("i32", 0)], ("i32", -5)),
    ret("across-calls", [("i32", 4)], ("i32", 12)),
    {"type": "assert_exception", "action": invoke("thrower", ("i32", 1))},
    ret("catch-ref-rethrow", [], ("i32", 105)),
    {"type": "assert_exception", "action": invoke("catch-all-ref-uncaught")},
    {"type": "assert_trap", "action": invoke("throw-ref-null"), "text": "null exception reference"},
    ret("exnref-is-null", [], ("i32", 0)),
    ret("loop-target", [("i32", 1)], ("i32", 1)),
    ret("loop-target", [("i32", 500)], ("i32", 500)),
    ret("params-and-below", [], ("i32", 1010)),
    ret("multi-payload", [], ("i64", -7), ("f64", 2.25)),
    ret("store-global", []),
    ret("rethrow-global", [], ("i32", 21)),
    ret("rethrow-global", [], ("i32", 21)),
    ret("table-roundtrip", [], ("i32", 33)),
    ret("pass-exnref", [], ("i32", 77)),
    ("module", imported),
    ret("imported", [], ("i32", 8)),
] + [("assert_invalid", m, text) for m, text in INVALID]


def write(outdir):
    base = "exceptions_standard"
    cmds, n = [], 0
    for line, c in enumerate(COMMANDS, 1):
        if isinstance(c, tuple):
            fname = "%s.%d.wasm" % (base, n)
            n += 1
            with open(os.path.join(outdir, fname), "wb") as f:
                f.write(c[1])
            d = {"type": c[0], "filename": fname}
            if c[0] == "assert_invalid":
                d.update({"text": c[2], "module_type": "binary"})
            c = d
        c = dict(c, line=line)
        cmds.append(c)
    with open(os.path.join(outdir, base + ".json"), "w") as f:
        json.dump({"source_filename": base + ".wast", "commands": cmds}, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_exceptions_wast.py OUTDIR")
    write(sys.argv[1])
