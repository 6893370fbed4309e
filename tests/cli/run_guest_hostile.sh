#!/usr/bin/env bash
# Hostile guests (issue 11): small modules written to hurt the host, each
# of which must be stopped by the sandbox or by a limit, quickly.
#   fd_allocate            cannot reserve the host's disk (ENOTSUP, as wasmtime)
#   stdio                  is a stream one way: no seek, truncation, flags, pwrite,
#                          directory rights (`>> app.log`, `< /`); the flags the
#                          shell shares are intact after exit, also after SIGTERM
#   table.grow             is bounded by --max-table-elements (default 10M)
#   bulk memory/table ops  cost fuel by length, and stop on --timeout part way
. "$(dirname "$0")/../lib.sh"
if ! have wat2wasm; then
	skip "$(basename "$0")" "wat2wasm not installed (Debian package wabt)"
	exit 0
fi

# wat NAME: assemble $T_TMP/NAME.wat (from stdin) and print the module's path
wat() {
	cat >"$T_TMP/$1.wat"
	wat2wasm --debug-names "$T_TMP/$1.wat" -o "$T_TMP/$1.wasm" && echo "$T_TMP/$1.wasm"
}

# fd_allocate(256 MiB) on a file it created in its preopen; exits with the errno
alloc=$(wat alloc <<'WAT'
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_allocate" (func $allocate (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "big")
  (func (export "_start") (local $e i32)
    (local.set $e (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 3)
      (i32.const 1) (i64.const 0x1fffffff) (i64.const 0) (i32.const 0) (i32.const 0)))
    (if (local.get $e) (then (call $exit (local.get $e))))
    (call $exit (call $allocate (i32.load (i32.const 0)) (i64.const 0) (i64.const 268435456)))))
WAT
) || exit 1
mkdir "$T_TMP/box"
run "$WASMPACK" run --dir "$T_TMP/box::/" "$alloc"
check_eq "fd_allocate: ENOTSUP (58)" 58 "$T_RC"
check_eq "fd_allocate: the file stays empty" "0 0" "$(stat -c '%s %b' "$T_TMP/box/big" 2>&1)"

# stdio: every call that could damage `>> app.log` or use `< DIR` as a
# directory; exits with how many were NOT refused (ENOTCAPABLE, 76), after
# appending "guest" to stdout; with an argument it then spins forever
stdio=$(wat stdio <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $set_flags (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $set_size (param i32 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_tell" (func $tell (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_allocate" (func $allocate (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\40\00\00\00\06\00\00\00\50\00\00\00\02\00\00\00")
  (data (i32.const 64) "guest\n")
  (data (i32.const 80) "XX")
  (data (i32.const 96) "secret")
  (global $n (mut i32) (i32.const 0))
  (func $refused (param i32)
    (if (i32.ne (local.get 0) (i32.const 76)) (then (global.set $n (i32.add (global.get $n) (i32.const 1))))))
  (func (export "_start")
    (call $refused (call $set_flags (i32.const 1) (i32.const 0)))
    (call $refused (call $set_size (i32.const 1) (i64.const 0)))
    (call $refused (call $seek (i32.const 1) (i64.const 0) (i32.const 0) (i32.const 32)))
    (call $refused (call $tell (i32.const 1) (i32.const 32)))
    (call $refused (call $pwrite (i32.const 1) (i32.const 8) (i32.const 1) (i64.const 0) (i32.const 32)))
    (call $refused (call $allocate (i32.const 1) (i64.const 0) (i64.const 1048576)))
    (call $refused (call $read (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 32)))
    (call $refused (call $write (i32.const 0) (i32.const 8) (i32.const 1) (i32.const 32)))
    (call $refused (call $pread (i32.const 0) (i32.const 8) (i32.const 1) (i64.const 0) (i32.const 32)))
    (call $refused (call $set_flags (i32.const 0) (i32.const 4)))
    (call $refused (call $open (i32.const 0) (i32.const 0) (i32.const 96) (i32.const 6)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32)))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))
    (drop (call $args (i32.const 40) (i32.const 44)))
    (if (i32.gt_u (i32.load (i32.const 40)) (i32.const 1)) (then (loop $l (br $l))))
    (call $exit (global.get $n))))
WAT
) || exit 1
mkdir "$T_TMP/dir" && echo hunter2 >"$T_TMP/dir/secret"
# the open file's flags as the shell sees them, in octal (O_APPEND is 02000)
append_flag() { awk '/^flags:/ { print int(substr($2, length($2) - 3, 1) / 2) % 2 ? "O_APPEND" : "no O_APPEND" }' "/proc/$$/fdinfo/$1"; }
echo host >"$T_TMP/app.log"
exec 5>>"$T_TMP/app.log"
"$WASMPACK" run "$stdio" <"$T_TMP/dir" >&5 2>"$T_TMP/err"
rc=$?
check_eq "stdio: every damaging call refused (ENOTCAPABLE)" 0 "$rc"
check_eq "stdio: the log kept its line, the guest's is appended" "host|guest" "$(tr '\n' '|' <"$T_TMP/app.log" | sed 's/|$//')"
check_eq "stdio: the shell's descriptor is still O_APPEND" O_APPEND "$(append_flag 5)"
exec 5>&-

