#!/usr/bin/env bash
# push / pull / login / logout on the command line, without a registry:
# help, usage errors (exit 2, one line, nothing on stdout), bad references
# refused before any file is read or any connection made, and passwords
# never taken from the command line.
. "$(dirname "$0")/../lib.sh"

cd "$T_TMP"
"$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" -o oci:img >/dev/null 2>&1

overview=$("$WASMPACK" help)
for c in push pull login logout; do
	check_match "help lists $c" "  $c " "$overview"
	run "$WASMPACK" "$c" -h
	check_match "$c -h prints its usage on stdout" "^usage: wasmpack $c" "$T_OUT"
done

expect_error "push without a reference" 2 "expected SOURCE and at least one REF" "$WASMPACK" push oci:img
expect_error "push with an unknown option" 2 "unknown option '--nope'" "$WASMPACK" push --nope oci:img r.io/a
expect_error "push -o is not an option" 2 "unknown option '-o'" "$WASMPACK" push -o x oci:img r.io/a
expect_error "push: a bad reference is refused first (no file read)" 2 \
	"invalid reference 'r.io/UPPER:v1'" "$WASMPACK" push oci:does-not-exist r.io/UPPER:v1
expect_error "push: a bad tag" 2 "bad tag" "$WASMPACK" push oci:img "r.io/app:-x"
expect_error "push from a missing layout" 1 "oci:nothing: no such directory" "$WASMPACK" push oci:nothing r.io/app:v1
expect_error "push from docker-archive is refused" 2 "cannot push from docker-archive" \
	"$WASMPACK" push docker-archive:x.tar r.io/app:v1
expect_error "push --ca-file that does not exist" 2 "ca-file" \
	"$WASMPACK" push oci:img 127.0.0.1:1/app:v1 --ca-file "$T_TMP/none.pem"

expect_error "pull without -o" 2 "-o oci:DIR\[:TAG\] is required" "$WASMPACK" pull r.io/app:v1
expect_error "pull of a bad reference" 2 "invalid reference" "$WASMPACK" pull "r.io/app:v1:x" -o oci:out
expect_error "pull --platform must be OS/ARCH" 2 "is not OS/ARCH" "$WASMPACK" pull r.io/a --platform wasm -o oci:o
expect_error "run --platform must be OS/ARCH" 2 "is not OS/ARCH" "$WASMPACK" run r.io/a --platform wasm
expect_error "pull to an unknown destination type" 2 "unknown destination type" "$WASMPACK" pull r.io/a -o foo:bar
check "nothing was written by the failed commands" test ! -e out -a ! -e o

expect_error "login -p is refused" 2 "use --password-stdin" "$WASMPACK" login r.io -u a -p secret
expect_error "login without -u" 2 "-u USER is required" "$WASMPACK" login r.io --password-stdin
expect_error "login without --password-stdin" 2 "password-stdin is required" "$WASMPACK" login r.io -u a
run bash -c ': | "$1" login r.io -u a --password-stdin' _ "$WASMPACK"
check_eq "login with an empty stdin" "2 wasmpack: no password on stdin" "$T_RC $T_ERR"
expect_error "login to something that is not a host" 2 "invalid registry 'nohost'" \
	bash -c 'echo pw | "$1" login nohost -u a --password-stdin' _ "$WASMPACK"
expect_error "logout without a registry" 2 "expected one REGISTRY" "$WASMPACK" logout
run env DOCKER_CONFIG="$T_TMP/dc" "$WASMPACK" logout r.io
check_eq "logout when not logged in" "1 wasmpack: not logged in to r.io" "$T_RC $T_ERR"

expect_error "build --push needs -t or WASMPACK_REPO" 2 "--push needs -t REF or WASMPACK_REPO" \
	env -u WASMPACK_REPO "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push
expect_error "build --push with a bad WASMPACK_REPO" 2 "invalid reference" \
	env WASMPACK_REPO="r.io/UP" "$WASMPACK" build --wasm "$TESTDATA/hello/hello.wasm" --push
check "build --push that failed wrote no layout" test ! -e wasmpack-out
