#!/usr/bin/env bash
# Run public projects through the builders, with no flags, as a new user
# would: `wasmpack build DIR` then `wasmpack run` of the image.  Not part
# of `make test`: the projects are fetched (never committed) into a
# directory of checkouts, one per subdirectory.
#
#   tests/realworld/run.sh CHECKOUTS [NAME...]
#
# For each checkout (or each NAME given): build into a private layout,
# then run the module with the arguments in CHECKOUTS/NAME.args (one per
# line; default: --help) and stdin from CHECKOUTS/NAME.stdin when present.
# Prints one line per project:
#   NAME  built|FAILED  ran|trapped|refused|-  seconds  last line of the failure
# and a summary "N of M built, K ran".  A project "ran" when the module
# started and exited on its own (any exit status: --help may exit 1), and
# "trapped" when the engine stopped it (a trap, exit status 134), and
# "refused" when wasmpack did not start it (the last stderr line is
# wasmpack's own error: a module it cannot load).
# Logs: CHECKOUTS/.wasmpack-logs/NAME.{build,run}.log, NAME.run.err.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
wp=${WASMPACK:-$root/build/wasmpack}
dir=${1:?usage: $0 CHECKOUTS [NAME...]}
shift
dir=$(cd "$dir" && pwd)
logs="$dir/.wasmpack-logs"
mkdir -p "$logs"
out=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-realworld.XXXXXX")
trap 'rm -rf "$out"' EXIT

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for p in "$dir"/*/; do names+=("$(basename "$p")"); done
fi

total=0 built=0 ran=0
for n in "${names[@]}"; do
	p="$dir/$n"
	[ -d "$p" ] || { echo "$n: no such checkout in $dir" >&2; continue; }
	total=$((total + 1))
	t0=$(date +%s%N)
	if "$wp" build "$p" -o "oci:$out/$n" >"$logs/$n.build.log" 2>&1; then
		b=built
		built=$((built + 1))
		args=(--help)
		[ -f "$dir/$n.args" ] && mapfile -t args <"$dir/$n.args"
		stdin=/dev/null
		[ -f "$dir/$n.stdin" ] && stdin="$dir/$n.stdin"
		"$wp" run "oci:$out/$n" --timeout 20 -- "${args[@]}" <"$stdin" >"$logs/$n.run.log" 2>"$logs/$n.run.err"
		rc=$?
		why=""
		last=$(tail -n1 "$logs/$n.run.err")
		if [ "$rc" -eq 134 ] || [ "$rc" -eq 125 ]; then
			r=trapped
		elif [ "$rc" -ne 0 ] && [[ "$last" == "wasmpack: "* ]]; then
			# wasmpack itself refused the module (it did not start)
			r=refused
			why=$last
		else
			r=ran
			ran=$((ran + 1))
		fi
	else
		b=FAILED
		r=-
		why=$(grep '^wasmpack: ' "$logs/$n.build.log" | tail -n1)
	fi
	t1=$(date +%s%N)
	printf '%-16s %-7s %-8s %6.1fs  %s\n' "$n" "$b" "$r" "$(((t1 - t0) / 100000000))e-1" "$why"
done
echo "$built of $total built, $ran ran"
