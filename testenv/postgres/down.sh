#!/usr/bin/env bash
# postgres/down.sh: stop the private PostgreSQL; its data is recreated by the next up.sh.
source "$(dirname "$0")/../lib.sh"
dir=$STATE/postgres
if [ -f "$dir/data/postmaster.pid" ]; then
	for v in /usr/lib/postgresql/*/bin; do
		[ -x "$v/pg_ctl" ] || continue
		runuser -u postgres -- "$v/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
		break
	done
fi
stop_pidfile "$dir/postgres.pid"
rm -f "$dir/env"
