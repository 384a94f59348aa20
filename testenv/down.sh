#!/usr/bin/env bash
# down.sh [SERVICE...]: stop the testenv servers (all when no argument). Their data stays
# under $FRONTDOOR_TESTENV_DIR until the next up.sh resets it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# One up.sh or down.sh at a time: parallel runs would race for ports and pidfiles.
state=${FRONTDOOR_TESTENV_DIR:-/tmp/frontdoor-testenv}
mkdir -p "$state"
exec 9>"$state/.lock"
flock 9
services=("$@")
[ ${#services[@]} -gt 0 ] || read -r -a services <<<"$(cat "$here/SERVICES")"
for s in "${services[@]}"; do
	[ -x "$here/$s/down.sh" ] && "$here/$s/down.sh" 9>&-
done
exit 0
