#!/usr/bin/env bash
# The c builder on the three C project shapes (plain sources, a Makefile,
# CMake): each sample is built through `wasmpack build`, its module run
# under node's WASI, and the facts, strip, plan and failures checked.
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"

if ! have clang-16 && ! have clang; then
	skip "builders_c" "no clang (make deps installs clang-16 lld-16 llvm-16 wasi-libc libclang-rt-16-dev-wasm32)"
	exit 0
fi
cd "$T_TMP"

# --- plain sources in src/
dir=$(sample c-plain)
if build_ok c-plain "$dir"; then
	runs_as c-plain "$T_TMP/c-plain.wasm" "GREETING=hi" $'hi, Ada!\nhi, Bob!' 2 ada bob
	runs_as "c-plain (no env)" "$T_TMP/c-plain.wasm" "" "hello, World!" 1 world
	check_match "c-plain: the builder says what it built" "built c-plain with the c builder \(clang [0-9.]+" "$B_ERR"
	check_eq "c-plain: title annotation from the directory name" "c-plain" \
		"$(annotation "$T_TMP/c-plain.oci" org.opencontainers.image.title)"
	check "c-plain: debug sections stripped (no name section, no DWARF)" \
		test -z "$(custom_sections "$T_TMP/c-plain.wasm" | tr ' ' '\n' | grep -E '^(name|\.debug_)')"
	small=$(stat -c %s "$T_TMP/c-plain.wasm")
fi
if build_ok c-plain-debug "$dir" --keep-debug; then
	check_match "--keep-debug keeps DWARF" "\.debug_info" "$(custom_sections "$T_TMP/c-plain-debug.wasm")"
	check "stripped module is smaller than the one with debug info" \
		test "${small:-0}" -gt 0 -a "${small:-0}" -lt "$(stat -c %s "$T_TMP/c-plain-debug.wasm")"
fi

# --- several sources are compiled side by side (-j as the build's cores)
# and linked: the module is the one compiled one source at a time
if WASMPACK_BUILD_JOBS=1 build_ok c-plain-j1 "$dir" --no-cache && [ -f "$T_TMP/c-plain.wasm" ]; then
	check "several sources: the module built one compile at a time is the same" \
		cmp -s "$T_TMP/c-plain.wasm" "$T_TMP/c-plain-j1.wasm"
fi
# a source that does not compile among several: the compiler's message,
# one last line naming that command, no image; the others ran to the end
cp -r "$dir" "$T_TMP/c-broken"
printf 'int broken(void) { return missing_name; }\n' >"$T_TMP/c-broken/src/broken.c"
printf '#include <termios.h>\nint tty(void) { return 0; }\n' >"$T_TMP/c-broken/src/tty.c"
run "$WASMPACK" build "$T_TMP/c-broken" --no-cache -o "oci:$T_TMP/c-broken.oci"
check_eq "a broken source among several: exit 1" 1 "$T_RC"
check_match "a broken source among several: the last line names its compile" \
	"^wasmpack: build command failed \(exit status 1\): cd .* -c src/broken\.c -o " "$(tail -n1 <<<"$T_ERR")"
check_match "a broken source among several: the compiler's message is shown" "broken\.c:1:.*missing_name" "$T_ERR"
check "a broken source among several: no image" test ! -e "$T_TMP/c-broken.oci"
rm "$T_TMP/c-broken/src/broken.c"
# buildArgs may name another source (or link options): one compiler run
cp -r "$dir" "$T_TMP/c-args"
mkdir -p "$T_TMP/c-args/lib"
printf 'int extra(void) { return 0; }\n' >"$T_TMP/c-args/lib/extra.c"
printf 'int extra(void);\nint unused_by_main(void) { return extra(); }\n' >"$T_TMP/c-args/src/calls_extra.c"
printf '{"buildArgs": ["lib/extra.c", "-Wl,--export=unused_by_main"]}\n' >"$T_TMP/c-args/wasmpack.json"
build_ok c-args "$T_TMP/c-args" --no-cache
run "$WASMPACK" build "$T_TMP/c-broken" --no-cache -o "oci:$T_TMP/c-broken.oci"
check_eq "a header WASI lacks in one of several sources: the line names it and the file" \
	"wasmpack: termios.h is not available in WASI (wasi-libc): included from src/tty.c" "$(tail -n1 <<<"$T_ERR" | cut -d';' -f1)"

