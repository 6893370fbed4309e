#!/usr/bin/env bash
# The engine against hand-written .wast scripts (testdata/runner/*.wast):
# every instruction group, every trap, invalid and malformed modules,
# linking.  wabt's wast2json converts each script at test time; the
# engine's spec driver runs every command, strictly: an error or trap
# must say what the script expects.  One TAP line per script.
# The standard form of exception handling (try_table, exnref) is past
# Debian's wabt: tests/tools/gen_exceptions_wast.py assembles its modules
# and writes the commands in wast2json's form.
. "$(dirname "$0")/../lib.sh"

driver="$WASMPACK_BUILD/tools/spec_run"
if ! have wast2json; then
	skip runner_wast "wast2json not installed (Debian package wabt)"
	exit 0
fi
# runs NAME JSON: the driver runs every command of JSON, none fails
runs() {
	run "$driver" --strict "$2"
	if [ "$T_RC" -eq 0 ] && [[ "$T_OUT" =~ \ ([0-9]+)\ passed,\ 0\ failed ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then
		ok "runner wast $1: ${BASH_REMATCH[1]} commands"
	else
		not_ok "runner wast $1" "$T_OUT" "$T_ERR"
	fi
}
for w in "$TESTDATA"/runner/*.wast; do
	name=$(basename "$w" .wast)
	if ! wast2json --enable-tail-call --enable-exceptions --enable-extended-const --enable-relaxed-simd --enable-multi-memory --enable-memory64 --no-check "$w" -o "$T_TMP/$name.json" 2>"$T_TMP/$name.err"; then
		not_ok "runner wast $name converts" "$(cat "$T_TMP/$name.err")"
		continue
	fi
	runs "$name" "$T_TMP/$name.json"
done
# 3.0 constructs Debian's wast2json rejects even in binary (table64,
# memarg offsets past 2^32): all-binary scripts, converted here
for w in "$TESTDATA"/runner/binary/*.wast; do
	name=$(basename "$w" .wast)
	if ! python3 "$WASMPACK_ROOT/tests/tools/wast_binary.py" "$w" "$T_TMP" 2>"$T_TMP/$name.err"; then
		not_ok "runner wast $name converts" "$(cat "$T_TMP/$name.err")"
		continue
	fi
	runs "$name" "$T_TMP/$name.json"
done
# A table with an initialiser expression (3.0), which Debian's wast2json
# cannot read even in binary: every element of a 4-element funcref table
# starts as (ref.func 0), which returns 5; export "c" calls element i.
printf '%b' '\x00\x61\x73\x6d\x01\x00\x00\x00\x01\x0a\x02\x60\x00\x01\x7f\x60\x01\x7f\x01\x7f\x03\x03\x02\x00\x01\x04\x09\x01\x40\x00\x70\x00\x04\xd2\x00\x0b\x07\x05\x01\x01\x63\x00\x01\x09\x05\x01\x03\x00\x01\x00\x0a\x0e\x02\x04\x00\x41\x05\x0b\x07\x00\x20\x00\x11\x00\x00\x0b' >"$T_TMP/table_init.wasm"
run "$WASMPACK_BUILD/tools/wasm_run" "$T_TMP/table_init.wasm" c 0
r0="$T_RC $T_OUT"
run "$WASMPACK_BUILD/tools/wasm_run" "$T_TMP/table_init.wasm" c 3
check_eq "a table initialiser fills every element" "0 5 0 5" "$r0 $T_RC $T_OUT"
run "$WASMPACK_BUILD/tools/wasm_run" "$T_TMP/table_init.wasm" c 4
check_eq "and past its size call_indirect traps" "134 undefined element" "$T_RC $(grep -o 'undefined element' <<<"$T_ERR" | head -1)"
mkdir -p "$T_TMP/eh"
if ! python3 "$WASMPACK_ROOT/tests/tools/gen_exceptions_wast.py" "$T_TMP/eh" 2>"$T_TMP/eh.err"; then
	not_ok "runner wast exceptions_standard is generated" "$(cat "$T_TMP/eh.err")"
else
	runs exceptions_standard "$T_TMP/eh/exceptions_standard.json"
fi
exit $T_FAILED
