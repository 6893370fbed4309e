#!/usr/bin/env bash
# wasmpack completion bash|zsh: the scripts are generated from the command
# table and the usage texts.  bash: the script is sourced and its function
# driven with COMP_WORDS/COMP_CWORD as bash does (commands, flags, flag
# values, positional files and directories, oci: paths); every command and
# every flag `-h` shows is completed; a command added to the table (a copy
# of cmd/main.c linked with the build's objects) is completed too.  zsh:
# the script parses, compinit autoloads it for wasmpack, and zsh's own
# completion system, driven in a pseudo-terminal, completes the same.
. "$(dirname "$0")/../lib.sh"

run "$WASMPACK" completion bash
check_eq "completion bash: exit status 0" 0 "$T_RC"
printf '%s\n' "$T_OUT" >"$T_TMP/wasmpack.bash"
check "the bash script parses" bash -n "$T_TMP/wasmpack.bash"

expect_error "an unknown shell: usage error naming it" 2 "unknown shell 'fish'" "$WASMPACK" completion fish
expect_error "no shell: usage error" 2 "which shell" "$WASMPACK" completion
expect_error "an extra argument: usage error" 2 "unexpected argument 'x'" "$WASMPACK" completion bash x

# A project tree to complete in.
mkdir -p "$T_TMP/w/src/lib" "$T_TMP/w/srv"
touch "$T_TMP/w/app.wasm" "$T_TMP/w/cosign.key" "$T_TMP/w/src/main.c"

