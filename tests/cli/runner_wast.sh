#!/usr/bin/env bash
# The engine against hand-written .wast scripts (testdata/runner/*.wast):
# every instruction group, every trap, invalid and malformed modules,
# linking.  wabt's wast2json converts each script at test time; the
# engine's spec driver runs every command.  One TAP line per script.
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
	run "$driver" "$2"
	if [ "$T_RC" -eq 0 ] && [[ "$T_OUT" =~ \ ([0-9]+)\ passed,\ 0\ failed ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then
		ok "runner wast $1: ${BASH_REMATCH[1]} commands"
	else
		not_ok "runner wast $1" "$T_OUT" "$T_ERR"
	fi
}
for w in "$TESTDATA"/runner/*.wast; do
	name=$(basename "$w" .wast)
	if ! wast2json --enable-tail-call --enable-exceptions "$w" -o "$T_TMP/$name.json" 2>"$T_TMP/$name.err"; then
		not_ok "runner wast $name converts" "$(cat "$T_TMP/$name.err")"
		continue
	fi
	runs "$name" "$T_TMP/$name.json"
done
mkdir -p "$T_TMP/eh"
if ! python3 "$WASMPACK_ROOT/tests/tools/gen_exceptions_wast.py" "$T_TMP/eh" 2>"$T_TMP/eh.err"; then
	not_ok "runner wast exceptions_standard is generated" "$(cat "$T_TMP/eh.err")"
else
	runs exceptions_standard "$T_TMP/eh/exceptions_standard.json"
fi
exit $T_FAILED
