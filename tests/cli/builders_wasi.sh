#!/usr/bin/env bash
# What a C build for WASI needs beyond the compiler (issue 12), on sample
# projects shaped like real ones, built with no flags and run under node's
# WASI and `wasmpack run` with the same output:
#   c-wasi-cmake  a shared library, a test target that uses setjmp, a
#                 program testing the WASI platform variable (CMake)
#   c-posix       signal, clock, times, getpid, mmap (wasi-libc emulations)
#   c-stack       needs ~200 KiB of stack
#   c-setjmp      setjmp/longjmp error recovery (wasm exception handling);
#                 with --exceptions none, a header WASI lacks: one honest line
#   c-import      imports a host function no WASI runtime provides
#   c-autotools   configure.ac and Makefile.am, no generated configure
#   c-compat      chmod, chown, umask, getuid, tmpfile (wasmpack's compat library)
#   c-meson       a Meson project: a library, the program, a test using setjmp
#   c-make-lib    a Makefile whose default goal builds a .so and runs the
#                 program on the host; its CFLAGS define what the code needs
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"

if ! have clang-16 && ! have clang; then
	skip "builders_wasi" "no clang (make deps installs clang-16 lld-16 llvm-16 wasi-libc libclang-rt-16-dev-wasm32)"
	exit 0
fi
cd "$T_TMP"

# --- CMake: our WASI platform (Platform/WASI.cmake), no shared libraries,
# no test targets
dir=$(sample c-wasi-cmake)
if build_ok wasi-cmake "$dir"; then
	runs_as "cmake project with WASI platform" "$T_TMP/wasi-cmake.wasm" "" \
		$'platform: wasi\nrect 3 4: 12\ntri 3 4: 6' 0 rect 3 4 tri 3 4
	check_match "add_library(SHARED) becomes static, with CMake's own warning" \
		"ADD_LIBRARY called with SHARED option but the target platform does not" "$B_ERR"
	check_match "the test target (setjmp) is not built: BUILD_TESTING=OFF" "built shapes with the c builder" "$B_ERR"
	check_eq "the project name comes from project()" "shapes" \
		"$(annotation "$T_TMP/wasi-cmake.oci" org.opencontainers.image.title)"
fi

# --- one target: the program, chosen through CMake's File API
check_match "only the program is built: the benchmark (threads) is not, and the build says which" \
	"building target shapes-cli \(of 2 executables: shapes-bench \(\.\), shapes-cli \(\.\)" "$B_ERR"
printf 'add_executable(shapes-gen main.c)\ntarget_link_libraries(shapes-gen shapes)\n' >>"$dir/CMakeLists.txt"
run "$WASMPACK" build "$dir" -o "oci:$T_TMP/ambiguous.oci"
check_eq "two programs: an error listing the executables" \
	'wasmpack: the project has 3 executable targets: shapes-bench (.), shapes-cli (.), shapes-gen (.); choose one with --target NAME (or "target" in wasmpack.json)' \
	"$(tail -n1 <<<"$T_ERR")"
check "two programs: no image" test ! -e "$T_TMP/ambiguous.oci"
build_ok target-flag "$dir" --target shapes-gen
run "$WASMPACK" build "$dir" --target shapes-gen --dry-run
check_match "--target NAME builds that target" "cmake --build .* --target shapes-gen" "$T_OUT"
check_match "--target NAME: the module is that target's" "Linking C executable shapes-gen" "$B_ERR"
echo '{"target": "shapes-cli"}' >"$dir/wasmpack.json"
build_ok target-json "$dir"
check_match "\"target\" in wasmpack.json picks the target" "Linking C executable shapes-cli" "$B_ERR"
run "$WASMPACK" build "$dir" --target nope -o "oci:$T_TMP/nope.oci"
check_eq "--target naming no executable: the error lists them" \
	"wasmpack: the project has no executable target 'nope' (it has: shapes-bench (.), shapes-cli (.), shapes-gen (.))" \
	"$(tail -n1 <<<"$T_ERR")"
run "$WASMPACK" build "$(sample c-make)" --target calc --dry-run
check_match "make: --target NAME is the make goal" "^cd .* && CFLAGS=-O2 CXXFLAGS=-O2 PATH=[^ ]*/tools:[^ ]* make -j[0-9]+ .* calc$" "$T_OUT"