echo host >"$T_TMP/app2.log"
exec 5>>"$T_TMP/app2.log"
"$WASMPACK" run "$stdio" spin </dev/null >&5 2>"$T_TMP/err" &
pid=$!
for i in $(seq 1 100); do grep -q guest "$T_TMP/app2.log" && break; sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
rc=$?
check_eq "stdio, SIGTERM: the guest ends by the signal" 143 "$rc"
check_eq "stdio, SIGTERM: the shell's descriptor is still O_APPEND" O_APPEND "$(append_flag 5)"
check_eq "stdio, SIGTERM: the log kept its line" "host|guest" "$(tr '\n' '|' <"$T_TMP/app2.log" | sed 's/|$//')"
exec 5>&-

# table.grow by 469M references (3.8 GB), under --max-memory 64M
grow=$(wat grow <<'WAT'
(module (table 0 funcref)
  (func (export "_start") (drop (table.grow 0 (ref.null func) (i32.const 0x1c000000)))))
WAT
) || exit 1
run "$WASMPACK" run --max-memory 64M "$grow"
check_eq "table.grow of 3.8 GB: a trap naming the limit" \
	"134 Error: table limit exceeded (--max-table-elements 10000000)" "$T_RC $(head -n 1 <<<"$T_ERR")"
grow1k=$(wat grow1k <<'WAT'
(module (table 0 funcref)
  (func (export "_start")
    (if (i32.ne (table.grow 0 (ref.null func) (i32.const 1000)) (i32.const 0)) (then unreachable))))
WAT
) || exit 1
run "$WASMPACK" run --max-table-elements 1000 "$grow1k"
check_eq "--max-table-elements 1000: growing to 1000 is fine" "0" "$T_RC"
run "$WASMPACK" run --max-table-elements 999 "$grow1k"
check_eq "--max-table-elements 999: growing to 1000 traps" \
	"134 Error: table limit exceeded (--max-table-elements 999)" "$T_RC $(head -n 1 <<<"$T_ERR")"
expect_error "--max-table-elements needs a number" 2 "--max-table-elements needs a number from 1 to 4294967295, not 'lots'" \
	"$WASMPACK" run --max-table-elements lots "$grow1k"
expect_error "--max-table-elements 0 is refused" 2 "--max-table-elements needs a number" \
	"$WASMPACK" run --max-table-elements 0 "$grow1k"

# straight-line bulk operations: no loop, no call, so nothing but the
# operations themselves can check fuel and the deadline
# bulk NAME OP: a module whose _start runs OP 1000 times (over 10 s each
# before the operations checked anything)
bulk() {
	{
		case "$2" in
		*memory*) echo "(module (memory 4096)" ;;
		*) echo "(module (table 10000000 funcref) (elem func \$f) (func \$f)" ;;
		esac
		echo '(func (export "_start")'
		for _ in $(seq 1 1000); do echo "$2"; done
		echo '))'
	} | wat "$1"
}
bulk fill "(memory.fill (i32.const 0) (i32.const 1) (i32.const 0x10000000))" >/dev/null || exit 1
bulk copy "(memory.copy (i32.const 0x1000) (i32.const 0) (i32.const 0x0ffff000))" >/dev/null || exit 1
bulk tfill "(table.fill 0 (i32.const 0) (ref.func \$f) (i32.const 10000000))" >/dev/null || exit 1
bulk tcopy "(table.copy 0 0 (i32.const 1) (i32.const 0) (i32.const 9999999))" >/dev/null || exit 1
ms() { echo $(($(date +%s%N) / 1000000)); }
for m in fill copy tfill tcopy; do
	run "$WASMPACK" run --fuel 100000 "$T_TMP/$m.wasm"
	check_eq "$m x1000: costs fuel by length" "134 Error: all fuel consumed (--fuel 100000)" "$T_RC $(head -n 1 <<<"$T_ERR")"
	t0=$(ms)
	run "$WASMPACK" run --timeout 0.5 "$T_TMP/$m.wasm"
	t1=$(ms)
	check_eq "$m x1000: --timeout 0.5 stops it" "134 Error: interrupted: --timeout 0.5 expired" "$T_RC $(head -n 1 <<<"$T_ERR")"
	check "$m x1000: ... within 5 s (took $((t1 - t0)) ms)" test $((t1 - t0)) -lt 5000
done

exit "$T_FAILED"
