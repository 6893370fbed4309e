#!/usr/bin/env bash
# Set-up 2: the real registry behind TLS with a test CA (openssl) and
# htpasswd (bcrypt) basic auth.  The round trip with --ca-file; TLS is
# verified unless --insecure; the 401 line for wrong and missing
# credentials; every credential source in its order (env, credHelpers,
# credsStore, auths with docker's key matching, containers auth.json);
# login/logout; no secret in any output, even with WASMPACK_DEBUG.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry skopeo jq curl python3 openssl htpasswd

PW='s3cret-Pa55-wp'
make_ca "$T_TMP/ca"
mkdir -p "$T_TMP/certs" && cp "$T_TMP/ca/ca.crt" "$T_TMP/certs/"
htpasswd -Bbn alice "$PW" >"$T_TMP/htpasswd"
start_registry tls "$T_TMP/ca/server.crt" "$T_TMP/ca/server.key" \
	"auth: {htpasswd: {realm: basic-realm, path: $T_TMP/htpasswd}}"
export DOCKER_CONFIG="$T_TMP/docker"
export HOME="$T_TMP/home" XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$HOME"
CA=(--ca-file "$T_TMP/ca/ca.crt")

build_formats
WASMPACK_REGISTRY=$REG WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW \
	roundtrip tls "--cert-dir $T_TMP/certs --creds alice:$PW" "${CA[@]}"

export WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW
src="oci:$T_TMP/src-image"
expect_error "TLS is verified: an unknown CA fails, naming the registry" 1 \
	"^wasmpack: push $REG/t/app: 127\.0\.0\.1:[0-9]+: .*(certificate|SSL)" "$WASMPACK" push "$src" "$REG/t/app:v1"
run "$WASMPACK" push "$src" "$REG/t/app:v1" --insecure
check_eq "--insecure skips verification" 0 "$T_RC"

expect_error "wrong password: the 401 line and exit 1" 1 \
	"^wasmpack: push $REG/t/app: 401 UNAUTHORIZED: authentication required \(check WASMPACK_REGISTRY_USERNAME or run wasmpack login\)$" \
	env WASMPACK_REGISTRY_PASSWORD=wrong-$PW "$WASMPACK" push "$src" "$REG/t/app:v2" "${CA[@]}"
expect_error "no credentials: the same 401 line" 1 \
	"^wasmpack: push $REG/t/app: 401 UNAUTHORIZED: authentication required \(check WASMPACK_REGISTRY_USERNAME or run wasmpack login\)$" \
	env -u WASMPACK_REGISTRY_USERNAME -u WASMPACK_REGISTRY_PASSWORD "$WASMPACK" push "$src" "$REG/t/app:v2" "${CA[@]}"

# secrets never appear in output, even in the debug log
b64=$(printf 'alice:%s' "$PW" | base64 -w0)
for pw in "$PW" "wrong-$PW"; do
	run env WASMPACK_DEBUG=1 WASMPACK_REGISTRY_PASSWORD="$pw" "$WASMPACK" push "$src" "$REG/secret/app:v1" "${CA[@]}" --json
	all="$T_OUT$T_ERR"
	check "no password in stdout/stderr (debug on, password ${pw:0:5}...)" \
		bash -c '! grep -qF -e "$1" -e "$2" -e "$3" <<<"$4"' _ "$pw" "$(printf 'alice:%s' "$pw" | base64 -w0)" "$b64" "$all"
done
check_match "the debug log does show requests" "debug: HEAD https://$REG/v2/secret/app/blobs/" "$T_ERR"
unset WASMPACK_REGISTRY_USERNAME WASMPACK_REGISTRY_PASSWORD

# login: checked against the registry, then stored in the docker config
expect_error "login refuses a password on the command line" 2 "use --password-stdin" \
	"$WASMPACK" login "$REG" -u alice -p "$PW"
login() { printf '%s\n' "$1" | "$WASMPACK" login "$REG" -u alice --password-stdin --ca-file "$T_TMP/ca/ca.crt"; }
run login wrong
check_eq "login with a wrong password fails with the 401 line and stores nothing" \
	"1 absent" "$T_RC $( [ -e "$DOCKER_CONFIG/config.json" ] && echo present || echo absent)"
check_match "login failure names the registry" "^wasmpack: login $REG: 401 UNAUTHORIZED" "$T_ERR"
run login "$PW"
check_eq "login succeeds, prints nothing on stdout" "0 " "$T_RC $T_OUT"
check_eq "login stores base64 user:password under the host key" "$b64" \
	"$(jq -r --arg k "$REG" '.auths[$k].auth' "$DOCKER_CONFIG/config.json")"
check_eq "the docker config is private" 600 "$(stat -c %a "$DOCKER_CONFIG/config.json")"
run "$WASMPACK" push "$src" "$REG/login/app:v1" "${CA[@]}"
check_eq "push uses the stored login" 0 "$T_RC"
run "$WASMPACK" logout "$REG"
check_eq "logout removes the entry" "0 null" "$T_RC $(jq -c --arg k "$REG" '.auths[$k]' "$DOCKER_CONFIG/config.json")"
expect_error "after logout: 401" 1 "401 UNAUTHORIZED" "$WASMPACK" push "$src" "$REG/login/app:v2" "${CA[@]}"
expect_error "logout again: not logged in" 1 "not logged in to $REG" "$WASMPACK" logout "$REG"

