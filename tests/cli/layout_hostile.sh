#!/usr/bin/env bash
# Writing into a layout someone else may have tampered with (issue 11):
# a file already sitting at blobs/sha256/<digest> is verified, not
# trusted; temporary files a killed writer left behind are removed by the
# next write; a file-size limit (SIGXFSZ) is a clear error, not a crash
# that leaves half-written files.
. "$(dirname "$0")/../lib.sh"

wasm="$TESTDATA/hello/hello.wasm"
cd "$T_TMP"
# every blob in layout $1 holds the bytes its name says (prints the bad ones)
bad_blobs() {
	local f
	for f in "$1"/blobs/sha256/*; do
		[ -f "$f" ] && [ ! -L "$f" ] && [ "$(sha256sum <"$f" | cut -d' ' -f1)" == "$(basename "$f")" ] ||
			echo "$(basename "$f")"
	done
}

# 13: a damaged blob already in the destination is replaced
"$WASMPACK" build --wasm "$wasm" -o oci:ref >/dev/null 2>&1 || not_ok "build the reference layout"
man=$(jq -r '.manifests[0].digest' ref/index.json | cut -d: -f2)
layer=$(jq -r '.layers[0].digest' "ref/blobs/sha256/$man" | cut -d: -f2)
cfg=$(jq -r '.config.digest' "ref/blobs/sha256/$man" | cut -d: -f2)
mkdir -p dst/blobs/sha256
printf 'tampered' >"dst/blobs/sha256/$layer"
printf 'outside\n' >outside && ln -s "$T_TMP/outside" "dst/blobs/sha256/$cfg"
run "$WASMPACK" build --wasm "$wasm" -o oci:dst
check_eq "build over a tampered blob and a symlinked blob succeeds" 0 "$T_RC"
check_eq "... and every blob now holds its digest's bytes" "none" "$(bad_blobs dst; echo none)"
check_eq "... the symlink's target is untouched" "outside" "$(cat outside)"
run "$WASMPACK" inspect oci:dst
check_eq "... and the layout reads back" 0 "$T_RC"

# 17: a file-size limit is a clear error and leaves nothing half-written
python3 "$WASMPACK_ROOT/tests/e2e/lib/gen-wasm.py" 400000 big.wasm
cp -a ref lim && before=$(tree_digest lim)
expect_error "a write over the file-size limit (SIGXFSZ) is one clear error" 1 "File too large" \
	bash -c 'ulimit -f 200; exec "$@"' _ "$WASMPACK" build --wasm big.wasm -o oci:lim
check_eq "... and the layout is as it was (no *.tmp-* left)" "$before" "$(tree_digest lim)"
expect_error "... the same into a new layout" 1 "File too large" \
	bash -c 'ulimit -f 200; exec "$@"' _ "$WASMPACK" build --wasm big.wasm -o oci:lim2
check "... which is not left behind" test ! -e lim2

# 17: temporary files of a writer that no longer runs are removed by the
# next write; those of a live process are left alone
sh -c 'exit 0' & dead=$!
wait "$dead"
touch "lim/blobs/sha256/$layer.tmp-$dead-AbC123" "lim/index.json.tmp-$dead-XyZ789" \
	"lim/blobs/sha256/$cfg.tmp-$$-LiVe12"
run "$WASMPACK" build --wasm "$wasm" -o oci:lim:again
check_eq "the next write removes a dead writer's temporary files, keeps a live one's" \
	"0 lim/blobs/sha256/$cfg.tmp-$$-LiVe12" "$T_RC $(find lim -name '*.tmp-*' | sort | tr '\n' ' ' | sed 's/ $//')"

exit "$T_FAILED"
