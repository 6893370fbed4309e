#!/usr/bin/env python3
"""Drop from a .wast script the commands wast2json cannot parse.

    wast_prune.py WAST2JSON IN.wast OUT.wast

A 3.0 script may mix what this wabt reads with syntax it does not (GC
`rec` types, `(ref $t)` in a file about exceptions): rather than lose the
whole file, each top-level command wast2json reports an error in is
dropped, and with a module the commands after it up to the next module
(they act on it).  `(module instance $I $M)` is first rewritten as a copy
of `(module definition $M ...)` named $I.  Repeats until the rest converts.  Prints one line:
"dropped N of M commands" (N = 0: nothing to drop); exits 1 when the
file cannot be brought to convert.  The dropped commands are not run:
spec.sh counts them apart, never as passed.
"""
import re
import subprocess
import sys
import tempfile


def top_forms(text):
    """(start, end, first_line) of each top-level (...) form."""
    forms, depth, i, n, line, start, sline = [], 0, 0, len(text), 1, 0, 0
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == ";" and text.startswith(";;", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif c == "(" and text.startswith("(;", i):
            j, d = i + 2, 1
            while j < n and d:
                if text.startswith("(;", j):
                    d, j = d + 1, j + 2
                elif text.startswith(";)", j):
                    d, j = d - 1, j + 2
                else:
                    line += text[j] == "\n"
                    j += 1
            i = j
            continue
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            line += text.count("\n", i, j)
            i = j + 1
            continue
        elif c == "(":
            if depth == 0:
                start, sline = i, line
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                forms.append((start, i + 1, sline, line))
        i += 1
    return forms


def one_line(module_text):
    """A module's text on one line (comments out), for a copy that keeps
    the script's line numbers."""
    t = re.sub(r";;[^\n]*", "", module_text)
    return re.sub(r"\s+", " ", t)


def instances(text):
    """3.0's `(module instance $I $M)` makes a fresh instance of
    `(module definition $M ...)`, which this wabt cannot write: it becomes
    a copy of the definition named $I (a module command instantiates)."""
    defs, out, last = {}, [], 0
    for s, e, l0, l1 in top_forms(text):
        form = text[s:e]
        m = re.match(r"\(module\s+definition\s+(\$[^\s()]+)", form)
        if m:
            defs[m.group(1)] = form[m.end():-1]
            continue
        m = re.match(r"\(module\s+instance\s+(\$[^\s()]+)\s+(\$[^\s()]+)\s*\)$", form)
        if m and m.group(2) in defs:
            out.append(text[last:s])
            out.append(one_line("(module %s %s)" % (m.group(1), defs[m.group(2)])))
            last = e
    out.append(text[last:])
    return "".join(out)


def main():
    wast2json, src, dst = sys.argv[1:4]
    text = instances(open(src, encoding="utf-8").read())
    forms = top_forms(text)
    keep = [True] * len(forms)
    for _ in range(200):
        # keep line numbers meaningful: rebuild with each kept form at its line
        out, cur = [], 1
        for k, (s, e, l0, l1) in zip(keep, forms):
            if not k:
                continue
            out.append("\n" * max(0, l0 - cur))
            cur = max(cur, l0)
            out.append(text[s:e] + "\n")
            cur += text.count("\n", s, e) + 1
        body = "".join(out)
        with open(dst, "w", encoding="utf-8") as f:
            f.write(body)
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([wast2json, "--enable-all", dst, "-o", d + "/x.json"],
                               capture_output=True, text=True)
        if r.returncode == 0:
            print("dropped %d of %d commands" % (keep.count(False), len(forms)))
            return 0
        bad = {int(m.group(1)) for m in re.finditer(r"^[^:\n]*:(\d+):\d+: error", r.stderr, re.M)}
        hit = False
        for idx, (s, e, l0, l1) in enumerate(forms):
            if keep[idx] and any(l0 <= b <= l1 for b in bad):
                keep[idx] = False
                hit = True
                if text[s:e].startswith("(module"):
                    j = idx + 1
                    while j < len(forms) and not text[forms[j][0]:forms[j][1]].startswith("(module"):
                        keep[j] = False
                        j += 1
        if not hit:
            sys.stderr.write(r.stderr)
            return 1
    return 1


if __name__ == "__main__":
    sys.exit(main())
