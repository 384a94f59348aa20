#!/usr/bin/env bash
# postgres/up.sh: a private PostgreSQL cluster on 127.0.0.1:5433 with the role
# and database frontdoor (the role may create databases, so tests can make one
# each). A running, healthy cluster is left alone; otherwise it is recreated
# from scratch. The Debian package's own cluster (port 5432) is not touched.
source "$(dirname "$0")/../lib.sh"

dir=$STATE/postgres
port=5433
user=frontdoor
password=frontdoor-db-secret
url="postgres://$user:$password@127.0.0.1:$port/frontdoor?sslmode=disable"
pidfile=$dir/postgres.pid

write_env() {
	{
		printf 'export POSTGRES_URL=%q\n' "$url"
		printf 'export POSTGRES_ADMIN_URL=%q\n' "$url"
		printf 'export POSTGRES_PIDFILE=%q\n' "$pidfile"
	} >"$dir/env.tmp"
	mv "$dir/env.tmp" "$dir/env"
}

as_pg() { runuser -u postgres -- "$@"; }

healthy() {
	[ -n "${bin:-}" ] || return 1
	"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -d frontdoor -U "$user" 2>/dev/null
}

find_bin() {
	local v
	v=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -1)
	[ -n "$v" ] && bin=/usr/lib/postgresql/$v/bin
}

find_bin || true
if pid_alive "$pidfile" && healthy; then
	write_env
	exit 0
fi

apt_install postgresql
find_bin || die "no PostgreSQL binaries under /usr/lib/postgresql"

# The postmaster runs as postgres and writes its own pidfile in the data
# directory; $pidfile is our copy of its first line.
if [ -f "$dir/data/postmaster.pid" ]; then
	as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
fi
stop_pidfile "$pidfile"
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && die "127.0.0.1:$port is taken by a process that $pidfile does not name"

rm -rf "$dir/data" "$dir/env"
mkdir -p "$dir/data" "$dir/run"
chown postgres:postgres "$dir/data" "$dir/run"
chmod 700 "$dir/data"
# postgres must be able to reach its directory through $STATE.
chmod o+x "$STATE" "$dir"
as_pg test -w "$dir/data" || die "the postgres user cannot reach $dir/data; set FRONTDOOR_TESTENV_DIR to a directory under /tmp"

as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
	>"$dir/initdb.log" 2>&1 || die "initdb failed: $(cat "$dir/initdb.log")"
cat >"$dir/data/pg_hba.conf" <<HBA
local all postgres trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
# a test cluster: no autovacuum worker to hold a test database that a test
# drops WITH (FORCE)
autovacuum = off
CONF

touch "$dir/postgres.log"
chown postgres:postgres "$dir/postgres.log"
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start >/dev/null ||
	die "postgres did not start; see $dir/postgres.log"
head -1 "$dir/data/postmaster.pid" >"$pidfile"

as_pg "$bin/psql" -q -h "$dir/run" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE ROLE $user LOGIN CREATEDB PASSWORD '$password';
-- DROP DATABASE ... WITH (FORCE) ends the sessions still on a test database,
-- some of which (autovacuum) are not the role's own.
GRANT pg_signal_backend TO $user;
CREATE DATABASE frontdoor OWNER $user;
SQL
healthy || die "postgres does not answer on 127.0.0.1:$port; see $dir/postgres.log"

write_env
log "postgres ready on 127.0.0.1:$port"
