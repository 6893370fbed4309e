#!/usr/bin/env bash
# wasi:sockets for components, limited to what --tcplisten grants
# (runner/wasi2_sock.c): testdata/components/tcp.wat binds the granted
# address, listens, waits for a connection on its pollable and echoes what
# a real client (bash's /dev/tcp) sends; every other use of the network
# (another address, a second socket on the same grant, connecting, UDP,
# name lookup, anything without --tcplisten) is err(access-denied).
# Loopback only, on ports picked free now.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/component.bash"
need_jco
cd "$T_TMP" || exit 1

jco parse "$TESTDATA/components/tcp.wat" -o tcp.wasm >/dev/null
free_port() {
	python3 -c 'import socket, sys; s = socket.socket(socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET); s.bind((sys.argv[2], 0)); print(s.getsockname()[1])' "$@"
}
port=$(free_port 4 127.0.0.1)

"$WASMPACK" run --tcplisten "127.0.0.1:$port" --timeout 20 --invoke "serve($port)" tcp.wasm >out 2>err &
pid=$!
t_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
answer=$(tcp_ask "$port" 'hello, sockets')
wait "$pid"
rc=$?
check_eq "the component accepted a connection and echoed what it read" "hello, sockets" "$answer"
check_eq "serve returned ok" "0 ok" "$rc $(cat out)"
check "nothing on stderr" test ! -s err

while IFS='|' read -r name grant call want; do
	run "$WASMPACK" run ${grant:+--tcplisten "$grant"} --invoke "$call" tcp.wasm
	check_eq "$name" "$want" "$T_RC $T_OUT$T_ERR"
done <<CALLS
binding the granted address|127.0.0.1:$port|bound($port)|0 ok(ipv4({port: $port, address: (127, 0, 0, 1)}))
binding another port|127.0.0.1:$port|bind($((port == 65535 ? port - 1 : port + 1)))|0 err(access-denied)
a second socket on the same grant|127.0.0.1:$port|bind-twice($port)|0 err(access-denied)
an IPv6 socket where IPv4 was granted|127.0.0.1:$port|bound6($port)|0 err(access-denied)
connecting out|127.0.0.1:$port|connect($port)|0 err(access-denied)
UDP|127.0.0.1:$port|udp()|0 err(access-denied)
name lookup|127.0.0.1:$port|lookup()|0 err(access-denied)
no --tcplisten: not even a socket||bound($port)|0 err(access-denied)
CALLS

run "$WASMPACK" run --tcplisten "127.0.0.1:$port" --invoke "drop-wrong()" tcp.wasm
check_eq "dropping a pollable's handle as a tcp-socket traps" \
	"134 Error: handle 2 is a pollable, not a tcp-socket" "$T_RC $(head -n1 <<<"$T_ERR")"

# the guest waits in accept for a client that never comes: --timeout ends it
run "$WASMPACK" run --timeout 1 --tcplisten "127.0.0.1:$port" --invoke "serve($port)" tcp.wasm
check_eq "--timeout interrupts a component waiting on a socket" \
	"134 Error: interrupted: --timeout 1 expired" "$T_RC $(head -n1 <<<"$T_ERR")"

if port6=$(free_port 6 ::1 2>/dev/null); then
	run "$WASMPACK" run --tcplisten "[::1]:$port6" --invoke "bound6($port6)" tcp.wasm
	check_eq "binding a granted IPv6 address" \
		"0 ok(ipv6({port: $port6, flow-info: 0, address: (0, 0, 0, 0, 0, 0, 0, 1), scope-id: 0}))" "$T_RC $T_OUT"
else
	skip "binding a granted IPv6 address" "this machine has no IPv6 loopback (::1)"
fi
exit "$T_FAILED"
