#!/usr/bin/env bash
# The fresh-machine check: do README's two commands pass on a Debian
# bookworm that has nothing but debootstrap's minbase plus git, make and
# ca-certificates?
#
#   scripts/fresh-check.sh            clone HEAD into a fresh root, run
#                                     `make demo` and `make test` in a chroot
#
# The minimal root is made once with debootstrap (the mirror is read from
# this host's apt sources) and cached under $WASMPACK_FRESH_CACHE
# (default /var/tmp/wasmpack-fresh); every run starts from a copy of it, so
# nothing one run installs is seen by the next.  Downloaded .deb files are
# kept in the cache too (apt's own archive cache, as a second run of apt
# would keep them), so a second run does not download them again.  The
# chroot trusts what this host trusts: its CA certificates, its apt proxy
# settings and its npm configuration, so it reaches the same package
# registries.  Mounts are undone on every exit path.  Needs root.
#
# Exit status 0 only when `make demo` exits 0 and `make test` ends with
# "N passed, 0 failed" and no suite skipped for a missing tool.
set -euo pipefail

root_dir=$(cd "$(dirname "$0")/.." && pwd)
cache=${WASMPACK_FRESH_CACHE:-/var/tmp/wasmpack-fresh}
suite=bookworm

die() { echo "fresh-check: $*" >&2; exit 1; }
say() { echo "fresh-check: $*" >&2; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null 2>&1 || {
	say "installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq debootstrap >&2 ||
		die "debootstrap is missing and could not be installed (apt-get install debootstrap)"
}

# The Debian mirror this host installs from: the first "deb" URI for the
# main archive in sources.list or a deb822 .sources file.
host_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" && $3 == "'"$suite"'" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		     /(^|\n)Suites:[^\n]*[ \t]'"$suite"'([ \t]|\n|$)/ {
		       for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) { split($i, u, /[ \t]+/); print u[2]; exit }
		     }' "$f"
	done
}
mirror=$(host_mirror | head -n1)
[ -n "$mirror" ] || die "no '$suite' Debian mirror in /etc/apt/sources.list{,.d}: cannot debootstrap"

mkdir -p "$cache/debs"
base="$cache/base-$suite"
if [ ! -f "$base/.complete" ]; then
	say "making a minimal $suite root in $base (debootstrap --variant=minbase, $mirror)"
	rm -rf "$base"
	debootstrap --variant=minbase --cache-dir="$cache/debs" "$suite" "$base" "$mirror" \
		>"$cache/debootstrap.log" 2>&1 || die "debootstrap failed: see $cache/debootstrap.log"
	touch "$base/.complete"
fi

run_dir=$(mktemp -d "$cache/run.XXXXXX")
logs="$run_dir/logs"
mkdir -p "$logs"
fresh="$run_dir/root"
mounts=()
cleanup() {
	local rc=$? i
	# processes a test left behind inside the root hold its mounts
	if [ -d "$fresh" ]; then
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/root" 2>/dev/null)" = "$fresh" ] && kill -9 "${p#/proc/}" 2>/dev/null
		done
	fi
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || true
	done
	# only once nothing is mounted inside it
	if ! grep -q " $fresh" /proc/self/mounts; then rm -rf "$fresh"; fi
	echo "fresh-check: logs in $logs" >&2
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

say "copying the cached root"
cp -a "$base" "$fresh"
mnt() { mount "$@" && mounts+=("${!#}"); }
# the root is a mount point of its own, private, as a machine's root is:
# tests that make a mount namespace (unshare -m) need that, and nothing
# mounted inside it reaches the host
mnt --bind "$fresh" "$fresh"
mount --make-private "$fresh"
mnt -t proc proc "$fresh/proc"
mnt --rbind /sys "$fresh/sys"
mnt --make-rslave "$fresh/sys"
mnt --rbind /dev "$fresh/dev"
mnt --make-rslave "$fresh/dev"
mkdir -p "$fresh/var/cache/apt/archives"
mnt --bind "$cache/debs" "$fresh/var/cache/apt/archives"

# What this host trusts and how it reaches the registries.
cp -L /etc/resolv.conf "$fresh/etc/resolv.conf"
cp -L /etc/hosts "$fresh/etc/hosts"
if [ -d /usr/local/share/ca-certificates ]; then
	mkdir -p "$fresh/usr/local/share/ca-certificates"
	cp -a /usr/local/share/ca-certificates/. "$fresh/usr/local/share/ca-certificates/"