# --- a Makefile whose target has no .wasm suffix
dir=$(sample c-make)
if build_ok c-make "$dir"; then
	runs_as c-make "$T_TMP/c-make.wasm" "STATS_LABEL=nums" "nums: n=3 sum=16 max=9" 0 3 9 4
	runs_as "c-make (no numbers)" "$T_TMP/c-make.wasm" "" "" 1
	check_match "c-make: make ran with CC for wasm32-wasi" "clang[-0-9]* --target=wasm32-wasi" "$B_ERR"
	check "c-make: the project directory is left clean (no objects, no output)" \
		test ! -e "$dir/stats" -a ! -e "$dir/main.o"
fi

# several different modules -> an error listing them, no image
dir=$(sample c-make)
cat >"$dir/Makefile" <<'MK'
all: stats other
stats: main.o stats.o
	$(CC) $(LDFLAGS) -o $@ main.o stats.o
other: main.o stats.o
	$(CC) $(LDFLAGS) -Wl,--export=stats_sum -o $@ main.o stats.o
MK
run "$WASMPACK" build "$dir" -o "oci:$T_TMP/two.oci"
check_eq "two different modules: exit 1" 1 "$T_RC"
check_match "two different modules: the error lists both" "wrote 2 different modules \((other, stats|stats, other)\)" \
	"$(tail -n1 <<<"$T_ERR")"
check "two different modules: no image written" test ! -e "$T_TMP/two.oci"
echo '{"wasm": "other"}' >"$dir/wasmpack.json"
if build_ok picked "$dir"; then
	runs_as "wasmpack.json \"wasm\" picks the module" "$T_TMP/picked.wasm" "" "stats: n=1 sum=5 max=5" 0 5
fi

# --- CMake, configured out of tree with wasmpack's toolchain file
dir=$(sample c-cmake)
if have cmake && build_ok c-cmake "$dir"; then
	runs_as c-cmake "$T_TMP/c-cmake.wasm" "CALC_PREFIX== " "= 42" 0 6 x 7
	runs_as "c-cmake (bad expression)" "$T_TMP/c-cmake.wasm" "" "" 2 6 % 7
	check_eq "c-cmake: title from project()" "calc" "$(annotation "$T_TMP/c-cmake.oci" org.opencontainers.image.title)"
	check_eq "c-cmake: version from project(VERSION)" "1.2.3" \
		"$(annotation "$T_TMP/c-cmake.oci" org.opencontainers.image.version)"
	check "c-cmake: built out of tree (no build files in the project)" test ! -e "$dir/CMakeCache.txt" -a ! -e "$dir/build"
	check_eq "c-cmake: entrypoint named after the project" '["/calc.wasm"]' \
		"$(image_config "$T_TMP/c-cmake.oci" | jq -c .config.Entrypoint)"
elif ! have cmake; then
	skip "c-cmake" "cmake is not installed"
fi

# --- a failed compile: exit 1, the failing command shown, no image
dir=$(sample c-plain)
echo 'int broken( {' >>"$dir/src/greet.c"
run "$WASMPACK" build "$dir" -o "oci:$T_TMP/broken.oci"
check_eq "failed compile: exit 1" 1 "$T_RC"
check_match "failed compile: last line names the failing command" \
	"^wasmpack: build command failed \(exit status 1\): cd .* && .*clang.* src/greet.c" "$(tail -n1 <<<"$T_ERR")"
check_match "failed compile: compiler output on stderr" "error:" "$T_ERR"
check "failed compile: nothing on stdout" test -z "$T_OUT"
check "failed compile: no image written" test ! -e "$T_TMP/broken.oci"

# --- --dry-run prints the plan and builds nothing
dir=$(sample c-make)
run "$WASMPACK" build "$dir" --dry-run -o "oci:$T_TMP/dry.oci"
check_eq "--dry-run exits 0" 0 "$T_RC"
check_match "--dry-run prints the make command: the optimization in the environment, WASI's needs in CC" \
	"^cd .*src && CFLAGS=-O2 CXXFLAGS=-O2 PATH=[^ ]*/tools:[^ ]* make -j[0-9]+ 'CC=[^']*--target=wasm32-wasi[^']* -D_WASI_EMULATED_SIGNAL [^']*-Wl,-z,stack-size=1048576 " "$T_OUT"
check "--dry-run: CFLAGS and LDFLAGS are not on make's command line (the Makefile's stay)" \
	sh -c "! grep -q -e \"'CFLAGS=\" -e \"'LDFLAGS=\" -e ' LDFLAGS=' <<'EOT'
