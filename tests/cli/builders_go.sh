#!/usr/bin/env bash
# The go and tinygo builders.  Debian bookworm's Go (1.19) cannot target
# wasip1 and TinyGo is not packaged, so: detection, the --dry-run plan and
# the install hint are tested everywhere; stand-in `go`/`tinygo` scripts
# check the exact command and environment wasmpack runs; the real compile
# runs only where Go >= 1.21 or TinyGo is installed.
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"

cd "$T_TMP"
dir=$(sample go)
empty="$T_TMP/empty-path"
mkdir -p "$empty"
# no Debian Go trees either, unless a test makes some
export WASMPACK_GO_LIBDIR="$T_TMP/no-go-lib"

# --- no Go toolchain at all
run env PATH="$empty" "$WASMPACK" detect "$dir"
check_match "detect: go passes on go.mod" "go +pass  go.mod found; no toolchain: no Go toolchain that targets WASI" "$T_OUT"
check_match "detect: tinygo passes on go.mod too" "tinygo +pass  go.mod found; no toolchain: TinyGo is not installed" "$T_OUT"
check_match "detect: go is selected (first in order)" "selected: go \(project go-hello\)" "$T_OUT"
run env PATH="$empty" "$WASMPACK" detect "$dir" --json
check_eq "detect --json: verdicts" "go true false go.mod found" \
	"$(jq -r '.selected + " " + ([.builders[] | select(.name == "go") | .pass, .toolchainFound, .reason] | map(tostring) | join(" "))' <<<"$T_OUT")"
expect_error "build without Go: one line saying what to install" 1 \
	"^wasmpack: no Go toolchain that targets WASI: install Go >= 1.21 \(GOOS=wasip1; on Debian bookworm: golang-1.23-go from bookworm-backports\) or TinyGo \(tinygo build -target=wasip1\)$" \
	env PATH="$empty" "$WASMPACK" build "$dir" -o "oci:$T_TMP/nogo.oci"
check "build without Go: no image" test ! -e "$T_TMP/nogo.oci"

run env PATH="$empty" "$WASMPACK" build "$dir" --dry-run
check_eq "--dry-run without Go: exit 0" 0 "$T_RC"
check_match "--dry-run prints the go build plan" \
	"^cd $dir && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath -o /.*/go-hello.wasm \.$" "$T_OUT"
check_match "--dry-run says the toolchain is missing" "note: no Go toolchain that targets WASI" "$T_ERR"
run env PATH="$empty" WASMPACK_BUILD_JOBS=1 "$WASMPACK" build "$dir" --dry-run
# go reads no jobserver: under build ./... it still compiles on every core
# (held to a share, a cold standard library kept one core busy while the
# others idled)
check_match "cores shared with other builds (build ./...): go is not held to a share" \
	"^cd $dir && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath " "$T_OUT"
run env PATH="$empty" "$WASMPACK" build "$dir" --dry-run --builder tinygo
check_match "--dry-run --builder tinygo prints the tinygo plan" \
	"^cd $dir && tinygo build -target=wasip1 -opt=2 -o /.*/go-hello.wasm \.$" "$T_OUT"

# --- a Go too old for wasip1 (bookworm's 1.19)
old="$T_TMP/go-old"
mkdir -p "$old"
cat >"$old/go" <<'SH'
#!/bin/bash
if [ "$1 $2" = "env GOVERSION" ]; then echo go1.19.8; exit 0; fi
echo "go: unknown GOOS wasip1" >&2; exit 2
SH
chmod +x "$old/go"
expect_error "Go 1.19: the error says it is too old and what to install" 1 \
	"^wasmpack: no Go toolchain that targets WASI: go1.19.8 at $old/go cannot build GOOS=wasip1 \(needs Go >= 1.21\) and TinyGo is not installed; install Go >= 1.21" \
	env PATH="$old" "$WASMPACK" build "$dir"