# --- wasi-libc's emulations are on by default; --strict-wasi turns them off
dir=$(sample c-posix)
if build_ok posix "$dir"; then
	runs_as "signal/clock/times/getpid/mmap through wasi-libc's emulations" "$T_TMP/posix.wasm" "" \
		$'signal: installed\nclock: ok\ntimes: ok\ngetpid: positive\nmmap: mapped' 0
fi
run "$WASMPACK" build "$dir" --strict-wasi --no-cache -o "oci:$T_TMP/strict.oci"
check_eq "--strict-wasi: the emulated calls do not build" 1 "$T_RC"
check_match "--strict-wasi: wasi-libc says what is missing" "_WASI_EMULATED_SIGNAL" "$T_ERR"
check "--strict-wasi: no image" test ! -e "$T_TMP/strict.oci"

# --- a 1 MiB stack by default; --stack-size overrides it
dir=$(sample c-stack)
if build_ok stack "$dir"; then
	runs_as "a program needing 200 KiB of stack runs" "$T_TMP/stack.wasm" "" "sum: 1275" 0
fi
build_ok stack64 "$dir" --stack-size 64K
run "$WASMPACK" build "$dir" --stack-size 64K --dry-run
check_match "--stack-size 64K is passed to the linker" "-Wl,-z,stack-size=65536 " "$T_OUT"
run "$WASMPACK" run "$T_TMP/stack64.wasm"
check_match "with a 64 KiB stack the same program traps (the default is what makes it run)" \
	"out of bounds memory access" "$T_ERR"
build_ok stack2m "$dir" --stack-size 2M
check_match "another --stack-size is another cache entry" "built c-stack" "$B_ERR"
expect_error "--stack-size that is not a size: a usage error" 2 "^wasmpack build: --stack-size needs a size in bytes" \
	"$WASMPACK" build "$dir" --stack-size lots
expect_error "--stack-size not a multiple of 16: a usage error" 2 "^wasmpack build: --stack-size needs a size in bytes, a multiple of 16" \
	"$WASMPACK" build "$dir" --stack-size 1001

# --- a header WASI does not have: the last line says which, from where, why
dir=$(sample c-setjmp)
if build_ok setjmp-eh "$dir"; then
	runs_as "setjmp/longjmp through wasm exception handling (auto: the sources use setjmp.h)" \
		"$T_TMP/setjmp-eh.wasm" "" $'error at -1: 50 (depth 50)\nerror at 7: -107 (depth 7)\nerror at 42: -142 (depth 42)\nre-entered 3 times' 0
	check_match "setjmp: the build says how it was built and which runtimes accept it" \
		"setjmp/longjmp are built with the WebAssembly exception-handling instructions .*wasmpack run, node/V8 and browsers run such modules, wasmtime does not" "$B_ERR"
fi
build_ok setjmp-wasm "$dir" --exceptions wasm
check "--exceptions wasm: the same module as auto for a project using setjmp.h" cmp -s "$T_TMP/setjmp-eh.wasm" "$T_TMP/setjmp-wasm.wasm"
wasm-objdump -h "$T_TMP/setjmp-eh.wasm" >"$T_TMP/sections.txt" 2>&1
check_match "setjmp: the module has a tag section (wabt's reading)" " Tag start=" "$(cat "$T_TMP/sections.txt")"
build_ok nosjlj "$(sample c-stack)" --exceptions wasm
wasm-objdump -h "$T_TMP/nosjlj.wasm" >"$T_TMP/sections.txt" 2>&1
check_match "--exceptions wasm: wabt reads a program not calling setjmp" " Code start=" "$(cat "$T_TMP/sections.txt")"
check "--exceptions wasm: a program not calling setjmp has no exception-handling code (no tag section)" \
	sh -c "! grep -q ' Tag start=' '$T_TMP/sections.txt'"
expect_error "--exceptions takes auto, wasm or none" 2 "^wasmpack build: --exceptions needs auto, wasm or none, not 'yes'" \
	"$WASMPACK" build "$dir" --exceptions yes
