#!/usr/bin/env bash
# Workspaces in `wasmpack build ./...` (issue 16): a Cargo workspace
# (testdata/rust-workspace: two binary crates and a library crate they
# share) and an npm workspace (testdata/npm-workspace: two AssemblyScript
# packages, dependencies hoisted to the root) beside a C project.  Each
# member that produces a module is its own project and image; the
# workspace roots and the library crate are not built; npm installs once
# at the root for both members; a change in the shared library crate
# rebuilds the binaries that use it (the cache key covers the workspace).
. "$(dirname "$0")/../lib.sh"
if ! have cargo && [ ! -x /usr/bin/cargo ]; then
	skip "build_workspaces" "cargo is not installed (make deps installs it)"
	exit 0
fi
if ! have npm || ! have node || ! have clang-16; then
	skip "build_workspaces" "node, npm or clang-16 is not installed (make deps installs them)"
	exit 0
fi

export WASMPACK_CACHE_DIR="$T_TMP/cache"
mono="$T_TMP/mono"
mkdir -p "$mono"
cp -r "$TESTDATA/rust-workspace" "$mono/rust"
cp -r "$TESTDATA/npm-workspace" "$mono/npm"
cp -r "$TESTDATA/c-plain" "$mono/c"
cd "$mono"

run "$WASMPACK" build ./... -o "oci:$T_TMP/out"
check_eq "every member that builds is a project; roots and the library crate are not" \
	"0 c npm/packages/one npm/packages/two rust/crates/hello-a rust/crates/hello-b" \
	"$T_RC $(cut -f1 <<<"$T_OUT" | tr '\n' ' ' | sed 's/ $//')"
[ "$T_RC" = 0 ] || printf '%s\n' "$T_ERR" | grep 'wasmpack:' | tail -5 | sed 's/^/#   /'
check_eq "images named after each member's package" "c ws-as-one ws-as-two ws-hello-a ws-hello-b" \
	"$(LC_ALL=C ls "$T_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
run "$WASMPACK" run "oci:$T_TMP/out/ws-hello-a"
check_eq "a Cargo member runs, with the library crate it depends on" "Hello, a, from a Cargo workspace!" "$T_OUT"
run "$WASMPACK" run "oci:$T_TMP/out/ws-hello-b"
check_eq "a Cargo member whose binary is under src/bin/ runs" "Hello, b, from a Cargo workspace!" "$T_OUT"
run env LANG=C "$WASMPACK" run "oci:$T_TMP/out/ws-as-two" -- x y
check_eq "an npm workspace member runs (asc from the root's node_modules)" $'X\nY' "$T_OUT"
run env LANG=C "$WASMPACK" run "oci:$T_TMP/out/ws-as-one" -- a b c
check_eq "the other npm member is its own program" "one: 3 argument(s)" "$T_OUT"
check "npm installed at the workspace's root only" bash -c \
	'test -d npm/node_modules/assemblyscript && test ! -e npm/packages/one/node_modules && test ! -e npm/packages/two/node_modules'

# the shared library crate changed: both binaries are compiled again
sed -i 's/Hello, /Howdy, /' rust/crates/greet/src/lib.rs
run "$WASMPACK" build ./c ./rust/... -o "oci:$T_TMP/out" -j 1
check_eq "builds start longest first (Rust before a plain C program); output stays in path order" \
	"./rust/crates/hello-a ./rust/crates/hello-b ./c | ./c ./rust/crates/hello-a ./rust/crates/hello-b" \
	"$(sed -n 's/^wasmpack: \(.*\): building$/\1/p' <<<"$T_ERR" | tr '\n' ' ')| $(cut -f1 <<<"$T_OUT" | tr '\n' ' ' | sed 's/ $//')"
check_eq "a change in a member's path dependency rebuilds the members (the key covers the workspace)" "2 1" \
	"$(grep -c 'wasmpack: built ws-hello-' <<<"$T_ERR") $(grep -c 'c: wasmpack: c: unchanged since the last build' <<<"$T_ERR")"
run "$WASMPACK" run "oci:$T_TMP/out/ws-hello-a"
check_eq "... and the image has the change" "Howdy, a, from a Cargo workspace!" "$T_OUT"
run "$WASMPACK" build ./rust/... -o "oci:$T_TMP/out"
check_eq "unchanged again: both members come from the build cache" 2 \
	"$(grep -c 'unchanged since the last build, compile skipped' <<<"$T_ERR")"

# the npm members again, from an empty build cache: one install for both
rm -rf npm/node_modules
run env WASMPACK_CACHE_DIR="$T_TMP/cache2" "$WASMPACK" build ./npm/... -o "oci:$T_TMP/out2" -j 2
check_eq "two npm members at once: one npm ci, the other finds node_modules up to date" "0 1" \
	"$T_RC $(grep -c 'node_modules is up to date with ../../package-lock.json' <<<"$T_ERR")"
exit $T_FAILED
