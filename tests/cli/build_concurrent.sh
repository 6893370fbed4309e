#!/usr/bin/env bash
# Builds running at once into one layout must not corrupt it: a lock
# serialises the read-modify-write of index.json, so every tag survives.
. "$(dirname "$0")/../lib.sh"

hello="$TESTDATA/hello/hello.wasm"
cd "$T_TMP"
n=12
pids=()
for i in $(seq $n); do
	# different labels give different images, so blobs differ too
	"$WASMPACK" build --wasm "$hello" -o "oci:shared:t$i" --label "n=$i" >"out.$i" 2>"err.$i" &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check_eq "all $n concurrent builds succeed" 0 "$fails"
# (each build also tags its SBOM and provenance "sha256-<hex>": the
# referrers tag schema, docs/attestations.md)
check_eq "index.json is valid JSON holding all $n tags" "$n" \
	"$(jq '[.manifests[].annotations["org.opencontainers.image.ref.name"] | select(startswith("sha256-") | not)] | unique | length' shared/index.json)"
check_eq "... and the $n referrers tags of their attachments" "$n" \
	"$(jq '[.manifests[].annotations["org.opencontainers.image.ref.name"] | select(startswith("sha256-"))] | unique | length' shared/index.json)"
bad=0
for i in $(seq $n); do
	d=$(cut -d@ -f2 "out.$i")
	got=$(jq -r --arg t "t$i" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]==$t) | .digest' shared/index.json)
	[ "$d" = "$got" ] || bad=$((bad + 1))
	"$WASMPACK" inspect "oci:shared:t$i" >/dev/null 2>&1 || bad=$((bad + 1))
done
check_eq "every tag names its own complete, readable image" 0 "$bad"
check "no temporary files are left in the layout" test -z "$(find shared -name '*.tmp-*')"

# retagging replaces the entry for that tag and keeps the others
"$WASMPACK" build --wasm "$hello" -o oci:shared:t1 --label n=new >/dev/null
check_eq "rebuilding a tag replaces it, keeping the rest" "$n 1" \
	"$(jq -r '([.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] | startswith("sha256-") | not)] | length | tostring) + " " + ([.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="t1")] | length | tostring)' shared/index.json)"
