#!/usr/bin/env bash
# What the guest is given, and nothing more: argv[0] is the module's
# basename; the environment is empty unless --env/--inherit-env say
# otherwise; only --dir directories are preopened, under the name asked
# for; the host's working directory is not visible.  And the command
# line's own errors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
need_wasi_cc

basics=$(wasi_module basics) || exit 1
preopens=$(wasi_module preopens) || exit 1
mkdir -p "$T_TMP/a" "$T_TMP/b"
cd "$T_TMP"

run env SECRET_TOKEN=hunter2 HOME=/root "$WASMPACK" run "$basics"
check_eq "argv[0] is the module's basename" "argv[0]: basics.wasm" "$(grep '^argv\[0\]' <<<"$T_OUT")"
check_eq "no host environment leaks in" "environ count: 0" "$(grep '^environ count' <<<"$T_OUT")"
check_eq "HOME is not set either" "getenv(HOME): (unset)" "$(grep '^getenv' <<<"$T_OUT")"

run env SECRET_TOKEN=hunter2 "$WASMPACK" run --env A=1 --env B= --env SECRET_TOKEN --env UNSET_ONE --env A=2 "$basics"
check_eq "--env NAME=VAL, empty values, --env NAME from the host, later wins" \
	"env: A=2|env: B=|env: SECRET_TOKEN=hunter2" "$(grep '^env:' <<<"$T_OUT" | tr '\n' '|' | sed 's/|$//')"
run env -i PATH="$PATH" ONLY_THIS=1 "$WASMPACK" run --inherit-env --env ONLY_THIS=2 "$basics"
check_eq "--inherit-env passes the host's, --env overrides" \
	"env: ONLY_THIS=2|env: PATH=$PATH" "$(grep '^env:' <<<"$T_OUT" | tr '\n' '|' | sed 's/|$//')"

run "$WASMPACK" run "$preopens"
check_eq "no --dir: nothing preopened, not even the working directory" "preopens: 0" "$(tail -n 1 <<<"$T_OUT")"
check_eq "stdio is there" "fd 0: open|fd 1: open|fd 2: open" "$(head -n 3 <<<"$T_OUT" | tr '\n' '|' | sed 's/|$//')"
run "$WASMPACK" run --dir a --dir "$T_TMP/b::/data" --dir a::. "$preopens"
check_eq "each --dir in order, under its guest name" \
	"preopen 3: a|preopen 4: /data|preopen 5: .|preopens: 3" "$(tail -n 4 <<<"$T_OUT" | tr '\n' '|' | sed 's/|$//')"
run "$WASMPACK" run "$preopens" <&- 2>/dev/null
check_eq "a closed host stdin is closed in the guest" "fd 0: closed" "$(head -n 1 <<<"$T_OUT")"

expect_error "a --dir that does not exist" 1 "cannot preopen directory nowhere" "$WASMPACK" run --dir nowhere "$preopens"
touch "$T_TMP/plain"
expect_error "a --dir that is a file" 2 "cannot preopen directory $T_TMP/plain" "$WASMPACK" run --dir "$T_TMP/plain" "$preopens"
expect_error "--dir with an empty guest name" 2 "--dir needs HOST" "$WASMPACK" run --dir "a::" "$preopens"
expect_error "--env without a name" 2 "--env needs NAME=VALUE" "$WASMPACK" run --env =x "$preopens"
expect_error "no TARGET" 2 "missing TARGET" "$WASMPACK" run
expect_error "an unknown option" 2 "unknown option '--frobnicate'" "$WASMPACK" run --frobnicate "$preopens"
expect_error "a missing module file" 1 "nothing.wasm" "$WASMPACK" run nothing.wasm
# a TARGET that looks like a path is a file or an error, never a pull of
# docker.io/build/app run with the grants meant for a local file; a pull
# needs a reference that names its registry
mkdir -p "$T_TMP/build"
for target in build/app ./app "$T_TMP/app" sub/app.wasm; do
	expect_error "a missing file '$target' is not pulled" 1 "^wasmpack: ${target//./\\.}: no such file\$" \
		"$WASMPACK" run "$target" --dir a
done
for target in app library/app:v1; do
	expect_error "a reference without its registry ('$target') is not pulled" 2 \
		"^wasmpack: ${target}: no such file; to run an image from a registry, name the registry \(e\.g\. docker\.io/${target}\)\$" \
		"$WASMPACK" run "$target" --dir a
done
printf 'not wasm' >"$T_TMP/bad.wasm"
expect_error "not a module" 1 "bad.wasm: .*magic" "$WASMPACK" run "$T_TMP/bad.wasm"
expect_error "a TARGET that is neither a file nor a reference" 1 "no such file, and not an image reference" \
	"$WASMPACK" run "Not A Reference!"
run "$WASMPACK" run -h
check_match "run -h shows the usage on stdout" "^usage: wasmpack run TARGET" "$T_OUT"
run "$WASMPACK" help
check_match "run is in the command list" "run +Run a WASI module" "$T_OUT"

exit "$T_FAILED"
