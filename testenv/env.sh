#!/usr/bin/env bash
# env.sh: print `export NAME=value` lines for every running testenv service.
# Use: eval "$(testenv/env.sh)"
set -euo pipefail
STATE=${FRONTDOOR_TESTENV_DIR:-/tmp/frontdoor-testenv}
here=$(cd "$(dirname "$0")" && pwd)
printf 'export FRONTDOOR_TESTENV_DIR=%q\n' "$STATE"
for s in $(cat "$here/SERVICES"); do
	[ -f "$STATE/$s/env" ] && cat "$STATE/$s/env"
done
exit 0
