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
python3 "$E2E_LIB/gen-wasm.py" 3000000 "$T_TMP/big.wasm" 7
"$WASMPACK" build --wasm "$T_TMP/big.wasm" -o "oci:$T_TMP/src-big" --sbom none --no-provenance >/dev/null 2>&1
export WASMPACK_RETRY_BASE_MS=20 WASMPACK_RETRY_MAX_MS=2000 WASMPACK_RETRIES=5

start_bg "$T_TMP/proxy.log" node "$E2E_LIB/fault-proxy.js" "$T_TMP/proxy.port" "${REG#*:}" 42 0.3
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
start_bg "$T_TMP/slow.log" node "$E2E_LIB/fault-proxy.js" "$T_TMP/slow.port" "${REG#*:}" 1 0 40
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

# OCI-Chunk-Min-Length: asked for 256 KiB chunks, told at least 1 MiB
start_bg "$T_TMP/min.log" env CHUNK_MIN=1048576 node "$E2E_LIB/fault-proxy.js" "$T_TMP/min.port" "${REG#*:}" 1 0
wait_file "$T_TMP/min.port"
M="127.0.0.1:$(cat "$T_TMP/min.port")"
layer=$(jq -r '.layers[0].size' "$T_TMP/src-big/blobs/sha256/${digest#sha256:}")
run env WASMPACK_UPLOAD_CHUNK=262144 "$WASMPACK" push "oci:$T_TMP/src-big" "$M/minchunk/app:v1"
check_eq "OCI-Chunk-Min-Length raises the chunk size" "0 $(((layer + 1048575) / 1048576))" \
	"$T_RC $(grep -c '^pass PATCH /v2/minchunk/' "$T_TMP/min.log")"

# a registry refusing a big monolithic PUT (413): the blob goes again in chunks
start_bg "$T_TMP/mono.log" env REFUSE_MONO=1000000 node "$E2E_LIB/fault-proxy.js" "$T_TMP/mono.port" "${REG#*:}" 1 0
wait_file "$T_TMP/mono.port"
N="127.0.0.1:$(cat "$T_TMP/mono.port")"
run "$WASMPACK" push "oci:$T_TMP/src-big" "$N/mono/app:v1"
check_eq "413 on the monolithic PUT: push completes" "0 $N/mono/app@$digest" "$T_RC $T_OUT"
check_eq "then the blob went up in PATCH chunks" "1 yes" \
	"$(grep -c '^413 PUT /v2/mono/' "$T_TMP/mono.log") $(grep -q '^pass PATCH /v2/mono/' "$T_TMP/mono.log" && echo yes)"

# on a terminal: a live bar redrawn at most ~10 times a second.  TERM is
# set: under TERM=dumb (or none) wasmpack rightly prints plain lines.  A
# redraw is a CR not followed by LF (the pty turns every LF into CR LF).
if have script; then
	t0=$(date +%s%N)
	TERM=xterm WASMPACK_UPLOAD_CHUNK=131072 script -qefc "'$WASMPACK' push 'oci:$T_TMP/src-big' '$S/tty/app:v1'" "$T_TMP/tty.out" >/dev/null 2>&1
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	draws=$(perl -0777 -ne 'print scalar(() = /\r(?!\n)/g)' "$T_TMP/tty.out")
	echo "# tty: $draws redraws in $ms ms"
	check "on a TTY the bar is live (redrawn $draws times in $ms ms)" test "$draws" -ge 4
	check "on a TTY at most ~10 redraws a second ($draws in $ms ms)" test "$draws" -le $((ms / 100 + 6))
	check_match "the bar shows bytes and rate" "push sha256:[0-9a-f]{12} \[#+\.*\] [0-9.]+ [kM]?B / 3\.0 MB +[0-9.]+ [kM]?B/s" "$(cat "$T_TMP/tty.out")"
else
	skip "tty progress" "script (util-linux) is not installed"
fi

# a registry (or a proxy) answering a manifest PUT with another digest than
# the one of the bytes sent: the push fails, naming both digests
start_bg "$T_TMP/lie.log" env LIE_DIGEST=1 node "$E2E_LIB/fault-proxy.js" "$T_TMP/lie.port" "${REG#*:}" 1 0
wait_file "$T_TMP/lie.port"
LIE="127.0.0.1:$(cat "$T_TMP/lie.port")"
run "$WASMPACK" push "oci:$T_TMP/src-image" "$LIE/lie/app:v1"
check_eq "Docker-Content-Digest mismatch on manifest PUT: exit 1, nothing on stdout" "1 " "$T_RC $T_OUT"
check_match "Docker-Content-Digest mismatch: one error line naming both digests" \
	"^wasmpack: push $LIE/lie/app: manifest v1: the registry computed digest sha256:0{64}, we sent sha256:[0-9a-f]{64}$" \
	"$(grep '^wasmpack:' <<<"$T_ERR")"