run "$WASMPACK" build "$dir" --exceptions none --no-cache -o "oci:$T_TMP/setjmp.oci"
check_eq "setjmp.h with --exceptions none: the build fails" 1 "$T_RC"
check_eq "setjmp.h with --exceptions none: the last line names the header, the file and what would build it" \
	"wasmpack: setjmp.h is not available in WASI (wasi-libc): included from src/main.c; setjmp/longjmp need the WebAssembly exception-handling instructions: build with --exceptions wasm (clang) instead of none" \
	"$(tail -n1 <<<"$T_ERR")"
check "setjmp.h: glibc's headers were never searched" sh -c "! grep -q 'bits/' <<EOT
$T_ERR
EOT"
check "setjmp.h: no image" test ! -e "$T_TMP/setjmp.oci"
# --- a call WASI cannot have: one line naming it, the file and the limit
mkdir -p "$T_TMP/forks"
printf '#include <unistd.h>\nint main(void) { return (int)fork(); }\n' >"$T_TMP/forks/main.c"
run "$WASMPACK" build "$T_TMP/forks" --no-cache -o "oci:$T_TMP/forks.oci"
check_eq "fork: exit 1 and one line naming the call, the file and the WASI limit" \
	"1 wasmpack: the program (main.c) calls fork, which WASI does not have (no processes: fork, exec, wait)" \
	"$T_RC $(tail -n1 <<<"$T_ERR")"
printf 'extern void *dlopen(const char *, int);\nint main(void) { return dlopen("x", 0) != 0; }\n' >"$T_TMP/forks/main.c"
run "$WASMPACK" build "$T_TMP/forks" --no-cache -o "oci:$T_TMP/forks.oci"
check_eq "dlopen (a link error): one line naming the call and the WASI limit" \
	"1 wasmpack: the program calls dlopen, which WASI does not have (no dynamic loading)" \
	"$T_RC $(tail -n1 <<<"$T_ERR")"
check "a call WASI cannot have: no image" test ! -e "$T_TMP/forks.oci"

# --- a project kept one directory down (expat/ in expat's repository)
repo="$T_TMP/repo-with-subdir"
mkdir -p "$repo"
cp -r "$TESTDATA/c-wasi-cmake" "$repo/shapes"
echo "# the repository's readme" >"$repo/README.md"
run "$WASMPACK" detect "$repo"
check_match "a CMake project one directory down is detected" "c +pass  shapes/CMakeLists.txt found" "$T_OUT"
if build_ok subdir-cmake "$repo"; then
	runs_as "the CMake project one directory down builds and runs" "$T_TMP/subdir-cmake.wasm" "" \
		$'platform: wasi\nrect 2 5: 10' 0 rect 2 5
	check_eq "its name comes from its own project()" "shapes" \
		"$(annotation "$T_TMP/subdir-cmake.oci" org.opencontainers.image.title)"
fi
repo="$T_TMP/repo-with-make"
mkdir -p "$repo"
cp -r "$TESTDATA/c-make" "$repo/tool"
run "$WASMPACK" build "$repo" --dry-run
check_match "a Makefile one directory down runs make there" "^cd .*/src/tool && CFLAGS=-O2 CXXFLAGS=-O2 PATH=[^ ]*/tools:[^ ]* make " "$T_OUT"
build_ok subdir-make "$repo"

# --- autotools: autoreconf when there is no configure, then a cross
# configure (--host=wasm32-wasi) and make, in a private copy
dir=$(sample c-autotools)
run "$WASMPACK" detect "$dir"
check_match "autotools: configure.ac is detected, AC_INIT names the project" \
	"c +pass  configure.ac found.*selected: c \(project wordfreq 2\.1\.0\)" "$(tr '\n' ' ' <<<"$T_OUT")"
run "$WASMPACK" build "$dir" --dry-run
check_match "autotools: the plan is autoreconf, configure --host=wasm32-wasi, make" \
	"autoreconf -fi .*\./configure --host=wasm32-wasi --disable-shared --enable-static .*ac_cv_func_malloc_0_nonnull=yes .* make -j[0-9]+$" \
	"$(tr '\n' ' ' <<<"$T_OUT" | sed 's/ $//')"
if build_ok autotools "$dir"; then
	runs_as "an autotools project without configure builds and runs" "$T_TMP/autotools.wasm" "" \
		$'a: 3\nb: 3\nc: 1\nletters: 7' 0 abba cab
