#!/usr/bin/env bash
# WASI 0.2 command components under `wasmpack run` (runner/component_inst.c,
# cabi.c, wasi2_host.c): preview1 test programs made into components by
# jco's adapter (`jco new --wasi-command`) must print what the bare module
# prints under wasmpack's preview1 host, and what `jco run` (an engine
# nobody here wrote) prints for the same component; exit statuses, traps,
# --fuel, --max-memory and --timeout behave as for the bare module.
#
# What the adapter itself changes is left out of the bare-module
# comparison: WASI 0.2 has no CPU-time clocks (the adapter answers EBADF
# for clock ids 2 and 3 and for bad ids) and exit codes other than 0 are
# exit(err), status 1 (jco run and wasmtime report 1 as well).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
. "$(dirname "$0")/../lib/component.bash"
need_wasi_cc
need_jco
cd "$T_TMP" || exit 1

# prog.wasm and prog.component.wasm side by side, both run as "prog"
prepare() {
	local name=$1 mod
	shift
	mod=$(wasi_module "$name" "$@") || return 1
	mkdir -p m c
	cp "$mod" "m/$name.wasm"
	adapt "m/$name.wasm" "c/$name.wasm"
}

adapter_lines='^clock_(res|time)_get\((2|3|bad id)\)'

for prog in basics poll; do
	if ! prepare "$prog"; then
		not_ok "$prog: compile and adapt" "clang or jco failed"
		continue
	fi
	run "$WASMPACK" run --env HOME=/home/guest --env LANG=C "m/$prog.wasm" -- one "two words"
	m_out=$T_OUT m_rc=$T_RC
	run "$WASMPACK" run --env HOME=/home/guest --env LANG=C "c/$prog.wasm" -- one "two words"
	c_out=$T_OUT c_rc=$T_RC c_err=$T_ERR
	check_eq "$prog: the component exits as the module" "$m_rc" "$c_rc"
	check_eq "$prog: the component prints what the module prints (adapter's clock lines aside)" \
		"$(grep -Ev "$adapter_lines" <<<"$m_out")" "$(grep -Ev "$adapter_lines" <<<"$c_out")"
	if [ -z "$c_err" ]; then ok "$prog: nothing on stderr"; else not_ok "$prog: nothing on stderr" "$c_err"; fi
	# jco run: the same environment (env -i), argv[0] is its own choice
	run env -i HOME=/home/guest LANG=C "$JCO_NODE" "$JCO_BIN" run "c/$prog.wasm" one "two words"
	check_eq "$prog: wasmpack run and jco run print the same (argv[0] aside)" \
		"$(grep -v '^argv\[0\]' <<<"$T_OUT")" "$(grep -v '^argv\[0\]' <<<"$c_out")"
	check_eq "$prog: jco run's status" "$c_rc" "$T_RC"
done

# files beneath a preopen: the same as the bare module (and the same tree
# left behind); a path escaping the preopen is refused by both (0.2 has no
# ENOTCAPABLE: not-permitted, EPERM, as in wasmtime)
if prepare files2; then
	mkdir -p dm dc
	run "$WASMPACK" run --dir dm::/data m/files2.wasm
	m_out=$T_OUT m_rc=$T_RC
	run "$WASMPACK" run --dir dc::/data c/files2.wasm
	check_eq "files2: --dir with a component: exit status" "$m_rc" "$T_RC"
	check_eq "files2: --dir with a component: what the module prints" \
		"$(sed 's/^escape: Capabilities insufficient$/escape: refused/' <<<"$m_out")" \
		"$(sed 's/^escape: Operation not permitted$/escape: refused/' <<<"$T_OUT")"
	check_eq "files2: the preopen is left empty by both" "$(tree_digest dm)" "$(tree_digest dc)"
else
	not_ok "files2: compile and adapt" "clang or jco failed"
fi

# exits and traps: trap.c picks the way it ends from argv[1]
prepare trap -O0 || { not_ok "trap: compile and adapt" "clang or jco failed"; exit 1; }
for mode in "exit 0" "exit 7" "return 3" "proc_exit 0" "proc_exit 9"; do
	run "$WASMPACK" run m/trap.wasm -- $mode
	m_rc=$T_RC m_out=$T_OUT
	run "$WASMPACK" run c/trap.wasm -- $mode
	want=$([ "$m_rc" -eq 0 ] && echo 0 || echo 1)
	check_eq "trap $mode: component status (module's $m_rc)" "$want" "$T_RC"
	check_eq "trap $mode: same stdout" "$m_out" "$T_OUT"
done
for mode in unreachable divzero oob stack; do
	run "$WASMPACK" run c/trap.wasm -- "$mode"
	c_rc=$T_RC c_first=$(head -n1 <<<"$T_ERR")
	run "$WASMPACK" run m/trap.wasm -- "$mode"
	check_eq "trap $mode: status 134 as the module" "$T_RC" "$c_rc"
	check_eq "trap $mode: the same trap message" "$(head -n1 <<<"$T_ERR")" "$c_first"
done
run "$WASMPACK" run --fuel 100000 c/trap.wasm -- loop
check_eq "--fuel: a looping component runs out of fuel" "134 Error: all fuel consumed (--fuel 100000)" \
	"$T_RC $(head -n1 <<<"$T_ERR")"
start=$(date +%s%N)
run "$WASMPACK" run --timeout 1 c/trap.wasm -- loop
ms=$((($(date +%s%N) - start) / 1000000))
check_eq "--timeout: a looping component is interrupted" "134 Error: interrupted: --timeout 1 expired" \
	"$T_RC $(head -n1 <<<"$T_ERR")"
