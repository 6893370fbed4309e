#!/usr/bin/env bash
# A docker credential helper of the test suite's own, installed as
# docker-credential-wptest on a temporary PATH.  `get` answers for the
# server named in $WPTEST_SERVER with $WPTEST_USER/$WPTEST_SECRET and says
# "credentials not found" (exit 1) otherwise; `store`/`erase` record what
# they receive.  Every call is logged to $WPTEST_LOG (never the secret).
set -u
input=$(cat)
case "${1:-}" in
get)
	echo "get $input" >>"$WPTEST_LOG"
	if [ "$input" = "$WPTEST_SERVER" ]; then
		printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\n' "$input" "$WPTEST_USER" "$WPTEST_SECRET"
	else
		echo "credentials not found in native keychain"
		exit 1
	fi
	;;
store)
	echo "store $(jq -r '.ServerURL + " " + .Username' <<<"$input")" >>"$WPTEST_LOG"
	printf '%s' "$input" >"$WPTEST_LOG.stored"
	;;
erase)
	echo "erase $input" >>"$WPTEST_LOG"
	;;
*)
	exit 2
	;;
esac
