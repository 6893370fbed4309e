#!/usr/bin/env bash
# The GitHub Action (action.yml) cannot run here; what can be tested is:
# its YAML (a composite action whose steps run the repository's scripts,
# every input passed on, the outputs docker/build-push-action names), and
# scripts/action-build.sh run with the GitHub environment variables set:
# the inputs become wasmpack options, the outputs land in $GITHUB_OUTPUT.
. "$(dirname "$0")/../lib.sh"

if python3 -c 'import yaml' 2>/dev/null; then
	run python3 - "$WASMPACK_ROOT/action.yml" <<'PY'
import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
steps = a["runs"]["steps"]
print(a["runs"]["using"])
print(" ".join(sorted(a["outputs"])))
env = {}
for s in steps:
    env.update(s.get("env", {}))
missing = [i for i in a["inputs"] if "inputs.%s }}" % i not in str(env)]
print("unused inputs: %s" % (" ".join(missing) or "none"))
print(all(s.get("shell") == "bash" for s in steps if "run" in s))
want = "path tags push format platform sbom sign-key cache-repo registry-token".split()
print("missing inputs: %s" % (" ".join(i for i in want if i not in a["inputs"]) or "none"))
print(a["inputs"]["registry-token"]["default"], a["inputs"]["registry-username"]["default"])
PY
	check_eq "action.yml: a composite action, the outputs, every input used, bash steps" \
		$'composite\ndigest imageid metadata\nunused inputs: none\nTrue' "$(head -4 <<<"$T_OUT")"
	check_eq "action.yml: the inputs mirroring the CLI; the token and user default to the workflow's" \
		$'missing inputs: none\n${{ github.token }} ${{ github.actor }}' "$(tail -2 <<<"$T_OUT")"
else
	skip "action.yml YAML" "python3-yaml is not installed"
fi
check "the action's scripts parse" bash -n "$WASMPACK_ROOT/scripts/action-build.sh" "$WASMPACK_ROOT/scripts/action-install.sh"

# action-build.sh with push: false, a prebuilt project, a label through build-args
cp -r "$TESTDATA/c-plain" "$T_TMP/proj"
export WASMPACK_CACHE_DIR="$T_TMP/cache"
out="$T_TMP/github_output"
: >"$out"
run env GITHUB_OUTPUT="$out" RUNNER_TEMP="$T_TMP" WASMPACK="$WASMPACK" INPUT_PATH="$T_TMP/proj" INPUT_PUSH=false \
	INPUT_TAGS="v1, v2" INPUT_FORMAT=image INPUT_PLATFORM=wasi/wasm INPUT_BUILD_ARGS="--label org.example.ci=yes" \
	bash "$WASMPACK_ROOT/scripts/action-build.sh"
check_eq "action-build.sh exits 0" 0 "$T_RC"
digest=$(sed -n 's/^digest=//p' "$out")
check_match "outputs: digest" "^sha256:[0-9a-f]{64}$" "$digest"
check_eq "outputs: imageid is the config digest (docker's image ID)" \
	"$(jq -r .config.digest "$T_TMP/wasmpack-out/blobs/sha256/${digest#sha256:}")" "$(sed -n 's/^imageid=//p' "$out")"
meta=$(sed -n 's/^metadata=//p' "$out")
check_eq "outputs: metadata is the --json summary on one line" "$digest 1" \
	"$(jq -r '.digest' <<<"$meta") $(grep -c '^metadata=' "$out")"
check_eq "the image went to \$RUNNER_TEMP/wasmpack-out with both tags and the label (beside its attestations' sha256- tag)" "v1 v2 yes" \
	"$(jq -r '[.manifests[].annotations["org.opencontainers.image.ref.name"] | select(startswith("sha256-") | not)] | sort | join(" ")' "$T_TMP/wasmpack-out/index.json") $(jq -r '.annotations["org.example.ci"]' "$T_TMP/wasmpack-out/blobs/sha256/${digest#sha256:}")"
check_match "the command is logged" "wasmpack build $T_TMP/proj -t v1 -t v2 -o oci:$T_TMP/wasmpack-out --format image --platform wasi/wasm --label org.example.ci=yes --json" "$T_ERR"

# a failing build: its status, no outputs
: >"$out"
mkdir -p "$T_TMP/empty"
run env GITHUB_OUTPUT="$out" RUNNER_TEMP="$T_TMP" WASMPACK="$WASMPACK" INPUT_PATH="$T_TMP/empty" INPUT_PUSH=false \
	bash "$WASMPACK_ROOT/scripts/action-build.sh"
check_eq "a failed build fails the step and writes no outputs" "1 0" "$T_RC $(wc -c <"$out")"
