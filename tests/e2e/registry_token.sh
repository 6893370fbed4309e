#!/usr/bin/env bash
# Set-up 3: the real registry with token auth, and a token server of our
# own issuing RS256 JWTs with an x5c header.  The round trip; the 401
# line for wrong credentials; anonymous push refused; OAuth2 refresh
# (identity token); the token cache (one token per scope set and push);
# insufficient_scope re-asked once (cross-repo mount with --from); blob
# redirects to another host followed WITHOUT the Authorization header.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry skopeo jq curl python3 openssl node

PW='t0ken-Pa55-wp'
d="$T_TMP/tok"
mkdir -p "$d"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" -out "$d/cert.pem" -days 2 \
	-subj "/CN=wasmpack token issuer" 2>/dev/null
start_bg "$d/token.log" node "$E2E_LIB/token-server.js" "$d/port" "$d/key.pem" "$d/cert.pem" \
	wasmpack-issuer wasmpack-test "alice:$PW,narrow:$PW,brief:$PW,long:$PW,forever:$PW,<token>:get-only-xyz" refresh-abc
wait_file "$d/port"
TOK="127.0.0.1:$(cat "$d/port")"
start_registry token "" "" \
	"auth: {token: {realm: http://$TOK/token, service: wasmpack-test, issuer: wasmpack-issuer, rootcertbundle: $d/cert.pem}}"
export DOCKER_CONFIG="$T_TMP/docker" HOME="$T_TMP/home"
mkdir -p "$HOME"

build_formats
WASMPACK_REGISTRY=$REG WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW \
	roundtrip token "--tls-verify=false --creds alice:$PW"

src="oci:$T_TMP/src-image"
expect_error "wrong password: the 401 line and exit 1" 1 \
	"^wasmpack: push $REG/t/app: 401 UNAUTHORIZED: authentication required \(check WASMPACK_REGISTRY_USERNAME or run wasmpack login\)$" \
	env WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=wrong "$WASMPACK" push "$src" "$REG/t/app:v1"
expect_error "anonymous push: a token without access, then the 401 line" 1 \
	"^wasmpack: push $REG/t/app: 401 UNAUTHORIZED: .*\(check WASMPACK_REGISTRY_USERNAME or run wasmpack login\)$" \
	"$WASMPACK" push "$src" "$REG/t/app:v1"

# one token for a whole push (cached per scope set), push scope first
n0=$(grep -c '^GET alice' "$d/token.log")
run env WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW "$WASMPACK" push "$src" "$REG/cache/app:v1" "$REG/cache/app:v2"
n1=$(grep -c '^GET alice' "$d/token.log")
check_eq "a push to two tags asks for one token" "0 1" "$T_RC $((n1 - n0))"
check_eq "the token request names the push scope" "GET alice repository:cache/app:push,pull" "$(grep '^GET alice' "$d/token.log" | tail -n1)"

# build --push --sign: the attachments' requests run at the same time on
# worker connections, which share their session's token (one token for
# the image's session, one for the attachments', none per worker)
"$WASMPACK" generate-key --output-key-prefix "$T_TMP/k" 2>/dev/null
n0=$(grep -c '^GET alice' "$d/token.log")
run env WASMPACK_REGISTRY=$REG WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW \
	"$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push -t "$REG/signed/app:v1" --sign --key "$T_TMP/k.key"
n1=$(grep -c '^GET alice' "$d/token.log")
check_eq "build --push --sign with token auth asks for two tokens" "0 2" "$T_RC $((n1 - n0))"
run env WASMPACK_REGISTRY=$REG WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW \
	"$WASMPACK" verify "$REG/signed/app:v1" --key "$T_TMP/k.pub"
check_eq "... and verify finds the signatures" 0 "$T_RC"

# identity token (docker config "identitytoken"): OAuth2 POST with the refresh token
mkdir -p "$DOCKER_CONFIG"
printf '{"auths":{"%s":{"identitytoken":"refresh-abc"}}}' "$REG" >"$DOCKER_CONFIG/config.json"
run "$WASMPACK" push "$src" "$REG/oauth/app:v1"
check_eq "identity token: push succeeds" 0 "$T_RC"
check_eq "identity token: OAuth2 POST refresh_token with the push scope" "POST refresh repository:oauth/app:push,pull" \
	"$(grep '^POST' "$d/token.log" | tail -n1)"
printf '{"auths":{"%s":{"identitytoken":"get-only-xyz"}}}' "$REG" >"$DOCKER_CONFIG/config.json"
run "$WASMPACK" push "$src" "$REG/oauth/app:v2"
check_eq "identity token: POST 404 falls back to GET (as user <token>)" "0 POST 404|GET <token> repository:oauth/app:push,pull" \
	"$T_RC $(tail -n2 "$d/token.log" | paste -sd'|')"
rm -f "$DOCKER_CONFIG/config.json"

# cross-repo mount; user "narrow" gets only the first scope on its first
# token, so the mount meets 401 insufficient_scope and we ask again once
export WASMPACK_REGISTRY_USERNAME=narrow WASMPACK_REGISTRY_PASSWORD=$PW
run "$WASMPACK" push "$src" "$REG/mount/app:v1" --from token/image
check_eq "--from: push succeeds" 0 "$T_RC"
check_eq "--from: both blobs mounted, no blob data sent" "2 0" \
	"$(grep -c '^mounted sha256' <<<"$T_ERR") $(grep -cE '"(PUT|PATCH) /v2/mount/app/blobs/uploads' "$REG_LOG")"
