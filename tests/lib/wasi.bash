# Helpers for the tests of `wasmpack run` (sourced after tests/lib.sh):
# compile the WASI test programs of testdata/wasi/ at test time with
# Debian's clang-16 + wasi-libc, and run a module under node's WASI.

WASI_SRC="$TESTDATA/wasi"
WASI_CACHE="${WASMPACK_BUILD:-$WASMPACK_ROOT/build}/wasi-testdata"
WASI_CC=${WASI_CC:-clang-16}

# Skip the whole test file (one SKIP line) when the toolchain is absent.
need_wasi_cc() {
	if ! have "$WASI_CC" || [ ! -f /usr/lib/wasm32-wasi/libc.a ]; then
		skip "$(basename "$0")" "$WASI_CC with wasi-libc is not installed"
		exit 0
	fi
}

# wasi_module NAME [CLANG FLAGS...]: compile testdata/wasi/NAME.c once per
# build directory and flags (-O2 unless the flags say otherwise) and print
# the module's path.  Parallel test files may compile the same program:
# each writes a private file and renames it into place.
wasi_module() {
	local name=$1 src out key tmp
	shift
	src="$WASI_SRC/$name.c"
	out="$WASI_CACHE/$name.wasm"
	if [ $# -gt 0 ]; then
		key=$(printf '%s ' "$@" | sha256sum | cut -c1-8)
		out="$WASI_CACHE/$name-$key.wasm"
	fi
	mkdir -p "$WASI_CACHE"
	if [ ! -s "$out" ] || [ "$src" -nt "$out" ] || [ "$WASI_SRC/wt.h" -nt "$out" ]; then
		tmp=$(mktemp "$WASI_CACHE/.$name.XXXXXX")
		if ! "$WASI_CC" --target=wasm32-wasi -O2 "$@" -I"$WASI_SRC" "$src" -o "$tmp" 2>"$tmp.log"; then
			cat "$tmp.log" >&2
			rm -f "$tmp" "$tmp.log"
			return 1
		fi
		rm -f "$tmp.log"
		mv -f "$tmp" "$out"
	fi
	echo "$out"
}

# node_wasi ARGS...: like `wasmpack run`, under node's built-in WASI.
# node 20 was seen to segfault at exit now and then after complete output
# (TOOLCHAINS.md): one retry for that status only.
node_wasi() {
	local rc
	node --no-warnings "$WASMPACK_ROOT/tests/lib/node-wasi.js" "$@"
	rc=$?
	if [ "$rc" -eq 139 ]; then
		node --no-warnings "$WASMPACK_ROOT/tests/lib/node-wasi.js" "$@"
		rc=$?
	fi
	return "$rc"
}

# wat_module NAME: assemble testdata/wasi/NAME.wat (with its names) once
# per build directory and print the module's path.
wat_module() {
	local src="$WASI_SRC/$1.wat" out="$WASI_CACHE/$1.wasm" tmp
	mkdir -p "$WASI_CACHE"
	if [ ! -s "$out" ] || [ "$src" -nt "$out" ]; then
		tmp=$(mktemp "$WASI_CACHE/.$1.XXXXXX")
		wat2wasm --debug-names "$src" -o "$tmp" || { rm -f "$tmp"; return 1; }
		mv -f "$tmp" "$out"
	fi
	echo "$out"
}
