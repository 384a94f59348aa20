#!/usr/bin/env bash
# down.sh [SERVICE...]: stop the testenv servers (all when no argument). Their data stays
# under $FRONTDOOR_TESTENV_DIR until the next up.sh resets it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
services=("$@")
[ ${#services[@]} -gt 0 ] || read -r -a services <<<"$(cat "$here/SERVICES")"
for s in "${services[@]}"; do
	[ -x "$here/$s/down.sh" ] && "$here/$s/down.sh"
done
exit 0
