#!/usr/bin/env python3
"""SPDX 2.3 rules a JSON schema cannot express, checked on one document:
   python3 spdx-check.py DOC.spdx.json [WASM]
Prints one line per problem, or "ok"; exit 1 on problems.
  - every SPDXID is unique, and every relationship names elements that
    exist (or a DocumentRef-);
  - the document DESCRIBES at least one package;
  - documentNamespace is an absolute URI without '#' (spec 6.5);
  - created is YYYY-MM-DDThh:mm:ssZ (spec 6.9);
  - checksums are lowercase hex of the algorithm's length;
  - a package with filesAnalyzed false CONTAINS no file (spec 7.8), one
    that contains files carries the verification code of their SHA1s
    (spec 7.9: SHA1 of the sorted SHA1s, concatenated);
  - with WASM: the file entries' SHA1 and SHA256 are those of its bytes."""
import hashlib, json, re, sys

doc = json.load(open(sys.argv[1]))
wasm = open(sys.argv[2], "rb").read() if len(sys.argv) > 2 else None
bad = []
LEN = {"SHA1": 40, "SHA224": 56, "SHA256": 64, "SHA384": 96, "SHA512": 128, "MD5": 32}

elements = [doc] + doc.get("packages", []) + doc.get("files", []) + doc.get("snippets", [])
ids = [e.get("SPDXID") for e in elements]
for i in set(ids):
    if ids.count(i) > 1:
        bad.append(f"SPDXID {i} is used {ids.count(i)} times")
rels = doc.get("relationships", [])
for r in rels:
    for k in ("spdxElementId", "relatedSpdxElement"):
        v = r.get(k, "")
        if v not in ids and not v.startswith("DocumentRef-") and v not in ("NONE", "NOASSERTION"):
            bad.append(f"relationship {r.get('relationshipType')} names {v}, which is not in the document")
if not any(r.get("relationshipType") == "DESCRIBES" and r.get("spdxElementId") == doc.get("SPDXID") for r in rels) \
        and not doc.get("documentDescribes"):
    bad.append("the document DESCRIBES nothing")
ns = doc.get("documentNamespace", "")
if not re.match(r"^[a-z][a-z0-9+.-]*://[^\s#]+$", ns):
    bad.append(f"documentNamespace {ns!r} is not an absolute URI without '#'")
if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", doc.get("creationInfo", {}).get("created", "")):
    bad.append("creationInfo.created is not YYYY-MM-DDThh:mm:ssZ")
for e in elements:
    for c in e.get("checksums", []):
        a, v = c.get("algorithm"), c.get("checksumValue", "")
        if a in LEN and not re.match("^[0-9a-f]{%d}$" % LEN[a], v):
            bad.append(f"{e.get('SPDXID')}: {a} checksum {v!r} is not {LEN[a]} lowercase hex digits")
files = {f["SPDXID"]: f for f in doc.get("files", [])}
for p in doc.get("packages", []):
    contained = [r["relatedSpdxElement"] for r in rels
                 if r.get("relationshipType") == "CONTAINS" and r.get("spdxElementId") == p["SPDXID"]
                 and r.get("relatedSpdxElement") in files] + p.get("hasFiles", [])
    if p.get("filesAnalyzed", True) is False and contained:
        bad.append(f"{p['SPDXID']}: filesAnalyzed is false but it CONTAINS {', '.join(contained)}")
    if contained:
        sha1s = sorted(c["checksumValue"] for f in contained for c in files[f].get("checksums", [])
                       if c.get("algorithm") == "SHA1")
        want = hashlib.sha1("".join(sha1s).encode()).hexdigest()
        got = p.get("packageVerificationCode", {}).get("packageVerificationCodeValue")
        if got != want:
            bad.append(f"{p['SPDXID']}: packageVerificationCode {got} is not {want}")
if wasm is not None:
    for f in files.values():
        sums = {c["algorithm"]: c["checksumValue"] for c in f.get("checksums", [])}
        if sums.get("SHA1") != hashlib.sha1(wasm).hexdigest() or sums.get("SHA256") != hashlib.sha256(wasm).hexdigest():
            bad.append(f"{f['SPDXID']}: its checksums are not those of the module")
print("\n".join(bad) if bad else "ok")
sys.exit(1 if bad else 0)
