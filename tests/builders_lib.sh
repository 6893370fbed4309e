# Helpers for the builder tests (tests/cli/builders_*.sh), sourced after
# lib.sh.  Every test uses its own build cache, so builds really compile,
# and works on copies of the sample projects, so nothing is written into
# the checkout.

export WASMPACK_CACHE_DIR="$T_TMP/cache"

# sample NAME: a fresh copy of testdata/NAME; prints its path.
sample() {
	rm -rf "${T_TMP:?}/$1"
	cp -r "$TESTDATA/$1" "$T_TMP/$1"
	rm -rf "$T_TMP/$1/target" "$T_TMP/$1/node_modules"
	echo "$T_TMP/$1"
}

# build_ok NAME DIR [OPTION...]: `wasmpack build DIR -o oci:T_TMP/NAME.oci`
# must exit 0 and print one reference; the module lands in T_TMP/NAME.wasm
# and the build's stderr in B_ERR.
build_ok() {
	local name=$1 dir=$2
	shift 2
	rm -rf "$T_TMP/$name.oci"
	run "$WASMPACK" build "$dir" -o "oci:$T_TMP/$name.oci" "$@"
	B_ERR=$T_ERR
	if [ "$T_RC" -eq 0 ] && [[ "$T_OUT" =~ ^oci:.*@sha256:[0-9a-f]{64}$ ]]; then
		ok "$name: wasmpack build exits 0 with one reference"
		image_module "$T_TMP/$name.oci" "$T_TMP/$name.wasm"
		return 0
	fi
	not_ok "$name: wasmpack build exits 0 with one reference" "status: $T_RC" "stdout: $T_OUT" \
		"stderr: $(tail -n 20 <<<"$T_ERR")"
	return 1
}

# runs_as NAME MODULE ENV EXPECTED_STDOUT EXPECTED_STATUS ARG...: the module
# prints exactly EXPECTED_STDOUT and exits EXPECTED_STATUS both under node's
# WASI (an engine nobody here wrote) and under `wasmpack run`.
runs_as() {
	local name=$1 mod=$2 env=$3 out=$4 rc=$5 line engine
	local -a envargs=()
	shift 5
	while IFS= read -r line; do
		[ -n "$line" ] && envargs+=(--env "$line")
	done <<<"$env"
	for engine in node:wasi "wasmpack run"; do
		if [ "$engine" = node:wasi ]; then
			wasi_node "$mod" "$env" "$@"
		else
			run "$WASMPACK" run "${envargs[@]}" "$mod" -- "$@"
		fi
		if [ -z "$out" ]; then
			check "$name: no stdout under $engine" test -z "$T_OUT"
		else
			check_eq "$name: stdout under $engine" "$out" "$T_OUT"
		fi
		check_eq "$name: exit status under $engine" "$rc" "$T_RC"
	done
}

# annotation LAYOUT KEY: a manifest annotation of the layout's image.
annotation() {
	local man
	man=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
	jq -r --arg k "$2" '.annotations[$k] // ""' "$1/blobs/sha256/$man"
}

# image_config LAYOUT: the config JSON of the layout's image.
image_config() {
	local man cfg
	man=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2)
	cfg=$(jq -r '.config.digest' "$1/blobs/sha256/$man" | cut -d: -f2)
	cat "$1/blobs/sha256/$cfg"
}

# custom_sections MODULE: the names of its custom sections, space separated.
custom_sections() {
	"$WASMPACK" inspect "$1" --json | jq -r '[.sections[]? | select(.id == "custom") | .name] | join(" ")'
}
