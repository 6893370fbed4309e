#!/usr/bin/env python3
"""Write a valid WebAssembly module of about SIZE bytes for benchmarks.

The bulk is one active data segment whose bytes imitate compiled code, so
gzip meets the repeats it meets in real binaries (see payload()) instead of
pure noise or zeros.
Deterministic: the same size always gives the same file.

usage: gen-module.py SIZE_BYTES OUT.wasm
"""
import random
import sys


def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def section(sid, body):
    return bytes([sid]) + leb(len(body)) + body


def payload(size, rng):
    # code-like bytes: short "instruction idioms" (an opcode and its
    # immediates) combined into "basic blocks" that recur with a skewed
    # frequency, as the bodies of compiled functions do, plus a few fresh
    # immediates.  zlib treats it as it treats a real 5.8 MB Rust module
    # (ratio 3.69 at level 4 and 3.88 at level 6, against 3.72 and 3.89; a
    # similar MB/s), which random bytes or zeros would not.
    idioms = [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 6))) for _ in range(400)]
    iw = [1.0 / (i + 1) for i in range(len(idioms))]
    blocks = [b"".join(rng.choices(idioms, weights=iw, k=rng.randint(3, 14))) for _ in range(3000)]
    bw = [1.0 / (i + 1) ** 0.8 for i in range(len(blocks))]
    out = bytearray()
    while len(out) < size:
        for blk in rng.choices(blocks, weights=bw, k=4096):
            out += blk
            if rng.random() < 0.25:
                out.append(rng.getrandbits(7))
    return bytes(out[:size])


def main():
    size, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(size)
    data = payload(max(size - 64, 0), rng)
    pages = len(data) // 65536 + 1
    mod = b"\0asm\x01\0\0\0"
    mod += section(1, leb(1) + b"\x60\x00\x00")                 # type () -> ()
    mod += section(3, leb(1) + leb(0))                          # one function
    mod += section(5, leb(1) + b"\x00" + leb(pages))            # memory
    mod += section(7, leb(1) + leb(6) + b"_start" + b"\x00" + leb(0))
    mod += section(10, leb(1) + leb(2) + b"\x00\x0b")           # empty body
    seg = b"\x00" + b"\x41\x00\x0b" + leb(len(data)) + data     # active at 0
    mod += section(11, leb(1) + seg)
    with open(path, "wb") as f:
        f.write(mod)


if __name__ == "__main__":
    main()
