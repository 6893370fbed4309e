#!/usr/bin/env bash
# Build build/wasmpack_<version>_<arch>.deb from an installed tree, with
# dpkg-deb (no network).  Depends: what dpkg-shlibdeps finds for the
# binary, plus the packages of the libraries it opens with dlopen()
# (libcurl, libgit2, libarchive: their sonames are compiled in, see the
# Makefile).  Recommends: the toolchains the builders drive.
#   scripts/deb.sh BUILD_DIR VERSION      (DEB_OUT_DIR: where to write it)
set -euo pipefail
build=${1:-build}
version=${2:?version}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
arch=$(dpkg --print-architecture)
stage=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
pkg="$stage/pkg"

make -C "$root" --no-print-directory install DESTDIR="$pkg" PREFIX=/usr BUILD="$build" >/dev/null
gzip -9n "$pkg/usr/share/man/man1/wasmpack.1"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/wasmpack"
doc="$pkg/usr/share/doc/wasmpack"
install -d "$doc"
cat >"$doc/copyright" <<TXT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: wasmpack
Files: *
Copyright: the wasmpack authors
License: see README.md in the source
TXT
printf 'wasmpack (%s) unstable; urgency=medium\n\n  * Package built by make deb.\n\n -- wasmpack <wasmpack@localhost>  %s\n' \
	"$version" "$(date -R -d "@${SOURCE_DATE_EPOCH:-0}")" | gzip -9n >"$doc/changelog.gz"

# shared-library dependencies: dpkg-shlibdeps reads debian/control
mkdir -p "$stage/src/debian"
printf 'Source: wasmpack\n\nPackage: wasmpack\nArchitecture: any\n' >"$stage/src/debian/control"
shlibs=$(cd "$stage/src" && dpkg-shlibdeps -O "$pkg/usr/bin/wasmpack" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
lazy=""
for lib in curl git2 archive; do
	so=$(readelf -d "$(cc -print-file-name=lib$lib.so)" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
	p=$(dpkg -S "/usr/lib/*/$so" 2>/dev/null | head -n 1 | cut -d: -f1)
	[ -n "$p" ] && lazy="$lazy, $p"
done
size=$(du -sk "$pkg" | cut -f1)
install -d "$pkg/DEBIAN"
cat >"$pkg/DEBIAN/control" <<TXT
Package: wasmpack
Version: $version
Architecture: $arch
Maintainer: wasmpack <wasmpack@localhost>
Installed-Size: $size
Depends: ${shlibs}${lazy}
Recommends: clang-16, lld-16, llvm-16, wasi-libc, libclang-rt-16-dev-wasm32, cmake, make, cargo, rustc, libstd-rust-dev-wasm32, golang-1.23-go, npm
Section: devel
Priority: optional
Description: build OCI images holding a WebAssembly module, push and run them
 wasmpack turns a project (C, C++, Rust, Go, AssemblyScript) or a prebuilt
 .wasm file into a reproducible OCI image, pushes it to OCI registries and
 runs it locally with its own Wasm engine and WASI host.
TXT
(cd "$pkg" && find usr -type f -exec md5sum {} + | sort -k2) >"$pkg/DEBIAN/md5sums"
out="${DEB_OUT_DIR:-$build}/wasmpack_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >/dev/null
echo "$out"