$T_OUT
EOT"
check "--dry-run writes no image" test ! -e "$T_TMP/dry.oci"
run "$WASMPACK" build "$dir" --dry-run --debug
check_match "--debug builds without optimisation, with -g" "CFLAGS='-O0 -g' CXXFLAGS='-O0 -g' PATH=[^ ]*/tools:[^ ]* make " "$T_OUT"

# --- --optimize: wasm-opt when installed, else a note
dir=$(sample c-plain)
if have wasm-opt; then
	if build_ok opt "$dir" --optimize; then
		check_match "--optimize reports the sizes" "wasm-opt -O2: [0-9]+ -> [0-9]+ bytes" "$B_ERR"
		runs_as "optimized module still works" "$T_TMP/opt.wasm" "" "hello, Opt!" 1 opt
	fi
else
	skip "--optimize with wasm-opt" "binaryen is not installed"
fi
mkdir -p "$T_TMP/nobin"
for t in clang-16 clang wasm-ld-16 wasm-ld; do
	p=$(command -v "$t") && ln -sf "$p" "$T_TMP/nobin/$t"
done
run env PATH="$T_TMP/nobin" "$WASMPACK" build "$dir" --optimize --no-cache -o "oci:$T_TMP/noopt.oci"
check_eq "--optimize without wasm-opt still builds" 0 "$T_RC"
check_match "--optimize without wasm-opt says so" "wasm-opt \(binaryen\) is not installed" "$T_ERR"
# no compiler at all: one line saying what to install
mkdir -p "$T_TMP/nothing"
expect_error "no WASI C toolchain: one line naming the packages" 1 \
	"^wasmpack: no WASI C toolchain: install one with apt-get install clang-16 lld-16 llvm-16 wasi-libc libclang-rt-16-dev-wasm32, or set WASI_SDK_PATH to a wasi-sdk$" \
	env PATH="$T_TMP/nothing" "$WASMPACK" build "$(sample c-plain)" -o "oci:$T_TMP/nocc.oci"
check "no WASI C toolchain: no image" test ! -e "$T_TMP/nocc.oci"

# a CMake or Makefile project on a machine without cmake/make: the probe
# says so in one line before anything runs
for shape in c-cmake:CMakeLists.txt:cmake c-make:Makefile:make; do
	IFS=: read -r sname file tool <<<"$shape"
	expect_error "$sname without $tool: one line naming the package" 1 \
		"^wasmpack: $file needs $tool, which is not installed \(apt-get install $tool\)$" \
		env PATH="$T_TMP/nobin" "$WASMPACK" build "$(sample "$sname")" --no-cache -o "oci:$T_TMP/no$tool.oci"
	check "$sname without $tool: no image" test ! -e "$T_TMP/no$tool.oci"
done

# clang-16 and lld-16 without llvm-16 (no llvm-ar-16 / llvm-ranlib-16): the
# probe names the package before any build command runs.  llvm-16's
# programs are hidden in a private mount namespace (needs root, as CI is).
v=$(readlink -f "$(command -v clang-16 || command -v clang)" | sed -n 's|.*/llvm-\([0-9]*\)/.*|\1|p')
if [ "$(id -u)" -eq 0 ] && have unshare && [ -n "$v" ]; then
	hide=""
	for t in "/usr/lib/llvm-$v/bin/llvm-ar" "/usr/lib/llvm-$v/bin/llvm-ranlib" \
		"$(command -v "llvm-ar-$v")" "$(command -v "llvm-ranlib-$v")"; do
		[ -n "$t" ] && [ -e "$t" ] && hide+=" mount --bind /dev/null $(readlink -f "$t");"
	done
	mkdir -p "$T_TMP/noar-proj"
	cp -r "$(sample c-cmake)/." "$T_TMP/noar-proj/"
	# (one line on stderr and nothing else: cmake never ran)
	expect_error "no llvm-ar-$v: one line naming llvm-$v before anything runs" 1 \
		"^wasmpack: no WASI C toolchain: clang-$v is installed but llvm-$v is missing \(apt-get install llvm-$v" \
		unshare -m sh -c "$hide exec \"\$@\"" sh "$WASMPACK" build "$T_TMP/noar-proj" --builder c --no-cache -o "oci:$T_TMP/noar.oci"
	check "no llvm-ar: no image" test ! -e "$T_TMP/noar.oci"
else
	skip "missing llvm-ar probe" "needs root and unshare to hide llvm-$v's programs"
fi
exit $T_FAILED
