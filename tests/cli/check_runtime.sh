#!/usr/bin/env bash
# `wasmpack check TARGET --runtime NAME` and `build --check-runtime NAME`
# (runner/runtimes.c, docs/runtimes.md): a preview1 program using sockets
# runs on wasmtime and wasmpack but not on node, runwasi or Spin's WAGI; a
# command component made by jco's adapter runs on wasmpack (and does run
# there) but not on node, a browser, or Spin (no HTTP handler); a
# hand-written Spin HTTP component passes spin and fails wasmpack on the
# interfaces its host lacks.  A failed build check writes nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
. "$(dirname "$0")/../lib/component.bash"
need_wasi_cc
need_jco

# verdict NAME WANT_RC WANT_MISSING TARGET RUNTIME: the status and the exact
# "X: not provided by RUNTIME" lines (sorted, joined by spaces)
verdict() {
	local name=$1 rc=$2 want=$3 target=$4 rt=$5 got
	run "$WASMPACK" check "$target" --runtime "$rt"
	got=$(printf '%s\n' "$T_OUT" | sed -n "s/^\([^ ]*\): not \(provided by\|exported,\|run by\) .*/\1/p" | sort | tr '\n' ' ')
	if [ "$T_RC" -eq "$rc" ] && [ "$got" == "$want" ] && [ -z "$T_ERR" ]; then
		ok "$name"
	else
		not_ok "$name" "status: $T_RC (want $rc)" "missing: '$got'" "want:    '$want'" "stderr: $T_ERR" "$T_OUT"
	fi
}

P1=wasi_snapshot_preview1
SOCKS="$P1.sock_accept $P1.sock_recv $P1.sock_send $P1.sock_shutdown "

# ---- a preview1 module with socket imports
sock=$(wasi_module sock) || exit 1
verdict "sock.wasm on node: the four sock_* imports are missing, exit 1" 1 "$SOCKS" "$sock" node
check_match "sock.wasm on node: the line names the import and the runtime" \
	"$P1\.sock_accept: not provided by node \(" "$T_OUT"
check_match "sock.wasm on node: a summary line" "sock.wasm: 4 of [0-9]+ imports not provided by node \[Node.js" \
	"$(printf '%s\n' "$T_OUT" | tail -1)"
verdict "sock.wasm on wasmtime: everything provided (sockets through -S tcplisten)" 0 "" "$sock" wasmtime
verdict "sock.wasm on wasmpack: everything provided (--tcplisten)" 0 "" "$sock" wasmpack
verdict "sock.wasm on runwasi: no socket is handed in" 1 "$SOCKS" "$sock" runwasi
verdict "sock.wasm on docker (runwasi's alias)" 1 "$SOCKS" "$sock" docker
verdict "sock.wasm on spin: WAGI has no sockets" 1 "$SOCKS" "$sock" spin
verdict "sock.wasm in a browser: no WASI at all" 1 \
	"$(printf '%s\n' $("$WASMPACK" inspect --json "$sock" | jq -r '.imports[] | .module + "." + .name') | sort | tr '\n' ' ')" \
	"$sock" browser

run "$WASMPACK" check "$sock" --runtime node --json
check_eq "--json: ok false, 4 missing, each with a reason" "false 4 4" \
	"$(printf '%s' "$T_OUT" | jq -r '[.ok, .missing, ([.imports[] | select(.provided == false and .reason != null)] | length)] | join(" ")')"
check_eq "--json: exit 1 as without it" 1 "$T_RC"

# a reactor (no _start): Spin's WAGI executor cannot run it
reactor=$(wasi_module reactor -mexec-model=reactor) || exit 1
verdict "a preview1 reactor on spin: _start is not exported" 1 "_start " "$reactor" spin
verdict "a preview1 reactor on node" 0 "" "$reactor" node

# ---- a command component (jco's preview1 adapter)
basics=$(wasi_module basics) || exit 1
comp="$T_TMP/basics.component.wasm"
adapt "$basics" "$comp" || { not_ok "jco new --wasi-command" "jco failed"; exit 1; }
verdict "component on wasmpack: every import provided" 0 "" "$comp" wasmpack
"$WASMPACK" run "$comp" >/dev/null 2>&1
check_eq "... and wasmpack run does run it" 0 "$?"
run "$WASMPACK" check "$comp" --runtime node
check_eq "component on node: exit 1" 1 "$T_RC"
check_match "component on node: not run by node" "(^|$(printf '\n'))component: not run by node \(" "$T_OUT"
check_match "component on node: each WASI 0.2 import not provided" \
	"wasi:cli/environment@0\.2\.[0-9]+: not provided by node" "$T_OUT"
run "$WASMPACK" check "$comp" --runtime browser
check_match "component in a browser: exit 1, not run by browser" "1 .*component: not run by browser" "$T_RC $T_OUT"
run "$WASMPACK" check "$comp" --runtime spin
check_match "component on spin: no wasi:http/incoming-handler export, exit 1" \
	"1 .*wasi:http/incoming-handler@0\.2\.[0-9]+: not exported, spin needs it" "$T_RC $T_OUT"

# the version rule: jco's adapter imports a newer WASI 0.2 patch release
# than wasmtime 29.0's 0.2.3 (pinned jco 1.35: 0.2.12), which that release
# may lack functions of; the Spin component's 0.2.0 imports (older) pass
run "$WASMPACK" check "$comp" --runtime wasmtime
check_match "component on wasmtime 29.0: a newer 0.2.x import is not provided, naming the version it has" \
	"1 .*wasi:cli/environment@0\.2\.([4-9]|[1-9][0-9]): not provided by wasmtime \(it provides wasi:cli/environment@0\.2\.3\)" \
	"$T_RC $T_OUT"

