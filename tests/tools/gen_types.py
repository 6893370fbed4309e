#!/usr/bin/env python3
"""Hostile type sections for the loader (tests/cli/runner_limits.sh):

    gen_types.py nested OUT.wasm   # 40 function types, each with 1000
                                   # (ref null $previous) parameters
    gen_types.py many OUT.wasm     # 200000 distinct function types

A module of nothing but its type section (it loads, then has no "run").
"""
import importlib.util
import itertools
import os
import sys


def _leb():
    # bench/gen-module.py already writes LEB128: share it
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "gen-module.py")
    spec = importlib.util.spec_from_file_location("gen_module", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.leb


leb = _leb()


def nested():
    types = [b"\x60\x00\x00"]
    for i in range(1, 40):
        types.append(b"\x60" + leb(1000) + (b"\x63" + leb(i - 1)) * 1000 + b"\x00")
    return types


def many():
    types = []
    for k in range(1, 10):
        for combo in itertools.product(b"\x7f\x7e\x7d\x7c", repeat=k):
            types.append(b"\x60" + leb(k) + bytes(combo) + b"\x00")
            if len(types) == 200000:
                return types
    return types


def main():
    types = {"nested": nested, "many": many}[sys.argv[1]]()
    body = leb(len(types)) + b"".join(types)
    with open(sys.argv[2], "wb") as f:
        f.write(b"\0asm\1\0\0\0" + b"\x01" + leb(len(body)) + body)


if __name__ == "__main__":
    main()
