#!/usr/bin/env bash
# The action's build step (action.yml): the INPUT_* variables become
# `wasmpack build` options; the --json summary gives the step's outputs
# (digest, imageid, metadata) in $GITHUB_OUTPUT, named and shaped as
# docker/build-push-action's.  Runs with the GitHub environment
# (GITHUB_OUTPUT, GITHUB_REPOSITORY, GITHUB_REPOSITORY_OWNER,
# GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, RUNNER_TEMP).
#
# Secrets: the registry token is masked (::add-mask::), given to
# `wasmpack login` on stdin only and only when something goes to ghcr.io,
# into a docker config of this step's own (a copy of the user's, removed
# at the end); the signing key's PEM is written to a 0600 file under
# $RUNNER_TEMP, removed at the end.  Neither is ever in an argument or
# in the environment of `wasmpack build`.
set -euo pipefail
wp=${WASMPACK:-wasmpack}
# the registry the token is for; tests point it at a local registry
ghcr=${WASMPACK_ACTION_GHCR:-ghcr.io}
token=${INPUT_REGISTRY_TOKEN:-}
user=${INPUT_REGISTRY_USERNAME:-${GITHUB_ACTOR:-}}
key_pem=${INPUT_SIGN_KEY:-}
unset INPUT_REGISTRY_TOKEN INPUT_SIGN_KEY GITHUB_TOKEN
[ -n "$token" ] && echo "::add-mask::$token"
tmp=$(mktemp -d "${RUNNER_TEMP:-/tmp}/wasmpack-action.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"

args=(build)
read -r -a paths <<<"${INPUT_PATH:-.}"
args+=("${paths[@]}")
IFS=$',\n' read -r -d '' -a tags <<<"${INPUT_TAGS:-}" || true
targets=()
for t in "${tags[@]}"; do
	t=$(echo "$t" | xargs)
	[ -n "$t" ] && args+=(-t "$t") && targets+=("$t")
done
if [ "${INPUT_PUSH:-true}" = true ]; then
	args+=(--push)
	repo=${INPUT_REPO:-}
	if [ -z "$repo" ] && [ -n "${GITHUB_REPOSITORY_OWNER:-}" ]; then
		repo="ghcr.io/$(tr '[:upper:]' '[:lower:]' <<<"$GITHUB_REPOSITORY_OWNER")"
	fi
	[ -n "$repo" ] && export WASMPACK_REPO="$repo" && targets+=("$repo/")
else
	args+=(-o "oci:${RUNNER_TEMP:-/tmp}/wasmpack-out")
fi
[ -n "${INPUT_FORMAT:-}" ] && args+=(--format "$INPUT_FORMAT")
[ -n "${INPUT_PLATFORM:-}" ] && args+=(--platform "$INPUT_PLATFORM")
[ -n "${INPUT_JOBS:-}" ] && args+=(-j "$INPUT_JOBS")
[ -n "${INPUT_SBOM:-}" ] && args+=(--sbom "$INPUT_SBOM")

# the registry cache; read-only for pull requests from forks, whose code
# must not write what the default branch's builds read
if [ -n "${INPUT_CACHE_REPO:-}" ]; then
	args+=(--cache-repo "$INPUT_CACHE_REPO")
	targets+=("$INPUT_CACHE_REPO/")
	ro=${INPUT_CACHE_REPO_READONLY:-auto}
	if [ "$ro" = auto ]; then
		ro=false
		case "${GITHUB_EVENT_NAME:-}" in
		pull_request | pull_request_target)
			head=$(jq -r '.pull_request.head.repo.full_name // ""' "${GITHUB_EVENT_PATH:?}")
			if [ "$head" != "${GITHUB_REPOSITORY:-}" ]; then
				ro=true
				echo "wasmpack: pull request from ${head:-a deleted fork}: the registry cache is read-only" >&2
			fi
			;;
		esac
	fi
	case "$ro" in
	true) args+=(--cache-repo-readonly) ;;
	false) ;;
	*)
		echo "wasmpack: cache-repo-readonly must be auto, true or false, not '$ro'" >&2
		exit 2
		;;
	esac
fi

# the signing key: its PEM content from a secret, to a file only this user reads
if [ -n "$key_pem" ]; then
	(umask 077 && printf '%s\n' "$key_pem" >"$tmp/sign-key.pem")
	args+=(--sign --key "$tmp/sign-key.pem")
fi
[ -n "${INPUT_SIGN_KEY_PASSWORD:-}" ] && echo "::add-mask::$INPUT_SIGN_KEY_PASSWORD" &&
	export COSIGN_PASSWORD="$INPUT_SIGN_KEY_PASSWORD"
unset INPUT_SIGN_KEY_PASSWORD

extra=()
if [ -n "${INPUT_BUILD_ARGS:-}" ]; then
	read -r -a extra <<<"$INPUT_BUILD_ARGS"
	args+=("${extra[@]}")
fi
args+=(--json)

# log in to GHCR with the workflow's token, only when something goes
# there (the images, or the registry cache even without push)
to_ghcr=false
for t in "${targets[@]+"${targets[@]}"}"; do
	[[ "$t" == "$ghcr/"* ]] && to_ghcr=true
done
if [ -n "$token" ] && [ "$to_ghcr" = true ]; then
	# the user's other logins stay visible; this one ends with the step
	conf=${DOCKER_CONFIG:-${HOME:-/root}/.docker}
	mkdir -m 700 "$tmp/docker"
	if [ -f "$conf/config.json" ]; then
		jq --arg h "$ghcr" 'del(.credHelpers[$h]?)' "$conf/config.json" >"$tmp/docker/config.json"
	fi
	export DOCKER_CONFIG="$tmp/docker"
	login=(login "$ghcr" -u "${user:-github-actions}" --password-stdin)
	for ((i = 0; i < ${#extra[@]}; i++)); do
		case "${extra[i]}" in
		--insecure | --ca-file=*) login+=("${extra[i]}") ;;
		--ca-file) login+=(--ca-file "${extra[i + 1]:-}") ;;
		esac
	done
	printf '%s' "$token" | "$wp" "${login[@]}" >&2
fi
unset token

echo "wasmpack ${args[*]}" >&2
rc=0
meta=$("$wp" "${args[@]}") || rc=$?
if [ -z "$meta" ]; then
	exit "$rc"
fi
# docker/build-push-action's names: digest (the manifest's), imageid (the
# config's), metadata (buildx's keys beside wasmpack's summary); with
# several projects the first image built and the array of summaries
jq -e 'type == "array" or type == "object"' <<<"$meta" >/dev/null
first='if type == "array" then (map(select(.digest)) | .[0] // {}) else . end'
digest=$(jq -r "$first | .digest // \"\"" <<<"$meta")
imageid=$(jq -r "$first | .config.digest // \"\"" <<<"$meta")
metadata=$(jq -c 'def bx: if .digest then . + {"containerimage.digest": .digest,
	"containerimage.config.digest": .config.digest,
	"image.name": ([.references[]? | select(test("@sha256:") | not)] | join(","))} else . end;
	if type == "array" then map(bx) else bx end' <<<"$meta")
{
	echo "digest=$digest"
	echo "imageid=$imageid"
	echo "metadata=$metadata"
} >>"${GITHUB_OUTPUT:?}"
exit "$rc"
