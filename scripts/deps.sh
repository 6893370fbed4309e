#!/usr/bin/env bash
# Install every Debian package that building and testing wasmpack need.
# Idempotent and quick when everything is present: dpkg is asked first and
# apt-get runs only for what is missing.
set -euo pipefail

packages=(
	# build
	make gcc pkg-config git
	libarchive-dev libssl-dev libjansson-dev libcurl4-openssl-dev libgit2-dev zlib1g-dev
	# unit tests
	libcmocka-dev
	# independent consumers and engines the tests compare against
	jq skopeo containerd wabt binaryen nodejs openssl tar gzip
	# registry tests
	docker-registry apache2-utils
	# toolchains the builders drive and the runner tests compile with
	clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32 libclang-rt-16-dev
	libc++-16-dev-wasm32 libc++abi-16-dev-wasm32
	# builders: every toolchain Debian packages that can target WASI
	# (bookworm's Go is 1.19, too old for GOOS=wasip1, so it is not here)
	cmake emscripten rustc cargo libstd-rust-dev-wasm32 npm
	# benchmarks
	buildah
)

missing=()
for p in "${packages[@]}"; do
	# a package is present when dpkg says it is installed
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		# node may come from elsewhere (NodeSource); accept any node >= 18
		if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then
			continue
		fi
		# npm ships with that node; Debian's npm package only when absent
		if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
			continue
		fi
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo="sudo"
	else
		echo "deps: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
