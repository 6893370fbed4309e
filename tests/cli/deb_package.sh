#!/usr/bin/env bash
# make deb (scripts/deb.sh): a Debian package built with dpkg-deb, no
# network; its control fields (dependencies from dpkg-shlibdeps plus the
# dlopen()ed libraries, the toolchains recommended), its files (binary,
# compressed man page, copyright), and the packaged binary works.
. "$(dirname "$0")/../lib.sh"

if ! have dpkg-deb || ! have dpkg-shlibdeps; then
	skip "deb_package" "dpkg-deb or dpkg-shlibdeps is not installed (make deps installs dpkg-dev)"
	exit 0
fi
run env DEB_OUT_DIR="$T_TMP" "$WASMPACK_ROOT/scripts/deb.sh" "${WASMPACK_BUILD:-build}" 0.1.0
deb="$T_TMP/wasmpack_0.1.0_$(dpkg --print-architecture).deb"
check_eq "scripts/deb.sh prints the package it wrote" "0 $deb" "$T_RC $T_OUT"
check "the package exists" test -s "$deb"
info=$(dpkg-deb -f "$deb" Package Version Architecture 2>&1)
check_eq "control: package, version, architecture" \
	"Package: wasmpack Version: 0.1.0 Architecture: $(dpkg --print-architecture)" "$(tr '\n' ' ' <<<"$info" | sed 's/ $//')"
deps=$(dpkg-deb -f "$deb" Depends)
check_match "Depends: the linked libraries, versioned by dpkg-shlibdeps" "libc6 \(>= [0-9.]+\).*libjansson4 \(>= " "$deps"
check_match "Depends: the libraries opened with dlopen()" "libcurl.*libgit2.*libarchive" "$deps"
check_match "Recommends: the toolchains the builders drive" "clang.*cmake.*cargo.*npm" "$(dpkg-deb -f "$deb" Recommends)"
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/wasmpack ./usr/share/man/man1/wasmpack.1.gz ./usr/share/doc/wasmpack/copyright; do
	check "the package holds $f" grep -qx "$f" <<<"$files"
done
check "files are owned by root" test -z "$(dpkg-deb -c "$deb" | awk '$2 != "root/root"')"
mkdir -p "$T_TMP/x"
dpkg-deb -x "$deb" "$T_TMP/x"
run "$T_TMP/x/usr/bin/wasmpack" version
check_match "the packaged binary runs" "0\.1\.0" "$T_OUT"
run "$T_TMP/x/usr/bin/wasmpack" build --wasm "$TESTDATA/hello/hello.wasm" -o "oci:$T_TMP/img"
check_match "the packaged binary builds an image" "^oci:.*@sha256:[0-9a-f]{64}$" "$T_OUT"
