#!/usr/bin/env bash
# The build cache kept in a registry (issue 16): two "runners" (two empty
# XDG_CACHE_HOME) and one real registry on loopback.  The first compiles
# and pushes its result under the build key; the second compiles none of
# the project's sources (a clang-16 wrapper on PATH records every call)
# and produces the byte-identical image.  A tampered entry (a blob changed
# in the registry's storage, a foreign manifest under the tag) is noticed
# and the project compiled again; --cache-repo-readonly pushes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry curl jq python3 clang-16

start_registry cache
mkdir -p "$T_TMP/bin"
cat >"$T_TMP/bin/clang-16" <<EOF
#!/bin/sh
echo "clang-16 \$*" >>"\$CLANG_CALLS"
exec $(command -v clang-16) "\$@"
EOF
chmod +x "$T_TMP/bin/clang-16"
export PATH="$T_TMP/bin:$PATH"
unset WASMPACK_CACHE_DIR WASMPACK_CACHE_REPO
cp -r "$TESTDATA/c-plain" "$T_TMP/proj"

# runner NAME [OPTION...]: a build with an empty cache of its own
runner() {
	local name=$1
	shift
	rm -rf "$T_TMP/$name"
	mkdir -p "$T_TMP/$name"
	: >"$T_TMP/$name.calls"
	run env XDG_CACHE_HOME="$T_TMP/$name/cache" CLANG_CALLS="$T_TMP/$name.calls" \
		"$WASMPACK" build "$T_TMP/proj" -o "oci:$T_TMP/$name/out" "$@"
}
# compiles NAME: how many clang calls compiled one of the project's sources
compiles() { grep -cE '(main|greet)\.c' "$T_TMP/$1.calls" || true; }
image() { jq -r '.manifests[0].digest' "$T_TMP/$1/out/index.json"; }
tags() { curl -s "http://$REG/v2/ci/cache/tags/list" | jq -r '(.tags // []) | length'; }

runner one --cache-repo "$REG/ci/cache"
check_eq "runner 1 builds" 0 "$T_RC"
check "runner 1 compiles the project" test "$(compiles one)" -gt 0
check_match "runner 1 pushes its result to the registry cache" "pushed to the registry cache $REG/ci/cache:[0-9a-f]{64}" "$T_ERR"
key=$(grep -oE "registry cache $REG/ci/cache:[0-9a-f]{64}" <<<"$T_ERR" | head -1 | sed 's/.*://')
man=$(curl -s -H "Accept: application/vnd.oci.image.manifest.v1+json" "http://$REG/v2/ci/cache/manifests/$key")
check_eq "the entry is an artifact: build facts as config, the module as its layer" \
	"application/vnd.wasmpack.build-cache.v1 application/vnd.wasmpack.build-cache.config.v1+json application/wasm" \
	"$(jq -r '[.artifactType, .config.mediaType, (.layers | map(.mediaType) | join(","))] | join(" ")' <<<"$man")"

WASMPACK_CACHE_REPO="$REG/ci/cache" runner two
check_eq "runner 2 builds" 0 "$T_RC"
check_eq "runner 2 compiles none of the sources (clang wrapper log)" 0 "$(compiles two)"
check_match "runner 2 says where the result came from" "pulled from the registry cache $REG/ci/cache:$key" "$T_ERR"
check_eq "runner 2's image is byte-identical to runner 1's" "$(image one)" "$(image two)"
check "the two layouts hold the same bytes" diff -r "$T_TMP/one/out/blobs" "$T_TMP/two/out/blobs"
check "runner 2 pushes nothing (the entry came from there)" bash -c '! grep -q "pushed to the registry cache" <<<"$1"' _ "$T_ERR"

# without the registry cache a cold runner compiles
runner three
check "without --cache-repo a cold runner compiles" test "$(compiles three)" -gt 0

# tamper 1: a foreign manifest under the key's tag (a plain image)
"$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" -o "oci:$T_TMP/foreign" >/dev/null 2>&1
"$WASMPACK" push "oci:$T_TMP/foreign" "$REG/ci/cache:$key" >/dev/null 2>&1
runner five --cache-repo "$REG/ci/cache"
check_match "a foreign manifest under the tag is refused" "not a wasmpack build cache entry" "$T_ERR"
check "a foreign manifest: the project is compiled again" test "$(compiles five)" -gt 0
check_eq "a foreign manifest: the image is the right one" "$(image one)" "$(image five)"
# five pushed a good entry again: the next runner uses it
runner six --cache-repo "$REG/ci/cache"
check_eq "the entry rewritten by the runner that rebuilt it serves the next one" "0 0" "$T_RC $(compiles six)"

# tamper 2: the module blob changed in the registry's storage (same size)
# is caught by its digest; the blob stays bad in the registry (a push
# finds it present and skips it), so every runner compiles until the
# registry's operator removes it: detected, never used
layer=$(jq -r '.layers[0].digest' <<<"$man" | cut -d: -f2)
blob=$(find "$T_TMP/cache/data" -path "*/blobs/sha256/${layer:0:2}/$layer/data")
check "the module blob is in the registry's storage" test -f "$blob"
printf 'tampered' | dd of="$blob" bs=1 seek=100 conv=notrunc status=none
runner four --cache-repo "$REG/ci/cache"
check_eq "a tampered blob: the build still succeeds" 0 "$T_RC"
check_match "a tampered blob is noticed" "registry cache entry $REG/ci/cache:$key not used \(.*(digest|corrupt|tampered)" "$T_ERR"
check "a tampered blob: the project is compiled again" test "$(compiles four)" -gt 0
check_eq "a tampered blob: the image is still the right one" "$(image one)" "$(image four)"

# read-only: pulls, never pushes
echo '/* readonly */' >>"$T_TMP/proj/src/main.c"
before=$(tags)
runner seven --cache-repo "$REG/ci/cache" --cache-repo-readonly
check_eq "--cache-repo-readonly builds" 0 "$T_RC"
check_eq "--cache-repo-readonly pushes no entry" "$before" "$(tags)"
expect_error "--cache-repo with a tag is refused" 2 "give a repository" \
	"$WASMPACK" build "$T_TMP/proj" --cache-repo "$REG/ci/cache:v1" -o "oci:$T_TMP/x"
expect_error "--cache-repo-readonly without a repository is refused" 2 "needs --cache-repo" \
	"$WASMPACK" build "$T_TMP/proj" --cache-repo-readonly -o "oci:$T_TMP/x"
exit $T_FAILED
