#!/usr/bin/env bash
# The cpp builder: an iostream + STL program built with Debian's wasm32
# libc++ and -fno-exceptions, run under node's WASI; `throw` gets an
# explanation; a project with C and C++ sources links both.
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"

if [ ! -d /usr/lib/llvm-16/include/wasm32-wasi/c++/v1 ] && [ -z "${WASI_SDK_PATH:-}" ]; then
	skip "builders_cpp" "no wasm32 libc++ (make deps installs libc++-16-dev-wasm32 libc++abi-16-dev-wasm32)"
	exit 0
fi
cd "$T_TMP"

dir=$(sample cpp)
run "$WASMPACK" detect "$dir"
check_match "detect: cpp is selected for C++ sources" "selected: cpp" "$T_OUT"
if build_ok cpp "$dir"; then
	runs_as cpp "$T_TMP/cpp.wasm" "SEP= x" $'wasm x3\na x1\nb x1' 3 wasm b WASM a Wasm
	runs_as "cpp (default separator)" "$T_TMP/cpp.wasm" "" "one: 1" 1 one
	check_match "cpp: toolchain with libc++" "cpp builder \(clang [0-9.]+ \(wasi-libc, libc\+\+\)\)" "$B_ERR"
fi

# throw under -fno-exceptions: the compile fails and says why
cat >"$dir/boom.cpp" <<'CPP'
#include <stdexcept>
void boom() { throw std::runtime_error("no"); }
CPP
run "$WASMPACK" build "$dir" -o "oci:$T_TMP/boom.oci"
check_eq "throw: exit 1" 1 "$T_RC"
check_match "throw: the error names the command and explains -fno-exceptions" \
	"^wasmpack: build command failed .*clang.*boom.cpp.*-fno-exceptions because wasi-libc's libc\+\+abi has no exception support.*--builder emscripten" \
	"$(tail -n1 <<<"$T_ERR")"
check "throw: no image written" test ! -e "$T_TMP/boom.oci"

# C and C++ together: each compiled by its own driver, linked as C++
dir=$(sample cpp)
cat >"$dir/cfunc.c" <<'C'
int c_twice(int x) { return 2 * x; }
C
cat >"$dir/main.cpp" <<'CPP'
#include <iostream>
extern "C" int c_twice(int);
int main(int argc, char **) { std::cout << "twice " << c_twice(argc - 1) << '\n'; return 0; }
CPP
if build_ok mixed "$dir"; then
	runs_as "mixed C and C++" "$T_TMP/mixed.wasm" "" "twice 8" 0 a b c d
fi
exit $T_FAILED
