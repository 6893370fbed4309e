#!/usr/bin/env bash
# The action's build step (action.yml): the INPUT_* variables become
# `wasmpack build` options; the --json summary gives the step's outputs
# (digest, imageid, metadata) in $GITHUB_OUTPUT.  Runs with the GitHub
# environment (GITHUB_OUTPUT, GITHUB_REPOSITORY_OWNER, RUNNER_TEMP).
set -euo pipefail
wp=${WASMPACK:-wasmpack}
args=(build)
read -r -a paths <<<"${INPUT_PATH:-.}"
args+=("${paths[@]}")
IFS=$',\n' read -r -d '' -a tags <<<"${INPUT_TAGS:-}" || true
for t in "${tags[@]}"; do
	t=$(echo "$t" | xargs)
	[ -n "$t" ] && args+=(-t "$t")
done
if [ "${INPUT_PUSH:-true}" = true ]; then
	args+=(--push)
	repo=${INPUT_REPO:-}
	if [ -z "$repo" ] && [ -n "${GITHUB_REPOSITORY_OWNER:-}" ]; then
		repo="ghcr.io/$(tr '[:upper:]' '[:lower:]' <<<"$GITHUB_REPOSITORY_OWNER")"
	fi
	[ -n "$repo" ] && export WASMPACK_REPO="$repo"
else
	args+=(-o "oci:${RUNNER_TEMP:-/tmp}/wasmpack-out")
fi
[ -n "${INPUT_FORMAT:-}" ] && args+=(--format "$INPUT_FORMAT")
[ -n "${INPUT_PLATFORM:-}" ] && args+=(--platform "$INPUT_PLATFORM")
[ -n "${INPUT_JOBS:-}" ] && args+=(-j "$INPUT_JOBS")
if [ -n "${INPUT_BUILD_ARGS:-}" ]; then
	read -r -a extra <<<"$INPUT_BUILD_ARGS"
	args+=("${extra[@]}")
fi
args+=(--json)
echo "wasmpack ${args[*]}" >&2
meta=$("$wp" "${args[@]}") || rc=$?
if [ -z "$meta" ]; then
	exit "${rc:-1}"
fi
digest=$(jq -r 'if type == "array" then (map(select(.ok)) | .[0].digest // "") else .digest end' <<<"$meta")
{
	echo "digest=$digest"
	echo "imageid=$digest"
	echo "metadata=$(jq -c . <<<"$meta")"
} >>"${GITHUB_OUTPUT:?}"
exit "${rc:-0}"
