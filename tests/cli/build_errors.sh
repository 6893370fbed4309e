#!/usr/bin/env bash
# Every bad input gets one clear error line naming what is wrong, a
# non-zero exit, nothing on stdout, and leaves the target layout exactly
# as it was (nothing half-written).
. "$(dirname "$0")/../lib.sh"

hello="$TESTDATA/hello/hello.wasm"
cd "$T_TMP"
"$WASMPACK" build --wasm "$hello" -o oci:lay:keep >/dev/null
before=$(tree_digest lay)

# expect_unchanged NAME STATUS REGEX ARGS...: the error, then the layout check
expect_unchanged() {
	local name=$1
	expect_error "$@"
	check_eq "$name: layout unchanged" "$before" "$(tree_digest lay)"
}

printf 'not wasm at all' >app.bin
head -c 20 "$hello" >trunc.wasm
: >empty.wasm
mkdir adir
# a section claiming more bytes than the file has
python3 -c "import sys; d=open('$hello','rb').read(); sys.stdout.buffer.write(d[:8]+bytes([1,0xff,0x01])+d[10:])" >pastend.wasm
# a LEB128 section size of 6 bytes (overflow)
python3 -c "import sys; d=open('$hello','rb').read(); sys.stdout.buffer.write(d[:8]+bytes([1,0x80,0x80,0x80,0x80,0x80,0x00]))" >leb.wasm

expect_unchanged "missing --wasm file" 1 '^wasmpack: nope\.wasm: No such file' \
	"$WASMPACK" build --wasm nope.wasm -o oci:lay
expect_unchanged "a directory where a file is expected" 1 '^wasmpack: adir: is a directory' \
	"$WASMPACK" build --wasm adir -o oci:lay
expect_unchanged "non-wasm bytes" 1 '^wasmpack: not a WebAssembly module: app\.bin \(bad magic\)$' \
	"$WASMPACK" build --wasm app.bin -o oci:lay
expect_unchanged "empty file" 1 '^wasmpack: not a WebAssembly module: empty\.wasm \(empty file' \
	"$WASMPACK" build --wasm empty.wasm -o oci:lay
expect_unchanged "truncated module" 1 '^wasmpack: not a WebAssembly module: trunc\.wasm \(.*offset [0-9]+' \
	"$WASMPACK" build --wasm trunc.wasm -o oci:lay
expect_unchanged "section length past the end" 1 'not a WebAssembly module: pastend\.wasm \(section type: length 255 past the end' \
	"$WASMPACK" build --wasm pastend.wasm -o oci:lay
expect_unchanged "LEB128 overflow" 1 'not a WebAssembly module: leb\.wasm \(integer representation too long at offset 9\)' \
	"$WASMPACK" build --wasm leb.wasm -o oci:lay
expect_unchanged "malformed -t reference" 2 "invalid reference 'Bad/Name:1'" \
	"$WASMPACK" build --wasm "$hello" -o oci:lay -t Bad/Name:1
expect_unchanged "malformed bare tag" 2 "invalid tag '-x'" \
	"$WASMPACK" build --wasm "$hello" -o oci:lay --tag=-x
expect_unchanged "--label without =" 2 "--label 'team' has no '='" \
	"$WASMPACK" build --wasm "$hello" -o oci:lay --label team
expect_unchanged "--annotation with empty key" 2 "--annotation '=x' has an empty key" \
	"$WASMPACK" build --wasm "$hello" -o oci:lay --annotation =x
expect_unchanged "unknown --format" 2 "unknown --format 'docker'" \
	"$WASMPACK" build --wasm "$hello" -o oci:lay --format docker
expect_unchanged "unknown --platform" 2 "unknown --platform 'linux/amd64'" \
	"$WASMPACK" build --wasm "$hello" -o oci:lay --platform linux/amd64
expect_unchanged "unknown output type" 2 "unknown destination type 'tarball'" \
	"$WASMPACK" build --wasm "$hello" -o tarball:x
expect_unchanged "bad tag in destination" 2 "invalid tag 'a b'" \
	"$WASMPACK" build --wasm "$hello" -o "oci:lay:a b"
expect_unchanged "bad SOURCE_DATE_EPOCH" 2 "SOURCE_DATE_EPOCH='yesterday'" \
	env SOURCE_DATE_EPOCH=yesterday "$WASMPACK" build --wasm "$hello" -o oci:lay
expect_unchanged "docker-archive of a wasm artifact" 2 "docker-archive holds only the image format" \
	"$WASMPACK" build --wasm "$hello" --format wasm -o docker-archive:x.tar