# --- stand-ins that record how they are called and write a module
fake="$T_TMP/go-new"
mkdir -p "$fake"
cat >"$fake/go" <<SH
#!/bin/bash
if [ "\$1 \$2" = "env GOVERSION" ]; then echo go1.22.4; exit 0; fi
echo "GOOS=\$GOOS GOARCH=\$GOARCH GOTOOLCHAIN=\$GOTOOLCHAIN PWD=\$PWD ARGS=\$*" >"$T_TMP/go-called"
while [ \$# -gt 0 ]; do if [ "\$1" = -o ]; then /bin/cp "$TESTDATA/hello/hello.wasm" "\$2"; fi; shift; done
SH
cat >"$fake/tinygo" <<SH
#!/bin/bash
if [ "\$1" = version ]; then echo "tinygo version 0.31.2 linux/amd64 (using go version go1.22.4)"; exit 0; fi
echo "ARGS=\$*" >"$T_TMP/tinygo-called"
while [ \$# -gt 0 ]; do if [ "\$1" = -o ]; then /bin/cp "$TESTDATA/hello/hello.wasm" "\$2"; fi; shift; done
SH
chmod +x "$fake/go" "$fake/tinygo"
PATH="$fake:$PATH" build_ok fake-go "$dir" --no-cache
check_match "go >= 1.21: GOOS=wasip1 GOARCH=wasm go build in the project" \
	"^GOOS=wasip1 GOARCH=wasm GOTOOLCHAIN=local PWD=$dir ARGS=build -trimpath -o .*/go-hello.wasm \.$" \
	"$(cat "$T_TMP/go-called" 2>/dev/null)"
check_match "go: the toolchain is reported" "go builder \(go1\.22\.4 \(GOOS=wasip1\)\)" "$B_ERR"
check_eq "go: title from the module path" "go-hello" "$(annotation "$T_TMP/fake-go.oci" org.opencontainers.image.title)"
cp "$fake/tinygo" "$old/tinygo"
PATH="$old:$PATH" build_ok fake-tinygo "$dir" --no-cache
check_match "Go too old but TinyGo present: tinygo build -target=wasip1" \
	"^ARGS=build -target=wasip1 -opt=2 -o .*/go-hello.wasm \.$" "$(cat "$T_TMP/tinygo-called" 2>/dev/null)"
check_match "tinygo: the builder is reported" "tinygo builder \(tinygo 0\.31\.2 \(wasip1\)\)" "$B_ERR"

# --- go on PATH too old: the newest Debian go-1.N (N >= 21) beside it
lib="$T_TMP/go-lib"
mkdir -p "$lib/go-1.19/bin" "$lib/go-1.21/bin" "$lib/go-1.22/bin"
cp "$old/go" "$lib/go-1.19/bin/go"
sed 's/go1\.22\.4/go1.21.9/' "$fake/go" >"$lib/go-1.21/bin/go"
cp "$fake/go" "$lib/go-1.22/bin/go"
chmod +x "$lib"/go-1.*/bin/go
rm -f "$T_TMP/go-called"
WASMPACK_GO_LIBDIR="$lib" PATH="$old:$PATH" build_ok debian-go "$dir" --no-cache
check_match "go 1.19 on PATH: Debian's newest go-1.N is used" "go builder \(go1\.22\.4 \(GOOS=wasip1\)\)" "$B_ERR"
check "Debian's go-1.22 ran the build" test -s "$T_TMP/go-called"
run env WASMPACK_GO_LIBDIR="$lib" PATH="$empty" "$WASMPACK" detect "$dir"
check_match "no go on PATH at all: Debian's go-1.22 is found" "selected: go \(project go-hello\)" "$T_OUT"

# --- the real compile: the Go that make deps installs (golang-1.23-go from
# bookworm-backports, /usr/lib/go-1.23), or one on PATH, or TinyGo
unset WASMPACK_GO_LIBDIR
real=""
if have go && [[ "$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null)" =~ ^go1\.(2[1-9]|[3-9][0-9]) ]]; then
	real=go
elif compgen -G "/usr/lib/go-1.2[1-9]/bin/go" >/dev/null; then
	real="Debian go-1.2x"
elif have tinygo; then
	real=tinygo
fi
if [ -n "$real" ]; then
	if build_ok go-real "$(sample go)"; then
		runs_as "go (real $real)" "$T_TMP/go-real.wasm" "WHO=gopher" $'upper: A B\nwho: gopher' 2 a b
	fi
	# a library at the root, its command under cmd/NAME (as ko builds)
	cmdmod=$(sample go-cmd)
	if build_ok go-cmd "$cmdmod"; then
		runs_as "go: the one command under cmd/ is built" "$T_TMP/go-cmd.wasm" "" "words: 3" 0 a b c
	fi
	mkdir -p "$cmdmod/cmd/linecount"
	sed 's/Words(/Words(/' "$cmdmod/cmd/wordcount/main.go" >"$cmdmod/cmd/linecount/main.go"
	run "$WASMPACK" build "$cmdmod" -o "oci:$T_TMP/go-two.oci"
	check_eq "go: two commands under cmd/: an error listing them" \
		'wasmpack: the module has 2 commands: ./cmd/linecount, ./cmd/wordcount; choose one with --target NAME (or "target" in wasmpack.json)' \
		"$(tail -n1 <<<"$T_ERR")"
	build_ok go-target "$cmdmod" --target wordcount
	check_match "go: --target NAME builds ./cmd/NAME" "built textstat with the go builder" "$B_ERR"
	run "$WASMPACK" build "$cmdmod" --target ./cmd/linecount --dry-run
	check_match "go: --target ./PATH is the package path" "go build -trimpath -o .* \./cmd/linecount$" "$T_OUT"
else
	not_ok "go-hello real compile" "no Go >= 1.21 (make deps installs golang-1.23-go from bookworm-backports) and no TinyGo"
fi
exit $T_FAILED
