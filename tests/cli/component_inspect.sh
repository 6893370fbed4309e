#!/usr/bin/env bash
# Components decoded completely (wasm/component_*.c): `wasmpack inspect`
# prints the world of a component; for preview1 programs made into command
# components by jco's adapter it must list exactly the imports and exports
# `jco wit` prints.  Hand-written component text (testdata/components/,
# made binary by `jco parse`) covers every kind of definition; broken
# components and every truncation of one are refused with one error line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
. "$(dirname "$0")/../lib/component.bash"
need_wasi_cc
need_jco

# world_lines: the import/export lines of a world, trimmed
world_lines() { sed -n 's/^[[:space:]]*\(\(import\|export\) .*\);$/\1/p'; }

for prog in basics files dirs poll; do
	mod=$(wasi_module "$prog") || { not_ok "inspect $prog: compile" "clang failed"; continue; }
	comp="$T_TMP/$prog.component.wasm"
	if ! adapt "$mod" "$comp"; then
		not_ok "inspect $prog: jco new --wasi-command" "jco failed"
		continue
	fi
	want=$(jco wit "$comp" | world_lines)
	run "$WASMPACK" inspect --json "$comp"
	got=$(printf '%s' "$T_OUT" | jq -r '.wasm.world // .world | .[]' 2>/dev/null | world_lines)
	check_eq "inspect $prog.component: the world jco wit prints" "$want" "$got"
	check_eq "inspect $prog.component: wasi preview2" "preview2" \
		"$(printf '%s' "$T_OUT" | jq -r '.wasm.wasi // .wasi')"
done

# every kind of definition: types, resources, lift/lower, resource.*,
# nested component, instantiate, aliases, interface and plain names
jco parse "$TESTDATA/components/types.wat" -o "$T_TMP/types.wasm" >/dev/null
run "$WASMPACK" inspect "$T_TMP/types.wasm"
want='import logger: interface {
level: type;
log: func(msg: string);
}
import host:kv/store@1.2.0;
export type point = record { x: s32, y: s32 };
export type shape = variant { circle(f64), none };
export type color = enum { red, green };
export type perm = flags { read, write };
export add: func(a: u32, b: u32) -> u32;
export greet: func(name: string) -> result<string, color>;
export area: func(p: point) -> f64;
export wasi:cli/run@0.2.0;'
got=$(printf '%s\n' "$T_OUT" | sed -n '/^world:/,/^sections:/p' | sed '1,2d;$d' | sed '$d' |
	sed 's/^[[:space:]]*//')
check_eq "inspect types.wat: world with WIT types" "$want" "$got"

# a nested component instantiated with a function of the wrong signature
jco parse "$TESTDATA/components/bad_instantiate_sig.wat" -o "$T_TMP/bad.wasm" >/dev/null
expect_error "inspect: instantiation with a wrong signature is refused" 1 \
	'function "x" has the wrong signature' "$WASMPACK" inspect "$T_TMP/bad.wasm"

# every truncation of a valid component: a cut at a section boundary is a
# smaller valid component; any other is refused with one error line,
# status 1 and nothing on stdout (never a crash)
size=$(stat -c %s "$T_TMP/types.wasm")
bad="" refused=0
for ((n = 8; n < size; n++)); do
	head -c "$n" "$T_TMP/types.wasm" >"$T_TMP/cut.wasm"
	"$WASMPACK" inspect "$T_TMP/cut.wasm" >"$T_TMP/cut.out" 2>"$T_TMP/cut.err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$T_TMP/cut.err" ]; then
		continue
	fi
	refused=$((refused + 1))
	lines=$(wc -l <"$T_TMP/cut.err")
	if [ "$rc" -ne 1 ] || [ "$lines" -ne 1 ] || [ -s "$T_TMP/cut.out" ]; then
		bad="$bad $n(rc=$rc lines=$lines)"
	fi
done
if [ -z "$bad" ] && [ "$refused" -gt $((size / 2)) ]; then
	ok "inspect: $refused of $((size - 8)) truncations refused with one line, the rest section boundaries"
else
	not_ok "inspect: truncations" "refused $refused of $((size - 8)); wrong at:$bad"
fi
