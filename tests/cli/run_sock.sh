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

# connect once the socket is listening, say ping, read the answer until EOF
answer=$(for i in $(seq 1 100); do
	if exec 5<>"/dev/tcp/127.0.0.1/$port"; then
		echo ping >&5
		cat <&5
		exec 5>&-
		break
	fi 2>/dev/null
	sleep 0.05
done)
wait "$pid"
rc=$?
check_eq "the guest answered over the accepted connection" "echo: ping" "$answer"
check_eq "the guest ended normally" 0 "$rc"
check_eq "sock_accept/recv/send/shutdown and the errors (expected output)" \
	"$(cat "$WASI_SRC/sock.stdout")" "$(cat "$T_TMP/out")"
check "nothing on stderr" test ! -s "$T_TMP/err"

expect_error "--tcplisten needs HOST:PORT" 2 "--tcplisten needs HOST:PORT" "$WASMPACK" run "$sock" --tcplisten nowhere
exit "$T_FAILED"