fi
check "autotools: the project itself stays clean (no configure written into it)" test ! -e "$dir/configure"
(cd "$dir" && autoreconf -fi >/dev/null 2>&1)
run "$WASMPACK" build "$dir" --dry-run
check_match "a shipped configure is run as it is (no autoreconf)" "^cd .*/src && .*\./configure --host=wasm32-wasi" "$T_OUT"
check "a shipped configure: autoreconf is not planned" sh -c "! grep -q autoreconf <<EOT
$T_OUT
EOT"
build_ok autotools-configure "$dir"

# --- Meson: a generated cross file, only the program built
dir=$(sample c-meson)
if ! have meson; then
	not_ok "meson is installed (make deps installs meson ninja-build)"
elif build_ok meson "$dir"; then
	runs_as "meson project builds and runs" "$T_TMP/meson.wasm" "" "tally 0.3.1: 3 words in 2 arguments" 0 "one two" three
	check_match "meson: the program is chosen among the executables, the test (setjmp) is not built" \
		"building target tally \(of 2 executables: tally \(\.\), tally-test \(\.\)" "$B_ERR"
	check_eq "meson: the version comes from project()" "0.3.1" \
		"$(annotation "$T_TMP/meson.oci" org.opencontainers.image.version)"
	run "$WASMPACK" build "$dir" --target tally-test --exceptions none --no-cache -o "oci:$T_TMP/meson-test.oci"
	check_eq "meson --target tally-test: the test target is built, and fails on setjmp.h in one line" \
		"wasmpack: setjmp.h is not available in WASI (wasi-libc): included from tests/test_tally.c; setjmp/longjmp need the WebAssembly exception-handling instructions: build with --exceptions wasm (clang) instead of none" \
		"$(tail -n1 <<<"$T_ERR")"
fi

# --- make: the goal named like the project, the project's CFLAGS kept
sample c-make-lib >/dev/null
rm -rf "$T_TMP/wordy" && mv "$T_TMP/c-make-lib" "$T_TMP/wordy"
if build_ok make-lib "$T_TMP/wordy"; then
	runs_as "make: the program target, built with the Makefile's own CFLAGS" "$T_TMP/make-lib.wasm" "" \
		"Hello|Big|World (15)" 0 hello big world
	run "$WASMPACK" detect "$T_TMP/wordy"
	check_match "detect (make): the goal named like the project" "builds: wordy \(named like the project\)" "$T_OUT"
	check_match "make: the goal named like the project is chosen, and the build says so" \
		"building make target wordy \(named like the project; --target NAME picks another\)" "$B_ERR"
	check "make: the shared library and the host smoke test are not attempted" \
		sh -c "! grep -q -e '-shared' -e './wordy smoke' <<'EOT'
$B_ERR
EOT"
fi
build_ok make-lib-debug "$T_TMP/wordy" --debug
check_match "make: the Makefile's CFLAGS win over the profile's (-O2 stays)" " -O2 -Wall -DWORDY_SEPARATOR=" "$B_ERR"
run "$WASMPACK" build "$T_TMP/wordy" --target all -o "oci:$T_TMP/make-all.oci"
check_eq "make --target all: the shared library fails as make says (exit 1)" 1 "$T_RC"
check "make --target all: no image" test ! -e "$T_TMP/make-all.oci"

