#!/usr/bin/env bash
# Detection (`wasmpack detect`, the order, --builder), wasmpack.json
# parsing and its errors, and what happens when nothing applies.
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"
cd "$T_TMP"

want() { # want SAMPLE BUILDER
	run "$WASMPACK" detect "$TESTDATA/$1" --json
	check_eq "detect $1 -> $2" "$2" "$(jq -r .selected <<<"$T_OUT")"
}
want c-plain c
want c-make c
want c-cmake c
want cpp cpp
want emscripten emscripten
want rust rust
want assemblyscript assemblyscript
want go go
want hello prebuilt

run "$WASMPACK" detect "$TESTDATA/c-cmake" --json
check_eq "detect --json: project facts from CMake project()" "calc 1.2.3" "$(jq -r '.name + " " + .version' <<<"$T_OUT")"
check_eq "detect --json lists every builder in order" "rust go tinygo assemblyscript cpp c emscripten prebuilt" \
	"$(jq -r '[.builders[].name] | join(" ")' <<<"$T_OUT")"
check_eq "detect --json: each verdict has a reason" "8" "$(jq '[.builders[] | select(.reason != null and .reason != "")] | length' <<<"$T_OUT")"
if have cargo || [ -x /usr/bin/cargo ]; then
	run "$WASMPACK" detect "$(sample rust)" --json
	check_eq "detect --json: Rust facts from cargo metadata" "rust-hello 0.3.1" "$(jq -r '.name + " " + .version' <<<"$T_OUT")"
	check_match "detect --json: the Rust toolchain" "^rustc [0-9.]+ \(wasm32-wasi" "$(jq -r .toolchain <<<"$T_OUT")"
fi
run "$WASMPACK" detect "$TESTDATA/c-plain"
check_eq "detect (text) exits 0" 0 "$T_RC"
check_match "detect (text): c passes with its toolchain" "c +pass  2 C and 0 C\+\+ source files .*; toolchain: clang" "$T_OUT"
check_match "detect (text): rust fails, saying why" "rust +fail  no Cargo.toml" "$T_OUT"
check_match "detect (text): the selected builder" "selected: c \(project c-plain\)" "$T_OUT"
run "$WASMPACK" help
check_match "help lists detect" "detect +Show which builder" "$T_OUT"

# a C file in a Rust crate does not make it a C project (order)
dir=$(sample rust)
echo 'int f(void){return 1;}' >"$dir/shim.c"
run "$WASMPACK" detect "$dir" --json
check_eq "rust comes before c in the order" "rust" "$(jq -r .selected <<<"$T_OUT")"

# nothing to build
mkdir -p "$T_TMP/empty"
echo "just text" >"$T_TMP/empty/README"
expect_error "nothing detected: exit 1, one line listing what was looked for" 1 \
	"^wasmpack: nothing to build in .*/empty: looked for Cargo.toml \(rust\), go.mod \(go, tinygo\), package.json depending on assemblyscript \(assemblyscript\), CMakeLists.txt, a Makefile or \*.c/\*.cpp in the directory or src/ \(cpp, c, emscripten\), exactly one .wasm \(prebuilt\)$" \
	"$WASMPACK" build "$T_TMP/empty" -o "oci:$T_TMP/none.oci"
check "nothing detected: no image" test ! -e "$T_TMP/none.oci"
run "$WASMPACK" detect "$T_TMP/empty"
check_eq "detect of nothing: exit 1" 1 "$T_RC"
check_match "detect of nothing: still lists the verdicts" "prebuilt +fail  no .wasm file" "$T_OUT"
check_match "detect of nothing: one error line" "^wasmpack: nothing to build in .*: looked for Cargo.toml" "$T_ERR"

# --builder
expect_error "unknown --builder: usage error" 2 "unknown --builder 'cobol' \(expected one of rust, go" \
	"$WASMPACK" build "$TESTDATA/c-plain" --builder cobol
expect_error "--builder with --wasm: usage error" 2 "--builder builds from source and cannot be used with --wasm" \
	"$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --builder c
expect_error "--builder c on a Rust crate: says there is nothing for it" 1 \
	"no CMakeLists.txt, Makefile or C/C\+\+ sources" "$WASMPACK" build "$(sample rust)" --builder c --dry-run
run "$WASMPACK" detect "$TESTDATA/c-plain" --builder emscripten --json
check_eq "detect --builder forces the selection" "emscripten" "$(jq -r .selected <<<"$T_OUT")"

# wasmpack.json
dir=$(sample c-plain)
printf '{\n  "builder": "c",\n  "args": ["a", }\n' >"$dir/wasmpack.json"
expect_error "malformed wasmpack.json: file, line and column" 1 "^wasmpack: .*/c-plain/wasmpack.json:3:[0-9]+: " \
	"$WASMPACK" build "$dir"
expect_error "malformed wasmpack.json: detect says so too" 1 "wasmpack.json:3:[0-9]+: " "$WASMPACK" detect "$dir"
echo '{"buildr": "c"}' >"$dir/wasmpack.json"
expect_error "wasmpack.json: an unknown key is an error" 1 'unknown key "buildr"' "$WASMPACK" build "$dir"
echo '{"args": "x"}' >"$dir/wasmpack.json"
expect_error "wasmpack.json: a wrong type is an error" 1 '"args" must be an array of strings' "$WASMPACK" build "$dir"
echo '{"builder": "fortran"}' >"$dir/wasmpack.json"
expect_error "wasmpack.json: an unknown builder is an error" 1 'unknown builder "fortran"' "$WASMPACK" build "$dir"
echo '[1]' >"$dir/wasmpack.json"
expect_error "wasmpack.json: not an object" 1 'the top level must be an object' "$WASMPACK" build "$dir"
printf '{"name": "Greeter App", "buildArgs": ["-DGREETING_UNUSED=1"], "env": ["GREETING=yo"]}' >"$dir/wasmpack.json"
if build_ok named "$dir"; then
	check_eq "wasmpack.json name -> title (sanitised)" "greeter-app" "$(annotation "$T_TMP/named.oci" org.opencontainers.image.title)"
	check_match "wasmpack.json buildArgs reach the compiler" "-DGREETING_UNUSED=1" "$("$WASMPACK" build "$dir" --dry-run 2>/dev/null)"
	check_eq "wasmpack.json env as a NAME=VALUE list" '["GREETING=yo"]' "$(image_config "$T_TMP/named.oci" | jq -c .config.Env)"
fi

# --dry-run --json
run "$WASMPACK" build "$TESTDATA/c-plain" --dry-run --json
# (two sources: two compiles, run side by side, and the link)
check_eq "--dry-run --json: builder and plan" "c 3" "$(jq -r '.builder + " " + (.plan | length | tostring)' <<<"$T_OUT")"
exit $T_FAILED
