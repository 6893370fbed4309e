#!/usr/bin/env bash
# The three image shapes, checked field by field with jq and by tools
# nobody here wrote: skopeo reads and copies each, GNU tar unpacks the
# image layer to exactly the module, containerd imports the image format.
. "$(dirname "$0")/../lib.sh"

hello="$TESTDATA/hello/hello.wasm"
hello_sha=$(sha256sum <"$hello" | cut -d' ' -f1)
hello_size=$(stat -c %s "$hello")
cd "$T_TMP"
export SOURCE_DATE_EPOCH=1700000000

blob() { cat "lay/blobs/sha256/${1#sha256:}"; }
manifest_of() { blob "$(jq -r --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' lay/index.json)"; }

for f in image wasm krustlet; do
	run "$WASMPACK" build --wasm "$hello" --format "$f" -o "oci:lay:$f" --label team=wasm \
		--annotation org.example.note=hi --env GREETING=hi --arg --self-test
	check_eq "$f: build exits 0" 0 "$T_RC"
done

# ---- image: the OCI image shape the containerd shims run
m=$(manifest_of image)
check_eq "image: manifest mediaType field" "application/vnd.oci.image.manifest.v1+json" "$(jq -r .mediaType <<<"$m")"
check_eq "image: schemaVersion" 2 "$(jq -r .schemaVersion <<<"$m")"
check_eq "image: config media type" "application/vnd.oci.image.config.v1+json" "$(jq -r .config.mediaType <<<"$m")"
check_eq "image: one tar+gzip layer" "1 application/vnd.oci.image.layer.v1.tar+gzip" \
	"$(jq -r '(.layers|length|tostring) + " " + .layers[0].mediaType' <<<"$m")"
cfg=$(blob "$(jq -r .config.digest <<<"$m")")
check_eq "image: platform wasi/wasm" "wasi/wasm" "$(jq -r '.os + "/" + .architecture' <<<"$cfg")"
check_eq "image: Entrypoint" '["/hello.wasm"]' "$(jq -c .config.Entrypoint <<<"$cfg")"
check_eq "image: Cmd from --arg" '["--self-test"]' "$(jq -c .config.Cmd <<<"$cfg")"
check_eq "image: Env from --env" '["GREETING=hi"]' "$(jq -c .config.Env <<<"$cfg")"
check_eq "image: Labels from --label" '{"team":"wasm"}' "$(jq -c .config.Labels <<<"$cfg")"
check_eq "image: created from SOURCE_DATE_EPOCH" "2023-11-14T22:13:20Z" "$(jq -r .created <<<"$cfg")"
layer=$(jq -r .layers[0].digest <<<"$m")
check_eq "image: diff_id is the digest of the uncompressed tar" \
	"sha256:$(blob "$layer" | gunzip | sha256sum | cut -d' ' -f1)" "$(jq -r '.rootfs.diff_ids[0]' <<<"$cfg")"
check_eq "image: layer lists exactly hello.wasm, 0755, root:root" "-rwxr-xr-x 0/0 hello.wasm" \
	"$(blob "$layer" | tar -tvz --numeric-owner | awk '{print $1, $2, $6}')"
mkdir unpack && blob "$layer" | tar -xz -C unpack
check "image: GNU tar unpacks exactly the input module" cmp "$hello" unpack/hello.wasm
check_eq "image: gzip header has no name and no mtime" "1f8b0800000000000003" \
	"$(blob "$layer" | head -c 10 | od -An -tx1 | tr -d ' \n')"
check_eq "image: annotations" "team=wasm org.example.note=hi hello 2023-11-14T22:13:20Z" \
	"$(jq -r '.annotations | "team=" + .team + " org.example.note=" + .["org.example.note"] + " " + .["org.opencontainers.image.title"] + " " + .["org.opencontainers.image.created"]' <<<"$m")"
check_eq "image: the layout index carries the platform" "wasi/wasm" \
	"$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="image") | .platform.os + "/" + .platform.architecture' lay/index.json)"

# ---- wasm: the CNCF TAG-Runtime artifact
m=$(manifest_of wasm)
check_eq "wasm: manifest mediaType field (wkg requires it)" "application/vnd.oci.image.manifest.v1+json" "$(jq -r .mediaType <<<"$m")"
check_eq "wasm: config media type" "application/vnd.wasm.config.v0+json" "$(jq -r .config.mediaType <<<"$m")"
check_eq "wasm: exactly one application/wasm layer of the raw module" "1 application/wasm sha256:$hello_sha $hello_size" \
	"$(jq -r '(.layers|length|tostring) + " " + .layers[0].mediaType + " " + .layers[0].digest + " " + (.layers[0].size|tostring)' <<<"$m")"
check_eq "wasm: layer title annotation" "hello.wasm" "$(jq -r '.layers[0].annotations["org.opencontainers.image.title"]' <<<"$m")"
cfg=$(blob "$(jq -r .config.digest <<<"$m")")
check_eq "wasm: config fields" "wasm wasip1 null null 2023-11-14T22:13:20Z sha256:$hello_sha" \
	"$(jq -r '[.architecture, .os, (.component|tostring), (.author|tostring), .created, .layerDigests[0]] | join(" ")' <<<"$cfg")"
