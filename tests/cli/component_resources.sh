#!/usr/bin/env bash
# Resources and values crossing components (runner/component_res.c,
# runner/component_inst.c): testdata/components/resources.wat has
# component A define a resource whose handles component B makes, lends,
# moves and drops, through A and through a third component C that gets
# borrows; testdata/components/linked_values.wat forwards every kind of
# value from a utf16 component B to a UTF-8 component A and back.  The
# expected numbers are worked out by hand from what the core code does
# (the comments in the .wat files); each rule of the canonical ABI that
# is broken must trap the call with the rule named.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/component.bash"
need_jco
cd "$T_TMP" || exit 1

jco parse "$TESTDATA/components/resources.wat" -o resources.wasm >/dev/null
while IFS='|' read -r name call want; do
	run "$WASMPACK" run --invoke "$call" resources.wasm
	check_eq "resources: $name" "$want" "$T_RC $T_OUT$(head -n1 <<<"$T_ERR")"
done <<'CALLS'
own handle made in A, lent to A and to C, dropped by B: A's destructor ran once|lifecycle()|0 771
an own handle moves into A, which drops it|consume()|0 91
a dropped handle's index is reused and the destructor runs once|reuse()|0 111
a handle moved away is gone from B's table|use-after-move()|134 Error: unknown handle index 1
dropping a handle twice|double-drop()|134 Error: unknown handle index 1
C returns still holding a borrow|leak()|134 Error: borrow handles still remain at the end of the call
B's own resource passed where A's is expected|wrong-type()|134 Error: handle 1 is of another resource type, not a counter
re-entering the outer component through C's callback|reenter()|134 Error: cannot enter component instance recursively
the same callback without re-entry|ping-direct()|0 1
CALLS

jco parse "$TESTDATA/components/linked_values.wat" -o values.wasm >/dev/null
while IFS='|' read -r name call want; do
	run "$WASMPACK" run --invoke "$call" values.wasm
	check_eq "values B -> A -> B: $name" "$want" "$T_RC $T_OUT$(head -n1 <<<"$T_ERR")"
done <<'CALLS'
a record of strings, a list, u64 and bool|via-rec({name: "h\u{e9}", tags: ["a", "\u{1f600}", ""], n: 18446744073709551615, ok: true})|0 {name: "hé", tags: ["a", "😀", ""], n: 18446744073709551615, ok: true}
option<result> ok|via-opt(some(ok("d\u{e9}j\u{e0}")))|0 some(ok("déjà"))
option<result> err|via-opt(some(err(7)))|0 some(err(7))
option none|via-opt(none)|0 none
f64 and f32|via-scale(1.5, 2.5)|0 3.75
char (the last one A can return)|via-next('\u{10fffe}')|0 '􏿿'
flags|via-count({read, exec})|0 2
variant case with u32 and an enum (A: case*10+enum, the number)|via-tag(n(42), z)|0 (2, 42)
variant case with a string (A gets 3 UTF-8 bytes)|via-tag(s("h\u{e9}"), y)|0 (11, 3)
variant case without payload|via-tag(none, x)|0 (20, 0)
A answers a surrogate: lifting it out of A traps B's call|via-next('\u{d7ff}')|134 Error: canonical ABI: invalid char
CALLS

# resource.rep is for the component that defined the type: one that
# imported it is refused when decoded, before anything runs
cat >rep.wat <<'WAT'
(component
  (import "r" (type $r (sub resource)))
  (core func (canon resource.rep $r)))
WAT
jco parse rep.wat -o rep.wasm >/dev/null
run "$WASMPACK" run --invoke 'f()' rep.wasm
check_eq "resource.rep of an imported resource type is refused" \
	"1 wasmpack: rep.wasm: canonical resource.rep: type 0 is not a locally defined resource at offset 21" \
	"$T_RC $T_ERR"

# host handles are per instance too (testdata/components/isolate.wat):
# two instances of one component get the same host interfaces; A writes
# "hi" to the stdout it got, then B writes to handle 1, which it never
# got: B's table has nothing there, whatever number the host gave A
jco parse "$TESTDATA/components/isolate.wat" -o isolate.wasm >/dev/null
run "$WASMPACK" run --invoke 'a-then-b()' isolate.wasm
check_eq "a component cannot use another's host handle by its number" \
	"134 hi Error: unknown handle index 1" "$T_RC $T_OUT $(head -n1 <<<"$T_ERR")"
