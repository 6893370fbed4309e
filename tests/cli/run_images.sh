#!/usr/bin/env bash
# `wasmpack run` on images: the three formats from an OCI layout and from
# an oci-archive, found by tag, with the image's Cmd as the default
# arguments and its Env as the default environment, argv[0] the
# Entrypoint; digests verified; hostile layers refused; nothing extracted.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
need_wasi_cc

basics=$(wasi_module basics) || exit 1
cd "$T_TMP"
for f in image wasm krustlet; do
	"$WASMPACK" build --wasm "$basics" --format "$f" -o "oci:L:$f" -o "oci-archive:L-$f.tar:$f" \
		--arg 5 --arg "from cmd" --env GREETING=hi --env HOME=/img >/dev/null 2>&1 ||
		not_ok "build the $f image"
done
layout_before=$(tree_digest L)
lines() { grep -E "$1" <<<"$T_OUT" | tr '\n' '|' | sed 's/|$//'; }

run "$WASMPACK" run oci:L:image
check_eq "image: Cmd gives the arguments, argv[0] is the Entrypoint" \
	"argv[0]: /basics.wasm|argv[1]: 5|argv[2]: from cmd" "$(lines '^argv')"
check_eq "image: Env is the default environment" "env: GREETING=hi|env: HOME=/img" "$(lines '^env:')"
check_eq "image: the guest's exit status (from Cmd's 5)" 5 "$T_RC"
run "$WASMPACK" run oci:L:image --env HOME=/override --env EXTRA=1 -- 3
check_eq "image: ARGS replace Cmd" "argv[0]: /basics.wasm|argv[1]: 3" "$(lines '^argv')"
check_eq "image: --env adds to and overrides Env" "env: EXTRA=1|env: GREETING=hi|env: HOME=/override" "$(lines '^env:')"
check_eq "image: exit status from ARGS" 3 "$T_RC"
run "$WASMPACK" run oci:L:image --
check_eq "image: an explicit empty ARGS replaces Cmd too" "argv[0]: /basics.wasm" "$(lines '^argv')"

for f in wasm krustlet; do
	run "$WASMPACK" run "oci:L:$f" --env LANG=C
	check_eq "$f format: runs, argv[0] the module's name, no Cmd" "0 argv[0]: basics.wasm" "$T_RC $(lines '^argv')"
	check_eq "$f format: only --env in the environment" "env: LANG=C" "$(lines '^env:')"
done
for f in image wasm krustlet; do
	run "$WASMPACK" run "oci-archive:L-$f.tar:$f" -- 0 arch
	check_eq "$f format from an oci-archive" "0 argv[1]: 0|argv[2]: arch" "$T_RC $(lines '^argv\[[12]')"
done
check_eq "running reads the layout and changes nothing" "$layout_before" "$(tree_digest L)"
check_eq "nothing was extracted next to it" "L L-image.tar L-krustlet.tar L-wasm.tar" "$(ls | tr '\n' ' ' | sed 's/ $//')"
expect_error "a tag the layout lacks" 1 "nope" "$WASMPACK" run oci:L:nope
expect_error "a layout that does not exist" 1 "nowhere" "$WASMPACK" run oci:nowhere

# a blob that does not match its digest is refused before anything runs
cp -a L bad
layer=$(jq -r '.layers[0].digest' "bad/blobs/sha256/$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="image") | .digest' bad/index.json | cut -d: -f2)")
printf 'X' | dd of="bad/blobs/sha256/${layer#sha256:}" bs=1 seek=20 conv=notrunc 2>/dev/null
expect_error "a corrupted layer fails its digest check" 1 "digest|sha256" "$WASMPACK" run oci:bad:image

# hostile tar layers: climbing out, absolute names, links
for k in dotdot absolute symlink hardlink missing; do
	python3 "$WASMPACK_ROOT/tests/lib/craft-layout.py" "c-$k" "$k" "$basics" >/dev/null
done
python3 "$WASMPACK_ROOT/tests/lib/craft-layout.py" c-good good "$basics" >/dev/null
run "$WASMPACK" run oci:c-good
check_eq "the crafted control image runs (Cmd 6, Env)" "6 env: FROM_IMAGE=1" "$T_RC $(lines '^env:')"
python3 "$WASMPACK_ROOT/tests/lib/craft-layout.py" c-entry entry "$basics" >/dev/null
run "$WASMPACK" run oci:c-entry
check_eq "Entrypoint arguments come first, then Cmd" "9 argv[0]: /basics.wasm|argv[1]: 9|argv[2]: fixed|argv[3]: 6" \
	"$T_RC $(lines '^argv')"
run "$WASMPACK" run oci:c-entry -- x
check_eq "... and ARGS replace only Cmd" "argv[0]: /basics.wasm|argv[1]: 9|argv[2]: fixed|argv[3]: x" "$(lines '^argv')"
expect_error "a layer entry with '..' is refused" 1 "climbs out with '\.\.'" "$WASMPACK" run oci:c-dotdot
expect_error "a layer entry with an absolute name is refused" 1 "absolute name" "$WASMPACK" run oci:c-absolute
expect_error "a module that is a symlink in the layer is not followed" 1 "not a regular file" "$WASMPACK" run oci:c-symlink
expect_error "a module that is a hard link in the layer is not followed" 1 "not a regular file" "$WASMPACK" run oci:c-hardlink
expect_error "an Entrypoint the layers lack" 1 "not found" "$WASMPACK" run oci:c-missing
check "nothing escaped into the parent directory" test ! -e "$T_TMP/../basics.wasm"

exit "$T_FAILED"
