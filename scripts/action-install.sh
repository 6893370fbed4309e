#!/usr/bin/env bash
# The action's install step (action.yml): the distribution's development
# packages, then wasmpack built from the action's source (skipped when
# actions/cache restored the binary), put on PATH for the later steps.
#   WASMPACK_SRC   the action's checkout (github.action_path)
#   WASMPACK_CACHED  "true" when the cache restored build/wasmpack
set -euo pipefail
src=${WASMPACK_SRC:?}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
# the development packages also bring the libraries the binary opens at
# run time (libcurl, libgit2, libarchive), so they are installed even when
# the cache restored the binary
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends build-essential pkg-config \
	libarchive-dev libssl-dev libjansson-dev libcurl4-openssl-dev libgit2-dev zlib1g-dev
if [ "${WASMPACK_CACHED:-}" != true ] || [ ! -x "$src/build/wasmpack" ]; then
	make -C "$src" -j"$(nproc)" all
fi
"$src/build/wasmpack" version
echo "$src/build" >>"${GITHUB_PATH:?}"
