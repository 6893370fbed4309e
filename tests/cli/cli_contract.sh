#!/usr/bin/env bash
# The command-line contract: help, version, exit codes, one-line errors.
. "$(dirname "$0")/../lib.sh"

run "$WASMPACK" version
check_match "version prints 'wasmpack X.Y.Z' on stdout" '^wasmpack [0-9]+\.[0-9]+\.[0-9]+$' "$T_OUT"
check_eq "version exits 0" 0 "$T_RC"
run "$WASMPACK" help
check_match "help lists the commands" 'build.*inspect.*version' "$(tr '\n' ' ' <<<"$T_OUT")"
for c in build inspect version help; do
	run "$WASMPACK" help "$c"
	check_match "help $c prints its usage" "^usage: wasmpack $c" "$T_OUT"
done
for c in build inspect; do
	run "$WASMPACK" "$c" -h
	check_eq "$c -h is the same text as help $c" "$("$WASMPACK" help "$c")" "$T_OUT"
	run "$WASMPACK" "$c" --help
	check_eq "$c --help exits 0" 0 "$T_RC"
done
expect_error "unknown command exits 2" 2 "^wasmpack: unknown command 'frob'" "$WASMPACK" frob
expect_error "help for an unknown command exits 2" 2 "unknown command 'frob'" "$WASMPACK" help frob
run "$WASMPACK"
check_eq "no command: usage on stderr, exit 2" "2" "$T_RC"
check_match "no command: usage text" 'usage: wasmpack' "$T_ERR"
expect_error "version takes no arguments" 2 "unexpected argument 'x'" "$WASMPACK" version x

# the attachment options are listed by every command that takes them (issue 15)
for pair in "build --sbom" "build --no-provenance" "build --sign" "build --key" "push --sign" "push --key" \
	"pull --attestations" "sign --key" "verify --key" "run --verify-key" "sbom --format" "sbom --provenance"; do
	c=${pair% *} o=${pair#* }
	listed=$("$WASMPACK" "$c" --help | grep -qE -- "^  (--sign )?$o( |\$)" && echo yes || echo no)
	check_eq "$c --help lists $o" yes "$listed"
done
expect_error "build --sbom checks its value" 2 "sbom" "$WASMPACK" build --wasm "$WASMPACK_ROOT/testdata/hello/hello.wasm" --sbom bogus
