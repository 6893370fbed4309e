#!/usr/bin/env bash
# Build wasmpack_<version>_<arch>.deb with dpkg-buildpackage from debian/
# (make deb), out of tree: the sources are copied into a scratch directory
# (dpkg-buildpackage writes its results next to the tree it builds and
# debian/rules cleans build/), built there, and only the .deb is kept.
# lintian, when installed, checks it and fails the build on an error.
#   scripts/deb.sh [OUT_DIR]     (default: build/; DEB_BUILD_OPTIONS honoured)
# Prints the path of the package.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out_dir=${1:-$root/build}
case "$out_dir" in /*) ;; *) out_dir="$PWD/$out_dir" ;; esac

die() { echo "deb: $*" >&2; exit 1; }
for tool in dpkg-buildpackage dpkg-parsechangelog dh; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (scripts/deps.sh deb installs dpkg-dev and debhelper)"
done
version=$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
# the version the program prints (cmd/cmd.h) and the Makefile's must be the changelog's
src_version=$(sed -n 's/^#define WASMPACK_VERSION "\(.*\)"$/\1/p' "$root/cmd/cmd.h")
make_version=$(sed -n 's/^VERSION *:= *//p' "$root/Makefile")
if [ "$src_version" != "$version" ] || [ "$make_version" != "$version" ]; then
	die "debian/changelog says $version, cmd/cmd.h says $src_version, the Makefile $make_version: add a changelog entry (dch -v)"
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
src="$stage/wasmpack-$version"
mkdir "$src"
# the tree without what builds and tests leave behind
tar -C "$root" --exclude=./.git --exclude=./build --exclude=./.deps --exclude=./wasmpack-out -cf - . | tar -C "$src" -xf -

export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=$(nproc)}"
log="$out_dir/deb-build.log"
mkdir -p "$out_dir"
# The package is built as a release, whatever the calling make was given
# (`make test SANITIZE=1` reaches here with SANITIZE in MAKEFLAGS)
if ! (cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "dpkg-buildpackage failed (the lines above end its log, $log)"
fi
deb="$stage/wasmpack_${version}_${arch}.deb"
[ -f "$deb" ] || die "dpkg-buildpackage wrote no $(basename "$deb")"
if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error "$deb" >&2 ||
		die "lintian reports errors in $(basename "$deb")"
fi
mkdir -p "$out_dir"
mv "$deb" "$out_dir/"
echo "$out_dir/$(basename "$deb")"
