#!/usr/bin/env bash
# `wasmpack build ./...` (issue 16): a monorepo made in the test from
# copies of the samples (C, C with CMake, Go, Rust, AssemblyScript and a
# broken C project) is built concurrently and pushed to the real
# distribution registry on loopback; every good project is in the
# registry under $WASMPACK_REPO/<name>, the broken one is named in the
# summary and the exit status is 1; lines come in path order; a rebuild
# after one file changed compiles only that project.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry curl jq python3 clang-16 npm
if ! have cargo && [ ! -x /usr/bin/cargo ]; then
	skip "build_many" "cargo is not installed (make deps installs it)"
	exit 0
fi

export WASMPACK_CACHE_DIR="$T_TMP/cache"
start_registry many
mono="$T_TMP/mono"
mkdir -p "$mono/services" "$mono/libs"
for s in c-plain c-cmake go rust assemblyscript; do
	cp -r "$TESTDATA/$s" "$mono/services/$s"
	rm -rf "$mono/services/$s/target" "$mono/services/$s/node_modules"
done
mkdir -p "$mono/tools/broken" "$mono/services/rust/target/debug" "$mono/node_modules/dep"
printf 'int main(void) { return not_declared; }\n' >"$mono/tools/broken/main.c"
# never entered: node_modules/, target/, hidden directories
printf 'int main(void) { return 0; }\n' >"$mono/node_modules/dep/x.c"
printf 'int main(void) { return 0; }\n' >"$mono/services/rust/target/debug/x.c"
mkdir -p "$mono/.hidden/hooks" && printf 'int main(void) { return 0; }\n' >"$mono/.hidden/hooks/y.c"
names="assemblyscript:as-hello c-cmake:calc c-plain:c-plain go:go-hello rust:rust-hello"

cd "$mono"
run env WASMPACK_REPO="$REG/mono" "$WASMPACK" build ./... --push -j 2
first_out=$T_OUT
check_eq "one failing project: exit 1 after the others finish" 1 "$T_RC"
check_eq "one line per good image, in path order: path TAB reference" \
	"services/assemblyscript services/c-cmake services/c-plain services/go services/rust" \
	"$(cut -f1 <<<"$T_OUT" | tr '\n' ' ' | sed 's/ $//')"
bad=0
for pair in $names; do
	dir=${pair%%:*} name=${pair#*:}
	line=$(grep "^services/$dir	" <<<"$T_OUT")
	[[ "$line" =~ ^services/$dir$'\t'$REG/mono/$name@sha256:[0-9a-f]{64}$ ]] || bad=1
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Accept: application/vnd.oci.image.manifest.v1+json" \
		"http://$REG/v2/mono/$name/manifests/latest")
	[ "$code" = 200 ] || bad=1
	# the digest printed is the digest the registry serves
	dgst=$(curl -s -H "Accept: application/vnd.oci.image.manifest.v1+json" "http://$REG/v2/mono/$name/manifests/latest" | sha256sum | cut -d' ' -f1)
	[[ "$line" == *"@sha256:$dgst" ]] || bad=1
done
check_eq "every good project is pushed to \$WASMPACK_REPO/<name> with the digest printed" 0 "$bad"
check_match "the summary names the broken project and why" \
	"wasmpack: failed: tools/broken: build command failed" "$T_ERR"
check_match "the summary counts the failures" "wasmpack: 1 of 6 projects failed" "$T_ERR"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$REG/v2/mono/broken/tags/list")
check "nothing is pushed for the broken project" test "$code" != 200
check "node_modules/, target/ and hidden directories are not projects" \
	bash -c '! grep -qE "node_modules|target/|\.hidden" <<<"$1"' _ "$T_OUT$T_ERR"
check_match "each build's log lines carry the project path" "services/c-plain: wasmpack: built c-plain" "$T_ERR"

# a rebuild with one file changed compiles only that project
sed -i 's/%s, %c%s!/%s, %c%s!!/' services/c-plain/src/greet.c
run env WASMPACK_REPO="$REG/mono" "$WASMPACK" build ./... --push
check_match "the changed project is compiled again" "services/c-plain: wasmpack: built c-plain" "$T_ERR"
check_eq "the four unchanged projects skip their compile" 4 \
	"$(grep -c 'unchanged since the last build, compile skipped' <<<"$T_ERR")"
check_eq "unchanged projects keep their digests" \
	"$(grep -v c-plain <<<"$first_out")" "$(grep -v c-plain <<<"$T_OUT")"
check "the changed project has a new digest" test "$(grep c-plain <<<"$first_out")" != "$(grep c-plain <<<"$T_OUT")"

# --json: an array in path order, failures included with their error
run env WASMPACK_REPO="$REG/mono" "$WASMPACK" build ./services/... ./tools/broken --push --json
check_eq "--json: an array of every project in path order" \
	"./services/assemblyscript ./services/c-cmake ./services/c-plain ./services/go ./services/rust ./tools/broken" \
	"$(jq -r '[.[].path] | join(" ")' <<<"$T_OUT")"
check_eq "--json: a digest for each image, an error for the failure" "5 1" \
	"$(jq -r '[([.[] | select(.digest)] | length), ([.[] | select(.error)] | length)] | join(" ")' <<<"$T_OUT")"

# -o oci:DIR: one layout per project, named after it
run "$WASMPACK" build services/c-plain services/c-cmake -o "oci:$T_TMP/layouts"
check_eq "several DIRs with -o oci:DIR: a layout per project" "0 c-plain calc" \
	"$T_RC $(LC_ALL=C ls "$T_TMP/layouts" | tr '\n' ' ' | sed 's/ $//')"
check_match "the reference names the project's layout" "^services/c-plain	oci:$T_TMP/layouts/c-plain@sha256:" \
	"$(grep c-plain <<<"$T_OUT")"

# refused before anything is built
expect_error "-t with a full reference is refused for several projects" 2 "bare tags only" \
	"$WASMPACK" build ./... -t "$REG/x/y:1"
expect_error "-o other than oci:DIR is refused for several projects" 2 "takes oci:DIR" \
	"$WASMPACK" build ./... -o "oci-archive:$T_TMP/a.tar"
expect_error "a bad -j is refused" 2 "-j needs a number" "$WASMPACK" build ./... -j 0
mkdir -p "$T_TMP/empty/sub"
expect_error "no project under the directory" 1 "no project found under $T_TMP/empty" \
	"$WASMPACK" build "$T_TMP/empty/..."
cp -r services/c-plain "$T_TMP/twins-a" && mkdir -p "$T_TMP/twins/x" && cp -r services/c-plain "$T_TMP/twins/x/c-plain" &&
	cp -r services/c-plain "$T_TMP/twins/c-plain"
expect_error "two projects with one name are refused before building" 2 "both named 'c-plain'" \
	"$WASMPACK" build "$T_TMP/twins/..."
exit $T_FAILED
