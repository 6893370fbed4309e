#!/usr/bin/env bash
# containerd (Debian's, a consumer nobody here wrote) pulls the image
# format that wasmpack pushed to the real registry: `ctr images pull
# --platform wasi/wasm`, unpacked, with the same digests.  containerd runs
# as our own daemon with a temporary root, state and socket.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry containerd ctr jq curl python3

start_registry ctr
"$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" -o "oci:$T_TMP/src" >/dev/null 2>&1
run "$WASMPACK" push "oci:$T_TMP/src" "$REG/wasm/hello:v1"
check_eq "push for containerd" 0 "$T_RC"
digest=$(jq -r '.manifests[0].digest' "$T_TMP/src/index.json")

c="$T_TMP/containerd"
mkdir -p "$c"
cat >"$c/config.toml" <<TOML
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$c/containerd.sock"
[ttrpc]
  address = "$c/containerd-ttrpc.sock"
[debug]
  address = ""
[metrics]
  address = ""
TOML
start_bg "$c/log" containerd --config "$c/config.toml"
for i in $(seq 1 100); do
	ctr --address "$c/containerd.sock" version >/dev/null 2>&1 && break
	if ! kill -0 "$BG_PID" 2>/dev/null; then
		skip "containerd pull" "containerd cannot run here: $(grep -iE 'level=(fatal|error)|error' "$c/log" | tail -n1)"
		exit 0
	fi
	sleep 0.05
done
ctrx() { ctr --address "$c/containerd.sock" -n wasmpack-e2e "$@"; }
run ctrx images pull --plain-http --platform wasi/wasm "$REG/wasm/hello:v1"
check_eq "ctr images pull --platform wasi/wasm succeeds" 0 "$T_RC"
[ "$T_RC" -eq 0 ] || echo "# $T_ERR"
check_match "containerd unpacked it for wasi/wasm" "unpacking wasi/wasm $digest" "$T_OUT"
check_match "containerd records the manifest digest and platform" "$digest .* wasi/wasm" \
	"$(ctrx images ls | grep -F "$REG/wasm/hello:v1 ")"
layer=$(jq -r '.layers[0].digest' "$T_TMP/src/blobs/sha256/${digest#sha256:}")
check_eq "the layer containerd stored is ours, byte for byte" "${layer#sha256:}" \
	"$(ctrx content get "$layer" | sha256sum | cut -d' ' -f1)"
