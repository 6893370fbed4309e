#!/usr/bin/env bash
# Run the WebAssembly core spec tests against wasmpack's engine.
#
#   tests/conformance/spec.sh TESTSUITE_DIR [FILTER]
#
# TESTSUITE_DIR is a checkout of github.com/WebAssembly/testsuite (commit
# 3a04b2cf: the Wasm 2.0 set that Debian's wast2json converts entirely;
# 193e551: the 3.0 set, which needs a newer wast2json first on PATH).
# 23 commands of the 2.0 set expect what 3.0 changed (multiple memories,
# memory indices where 2.0 had a zero byte, 64-bit memarg offsets, global
# initialisers reading defined globals): they fail here, superseded.
# Each top-level .wast is converted with wast2json into a scratch
# directory and run by build/tools/spec_run, with the `spectest` module
# (its globals, table and memory assembled here; its print functions are
# host functions of the driver).  Prints per-file and total
# "N passed, N failed" (text-format modules are skipped and counted apart).
# With SPEC_PRUNE=1, a file wast2json cannot convert as a whole loses the
# commands it cannot parse (tests/conformance/wast_prune.py) and the rest
# runs; the dropped commands are counted apart, never as passed.
# The GC files of the 3.0 suite are skipped by name and listed.
# Not part of `make test`: the suite is not in the repository.
set -uo pipefail

suite=${1:?usage: spec.sh TESTSUITE_DIR [FILTER]}
filter=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${WASMPACK_BUILD:-$root/build}
driver=$build/tools/spec_run
make -C "$root" --no-print-directory tools >/dev/null || exit 2 # never a stale driver
for t in wast2json wat2wasm; do
	command -v $t >/dev/null || { echo "spec.sh: $t not found (Debian package wabt)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-spec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/spectest.wat" <<'WAT'
(module
  (global (export "global_i32") i32 (i32.const 666))
  (global (export "global_i64") i64 (i64.const 666))
  (global (export "global_f32") f32 (f32.const 666.6))
  (global (export "global_f64") f64 (f64.const 666.6))
  (table (export "table") 10 20 funcref)
  (memory (export "memory") 1 2))
WAT
wat2wasm "$tmp/spectest.wat" -o "$tmp/spectest.wasm" || exit 2

# The features to convert with: everything Debian's wabt knows; a newer
# wabt's --enable-all also turns on post-3.0 proposals whose encodings no
# 3.0 engine reads (the compact import section writes imports with a 0x7f
# marker), so then the 3.0 features are named, and wabt's own checker
# (which lags 3.0's rules, e.g. global.get of defined globals) is off:
# the engine is the judge.
features=(--enable-all)
if wast2json --help 2>&1 | grep -q -- --enable-compact-imports; then
	features=(--enable-exceptions --enable-function-references --enable-tail-call --enable-memory64 --enable-annotations
		  --enable-multi-memory --enable-extended-const --enable-relaxed-simd --no-check)
fi
# 3.0's spectest also has a table with i64 indices, which only a wabt that
# knows table64 can write (its wast2json: the newer wabt may bring no
# wat2wasm)
sed 's/^  (table (export "table") 10 20 funcref)$/&\n  (table (export "table64") i64 10 20 funcref)/' \
	"$tmp/spectest.wat" >"$tmp/spectest64.wast"
if (cd "$tmp" && wast2json "${features[@]}" spectest64.wast -o spectest64.json) 2>/dev/null; then
	cp "$tmp/spectest64.0.wasm" "$tmp/spectest.wasm"
fi
# Garbage collection (structs, arrays, i31, casts) is outside the engine's
# scope: the 3.0 files about it are skipped by name and listed, never
# counted.
gc_files=" array array_copy array_fill array_init_data array_init_elem array_new_data array_new_elem
 br_on_cast br_on_cast_fail extern i31 ref_cast ref_eq ref_test struct type-canon type-equivalence
 type-rec type-subtyping "
gc_skipped=()
total_p=0 total_f=0 total_s=0 files=0 bad=0 pruned=0
for w in "$suite"/*.wast; do
	name=$(basename "$w" .wast)
	[ -n "$filter" ] && [[ "$name" != *$filter* ]] && continue
	case "$gc_files" in *[[:space:]]"$name"[[:space:]]*) gc_skipped+=("$name"); continue ;; esac
	d="$tmp/$name"
	mkdir -p "$d"
	files=$((files + 1))
	if ! wast2json "${features[@]}" "$w" -o "$d/$name.json" 2>"$d/convert.err"; then
		if ! wast2json "$w" -o "$d/$name.json" 2>"$d/convert.err"; then
			# syntax past this wabt (e.g. GC types in an exceptions file):
			# drop the commands it cannot parse, run the rest, say so
			if [ -n "${SPEC_PRUNE:-}" ] &&
			   msg=$(python3 "$root/tests/conformance/wast_prune.py" "$(command -v wast2json)" "$w" "$d/$name.wast") &&
			   wast2json "${features[@]}" "$d/$name.wast" -o "$d/$name.json" 2>"$d/convert.err"; then
				n=${msg#dropped }
				if [ "${n%% *}" = 0 ]; then
					echo "$name: module instances rewritten as copies of their definitions"
				else
					echo "$name: $msg (wast2json cannot parse them): not run"
				fi
				pruned=$((pruned + ${n%% *}))
			else
				echo "$name: wast2json failed: $(head -1 "$d/convert.err")"
				bad=$((bad + 1))
				continue
			fi
		fi
	fi
	out=$(cd "$d" && timeout 300 "$driver" ${SPEC_VERBOSE:+-v} --spectest "$tmp/spectest.wasm" "$name.json" 2>&1)
	rc=$?
	last=$(printf '%s\n' "$out" | tail -1)
	if [[ "$last" =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
	else
		p=0 f=1 s=0
		out="$out
$name: driver died (status $rc)"
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	total_s=$((total_s + s))
	if [ "$f" -gt 0 ] || [ -n "${SPEC_VERBOSE:-}" ]; then
		printf '%s\n' "$out" | head -n "${SPEC_SHOW:-20}"
		[ "$f" -gt 0 ] && [[ "$last" != "$name"* ]] && echo "$name: $p passed, $f failed"
	else
		echo "$name: $p passed, $f failed"
	fi
	rm -rf "$d"
done
[ ${#gc_skipped[@]} -gt 0 ] && echo "GC files skipped (garbage collection is outside the engine's scope): ${gc_skipped[*]}"
echo "files: $files ($bad not converted); text modules skipped: $total_s${SPEC_PRUNE:+; commands dropped: $pruned}"
echo "total: $total_p passed, $((total_f + bad)) failed"
[ $((total_f + bad)) -eq 0 ]