# --- the compat library: POSIX calls WASI lacks, defined by wasmpack and
# linked only when called; the build says which ones the module uses
dir=$(sample c-compat)
if build_ok compat "$dir"; then
	check_match "compat: the build names the compat functions the module links" \
		"uses wasmpack's POSIX compat for chmod, fchmod, fchown, chown, umask, getuid, tmpfile " "$B_ERR"
	mkdir -p "$T_TMP/compat-work" "$T_TMP/compat-tmp"
	expect=$'chmod: 0\nchmod of a missing file: -1 ENOENT\nfchmod: 0, fchown: 0\nfchmod of a closed descriptor: -1 EBADF\nchown: 0\numask: 022, then 077\nuid 0 euid 0 gid 0 egid 0'
	for engine in node:wasi "wasmpack run"; do
		for tmpdir in "" /tmp; do
			if [ "$engine" = node:wasi ]; then
				WASI_DIRS="/w=$T_TMP/compat-work${tmpdir:+$'\n'/tmp=$T_TMP/compat-tmp}" wasi_node "$T_TMP/compat.wasm" "" /w
			else
				run "$WASMPACK" run --dir "$T_TMP/compat-work::/w" ${tmpdir:+--dir "$T_TMP/compat-tmp::/tmp"} \
					"$T_TMP/compat.wasm" -- /w
			fi
			if [ -n "$tmpdir" ]; then tf="tmpfile: scratch"; else tf="tmpfile: none (ENOSYS)"; fi
			check_eq "compat under $engine${tmpdir:+ with /tmp}: the documented results" \
				"$expect"$'\n'"$tf"$'\nclock: ok' "$T_OUT"
			check_eq "compat under $engine${tmpdir:+ with /tmp}: exit 0" 0 "$T_RC"
		done
	done
	check "compat: tmpfile leaves nothing behind in /tmp" test -z "$(ls -A "$T_TMP/compat-tmp")"
fi
cp "$TESTDATA/c-stack/main.c" "$T_TMP/nocompat.c"
mkdir -p "$T_TMP/nocompat" && mv "$T_TMP/nocompat.c" "$T_TMP/nocompat/main.c"
build_ok nocompat "$T_TMP/nocompat"
check "a program calling none of them links none (and the build says nothing)" \
	sh -c "! grep -q 'POSIX compat' <<'EOT'
$B_ERR
EOT"
check "a program calling none of them: no compat code in the module" \
	sh -c "! grep -q wasmpack-compat '$T_TMP/nocompat.wasm'"
run "$WASMPACK" build "$dir" --strict-wasi --no-cache -o "oci:$T_TMP/compat-strict.oci"
check_eq "--strict-wasi: no compat library, so chmod is undeclared: exit 1" 1 "$T_RC"
check_match "--strict-wasi: the compiler names the call" "chmod" "$T_ERR"
check "--strict-wasi: no image" test ! -e "$T_TMP/compat-strict.oci"

# --- the choice among executables looks at source paths and install rules
proj="$T_TMP/choose"
rm -rf "$proj" && mkdir -p "$proj/src" "$proj/tests" "$proj/examples"
for f in src/tool.c src/tool2.c tests/run.c examples/gen.c; do
	printf '#include <stdio.h>\nint main(void) { puts("%s"); return 0; }\n' "$f" >"$proj/$f"
done
cat >"$proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.13)
project(choose C)
add_executable(tool src/tool.c)
add_executable(tool2 src/tool2.c)
add_executable(runner tests/run.c)
add_executable(gen examples/gen.c)
install(TARGETS tool DESTINATION bin)
CM
run "$WASMPACK" detect "$proj"
check_match "targets: a source under tests/ or examples/ marks a test or example; of two programs, the installed one" \
	"builds: tool \(the only one the project installs\)" "$T_OUT"
sed -i '/^install/d; /tool2/d' "$proj/CMakeLists.txt"
sed -i 's/add_executable(tool src\/tool.c)/add_executable(tool_test src\/tool.c)/' "$proj/CMakeLists.txt"
run "$WASMPACK" detect "$proj"
check_match "targets: a program named like a test, the only one outside test directories (cJSON's cJSON_test)" \
	"builds: tool_test \(the only one outside test/bench/example/fuzz directories\)" "$T_OUT"

# --- make: the one program among the default goal's prerequisites
proj="$T_TMP/expr"
rm -rf "$proj" && mkdir -p "$proj"
printf '#include <stdio.h>\nint main(void) { puts("repl"); return 0; }\n' >"$proj/repl.c"
cp "$proj/repl.c" "$proj/smoke.c" && cp "$proj/repl.c" "$proj/bench.c"
printf 'all: smoke repl bench\nsmoke: smoke.c\n\t$(CC) -o $@ smoke.c\n\t./$@\nrepl: repl.c\n\t$(CC) -o $@ repl.c\nbench: bench.c\n\t$(CC) -o $@ bench.c\n' >"$proj/Makefile"
if build_ok make-prereq "$proj"; then
	runs_as "make: the program among all's prerequisites (not the smoke test that runs on the host)" "$T_TMP/make-prereq.wasm" "" "repl" 0
	check_match "make: the build says which goal and why" \
		"building make target repl \(the one program among the default goal's prerequisites" "$B_ERR"
