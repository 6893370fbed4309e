#!/usr/bin/env bash
# C programs compiled at test time to wasm32 (clang-16, no libc) and run
# through the embedding API (build/tools/wasm_run) must print exactly what
# the same C prints compiled natively (gcc), at -O0, -O2 and -Os, and for
# wasm64 (memory64) at -O2; a
# trapping program ends with "Error: <reason>", a named backtrace and 134.
. "$(dirname "$0")/../lib.sh"

run_tool="$WASMPACK_BUILD/tools/wasm_run"
src="$TESTDATA/runner/c"
if ! have clang-16; then
	skip runner_cprog "clang-16 not installed"
	exit 0
fi
wasm_cc() {
	clang-16 --target=wasm32 -nostdlib -mbulk-memory -mnontrapping-fptoint -msign-ext \
		-Wl,--no-entry "$@"
}

# the same programs for wasm64 (memory64: 64-bit pointers and addresses)
wasm64_cc() {
	clang-16 --target=wasm64 -nostdlib -mbulk-memory -mnontrapping-fptoint -msign-ext \
		-Wl,--no-entry "$@"
}

for prog in algo numeric; do
	for opt in -O0 -O2 -Os -O2/wasm64; do
		cc=wasm_cc n=$prog$opt
		case $opt in
		*/wasm64) cc=wasm64_cc opt=${opt%/wasm64} n=$prog$opt.wasm64 ;;
		esac
		if ! $cc "$opt" -o "$T_TMP/$n.wasm" "$src/$prog.c" 2>"$T_TMP/cc.err"; then
			not_ok "runner C $n compiles" "$(cat "$T_TMP/cc.err")"
			continue
		fi
		gcc "$opt" -o "$T_TMP/$n.native" "$src/$prog.c" -lm
		want=$("$T_TMP/$n.native")
		run "$run_tool" "$T_TMP/$n.wasm" run
		if [ "$T_RC" -eq 0 ]; then
			check_eq "runner C $n matches native" "$want" "$T_OUT"
		else
			not_ok "runner C $n runs" "status $T_RC" "$T_ERR"
		fi
	done
done

# a trap: message, backtrace with names from the name section, status 134
wasm_cc -O0 -o "$T_TMP/trap.wasm" "$src/trap.c"
run "$run_tool" "$T_TMP/trap.wasm" run
check_eq "runner C trap status" "134" "$T_RC"
check_eq "runner C trap output before the trap" "before" "$T_OUT"
check_eq "runner C trap reason" "Error: integer divide by zero" "$(printf '%s\n' "$T_ERR" | head -1)"
check_match "runner C trap backtrace" \
	"0: func\[[0-9]+\] divide_it.*1: func\[[0-9]+\] middle_layer.*2: func\[[0-9]+\] run" \
	"$(printf '%s' "$T_ERR" | tr '\n' ' ')"
# tail calls (clang -mtail-call: return_call, return_call_indirect): a
# threaded interpreter whose 8,000,000 handler calls need a flat stack,
# under wasmpack run and node's WASI, against the same C built natively
if clang-16 --target=wasm32-wasi -O2 -mtail-call -o "$T_TMP/tailrec.wasm" "$src/tailrec.c" 2>"$T_TMP/cc.err"; then
	clang-16 -O2 -o "$T_TMP/tailrec.native" "$src/tailrec.c"
	want=$("$T_TMP/tailrec.native")
	run "$WASMPACK" run "$T_TMP/tailrec.wasm"
	check_eq "tail calls (-mtail-call): wasmpack run prints what the native build prints" "0 $want" "$T_RC $T_OUT"
	wasi_node "$T_TMP/tailrec.wasm" ""
	check_eq "tail calls (-mtail-call): node's WASI prints the same" "0 $want" "$T_RC $T_OUT"
else
	not_ok "runner C tailrec compiles with -mtail-call" "$(cat "$T_TMP/cc.err")"
fi
exit $T_FAILED