check "no docker-archive file left behind" test ! -e x.tar
expect_unchanged "unknown option" 2 "^wasmpack build: unknown option '--frobnicate'" \
	"$WASMPACK" build --frobnicate
expect_unchanged "option without its value" 2 "option --wasm needs a value" \
	"$WASMPACK" build --wasm
expect_unchanged "DIR that is a file" 1 "not a directory" \
	"$WASMPACK" build "$hello" -o oci:lay

# a corrupt index.json: refused, and left exactly as it was
cp -r lay bad
printf '{"manifests": [' >bad/index.json
bad_before=$(tree_digest bad)
expect_error "corrupt index.json" 1 "bad/index.json: invalid JSON at line 1" \
	"$WASMPACK" build --wasm "$hello" -o oci:bad:new
check_eq "corrupt index.json: layout unchanged" "$bad_before" "$(tree_digest bad)"
printf '{"schemaVersion":2}' >bad/index.json
expect_error "index.json without manifests" 1 "not an OCI index" \
	"$WASMPACK" build --wasm "$hello" -o oci:bad:new

# an unwritable output directory (run as an unprivileged user when root,
# since root writes anywhere)
mkdir ro && chmod 0555 ro
as_user=()
if [ "$(id -u)" -eq 0 ]; then
	if have setpriv; then as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups); fi
fi
if [ "$(id -u)" -ne 0 ] || [ ${#as_user[@]} -gt 0 ]; then
	# the checkout may sit in a private directory: give the unprivileged
	# user its own copies of the binary and the module
	chmod 0755 "$T_TMP"
	cp "$WASMPACK" "$T_TMP/wp" && cp "$hello" "$T_TMP/m.wasm"
	WASMPACK="$T_TMP/wp" hello="$T_TMP/m.wasm"
	expect_error "unwritable output directory" 1 "ro/out: Permission denied|cannot (create|write)" \
		"${as_user[@]}" "$WASMPACK" build --wasm "$hello" -o oci:ro/out
	check "unwritable output directory: nothing created" test -z "$(ls -A ro)"
	cp -r lay rolay && chmod -R a-w rolay
	rolay_before=$(tree_digest rolay)
	expect_error "read-only existing layout" 1 "cannot write rolay/blobs/sha256/.*Permission denied" \
		"${as_user[@]}" "$WASMPACK" build --wasm "$hello" -o oci:rolay:new --label x=1
	check_eq "read-only existing layout: unchanged" "$rolay_before" "$(tree_digest rolay)"
	# only the root read-only: the new blobs are written, then index.json
	# cannot be replaced, and the blobs are removed again
	chmod -R u+w rolay && chmod 0777 rolay/blobs/sha256 && chmod 0555 rolay
	rolay_before=$(tree_digest rolay)
	expect_error "index.json cannot be replaced" 1 "cannot write rolay/index.json" \
		"${as_user[@]}" "$WASMPACK" build --wasm "$hello" -o oci:rolay:new --label x=2
	check_eq "index.json cannot be replaced: new blobs removed, layout unchanged" "$rolay_before" "$(tree_digest rolay)"
	chmod -R u+w rolay
else
	skip "unwritable output directory" "running as root without setpriv"
fi

# a failure after the layout directory was created removes it again
expect_error "new layout removed after a failure" 2 "invalid tag" \
	"$WASMPACK" build --wasm "$hello" -o "oci:fresh:bad tag"
check "a failed build leaves no new layout directory" test ! -e fresh

# inspect errors
expect_error "inspect: missing target" 2 "missing TARGET" "$WASMPACK" inspect
expect_error "inspect: non-wasm file" 1 "not a WebAssembly module: app\.bin \(bad magic\)" "$WASMPACK" inspect app.bin
expect_error "inspect: no such layout" 1 "oci:nolayout: no such directory" "$WASMPACK" inspect oci:nolayout
expect_error "inspect: unknown tag" 1 "no image tagged 'nope' \(tags: keep\)" "$WASMPACK" inspect oci:lay:nope
# a blob whose content does not match its digest is refused
cp -r lay tampered
for b in tampered/blobs/sha256/*; do
	if [ "$(head -c 2 "$b" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then chmod u+w "$b"; printf 'x' >>"$b"; fi
done
expect_error "inspect: tampered layer refused" 1 "tampered.*(corrupt|does not match)" "$WASMPACK" inspect oci:tampered:keep