fi
for f in /etc/apt/apt.conf.d/*; do
	grep -qi 'proxy' "$f" 2>/dev/null && cp "$f" "$fresh/etc/apt/apt.conf.d/"
done
[ -f "$HOME/.npmrc" ] && cp "$HOME/.npmrc" "$fresh/root/.npmrc"
for f in /etc/npmrc /usr/etc/npmrc; do
	[ -f "$f" ] && mkdir -p "$fresh$(dirname "$f")" && cp "$f" "$fresh$f"
done

# The repository as committed (HEAD), cloned the way a user clones it.
src="$fresh/mnt/src"
mkdir -p "$src"
mnt --bind "$root_dir" "$src"
mount -o remount,bind,ro "$src" 2>/dev/null || true

# Everything below runs as a new user's shell would: a clean environment.
in_root() {
	chroot "$fresh" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
		${no_proxy:+no_proxy=$no_proxy} \
		${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt} \
		/bin/bash -c "$1"
}

start=$(date +%s)
say "installing git make ca-certificates (what README asks for); log: $logs/setup.log"
in_root 'set -e
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends git make ca-certificates
	update-ca-certificates
	git config --global --add safe.directory /mnt/src
	git clone -q /mnt/src /root/wasmpack' >"$logs/setup.log" 2>&1 || die "setting up the fresh root failed: see $logs/setup.log"

say "make demo (log: $logs/demo.log)"
demo_rc=0
in_root 'cd /root/wasmpack && make demo' >"$logs/demo.log" 2>&1 || demo_rc=$?
say "make demo exited $demo_rc after $(($(date +%s) - start)) s"

say "make test (log: $logs/test.log)"
test_rc=0
in_root 'cd /root/wasmpack && make test' >"$logs/test.log" 2>&1 || test_rc=$?
# the Debian package: built by dpkg-buildpackage (lintian in it), installed
# with apt (its Depends resolved from the archive), then the installed
# wasmpack runs version, detect and a build, and its bash completion loads
say "make deb, apt install it, wasmpack version/detect/build (log: $logs/deb.log)"
deb_rc=0
in_root 'set -e; cd /root/wasmpack && make deb
	apt-get install -y -qq ./build/wasmpack_*.deb
	/usr/bin/wasmpack version
	/usr/bin/wasmpack detect testdata/c-plain
	cd /tmp && /usr/bin/wasmpack build /root/wasmpack/testdata/c-plain -o oci:/tmp/deb-demo
	bash -c ". /usr/share/bash-completion/completions/wasmpack && complete -p wasmpack"
	test -s /usr/share/zsh/vendor-completions/_wasmpack' >"$logs/deb.log" 2>&1 || deb_rc=$?
# what the fresh machine received, for the record
in_root "dpkg-query -W -f='\${Package} \${Version}\n'" >"$logs/packages.txt" 2>/dev/null || true
chroot "$base" dpkg-query -W -f='${Package}\n' 2>/dev/null | sort >"$logs/packages-base.txt" || true
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logs/test.log" | tail -n1 || true)
missing=$(grep -E '^ +SKIP .*(not installed|is missing|not found|no .* on this machine)' "$logs/test.log" || true)
say "make test exited $test_rc: ${summary:-no summary line} after $(($(date +%s) - start)) s"
grep -E '^(FAIL|     SKIP)' "$logs/test.log" >&2 || true

fail=0
[ "$demo_rc" -eq 0 ] || { say "FAILED: make demo exited $demo_rc"; tail -n 20 "$logs/demo.log" >&2; fail=1; }
[ "$test_rc" -eq 0 ] || { say "FAILED: make test exited $test_rc"; fail=1; }
[ "$deb_rc" -eq 0 ] || { say "FAILED: the .deb (make deb, install, version/detect/build) exited $deb_rc"; tail -n 20 "$logs/deb.log" >&2; fail=1; }
[[ "$summary" =~ ^[0-9]+\ passed,\ 0\ failed ]] || { say "FAILED: make test did not end with 0 failed"; fail=1; }
[ -z "$missing" ] || { say "FAILED: suites skipped for a missing tool:"; echo "$missing" >&2; fail=1; }
say "packages: $(wc -l <"$logs/packages-base.txt") in the minimal root, $(wc -l <"$logs/packages.txt") after make deps ($logs/packages.txt)"
if [ "$fail" -eq 0 ]; then
	say "passed: make demo and make test ($summary) on a fresh $suite"
fi
exit "$fail"
