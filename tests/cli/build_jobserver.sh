#!/usr/bin/env bash
# `wasmpack build ./...` shares the cores through a GNU make jobserver
# (common/jobserver.h): each build runs on a core of its own and takes the
# cores no build holds as tokens.  The behaviour a user sees: once the
# other builds have ended, a make project still building runs its
# recipes side by side on the cores they left (a static share of -jN /
# builds kept it at -j1).  And which toolchain gets what: make and cmake
# --build get MAKEFLAGS and no -j, cargo CARGO_MAKEFLAGS and no -j.
. "$(dirname "$0")/../lib.sh"
. "$WASMPACK_ROOT/tests/builders_lib.sh"
if ! have clang-16 || ! have make; then
	skip "build_jobserver" "clang-16 or make is not installed (make deps installs them)"
	exit 0
fi
# the plans below are compared whole: not with the MAKEFLAGS of a make
# running this test (make test SANITIZE=1 has ' -- SANITIZE=1')
unset MAKEFLAGS MFLAGS CARGO_MAKEFLAGS

export WASMPACK_CACHE_DIR="$T_TMP/cache"
mono="$T_TMP/mono"
mkdir -p "$mono/quick" "$mono/pair" "$T_TMP/meet"
printf 'int main(void) { return 0; }\n' >"$mono/quick/main.c"
# pair: two objects whose recipes each wait (up to 30 s) for the other to
# have started: they meet only if make runs them side by side
cat >"$mono/pair/meet.sh" <<'SH'
touch "$MEET/$1"
for i in $(seq 300); do
	if [ -e "$MEET/$2" ]; then echo met >"$MEET/$1.result"; exit 0; fi
	sleep 0.1
done
echo alone >"$MEET/$1.result"
SH
printf 'int a(void) { return 1; }\n' >"$mono/pair/a.c"
printf 'int a(void);\nint main(void) { return a() - 1; }\n' >"$mono/pair/b.c"
cat >"$mono/pair/Makefile" <<'MK'
pair.wasm: a.o b.o
	$(CC) $(LDFLAGS) -o $@ a.o b.o
a.o: a.c
	sh meet.sh a b
	$(CC) $(CFLAGS) -c a.c -o a.o
b.o: b.c
	sh meet.sh b a
	$(CC) $(CFLAGS) -c b.c -o b.o
MK

if [ "$(nproc)" -lt 2 ]; then
	skip "build_jobserver" "one core: there is no core to share"
else
	# two builds on two cores: none left over until quick ends (stdin
	# closed: the pipe must not become fd 0, which every tool gets as
	# /dev/null)
	cd "$mono"
	run env MEET="$T_TMP/meet" "$WASMPACK" build ./... -j 2 -o "oci:$T_TMP/out" <&-
	check_eq "build ./...: both projects built" 0 "$T_RC"
	check_eq "the core quick left went to pair's make: its two recipes met" "met met" \
		"$(cat "$T_TMP/meet/a.result" "$T_TMP/meet/b.result" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
fi

# what each toolchain is given when a build has the jobserver (a FIFO
# stands for build ./...'s pipe; the plan of a dry run shows it)
mkfifo "$T_TMP/js"
exec 7<>"$T_TMP/js"
export WASMPACK_JOBSERVER=7,7 WASMPACK_BUILD_JOBS=1
run "$WASMPACK" build "$mono/pair" --dry-run
check_match "make: MAKEFLAGS names the jobserver" "MAKEFLAGS=' -j[0-9]+ --jobserver-auth=7,7' " "$T_OUT"
run env MAKEFLAGS="-k -j9 --jobserver-auth=3,4 --no-print-directory" "$WASMPACK" build "$mono/pair" --dry-run
check_match "make: the user's own MAKEFLAGS stay, not their -j or jobserver" \
	"MAKEFLAGS=' -j[0-9]+ --jobserver-auth=7,7 -k --no-print-directory' " "$T_OUT"
printf '%s\n' "$T_OUT" >"$T_TMP/plan"
check "make: no -j of its own" sh -c '! grep -q " make -j" "$1"' sh "$T_TMP/plan"
run "$WASMPACK" build "$(sample c-cmake)" --dry-run
build_line=$(grep 'cmake --build' <<<"$T_OUT")
check_match "cmake --build: MAKEFLAGS and no -j" "^MAKEFLAGS=' -j[0-9]+ --jobserver-auth=7,7' cmake --build [^ ]+/build$" "$build_line"
if have cargo || [ -x /usr/bin/cargo ]; then
	run "$WASMPACK" build "$(sample rust)" --dry-run
	build_line=$(grep 'cargo build' <<<"$T_OUT")
	check_match "cargo: CARGO_MAKEFLAGS and no -j" \
		"CARGO_MAKEFLAGS=' -j[0-9]+ --jobserver-auth=7,7' .*cargo build --release --target wasm32-wasip?1? --bin rust-hello( --offline)?$" "$build_line"
fi
# the pipe's read end is blocking (make 4.2 wants it so) and holds no
# token: a build compiling several sources side by side must still end,
# on its own core (a take that waited would never return)
cp -r "$TESTDATA/c-plain" "$T_TMP/three"
printf 'int third(void) { return 3; }\n' >"$T_TMP/three/src/third.c"
run timeout 120 "$WASMPACK" build "$T_TMP/three" --no-cache -o "oci:$T_TMP/three.oci"
check_eq "no token in a blocking pipe: the build ends on its own core" 0 "$T_RC"
# fds that are not a pipe are not a jobserver: the share stays
export WASMPACK_JOBSERVER=0,1
run "$WASMPACK" build "$mono/pair" --dry-run </dev/null
check_match "not a pipe: make -j as the share" " make -j1 " "$T_OUT"
exec 7>&-
exit $T_FAILED
