#!/usr/bin/env bash
# Sockets exist for a guest only when handed to it: --tcplisten preopens a
# listening socket (as wasmtime's does); sock.c accepts a connection on
# it, reads a line, answers, shuts down, and checks ENOTSOCK/EBADF on
# everything else.  Loopback only, on a port picked free now.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
need_wasi_cc

sock=$(wasi_module sock) || exit 1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$WASMPACK" run "$sock" --tcplisten "127.0.0.1:$port" --timeout 20 >"$T_TMP/out" 2>"$T_TMP/err" &
pid=$!
t_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"

# once the socket is listening: say ping, read the answer until EOF
answer=$(tcp_ask "$port" $'ping\n')
wait "$pid"
rc=$?
check_eq "the guest answered over the accepted connection" "echo: ping" "$answer"
check_eq "the guest ended normally" 0 "$rc"
check_eq "sock_accept/recv/send/shutdown and the errors (expected output)" \
	"$(cat "$WASI_SRC/sock.stdout")" "$(cat "$T_TMP/out")"
check "nothing on stderr" test ! -s "$T_TMP/err"

expect_error "--tcplisten needs HOST:PORT" 2 "--tcplisten needs HOST:PORT" "$WASMPACK" run "$sock" --tcplisten nowhere
# a port out of range is refused, not bound modulo 65536 (99999 -> 34463)
# nor as "any port" (0); the module would otherwise run with the socket
printf '(module (func (export "_start")))' >"$T_TMP/empty.wat"
wat2wasm "$T_TMP/empty.wat" -o "$T_TMP/empty.wasm"
for spec in 127.0.0.1:99999 127.0.0.1:65536 127.0.0.1:0 127.0.0.1:-1 "127.0.0.1: 80" 127.0.0.1:80x; do
	expect_error "--tcplisten $spec: a port out of range" 2 "--tcplisten needs HOST:PORT with PORT 1-65535, not '$spec'" \
		"$WASMPACK" run "$T_TMP/empty.wasm" --tcplisten "$spec"
done
exit "$T_FAILED"
