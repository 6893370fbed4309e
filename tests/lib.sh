# Shared helpers for the shell tests (sourced).  Each check prints one TAP
# line: "ok - name" or "not ok - name" followed by "#" detail lines; the
# runner (scripts/run-tests.sh) counts them.  A test that cannot run
# because a tool is truly absent prints "SKIP name: what is missing".
#
# Environment from the runner: WASMPACK (the binary), WASMPACK_ROOT (the
# checkout), WASMPACK_BUILD (the build directory).

set -u
: "${WASMPACK_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${WASMPACK:=$WASMPACK_ROOT/build/wasmpack}"
TESTDATA="$WASMPACK_ROOT/testdata"
T_FAILED=0

# A fresh scratch directory, removed when the test script exits.
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-t.XXXXXX")
t_cleanup_hooks=()
t_on_exit() { t_cleanup_hooks+=("$1"); }
t_exit() {
	local h
	for h in "${t_cleanup_hooks[@]+"${t_cleanup_hooks[@]}"}"; do eval "$h" || true; done
	rm -rf "$T_TMP"
}
trap t_exit EXIT

ok() { echo "ok - $1"; }
not_ok() {
	local name=$1
	shift
	echo "not ok - $name"
	local l
	for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done
	T_FAILED=1
}
skip() { echo "SKIP $1: $2"; }

# check NAME CMD...: passes when CMD succeeds.
check() {
	local name=$1
	shift
	local out
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "command: $*" "$out"; fi
}

# check_eq NAME EXPECTED ACTUAL (an empty EXPECTED is a broken test, not a pass)
check_eq() {
	if [ -z "$2" ]; then
		not_ok "$1" "expected value is empty (an earlier step failed)" "actual: $3"
	elif [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $2" "actual:   $3"
	fi
}

# check_match NAME REGEX ACTUAL
check_match() {
	if [[ "$3" =~ $2 ]]; then ok "$1"; else not_ok "$1" "expected to match: $2" "actual: $3"; fi
}

# Run a command, capturing stdout, stderr and status into T_OUT, T_ERR, T_RC.
run() {
	local o e
	o=$(mktemp "$T_TMP/out.XXXXXX")
	e=$(mktemp "$T_TMP/err.XXXXXX")
	"$@" >"$o" 2>"$e"
	T_RC=$?
	T_OUT=$(cat "$o")
	T_ERR=$(cat "$e")
	rm -f "$o" "$e"
}

# expect_error NAME STATUS REGEX CMD...: CMD must exit with STATUS and print
# exactly one line on stderr matching REGEX, and nothing on stdout.
expect_error() {
	local name=$1 status=$2 re=$3
	shift 3
	run "$@"
	local lines
	lines=$(printf '%s' "$T_ERR" | grep -c '' || true)
	if [ "$T_RC" -eq "$status" ] && [[ "$T_ERR" =~ $re ]] && [ "$lines" -eq 1 ] && [ -z "$T_OUT" ]; then
		ok "$name"
	else
		not_ok "$name" "command: $*" "status: $T_RC (want $status)" "stderr: $T_ERR" "stdout: $T_OUT"
	fi
}

# A digest of a whole directory tree (names and contents), to prove a
# failed command changed nothing.
tree_digest() {
	if [ -e "$1" ]; then
		(cd "$1" && find . -print0 | LC_ALL=C sort -z | xargs -0 -I{} sh -c 'if [ -f "{}" ]; then printf "%s " "{}"; sha256sum < "{}"; else echo "{}"; fi') | sha256sum | cut -d' ' -f1
	else
		echo absent
	fi
}

have() { command -v "$1" >/dev/null 2>&1; }
