#!/usr/bin/env bash
# Print the Debian packages (comma-separated) of the libraries wasmpack
# opens with dlopen() on first use: libcurl, libgit2, libarchive (their
# sonames are compiled in, see the Makefile's LAZY_PKGS), which
# dpkg-shlibdeps cannot see.  debian/rules puts them in Depends.
set -euo pipefail
CC=${CC:-cc}
out=""
for lib in curl git2 archive; do
	so=$(readelf -d "$("$CC" -print-file-name="lib$lib.so")" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
	[ -n "$so" ] || { echo "dlopen-depends: no soname for lib$lib.so (is its -dev package installed?)" >&2; exit 1; }
	pkg=$(dpkg -S "/usr/lib/*/$so" 2>/dev/null | head -n 1 | cut -d: -f1)
	[ -n "$pkg" ] || { echo "dlopen-depends: no installed package holds $so" >&2; exit 1; }
	out="${out:+$out, }$pkg"
done
echo "$out"
