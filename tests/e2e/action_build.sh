#!/usr/bin/env bash
# The GitHub Action's build step (scripts/action-build.sh) against a real
# registry (TLS with a test CA, htpasswd auth, standing in for ghcr.io
# through WASMPACK_ACTION_GHCR), run with the GitHub environment set
# (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH,
# GITHUB_REPOSITORY, GITHUB_ACTOR, RUNNER_TEMP): the registry token logs
# in (masked, on stdin only, never left on disk, only for that registry),
# sign-key signs (its PEM in a 0600 file, removed after), sbom picks the
# SBOM, cache-repo fills the registry cache and is read-only for a pull
# request from a fork; the outputs are docker/build-push-action's, for
# one project and for DIR/...
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry jq curl python3 openssl htpasswd clang-16

PW='ghs_Fake-Action-Token-42'
KEYPW='key-Pa55-w0rd'
make_ca "$T_TMP/ca"
htpasswd -Bbn octocat "$PW" >"$T_TMP/htpasswd"
start_registry gh "$T_TMP/ca/server.crt" "$T_TMP/ca/server.key" \
	"auth: {htpasswd: {realm: basic-realm, path: $T_TMP/htpasswd}}"
CA="$T_TMP/ca/ca.crt"
export HOME="$T_TMP/home" XDG_RUNTIME_DIR="$T_TMP/run" WASMPACK_CACHE_DIR="$T_TMP/cache1"
unset DOCKER_CONFIG WASMPACK_REGISTRY WASMPACK_REGISTRY_USERNAME WASMPACK_REGISTRY_PASSWORD WASMPACK_REPO \
	WASMPACK_CACHE_REPO GITHUB_TOKEN COSIGN_PASSWORD
mkdir -p "$HOME" "$T_TMP/runner" "$T_TMP/bin"
cp -r "$TESTDATA/c-plain" "$T_TMP/app"
mkdir -p "$T_TMP/mono" && cp -r "$TESTDATA/c-plain" "$T_TMP/mono/one" && cp -r "$TESTDATA/c-plain" "$T_TMP/mono/two"
sed -i 's/%s, %c%s!/%s, %c%s!?/' "$T_TMP/mono/two/src/greet.c"
(cd "$T_TMP" && COSIGN_PASSWORD=$KEYPW "$WASMPACK" generate-key --output-key-prefix sig 2>/dev/null)

