#!/usr/bin/env bash
# Print the Debian mirror this machine installs SUITE (default bookworm)
# from: the first URI of a "deb" line in sources.list(.d/*.list) or of a
# deb822 stanza in sources.list.d/*.sources whose Suites name it.  Used by
# scripts/deps.sh (to add bookworm-backports on the same mirror) and
# scripts/fresh-check.sh (to debootstrap from it).  Prints nothing when
# there is none.
set -euo pipefail
suite=${1:-bookworm}
{
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	awk -v s="$suite" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { if ($(i + 1) == s) print $i; break } }' "$f"
done
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
	{
		uri = ""; ok = 0; deb = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^Types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1
			if ($i ~ /^URIs:/) { n = split($i, u, /[ \t]+/); uri = u[2] }
			if ($i ~ /^Suites:/) { n = split($i, w, /[ \t]+/); for (j = 2; j <= n; j++) if (w[j] == s) ok = 1 }
		}
		if (deb && ok && uri != "") print uri
	}' "$f"
done
} | head -n1
