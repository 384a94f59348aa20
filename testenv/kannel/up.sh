#!/usr/bin/env bash
# kannel/up.sh: Kannel (Debian's kannel and kannel-extras) as the SMS gateway of the
# tests: bearerbox (admin on 127.0.0.1:13000), smsbox with the HTTP sendsms
# interface on http://127.0.0.1:13013/cgi-bin/sendsms, and Kannel's own test SMSC,
# fakesmsc, connected on 127.0.0.1:13010. Every message Kannel delivers to the
# SMSC is logged by fakesmsc into messages.log ("Got message N: <FROM TO text T>"):
# the tests read it there. A running, healthy gateway is left alone.
source "$(dirname "$0")/../lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

dir=$STATE/kannel
admin_port=13000
box_port=13001
smsc_port=13010
sendsms_port=13013
user=frontdoor
pass=kannel-sendsms-secret
url=http://127.0.0.1:$sendsms_port/cgi-bin/sendsms

write_env() {
	{
		printf 'export KANNEL_SENDSMS_URL=%q\n' "$url"
		printf 'export KANNEL_USERNAME=%q\n' "$user"
		printf 'export KANNEL_PASSWORD=%q\n' "$pass"
		printf 'export KANNEL_MESSAGES=%q\n' "$dir/messages.log"
		printf 'export KANNEL_PIDFILE=%q\n' "$dir/bearerbox.pid"
	} >"$dir/env.tmp"
	mv "$dir/env.tmp" "$dir/env"
}

healthy() {
	pid_alive "$dir/bearerbox.pid" && pid_alive "$dir/smsbox.pid" && pid_alive "$dir/fakesmsc.pid" &&
		curl -s -m 2 -o /dev/null "http://127.0.0.1:$sendsms_port/" 2>/dev/null
}

stamp=$(cat "$here/up.sh" "$here/kannel.conf.in" | sha256sum | cut -d' ' -f1)
mkdir -p "$dir"
if healthy && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ]; then
	write_env
	exit 0
fi

apt_install kannel kannel-extras curl
fakesmsc=/usr/lib/kannel/test/fakesmsc
[ -x "$fakesmsc" ] || die "$fakesmsc is missing (package kannel-extras)"
# The package's own daemons must not run: they would hold Kannel's default ports.
if pid_alive /run/kannel/kannel_bearerbox.pid; then
	log "stopping the bearerbox started by the Debian package"
	stop_pidfile /run/kannel/kannel_bearerbox.pid
fi

for f in smsbox fakesmsc bearerbox; do stop_pidfile "$dir/$f.pid"; done
for p in $admin_port $box_port $smsc_port $sendsms_port; do
	(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && die "127.0.0.1:$p is taken by a process that $dir/*.pid do not name"
done
rm -rf "$dir/spool" "$dir/env" "$dir/stamp"
mkdir -p "$dir/spool"
: >"$dir/messages.log"

sed -e "s|@STATE@|$dir|g" -e "s|@ADMIN@|$admin_port|g" -e "s|@BOX@|$box_port|g" \
	-e "s|@SMSC@|$smsc_port|g" -e "s|@SENDSMS@|$sendsms_port|g" \
	-e "s|@USER@|$user|g" -e "s|@PASS@|$pass|g" "$here/kannel.conf.in" >"$dir/kannel.conf"

setsid /usr/sbin/bearerbox -v 1 "$dir/kannel.conf" </dev/null >"$dir/bearerbox.log" 2>&1 &
echo $! >"$dir/bearerbox.pid"
wait_port "$smsc_port" 100 || die "bearerbox did not listen on $smsc_port; see $dir/bearerbox.log"

# fakesmsc connects to bearerbox's fake SMSC port (-r) and sends nothing (-m 0);
# it logs each message it receives, on stderr, as
# "Got message N: <FROM TO text TEXT>".
setsid "$fakesmsc" -H 127.0.0.1 -r "$smsc_port" -m 0 -i 0 "100 200 text hi" \
	</dev/null >>"$dir/messages.log" 2>&1 &
echo $! >"$dir/fakesmsc.pid"

setsid /usr/sbin/smsbox -v 1 "$dir/kannel.conf" </dev/null >"$dir/smsbox.log" 2>&1 &
echo $! >"$dir/smsbox.pid"
wait_port "$sendsms_port" 100 || die "smsbox did not listen on $sendsms_port; see $dir/smsbox.log"

# Wait until the SMSC link is up: a message sent now reaches fakesmsc.
ok=
for _ in $(seq 100); do
	if curl -s -m 2 -G "$url" --data-urlencode "username=$user" --data-urlencode "password=$pass" \
		--data-urlencode "to=+10000000000" --data-urlencode "text=testenv ready" -o /dev/null &&
		grep -q 'testenv ready' "$dir/messages.log"; then
		ok=1
		break
	fi
	sleep 0.2
done
[ -n "$ok" ] || die "no message reached fakesmsc; see $dir/*.log"

echo "$stamp" >"$dir/stamp"
write_env
log "kannel ready: sendsms $url, messages in $dir/messages.log"