# WASMPACK is a wrapper that records each call: its arguments, whether the
# token or the key is in its environment, the mode of the --key file
cat >"$T_TMP/bin/wp" <<WRAP
#!/usr/bin/env bash
{
	printf 'argv:'; printf ' %s' "\$@"; echo
	env | grep -q -e "$PW" -e "BEGIN ENCRYPTED" && echo "secret in environment"
	for ((i = 1; i <= \$#; i++)); do
		[ "\${!i}" = --key ] && j=\$((i + 1)) && echo "key mode \$(stat -c %a "\${!j}")"
	done
} >>"$T_TMP/calls"
exec "$WASMPACK" "\$@"
WRAP
chmod +x "$T_TMP/bin/wp"

event="$T_TMP/event.json"
echo '{}' >"$event"
# step NAME=VALUE...: the build step with the GitHub environment; inputs as
# NAME=VALUE (INPUT_*); T_OUT, T_ERR, T_RC as run sets them
step() {
	: >"$T_TMP/github_output"
	: >"$T_TMP/calls"
	run env GITHUB_OUTPUT="$T_TMP/github_output" GITHUB_ENV="$T_TMP/github_env" GITHUB_EVENT_NAME=push \
		GITHUB_EVENT_PATH="$event" GITHUB_REPOSITORY=owner/repo GITHUB_REPOSITORY_OWNER=Owner \
		GITHUB_ACTOR=octocat RUNNER_TEMP="$T_TMP/runner" WASMPACK="$T_TMP/bin/wp" WASMPACK_ACTION_GHCR="$REG" \
		INPUT_REPO="$REG/owner" INPUT_REGISTRY_TOKEN="$PW" INPUT_REGISTRY_USERNAME=octocat \
		INPUT_BUILD_ARGS="--ca-file $CA" "$@" bash "$WASMPACK_ROOT/scripts/action-build.sh"
}
output() { sed -n "s/^$1=//p" "$T_TMP/github_output"; }
curl_reg() { curl -s --cacert "$CA" -u "octocat:$PW" "$@"; }

# --- one project: login, sbom, sign-key, cache-repo, the outputs ---
step INPUT_PATH="$T_TMP/app" INPUT_TAGS=v1 INPUT_SBOM=cyclonedx INPUT_SIGN_KEY="$(cat "$T_TMP/sig.key")" \
	INPUT_SIGN_KEY_PASSWORD="$KEYPW" INPUT_CACHE_REPO="$REG/owner/cache"
check_eq "the step succeeds" 0 "$T_RC"
[ "$T_RC" = 0 ] || printf '%s\n' "$T_ERR" | tail -5 | sed 's/^/#   /'
check_eq "the token and the key's password are masked (::add-mask::)" "::add-mask::$PW ::add-mask::$KEYPW" \
	"$(grep '^::add-mask::' <<<"$T_OUT" | tr '\n' ' ' | sed 's/ $//')"
check_eq "no secret anywhere else in the step's output" 2 "$(grep -c -e "$PW" -e "$KEYPW" <<<"$T_OUT$T_ERR")"
check_match "wasmpack login to the GHCR registry as the actor, the token on stdin" \
	"^argv: login $REG -u octocat --password-stdin --ca-file $CA" "$(head -1 "$T_TMP/calls")"
check "the token is never an argument nor in wasmpack's environment" \
	bash -c '! grep -q -e "$1" -e "secret in environment" "$2"' _ "$PW" "$T_TMP/calls"
check_match "sign-key: --sign --key a file of the step's" "argv: build .* --sign --key $T_TMP/runner/wasmpack-action\.[^/]+/sign-key\.pem" \
	"$(cat "$T_TMP/calls")"
check_eq "the key file is readable by its owner only" "key mode 600" "$(grep '^key mode' "$T_TMP/calls")"
check_eq "nothing of the step is left under \$RUNNER_TEMP (key, docker config)" "none" "$(ls "$T_TMP/runner")none"
check "the login is not left in the user's docker config" test ! -e "$HOME/.docker/config.json"
check_match "cache-repo: the result is pushed to the registry cache" "build result pushed to the registry cache $REG/owner/cache:" "$T_ERR"
manifest=$(curl_reg -H "Accept: application/vnd.oci.image.manifest.v1+json" "https://$REG/v2/owner/app/manifests/v1")
digest=$(output digest)
check_eq "output digest: the manifest digest the registry serves" "sha256:$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)" "$digest"
check_eq "output imageid: the config digest (docker's image ID)" "$(jq -r .config.digest <<<"$manifest")" "$(output imageid)"
meta=$(output metadata)
check_eq "output metadata: wasmpack's summary with buildx's keys" "$digest $(output imageid) $REG/owner/app:v1 true" \
	"$(jq -r '[.["containerimage.digest"], .["containerimage.config.digest"], .["image.name"], .pushed] | join(" ")' <<<"$meta")"
export WASMPACK_REGISTRY="$REG" WASMPACK_REGISTRY_USERNAME=octocat WASMPACK_REGISTRY_PASSWORD="$PW"
run "$WASMPACK" verify "$REG/owner/app:v1" --key "$T_TMP/sig.pub" --ca-file "$CA"
check_eq "sign-key: the pushed image verifies with the public key" 0 "$T_RC"
run "$WASMPACK" sbom "$REG/owner/app:v1" --format cyclonedx --ca-file "$CA"
check_eq "sbom: the CycloneDX SBOM is attached" CycloneDX "$(jq -r .bomFormat <<<"$T_OUT")"
unset WASMPACK_REGISTRY WASMPACK_REGISTRY_USERNAME WASMPACK_REGISTRY_PASSWORD

# --- a pull request from a fork: the registry cache is read-only ---
tags_before=$(curl_reg "https://$REG/v2/owner/cache/tags/list" | jq -c '.tags | sort')
echo '{"pull_request": {"head": {"repo": {"full_name": "fork/repo"}}}}' >"$event"
sed -i 's/%s, %c%s!/%s, %c%s!!/' "$T_TMP/app/src/greet.c"
step GITHUB_EVENT_NAME=pull_request INPUT_PATH="$T_TMP/app" INPUT_TAGS=pr INPUT_CACHE_REPO="$REG/owner/cache" \
	WASMPACK_CACHE_DIR="$T_TMP/cache2"
check_eq "a fork's pull request builds" 0 "$T_RC"
check_match "a fork's pull request: --cache-repo-readonly, said why" \
	"pull request from fork/repo: the registry cache is read-only" "$T_ERR"
check_match "a fork's pull request: the option is passed" "argv: build .*--cache-repo $REG/owner/cache --cache-repo-readonly" \
	"$(cat "$T_TMP/calls")"
check_eq "a fork's pull request writes nothing to the cache" "$tags_before" \
	"$(curl_reg "https://$REG/v2/owner/cache/tags/list" | jq -c '.tags | sort')"
echo '{"pull_request": {"head": {"repo": {"full_name": "owner/repo"}}}}' >"$event"
step GITHUB_EVENT_NAME=pull_request INPUT_PATH="$T_TMP/app" INPUT_TAGS=pr INPUT_CACHE_REPO="$REG/owner/cache" \
	WASMPACK_CACHE_DIR="$T_TMP/cache3"
check_match "a pull request from the repository itself fills the cache" "build result pushed to the registry cache" "$T_ERR"
check "... without --cache-repo-readonly" bash -c '! grep -q -- --cache-repo-readonly "$1"' _ "$T_TMP/calls"
step INPUT_PATH="$T_TMP/app" INPUT_CACHE_REPO="$REG/owner/cache" INPUT_CACHE_REPO_READONLY=maybe
check_eq "a bad cache-repo-readonly: exit 2, one line naming it" \
	"2 wasmpack: cache-repo-readonly must be auto, true or false, not 'maybe'" "$T_RC $(grep -v '^::' <<<"$T_ERR")"
echo '{}' >"$event"

# --- the token is only for the GHCR registry ---
step INPUT_PATH="$T_TMP/app" INPUT_PUSH=false
check_eq "push: false builds, logs in nowhere" "0 0" "$T_RC $(grep -c '^argv: login' "$T_TMP/calls")"
step INPUT_PATH="$T_TMP/app" INPUT_PUSH=false INPUT_CACHE_REPO="$REG/owner/cache" WASMPACK_CACHE_DIR="$T_TMP/cache4"
check_eq "push: false with a cache-repo there: the login, for the cache" "0 1" "$T_RC $(grep -c '^argv: login' "$T_TMP/calls")"
check_match "... and the build result comes from the registry cache" "build result pulled from the registry cache $REG/owner/cache:" "$T_ERR"
step INPUT_PATH="$T_TMP/app" WASMPACK_ACTION_GHCR=ghcr.io
check_eq "a push elsewhere than ghcr.io: no login with the token (and the registry refuses)" "1 0" \
	"$T_RC $(grep -c '^argv: login' "$T_TMP/calls")"
check_match "... the registry's refusal is the step's error" "401|authentication required" "$T_ERR"
step INPUT_PATH="$T_TMP/app" INPUT_REGISTRY_TOKEN=wrong-token
check_eq "a wrong token: the login fails the step, no outputs" "1 0" "$T_RC $(wc -c <"$T_TMP/github_output")"

# --- DIR/...: the first image's digest, the array of summaries ---
step INPUT_PATH="$T_TMP/mono/..." INPUT_TAGS=v2
check_eq "DIR/...: the step succeeds" 0 "$T_RC"
meta=$(output metadata)
check_eq "DIR/...: metadata is an array of both, each with buildx's keys" "2 2" \
	"$(jq -r '[length, ([.[] | select(.["containerimage.digest"] == .digest)] | length)] | join(" ")' <<<"$meta")"
one=$(curl_reg -H "Accept: application/vnd.oci.image.manifest.v1+json" "https://$REG/v2/owner/one/manifests/v2")
check_eq "DIR/...: digest and imageid are the first project's (path order)" \
	"sha256:$(printf '%s' "$one" | sha256sum | cut -d' ' -f1) $(jq -r .config.digest <<<"$one")" "$(output digest) $(output imageid)"
exit $T_FAILED