# the same through an image (the TARGET resolution of run)
"$WASMPACK" build --wasm "$comp" -o "oci:$T_TMP/img" >/dev/null 2>&1
verdict "check oci:LAYOUT: the component inside" 0 "" "oci:$T_TMP/img" wasmpack

# ---- a Spin HTTP component (hand-written: WASI, a socket, a Spin interface)
jco parse "$TESTDATA/components/spin_http.wat" -o "$T_TMP/spin_http.wasm" >/dev/null
verdict "Spin HTTP component on spin: provided, the trigger is exported" 0 "" "$T_TMP/spin_http.wasm" spin
verdict "Spin HTTP component on wasmpack: TCP sockets (wasi2_sock.c) but no Spin host" 1 \
	"fermyon:spin/variables@2.0.0 " "$T_TMP/spin_http.wasm" wasmpack
verdict "Spin HTTP component on wasmtime: no Spin host interface" 1 \
	"fermyon:spin/variables@2.0.0 " "$T_TMP/spin_http.wasm" wasmtime

# ---- usage errors: one line, status 2
expect_error "unknown runtime: one line listing the known ones" 2 \
	"^wasmpack check: unknown runtime 'nodejs' \(known: wasmtime, wasmpack, spin, runwasi \(docker\), node, browser\)" \
	"$WASMPACK" check "$sock" --runtime nodejs
expect_error "missing --runtime" 2 "missing --runtime NAME" "$WASMPACK" check "$sock"
expect_error "a file that is not wasm" 1 "not a WebAssembly module" "$WASMPACK" check "$TESTDATA/wasi/sock.c" --runtime node
expect_error "build --check-runtime with an unknown runtime" 2 "^wasmpack build: unknown runtime 'bogus' \(known: " \
	"$WASMPACK" build --wasm "$sock" --check-runtime bogus -o "oci:$T_TMP/never"

# ---- build --check-runtime: after compiling, before anything is written
proj="$T_TMP/sockproj"
mkdir -p "$proj"
cat >"$proj/main.c" <<'C'
#include <stdio.h>
#include <sys/socket.h>

int main(void)
{
	char buf[16];
	int fd = accept(3, NULL, NULL);

	if (fd >= 0 && recv(fd, buf, sizeof(buf), 0) > 0)
		send(fd, "ok\n", 3, 0);
	printf("%d\n", fd);
	return 0;
}
C
(cd "$T_TMP" && "$WASMPACK" build "$proj" --no-cache --check-runtime node -o "oci:$T_TMP/out" -o "oci-archive:$T_TMP/out.tar" >"$T_TMP/b.out" 2>"$T_TMP/b.err")
rc=$?
check_eq "build --check-runtime node: exit 1" 1 "$rc"
check_eq "build --check-runtime node: one line per missing import" \
	"wasmpack: $P1.sock_accept: not provided by node wasmpack: $P1.sock_recv: not provided by node wasmpack: $P1.sock_send: not provided by node " \
	"$(sed -n 's/\(: not provided by node\).*/\1/p' "$T_TMP/b.err" | tr '\n' ' ')"
check_match "build --check-runtime node: it compiled first" "built sockproj with the c builder" "$(cat "$T_TMP/b.err")"
check_eq "build --check-runtime node: nothing on stdout, no layout, no archive, no default output" \
	"0 absent absent absent" \
	"$(wc -c <"$T_TMP/b.out") $(tree_digest "$T_TMP/out") $(tree_digest "$T_TMP/out.tar") $(tree_digest "$T_TMP/wasmpack-out")"
run "$WASMPACK" build "$proj" --check-runtime wasmtime -o "oci:$T_TMP/out"
check_match "build --check-runtime wasmtime: built and written" "^0 oci:$T_TMP/out@sha256:" "$T_RC $T_OUT"
run "$WASMPACK" build --wasm "$comp" --check-runtime browser -o "oci:$T_TMP/out2"
check_eq "build --wasm COMPONENT --check-runtime browser: exit 1, nothing written" "1 absent" \
	"$T_RC $(tree_digest "$T_TMP/out2")"
# several projects: each is checked; the failing one writes nothing, the
# other is built
mkdir -p "$T_TMP/many/hello"
cp -r "$proj" "$T_TMP/many/sock"
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"$T_TMP/many/hello/main.c"
run "$WASMPACK" build "$T_TMP/many/..." --check-runtime node -o "oci:$T_TMP/manyout"
check_eq "build DIR/... --check-runtime node: exit 1, hello written, sock not" "1 absent" \
	"$T_RC $(tree_digest "$T_TMP/manyout/sock")"
check "build DIR/... --check-runtime node: hello's layout is there" test -f "$T_TMP/manyout/hello/index.json"
check_match "build DIR/... --check-runtime node: the missing imports named for sock" \
	"sock: wasmpack: $P1\.sock_accept: not provided by node" "$T_ERR"

# names come from the binary: printed with control characters escaped
printf '(module (import "wasi_snapshot_preview1" "fd_\\1b[2Jx" (func)))' >"$T_TMP/esc.wat"
wat2wasm "$T_TMP/esc.wat" -o "$T_TMP/esc.wasm"
run "$WASMPACK" check "$T_TMP/esc.wasm" --runtime node
check_eq "an import name with an escape sequence is printed escaped" \
	"wasi_snapshot_preview1.fd_\\x1b[2Jx: not provided by node (not a function of WASI preview1)" \
	"$(printf '%s\n' "$T_OUT" | head -1)"
exit $T_FAILED