# complete SCRIPT WORD...: the candidates bash would get for the last word
# (sorted, one line, space-separated), with the words split as bash splits
# them (':' and '=' are words of their own).
complete_words() {
	local script=$1
	shift
	(cd "$T_TMP/w" && bash -c '
		. "$1"; shift
		[ "$(complete -p wasmpack)" = "complete -o bashdefault -o default -F _wasmpack wasmpack" ] || { echo "not registered"; exit 1; }
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_wasmpack
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " " | sed "s/ $//"' bash "$script" "$@")
}
comp() { complete_words "$T_TMP/wasmpack.bash" "$@"; }

commands=$("$WASMPACK" help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' | LC_ALL=C sort | tr '\n' ' ')
check_eq "bash: the commands of 'wasmpack help' and the global flags" "--help --version -h ${commands% }" "$(comp wasmpack "")"
check_eq "bash: a command from its prefix" "build" "$(comp wasmpack bu)"
check_eq "bash: a flag from its prefix" "--format" "$(comp wasmpack build --for)"
check_eq "bash: --format's values (build)" "image krustlet wasm" "$(comp wasmpack build --format "")"
check_eq "bash: --format's values (sbom)" "cyclonedx spdx" "$(comp wasmpack sbom --format "")"
check_eq "bash: --format=VALUE" "wasm" "$(comp wasmpack build --format = w)"
check_eq "bash: -o's destinations (prefixes)" "docker-archive: oci-archive: oci:" "$(comp wasmpack build -o "")"
check_eq "bash: the path after oci:" "src srv" "$(comp wasmpack build -o oci : s)"
check_eq "bash: --builder: the builders" "rust" "$(comp wasmpack build --builder r)"
check_eq "bash: build DIR: directories only" "src srv" "$(comp wasmpack build "")"
check_eq "bash: flag values are not positionals (build -t X DIR)" "src srv" "$(comp wasmpack build -t x:1 --env A=1 "")"
check_eq "bash: run --dir: directories" "src/lib" "$(comp wasmpack run --dir src/)"
check_eq "bash: run TARGET: files and image prefixes" "app.wasm cosign.key oci-archive: oci: src srv" "$(comp wasmpack run "")"
check_eq "bash: run TARGET: a .wasm file" "app.wasm" "$(comp wasmpack run ap)"
check "bash: nothing after run's -- (the guest's arguments)" test -z "$(comp wasmpack run app.wasm -- "")"
check_eq "bash: sign --key: files" "cosign.key" "$(comp wasmpack sign --key co)"
check_eq "bash: help COMMAND" "generate-key" "$(comp wasmpack help gen)"
check_eq "bash: completion SHELL" "bash zsh" "$(comp wasmpack completion "")"

# The completions come from the usage texts: every command has one, and
# -h prints it.
bad=""
for c in $commands; do
	"$WASMPACK" "$c" -h 2>/dev/null | head -n 1 | grep -q "^usage: wasmpack $c" || bad="$bad $c"
done
check_eq "every command's -h prints its usage" "none" "${bad:-none}"

# Every flag of every command's -h option lines (and usage line) is offered.
missing=""
for c in $commands; do
	offered=" $(comp wasmpack "$c" -) "
	for f in $("$WASMPACK" "$c" -h 2>/dev/null | grep -oE -- '(^|[ [,])--?[a-z][a-z0-9-]*' | sed 's/^[ [,]//' | grep -E '^-(-|[a-z]$)' | sort -u); do
		[[ $offered == *" $f "* ]] || missing="$missing $c:$f"
	done
done
check_eq "bash: every flag -h shows is completed" "none" "${missing:-none}"
check_eq "bash: build --sbom's values" "cyclonedx none spdx" "$(comp wasmpack build --sbom "")"
check_eq "bash: build --exceptions' values" "auto none wasm" "$(comp wasmpack build --exceptions "")"

# ... and every flag the commands' parsers accept is in some -h (so it is
# completed), but --password, which login accepts only to refuse it
all_help=$(for c in $commands; do "$WASMPACK" "$c" -h; done)
missing=""
for o in $(grep -ohE '\{ "[a-z][a-z0-9-]*", (no|required|optional)_argument' "$WASMPACK_ROOT"/cmd/*.c | sed 's/{ "\([^"]*\)".*/\1/' | sort -u); do
	[ "$o" = password ] && continue
	grep -qE -- "--$o([^a-z0-9-]|\$)" <<<"$all_help" || missing="$missing --$o"
done
check_eq "every long option of cmd/*.c's getopt tables is in a -h" "none" "${missing:-none}"

# Generated, not written by hand: a command added to the table is completed.
build=${WASMPACK_BUILD:-$WASMPACK_ROOT/build}
if [ -f "$build/obj/cmd/main.o" ] && have cc && have pkg-config; then
	sed 's|^\t{ "version", cmd_version,|\t{ "frobnicate", cmd_version, "Frobnicate a tree", "usage: wasmpack frobnicate DIR [--level N]\\n\\n  --fast, --slow   speed\\n  --key FILE       a key\\n" },\n&|' \
		"$WASMPACK_ROOT/cmd/main.c" >"$T_TMP/main_extra.c"
	san=""
	nm "$build/obj/cmd/main.o" 2>/dev/null | grep -q __asan && san="-fsanitize=address,undefined"
	objs=()
	for o in "$build"/obj/cmd/*.o; do [ "${o##*/}" = main.o ] || objs+=("$o"); done
	# shellcheck disable=SC2046,SC2086 # flags lists
	if cc -std=c11 -D_GNU_SOURCE $san -I"$WASMPACK_ROOT/cmd" $(pkg-config --cflags jansson) -o "$T_TMP/wasmpack-extra" \
		"$T_TMP/main_extra.c" "${objs[@]}" "$build/libwasmpack.a" $(pkg-config --libs openssl jansson zlib) -lm -lpthread \
		>"$T_TMP/cc.log" 2>&1; then
		"$T_TMP/wasmpack-extra" completion bash >"$T_TMP/extra.bash"
		comp2() { complete_words "$T_TMP/extra.bash" "$@"; }
		check_eq "a command added to the table is completed" "frobnicate" "$(comp2 wasmpack fro)"
		check_eq "its flags, from its usage text" "--fast --key --level --slow" "$(comp2 wasmpack frobnicate --)"
		check_eq "its FILE flag completes files" "cosign.key" "$(comp2 wasmpack frobnicate --key cos)"
		check_eq "its DIR argument completes directories" "src srv" "$(comp2 wasmpack frobnicate "")"
		"$T_TMP/wasmpack-extra" completion zsh >"$T_TMP/extra.zsh"
		check "the zsh script has it too" grep -q "^	(frobnicate)" "$T_TMP/extra.zsh"
	else
		not_ok "a copy of cmd/main.c with one more command links" "$(cat "$T_TMP/cc.log")"
	fi
else
	skip "completion_generated" "no build objects in $build (make builds them)"
fi

# zsh
if ! have zsh; then
	skip "completion_zsh" "zsh is not installed (make deps installs it)"
	exit 0
fi
run "$WASMPACK" completion zsh
check_eq "completion zsh: exit status 0" 0 "$T_RC"
mkdir -p "$T_TMP/fpath"
printf '%s\n' "$T_OUT" >"$T_TMP/fpath/_wasmpack"
check_match "zsh: a #compdef file" "^#compdef wasmpack" "$T_OUT"
check "zsh: the script parses (zsh -n)" zsh -n "$T_TMP/fpath/_wasmpack"
run env HOME="$T_TMP" zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D; print -r -- "$_comps[wasmpack]"; autoload -Uz +X _wasmpack && print loaded' zsh "$T_TMP/fpath"
check_eq "zsh: compinit autoloads _wasmpack for wasmpack" "_wasmpack loaded" "$(tr '\n' ' ' <<<"$T_OUT" | sed 's/ $//')"
# zsh's own completion system, in a pseudo-terminal, offering what the
# script gives it (tests/lib/zsh-complete.zsh); _files -/ shows files too
# there (it filters them after compadd), so directory checks look for dirs
zcomp() {
	zsh -f "$WASMPACK_ROOT/tests/lib/zsh-complete.zsh" "$T_TMP/fpath" "$T_TMP/w" "$*" | tr '\n' ' ' | sed 's/ $//'
}
check_eq "zsh: every command" "${commands% }" "$(zcomp "wasmpack ")"
check_eq "zsh: a command from its prefix" "build" "$(zcomp "wasmpack bu")"
check_eq "zsh: a flag from its prefix" "--ca-file --cache-repo --cache-repo-readonly" "$(zcomp "wasmpack build --ca")"
check_eq "zsh: --format's values" "image krustlet wasm" "$(zcomp "wasmpack build --format ")"
check_eq "zsh: -o's destinations (prefixes)" "docker-archive: oci-archive: oci:" "$(zcomp "wasmpack build -o ")"
check_eq "zsh: the path after oci:" "src srv" "$(zcomp "wasmpack build -o oci:s")"
check_eq "zsh: --builder: the builders" "rust" "$(zcomp "wasmpack build --builder r")"
check_eq "zsh: run TARGET: files and image prefixes" "app.wasm cosign.key oci-archive: oci: src srv" "$(zcomp "wasmpack run ")"
check_match "zsh: build DIR: directories" "src srv" "$(zcomp "wasmpack build ")"
check_eq "zsh: help COMMAND" "generate-key" "$(zcomp "wasmpack help g")"