check_eq "wasm: config has exactly the spec's keys" "architecture author component created layerDigests os" \
	"$(jq -r 'keys | join(" ")' <<<"$cfg")"

# ---- krustlet: legacy wasm-to-oci
m=$(manifest_of krustlet)
check_eq "krustlet: config media type and {} blob" "application/vnd.wasm.config.v1+json {}" \
	"$(jq -r .config.mediaType <<<"$m") $(blob "$(jq -r .config.digest <<<"$m")")"
check_eq "krustlet: one raw content layer" "1 application/vnd.wasm.content.layer.v1+wasm sha256:$hello_sha" \
	"$(jq -r '(.layers|length|tostring) + " " + .layers[0].mediaType + " " + .layers[0].digest' <<<"$m")"

# ---- a component is marked wasip2 with its imports and exports
printf '\x00asm\x0d\x00\x01\x00\x07\x03\x01\x42\x00\x0a\x1f\x01\x00\x1awasi:cli/environment@0.2.0\x05\x00\x0b\x18\x01\x00\x12wasi:cli/run@0.2.0\x05\x00\x00' >comp.wasm
run "$WASMPACK" build --wasm comp.wasm --format wasm -o oci:lay:comp --json
check_eq "component: summary kind and wasi" "component preview2" "$(jq -r '.wasm.kind + " " + .wasm.wasi' <<<"$T_OUT")"
cfg=$(blob "$(jq -r .config.digest <<<"$(manifest_of comp)")")
check_eq "component: config os and component facts" 'wasip2 ["wasi:cli/environment@0.2.0"] ["wasi:cli/run@0.2.0"]' \
	"$(jq -c -r '[.os, (.component.imports|tojson), (.component.exports|tojson)] | join(" ")' <<<"$cfg")"

# ---- --platform
"$WASMPACK" build --wasm "$hello" --platform wasip1/wasm -o oci:lay:p1 >/dev/null
cfg=$(blob "$(jq -r .config.digest <<<"$(manifest_of p1)")")
check_eq "--platform wasip1/wasm sets os/architecture" "wasip1/wasm" "$(jq -r '.os + "/" + .architecture' <<<"$cfg")"

# ---- skopeo, an independent reader of OCI layouts
if have skopeo; then
	run skopeo inspect oci:lay:image
	check_eq "skopeo inspect: image format" "wasi wasm" "$(jq -r '.Os + " " + .Architecture' <<<"$T_OUT")"
	for f in wasm krustlet; do
		# skopeo 1.9 refuses its image-specific inspect on non-image
		# artifacts; --raw and --config --raw read and verify them.
		run skopeo inspect --raw "oci:lay:$f"
		check_eq "skopeo inspect --raw: $f manifest" "$(manifest_of "$f")" "$T_OUT"
		run skopeo inspect --config --raw "oci:lay:$f"
		check_eq "skopeo inspect --config --raw: $f" 0 "$T_RC"
	done
	for f in image wasm krustlet; do
		run skopeo copy "oci:lay:$f" "dir:copy-$f"
		check_eq "skopeo copy oci:lay:$f dir: succeeds" 0 "$T_RC"
		check_eq "skopeo copy $f: manifest preserved byte for byte" "$(manifest_of "$f" | sha256sum)" "$(sha256sum <"copy-$f/manifest.json")"
	done
else
	skip "skopeo checks" "skopeo not installed"
fi

# ---- containerd imports the image format from an oci-archive
"$WASMPACK" build --wasm "$hello" -o oci-archive:img.tar -t demo:1 >/dev/null
if have containerd && have ctr; then
	d="$T_TMP/ctd"
	mkdir -p "$d"
	cat >"$d/config.toml" <<TOML
version = 2
root = "$d/root"
state = "$d/state"
[grpc]
  address = "$d/ctd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  disable = true
TOML
	containerd --config "$d/config.toml" >"$d/log" 2>&1 &
	ctd=$!
	t_on_exit "kill $ctd; wait $ctd 2>/dev/null"
	for _ in $(seq 50); do [ -S "$d/ctd.sock" ] && break; sleep 0.1; done
	if ctr -a "$d/ctd.sock" version >/dev/null 2>&1; then
		run ctr -a "$d/ctd.sock" images import --platform wasi/wasm --base-name docker.io/library/demo img.tar
		check_eq "containerd: ctr images import exits 0" 0 "$T_RC"
		run ctr -a "$d/ctd.sock" images ls
		check_match "containerd: image listed as wasi/wasm" 'demo:1 .*wasi/wasm' "$T_OUT"
		run ctr -a "$d/ctd.sock" images check
		check_match "containerd: all content present" 'complete' "$T_OUT"
	else
		skip "containerd import" "containerd could not start here: $(tail -n1 "$d/log")"
	fi
else
	skip "containerd import" "containerd/ctr not installed"
fi
