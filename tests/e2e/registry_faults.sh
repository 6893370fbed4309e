#!/usr/bin/env bash
# Fault injection: a seeded proxy of our own between wasmpack and the
# real registry drops connections and answers 500, 503 and 429 with
# Retry-After; pushes (monolithic and chunked) and pulls still complete
# and the images are intact.  A push killed with SIGKILL midway leaves no
# tag behind, and started again completes with the tag on a whole image.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry jq curl python3 node

start_registry faults
build_formats
python3 "$(dirname "$0")/lib/gen-wasm.py" 3000000 "$T_TMP/big.wasm" 7
"$WASMPACK" build --wasm "$T_TMP/big.wasm" -o "oci:$T_TMP/src-big" >/dev/null 2>&1
export WASMPACK_RETRY_BASE_MS=20 WASMPACK_RETRY_MAX_MS=2000 WASMPACK_RETRIES=5

start_bg "$T_TMP/proxy.log" node "$(dirname "$0")/lib/fault-proxy.js" "$T_TMP/proxy.port" "${REG#*:}" 42 0.3
wait_file "$T_TMP/proxy.port"
P="127.0.0.1:$(cat "$T_TMP/proxy.port")"

errs=""
for f in image wasm krustlet big; do
	digest=$(jq -r '.manifests[0].digest' "$T_TMP/src-$f/index.json")
	chunk=""
	[ "$f" = big ] && chunk=524288 # chunked upload: PATCH recovery is exercised too
	run env WASMPACK_UPLOAD_CHUNK=$chunk "$WASMPACK" push "oci:$T_TMP/src-$f" "$P/faults/$f:v1"
	check_eq "$f: push through faults completes" "0 $P/faults/$f@$digest" "$T_RC $T_OUT"
	errs+="$T_ERR"$'\n'
	run "$WASMPACK" pull "$P/faults/$f:v1" -o "oci:$T_TMP/back-$f:latest"
	check_eq "$f: pull through faults completes" 0 "$T_RC"
	errs+="$T_ERR"$'\n'
	out=$(diff -r "$T_TMP/src-$f" "$T_TMP/back-$f" 2>&1)
	check_eq "$f: the image came back intact" identical "${out:-identical}"
done
echo "# injected: $(cut -d" " -f1 "$T_TMP/proxy.log" | sort | uniq -c | tr -s " \n" " ")"
for a in drop 500 503 429; do
	check "the proxy injected '$a' faults" grep -q "^$a " "$T_TMP/proxy.log"
done
check_match "a 429 waited for its Retry-After (1 s, above the 20 ms backoff)" "got 429, retrying in 1\.0 s" "$errs"
check_match "dropped connections were retried" "failed \(.*\), retrying in" "$errs"
check "faults hit chunk uploads (PATCH) and were recovered" grep -qE "^(drop|500|503|429) PATCH " "$T_TMP/proxy.log"
check_eq "after all that, the registry holds the tag" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG/v2/faults/big/manifests/v1")"

# kill -9 midway: a slow proxy (40 ms a request) and 256 KiB chunks
start_bg "$T_TMP/slow.log" node "$(dirname "$0")/lib/fault-proxy.js" "$T_TMP/slow.port" "${REG#*:}" 1 0 40
wait_file "$T_TMP/slow.port"
S="127.0.0.1:$(cat "$T_TMP/slow.port")"
WASMPACK_UPLOAD_CHUNK=262144 "$WASMPACK" push "oci:$T_TMP/src-big" "$S/killed/app:v1" >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 200); do
	[ "$(grep -c '^pass PATCH' "$T_TMP/slow.log")" -ge 3 ] && break
	sleep 0.02
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "the push was killed while uploading chunks" grep -q '^pass PATCH' "$T_TMP/slow.log"
check_eq "a killed push leaves no tag" 404 \
	"$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG/v2/killed/app/manifests/v1")"
digest=$(jq -r '.manifests[0].digest' "$T_TMP/src-big/index.json")
run "$WASMPACK" push "oci:$T_TMP/src-big" "$REG/killed/app:v1"
check_eq "the push started again completes" "0 $REG/killed/app@$digest" "$T_RC $T_OUT"
run "$WASMPACK" pull "$REG/killed/app:v1" -o "oci:$T_TMP/back-killed:latest"
out=$(diff -r "$T_TMP/src-big" "$T_TMP/back-killed" 2>&1)
check_eq "the tag points at a complete image" "0 identical" "$T_RC ${out:-identical}"
