#!/usr/bin/env bash
# The rust builder: the sample crate built with cargo for wasm32-wasi(p1),
# run under node's WASI; facts from cargo metadata; the debug strip; a
# crate with several binaries; a failed compile.
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"

if ! have cargo && [ ! -x /usr/bin/cargo ]; then
	skip "builders_rust" "cargo is not installed (make deps installs rustc cargo libstd-rust-dev-wasm32)"
	exit 0
fi
cd "$T_TMP"
export CARGO_HOME="$T_TMP/cargo-home" # no network, no user config

dir=$(sample rust)
if build_ok rust "$dir"; then
	runs_as rust "$T_TMP/rust.wasm" "WHO=crab" $'reversed: c b a\nwho: crab' 3 a b c
	runs_as "rust (no args)" "$T_TMP/rust.wasm" "" $'reversed: \nwho: nobody' 0
	check_eq "rust: title from cargo metadata" "rust-hello" "$(annotation "$T_TMP/rust.oci" org.opencontainers.image.title)"
	check_eq "rust: version from cargo metadata" "0.3.1" "$(annotation "$T_TMP/rust.oci" org.opencontainers.image.version)"
	check_match "rust: cargo built for a wasm32 WASI target" "rustc [0-9.]+ \(wasm32-wasi(p1)?\)" "$B_ERR"
	stripped=$(stat -c %s "$T_TMP/rust.wasm")
	check "rust: stripped module is well under 1 MB" test "$stripped" -lt 1000000
	check "rust: no name or DWARF section after the strip" \
		test -z "$(custom_sections "$T_TMP/rust.wasm" | tr ' ' '\n' | grep -E '^(name|\.debug_)')"
	first=$(command -v rustc || true)
	if [ -n "$first" ] && [ "$(readlink -f "$first")" != "$(readlink -f /usr/bin/rustc 2>/dev/null)" ] &&
		[ ! -d "$(rustc --print sysroot)/lib/rustlib/wasm32-wasip1" ] && [ ! -d "$(rustc --print sysroot)/lib/rustlib/wasm32-wasi" ]; then
		check_match "rust: a rustc without wasm32 std is passed over, with a note" \
			"has no wasm32 standard library \(add it with .rustup target add wasm32-wasip1.\); using /usr/bin/rustc" "$B_ERR"
	fi
fi
if build_ok rust-debug "$dir" --keep-debug --no-cache; then
	full=$(stat -c %s "$T_TMP/rust-debug.wasm")
	echo "# rust hello: $full bytes with debug info, ${stripped:-?} stripped"
	check "rust: --keep-debug keeps the DWARF (over 1 MB)" test "$full" -gt 1000000
	check_match "rust: --keep-debug keeps the name section" "(^| )name( |$)" "$(custom_sections "$T_TMP/rust-debug.wasm")"
fi

# several binaries: an error listing them, then --bin and wasmpack.json
mkdir -p "$dir/src/bin"
cat >"$dir/src/bin/other.rs" <<'RS'
fn main() { println!("other {}", std::env::args().count()); }
RS
run "$WASMPACK" build "$dir" -o "oci:$T_TMP/multi.oci"
check_eq "several binaries: exit 2" 2 "$T_RC"
check_match "several binaries: the error lists them" "defines 2 binaries \((other, rust-hello|rust-hello, other)\): choose one with --bin NAME" \
	"$(tail -n1 <<<"$T_ERR")"
if build_ok rust-bin "$dir" --bin other; then
	runs_as "rust --bin other" "$T_TMP/rust-bin.wasm" "" "other 3" 0 x y
fi
echo '{"bin": "rust-hello"}' >"$dir/wasmpack.json"
if build_ok rust-json-bin "$dir"; then
	runs_as "rust bin from wasmpack.json" "$T_TMP/rust-json-bin.wasm" "" $'reversed: y x\nwho: nobody' 2 x y
fi
run "$WASMPACK" build "$dir" --bin nosuch
check_match "--bin of an unknown binary: an error naming the ones there are" "no binary 'nosuch' .*it has: " "$(tail -n1 <<<"$T_ERR")"

# a compile error: exit 1, the cargo command named, no image
dir=$(sample rust)
echo 'fn broken( {' >>"$dir/src/main.rs"
run "$WASMPACK" build "$dir" -o "oci:$T_TMP/broken.oci"
check_eq "rust compile error: exit 1" 1 "$T_RC"
check_match "rust compile error: names the cargo command" "^wasmpack: build command failed \(exit status 101\): cd .* && RUSTC=.* .*cargo build --release --target wasm32-wasi" \
	"$(tail -n1 <<<"$T_ERR")"
check "rust compile error: no image" test ! -e "$T_TMP/broken.oci"

# vendored dependencies: the build goes --offline
dir=$(sample rust)
mkdir -p "$dir/vendor" "$dir/.cargo"
printf '[source.crates-io]\nreplace-with = "vendored-sources"\n[source.vendored-sources]\ndirectory = "vendor"\n' >"$dir/.cargo/config.toml"
run "$WASMPACK" build "$dir" --dry-run
check_match "vendored sources: cargo build --offline" "cargo build --release --target wasm32-wasi(p1)? --bin rust-hello --offline" "$T_OUT"
# under build ./... (WASMPACK_BUILD_JOBS), cargo gets the build's share of the cores
run env WASMPACK_BUILD_JOBS=1 "$WASMPACK" build "$dir" --dry-run
check_match "cores shared with other builds: cargo build -j1" "cargo build --release --target wasm32-wasi(p1)? --bin rust-hello -j1 --offline" "$T_OUT"
exit $T_FAILED