check_match "--timeout: within 3 s (took ${ms} ms)" '^[0-9]+$' "$([ "$ms" -lt 3000 ] && echo "$ms")"
run "$WASMPACK" run --timeout 1 c/trap.wasm -- sleep
check_eq "--timeout: a component sleeping in poll is interrupted" "134" "$T_RC"
run "$WASMPACK" run --max-memory 8MiB c/trap.wasm -- grow
m_out=$T_OUT m_rc=$T_RC
run "$WASMPACK" run --max-memory 8MiB m/trap.wasm -- grow
check_eq "--max-memory: the component ends as the module" "$T_RC $T_OUT" "$m_rc $m_out"
printf 'x' >in.txt
run "$WASMPACK" run c/trap.wasm -- read <in.txt
check_eq "stdin: a component reads it" "0 mode read" "$T_RC $(head -n1 <<<"$T_OUT")"

# refused: what components cannot use yet, and components that are not commands
expect_error "--dir of a missing directory is refused, one line" 1 'no-such-dir' \
	"$WASMPACK" run --dir no-such-dir c/trap.wasm
jco parse "$TESTDATA/components/types.wat" -o types.wasm >/dev/null
expect_error "a component without wasi:cli/run is refused, one line" 1 \
	'not a command component' "$WASMPACK" run types.wasm

# --invoke on a reactor component: every value crosses the canonical ABI
# into the guest (through its realloc) and back out (testdata/components/echo.wat)
jco parse "$TESTDATA/components/echo.wat" -o echo.wasm >/dev/null
inv_file=echo.wasm
invoke() { # NAME CALL EXPECTED (on $inv_file)
	run "$WASMPACK" run --invoke "$2" "$inv_file"
	check_eq "--invoke $1" "0 $3" "$T_RC $T_OUT"
}
invoke "string with escapes and UTF-8" 'echo-string("h\u{e9}llo \"w\"\n")' '"héllo \"w\"\n"'
invoke "list<u32>" 'echo-list([1, 2, 4294967295])' '[1, 2, 4294967295]'
invoke "record of string, list<string>, u64, bool" \
	'echo-rec({name: "a", tags: ["x", "yz"], n: 18446744073709551615, ok: true})' \
	'{name: "a", tags: ["x", "yz"], n: 18446744073709551615, ok: true}'
invoke "option<result<string, u32>> err" 'echo-opt(some(err(7)))' 'some(err(7))'
invoke "option<result<string, u32>> ok" 'echo-opt(some(ok("s")))' 'some(ok("s"))'
invoke "option none" 'echo-opt(none)' 'none'
invoke "f64 and f32" 'scale(1.5, 2)' '3'
invoke "char" "next('a')" "'b'"
invoke "flags" 'count({read, exec})' '2'
# strings in utf16 and latin1+utf16 (testdata/components/strings16.wat):
# lowered from the host's UTF-8 through the guest's realloc, lifted back;
# the code units and bytes the guest sees are worked out by hand
jco parse "$TESTDATA/components/strings16.wat" -o s16.wasm >/dev/null
inv_file=s16.wasm
invoke "utf16: a string with a supplementary char round-trips" \
	'echo16("h\u{e9}llo \u{1f600}")' '"héllo 😀"'
invoke "utf16: the guest gets 8 code units for 11 UTF-8 bytes" 'units16("h\u{e9}llo \u{1f600}")' 8
invoke "utf16: the guest's bytes are UTF-16LE with a surrogate pair" 'raw16("h\u{e9}\u{1f600}")' \
	'[104, 0, 233, 0, 61, 216, 0, 222]'
invoke "utf16: the empty string" 'echo16("")' '""'
invoke "utf16: a string from the guest's data segment" 'greet16()' '"hé😀"'
invoke "latin1+utf16: latin-1 only stays one byte per char" 'raw-latin1("caf\u{e9}")' '[99, 97, 102, 233]'
invoke "latin1+utf16: latin-1 only, length untagged" 'units-latin1("caf\u{e9}")' 4
invoke "latin1+utf16: a char past U+00FF widens to UTF-16, length tagged" \
	'units-latin1("caf\u{e9}\u{3b1}")' 2147483653
invoke "latin1+utf16: the widened bytes" 'raw-latin1("\u{e9}\u{3b1}")' '[233, 0, 177, 3]'
invoke "latin1+utf16: round trip with a supplementary char" \
	'echo-latin1("caf\u{e9} \u{1f600}")' '"café 😀"'
invoke "latin1+utf16: latin-1 bytes from the guest" 'greet-latin1()' '"café"'
invoke "latin1+utf16: tagged UTF-16 from the guest" 'greet-tagged()' '"hé😀"'
while IFS='|' read -r name re call; do # each traps: status 134, one line naming it
	expect_error "utf16: $name" 134 "$re" "$WASMPACK" run --invoke "$call" s16.wasm
done <<'TRAPS'
an unpaired surrogate traps, one line|not valid UTF-16|lone16()
a misaligned string pointer traps|not aligned to 2|odd16()
a string past the memory traps|out of bounds|past16()
a misaligned realloc result traps|misaligned or out-of-bounds|echo16-odd-realloc("x")
TRAPS
run "$WASMPACK" run --invoke echo-string echo.wasm -- '"from ARGS"'
check_eq "--invoke NAME with ARGS as WAVE values" '0 "from ARGS"' "$T_RC $T_OUT"
expect_error "--invoke: a wrong argument is named, one line, status 2" 2 'argument 1 \(s\)' \
	"$WASMPACK" run --invoke 'echo-string(5)' echo.wasm
expect_error "--invoke: an unknown export, one line, status 2" 2 'exports no function "nope"' \
	"$WASMPACK" run --invoke 'nope()' echo.wasm
expect_error "--invoke: an integer out of range" 2 'integer out of range' \
	"$WASMPACK" run --invoke 'echo-list([4294967296])' echo.wasm
