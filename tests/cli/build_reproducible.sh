#!/usr/bin/env bash
# Same inputs -> same digests, in any directory and at any time; the
# timestamp comes from SOURCE_DATE_EPOCH, else the HEAD commit time, else
# the epoch; source annotations come from the git repository.
. "$(dirname "$0")/../lib.sh"

hello="$TESTDATA/hello/hello.wasm"
cd "$T_TMP"
mkdir a b
cp "$hello" a/app.wasm
cp "$hello" b/app.wasm
touch -d '2001-01-01' a/app.wasm
touch -d '2020-06-06' b/app.wasm

for f in image wasm krustlet; do
	d1=$(cd a && "$WASMPACK" build --wasm app.wasm --format "$f" -o oci:out)
	sleep 1.1 # a different wall-clock second
	d2=$(cd b && umask 077 && "$WASMPACK" build --wasm app.wasm --format "$f" -o oci:elsewhere/deeper)
	check_eq "$f: same digest from another directory, time, mtime and umask" "${d1#*@}" "${d2#*@}"
	d3=$(cd a && SOURCE_DATE_EPOCH=1700000000 "$WASMPACK" build --wasm app.wasm --format "$f" -o oci:sde)
	d4=$(cd b && SOURCE_DATE_EPOCH=1700000000 "$WASMPACK" build --wasm app.wasm --format "$f" -o oci:sde)
	check_eq "$f: same SOURCE_DATE_EPOCH, same digest" "${d3#*@}" "${d4#*@}"
	if [ "$f" != krustlet ]; then
		# krustlet's shape records no time at all
		if [ "${d1#*@}" != "${d3#*@}" ]; then ok "$f: changing SOURCE_DATE_EPOCH changes the digest"
		else not_ok "$f: changing SOURCE_DATE_EPOCH changes the digest" "both ${d1#*@}"; fi
	fi
done
check_eq "layout blobs are byte-identical between the two builds" \
	"$(cd a/out/blobs/sha256 && ls | sort | xargs cat | sha256sum)" \
	"$(cd b/elsewhere/deeper/blobs/sha256 && ls | sort | xargs cat | sha256sum)"
check_eq "blobs are written 0644 whatever the umask" "-rw-r--r--" "$(stat -c %A b/elsewhere/deeper/blobs/sha256/* | sort -u)"

# the same layer as `gzip -n` of the same tar would be is not required (zlib
# versions differ), but the archive outputs must be reproducible too
(cd a && "$WASMPACK" build --wasm app.wasm -o oci-archive:x.tar >/dev/null)
(cd b && "$WASMPACK" build --wasm app.wasm -o oci-archive:x.tar >/dev/null)
check "oci-archive files are byte-identical" cmp a/x.tar b/x.tar
(cd a && "$WASMPACK" build --wasm app.wasm -o docker-archive:d.tar >/dev/null)
(cd b && "$WASMPACK" build --wasm app.wasm -o docker-archive:d.tar >/dev/null)
check "docker-archive files are byte-identical" cmp a/d.tar b/d.tar

# ---- in a git repository: commit time and source annotations
if have git; then
	mkdir repo && cd repo
	git init -q
	git config user.email t@example.invalid
	git config user.name t
	cp "$hello" app.wasm
	git add app.wasm
	GIT_COMMITTER_DATE='2022-02-02T02:02:02Z' GIT_AUTHOR_DATE='2022-02-02T02:02:02Z' git commit -qm init
	git remote add origin git@github.com:owner/app.git
	rev=$(git rev-parse HEAD)
	run "$WASMPACK" build --wasm app.wasm -o oci:../g --json
	check_eq "git: a build in a repository with an origin succeeds" 0 "$T_RC"
	m=$(cat "../g/blobs/sha256/$(jq -r '.digest|ltrimstr("sha256:")' <<<"$T_OUT")")
	check_eq "git: created is the HEAD commit time" "2022-02-02T02:02:02Z" \
		"$(jq -r '.annotations["org.opencontainers.image.created"]' <<<"$m")"
	check_eq "git: source is the origin as an https URL" "https://github.com/owner/app" \
		"$(jq -r '.annotations["org.opencontainers.image.source"]' <<<"$m")"
	check_eq "git: revision is HEAD" "$rev" "$(jq -r '.annotations["org.opencontainers.image.revision"]' <<<"$m")"
	check_eq "git: title is the module name" "app" "$(jq -r '.annotations["org.opencontainers.image.title"]' <<<"$m")"
	git remote set-url origin https://user:secret-token@gitlab.example.com/group/sub/app.git
	m=$("$WASMPACK" build --wasm app.wasm -o oci:../g2 --json | jq -r '.digest|ltrimstr("sha256:")')
	check_eq "git: credentials are stripped from an https origin" "https://gitlab.example.com/group/sub/app" \
		"$(jq -r '.annotations["org.opencontainers.image.source"]' "../g2/blobs/sha256/$m")"
	m=$("$WASMPACK" build --wasm app.wasm -o oci:../g3 --annotation org.opencontainers.image.source=https://example.com/x \
		--label org.opencontainers.image.title=custom --json | jq -r '.digest|ltrimstr("sha256:")')
	check_eq "git: --annotation and --label win over the defaults" "https://example.com/x custom" \
		"$(jq -r '.annotations | .["org.opencontainers.image.source"] + " " + .["org.opencontainers.image.title"]' "../g3/blobs/sha256/$m")"
	d5=$(SOURCE_DATE_EPOCH=0 "$WASMPACK" build --wasm app.wasm -o oci:../g4 --json | jq -r .digest)
	m=$(cat "../g4/blobs/sha256/${d5#sha256:}")
	check_eq "git: SOURCE_DATE_EPOCH wins over the commit time" "1970-01-01T00:00:00Z" \
		"$(jq -r '.annotations["org.opencontainers.image.created"]' <<<"$m")"
	cd ..
else
	skip "git source facts" "git not installed"
fi
