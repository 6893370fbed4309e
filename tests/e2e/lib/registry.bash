# Helpers for the registry end-to-end tests (sourced after tests/lib.sh):
# start Debian's docker-registry (the CNCF distribution registry) on a free
# loopback port with a config of our own (the stock one is broken for
# auth), a token server, a fault proxy; every process is stopped by a
# t_on_exit hook.  Then the round trip every set-up runs.

E2E_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Skip the whole file (one SKIP line) when a tool is truly absent.
need_tools() {
	local t
	for t in "$@"; do
		if ! have "$t"; then
			skip "$(basename "$0")" "$t is not installed"
			exit 0
		fi
	done
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL [curl options]: until anything answers (5 s at most).
wait_http() {
	local url=$1 i
	shift
	for i in $(seq 1 100); do
		if curl -s -o /dev/null "$@" "$url"; then return 0; fi
		sleep 0.05
	done
	echo "nothing answers at $url" >&2
	return 1
}

# wait_file FILE: until it exists and is not empty (5 s at most).
wait_file() {
	local i
	for i in $(seq 1 100); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	echo "$1 never appeared" >&2
	return 1
}

# start_bg LOG CMD...: run CMD in the background, stopped at exit.
start_bg() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	local pid=$!
	t_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	BG_PID=$pid
}

# start_registry NAME [TLS_CERT TLS_KEY] [AUTH_YAML]: sets REG (host:port),
# REG_LOG, REG_SCHEME.
start_registry() {
	local name=$1 cert=${2:-} key=${3:-} auth=${4:-} dir port tls=""
	dir="$T_TMP/$name"
	mkdir -p "$dir/data"
	port=$(free_port)
	[ -n "$cert" ] && tls=", tls: {certificate: $cert, key: $key}"
	cat >"$dir/config.yml" <<-YAML
	version: 0.1
	log: {level: info, accesslog: {disabled: false}}
	storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}
	http: {addr: 127.0.0.1:$port, secret: wasmpack-e2e$tls}
	$auth
	YAML
	REG_LOG="$dir/registry.log"
	start_bg "$REG_LOG" docker-registry serve "$dir/config.yml"
	REG="127.0.0.1:$port"
	REG_SCHEME=http
	if [ -n "$cert" ]; then
		REG_SCHEME=https
		wait_http "https://$REG/v2/" -k
	else
		wait_http "http://$REG/v2/"
	fi
}

# Requests the registry logged that upload blob data, for repository $1.
uploads_logged() {
	grep -cE "\"(POST|PUT|PATCH) /v2/$1/blobs/uploads" "$REG_LOG" || true
}

# make_ca DIR: a test CA and a server certificate for 127.0.0.1/localhost.
make_ca() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -days 2 \
		-subj "/CN=wasmpack test CA" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -keyout "$d/server.key" -out "$d/server.csr" \
		-subj "/CN=127.0.0.1" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$d/ext.cnf"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-out "$d/server.crt" -days 2 -extfile "$d/ext.cnf" 2>/dev/null
}

# The three formats, built once per test file into oci:$T_TMP/src-<fmt>,
# without SBOM and provenance: `push` carries the image only, and these
# layouts are compared byte for byte with what `pull` brings back
# (attachments in registries: tests/e2e/registry_attest.sh).
build_formats() {
	local f
	for f in image wasm krustlet; do
		"$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --format "$f" -o "oci:$T_TMP/src-$f" \
			--sbom none --no-provenance \
			>/dev/null 2>"$T_TMP/build-$f.err" || { cat "$T_TMP/build-$f.err"; return 1; }
	done
}

# roundtrip NAME SKOPEO_OPTS WASMPACK_OPTS...: for each format push, pull
# back byte-identical, skopeo inspect, re-push with no blob uploaded.
# Credentials come from the caller's environment.
roundtrip() {
	local name=$1 sk=$2 f ref digest before after out
	shift 2
	for f in image wasm krustlet; do
		ref="$REG/$name/$f:v1"
		run "$WASMPACK" push "oci:$T_TMP/src-$f" "$ref" "$@"
		digest=$(jq -r '.manifests[0].digest' "$T_TMP/src-$f/index.json")
		check_eq "$name $f: push prints the reference by digest" "$REG/$name/$f@$digest" "$T_OUT"
		[ "$T_RC" -eq 0 ] || echo "# $T_ERR"
		run "$WASMPACK" pull "$ref" -o "oci:$T_TMP/back-$name-$f:latest" "$@"
		check_eq "$name $f: pull prints the same digest" "$REG/$name/$f@$digest" "$T_OUT"
		out=$(diff -r "$T_TMP/src-$f" "$T_TMP/back-$name-$f" 2>&1)
		check_eq "$name $f: pulled layout is byte-identical" "identical" "${out:-identical}"
		# skopeo 1.9 refuses plain `inspect` of non-image artifacts (wasm,
		# krustlet: "unsupported image-specific operation on artifact"), so
		# those are checked through --raw and --config --raw.
		if [ "$f" = image ]; then
			out=$(skopeo inspect $sk "docker://$ref" 2>&1 | jq -r '.Digest + " " + .Os + "/" + .Architecture' 2>&1)
			check_eq "$name $f: skopeo inspect sees the digest and platform" "$digest wasi/wasm" "$out"
		else
			out=$(skopeo inspect --raw $sk "docker://$ref" 2>&1 | sha256sum | cut -d' ' -f1)
			check_eq "$name $f: skopeo inspect --raw gets the exact manifest" "${digest#sha256:}" "$out"
			local cfg
			cfg=$(jq -r .config.digest "$T_TMP/src-$f/blobs/sha256/${digest#sha256:}")
			out=$(skopeo inspect --config --raw $sk "docker://$ref" 2>&1 | sha256sum | cut -d' ' -f1)
			check_eq "$name $f: skopeo inspect --config --raw gets the config" "${cfg#sha256:}" "$out"
		fi
		before=$(uploads_logged "$name/$f")
		run "$WASMPACK" push "oci:$T_TMP/src-$f" "$ref" "$@"
		after=$(uploads_logged "$name/$f")
		check_eq "$name $f: re-push succeeds" "0 $REG/$name/$f@$digest" "$T_RC $T_OUT"
		check_eq "$name $f: re-push uploads no blob (registry access log)" "$before" "$after"
		check "$name $f: the first push did upload (the log is read right)" test "$before" -ge 2
	done
}
