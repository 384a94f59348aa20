#!/usr/bin/env bash
# mailpit/up.sh: mailpit (built from tools/mailpit, a separate Go module) as the SMTP
# server of the tests: SMTP on 127.0.0.1:1025 accepting any credentials, REST API
# and web UI on http://127.0.0.1:8025. A running, healthy server is left alone;
# otherwise it starts with an empty mailbox.
source "$(dirname "$0")/../lib.sh"

dir=$STATE/mailpit
smtp_port=1025
http_port=8025
api=http://127.0.0.1:$http_port
src=$TESTENV_ROOT/../tools/mailpit

write_env() {
	{
		printf 'export MAILPIT_SMTP_HOST=%q\n' 127.0.0.1
		printf 'export MAILPIT_SMTP_PORT=%q\n' "$smtp_port"
		printf 'export MAILPIT_API_URL=%q\n' "$api"
		printf 'export MAILPIT_PIDFILE=%q\n' "$dir/mailpit.pid"
	} >"$dir/env.tmp"
	mv "$dir/env.tmp" "$dir/env"
}

healthy() { curl -sf -m 2 -o /dev/null "$api/readyz" 2>/dev/null; }

mkdir -p "$dir/bin"
if pid_alive "$dir/mailpit.pid" && healthy; then
	write_env
	exit 0
fi

apt_install curl
go=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$go" ] || die "go is not installed"

# Rebuild only when the pinned module or the Go toolchain changed.
stamp=$(cat "$src/go.mod" "$src/go.sum" <("$go" version) | sha256sum | cut -d' ' -f1)
if [ ! -x "$dir/bin/mailpit" ] || [ "$(cat "$dir/bin/stamp" 2>/dev/null)" != "$stamp" ]; then
	log "building mailpit"
	(cd "$src" && "$go" build -o "$dir/bin/mailpit.new" github.com/axllent/mailpit)
	mv "$dir/bin/mailpit.new" "$dir/bin/mailpit"
	echo "$stamp" >"$dir/bin/stamp"
fi

stop_pidfile "$dir/mailpit.pid"
for p in $smtp_port $http_port; do
	(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && die "127.0.0.1:$p is taken by a process that $dir/mailpit.pid does not name"
done
rm -f "$dir"/mailpit.db* "$dir/env"
# --disable-version-check: mailpit would otherwise look for new releases online.
setsid "$dir/bin/mailpit" --smtp "127.0.0.1:$smtp_port" --listen "127.0.0.1:$http_port" \
	--smtp-auth-accept-any --smtp-auth-allow-insecure --disable-version-check \
	--database "$dir/mailpit.db" </dev/null >"$dir/mailpit.log" 2>&1 &
echo $! >"$dir/mailpit.pid"

for _ in $(seq 100); do
	healthy && wait_port "$smtp_port" 1 && break
	sleep 0.05
done
healthy || die "mailpit did not answer on $api; see $dir/mailpit.log"

write_env
log "mailpit ready: SMTP 127.0.0.1:$smtp_port, API $api"
