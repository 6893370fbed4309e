#!/usr/bin/env bash
# Inputs that once crashed the fuzz target (testdata/runner/fuzz/*.b64)
# replayed through the same logic: load, instantiate, call every export.
# Under `make test SANITIZE=1` this runs with ASan+UBSan.
. "$(dirname "$0")/../lib.sh"

replay="$WASMPACK_BUILD/tools/fuzz_replay"
for f in "$TESTDATA"/runner/fuzz/*.b64; do
	run "$replay" "$f"
	if [ "$T_RC" -eq 0 ] && [[ "$T_OUT" == "ok - fuzz regression"* ]]; then
		echo "$T_OUT"
	else
		not_ok "fuzz regression $(basename "$f")" "status $T_RC" "$T_ERR"
	fi
done
exit $T_FAILED
