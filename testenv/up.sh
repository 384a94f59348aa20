#!/usr/bin/env bash
# up.sh [SERVICE...]: install (Debian packages, Go tools) and start on loopback the
# real servers that frontdoor's tests and demo use. Idempotent. No argument: all.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# One up.sh or down.sh at a time: parallel runs would race for ports and pidfiles.
state=${FRONTDOOR_TESTENV_DIR:-/tmp/frontdoor-testenv}
mkdir -p "$state"
exec 9>"$state/.lock"
flock 9
all=$(cat "$here/SERVICES")
services=("$@")
[ ${#services[@]} -gt 0 ] || read -r -a services <<<"$all"
for s in "${services[@]}"; do
	[ -x "$here/$s/up.sh" ] || { echo "testenv: unknown service '$s' (known: $all)" >&2; exit 2; }
	"$here/$s/up.sh" 9>&-
done
