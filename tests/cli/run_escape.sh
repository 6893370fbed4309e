#!/usr/bin/env bash
# The sandbox: a guest given one directory reaches nothing else.  escape.c
# tries "..", absolute paths, symlinks to /etc and to ../, renames, hard
# links and symlinks out, from the preopen and from a subdirectory; every
# attempt must be refused, and the host tree around the box must be
# exactly as it was, with nothing created, changed or removed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/wasi.bash"
need_wasi_cc

escape=$(wasi_module escape) || exit 1
top="$T_TMP/top"
mkdir -p "$top/box/sub" "$top/next-door"
echo secret >"$top/secret.txt"
echo neighbour >"$top/next-door/file"
echo in >"$top/box/inside.txt"
ln -s /etc/passwd "$top/box/passwd"
ln -s /etc "$top/box/etc"
ln -s ../secret.txt "$top/box/up"
ln -s .. "$top/box/updir"
ln -s sub/../../secret.txt "$top/box/sneaky"
touch -d @1000000000 "$top/secret.txt"

# what is around the box, and /etc/passwd itself, before the run
outside() { (cd "$top" && find . -path ./box -prune -o -printf '%p %y %s %T@ %m\n' | LC_ALL=C sort); }
before=$(outside)
passwd_before=$(stat -c '%s %Y %i' /etc/passwd)

run "$WASMPACK" run --dir "$top/box::/box" "$escape"
check_eq "every escape attempt is refused (expected output)" "$(cat "$WASI_SRC/escape.stdout")" "$T_OUT"
check_eq "the run itself succeeds" 0 "$T_RC"
check "no attempt was let through (only the one that stays inside opens)" \
	bash -c '[ "$(grep OPENED <<<"$1")" = "open sub/../inside.txt (stays inside): OPENED" ]' _ "$T_OUT"
check_eq "nothing outside the box changed" "$before" "$(outside)"
check_eq "the secret next to the box is intact" "secret" "$(cat "$top/secret.txt")"
check_eq "/etc/passwd untouched" "$passwd_before" "$(stat -c '%s %Y %i' /etc/passwd)"
check_eq "nothing was created next to the box" "box next-door secret.txt" "$(ls "$top" | tr '\n' ' ' | sed 's/ $//')"
check_eq "inside the box: only the symlink the guest may make" \
	"etc inside.txt mine2 passwd sneaky sub up updir" "$(ls "$top/box" | tr '\n' ' ' | sed 's/ $//')"

# the same box seen as "." (a relative guest name), and two preopens: the
# guest sees the second only through its own descriptor
run "$WASMPACK" run --dir "$top/box" --dir "$top/next-door::/other" "$escape"
check_eq "the preopen's guest name does not matter" "$(cat "$WASI_SRC/escape.stdout")" "$(sed 's/^symlink to ..\/secret.txt (made, never followed out): EEXIST/symlink to ..\/secret.txt (made, never followed out): ok/' <<<"$T_OUT")"
check_eq "nothing outside changed after the second run" "$before" "$(outside)"

exit "$T_FAILED"