fi

# --- the stack protector's runtime (projects add -fstack-protector when the compiler takes it)
dir=$(sample c-stack)
echo '{"buildArgs": ["-fstack-protector-all"]}' >"$dir/wasmpack.json"
if build_ok stack-protector "$dir"; then
	runs_as "-fstack-protector-all links and runs" "$T_TMP/stack-protector.wasm" "" "sum: 1275" 0
	check_match "-fstack-protector: the compat library's guard and failure" "POSIX compat for stack_chk" "$B_ERR"
fi

# --- -DWASI_SDK_PREFIX, as wasi-sdk users pass it (wasm3 tests it before project())
run "$WASMPACK" build "$(sample c-wasi-cmake)" --dry-run
check_match "cmake is configured with -DWASI_SDK_PREFIX (the clang's prefix)" "cmake .* -DWASI_SDK_PREFIX=/[^ ]+ " "$T_OUT"

# --- wasmpack detect configures the project to show the executables and
# the one a build chooses (and why)
dir=$(sample c-wasi-cmake)
run "$WASMPACK" detect "$dir"
check_match "detect (CMake): the executables, from CMake's File API" "targets: shapes-bench \(\.\), shapes-cli \(\.\)
builds" "$T_OUT"
check_match "detect (CMake): the choice and why" "builds: shapes-cli \(the only one outside test/bench/example/fuzz paths\)" "$T_OUT"
run "$WASMPACK" detect "$dir" --json
check_eq "detect --json: targets, target and the reason" \
	'"shapes-bench (.), shapes-cli (.)" "shapes-cli" "the only one outside test/bench/example/fuzz paths"' \
	"$(jq -r '[.targets, .target, .targetReason] | map(@json) | join(" ")' <<<"$T_OUT")"
printf 'add_executable(shapes-gen main.c)\ntarget_link_libraries(shapes-gen shapes)\n' >>"$dir/CMakeLists.txt"
run "$WASMPACK" detect "$dir"
check_eq "detect: two programs: no choice, and what to do" 0 "$T_RC"
check_match "detect: two programs: the build needs --target" "builds: \(several: choose one with --target NAME\)" "$T_OUT"
run "$WASMPACK" detect "$dir" --target shapes-gen
check_match "detect --target NAME: that one" "builds: shapes-gen \(--target" "$T_OUT"
run "$WASMPACK" detect "$dir" --no-targets
check "detect --no-targets: the project is not configured" sh -c "! grep -q '^targets\|^builds' <<'EOT'
$T_OUT
EOT"
if have meson; then
	run "$WASMPACK" detect "$(sample c-meson)"
	check_match "detect (Meson): the executables and the choice" \
		"targets: tally \(\.\), tally-test \(\.\) builds: tally \(named like the project\)" "$(tr '\n' ' ' <<<"$T_OUT")"
fi

# --- a module importing what no WASI runtime provides is not packaged
dir=$(sample c-import)
run "$WASMPACK" build "$dir" --no-cache -o "oci:$T_TMP/import.oci"
check_eq "an import outside WASI: exit 1" 1 "$T_RC"
check_eq "an import outside WASI: the last line names it" \
	"wasmpack: the module imports what no WASI runtime provides: env.host_log (define it in the program, or package it anyway with --allow-import MODULE.NAME)" \
	"$(tail -n1 <<<"$T_ERR")"
check "an import outside WASI: no image" test ! -e "$T_TMP/import.oci"
build_ok import-allowed "$dir" --allow-import env.host_log
check "--allow-import MODULE.NAME packages it anyway" test -s "$T_TMP/import-allowed.wasm"
build_ok import-star "$dir" --allow-import 'env.*'
check "--allow-import MODULE.* packages it too" test -s "$T_TMP/import-star.wasm"
expect_error "--allow-import without a dot: a usage error" 2 "^wasmpack build: --allow-import needs MODULE.NAME or MODULE.\*" \
	"$WASMPACK" build "$dir" --allow-import env
exit $T_FAILED
