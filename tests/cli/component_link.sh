#!/usr/bin/env bash
# An import implemented by a second component (runner/component_inst.c,
# call_component): testdata/components/linked.wat instantiates component
# A and passes its exports to component B's imports; `--invoke` calls B,
# whose core module calls A through `canon lower`.  B's strings are utf16
# and A's UTF-8, so every string is transcoded on the way in and out; the
# expected values are worked out by hand from what A's core code does.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/component.bash"
need_jco
cd "$T_TMP" || exit 1

jco parse "$TESTDATA/components/linked.wat" -o linked.wasm >/dev/null
while IFS='|' read -r name call want; do
	run "$WASMPACK" run --invoke "$call" linked.wasm
	check_eq "B calls A: $name" "0 $want" "$T_RC $T_OUT"
done <<'CALLS'
a string crosses utf16 -> UTF-8 -> utf16 (A stars its first byte)|via-star("h\u{e9}llo \u{1f600}")|"*éllo 😀"
B gets 4 code units, A gets 7 UTF-8 bytes (units*1000+bytes)|via-bytes("h\u{e9}\u{1f600}")|4007
the empty string|via-bytes("")|0
a list<u32> crosses into A|via-sum([1, 2, 4294967295])|2
an empty list|via-sum([])|0
CALLS
# A overwrites the first byte of a two-byte char: its answer is not
# UTF-8, and lifting it out of A traps B's call (status 134, the trap
# named on the first line, then the guest backtrace as for any trap)
run "$WASMPACK" run --invoke 'via-star("\u{e9}x")' linked.wasm
check_eq "B calls A: A's invalid UTF-8 answer traps" \
	"134 Error: canonical ABI: string is not valid UTF-8" "$T_RC $(head -n1 <<<"$T_ERR")"

# An import served by the host in utf16 (testdata/components/host_utf16.wat):
# the WASI 0.2 host lowers get-environment's strings as UTF-16 through
# the guest's realloc; the guest returns the last value and its length
# in code units ("hé😀" is 4: h, é, and a surrogate pair)
jco parse "$TESTDATA/components/host_utf16.wat" -o host16.wasm >/dev/null
run "$WASMPACK" run --env A=x --env "K=hé😀" --invoke 'last()' host16.wasm
check_eq "the host lowers strings as utf16" '0 ("hé😀", 4)' "$T_RC $T_OUT"
run "$WASMPACK" run --env "K=" --invoke 'last()' host16.wasm
check_eq "the host lowers an empty string as utf16" '0 ("", 0)' "$T_RC $T_OUT"
