#!/usr/bin/env bash
# make deb (scripts/deb.sh): dpkg-buildpackage on debian/, out of tree.
# The package's control fields (version = `wasmpack version`, Depends from
# dpkg-shlibdeps plus the dlopen()ed libraries, the toolchains
# recommended), its files (binary, man page, machine-readable copyright,
# bash and zsh completions where the shells look), dpkg-buildflags'
# hardening in the binary, lintian without errors, nothing left in the
# checkout, the packaged binary works; a version that disagrees with the
# changelog stops the build with one clear line.
. "$(dirname "$0")/../lib.sh"

for tool in dpkg-buildpackage dh lintian; do
	if ! have "$tool"; then
		skip "deb_package" "$tool is not installed (make deps installs dpkg-dev, debhelper, lintian)"
		exit 0
	fi
done
root=$WASMPACK_ROOT
arch=$(dpkg --print-architecture)
version=$("$WASMPACK" version 2>/dev/null | cut -d' ' -f2)

# a changelog that disagrees with the program's version: refused before building
mkdir -p "$T_TMP/tree/debian" "$T_TMP/tree/cmd" "$T_TMP/tree/scripts"
cp "$root/Makefile" "$T_TMP/tree/"
cp "$root/cmd/cmd.h" "$T_TMP/tree/cmd/"
cp "$root/scripts/deb.sh" "$T_TMP/tree/scripts/"
sed '1s/(\([^)]*\))/(9.9.9)/' "$root/debian/changelog" >"$T_TMP/tree/debian/changelog"
expect_error "a changelog version that is not the program's stops make deb" 1 \
	"^deb: debian/changelog says 9\.9\.9, cmd/cmd\.h says $version" bash "$T_TMP/tree/scripts/deb.sh" "$T_TMP/none"
check "... and writes nothing" test ! -e "$T_TMP/none"

before=$(ls -a "$root/debian" | tr '\n' ' ')
touch "$T_TMP/start"
run "$root/scripts/deb.sh" "$T_TMP/out"
deb="$T_TMP/out/wasmpack_${version}_${arch}.deb"
check_eq "scripts/deb.sh prints the package it wrote" "0 $deb" "$T_RC $T_OUT"
[ "$T_RC" -eq 0 ] || { not_ok "dpkg-buildpackage" "$T_ERR" "$(tail -n 30 "$T_TMP/out/deb-build.log" 2>/dev/null)"; exit 1; }
check_eq "built out of tree: debian/ as it was (no debian/wasmpack, .debhelper, files)" "$before" \
	"$(ls -a "$root/debian" | tr '\n' ' ')"
check "built out of tree: no .deb, .changes or .buildinfo in or beside the checkout" \
	test -z "$(find "$root" "$root/.." -maxdepth 1 -newer "$T_TMP/start" -name 'wasmpack*_*' 2>/dev/null)"
check_match "dpkg-buildpackage ran debhelper (its log is kept)" "dh_gencontrol" "$(cat "$T_TMP/out/deb-build.log")"

info=$(dpkg-deb -f "$deb" Package Version Architecture 2>&1)
check_eq "control: package, version (= wasmpack version), architecture" \
	"Package: wasmpack Version: $version Architecture: $arch" "$(tr '\n' ' ' <<<"$info" | sed 's/ $//')"
deps=$(dpkg-deb -f "$deb" Depends)
check_match "Depends: the linked libraries, versioned by dpkg-shlibdeps" "libc6 \(>= [0-9.]+\).*libjansson4 \(>= " "$deps"
check_match "Depends: the libraries opened with dlopen()" "libcurl4.*libgit2-[0-9.]+.*libarchive13" "$deps"
check "Depends: every substitution variable filled" test -n "${deps##*\$\{*}"
recs=$(dpkg-deb -f "$deb" Recommends)
for p in clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 cargo rustc libstd-rust-dev-wasm32 golang-1.23-go npm; do
	check "Recommends: $p (a toolchain the builders drive)" grep -qE "(^|[ ,|])$p([ ,]|$)" <<<"$recs"
done
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/wasmpack ./usr/share/man/man1/wasmpack.1.gz ./usr/share/doc/wasmpack/copyright \
	./usr/share/doc/wasmpack/changelog.gz ./usr/share/bash-completion/completions/wasmpack \
	./usr/share/zsh/vendor-completions/_wasmpack; do
	check "the package holds $f" grep -qx "$f" <<<"$files"
done
check "files are owned by root" test -z "$(dpkg-deb -c "$deb" | awk '$2 != "root/root"')"

mkdir -p "$T_TMP/x"
dpkg-deb -x "$deb" "$T_TMP/x"
check_match "copyright: machine-readable (DEP-5)" "^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" \
	"$(cat "$T_TMP/x/usr/share/doc/wasmpack/copyright")"
check_eq "the bash completion is what the packaged binary generates" \
	"$("$T_TMP/x/usr/bin/wasmpack" completion bash | sha256sum)" "$(sha256sum <"$T_TMP/x/usr/share/bash-completion/completions/wasmpack")"
check "the bash completion registers for wasmpack" bash -c '. "$1" && complete -p wasmpack' bash \
	"$T_TMP/x/usr/share/bash-completion/completions/wasmpack"
check_match "the zsh completion is a #compdef file" "^#compdef wasmpack" "$(head -n 1 "$T_TMP/x/usr/share/zsh/vendor-completions/_wasmpack")"
bin="$T_TMP/x/usr/bin/wasmpack"
check_match "hardening (dpkg-buildflags): full RELRO, bind now" "BIND_NOW" "$(readelf -d "$bin")"
check "hardening (dpkg-buildflags): fortified calls (__*_chk)" \
	test -n "$(readelf --dyn-syms -W "$bin" | grep -E '__[a-z]+_chk\b' | grep -v __stack_chk_fail)"
check "stripped (the debug symbols go to the -dbgsym package)" test -z "$(readelf -S "$bin" | grep -F .debug_info)"

run lintian --fail-on error "$deb"
check_eq "lintian: no errors" "0" "$T_RC"
check "lintian: no E: tags" test -z "$(grep '^E: ' <<<"$T_OUT")"

run "$bin" version
check_eq "the packaged binary runs" "wasmpack $version" "$T_OUT"
run "$bin" build --wasm "$TESTDATA/hello/hello.wasm" -o "oci:$T_TMP/img"
check_match "the packaged binary builds an image" "^oci:.*@sha256:[0-9a-f]{64}$" "$T_OUT"
