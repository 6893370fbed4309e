#!/usr/bin/env bash
# The assemblyscript builder: npm ci + asc with the project's asconfig.json
# (extending @assemblyscript/wasi-shim), run under node's WASI.
#
# node_modules (~100 MB, from the npm registry) is kept between runs under
# the build directory, keyed by the lock file, so only the first run on a
# machine downloads it; that first run exercises `npm ci` through wasmpack.
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"

if ! have npm || ! have node; then
	skip "builders_assemblyscript" "node or npm is not installed (make deps installs npm)"
	exit 0
fi
cd "$T_TMP"

dir=$(sample assemblyscript)
key=$(sha256sum <"$dir/package-lock.json" | cut -c1-16)
nm_cache="${WASMPACK_BUILD:-$WASMPACK_ROOT/build}/test-cache/as-node_modules-$key"
if [ -d "$nm_cache" ]; then
	cp -a "$nm_cache" "$dir/node_modules"
	touch "$dir/node_modules/.package-lock.json" # installed after the lock file was written
fi

run "$WASMPACK" detect "$dir"
check_match "detect: assemblyscript selected" "selected: assemblyscript \(project as-hello 1.4.0\)" "$T_OUT"
if build_ok as "$dir"; then
	runs_as assemblyscript "$T_TMP/as.wasm" "WHO=me" $'args: 2\n[x]\n[y z]\nwho: me' 2 x "y z"
	# (wasi-shim 0.1.0 aborts on an entirely empty environment, hence LANG)
	runs_as "assemblyscript (no args)" "$T_TMP/as.wasm" "LANG=C" $'args: 0\nwho: nobody' 0
	check_eq "assemblyscript: title from package.json (scope dropped)" "as-hello" \
		"$(annotation "$T_TMP/as.oci" org.opencontainers.image.title)"
	check_eq "assemblyscript: version from package.json" "1.4.0" \
		"$(annotation "$T_TMP/as.oci" org.opencontainers.image.version)"
	check_match "assemblyscript: the asc version is reported" "assemblyscript builder \(assemblyscript 0\.[0-9.]+ \(node v" "$B_ERR"
	if [ -d "$nm_cache" ]; then
		check_match "assemblyscript: an up-to-date node_modules is reused" "node_modules is up to date" "$B_ERR"
	else
		check_match "assemblyscript: npm ci installed the dependencies" "npm ci --no-audit --no-fund|added [0-9]+ packages" "$B_ERR"
		mkdir -p "$(dirname "$nm_cache")"
		cp -a "$dir/node_modules" "$nm_cache.tmp.$$" && mv -T "$nm_cache.tmp.$$" "$nm_cache" 2>/dev/null ||
			rm -rf "$nm_cache.tmp.$$"
	fi
fi

# asc 0.20+ restarts node unless node was given --enable-source-maps: a
# second node start per build.  And V8's worker pool follows the build's
# share of the cores (WASMPACK_BUILD_JOBS, as under build ./...).
if [ -d "$dir/node_modules/assemblyscript" ]; then
	run strace -f -qq -s 256 -e trace=execve -e signal=none -o "$T_TMP/as.exec" \
		"$WASMPACK" build "$dir" --no-cache -o "oci:$T_TMP/as-once.oci"
	check_eq "assemblyscript: node starts once for asc (no restart for source maps)" 1 \
		"$(grep -v ENOENT "$T_TMP/as.exec" | grep -c 'execve(.*bin/asc\.js')"
fi
run env WASMPACK_BUILD_JOBS=1 "$WASMPACK" build "$dir" --dry-run
check_match "assemblyscript: V8's pool is the build's share of the cores" " --v8-pool-size=1 node_modules/assemblyscript/bin/asc\.js " "$T_OUT"

# the entry named only in the npm build script (no asconfig.json), as in
# wasmtime's docs: asc gets the script's entry and --config, wasmpack's
# own output file instead of the script's -o/-t
sdir=$(sample as-npm-script)
if [ -d "$dir/node_modules/assemblyscript" ]; then
	cp -a "$dir/node_modules" "$sdir/node_modules"
	touch "$sdir/node_modules/.package-lock.json"
fi
if build_ok as-script "$sdir"; then
	runs_as "assemblyscript entry from the npm script" "$T_TMP/as-script.wasm" "LANG=C" \
		$'hello, ada\nhello, bob\ngreeted: 2' 0 ada bob
	run "$WASMPACK" build "$sdir" --dry-run
	check_match "the script's entry and --config are used, its outputs are not" \
		"asc\.js wasi-hello\.ts --config \./node_modules/@assemblyscript/wasi-shim/asconfig\.json -O3 --outFile [^ ]*/wasi-hello\.wasm$" "$T_OUT"
	check "the script's own -o/-t outputs were not written" test ! -e "$sdir/build"
fi

# AssemblyScript 0.19: the compiler the package names (bin/asc, not bin/asc.js)
ldir=$(sample as-legacy)
if build_ok as-legacy "$ldir"; then
	runs_as "AssemblyScript 0.19 (as-wasi), compiler from the package's bin" "$T_TMP/as-legacy.wasm" "" \
		$'arg 2: b\narg 1: a\nargs: 2' 0 a b
	run "$WASMPACK" build "$ldir" --dry-run
	check_match "AssemblyScript 0.19: node runs node_modules/assemblyscript/bin/asc" \
		"node --enable-source-maps --v8-pool-size=[0-9]+ node_modules/assemblyscript/bin/asc main\.ts " "$T_OUT"
fi

# a compile error in the entry: exit 1, the asc command named
echo 'let x: i32 = "not a number";' >>"$dir/assembly/index.ts"
run "$WASMPACK" build "$dir" -o "oci:$T_TMP/broken.oci"
check_eq "asc error: exit 1" 1 "$T_RC"
check_match "asc error: names the asc command" "^wasmpack: build command failed \(exit status 1\): cd .* && .*node --enable-source-maps --v8-pool-size=[0-9]+ node_modules/assemblyscript/bin/asc.js" \
	"$(tail -n1 <<<"$T_ERR")"
check "asc error: no image" test ! -e "$T_TMP/broken.oci"
exit $T_FAILED
