#!/usr/bin/env bash
# The build cache: a no-op rebuild skips the compile and gives the same
# image; any input, flag or toolchain change misses; in a git work tree
# the inputs are the tracked and untracked-not-ignored files; the size is
# bounded; two builds at once are safe; --no-cache bypasses it.
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"

if ! have clang-16 && ! have clang; then
	skip "builders_cache" "no clang (make deps installs clang-16 lld-16 wasi-libc)"
	exit 0
fi
cd "$T_TMP"
dir=$(sample c-plain)

build_ok first "$dir"
d1=$(jq -r '.manifests[0].digest' "$T_TMP/first.oci/index.json")
check_match "first build compiles" "built c-plain with the c builder" "$B_ERR"
check "the cache holds one module entry" test "$(ls "$WASMPACK_CACHE_DIR/modules" | grep -c '\.json$')" -eq 1
build_ok second "$dir"
check_match "unchanged project: compile skipped" "unchanged since the last build, compile skipped" "$B_ERR"
check_eq "unchanged project: same image" "$d1" "$(jq -r '.manifests[0].digest' "$T_TMP/second.oci/index.json")"
run "$WASMPACK" build "$dir" -o "oci:$T_TMP/json.oci" --json
check_eq "--json reports the cache hit" "true" "$(jq -r .build.cached <<<"$T_OUT")"

# a copy elsewhere with the same name is the same project
cp -r "$dir" "$T_TMP/elsewhere" && mkdir -p "$T_TMP/x" && mv "$T_TMP/elsewhere" "$T_TMP/x/c-plain"
build_ok moved "$T_TMP/x/c-plain"
check_match "the same sources in another directory hit the cache" "compile skipped" "$B_ERR"

# changes that must miss
echo '/* changed */' >>"$dir/src/greet.c"
build_ok changed "$dir"
check_match "an edited source file is compiled again" "built c-plain" "$B_ERR"
touch "$dir/src/new-notes.txt"
build_ok added "$dir"
check_match "a new file in the project misses" "built c-plain" "$B_ERR"
chmod +x "$dir/src/new-notes.txt"
build_ok mode "$dir"
check_match "a changed file mode misses" "built c-plain" "$B_ERR"
build_ok debug "$dir" --debug
check_match "another profile misses" "built c-plain" "$B_ERR"
build_ok keep "$dir" --keep-debug
check_match "--keep-debug misses" "built c-plain" "$B_ERR"
build_ok keep2 "$dir" --keep-debug
check_match "... and hits the second time" "compile skipped" "$B_ERR"

# outputs written into the project are not inputs
(cd "$dir" && "$WASMPACK" build . >/dev/null 2>&1)
build_ok in-tree "$dir"
check_match "a layout written into the project does not change the key" "compile skipped" "$B_ERR"
(cd "$dir" && "$WASMPACK" build . -o oci-archive:img.tar >/dev/null 2>&1)
run sh -c "cd '$dir' && '$WASMPACK' build . -o oci-archive:img.tar"
check_match "the build's own archive in the project does not change the key" "compile skipped" "$T_ERR"
rm -f "$dir/img.tar"

# --no-cache neither reads nor writes
before=$(ls "$WASMPACK_CACHE_DIR/modules" | wc -l)
build_ok nocache "$dir" --no-cache --optimize
check_match "--no-cache compiles" "built c-plain" "$B_ERR"
check_eq "--no-cache writes no entry" "$before" "$(ls "$WASMPACK_CACHE_DIR/modules" | wc -l)"

# XDG_CACHE_HOME is honoured when WASMPACK_CACHE_DIR is not set
run env -u WASMPACK_CACHE_DIR XDG_CACHE_HOME="$T_TMP/xdg" "$WASMPACK" build "$dir" -o "oci:$T_TMP/xdg.oci"
check "XDG_CACHE_HOME/wasmpack holds the cache" test -d "$T_TMP/xdg/wasmpack/modules"

# git: tracked + untracked-not-ignored files are the inputs
g="$T_TMP/repo"
mkdir -p "$g" && cp -r "$TESTDATA/c-plain" "$g/app"
(cd "$g" && git init -q && printf 'ignored.txt\n' >.gitignore && git add -A &&
	git -c user.name=t -c user.email=t@t commit -qm init) >/dev/null 2>&1
build_ok git1 "$g/app"
echo noise >"$g/app/ignored.txt"
build_ok git2 "$g/app"
check_match "git: an ignored file does not count" "compile skipped" "$B_ERR"
echo '// untracked' >"$g/app/src/extra.h"
build_ok git3 "$g/app"
check_match "git: an untracked, not ignored file counts" "built app" "$B_ERR"
echo '// edit' >>"$g/app/src/main.c"
build_ok git4 "$g/app"
check_match "git: an edited tracked file counts" "built app" "$B_ERR"

# a project in an ignored directory of a repository: all its files count
mkdir -p "$g/ignored-dir" && echo 'ignored-dir/' >>"$g/.gitignore"
cp -r "$TESTDATA/c-plain" "$g/ignored-dir/app2"
build_ok git5 "$g/ignored-dir/app2"
echo '// edit' >>"$g/ignored-dir/app2/src/main.c"
build_ok git6 "$g/ignored-dir/app2"
check_match "git: a project under an ignored directory still sees its edits" "built app2" "$B_ERR"

