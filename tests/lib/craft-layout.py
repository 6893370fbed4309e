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
  bigconfig well-formed, but the config is 5 MiB of JSON (over the 4 MiB cap)
  duplicate the layer holds basics.wasm twice: junk first, the module last
            (a container runtime unpacks the last)
  whiteout  a second layer deletes the module with .wh.basics.wasm
  opaque    a second layer makes / opaque (.wh..wh..opq) and holds no module
  nested    the tar+gzip layer is gzip'ed twice (gzip inside gzip)
  bomb      one gzip level, but it inflates to 1.1 GiB
  repeat    the manifest lists one 1 MiB layer 600 times
  huge      the manifest lists two layers of 1.5 GiB each (not in the layout)
"""
import gzip, hashlib, io, json, os, sys, tarfile, zlib

out, kind = sys.argv[1], sys.argv[2]
wasm = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else b"\0asm\1\0\0\0"

def blob(data):
    d = hashlib.sha256(data).hexdigest()
    os.makedirs(f"{out}/blobs/sha256", exist_ok=True)
    with open(f"{out}/blobs/sha256/{d}", "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)

def make_tar(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data, typ, link in entries:
            ti = tarfile.TarInfo(name)
            ti.type, ti.linkname, ti.mode = typ, link, 0o755
            ti.size = len(data) if data is not None else 0
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()

entries = []
def add(name, data=None, typ=tarfile.REGTYPE, link=""):
    entries.append((name, data, typ, link))

upper = None  # a second layer's entries, when the image has one
if True:
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
    elif kind == "duplicate":
        add("basics.wasm", b"not the module a container runtime sees")
        add("basics.wasm", wasm)
    elif kind == "whiteout":
        add("basics.wasm", wasm)
        upper = [(".wh.basics.wasm", b"", tarfile.REGTYPE, "")]
    elif kind == "opaque":
        add("basics.wasm", wasm)
        upper = [(".wh..wh..opq", b"", tarfile.REGTYPE, ""), ("other.wasm", wasm, tarfile.REGTYPE, "")]
    elif kind == "repeat":
        add("filler", os.urandom(1 << 20))
        add("basics.wasm", wasm)
    else:
        add("basics.wasm", wasm)

def bomb():
    # 1.1 GiB of zeros in one gzip member, compressed a piece at a time
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    ti = tarfile.TarInfo("basics.wasm")
    ti.size, ti.mode = len(wasm), 0o755
    pad = bytes(-len(wasm) % 512)  # tarfile pads the archive with end blocks: build it by hand
    out = [z.compress(ti.tobuf(tarfile.USTAR_FORMAT) + wasm + pad)]
    ti = tarfile.TarInfo("filler")
    ti.size = 1100 << 20
    out.append(z.compress(ti.tobuf(tarfile.USTAR_FORMAT)))
    zeros = bytes(1 << 20)
    for _ in range(1100):
        out.append(z.compress(zeros))
    out.append(z.compress(bytes(1024)) + z.flush())
    return b"".join(out)

layers, diff_ids = [], []
for ents in [entries] + ([upper] if upper else []):
    tar = make_tar(ents)
    if kind == "bomb":
        layer = bomb()
    elif kind == "nested":
        layer = gzip.compress(gzip.compress(tar, mtime=0), mtime=0)
    else:
        layer = gzip.compress(tar, mtime=0)
    ldig, lsize = blob(layer)
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ldig, "size": lsize})
    diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
if kind == "repeat":
    layers, diff_ids = layers * 600, diff_ids * 600
elif kind == "huge":
    layers += [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": "sha256:" + hashlib.sha256(b"%d" % i).hexdigest(), "size": 3 << 29} for i in range(2)]
    diff_ids += diff_ids * 2
inner = {"Entrypoint": ["/basics.wasm"] + (["9", "fixed"] if kind == "entry" else []),
         "Cmd": ["6"], "Env": ["FROM_IMAGE=1"]}
if kind == "bigconfig":
    inner["Labels"] = {"padding": "x" * (5 << 20)}
config = json.dumps({
    "architecture": "wasm", "os": "wasi", "config": inner,
    "rootfs": {"type": "layers", "diff_ids": diff_ids},
}, sort_keys=True, separators=(",", ":")).encode()
cdig, csize = blob(config)
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": csize},
    "layers": layers,
}, sort_keys=True, separators=(",", ":")).encode()
mdig, msize = blob(manifest)
with open(f"{out}/oci-layout", "w") as f:
    f.write('{"imageLayoutVersion":"1.0.0"}')
with open(f"{out}/index.json", "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig, "size": msize,
        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, f)
print(layers[0]["digest"])
