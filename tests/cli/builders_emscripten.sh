#!/usr/bin/env bash
# The emscripten builder: the sample Makefile project (wasmpack.json forces
# the builder and sets name, args, env, labels), plain sources with
# --builder emscripten, and detection falling back to emscripten when no
# WASI clang is on PATH.
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"

if ! have emcc; then
	skip "builders_emscripten" "emcc is not installed (make deps installs emscripten)"
	exit 0
fi
cd "$T_TMP"

dir=$(sample emscripten)
if build_ok emscripten "$dir"; then
	runs_as emscripten "$T_TMP/emscripten.wasm" "FIB_SEP=," "0,1,1,2,3,5,8" 0 7
	runs_as "emscripten (bad count)" "$T_TMP/emscripten.wasm" "" "" 3 0
	check_match "emscripten: emcc ran with --oformat=wasm" "emcc .*-sSTANDALONE_WASM --oformat=wasm" "$B_ERR"
	cfg=$(image_config "$T_TMP/emscripten.oci")
	check_eq "wasmpack.json name -> entrypoint" '["/fib.wasm"]' "$(jq -c .config.Entrypoint <<<"$cfg")"
	check_eq "wasmpack.json args -> Cmd" '["10"]' "$(jq -c .config.Cmd <<<"$cfg")"
	check_eq "wasmpack.json env -> Env" '["FIB_SEP=,"]' "$(jq -c .config.Env <<<"$cfg")"
	check_eq "wasmpack.json labels -> Labels" "emscripten" "$(jq -r '.config.Labels["org.example.sample"]' <<<"$cfg")"
fi
# the command line wins over wasmpack.json
if build_ok emscripten-cli "$dir" --arg 5 --env FIB_SEP=/ --label org.example.sample=cli; then
	cfg=$(image_config "$T_TMP/emscripten-cli.oci")
	check_eq "--arg replaces wasmpack.json args" '["5"]' "$(jq -c .config.Cmd <<<"$cfg")"
	check_eq "--env overrides wasmpack.json env" '["FIB_SEP=/"]' "$(jq -c .config.Env <<<"$cfg")"
	check_eq "--label overrides wasmpack.json labels" "cli" "$(jq -r '.config.Labels["org.example.sample"]' <<<"$cfg")"
fi

# C++ exceptions: -fwasm-exceptions because the sources catch (--exceptions auto)
dir=$(sample cpp-exceptions)
if build_ok cpp-eh "$dir"; then
	runs_as "C++ exceptions through wasm exception handling" "$T_TMP/cpp-eh.wasm" "" \
		$'live guards at rethrow: 0\ncaught: bad input: abc\nlive guards after unwinding: 0' 2 abc
	check_match "C++ exceptions: the build names the runtimes that accept the module" \
		"C\+\+ exceptions are built with the WebAssembly exception-handling instructions .*wasmpack run, node/V8 and browsers run such modules" "$B_ERR"
fi
run "$WASMPACK" build "$dir" --dry-run
check_match "C++ exceptions: em++ compiles and links with -fwasm-exceptions" "em\+\+ .*-fwasm-exceptions.* -sSTANDALONE_WASM --oformat=wasm .*-fwasm-exceptions" "$T_OUT"
run "$WASMPACK" build "$dir" --exceptions none --dry-run
check "--exceptions none: no -fwasm-exceptions" sh -c "! grep -q -- -fwasm-exceptions <<'EOT'
$T_OUT
EOT"

dir=$(sample emscripten)
echo '/* a comment that happens to say catch */' >>"$dir/fib.c"
run "$WASMPACK" build "$dir" --dry-run
check "C sources saying catch: no -fwasm-exceptions (only C++ files count)" sh -c "! grep -q -- -fwasm-exceptions <<'EOT'
$T_OUT
EOT"

# plain sources, builder forced on the command line
dir=$(sample c-plain)
if build_ok em-plain "$dir" --builder emscripten; then
	runs_as "emscripten plain sources" "$T_TMP/em-plain.wasm" "GREETING=hey" "hey, Em!" 1 em
	run jq -r '.manifests[0].digest' "$T_TMP/em-plain.oci/index.json"
fi
# CMake through emcmake: the module is found by its magic whatever the name
if have cmake && build_ok em-cmake "$(sample c-cmake)" --builder emscripten; then
	runs_as "emscripten CMake project" "$T_TMP/em-cmake.wasm" "" "42" 0 6 x 7
	check_match "emscripten CMake: emcmake configured it" "emcmake|Emscripten|calc" "$B_ERR"
fi
run "$WASMPACK" build "$dir" --builder emscripten --dry-run
check_match "--dry-run with --builder emscripten: emcc -sSTANDALONE_WASM" "emcc -O2 .*-sSTANDALONE_WASM .*-sTOTAL_STACK=1048576 src/greet.c src/main.c -o " "$T_OUT"

# no WASI clang on PATH: detection picks emscripten
mkdir -p "$T_TMP/emonly"
for t in emcc em++ emar emranlib python3 node; do
	p=$(command -v "$t") && ln -sf "$p" "$T_TMP/emonly/$t"
done
run env PATH="$T_TMP/emonly" "$WASMPACK" detect "$dir"
check_match "without clang, c fails for want of a toolchain" "c +pass .*no toolchain: no WASI C toolchain" "$T_OUT"
check_match "without clang, emscripten is selected" "selected: emscripten" "$T_OUT"
exit $T_FAILED
