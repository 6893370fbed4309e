#!/usr/bin/env bash
# A hostile registry (issue 11): a proxy of our own in front of the real
# registry plays a CDN that challenges with a realm of its own, upload
# Locations on another origin, credentials the user meant for another
# registry, header injection through tokens, a Range that never advances,
# and escape sequences in registry text.  Every attack must fail to reach
# the user's secrets, the wire or the terminal.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry jq curl python3 node

start_registry hostile
build_formats
src="oci:$T_TMP/src-image"
run "$WASMPACK" push "$src" "$REG/seed/app:v1"
check_eq "the image is seeded into the registry" 0 "$T_RC"
export DOCKER_CONFIG="$T_TMP/docker" HOME="$T_TMP/home" WASMPACK_RETRIES=1
mkdir -p "$HOME" "$DOCKER_CONFIG"
unset WASMPACK_REGISTRY WASMPACK_REGISTRY_USERNAME WASMPACK_REGISTRY_PASSWORD

# proxy NAME ENV...: start a hostile proxy; sets P (its 127.0.0.1 origin)
# and PLOG (its request log)
proxy() {
	local name=$1
	shift
	PLOG="$T_TMP/$name.log"
	start_bg "$PLOG" env "$@" node "$E2E_LIB/hostile-proxy.js" "$T_TMP/$name.port" "${REG#*:}"
	wait_file "$T_TMP/$name.port"
	P="127.0.0.1:$(cat "$T_TMP/$name.port")"
}
creds() { env WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=s3cret "$@"; }

# 1. a blob redirected to another origin that answers 401 with a realm of
# its own: that realm never receives the registry's credentials
proxy cdn BASIC=alice:s3cret MODES=cdn401
run creds env WASMPACK_REGISTRY="$P" "$WASMPACK" pull "$P/seed/app:v1" -o "oci:$T_TMP/cdn"
check_eq "a challenge from another origin: the pull fails" 1 "$T_RC"
check_eq "the other origin's realm received no request (no credentials)" 0 "$(grep -c '/evil/token' "$PLOG")"
check "the registry itself did get the credentials" grep -q '^registry auth=present GET /v2/seed/app/manifests/v1' "$PLOG"
check "the failed pull wrote nothing" test ! -e "$T_TMP/cdn"

# 2. upload Locations on another origin get no Authorization
proxy offsite BASIC=alice:s3cret MODES=offsite
run creds "$WASMPACK" push "$src" "$P/offsite/app:v1"
check_eq "an upload Location on another origin: the push completes" 0 "$T_RC"
check "the uploads did go to the other origin" grep -q '^other auth=absent PUT /offsite/' "$PLOG"
check_eq "no request to the other origin carried Authorization" 0 "$(grep -c '^other auth=present' "$PLOG")"

# 3. WASMPACK_REGISTRY_USERNAME/_PASSWORD belong to one registry: the push
# target, or the one WASMPACK_REGISTRY names
proxy bound BASIC=alice:s3cret
run creds "$WASMPACK" pull "$P/seed/app:v1" -o "oci:$T_TMP/bound"
check_eq "pull without WASMPACK_REGISTRY: the variables are not sent (401)" 1 "$T_RC"
check_eq "the registry of a pulled image never saw the credentials" 0 "$(grep -c '^registry auth=present' "$PLOG")"
run creds env WASMPACK_REGISTRY="http://$P/" "$WASMPACK" pull "$P/seed/app:v1" -o "oci:$T_TMP/bound"
check_eq "pull with WASMPACK_REGISTRY naming it: the credentials are used" 0 "$T_RC"
run creds "$WASMPACK" push "$src" "$P/bound/app:v1"
check_eq "push without WASMPACK_REGISTRY: the push target gets them" 0 "$T_RC"
run creds env WASMPACK_REGISTRY=ghcr.io "$WASMPACK" push "$src" "$P/bound/app:v2"
check_match "push while WASMPACK_REGISTRY names another registry: not sent (401)" "401 UNAUTHORIZED" "$T_ERR"

# 5. control characters in a token or credential never become headers
proxy inject
printf '{"auths":{"%s":{"registrytoken":"t0k\\r\\nX-Injected: yes"}}}' "$P" >"$DOCKER_CONFIG/config.json"
expect_error "CR/LF in a registry token: one error line naming it" 1 \
	"^wasmpack: pull $P/seed/app: credentials: the registry token from .*config\.json holds a control character$" \
	"$WASMPACK" pull "$P/seed/app:v1" -o "oci:$T_TMP/inject"
check_eq "no injected header reached the registry" 0 "$(grep -c ' injected$' "$PLOG")"
rm -f "$DOCKER_CONFIG/config.json"
expect_error "a newline in WASMPACK_REGISTRY_PASSWORD: one error line naming it" 1 \
	"^wasmpack: push $P/inject/app: credentials: the password from WASMPACK_REGISTRY_USERNAME/PASSWORD holds a control character$" \
	env WASMPACK_REGISTRY_USERNAME=alice WASMPACK_REGISTRY_PASSWORD=$'pw\nX-Injected: yes' "$WASMPACK" push "$src" "$P/inject/app:v1"

