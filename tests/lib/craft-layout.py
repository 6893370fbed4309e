#!/usr/bin/env python3
"""craft-layout.py DIR KIND [WASM] - write an OCI layout (tag "latest") of
the `image` format whose one tar+gzip layer is deliberately hostile, to
prove `wasmpack run` refuses it without extracting anything:
  dotdot    the module stored as ../basics.wasm
  absolute  the module stored as /basics.wasm
  symlink   basics.wasm is a symlink to /etc/passwd
  hardlink  basics.wasm is a hard link to another entry
  missing   the layer does not hold the Entrypoint
  good      a well-formed image (the control)
  entry     well-formed, with arguments in the Entrypoint after the module
"""
import gzip, hashlib, io, json, os, sys, tarfile

out, kind = sys.argv[1], sys.argv[2]
wasm = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else b"\0asm\1\0\0\0"

def blob(data):
    d = hashlib.sha256(data).hexdigest()
    os.makedirs(f"{out}/blobs/sha256", exist_ok=True)
    with open(f"{out}/blobs/sha256/{d}", "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)

buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    def add(name, data=None, typ=tarfile.REGTYPE, link=""):
        ti = tarfile.TarInfo(name)
        ti.type, ti.linkname, ti.mode = typ, link, 0o755
        ti.size = len(data) if data is not None else 0
        t.addfile(ti, io.BytesIO(data) if data is not None else None)
    if kind == "dotdot":
        add("../basics.wasm", wasm)
    elif kind == "absolute":
        add("/basics.wasm", wasm)
    elif kind == "symlink":
        add("basics.wasm", typ=tarfile.SYMTYPE, link="/etc/passwd")
    elif kind == "hardlink":
        add("other.wasm", wasm)
        add("basics.wasm", typ=tarfile.LNKTYPE, link="other.wasm")
    elif kind == "missing":
        add("other.wasm", wasm)
    else:
        add("basics.wasm", wasm)
tar = buf.getvalue()
layer = gzip.compress(tar, mtime=0)
ldig, lsize = blob(layer)
config = json.dumps({
    "architecture": "wasm", "os": "wasi",
    "config": {"Entrypoint": ["/basics.wasm"] + (["9", "fixed"] if kind == "entry" else []),
               "Cmd": ["6"], "Env": ["FROM_IMAGE=1"]},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
}, sort_keys=True, separators=(",", ":")).encode()
cdig, csize = blob(config)
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": csize},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ldig, "size": lsize}],
}, sort_keys=True, separators=(",", ":")).encode()
mdig, msize = blob(manifest)
with open(f"{out}/oci-layout", "w") as f:
    f.write('{"imageLayoutVersion":"1.0.0"}')
with open(f"{out}/index.json", "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig, "size": msize,
        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, f)
print(ldig)
