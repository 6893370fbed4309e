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

# The module inside image LAYOUT (its only image), written to OUT: the raw
# layer of the wasm/krustlet formats, or the one file of the image's tar.
image_module() {
	local layout=$1 out=$2 man layer type
	man=$(jq -r '.manifests[0].digest' "$layout/index.json" | cut -d: -f2)
	layer=$(jq -r '.layers[0].digest' "$layout/blobs/sha256/$man" | cut -d: -f2)
	type=$(jq -r '.layers[0].mediaType' "$layout/blobs/sha256/$man")
	case "$type" in
	*tar*) tar -xzOf "$layout/blobs/sha256/$layer" >"$out" ;;
	*) cp "$layout/blobs/sha256/$layer" "$out" ;;
	esac
}

# Run a WASI module under node's WASI: wasi_node MODULE ENV ARG...; ENV is
# NAME=VALUE lines (or "").  Sets T_OUT and T_RC like run.  node 20 was seen
# to segfault at exit after a module ran to completion (TOOLCHAINS.md):
# one retry on status 139.
wasi_node() {
	local mod=$1 env=$2
	shift 2
	WASI_ENV=$env run node --no-warnings "$WASMPACK_ROOT/tests/wasi-run.mjs" "$mod" "$@"
	if [ "$T_RC" -eq 139 ]; then
		WASI_ENV=$env run node --no-warnings "$WASMPACK_ROOT/tests/wasi-run.mjs" "$mod" "$@"
	fi
}

# tcp_ask PORT TEXT: connect to 127.0.0.1:PORT once something listens
# there (retrying for 5 s), send TEXT, print the answer until EOF.
tcp_ask() {
	local i
	for i in $(seq 1 100); do
		if exec 5<>"/dev/tcp/127.0.0.1/$1"; then
			printf '%s' "$2" >&5
			cat <&5
			exec 5>&-
			return 0
		fi 2>/dev/null
		sleep 0.05
	done
	return 1
}
