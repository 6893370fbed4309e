# zsh -f zsh-complete.zsh FPATH_DIR DIR LINE: the candidates zsh's own
# completion system offers for LINE (a Tab at its end), one a line,
# sorted.  An interactive zsh runs in a pseudo-terminal (zpty) with FPATH_DIR
# first in $fpath and compinit loaded, in DIR; compadd is wrapped to print
# every match it is given (matches _files filters out later may show too),
# and a comppostfuncs hook marks the end.  For tests/cli/completion.sh.
zmodload zsh/zpty || exit 1
fp=$1 dir=$2 line=$3
zpty z zsh -f -i
zpty -w z "stty columns 2000; PROMPT=; RPROMPT=; unsetopt zle_bracketed_paste; cd ${(q)dir}; fpath=(${(q)fp} \$fpath); autoload -Uz compinit; compinit -u -D"
# the markers are split in the source so that the terminal's echo of these
# lines does not contain them
zpty -w z 'compadd() { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi; local -a __hits; builtin compadd -A __hits "$@"; local r=$? h; for h in $__hits; do print -r -- "H""IT:$h" >/dev/tty; done; return r; }'
zpty -w z 'comppostfuncs=(__done); __done() { print -r -- "DO""NE:" >/dev/tty; }'
zpty -w -n z "$line"$'\t'
integer t=0
out=
while (( ++t < 600 )); do
	chunk=
	zpty -r -t z chunk && out+=$chunk
	[[ $out == *DONE:* ]] && break
	sleep 0.05
done
zpty -d z
[[ $out == *DONE:* ]] || { print -u2 "zsh-complete: no completion ran for '$line'"; exit 1; }
print -r -- $out | tr -d '\r' | grep -a -o 'HIT:[^ ]*' | sed 's/^HIT://' | LC_ALL=C sort -u