# docker's legacy key matching: a key with a scheme and path still matches
printf '{"auths":{"https://%s/v1/":{"auth":"%s"}}}' "$REG" "$b64" >"$DOCKER_CONFIG/config.json"
run "$WASMPACK" push "$src" "$REG/keys/app:v1" "${CA[@]}"
check_eq "auths key https://HOST/v1/ matches HOST" 0 "$T_RC"

# credential helpers: credHelpers[host] comes before auths (which is wrong here)
mkdir -p "$T_TMP/bin"
cp "$E2E_LIB/cred-helper.sh" "$T_TMP/bin/docker-credential-wptest"
export PATH="$T_TMP/bin:$PATH" WPTEST_LOG="$T_TMP/helper.log" WPTEST_SERVER="$REG" WPTEST_USER=alice WPTEST_SECRET="$PW"
bad=$(printf 'alice:nope' | base64 -w0)
printf '{"auths":{"%s":{"auth":"%s"}},"credHelpers":{"%s":"wptest"}}' "$REG" "$bad" "$REG" >"$DOCKER_CONFIG/config.json"
run "$WASMPACK" push "$src" "$REG/helper/app:v1" "${CA[@]}"
check_eq "credHelpers[host] wins over auths" 0 "$T_RC"
check_eq "the helper was asked with the server on stdin" "get $REG" "$(tail -n1 "$WPTEST_LOG")"
printf '{"auths":{"%s":{}},"credsStore":"wptest"}' "$REG" >"$DOCKER_CONFIG/config.json"
run "$WASMPACK" push "$src" "$REG/helper/app:v2" "${CA[@]}"
check_eq "credsStore is used" 0 "$T_RC"
run env WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD="wrong" "$WASMPACK" push "$src" "$REG/helper/app:v3" "${CA[@]}"
check_eq "environment variables come first (wrong ones fail even with a good helper)" 1 "$T_RC"
run env WPTEST_SERVER=other "$WASMPACK" push "$src" "$REG/helper/app:v3" "${CA[@]}"
check_eq "helper 'credentials not found' falls through to anonymous: 401" 1 "$T_RC"
run login "$PW"
check_eq "login stores through the credsStore helper" "0 store $REG alice" "$T_RC $(tail -n1 "$WPTEST_LOG")"
check_eq "the helper received the secret, config.json did not" "$PW absent" \
	"$(jq -r .Secret "$WPTEST_LOG.stored") $(grep -qF "$b64" "$DOCKER_CONFIG/config.json" && echo present || echo absent)"
run "$WASMPACK" logout "$REG"
check_eq "logout erases through the helper" "0 erase $REG" "$T_RC $(tail -n1 "$WPTEST_LOG")"

# containers auth.json (podman, skopeo): repository-specific key
rm -f "$DOCKER_CONFIG/config.json"
printf '{"auths":{"%s/podman/app":{"auth":"%s"}}}' "$REG" "$b64" >"$T_TMP/auth.json"
run env REGISTRY_AUTH_FILE="$T_TMP/auth.json" "$WASMPACK" push "$src" "$REG/podman/app:v1" "${CA[@]}"
check_eq "REGISTRY_AUTH_FILE with a host/repo key" 0 "$T_RC"
mkdir -p "$XDG_RUNTIME_DIR/containers"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$REG" "$b64" >"$XDG_RUNTIME_DIR/containers/auth.json"
run "$WASMPACK" push "$src" "$REG/podman/app:v2" "${CA[@]}"
check_eq "\$XDG_RUNTIME_DIR/containers/auth.json" 0 "$T_RC"

# build --push honours --ca-file
mkdir -p "$T_TMP/bw" && cd "$T_TMP/bw"
run env WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$PW "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" \
	--push -t "$REG/built/hello:v1" "${CA[@]}"
check_match "build --push --ca-file to the TLS registry" "^$REG/built/hello@sha256:[0-9a-f]{64}$" "$T_OUT"
cd "$T_TMP"

# an https registry redirecting a blob to plain http: refused
if have node; then
	m=$(jq -r '.manifests[0].digest' "$T_TMP/src-image/index.json")
	start_bg "$T_TMP/down.log" node "$E2E_LIB/downgrade-server.js" "$T_TMP/down.port" \
		"$T_TMP/ca/server.crt" "$T_TMP/ca/server.key" "$T_TMP/src-image/blobs/sha256/${m#sha256:}"
	wait_file "$T_TMP/down.port"
	D="127.0.0.1:$(cat "$T_TMP/down.port")"
	run "$WASMPACK" pull "$D/x/app:v1" -o "oci:$T_TMP/down" "${CA[@]}"
	check_eq "a redirect from https to http is refused (exit 1, one error line)" \
		"1 wasmpack: pull $D/x/app: refusing a redirect from https to plain http (127.0.0.1:9)" \
		"$T_RC $(grep '^wasmpack:' <<<"$T_ERR")"
	check "nothing was written" test ! -e "$T_TMP/down"
fi
