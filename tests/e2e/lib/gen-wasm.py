#!/usr/bin/env python3
"""Write a valid WebAssembly module of about SIZE bytes: a memory large
enough and one active data segment of seeded pseudo-random bytes (so it
does not compress).  For tests and benchmarks that need big modules
without committing big binaries.   usage: gen-wasm.py SIZE OUT [SEED]"""
import random
import sys


def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def section(sid, body):
    return bytes([sid]) + leb(len(body)) + body


def main():
    size = int(sys.argv[1])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    data = random.Random(seed).randbytes(size)
    pages = size // 65536 + 1
    memory = section(5, leb(1) + b"\x00" + leb(pages))
    export = section(7, leb(1) + leb(6) + b"memory" + b"\x02" + leb(0))
    seg = leb(0) + b"\x41\x00\x0b" + leb(len(data)) + data  # active, i32.const 0
    datasec = section(11, leb(1) + seg)
    with open(sys.argv[2], "wb") as f:
        f.write(b"\x00asm\x01\x00\x00\x00" + memory + export + datasec)


main()
