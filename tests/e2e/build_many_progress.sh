#!/usr/bin/env bash
# What `wasmpack build ./...` shows while it builds (issue 16): on a
# terminal (a real pseudo-terminal made by script(1)) a board on stderr
# with every project's state - queued, building (builder), pushing, done
# with its digest, failed - redrawn in place; piped (CI logs) the plain
# lines of before, with no escape sequence or carriage return, and the
# same stdout either way.  Projects go to a real registry on loopback.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib/registry.bash"
need_tools docker-registry curl python3 clang-16 script

export WASMPACK_CACHE_DIR="$T_TMP/cache"
unset WASMPACK_PROGRESS
start_registry progress
mono="$T_TMP/mono"
mkdir -p "$mono/tools/broken"
cp -r "$TESTDATA/c-plain" "$mono/alpha"
cp -r "$TESTDATA/c-plain" "$mono/beta"
printf 'int main(void) { return not_declared; }\n' >"$mono/tools/broken/main.c"
cd "$mono"
esc=$'\033'

# tty CMD: run CMD (a shell command line) with stderr on a pseudo-terminal
# 80x24; stdout goes to $T_TMP/tty.out; T_OUT is what the terminal shows.
tty_run() {
	run env TERM=xterm script -qec "stty rows ${ROWS:-24} cols ${COLS:-80}; $1 >$T_TMP/tty.out" /dev/null
}

tty_run "env WASMPACK_REPO=$REG/p '$WASMPACK' build ./... --push -j 1"
screen=$T_OUT
check_eq "on a terminal: the exit status is still 1 with a failed project" 1 "$T_RC"
check_match "every project starts queued (with -j 1)" "  beta +queued" "$screen"
check_match "a building project shows its builder" "  alpha +building \(c\) [0-9]+s" "$screen"
check_match "a project being pushed says so" "  alpha +pushing [0-9]+s" "$screen"
check_match "a finished project shows its digest" "  beta +done sha256:[0-9a-f]{12}" "$screen"
check_match "the broken project is marked failed" "  tools/broken +failed" "$screen"
check_match "the board is redrawn in place (cursor up over its 3 lines, clear)" "${esc}\[3A"$'\r'"${esc}\[J" "$screen"
last=$(tr -d '\r' <<<"${screen##*"$esc[J"}" | grep -E '^  (alpha|beta|tools/broken) ' | sed 's/sha256:[0-9a-f]\{12\}$/D/')
check_eq "the final board stays on the screen" $'  alpha         done D\n  beta          done D\n  tools/broken  failed' "$last"
check_match "the children's logs scroll above the board" "alpha: wasmpack: built alpha" "$screen"
check_match "the summary follows the board" "wasmpack: 1 of 3 projects failed" "$screen"
check "no plain 'building' line on a terminal" bash -c '! grep -q "wasmpack: alpha: building" <<<"$1"' _ "$screen"
tty_stdout=$(cat "$T_TMP/tty.out")

# piped: line-oriented, as before
run env WASMPACK_REPO="$REG/p" "$WASMPACK" build ./... --push -j 1
check_eq "piped: exit status 1" 1 "$T_RC"
check "piped: no escape sequence or carriage return on stderr" bash -c '! grep -q "[$(printf "\033\r")]" <<<"$1"' _ "$T_ERR"
check_match "piped: one plain line as each project starts" "wasmpack: alpha: building"$'\n'".*wasmpack: beta: building" "$T_ERR"
check "piped: every stderr line is a log line, a start line or the summary" bash -c \
	'! grep -vE "^(alpha|beta|tools/broken): |^wasmpack: (alpha|beta|tools/broken): building$|^wasmpack: (failed: tools/broken: |1 of 3 projects failed$)" <<<"$1"' _ "$T_ERR"
check_eq "stdout is the same on a terminal and piped" "$T_OUT" "$tty_stdout"
check_match "stdout: path, tab, reference" "^alpha	$REG/p/alpha@sha256:[0-9a-f]{64}"$'\n'"beta	$REG/p/beta@sha256:" "$T_OUT"

# WASMPACK_PROGRESS=plain on a terminal: the plain lines
tty_run "env WASMPACK_PROGRESS=plain '$WASMPACK' build ./alpha ./beta -o oci:$T_TMP/out"
check "WASMPACK_PROGRESS=plain: no board on a terminal" bash -c '! grep -q "$(printf "\033")\[J" <<<"$1" && grep -q "wasmpack: ./alpha: building" <<<"$1"' _ "$T_OUT"

# a terminal shorter than the board: the active rows and one count line,
# every line cut to the width
ROWS=3 COLS=40 tty_run "'$WASMPACK' build ./... -o oci:$T_TMP/out2 -j 1"
check_match "a short terminal: a line counting the states" "  2 done, 1 failed, 0 queued, 0 bu" "$T_OUT"
check "a short terminal: no line of the board wider than the terminal" bash -c \
	'! tr -d "\r" <<<"$1" | sed "s/$(printf "\033")\[[0-9]*[AJ]//g" | grep "^  " | grep -q ".\{40\}"' _ "$T_OUT"

# a build ./... that is killed (a cancelled CI job) takes its builds with it
rm -rf "$T_TMP/cache-kill"
WASMPACK_CACHE_DIR="$T_TMP/cache-kill" "$WASMPACK" build ./... -o "oci:$T_TMP/killed" -j 2 >/dev/null 2>"$T_TMP/killed.err" &
kpid=$!
t_on_exit "kill $kpid 2>/dev/null"
for _ in $(seq 100); do grep -q building "$T_TMP/killed.err" && break; sleep 0.05; done
kill -KILL "$kpid"
wait "$kpid" 2>/dev/null
for _ in $(seq 40); do pgrep -f "oci:$T_TMP/killed" >/dev/null || break; sleep 0.05; done
check "no build is left running when build ./... is killed" bash -c '! pgrep -af "oci:$1"' _ "$T_TMP/killed"
exit $T_FAILED