check_eq "insufficient_scope: a narrow token, then one with the mount's pull scope" \
	"2 repository:mount/app:push,pull repository:token/image:pull" \
	"$(grep -c '^GET narrow' "$d/token.log") $(grep '^GET narrow' "$d/token.log" | tail -n1 | cut -d' ' -f3-)"
unset WASMPACK_REGISTRY_USERNAME WASMPACK_REGISTRY_PASSWORD

# blobs redirected to another host: followed without Authorization
start_bg "$d/cdn.log" node "$E2E_LIB/redirect-proxy.js" "$d/cdn-port" "${REG#*:}"
wait_file "$d/cdn-port"
CDN="127.0.0.1:$(cat "$d/cdn-port")"
run env WASMPACK_REGISTRY=$CDN WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW "$WASMPACK" pull "$CDN/token/image:v1" -o "oci:$T_TMP/via-cdn:latest"
check_eq "pull through blob redirects succeeds and verifies" 0 "$T_RC"
check_eq "redirected blob requests carried no Authorization" "2 0" \
	"$(grep -c 'cdn auth=absent' "$d/cdn.log") $(grep -c 'cdn auth=present' "$d/cdn.log")"
out=$(diff -r "$T_TMP/src-image" "$T_TMP/via-cdn" 2>&1)
check_eq "the redirected pull is byte-identical" identical "${out:-identical}"
check_eq "a registry's Warning: 299 is shown once, on stderr" \
	"1 wasmpack: pull $CDN/token/image: registry warning: \"this registry is going away\"" \
	"$(grep -c 'registry warning' <<<"$T_ERR") $(grep 'registry warning' <<<"$T_ERR")"

# a CDN serving corrupt bytes: the digest check refuses the image
start_bg "$d/bad.log" env TAMPER=1 node "$E2E_LIB/redirect-proxy.js" "$d/bad-port" "${REG#*:}"
wait_file "$d/bad-port"
BAD="127.0.0.1:$(cat "$d/bad-port")"
run env WASMPACK_REGISTRY=$BAD WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW "$WASMPACK" pull "$BAD/token/image:v1" -o "oci:$T_TMP/corrupt"
check_eq "a blob whose bytes do not match its digest fails the pull" 1 "$T_RC"
check_match "the error names the blob and the digest mismatch" \
	"wasmpack: pull $BAD/token/image: blob sha256:[0-9a-f]{64}: .*(digest|corrupt)" "$T_ERR"
check "a refused pull writes nothing" test ! -e "$T_TMP/corrupt"

# tokens are renewed before they expire: "brief" tokens live 6 s, so the
# client renews after 1 s; each request through this proxy waits 0.4 s, so
# one push outlives the first token's renewal time but not its expiry
start_bg "$d/slow.log" node "$E2E_LIB/fault-proxy.js" "$d/slow.port" "${REG#*:}" 1 0 400
wait_file "$d/slow.port"
SLOW="127.0.0.1:$(cat "$d/slow.port")"
n0=$(grep -c '^GET brief' "$d/token.log")
l0=$(wc -l <"$REG_LOG")
run env WASMPACK_REGISTRY_USERNAME=brief WASMPACK_REGISTRY_PASSWORD=$PW "$WASMPACK" push "$src" "$SLOW/renew/app:v1"
check_eq "short-lived token: push succeeds" 0 "$T_RC"
n1=$(grep -c '^GET brief' "$d/token.log")
if [ $((n1 - n0)) -ge 2 ]; then ok "short-lived token: renewed during the push ($((n1 - n0)) tokens)"
else not_ok "short-lived token: renewed during the push" "tokens fetched: $((n1 - n0))"; fi
check_eq "short-lived token: the registry never saw an expired token (401 only for the ping)" 1 \
	"$(tail -n +$((l0 + 1)) "$REG_LOG" | grep -c '" 401 ')"

# a 40 KiB token (registries with many claims issue them): sent whole
run env WASMPACK_REGISTRY_USERNAME=long WASMPACK_REGISTRY_PASSWORD=$PW "$WASMPACK" push "$src" "$REG/long/app:v1"
check_eq "a 40 KiB token is sent whole: the push succeeds" 0 "$T_RC"
[ "$T_RC" -eq 0 ] || echo "# $T_ERR"

# expires_in of the largest int64 is clamped (no overflow: the sanitizer
# build aborted), and the token is still cached for the whole push
n0=$(grep -c '^GET forever' "$d/token.log")
run env WASMPACK_REGISTRY_USERNAME=forever WASMPACK_REGISTRY_PASSWORD=$PW "$WASMPACK" push "$src" "$REG/forever/app:v1" "$REG/forever/app:v2"
check_eq "expires_in 2^63-1: the push succeeds with one token" "0 1" "$T_RC $(($(grep -c '^GET forever' "$d/token.log") - n0))"
[ "$T_RC" -eq 0 ] || echo "# $T_ERR"
