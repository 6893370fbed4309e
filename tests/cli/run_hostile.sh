#!/usr/bin/env bash
# Hostile images (issue 11): layouts and archives crafted to exhaust memory,
# hang the reader, leak what a symlink points at, or show `run` a different
# module than a container runtime would unpack.  Each is refused with one
# clear line, or read as a runtime reads it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
need_wasi_cc

basics=$(wasi_module basics) || exit 1
craft() { python3 "$WASMPACK_ROOT/tests/lib/craft-layout.py" "$1" "$2" "$basics" >/dev/null; }
# the hex of the first layer of the only image in layout $1
craft_layer() {
	jq -r '.layers[0].digest' "$1/blobs/sha256/$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)" | cut -d: -f2
}
cd "$T_TMP"
craft good good

# 8: a config over 4 MiB is refused before it is read or parsed
craft big bigconfig
cfg=$(jq -r '.config.digest' "big/blobs/sha256/$(jq -r '.manifests[0].digest' big/index.json | cut -d: -f2)")
tar -C big -cf big.tar .
for t in oci:big oci-archive:big.tar; do
	expect_error "run: a 5 MiB config ($t) is refused naming it and the limit" 1 \
		"config $cfg is 52[0-9]+ bytes, over the 4 MiB limit" timeout 60 "$WASMPACK" run "$t"
	expect_error "inspect: a 5 MiB config ($t) is refused naming it and the limit" 1 \
		"config $cfg is 52[0-9]+ bytes, over the 4 MiB limit" timeout 60 "$WASMPACK" inspect "$t"
done

# 15: a blob that is a FIFO must not hang the reader; a blob that is a
# symlink is not followed, and the error never tells the target's digest
layer=$(craft_layer good)
cp -a good fifo && rm "fifo/blobs/sha256/$layer" && mkfifo "fifo/blobs/sha256/$layer"
expect_error "a blob that is a FIFO is refused at once" 1 "$layer: is not a regular file" \
	timeout 20 "$WASMPACK" run oci:fifo
printf 'a file outside the layout\n' >secret
cp -a good link && ln -sf "$T_TMP/secret" "link/blobs/sha256/$layer"
expect_error "a blob that is a symlink is refused, not followed" 1 "$layer: is a symbolic link" \
	timeout 20 "$WASMPACK" run oci:link
secret_hex=$(sha256sum secret | cut -d' ' -f1)
check "... and the error does not reveal the target's digest" test "${T_ERR/$secret_hex/}" == "$T_ERR"
expect_error "inspect refuses the symlinked blob too" 1 "$layer: is a symbolic link" \
	timeout 20 "$WASMPACK" inspect oci:link
check "... without the target's digest" test "${T_ERR/$secret_hex/}" == "$T_ERR"

# 9: a layer is read through exactly the one gzip level its media type
# names, and inflating it stops at a cap
craft nested nested
expect_error "a tar+gzip layer gzip'ed twice is not undone twice" 1 \
	"layer is not a gzip'ed tar" timeout 60 "$WASMPACK" run oci:nested
craft bomb bomb
expect_error "a layer inflating past the cap is refused" 1 \
	"layer inflates to more than 1088 MiB" timeout 120 "$WASMPACK" run oci:bomb

# 10: a layer listed many times is loaded once, and what a run may hold
# in memory is bounded before anything is read
craft repeat repeat
run /usr/bin/time -f 'maxrss %M' timeout 120 "$WASMPACK" run oci:repeat
rss=$(sed -n 's/^maxrss //p' <<<"$T_ERR")
check "a layer listed 600 times runs, loaded once (max RSS ${rss:-?} KB)" \
	test "$T_RC" = 6 -a "${rss:-999999}" -lt 300000
craft huge huge
expect_error "an image whose blobs add up to 3 GiB is refused before loading" 1 \
	"its blobs add up to more than the 2048 MiB limit" timeout 60 "$WASMPACK" run oci:huge

# 11: an oci-archive is streamed: an entry nothing names (400 MiB of
# zeros, gzip'ed) is passed over, never held in memory
python3 - good bloat.tar.gz <<'PY'
import io, sys, tarfile
class Zeros(io.RawIOBase):
    def readable(self):
        return True
    def readinto(self, b):
        b[:] = bytes(len(b))
        return len(b)
with tarfile.open(sys.argv[2], "w:gz", compresslevel=1) as t:
    t.add(sys.argv[1], arcname=".")
    t.addfile(tarfile.TarInfo("junk"), None)
    ti = tarfile.TarInfo("blobs/sha256/junk")
    ti.size = 400 << 20
    t.addfile(ti, io.BufferedReader(Zeros()))
PY
run /usr/bin/time -f 'maxrss %M' timeout 120 "$WASMPACK" run oci-archive:bloat.tar.gz
rss=$(sed -n 's/^maxrss //p' <<<"$T_ERR")
check "an archive with a 400 MiB entry nothing names runs in little memory (max RSS ${rss:-?} KB)" \
	test "$T_RC" = 6 -a "${rss:-999999}" -lt 300000

# 14: run sees the file a container runtime unpacks: of duplicate entries
# the last, and nothing a whiteout in an upper layer deleted
craft dup duplicate
run timeout 60 "$WASMPACK" run oci:dup
check_eq "a duplicated entry: the last one runs, as a runtime unpacks it" "6 env: FROM_IMAGE=1" \
	"$T_RC $(grep '^env:' <<<"$T_OUT")"
for k in whiteout opaque; do
	craft "$k" "$k"
	expect_error "a module deleted by a $k whiteout in an upper layer is not run" 1 \
		"/basics.wasm is deleted by a whiteout in layer sha256:" timeout 60 "$WASMPACK" run "oci:$k"
done

exit "$T_FAILED"