# bounded: with a tiny limit the oldest entries are evicted
export WASMPACK_CACHE_MAX=1
build_ok bounded "$dir" --debug --keep-debug
check "a cache over its bound is trimmed to the newest entries" \
	test "$(ls "$WASMPACK_CACHE_DIR/modules" | grep -c '\.json$')" -le 1
unset WASMPACK_CACHE_MAX
expect_error "a malformed WASMPACK_CACHE_MAX is refused" 2 "WASMPACK_CACHE_MAX='lots' is not a size" \
	env WASMPACK_CACHE_MAX=lots "$WASMPACK" build "$dir" -o "oci:$T_TMP/bad.oci"

# two builds at once into an empty cache: both succeed, one entry, same module
export WASMPACK_CACHE_DIR="$T_TMP/cache2"
dir=$(sample c-make)
"$WASMPACK" build "$dir" -o "oci:$T_TMP/c1.oci" >"$T_TMP/c1.out" 2>"$T_TMP/c1.err" &
p1=$!
"$WASMPACK" build "$dir" -o "oci:$T_TMP/c2.oci" >"$T_TMP/c2.out" 2>"$T_TMP/c2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check_eq "concurrent builds both succeed" "0 0" "$r1 $r2"
image_module "$T_TMP/c1.oci" "$T_TMP/c1.wasm"
image_module "$T_TMP/c2.oci" "$T_TMP/c2.wasm"
check "concurrent builds give the same module" cmp "$T_TMP/c1.wasm" "$T_TMP/c2.wasm"
check_eq "concurrent builds leave one complete entry and no temporary files" "1 1 0" \
	"$(ls "$WASMPACK_CACHE_DIR/modules" | grep -c '\.json$') $(ls "$WASMPACK_CACHE_DIR/modules" | grep -c '\.wasm$') $(ls "$WASMPACK_CACHE_DIR/modules" | grep -c 'tmp')"

# --- a damaged or altered cache (issue 11, items 24 and 25)
export WASMPACK_CACHE_DIR="$T_TMP/cache3"
dir=$(sample c-plain)
build_ok good "$dir"
image_module "$T_TMP/good.oci" "$T_TMP/good.wasm"
entry=$(ls "$WASMPACK_CACHE_DIR"/modules/*.wasm)
for damage in empty garbage swapped; do
	case $damage in
	empty) : >"$entry" ;;
	garbage) head -c 5000 /dev/urandom >"$entry" ;;
	swapped) cp "$TESTDATA/hello/hello.wasm" "$entry" ;;
	esac
	build_ok "damaged-$damage" "$dir"
	check_match "a $damage cache entry is noticed and the project built again" \
		"build cache entry damaged.*built c-plain with the c builder" "$(tr '\n' ' ' <<<"$B_ERR")"
	check "a $damage cache entry: the image holds the real module" cmp "$T_TMP/good.wasm" "$T_TMP/damaged-$damage.wasm"
	build_ok "repaired-$damage" "$dir"
	check_match "a $damage cache entry is repaired: the next build hits" "compile skipped" "$B_ERR"
done

# a compiler launcher planted in a reused CMake build tree never runs
dir=$(sample c-cmake)
build_ok cmake1 "$dir"
tree=$(dirname "$(ls "$WASMPACK_CACHE_DIR"/work/*/build/CMakeCache.txt)")
printf '#!/bin/sh\ntouch %s/planted-ran\nexec "$@"\n' "$T_TMP" >"$T_TMP/launcher"
chmod +x "$T_TMP/launcher"
printf 'CMAKE_C_COMPILER_LAUNCHER:STRING=%s\n' "$T_TMP/launcher" >>"$tree/CMakeCache.txt"
echo '/* touched */' >>"$dir/main.c"
build_ok cmake2 "$dir"
check "a launcher planted in CMakeCache.txt of a reused build tree did not run" test ! -e "$T_TMP/planted-ran"
check "... and the tree was configured afresh" sh -c "! grep -q planted '$tree/CMakeCache.txt' && ! grep -q launcher '$tree/CMakeCache.txt'"
echo '/* touched again */' >>"$dir/main.c"
build_ok cmake3 "$dir"
check_match "an untouched build tree is still reused (incremental)" "Building C object CMakeFiles/calc.dir/main.c.o" "$B_ERR"
if grep -q 'Building C object CMakeFiles/ops' <<<"$B_ERR"; then
	not_ok "an untouched build tree is reused: ops.c is not compiled again" "$B_ERR"
else
	ok "an untouched build tree is reused: ops.c is not compiled again"
fi

# a cache directory someone else could write is not used at all
dir=$(sample c-plain)
for bad in others group; do
	c="$T_TMP/cache-$bad"
	mkdir -p "$c"
	case $bad in others) chmod 0777 "$c" ;; group) chmod 0775 "$c" ;; esac
	WASMPACK_CACHE_DIR="$c" build_ok "shared-$bad" "$dir"
	check_match "a cache directory writable by $bad is not used, and the build says so" \
		"build cache not used: $c is writable by" "$B_ERR"
	check "a cache directory writable by $bad: nothing was stored in it" test -z "$(ls -A "$c")"
done
if [ "$(id -u)" -eq 0 ]; then
	c="$T_TMP/cache-owned"
	mkdir -p "$c/modules" && chown -R nobody "$c"
	WASMPACK_CACHE_DIR="$c" build_ok shared-owner "$dir"
	check_match "a cache directory owned by another user is not used" \
		"build cache not used: $c is owned by uid [0-9]+, not by this user" "$B_ERR"
else
	skip "cache owned by another user" "needs root to chown the directory"
fi
exit $T_FAILED
