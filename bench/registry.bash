# Sourced by the registry benchmarks: a scratch directory $tmp and a local
# distribution registry (Debian's docker-registry, plain http on a free
# loopback port) at $reg, both removed at exit.  ACCESSLOG=1 keeps the
# registry's access log in $tmp/registry.log (one line per request).
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasmpack-bench.XXXXXX")
reg_pid=""
cleanup() {
	[ -n "$reg_pid" ] && kill "$reg_pid" 2>/dev/null && wait "$reg_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/config.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: $([ "${ACCESSLOG:-}" = 1 ] && echo false || echo true)}}
storage: {filesystem: {rootdirectory: $tmp/data}}
http: {addr: 127.0.0.1:$port, secret: bench}
YAML
docker-registry serve "$tmp/config.yml" >"$tmp/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.05; done
reg="127.0.0.1:$port"