# 4. an Authorization value is bounded (256 KiB), with a clear error
python3 -c 'import json,sys; print(json.dumps({"auths": {sys.argv[1]: {"registrytoken": "t" * 300000}}}))' "$P" \
	>"$DOCKER_CONFIG/config.json"
expect_error "a 300 KB token: one error line naming the limit" 1 \
	"^wasmpack: pull $P/seed/app: the Authorization value is 300007 bytes, more than the 262144 allowed$" \
	"$WASMPACK" pull "$P/seed/app:v1" -o "oci:$T_TMP/huge"
check "the refused token never reached the registry" bash -c "! grep -q '^registry auth=present' '$PLOG'"
rm -f "$DOCKER_CONFIG/config.json"

# 12. a chunked upload whose Range never advances ends with an error
python3 "$E2E_LIB/gen-wasm.py" 300000 "$T_TMP/big.wasm" 3
"$WASMPACK" build --wasm "$T_TMP/big.wasm" -o "oci:$T_TMP/src-big" >/dev/null 2>&1
proxy stuck MODES=stuck-range
run env WASMPACK_UPLOAD_CHUNK=65536 timeout 30 "$WASMPACK" push "oci:$T_TMP/src-big" "$P/stuck/app:v1"
check_eq "a Range that never advances: exit 1, no endless loop" 1 "$T_RC"
check_match "the last line names the stuck Range" \
	"wasmpack: push $P/stuck/app: the registry's upload Range stays at 1 of [0-9]+ bytes after 5 chunks$" "$T_ERR"
check_eq "it gave up after a bounded number of chunks" 6 "$(grep -c '^registry auth=absent PATCH' "$PLOG")"

# 7. login writes through a symlinked config.json (as docker does),
# keeping the target's mode and the other settings
mkdir -p "$T_TMP/dotfiles"
printf '{"psFormat":"table"}' >"$T_TMP/dotfiles/docker.json"
chmod 0640 "$T_TMP/dotfiles/docker.json"
ln -s "$T_TMP/dotfiles/docker.json" "$DOCKER_CONFIG/config.json"
run sh -c "printf 'pw\n' | '$WASMPACK' login '$REG' -u alice --password-stdin"
check_eq "login through a symlinked config.json succeeds" 0 "$T_RC"
check "config.json is still the symlink" test -L "$DOCKER_CONFIG/config.json"
check_eq "its target holds the new credentials and the old settings, mode kept" "table $(printf 'alice:pw' | base64) 640" \
	"$(jq -r '.psFormat + " " + .auths["'"$REG"'"].auth' "$T_TMP/dotfiles/docker.json") $(stat -c %a "$T_TMP/dotfiles/docker.json")"
check "no temporary file is left next to the target" test "$(ls "$T_TMP/dotfiles")" = docker.json
rm -f "$DOCKER_CONFIG/config.json"

# 16. registry and image text reaches the terminal with its control
# characters written out, never as escape sequences
proxy warn MODES=warn-escape
run "$WASMPACK" pull "$P/seed/app:v1" -o "oci:$T_TMP/warned"
check_eq "a registry Warning with escape sequences: the pull succeeds" 0 "$T_RC"
check_eq "the warning is shown with its escapes written out" \
	"wasmpack: pull $P/seed/app: registry warning: \"\\x1b]0;pwned\\x07\\x1b[2Jscreen wiped\"" \
	"$(grep 'registry warning' <<<"$T_ERR")"
check "no escape character reached stderr" bash -c '! grep -q $'"'"'\x1b'"'"' <<<"$1"' _ "$T_ERR"
"$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --annotation $'org.example.note=\e]0;pwned\a\e[2Jhi' \
	-o "oci:$T_TMP/annotated" >/dev/null 2>&1
run "$WASMPACK" inspect "oci:$T_TMP/annotated"
check_eq "inspect writes an annotation's escapes out" 'org.example.note=\x1b]0;pwned\x07\x1b[2Jhi' \
	"$(grep -o 'org.example.note=.*' <<<"$T_OUT" | sed 's/^ *//')"
check "no escape character reached stdout" bash -c '! grep -q $'"'"'\x1b'"'"' <<<"$1"' _ "$T_OUT"
run "$WASMPACK" pull "$P/seed/app:v1"$'\e[2J' -o "oci:$T_TMP/badref"
check_match "an error quoting a hostile reference writes its escapes out" '\\x1b\[2J' "$T_ERR"
check "no escape character in the error line" bash -c '! grep -q $'"'"'\x1b'"'"' <<<"$1"' _ "$T_ERR"
