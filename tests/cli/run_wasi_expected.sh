#!/usr/bin/env bash
# Every WASI function, under `wasmpack run`, against the expected output
# of each test program of testdata/wasi/ (NAME.c -> NAME.stdout), with a
# fresh preopened directory each.  These include what node's WASI cannot
# be compared on (symlinks, rights, EFAULT, wasi_unstable layouts, absolute
# deadlines and descriptor polling): run_wasi_node.sh covers the rest
# against node.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
need_wasi_cc

# expect NAME STATUS "CLANG FLAGS" [ARGS...]
expect() {
	local name=$1 status=$2 flags=$3 wasm out rc
	shift 3
	# shellcheck disable=SC2086 # the flags are words
	wasm=$(wasi_module "$name" $flags) || { not_ok "$name: compiles"; return; }
	rm -rf "$T_TMP/box" && mkdir "$T_TMP/box"
	out=$("$WASMPACK" run --dir "$T_TMP/box::/sandbox" --env HOME=/home/guest --env LANG=C \
		"$wasm" -- "$@" 2>"$T_TMP/err")
	rc=$?
	check_eq "$name: stdout as expected" "$(cat "$WASI_SRC/$name.stdout")" "$out"
	check_eq "$name: exit status" "$status" "$rc"
	check "$name: nothing on stderr" test ! -s "$T_TMP/err"
}

expect basics 7 "" 7 "two words"
expect files 0 ""
expect dirs 0 ""
expect symlinks 0 ""
expect rights 0 ""
expect poll 0 "" all
expect fault 0 ""
expect unstable 9 "-O0 -nostdlib -Wl,--no-entry -Wl,--export=_start" a
check "unstable.c cleaned up after itself" test -z "$(ls -A "$T_TMP/box")"

exit "$T_FAILED"
