#!/usr/bin/env python3
"""Convert a spec-test script whose modules are all binary into the JSON
form wast2json writes (and build/tools/spec_run runs):

    python3 tests/tools/wast_binary.py FILE.wast OUTDIR   # OUTDIR/NAME.json + NAME.N.wasm

For 3.0 constructs Debian's wabt (1.0.32) rejects even in binary modules
(table64, memarg offsets past 2^32).  Understood: (module binary "..."),
(register "name"), (invoke "f" args), (assert_return (invoke ...) results),
(assert_trap (invoke ...) "msg"), (assert_invalid (module binary ...)
"msg") and assert_malformed and assert_unlinkable alike, with i32/i64 constants as arguments and results.  Anything else
is an error: the script is a test tool, not a wast parser.
"""
import json
import os
import re
import sys

TOKEN = re.compile(r'\(|\)|"(?:[^"\\]|\\.)*"|[^\s()";]+|;;[^\n]*')


def parse(text):
    """The top-level s-expressions, each with the line it starts on."""
    stack, cur, lines = [], [], []
    for m in TOKEN.finditer(text):
        t = m.group(0)
        if t.startswith(";;"):
            continue
        if t == "(":
            if not stack:
                lines.append(text.count("\n", 0, m.start()) + 1)
            stack.append(cur)
            cur = []
        elif t == ")":
            done, cur = cur, stack.pop()
            cur.append(done)
        else:
            cur.append(t)
    if stack:
        sys.exit("wast_binary: unbalanced parentheses")
    return zip(cur, lines)


def string_bytes(tok):
    body, out, i = tok[1:-1], bytearray(), 0
    while i < len(body):
        if body[i] == "\\":
            out.append(int(body[i + 1:i + 3], 16))
            i += 3
        else:
            out += body[i].encode()
            i += 1
    return bytes(out)


def const(sx):
    op, lit = sx[0], sx[1].replace("_", "")
    bits = {"i32.const": 32, "i64.const": 64}.get(op)
    if not bits:
        sys.exit("wast_binary: unsupported value %s" % op)
    v = int(lit, 0) & ((1 << bits) - 1)
    return {"type": op[:3], "value": str(v)}


class Out:
    def __init__(self, name, outdir):
        self.name, self.outdir, self.n, self.commands = name, outdir, 0, []

    def module(self, sx):
        if len(sx) < 3 or sx[1] != "binary":
            sys.exit("wast_binary: only (module binary ...) modules")
        fn = "%s.%d.wasm" % (self.name, self.n)
        self.n += 1
        with open(os.path.join(self.outdir, fn), "wb") as f:
            f.write(b"".join(string_bytes(t) for t in sx[2:]))
        return fn

    def action(self, sx):
        if sx[0] != "invoke":
            sys.exit("wast_binary: only invoke actions")
        return {"type": "invoke", "field": sx[1][1:-1], "args": [const(a) for a in sx[2:]]}

    def command(self, sx, line):
        kind = sx[0]
        if kind == "module":
            c = {"type": "module", "filename": self.module(sx)}
        elif kind == "register":
            c = {"type": "register", "as": sx[1][1:-1]}
        elif kind == "invoke":
            c = {"type": "action", "action": self.action(sx), "expected": []}
        elif kind == "assert_return":
            c = {"type": kind, "action": self.action(sx[1]), "expected": [const(r) for r in sx[2:]]}
        elif kind == "assert_trap":
            c = {"type": kind, "action": self.action(sx[1]), "text": sx[2][1:-1], "expected": []}
        elif kind in ("assert_invalid", "assert_malformed", "assert_unlinkable"):
            c = {"type": kind, "filename": self.module(sx[1]), "text": sx[2][1:-1],
                 "module_type": "binary"}
        else:
            sys.exit("wast_binary: unsupported command %s" % kind)
        c["line"] = line
        self.commands.append(c)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: wast_binary.py FILE.wast OUTDIR")
    path, outdir = sys.argv[1], sys.argv[2]
    name = os.path.basename(path)[:-len(".wast")]
    out = Out(name, outdir)
    for sx, line in parse(open(path).read()):
        out.command(sx, line)
    with open(os.path.join(outdir, name + ".json"), "w") as f:
        json.dump({"source_filename": path, "commands": out.commands}, f, indent=1)


if __name__ == "__main__":
    main()
