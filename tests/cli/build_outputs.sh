#!/usr/bin/env bash
# Outputs: tags in a layout (-t, :TAG), oci-archive and docker-archive,
# several outputs at once; read back by wasmpack and by skopeo.
. "$(dirname "$0")/../lib.sh"

hello="$TESTDATA/hello/hello.wasm"
cd "$T_TMP"
# the image tags (the referrers tags "sha256-<hex>" of the SBOM and
# provenance are tests/cli/attest_layout.sh's)
tags_of() { jq -r '[.manifests[].annotations["org.opencontainers.image.ref.name"] | select(startswith("sha256-") | not)] | sort | join(" ")' "$1/index.json"; }

"$WASMPACK" build --wasm "$hello" -t ghcr.io/owner/app:1.2 -t v1 -t localhost:5000/x -o oci:l1 >/dev/null
check_eq "-t values give the layout tags (a reference without tag is latest)" "1.2 latest v1" "$(tags_of l1)"
"$WASMPACK" build --wasm "$hello" -t ignored -o oci:l2:given >/dev/null
check_eq "the destination's :TAG wins over -t" "given" "$(tags_of l2)"
"$WASMPACK" build --wasm "$hello" -o oci:l1:v1 --label x=y >/dev/null
check_eq "retagging keeps the other tags" "1.2 latest v1" "$(tags_of l1)"

run "$WASMPACK" build --wasm "$hello" -o oci-archive:img.tar:v2 -o oci:l3 --json
check_eq "several outputs at once" 0 "$T_RC"
digest=$(jq -r .digest <<<"$T_OUT")
check_match "oci-archive reference line" "oci-archive:img.tar@$digest" "$(jq -r '.references | join(" ")' <<<"$T_OUT")"
check_eq "oci-archive: a tar of a layout" "blobs/ blobs/sha256/ index.json oci-layout" \
	"$(tar -tf img.tar | grep -v 'blobs/sha256/.' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "oci-archive: wasmpack reads it back" "$digest" "$("$WASMPACK" inspect oci-archive:img.tar:v2 --json | jq -r .digest)"
check_eq "oci-archive: the same image as in the layout" "$digest" "$("$WASMPACK" inspect oci:l3 --json | jq -r .digest)"
if have skopeo; then
	run skopeo inspect oci-archive:img.tar:v2
	check_eq "oci-archive: skopeo inspect" "sha256:$(tar -xOf img.tar index.json | jq -r '.manifests[0].digest|ltrimstr("sha256:")')" \
		"$(jq -r .Digest <<<"$T_OUT")"
fi

run "$WASMPACK" build --wasm "$hello" -o docker-archive:d.tar -t ghcr.io/owner/app:1.2 -t app:2 -t v3
check_eq "docker-archive: exits 0" 0 "$T_RC"
check_eq "docker-archive: manifest.json RepoTags (docker's familiar names)" \
	'["ghcr.io/owner/app:1.2","app:2","hello:v3"]' "$(tar -xOf d.tar manifest.json | jq -c '.[0].RepoTags')"
cfg=$(tar -xOf d.tar manifest.json | jq -r '.[0].Config')
layer=$(tar -xOf d.tar manifest.json | jq -r '.[0].Layers[0]')
check_eq "docker-archive: layer is the uncompressed tar named by its diff_id" \
	"sha256:$(tar -xOf d.tar "$layer" | sha256sum | cut -d' ' -f1)" "$(tar -xOf d.tar "$cfg" | jq -r '.rootfs.diff_ids[0]')"
check "docker-archive: the layer holds the module" cmp "$hello" <(tar -xOf d.tar "$layer" | tar -xO hello.wasm)
if have skopeo; then
	run skopeo inspect docker-archive:d.tar
	check_eq "docker-archive: skopeo reads it (os/arch)" "wasi wasm" "$(jq -r '.Os + " " + .Architecture' <<<"$T_OUT")"
	run skopeo copy docker-archive:d.tar oci:fromdocker:x
	check_eq "docker-archive: skopeo copies it to an OCI layout" 0 "$T_RC"
	check "docker-archive: that layout runs through wasmpack inspect" "$WASMPACK" inspect oci:fromdocker:x
fi
check_eq "default output with -o absent is oci:wasmpack-out" "oci:wasmpack-out" \
	"$("$WASMPACK" build --wasm "$hello" | cut -d@ -f1)"

# make install honours PREFIX and DESTDIR
run make -C "$WASMPACK_ROOT" --no-print-directory install DESTDIR="$T_TMP/dest" PREFIX=/opt/wp BUILD="$WASMPACK_BUILD"
check_eq "make install DESTDIR PREFIX" 0 "$T_RC"
check "installed binary runs" "$T_TMP/dest/opt/wp/bin/wasmpack" version
check "man page installed" test -f "$T_TMP/dest/opt/wp/share/man/man1/wasmpack.1"
